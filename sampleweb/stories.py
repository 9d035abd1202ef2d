"""Build whole stories (title, paragraphs with headings, pictures) from the topic material."""

from __future__ import annotations

import random
from collections.abc import Sequence

from sampleweb.fedtopics import BOILERPLATE, EVENT_LEADS, MEETING, TOPICS, Topic
from sampleweb.figtopics import FIGURE_SENTENCES
from sampleweb.model import Para, Picture, Story
from sampleweb.newstopics import CITY_BOILERPLATE, TRAPS, UNRELATED
from sampleweb.textkit import ORDINALS, Filler, Locale, Marked

FED_CAPTIONS = (
    "{fed}工作人员为残疾人适配辅具",
    "{town}残疾人之家学员在制作手工艺品",
    "{person}（左）在康复站进行训练",
    "{place}残疾人就业专场招聘会现场",
    "志愿者在{town}为残疾人提供服务",
    "{place}残疾人运动会比赛现场",
)
NEWS_CAPTIONS = ("{town}一景", "{place}项目建设现场", "市民在{town}参观", "{u}住建局工作人员在现场检查")
FORMS = ("annual", "event", "event", "event", "meeting")
MAX_PARAGRAPHS = 12
TOPIC_TAGS = {"roads": "交通", "schools": "教育", "agriculture": "农业", "tourism": "文旅"}


class _Writer:
    """Draws templates for one story without repeating any, so a story never echoes itself."""

    def __init__(self, filler: Filler) -> None:
        self.filler = filler
        self.used: set[str] = set()

    def sentences(self, pool: Sequence[str], count: int) -> Marked:
        fresh = [t for t in pool if t not in self.used] or list(pool)
        chosen = self.filler.rng.sample(fresh, k=min(count, len(fresh)))
        self.used.update(chosen)
        text = Marked("")
        for template in chosen:
            text += self.filler.fill_marked(template)
        return text

    def para(self, pool: Sequence[str], low: int = 1, high: int = 3) -> Para:
        return _para(self.sentences(pool, self.filler.rng.randint(low, high)))


def _para(text: Marked) -> Para:
    return Para(text.text, marks=text.marks)


def federation_story(
    rng: random.Random, locale: Locale, year: int, form: str, annual_title: str, lead: str = ""
) -> Story:
    """A disability-federation report. ``form`` is annual / review / event / meeting."""
    writer = _Writer(Filler(rng, locale, year))
    if form in ("annual", "review"):
        title, paras = _sectioned(writer, annual_title, "亮点" if form == "annual" else "篇")
    elif form == "meeting":
        title, paras = _meeting(writer)
    else:
        title, paras = _event(writer)
    if lead:  # e.g. 中国江苏网讯: the portal's dateline opens the first paragraph
        paras[0] = _para(Marked(f"{lead} ") + Marked(paras[0].text, paras[0].marks))
    pictures = _pictures(writer, FED_CAPTIONS, len(paras))
    tags = ("残联",) if rng.random() < 0.7 else ("残联", "助残")
    # Drawn last, from a stream of its own, so every earlier word and picture stays as it was; a report
    # already at the twelve paragraphs a page holds goes without.
    closing = len(paras) < MAX_PARAGRAPHS
    if closing:
        paras.append(_figures_para(Filler(random.Random(rng.random()), locale, year)))
    region = "全国" if locale.unit_char == "国" else locale.unit_name
    return Story(title, tuple(paras), pictures, True, tags, region, figures_paragraph=closing)


def _figures_para(filler: Filler) -> Para:
    """A paragraph dense with figures of many shapes and with the traps around them (document numbers,
    phone numbers, ordinals, 个月, 个百分点)."""
    writer = _Writer(filler)
    return writer.para(FIGURE_SENTENCES, 2, 3)


def _sectioned(writer: _Writer, title_template: str, style: str) -> tuple[str, list[Para]]:
    rng = writer.filler.rng
    topics = rng.sample(TOPICS, k=rng.randint(3, 4))
    paras = [_para(writer.sentences(BOILERPLATE, 1) + writer.sentences(topics[0].sentences, 1))]
    for number, topic in enumerate(topics):
        if style == "亮点":
            heading = f"亮点{ORDINALS[number]}：{rng.choice(topic.headings)}"
        else:
            heading = f"{topic.short}篇（{ORDINALS[number]}）"
        paras.append(Para(heading, heading=True))
        for _ in range(rng.randint(1, 2)):
            paras.append(writer.para(topic.sentences, 2, 3))
    if len(paras) < 12 and rng.random() < 0.5:
        paras.append(writer.para(BOILERPLATE, 1, 2))
    return writer.filler.fill(title_template), paras[:MAX_PARAGRAPHS]


def _event(writer: _Writer) -> tuple[str, list[Para]]:
    rng = writer.filler.rng
    main, *others = rng.sample(TOPICS, k=3)
    title = writer.filler.pick(main.titles)
    lead = writer.filler.fill_marked(rng.choice(EVENT_LEADS))  # the draws of filler.pick, with marks
    paras = [_para(lead), writer.para(main.sentences, 1, 2)]
    paras += [writer.para(main.sentences, 1, 1) for _ in range(rng.randint(1, 2))]
    for topic in others[: rng.randint(1, 2)]:
        paras.append(writer.para(topic.sentences, 1, 2))
    if rng.random() < 0.6:
        paras.append(writer.para(BOILERPLATE, 1, 2))
    return title, paras


def _meeting(writer: _Writer) -> tuple[str, list[Para]]:
    rng, fill = writer.filler.rng, writer.filler.fill
    title = fill(rng.choice(("{fed}召开{year}年[残疾人工作会议|工作推进会]", "{fed}{year}年度工作会议召开")))
    paras = [writer.para(MEETING, 1, 2) for _ in range(2)]
    for topic in rng.sample(TOPICS, k=rng.randint(2, 4)):
        paras.append(writer.para(topic.sentences, 1, 2))
    paras.append(writer.para(MEETING, 1, 1))
    return title, paras


def _pictures(writer: _Writer, captions: Sequence[str], count: int) -> tuple[Picture, ...]:
    rng = writer.filler.rng
    places = sorted(rng.sample(range(count), k=min(count, rng.choice((0, 0, 1, 2, 3)))))
    return tuple(Picture(after, writer.sentences(captions, 1).text) for after in places)


def news_story(rng: random.Random, locale: Locale, year: int, topic: Topic) -> Story:
    """Ordinary local news or a keyword trap: never relevant."""
    writer = _Writer(Filler(rng, locale, year))
    title = writer.filler.pick(topic.titles)
    # Use about half of the topic's templates, dealt over the paragraphs so none appears twice,
    # so two items on the same topic still differ.
    templates = rng.sample(topic.sentences, k=rng.randint(4, 6))
    count = 4
    paras = [Para("".join(writer.filler.fill(t) for t in templates[n::count])) for n in range(count)]
    if rng.random() < 0.5:
        paras.append(writer.para(CITY_BOILERPLATE, 1, 1))
    pictures = _pictures(writer, NEWS_CAPTIONS, len(paras))
    tag = TOPIC_TAGS.get(topic.key, "要闻")
    return Story(title, tuple(paras), pictures, relevant=False, tags=(tag,))


def unrelated_topic(rng: random.Random) -> Topic:
    return rng.choice(UNRELATED)


def trap_topic(number: int) -> Topic:
    """Traps cycle through every kind so even a small sample web has each one."""
    return TRAPS[number % len(TRAPS)]
