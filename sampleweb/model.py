"""Records shared by the generator, the renderers and the ground truth."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Mark:
    """What the generator knows about a stretch of a paragraph it wrote (offsets into the paragraph).

    kind "figure": a number slot the template annotated with its programme (``value``) and, when the unit
    alone does not say it, its measure; ``range`` when the next number is the top of a range.
    kind "place": a place the text names (``value`` is the region's name, 全国 for the nation).
    kind "period": a time the text names (``value`` is ``year:2019``, ``month:2019-06`` or ``rel:全年``).
    """

    kind: str
    start: int
    end: int
    value: str
    measure: str = ""
    range: bool = False

    def shifted(self, offset: int) -> Mark:
        return Mark(self.kind, self.start + offset, self.end + offset, self.value, self.measure, self.range)


@dataclass(frozen=True, slots=True)
class Para:
    text: str
    heading: bool = False  # in-body subheading such as 亮点一：... (part of the body)
    marks: tuple[Mark, ...] = ()  # figure ground truth (see sampleweb.figtruth)


@dataclass(frozen=True, slots=True)
class Picture:
    after: int  # index of the paragraph the picture follows
    caption: str


@dataclass(frozen=True, slots=True)
class Story:
    """The reader-visible content of one story, independent of the site that shows it."""

    title: str
    paragraphs: tuple[Para, ...]
    pictures: tuple[Picture, ...]
    relevant: bool
    tags: tuple[str, ...] = ()
    region: str = ""  # the place the story reports on (秀洲区, 四川省, 全国): figures default to it
    figures_paragraph: bool = False  # the last paragraph is the figure-dense one (sampleweb.figtopics)


@dataclass(frozen=True, slots=True)
class SiteInfo:
    key: str
    name: str
    level: str  # national / province / city / county
    province: str | None
    city: str | None
    county: str | None
    family: str  # CMS family: hanweb / trs / cdpf / generic
    federation: bool  # is the publisher itself a disability federation?


@dataclass(frozen=True, slots=True)
class ImageTruth:
    src: str  # absolute path on the site, e.g. /jsyw/202106/W020210621123456.jpg
    caption: str


@dataclass(frozen=True, slots=True)
class AttachmentTruth:
    name: str  # the link text without the size
    src: str  # absolute path on the site, e.g. /xwzx/clyw2/202106/P020210621000005_1.pdf
    size: int  # bytes served (GET and HEAD Content-Length)
    size_shown: bool  # the page prints the size next to the link


@dataclass(frozen=True, slots=True)
class Entry:
    """One article as a site publishes it: the story plus that site's metadata and placement."""

    site: str
    index: int
    path: str
    published: datetime  # Asia/Shanghai, aware
    show_seconds: bool
    story: Story
    story_id: str
    republishes: str | None  # site:path of the original
    source: str
    authors: tuple[str, ...]
    editors: tuple[str, ...]
    correspondents: tuple[str, ...]
    images: tuple[ImageTruth, ...]
    attachments: tuple[AttachmentTruth, ...] = ()  # 附件 linked below the body


@dataclass(frozen=True, slots=True)
class TruthRecord:
    """What a perfect crawler and extractor would archive for one article page."""

    site: str
    path: str
    kind: str  # "article" or "mobile_twin"
    title: str
    published_at: str  # ISO 8601 with +08:00
    source: str
    authors: tuple[str, ...]
    editors: tuple[str, ...]
    correspondents: tuple[str, ...]
    tags: tuple[str, ...]
    body: tuple[str, ...]
    images: tuple[ImageTruth, ...]
    relevant: bool
    story_id: str
    republishes: str | None
    canonical: str | None = None  # for mobile twins: the desktop path
    attachments: tuple[AttachmentTruth, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists)."""
        data = asdict(self)  # recurses into the ImageTruth and AttachmentTruth records already
        return {key: list(v) if isinstance(v, tuple) else v for key, v in data.items()}
