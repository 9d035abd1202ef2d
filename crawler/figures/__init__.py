"""Key figures of federation reports as data: pure functions from an article's text, region and date to
figures (programme, measure, value, unit, region, period), each traceable to its sentence by offsets.

No Scrapy and no SQLAlchemy here; the lexicon is data (``lexicon.toml``), loaded and validated once.
"""

from crawler.figures.extract import extract_figures
from crawler.figures.lexicon import Lexicon, LexiconError, lexicon
from crawler.figures.model import NATIONAL, Context, Figure, Period, Place
from crawler.figures.places import place_named

FIGURES_VERSION = "figures-1"

__all__ = [
    "FIGURES_VERSION",
    "NATIONAL",
    "Context",
    "Figure",
    "Lexicon",
    "LexiconError",
    "Period",
    "Place",
    "extract_figures",
    "lexicon",
    "place_named",
]
