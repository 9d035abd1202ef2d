"""canlian-archive: the Scrapy project package (settings, pipelines, extraction, CLI)."""
