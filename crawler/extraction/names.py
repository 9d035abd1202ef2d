"""Splitting byline values into person names and tags.

Chinese templates pad names with spaces to align columns, so `陈 曦 冯 姚` is two people (陈曦, 冯姚) and
`王　伟` one. Runs of single characters are therefore joined: two or three make one name, longer runs are
cut into two-character names (the commonest length). Multi-character tokens are names as they stand.
"""

from __future__ import annotations

import re

_SPLIT = re.compile(r"[\s、，,；;/|丨｜]+")
_CJK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]$")
# Words that trail a name in bylines but are not part of it ("张三 摄", "李四 报道").
# Words around names in bylines that are not names ("文 张三", "张三 摄", "李四 报道", "王五等").
_LEADING = re.compile(r"^(?:文/图|图/文|文|图)\s+")
_TRAILING = re.compile(r"\s*(?:摄影|摄|报道|整理|供图|等)$")
_NOISE = frozenset(("本报", "本网", "实习生", "记者", "通讯员", "编辑", "作者"))
_LATIN = re.compile(r"^[A-Za-z][A-Za-z.\-']*$")
_LONG_CJK = re.compile(r"^[\u3400-\u9fff]{7,}$")
_TAG_SPLIT = re.compile(r"[\s,，、;；|丨｜]+")


def _chunk_single(chars: list[str]) -> list[str]:
    if len(chars) <= 3:
        return ["".join(chars)]
    names = ["".join(chars[i : i + 2]) for i in range(0, len(chars) - len(chars) % 2, 2)]
    if len(chars) % 2:
        names[-1] += chars[-1]  # an odd run ends with a three-character name
    return names


def _join_latin(tokens: list[str]) -> list[str]:
    """Melinda Liu is one name: consecutive Latin words stay together."""
    joined: list[str] = []
    for token in tokens:
        if joined and _LATIN.match(token) and _LATIN.match(joined[-1].split(" ")[-1]):
            joined[-1] += " " + token
        else:
            joined.append(token)
    return joined


def split_names(value: str) -> list[str]:
    """Names in a byline value, in order, without duplicates or trailing words such as 摄 and 报道."""
    tokens = [t for t in _SPLIT.split(_TRAILING.sub("", _LEADING.sub("", value.strip()))) if t]
    # 方敏北京大学经济学院教授: a run of Chinese this long is a name with its affiliation, or no name
    tokens = _join_latin([t for t in tokens if not _LONG_CJK.match(t)])
    names: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if _CJK.match(token):
            run.append(token)
            continue
        if run:
            names.extend(_chunk_single(run))
            run = []
        if token and token not in _NOISE:
            names.append(_TRAILING.sub("", token) or token)
    unique: list[str] = []
    for name in names:
        if name not in unique:
            unique.append(name)
    return unique


def split_tags(value: str) -> list[str]:
    """Tags separated by commas, 、, semicolons or spaces; duplicates dropped."""
    unique: list[str] = []
    for tag in _TAG_SPLIT.split(value.strip()):
        if tag and tag not in unique:
            unique.append(tag)
    return unique
