"""Generated corpus for the dedup benchmark: federation reports from the sample web's text generator, set
in counties from the project's gazetteer, plus republished copies with controlled edits, successor reports
on last year's template, and unrelated reports sharing boilerplate.

Deterministic: everything follows from (seed, story number).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sampleweb.stories import federation_story
from sampleweb.textkit import Locale

ANNUAL_TITLE = "用行动温暖{lastyear} {place}残联工作亮点纷呈"
FORMS = ("annual", "event", "event", "event", "meeting")
TOWN_SUFFIXES = ("镇", "街道", "乡")
PREFIXES = ("【转载】", "聚焦：", "关注｜", "【图文】")
CHROME = (
    "当前位置：首页 > 新闻中心 > 要闻",
    "版权所有：{site} 网站标识码 3304110001",
    "【打印本页】【关闭窗口】",
)


@dataclass(frozen=True, slots=True)
class Doc:
    story: str  # ground-truth story key
    title: str
    body: str
    edit: str  # original | the edits applied to a copy | successor


@cache
def locales() -> tuple[Locale, ...]:
    """One locale per county-level division the gazetteer lists (hundreds), towns drawn from its peers."""
    text = resources.files("crawler.data").joinpath("gazetteer.txt").read_text(encoding="utf-8")
    province, city, found = "", "", []
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "P":
            province = rest.strip()
        elif kind == "C":
            city = rest.strip().split("|")[0]
        elif kind == "D" and city != "-":
            for name in rest.split():
                name = name.split("|")[0]
                if name[-1] in "区县市":
                    found.append((province, city, name))
    rng = random.Random(0)
    shorts = [name[:-1] for _, _, name in found if len(name) >= 3]
    return tuple(
        Locale(
            province,
            city,
            name,
            name[-1],
            tuple(f"{rng.choice(shorts)}{rng.choice(TOWN_SUFFIXES)}" for _ in range(6)),
            f"{city.removesuffix('市')}日报",
        )
        for province, city, name in found
    )


def original(seed: int, number: int, year: int | None = None) -> Doc:
    rng = random.Random(f"{seed}|{number}")
    locale = rng.choice(locales())
    story = federation_story(rng, locale, year or rng.randint(2018, 2025), rng.choice(FORMS), ANNUAL_TITLE)
    return Doc(f"s{number}", story.title, "\n".join(p.text for p in story.paragraphs), "original")


# -- edits a republisher makes -------------------------------------------------------------------------
def drop_paragraph(doc: Doc, rng: random.Random) -> Doc:
    paragraphs = doc.body.splitlines()
    if len(paragraphs) < 4:
        return doc
    del paragraphs[rng.randrange(1, len(paragraphs))]
    return Doc(doc.story, doc.title, "\n".join(paragraphs), doc.edit)


def title_prefix(doc: Doc, rng: random.Random) -> Doc:
    return Doc(doc.story, rng.choice(PREFIXES) + doc.title, doc.body, doc.edit)


def editor_line(doc: Doc, rng: random.Random) -> Doc:
    return Doc(
        doc.story,
        doc.title,
        f"{doc.body}\n（责任编辑：{rng.choice('陈王李张刘')}{rng.choice('敏静强磊')}）",
        doc.edit,
    )


def reorder_sentences(doc: Doc, rng: random.Random) -> Doc:
    paragraphs = doc.body.splitlines()
    for n, paragraph in enumerate(paragraphs):
        sentences = [s for s in re.split(r"(?<=。)", paragraph) if s]
        rng.shuffle(sentences)
        paragraphs[n] = "".join(sentences)
    return Doc(doc.story, doc.title, "\n".join(paragraphs), doc.edit)


def chrome(doc: Doc, rng: random.Random) -> Doc:
    lines = [c.format(site="某某新闻网") for c in rng.sample(CHROME, k=2)]
    return Doc(doc.story, doc.title, f"{lines[0]}\n{doc.body}\n{lines[1]}", doc.edit)


EDITS: dict[str, Callable[[Doc, random.Random], Doc]] = {
    "paragraph dropped": drop_paragraph,
    "title prefix": title_prefix,
    "editor line": editor_line,
    "sentences reordered": reorder_sentences,
    "chrome": chrome,
}
_FIGURE = re.compile(r"\d+(?:\.\d+)?")


def successor(doc: Doc, rng: random.Random) -> Doc:
    """Next year's report on this one's template: every figure new, years moved on. A different story."""

    def swap(match: re.Match[str]) -> str:
        old = match.group(0)
        if re.fullmatch(r"20\d\d", old):
            return str(int(old) + 1)
        whole, _, decimals = old.partition(".")
        value = str(rng.randint(10 ** (len(whole) - 1), 10 ** len(whole) - 1))
        return value + ("." + "".join(rng.choice("0123456789") for _ in decimals) if decimals else "")

    return Doc(doc.story + "-next", _FIGURE.sub(swap, doc.title), _FIGURE.sub(swap, doc.body), "successor")


def edit_corpus(seed: int, stories: int) -> list[Doc]:
    """Originals, each with 0-3 copies carrying one or two edits, and a successor for one in eight."""
    rng = random.Random(seed)
    docs: list[Doc] = []
    for number in range(stories):
        base = original(seed, number)
        docs.append(base)
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            names = rng.sample(sorted(EDITS), k=rng.choice((1, 1, 2)))
            copy = base
            for name in names:
                copy = EDITS[name](copy, rng)
            docs.append(Doc(copy.story, copy.title, copy.body, " + ".join(sorted(names))))
        if number % 8 == 0:
            docs.append(successor(base, rng))
    rng.shuffle(docs)
    return docs
