"""The sample web's figure ground truth: annotated templates change no character of the generated text,
the reports carry many figure shapes and traps, and the extractor finds what the generator wrote."""

from __future__ import annotations

import random
import re

import pytest

from crawler.figures import NATIONAL, Context, extract_figures, place_named
from crawler.figures.evaluation import Expected, Scores
from sampleweb import SampleWeb
from sampleweb.fedtopics import BOILERPLATE, EVENT_LEADS, MEETING, TOPICS
from sampleweb.figtopics import FIGURE_SENTENCES
from sampleweb.figtruth import figure_truth
from sampleweb.sites import JIANGSU, XIUZHOU
from sampleweb.sites import NATIONAL as NATIONAL_LOCALES
from sampleweb.textkit import Filler

N = 30
TEMPLATES = [t for topic in TOPICS for t in topic.sentences] + [*BOILERPLATE, *MEETING, *EVENT_LEADS]


@pytest.fixture(scope="module")
def web() -> SampleWeb:
    return SampleWeb(2026, N)


def originals(web: SampleWeb):
    for site in web.sites:
        region = place_named(site.county or site.city or site.province) if site.province else NATIONAL
        for index in range(N):
            entry = web.entry(site.key, index)
            if entry.story.relevant and entry.republishes is None:
                yield entry, Context(region, entry.published.date(), entry.story.title)


def plain(template: str) -> str:
    """The template as it was before annotations: no =..., no #..., {rel=全年} written out."""
    template = re.sub(r"\{rel=([^{}]*)\}", r"\1", template)
    return re.sub(r"#[^|\]]*", "", re.sub(r"=[^{}]*\}", "}", template))


@pytest.mark.parametrize("locale", [XIUZHOU, JIANGSU[0], NATIONAL_LOCALES[0]])
def test_annotations_change_no_character_and_no_random_draw(locale) -> None:
    for number, template in enumerate([*TEMPLATES, *FIGURE_SENTENCES]):
        annotated = Filler(random.Random(number), locale, 2020)
        original = Filler(random.Random(number), locale, 2020)
        assert annotated.fill(template) == original.fill(plain(template)), template
        assert annotated.rng.random() == original.rng.random(), "the same draws"


def test_truth_offsets_point_at_the_figures(web: SampleWeb) -> None:
    count = 0
    for entry, _ in originals(web):
        body = "\n".join(p.text for p in entry.story.paragraphs)
        for figure in figure_truth(entry):
            assert body[figure.start : figure.end] == figure.text
            count += 1
    assert count > 1000


def test_reports_carry_many_shapes_and_traps(web: SampleWeb) -> None:
    texts = [f.text for entry, _ in originals(web) for f in figure_truth(entry)]
    bodies = "\n".join("\n".join(p.text for p in e.story.paragraphs) for e, _ in originals(web))
    for shape in (r"亿元$", r"万人次$", r"余元$", r"^[二三四五六七八九]十", r"至\d+元$", r"-\d+名$", r"/人"):
        assert any(re.search(shape, t) for t in texts) or re.search(shape, bodies), shape
    for qualified in (r"近[两三四五六七八九]百人次", r"超过\d+(?:\.\d)?%", r"约\d+元"):
        assert re.search(qualified, bodies), qualified
    for trap in ("〔", "个百分点", "个月", "第", "无一人", "项目编号", "-8"):
        assert trap in bodies, trap
    programmes = {f.programme for e, _ in originals(web) for f in figure_truth(e)}
    assert len(programmes) >= 20


def test_the_extractor_finds_what_the_generator_wrote(web: SampleWeb) -> None:
    scores = Scores()
    for entry, context in originals(web):
        truth = [Expected((t.start, t.end), *t.key()) for t in figure_truth(entry)]
        body = "\n".join(p.text for p in entry.story.paragraphs)
        scores.add(extract_figures(body, context), truth)
    assert scores.precision(scores.exact) >= 0.95
    assert scores.recall(scores.exact) >= 0.90


def test_copies_keep_the_figures_paragraph(web: SampleWeb) -> None:
    copies = [
        web.entry("sample-citynews", i) for i in range(N) if web.entry("sample-citynews", i).republishes
    ]
    assert copies
    for copy in copies:
        site, _, path = copy.republishes.partition(":")
        found = web.catalog.index_of(site, path)
        assert found is not None
        original = web.entry(site, found[0])
        if original.story.figures_paragraph:
            assert copy.story.paragraphs[-1] == original.story.paragraphs[-1]
