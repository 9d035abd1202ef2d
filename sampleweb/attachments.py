"""附件: attachment links under some articles of the cdpf and portal sites, and the files behind them.

Which articles carry attachments, their names and their sizes follow from (seed, site, index) like the rest
of the web. About half the links print their size next to them, in the shapes real templates use; those
files are a whole number of KB, so the printed size, the served bytes and a HEAD request's Content-Length
all agree. Every other article page is byte-for-byte what it was before attachments existed.
"""

from __future__ import annotations

import random
import re
from datetime import datetime

from sampleweb import sites as S
from sampleweb.model import AttachmentTruth, Entry
from sampleweb.pages import Response, e, relative

_FOLDERS = {S.CDPF: "/xwzx/clyw2", S.PORTAL: "/jsyw"}
_PATH = re.compile(r"^(/xwzx/clyw2|/jsyw)/\d{6}/P0\d{8}(\d{6,})_(\d)\.(pdf|docx|xls)$")
_STEMS = (
    "残疾人两项补贴申请审批表",
    "残疾人康复服务项目汇总表",
    "无障碍环境建设实施方案",
    "残疾人就业创业扶持政策解读",
    "助残志愿服务报名表",
    "残疾人辅助器具适配目录",
    "残疾人职业技能培训计划",
)
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
}
_MAGIC = {"pdf": b"%PDF-1.4\n", "docx": b"PK\x03\x04", "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}


def has_attachments(site: str, index: int) -> bool:
    if site == S.CDPF:
        return index % 4 == 1
    if site == S.PORTAL:
        return index % 10 in (2, 8)  # never a republished copy (index % 10 == 7)
    return False


def for_article(seed: int, site: str, index: int, published: datetime) -> tuple[AttachmentTruth, ...]:
    if not has_attachments(site, index):
        return ()
    rng = random.Random(f"{seed}|{site}|{index}|attachments")
    found = []
    for number, stem in enumerate(rng.sample(_STEMS, rng.randint(1, 3)), start=1):
        extension = rng.choice(tuple(_CONTENT_TYPES))
        shown = (index + number) % 2 == 0
        size = rng.randint(8, 480) * 1024 if shown else rng.randint(6_000, 480_000)
        src = f"{_FOLDERS[site]}/{published:%Y%m}/P0{published:%Y%m%d}{index:06d}_{number}.{extension}"
        found.append(AttachmentTruth(f"{published.year}年{stem}.{extension}", src, size, shown))
    return tuple(found)


def _link(entry: Entry, number: int, attachment: AttachmentTruth) -> str:
    """One link in one of the shapes templates print sizes in: after the link, inside it, or labelled."""
    anchor = f'<a href="{relative(attachment.src, entry.path)}">{e(attachment.name)}'
    if not attachment.size_shown:
        return f"{anchor}</a>"
    kb = attachment.size // 1024
    shape = (entry.index + number) % 3
    if shape == 0:
        return f"{anchor}</a>（{kb}KB）"
    if shape == 1:
        return f"{anchor}({kb}KB)</a>"
    return f'{anchor}</a>&nbsp;<span class="size">大小：{kb}K</span>'


def block(entry: Entry) -> str:
    """The 附件 block below the body, ending in a newline; empty for an article without attachments."""
    if not entry.attachments:
        return ""
    links = [_link(entry, n, a) for n, a in enumerate(entry.attachments, start=1)]
    if entry.site == S.CDPF:
        items = "".join(f"<p>{n}. {link}</p>" for n, link in enumerate(links, start=1))
        return f'<div class="fujian"><p>附件：</p>{items}</div>\n'
    return f'<div class="fj"><span>相关附件：</span><br>{"<br>".join(links)}</div>\n'


def index_in_path(site: str, path: str) -> int | None:
    """The article index an attachment path of ``site`` names, or None when it is no attachment path."""
    match = _PATH.match(path)
    return int(match.group(2)) if match and _FOLDERS.get(site) == match.group(1) else None


def file_response(seed: int, site: str, index: int, published: datetime, path: str) -> Response | None:
    """The file at ``path``, linked by article ``index`` (published at ``published``), or None."""
    for attachment in for_article(seed, site, index, published):
        if attachment.src == path:
            extension = path.rsplit(".", 1)[1]
            magic = _MAGIC[extension]
            body = magic + b"\0" * (attachment.size - len(magic))
            return 200, {"Content-Type": _CONTENT_TYPES[extension]}, body
    return None
