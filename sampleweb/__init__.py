"""The sample web: four generated Chinese sites on loopback ports, with machine-readable ground truth.

Used by the demo, the end-to-end tests and the benchmarks. Everything is generated on demand from
(seed, site, article index); nothing is written to disk.
"""

from sampleweb.model import AttachmentTruth, ImageTruth, SiteInfo, TruthRecord
from sampleweb.pages import CHROME_MARKERS
from sampleweb.server import RunningSampleWeb, start
from sampleweb.sitedefs import site_definitions, write_sites_toml
from sampleweb.web import SampleWeb

__all__ = [
    "CHROME_MARKERS",
    "AttachmentTruth",
    "ImageTruth",
    "RunningSampleWeb",
    "SampleWeb",
    "SiteInfo",
    "TruthRecord",
    "site_definitions",
    "start",
    "write_sites_toml",
]
