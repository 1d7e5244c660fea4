"""The planner: one paragraph per unit by default, content-defined groups with a sizing, stable keys."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from studio.core.book import Book, Chapter, EmotionSpan, Paragraph, VoiceSettings
from studio.core.errors import BadInputError
from studio.engines.base import SynthesisRequest
from studio.render.grouping import UnitSizing, cut_share, split_gap
from studio.render.plan import RenderPlan, cache_key, check_plan, paragraph_keys, params_key, plan_book

ALIYUN = VoiceSettings(engine="aliyun", voice="zhimi_emo")


def novel(chapters: int = 3, paragraphs: int = 60, seed: int = 1, voice: VoiceSettings = ALIYUN) -> Book:
    rng = random.Random(seed)
    words = "天色渐渐暗了下来他还在园子里找那只会唱歌的虫子风停了月亮出来"
    def text(c: int, p: int) -> str:
        return f"{c}-{p}:" + "".join(rng.choice(words) for _ in range(rng.randint(20, 300)))

    chapters_ = [Chapter(f"第{c + 1}章", [Paragraph(text(c, p)) for p in range(paragraphs)]) for c in range(chapters)]
    return Book("小说", voice=voice, chapters=chapters_)


class Known:
    """KnownUnits from earlier plans, as if every one of their units had been rendered."""

    def __init__(self, *plans: RenderPlan) -> None:
        self.runs: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        self.keys: set[str] = set()
        for plan in plans:
            for unit in plan.units:
                keys = paragraph_keys(unit.request)
                self.runs.setdefault((params_key(unit.engine, unit.request), keys[0]), []).append(keys)
                self.keys.add(unit.cache_key)

    def runs_starting_with(self, params: str, paragraph: str) -> list[tuple[str, ...]]:
        return self.runs.get((params, paragraph), [])

    def has(self, key: str) -> bool:
        return key in self.keys


def test_default_is_one_paragraph_per_unit_with_the_original_keys() -> None:
    book = Book("b", voice=ALIYUN, chapters=[Chapter("一", [Paragraph("甲。"), Paragraph("  "), Paragraph("乙。")])])
    plan = plan_book(book)
    assert [(u.chapter_index, u.paragraph_index, u.paragraphs) for u in plan.units] == [(0, 0, (0,)), (0, 2, (2,))]
    request = SynthesisRequest(voice="zhimi_emo", paragraphs=("乙。",), emotions=((),))
    assert plan.units[1].cache_key == cache_key("aliyun", request)  # audio cached before grouping is found


def test_grouped_units_are_contiguous_and_within_limits() -> None:
    book = novel()
    book.chapters[1].paragraphs[10].voice = VoiceSettings(voice="xiaoyun")  # a voice change splits the run
    plan = plan_book(book, sizing=UnitSizing(target_chars=1500))
    sizing = UnitSizing(target_chars=1500)
    covered = {(u.chapter_index, p) for u in plan.units for p in u.paragraphs}
    assert covered == {(c, p) for c in range(3) for p in range(60)}
    for unit in plan.units:
        assert list(unit.paragraphs) == list(range(unit.paragraphs[0], unit.paragraphs[-1] + 1))
        assert unit.characters <= sizing.cap("aliyun") or len(unit.paragraphs) == 1
        assert len(unit.request.paragraphs) == len(unit.paragraphs)
        if len(unit.paragraphs) > 1:
            assert unit.request.paragraph_gap_ms == sizing.paragraph_gap_ms
    assert any(u.paragraphs == (10,) or u.paragraphs[0] == 10 for u in plan.units if u.chapter_index == 1)
    sizes = [u.characters for u in plan.units]
    assert 600 < sum(sizes) / len(sizes) < 3000  # around the target


def test_the_offline_engine_keeps_one_paragraph_per_unit() -> None:
    plan = plan_book(novel(voice=VoiceSettings(engine="local", voice="local-cmn")), sizing=UnitSizing(2000))
    assert all(len(u.paragraphs) == 1 for u in plan.units)


def test_plans_are_deterministic() -> None:
    sizing = UnitSizing(target_chars=2000)
    assert [u.cache_key for u in plan_book(novel(), sizing=sizing).units] == \
        [u.cache_key for u in plan_book(novel(), sizing=sizing).units]


def test_inserting_a_paragraph_moves_no_other_unit_boundary() -> None:
    sizing = UnitSizing(target_chars=1500)
    before = plan_book(novel(1, 200), sizing=sizing)
    book = novel(1, 200)
    book.chapters[0].paragraphs.insert(100, Paragraph("新插入的一段，讲的是别的事情。" * 3))
    after = plan_book(book, sizing=sizing)
    changed = {u.cache_key for u in after.units} - {u.cache_key for u in before.units}
    assert 1 <= len(changed) <= 2  # the unit that took the new paragraph (and at most one neighbour)


@pytest.mark.parametrize("position", [0, 7, 59, 123])
def test_editing_one_paragraph_changes_exactly_one_unit_given_the_known_units(position: int) -> None:
    sizing = UnitSizing(target_chars=1500)
    first = plan_book(novel(2, 80), sizing=sizing)
    book = novel(2, 80)
    chapter, index = divmod(position, 80)
    paragraph = book.chapters[chapter].paragraphs[index]
    paragraph.text = paragraph.text[:10] + "（改）" + paragraph.text[10:]
    second = plan_book(book, sizing=sizing, known=Known(first))
    new = [u for u in second.units if u.cache_key not in {v.cache_key for v in first.units}]
    assert len(new) == 1 and (chapter, index) in {(u.chapter_index, p) for u in new for p in u.paragraphs}


def test_changing_the_target_reuses_every_unit_already_rendered() -> None:
    first = plan_book(novel(), sizing=UnitSizing(target_chars=1000))
    for target in (500, 3000, 20000):
        again = plan_book(novel(), sizing=UnitSizing(target_chars=target), known=Known(first))
        assert {u.cache_key for u in again.units} <= {u.cache_key for u in first.units}
    # One-paragraph units rendered before grouping (or by a preview) are reused as well.
    single = plan_book(novel())
    grouped = plan_book(novel(), sizing=UnitSizing(target_chars=1000), known=Known(single))
    assert {u.cache_key for u in grouped.units} == {u.cache_key for u in single.units}


def test_content_cuts_for_a_bigger_target_are_a_subset_of_those_for_a_smaller_one() -> None:
    plan = plan_book(novel(1, 300))  # the items, via one-paragraph units
    from studio.render.grouping import Item

    items = [Item(u.paragraphs[0], u.request.paragraphs[0], (), paragraph_keys(u.request)[0], u.characters)
             for u in plan.units]

    def cuts(target: int) -> set[int]:
        pieces = split_gap(items, target, cap=10 * target)
        return {piece[-1].index for piece in pieces[:-1]}

    assert cuts(4000) <= cuts(2000) <= cuts(1000)
    assert all(0 <= cut_share(item.key) < 1 for item in items)


def test_check_plan_names_the_paragraph_inside_a_grouped_unit() -> None:
    book = novel(1, 6)
    bad = book.chapters[0].paragraphs[3]
    bad.emotions = [EmotionSpan(0, 2, "jealousy", 1.0)]
    plan = plan_book(book, sizing=UnitSizing(target_chars=100_000))
    assert len(plan.units) == 1
    with pytest.raises(BadInputError, match="chapter 1, paragraph 4, voice zhimi_emo"):
        check_plan(plan)


def test_baidu_units_carry_no_emotions_and_the_user_is_told() -> None:
    book = novel(1, 3, voice=VoiceSettings(engine="baidu", voice="5003"))
    book.chapters[0].paragraphs[1].emotions = [EmotionSpan(0, 2, "happy", 1.0)]
    plan = plan_book(book)
    assert not any(any(spans) for u in plan.units for spans in u.request.emotions)
    assert check_plan(plan) == ["chapter 1, paragraph 2, voice 5003: baidu voices have no emotions; the emotion "
                                "markup is ignored"]


def test_a_paragraph_beyond_the_vendor_limit_is_refused_before_sending() -> None:
    book = Book("b", voice=VoiceSettings(engine="baidu", voice="5003"),
                chapters=[Chapter("一", [Paragraph("短。"), Paragraph("长" * 100_001)])])
    with pytest.raises(BadInputError, match=r"chapter 1, paragraph 2, voice 5003: 100,001 characters"):
        check_plan(plan_book(book, sizing=UnitSizing(3000)))


def test_alibaba_characters_are_counted_without_markup() -> None:
    book = Book("b", voice=ALIYUN, chapters=[Chapter("一", [Paragraph("a<b&c", emotions=[
        EmotionSpan(0, 5, "happy", 1.5)])])])
    unit = plan_book(book).units[0]
    from studio.render.cost import billable_characters

    assert billable_characters(unit) == 5 and unit.location == "chapter 1, paragraph 1, voice zhimi_emo"
    assert replace(unit, paragraph_indices=(0, 1, 2)).location == "chapter 1, paragraphs 1-3, voice zhimi_emo"
