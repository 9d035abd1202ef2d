"""The chrome profile for Chinese government and news pages, applied line by line to any extracted body.

Whatever produced the body (a known container or trafilatura), these lines are page furniture: breadcrumbs,
share bars, 听新闻, 【字体：大 中 小】, 打印本页 / 关闭窗口, 上一篇 / 下一篇, 相关新闻, comment widgets,
footers, and metadata lines (来源, 责任编辑, 通讯员, 标签, 原标题). Metadata lines are parsed into fields
before they go.

Position matters, so real sentences that mention 编辑 or 主办单位 survive: some lines are chrome anywhere,
some only in the head (before the first paragraph) or tail (after the last one), and a few markers
(上一篇, 相关新闻, 版权所有 ...) end the article: everything after them goes unless a real paragraph follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.extraction.bylines import Byline, parse_byline

_ANYWHERE = re.compile(
    r"^(?:(?:您|你)(?:当前|现在)?|当前|现在)的?所?在?位置\s*[:：]?|^所在位置\s*[:：]"
    r"|^首页\s*(?:[>»›→/]|&gt;)"
    r"|^分享到|^分享\s*[:：]|^(?:微信|手机)?(?:扫一扫|扫描二维码|扫码)|二维码分享$"
    r"|^听新闻$|^(?:语音播报|朗读全文|点击朗读)"
    r"|^(?:上一篇|下一篇|上一条|下一条|上篇|下篇)(?:\s|[:：]|$)"
    r"|^相关(?:新闻|阅读|文章|链接|报道|推荐|资讯|稿件)\s*[:：]?$"
    r"|^(?:发表|我要|网友|查看|全部|最新)评论|^已有\d+人(?:参与|评论)|^\d+条评论|^请(?:先)?登录|^(?:登录|注册)(?:\s|$|[|/])"
    r"|版权所有|copyright|©|网站标识码|ICP备|ICP证|公网安备|举报电话|举报邮箱|违法和不良信息|不良信息举报"
    r"|^(?:浏览|阅读|点击|访问)(?:次数|量|数)\s*[:：]",
    re.I,
)
# Only after the last paragraph: event notices legitimately name a 主办单位 or a 联系电话 in their text.
_TAIL_ONLY = re.compile(
    r"^(?:主办|承办|协办|运营|运维|技术支持|维护)(?:单位)?\s*[:：]|^(?:地址|邮编|电话|传真|邮箱|联系电话)\s*[:：]"
    r"|免责声明|法律声明|^\d{1,6}$|^[\w\-]{1,40}\.(?:jpe?g|png|gif|bmp)$"
)
_END_MARKER = re.compile(
    r"^(?:上一篇|下一篇|上一条|下一条|上篇|下篇)|^相关(?:新闻|阅读|文章|链接|报道|推荐|资讯|稿件)\s*[:：]?"
    r"|^分享到|版权所有|copyright|©|^原标题\s*[:：]|^【?责任编辑|^返回顶部",
    re.I,
)

_HARD_END = re.compile(
    r"^(?:上一篇|下一篇|上一条|下一条)\s*[:：]|^(?:网友|发表|我要|全部|最新|热门|精彩)评论|^评论区|^跟贴|"
    r"^已有\d+人(?:参与|评论)|^(?:登录|注册)\s*[|/]\s*(?:登录|注册)"
)


def _words(*chunks: str) -> tuple[str, ...]:
    return tuple(" ".join(chunks).split())


_NAV_WORDS = _words("关于我们 广告服务 联系我们 联系方式 网站地图 法律声明 免责声明 隐私 网站声明")
_WIDGETS = frozenset(
    _words(
        "字体 字号 大 中 小 默认 标准 打印 打印本页 打印此页 打印正文 打印文章 关闭 关闭窗口 关闭本页",
        "返回顶部 返回 收藏 收藏本页 加入收藏 分享 纠错 我要纠错 保存 保存本页 视力保护色",
        "繁体 简体 繁 简 无障碍 无障碍浏览 长者模式 关怀版 放大 缩小 微信 微博 QQ空间 QQ",
        "朋友圈 复制链接 听新闻 用手机看 T 电脑版 手机版 触屏版 移动版 回复 引用 举报 只看该作者 返回列表",
    )
)
_WIDGET_SPLIT = re.compile(r"[\s【】\[\]()（）|丨｜:：/·•]+")
_TITLE_SEARCH = 6
_SENTENCE_END = re.compile(r"[。！？!?]$")


@dataclass(slots=True)
class Stripped:
    lines: list[str]
    bylines: list[Byline] = field(default_factory=list)  # parsed from the metadata lines removed


def is_widget_line(line: str) -> bool:
    """A line made only of toolbar words: 【字体：大 中 小】【打印】【关闭】, 分享 微信 微博, ..."""
    tokens = [t for t in _WIDGET_SPLIT.split(line) if t]
    return bool(tokens) and all(t in _WIDGETS for t in tokens)


def _sentence(line: str) -> bool:
    return len(line) >= 20 and bool(_SENTENCE_END.search(line))


# 论坛 › 助残交流 › 请问……？ : a breadcrumb, even when the page title at its end is a question.
_BREADCRUMB = re.compile(r"^(?:[^>»›→。，]{1,20}[>»›→]){2,}[^。，]*$")


def is_chrome_anywhere(line: str) -> bool:
    """Chrome wherever it stands; a full sentence is never chrome (市民扫一扫就能查到产地。)."""
    if len(line) <= 160 and _BREADCRUMB.match(line):
        return True
    if len(line) > 160 or _sentence(line):
        return False
    return bool(_ANYWHERE.search(line)) or is_widget_line(line) or sum(w in line for w in _NAV_WORDS) >= 2


def is_paragraph(line: str) -> bool:
    """Long enough, or sentence-shaped: real article text rather than a link title or footer line."""
    return len(line) >= 60 or (len(line) >= 20 and bool(_SENTENCE_END.search(line)))


def _metadata(line: str) -> Byline | None:
    if len(line) > 150:
        return None
    byline = parse_byline(line)
    return byline if byline.is_metadata else None


def _same_text(line: str, title: str) -> bool:
    squash = "".join(line.split())
    return bool(title) and squash == "".join(title.split())


def _cut_at_end_marker(lines: list[str]) -> list[str]:
    """Drop everything from the first end marker when no real paragraph follows it; from a previous /
    next link or a comment section's heading, drop the rest even so: what follows is other pages' titles
    and readers' comments, whose sentences look like an article's."""
    for index, line in enumerate(lines):
        if not index or _sentence(line) or (not _END_MARKER.search(line) and not _HARD_END.search(line)):
            continue
        hard = bool(_HARD_END.search(line)) and any(is_paragraph(before) for before in lines[:index])
        if hard or not any(is_paragraph(rest) for rest in lines[index + 1 :]):
            return lines[:index] + [m for m in lines[index:] if _metadata(m) is not None]
    return lines


def _drop_edge(lines: list[str], title: str, found: list[Byline], from_head: bool) -> list[str]:
    """Remove chrome and metadata lines from one end until the first real line."""
    while lines:
        line = lines[0] if from_head else lines[-1]
        meta = _metadata(line)
        if meta is not None and (from_head or meta.keys):
            found.append(meta)
        elif meta is not None or not _edge_chrome(line, title, from_head):
            break  # a date alone closing a notice is its signature date: body text
        lines = lines[1:] if from_head else lines[:-1]
    return lines


def _edge_chrome(line: str, title: str, from_head: bool) -> bool:
    return (
        is_chrome_anywhere(line) or bool(_TAIL_ONLY.search(line)) or (from_head and _same_text(line, title))
    )


def _drop_before_title(lines: list[str], title: str) -> list[str]:
    """Whatever precedes the title near the top of an extracted body is page header, not article; but a
    paragraph before it means the title line is a subheading repeating the title, and nothing goes."""
    for index, line in enumerate(lines[:_TITLE_SEARCH]):
        if _same_text(line, title):
            before = [b for b in lines[:index] if is_paragraph(b) and not is_chrome_anywhere(b)]
            return lines if before else lines[index:]
    return lines


def strip_chrome(lines: list[str], title: str = "") -> Stripped:
    """Remove chrome lines and collect the metadata lines' fields, in page order."""
    head: list[Byline] = []
    body = _drop_edge(
        _drop_before_title([line for line in lines if line], title), title, head, from_head=True
    )
    tail: list[Byline] = []
    body = _drop_edge(_cut_at_end_marker(body), title, tail, from_head=False)
    # Inside the body only undated metadata goes: 时间：/日期： lines there belong to event notices.
    middle: list[Byline] = []
    kept: list[str] = []
    for line in body:
        meta = _metadata(line)
        if meta is not None and not meta.dates and "date" not in meta.keys:
            middle.append(meta)
        elif not is_chrome_anywhere(line):
            kept.append(line)
    return Stripped(kept, head + middle + tail[::-1])
