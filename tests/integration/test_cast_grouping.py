"""Grouping (``--unit-chars``) keeps the paid tasks of a dialogue chapter low: the narration around a cast
paragraph's quotes joins the neighbouring narration paragraphs instead of being a task of its own.

Counted on the Alibaba emulator's request log (real HTTP, the CLI as a subprocess), with and without grouping.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.cast import Cast, CastMember
from studio.core.cast_store import save_cast
from studio.core.project import Project
from studio.core.voice_span import VoiceSpan
from tests.emulator import VendorEmulator
from tests.integration.test_cast_render import studio

DIALOGUE = "阿Q说：“我们先前比你阔的多啦！”王胡说：“你的骨头痒了么？”众人都笑了。"
Q1 = (DIALOGUE.index("“"), DIALOGUE.index("”") + 1)
Q2 = (DIALOGUE.index("“", Q1[1]), DIALOGUE.index("”", Q1[1]) + 1)


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    return start_emulator(seed=12, time_scale=0.02, env=False)


def _project(folder: Path) -> Path:
    cast = Paragraph(DIALOGUE, voices=[VoiceSpan(*Q1, character="阿Q"), VoiceSpan(*Q2, character="王胡")])
    book = Book("阿Q正传", voice=VoiceSettings(engine="aliyun", voice="zhimi_emo"),
                chapters=[Chapter("第一章", [Paragraph("天色晚了，阿Q走进酒店。"), cast, Paragraph("阿Q只好走了。")])])
    with Project.create(folder, book) as project:
        save_cast(project, Cast([CastMember("阿Q", voices={"aliyun": "zhifeng_emo"}),
                                 CastMember("王胡", voices={"aliyun": "aixiang"})]))
    return folder


def _sent(emu: VendorEmulator, since: int) -> list[tuple[str, str]]:
    return [(s["text"], s["request"]["payload"]["tts_request"]["voice"]) for s in emu.submissions("aliyun")[since:]]


def test_grouping_joins_narration_around_quotes_into_fewer_tasks(emu: VendorEmulator, tmp_path: Path) -> None:
    from studio.audio import read_chapters

    plain = studio(emu, tmp_path, "render", _project(tmp_path / "plain"), "-o", tmp_path / "plain.m4b", "--json")
    assert plain.returncode == 0, plain.stderr
    ungrouped = _sent(emu, 0)
    assert len(ungrouped) == 7  # 2 narration paragraphs + 5 voice parts

    before = len(emu.submissions("aliyun"))
    grouped = studio(emu, tmp_path, "render", _project(tmp_path / "grouped"), "-o", tmp_path / "grouped.m4b",
                     "--unit-chars", "300", "--json")
    assert grouped.returncode == 0, grouped.stderr
    sent = _sent(emu, before)
    assert len(sent) == 5, sent  # narration before the first quote and after the last one join their neighbours
    narrator = [text for text, voice in sent if voice == "zhimi_emo"]
    assert any("天色晚了" in t and "阿Q说：" in t for t in narrator), narrator
    assert any("众人都笑了" in t and "阿Q只好走了" in t for t in narrator), narrator
    assert sorted(v for _, v in sent) == sorted(["zhimi_emo", "zhifeng_emo", "zhimi_emo", "aixiang", "zhimi_emo"])
    assert json.loads(grouped.stdout)["units_rendered"] == 5
    assert [m.title for m in read_chapters(tmp_path / "grouped.m4b")] == ["第一章"]
