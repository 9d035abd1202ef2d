"""Parsing byline and metadata lines: 来源 / 作者 / 撰文 / 记者 / 编辑 / 责编 / 通讯员 / 标签 / 发布时间 ...

Lines come in every order and separator: `2019年1月25日 08:46 来源:嘉兴日报 撰文 陈 曦 冯 姚`,
`发布时间：2021-06-21 16:57 | 来源：中国江苏网`, `（记者 张三 通讯员 李四）`, `标签:残联 责任编辑:平彩娟`.
A key is found by name (with an ASCII or full-width colon, or bare before a space for the unambiguous ones);
its value runs to the next key. A line counts as metadata only if keys and dates account for all of it and
every value is short and free of sentence punctuation, so body sentences that mention 编辑 or 来源 survive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.extraction.dates import FoundDate, find_dates
from crawler.extraction.names import split_names, split_tags


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_KEYS: dict[str, tuple[str, ...]] = {
    "source": _words("信息来源 文章来源 新闻来源 稿件来源 来源 稿源 供稿单位 供稿 转自 出处"),
    "author": _words("作者 撰文 撰稿 执笔 文/图 图/文 文图 记者 文"),
    "editor": _words("责任编辑 值班编辑 网络编辑 编辑 责编"),
    "correspondent": ("通讯员",),
    "tags": _words("标签 关键词 关键字"),
    "date": _words("发布时间 发布日期 发表时间 发表日期 发稿时间 成文日期 发表于 发布于 日期 时间"),
    "updated": _words("更新时间 修改时间 更新日期 更新"),
    "original_title": ("原标题",),
    "ignore": _words(
        "浏览次数 阅读次数 访问次数 点击数 点击量 访问量 阅读量 浏览量 浏览 阅读 点击 字号 字体 分享到 分享 "
        "打印 摄影 图片 图 审核 审校 校对 终审 初审 签发 索引号 文号 发文机关 发布机构 主题分类 视力保护色 "
        "文章类型 信息类型 信息分类"
    ),
}
# Keys safe to recognise without a colon ("撰文 陈 曦"), when a space or bracket separates them.
_BARE_OK = frozenset(
    _words(
        "信息来源 文章来源 来源 稿源 作者 撰文 撰稿 执笔 文/图 图/文 记者 责任编辑 值班编辑 编辑 责编 "
        "通讯员 摄影 发布时间 发布日期 发表于 发布于"
    )
)
_REPORTER_PREFIX = r"(?:本报|本网|本台|本文|特约|见习|首席|融媒)?"
_FIELD_OF = {key: name for name, keys in _KEYS.items() for key in keys}
_ALTERNATION = "|".join(re.escape(k) for k in sorted(_FIELD_OF, key=len, reverse=True))
_KEY = re.compile(
    rf"(?:(?<=[\s|丨｜/，,;；])|^)(?P<bare>{_REPORTER_PREFIX}(?:{_ALTERNATION}))(?=\s+\S)"
    rf"|(?P<colon>{_REPORTER_PREFIX}(?:{_ALTERNATION}))\s*[:：]"
    r"|(?:(?<=[\s|丨｜，,;；])|^)(?P<slash>文|图|摄影|摄)\s*/(?=\s*\S)"  # 文/李静 图/赵刚
)
_BRACKETS = str.maketrans(dict.fromkeys("【】[]（）()《》", " "))
_SEPARATORS = re.compile(r"^[\s|丨｜/，,;；:：·•\-—_]*$")
# Toolbar words printed after a value on the same line: 来源：央视新闻客户端 举报
_WIDGET_TAIL = re.compile(r"(?:\s+(?:举报|分享|收藏|纠错|打印|评论|我要纠错))+$")
_BARE_SOURCE = re.compile(r"^[\u3400-\u9fffA-Za-z·]{2,20}$")
_SENTENCE = re.compile(r"[。！？!?；]")
_MAX_TITLE = 150
_MAX_VALUE = {
    "source": 40,
    "author": 40,
    "editor": 30,
    "correspondent": 40,
    "tags": 80,
    "original_title": 150,
}


@dataclass(slots=True)
class Byline:
    # (key, date): key "date" under 发布时间 / 日期 ..., "updated" under 更新时间, "" when unlabelled
    dates: list[tuple[str, FoundDate]] = field(default_factory=list)
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    tags_seen: bool = False  # a 标签 key was present, even with no value
    original_title: str | None = None
    bare_source: str | None = None  # "2021-06-21 16:57 中国残联": a name after the date, with no key
    is_metadata: bool = False  # keys and dates make up the whole line: safe to drop from a body
    keys: list[str] = field(default_factory=list)  # fields whose keys occurred, in order


def _mask_dates(line: str) -> tuple[str, list[tuple[int, FoundDate]]]:
    found: list[tuple[int, FoundDate]] = []
    masked = line
    for date in find_dates(line):
        start = masked.find(date.raw)
        if start >= 0:
            found.append((start, date))
            masked = masked[:start] + " " * len(date.raw) + masked[start + len(date.raw) :]
    return masked, found


def _key_of(match: re.Match[str]) -> tuple[str, bool]:
    """Field name of a key match, and whether the match is acceptable."""
    if match.group("slash"):
        return ("author" if match.group("slash") == "文" else "ignore"), True
    word = match.group("bare") or match.group("colon")
    stem = re.sub(rf"^{_REPORTER_PREFIX}", "", word) or word
    if match.group("bare") and stem not in _BARE_OK:
        return _FIELD_OF.get(stem, "ignore"), False
    if stem in ("文", "图") and match.start() > 0 and not match.string[match.start() - 1].isspace():
        return "author", False  # "原文：" or "附图：" are not bylines
    return _FIELD_OF.get(stem, "ignore"), True


def _segments(masked: str) -> tuple[str, list[tuple[str, int, int]]]:
    """Text before the first key, and (field, value start, value end) per key."""
    judged = [(m, *_key_of(m)) for m in _KEY.finditer(masked)]
    keys = [(m, name) for m, name, ok in judged if ok]
    if not keys:
        return masked, []
    lead = masked[: keys[0][0].start()]
    spans = [
        (name, m.end(), keys[i + 1][0].start() if i + 1 < len(keys) else len(masked))
        for i, (m, name) in enumerate(keys)
    ]
    return lead, spans


def _assign(byline: Byline, name: str, value: str) -> bool:
    """Store one value; False when it is too long or sentence-like to be metadata."""
    value = _WIDGET_TAIL.sub("", value.strip(" |丨｜/，,;；:：·•-—_")).strip(" |丨｜/，,;；:：·•-—_")
    limit = _MAX_TITLE if name == "original_title" else _MAX_VALUE.get(name, 40)
    if len(value) > limit or _SENTENCE.search(value):
        return False
    byline.keys.append(name)
    if name == "source" and value and byline.source is None:
        byline.source = value
    elif name == "author":
        byline.authors.extend(split_names(value))
    elif name == "editor":
        byline.editors.extend(split_names(value))
    elif name == "correspondent":
        byline.correspondents.extend(split_names(value))
    elif name == "tags":
        byline.tags_seen = True
        byline.tags.extend(split_tags(value))
    elif name == "original_title" and value:
        byline.original_title = value
    return True


def parse_byline(line: str) -> Byline:
    """Fields found in one line of text; `is_metadata` says whether nothing else is in it."""
    byline = Byline()
    masked, dates = _mask_dates(line.translate(_BRACKETS))
    lead, spans = _segments(masked)
    valid = True
    for name, start, end in spans:
        valid = _assign(byline, name, masked[start:end]) and valid
    for position, date in dates:
        owner = next((name for name, start, end in spans if start <= position < end), "")
        byline.dates.append((owner if owner in ("date", "updated") else "", date))
    lead_clean = bool(_SEPARATORS.match(lead))
    if not spans and len(dates) == 1 and _BARE_SOURCE.match(lead.strip()):
        # Mobile templates print the publisher after the date without a key.
        byline.bare_source = lead.strip()
        lead_clean = True
    byline.is_metadata = valid and lead_clean and bool(spans or dates)
    return byline


# 本报讯（记者 张敏 通讯员 钱晓峰）... : the credit inside a dateline opening the first paragraph.
_DATELINE = re.compile(
    r"^[^，。；（(]{0,24}?[（(]((?:本报|本台|本网|新华社)?(?:记者|通讯员|实习生)[^）)]{1,60})[）)]"
)


_CREDIT_KEY = re.compile(r"(记者|通讯员|实习生)(?=[\u4e00-\u9fff])")


def dateline_byline(line: str) -> Byline | None:
    """Names credited in a dateline; the line itself stays in the body."""
    match = _DATELINE.match(line)
    if match is None:
        return None
    # （记者钱伟）: the key runs straight into the name
    byline = parse_byline(_CREDIT_KEY.sub(r"\1 ", match.group(1)))
    return byline if byline.is_metadata and (byline.authors or byline.correspondents) else None


# ……的托养补助。（周雨桐） / （记者 张三） : a credit in brackets closing the last paragraph.
_CLOSING = re.compile(r"[（(]\s*([^（）()]{2,30}?)\s*[）)]\s*$")
_CLOSING_NAME = re.compile(r"^[\u4e00-\u9fff]{2,3}(?:[\s、，,][\u4e00-\u9fff]{2,3}){0,2}$")
_NOT_A_NAME = frozenset(
    ("待续", "未完", "全文完", "组图", "图文", "附图", "资料图", "图片", "视频", "原创", "转载", "完")
)


def closing_byline(line: str) -> Byline | None:
    """Names credited in brackets at the very end of the body; the line itself stays in the body."""
    match = _CLOSING.search(line)
    if match is None:
        return None
    inner = match.group(1).strip()
    byline = parse_byline(inner)
    if byline.is_metadata and (byline.authors or byline.correspondents):
        return byline
    if _CLOSING_NAME.match(inner) and inner not in _NOT_A_NAME and not inner.endswith(("摄", "图")):
        return Byline(authors=split_names(inner), is_metadata=True)
    return None
