"""The archive: SQLAlchemy models, writes, queries. Usable without a crawler; no Scrapy imports."""
