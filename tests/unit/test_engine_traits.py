"""Engines describe themselves: render/ plans and schedules a new engine from its traits alone.

The proof that adding an engine is one adapter plus data: a fourth engine registered in this process (traits and
a factory, nothing else) is planned, grouped within its own limit, scheduled within its own concurrency and
batch size, and exported to a finished audiobook through the public pipeline, with no change to render/.
"""

from __future__ import annotations

import wave
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.engines import registry
from studio.engines.registry import EngineOptions, engine_names, traits
from studio.engines.traits import CharCounting, EngineTraits, PollRange
from studio.render.cost import price_of, prices_from_env
from studio.render.export_book import export_project
from studio.render.plan import AudioRequestOptions, check_plan, plan_book
from tests.unit.render_fakes import FakeEngine

ECHO = EngineTraits(
    name="echo", display_name="Echo", durable=True, retention_s=3600.0, max_chars=70,
    counting=CharCounting.PLAIN, separator_chars=2, batch_query_ids=2, default_concurrency=2,
    max_concurrency=3, requests_per_s=None, poll_range=PollRange(0.001, 0.01), emotions=False, ssml=False,
    price_key="echo",
)
PARAGRAPH = "段回声，三十个字左右的文字，读起来正好是一秒钟的长度。"  # 28 characters after its number


@pytest.fixture
def echo() -> Iterator[list[FakeEngine]]:
    """The fourth engine, registered for this test only; yields the engines the pipeline created."""
    created: list[FakeEngine] = []

    def create(options: EngineOptions) -> FakeEngine:
        engine = FakeEngine(name="echo", polls_to_finish=2)
        created.append(engine)
        return engine

    restore = registry.register(ECHO, create)
    try:
        yield created
    finally:
        restore()
    assert "echo" not in engine_names()


def echo_book(paragraphs: int = 7) -> Book:
    return Book("回声", voice=VoiceSettings(engine="echo", voice="e1"),
                chapters=[Chapter("第一章", [Paragraph(f"{i}{PARAGRAPH}") for i in range(paragraphs)])])


def test_a_fourth_engine_is_planned_and_rendered_from_its_traits_alone(echo: list[FakeEngine],
                                                                        tmp_path: Path) -> None:
    assert "echo" in engine_names() and traits("echo") is ECHO
    plan = plan_book(echo_book(), audio=AudioRequestOptions(unit_chars=60))
    # 29 + 2 (the separator echo counts) + 29 = 60 fits its limit of 70; a third paragraph never does.
    sizes = [len(u.request.paragraphs) for u in plan.units]
    assert sum(sizes) == 7 and max(sizes) == 2 and len(sizes) < 7
    assert all(ECHO.request_chars(u.request.paragraphs) <= ECHO.max_chars for u in plan.units)
    assert check_plan(plan) == []
    assert price_of("echo", 10_000, prices_from_env({"STUDIO_PRICE_ECHO": "2.5"})) == 2.5

    with Project.create(tmp_path / "p", echo_book()) as project:
        result = export_project(project, tmp_path / "echo.wav", audio=AudioRequestOptions(unit_chars=60))
    assert result.output.is_file() and result.units_rendered == len(sizes)
    with wave.open(str(result.output)) as audio:
        assert audio.getnframes() / audio.getframerate() >= 7.0  # one second per paragraph, all of them
    (engine,) = echo
    assert sorted(len(r.paragraphs) for r in engine.submitted) == sorted(sizes)
    assert engine.max_running <= ECHO.default_concurrency
    assert max(len(call) for call in engine.poll_calls) <= ECHO.batch_query_ids * 2  # ids per query x burst


def test_an_unknown_engine_is_a_clear_error_naming_the_known_ones() -> None:
    from studio.core.errors import InputError

    with pytest.raises(InputError, match=r"unknown engine 'nope'.*local, aliyun, baidu"):
        traits("nope")


def test_the_built_in_engines_state_the_vendor_documents_numbers() -> None:
    aliyun, baidu, local = traits("aliyun"), traits("baidu"), traits("local")
    assert (aliyun.max_chars, aliyun.max_concurrency, aliyun.retention_s) == (100_000, 100, 7 * 24 * 3600)
    assert (baidu.max_chars, baidu.batch_query_ids, baidu.retention_s) == (100_000, 200, 72 * 3600)
    assert not local.durable and local.free and not local.audio_options
    # Alibaba: tags are free, the newline between grouped paragraphs is not; Baidu gets a list.
    assert aliyun.request_chars(["a&b", "<c>"]) == 3 + 1 + 3
    assert baidu.request_chars(["a&b", "<c>"]) == 6


def test_shrinking_a_limit_is_one_traits_change(echo: list[FakeEngine]) -> None:
    restore = registry.register(replace(ECHO, max_chars=40))
    try:
        plan = plan_book(echo_book(3), audio=AudioRequestOptions(unit_chars=60))
    finally:
        restore()
    assert [len(u.request.paragraphs) for u in plan.units] == [1, 1, 1]
