"""Article extraction: pure functions from fetched bytes to an `Article` or a named `NoArticle`.

No Scrapy and no SQLAlchemy here: the crawler's pipelines, `canlian extract` and `canlian reextract` all
call `extract(raw, url, headers)`.
"""

from crawler.extraction.decoding import DecodedPage, decode_html
from crawler.extraction.model import Article, Attachment, ExtractionResult, Image, NoArticle, NoArticleReason
from crawler.extraction.pipeline import EXTRACTOR_VERSION, extract
from crawler.extraction.serialize import article_to_dict, no_article_to_dict

__all__ = [
    "EXTRACTOR_VERSION",
    "Article",
    "Attachment",
    "DecodedPage",
    "ExtractionResult",
    "Image",
    "NoArticle",
    "NoArticleReason",
    "article_to_dict",
    "decode_html",
    "extract",
    "no_article_to_dict",
]
