"""Dialogue casting model: voice spans cut a paragraph into one run per voice; the cast lives in the project."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.cast import Cast, CastMember, voice_runs
from studio.core.cast_store import load_cast, save_cast, set_character_voice
from studio.core.errors import ProjectError
from studio.core.project import Project
from studio.core.voice_span import VoiceSpan

NARRATOR = VoiceSettings(engine="aliyun", voice="zhiyan", speed=1.0)
TEXT = "阿Q说：“我们先前比你阔的多啦！”王胡说：“你的骨头痒了么？”阿Q只好走了。"
Q1 = (TEXT.index("“"), TEXT.index("”") + 1)
Q2 = (TEXT.index("“", Q1[1]), TEXT.index("”", Q1[1]) + 1)


def _cast() -> Cast:
    return Cast([CastMember("阿Q", aliases=["Q"], gender="male", voices={"aliyun": "zhishuo"}),
                 CastMember("王胡", gender="male", voices={"aliyun": "zhigang"})])


def _texts_and_voices(text: str, runs: list) -> list[tuple[str, str | None]]:
    return [(text[r.start:r.end], r.voice.voice) for r in runs]


def test_quotes_become_runs_in_their_characters_voices_in_reading_order() -> None:
    spans = [VoiceSpan(*Q2, character="王胡"), VoiceSpan(*Q1, character="阿Q")]
    runs = voice_runs(TEXT, spans, NARRATOR, _cast())
    assert _texts_and_voices(TEXT, runs) == [
        ("阿Q说：", "zhiyan"), ("“我们先前比你阔的多啦！”", "zhishuo"), ("王胡说：", "zhiyan"),
        ("“你的骨头痒了么？”", "zhigang"), ("阿Q只好走了。", "zhiyan")]
    assert "".join(TEXT[r.start:r.end] for r in runs) == TEXT


def test_same_voice_neighbours_merge_so_no_task_is_wasted() -> None:
    text = "“走罢！”“快走！”他说。"
    spans = [VoiceSpan(0, 5, character="阿Q"), VoiceSpan(5, 10, character="阿Q")]
    runs = voice_runs(text, spans, NARRATOR, _cast())
    assert _texts_and_voices(text, runs) == [("“走罢！”“快走！”", "zhishuo"), ("他说。", "zhiyan")]


def test_a_character_without_a_voice_for_the_engine_is_read_by_the_narrator() -> None:
    spans = [VoiceSpan(*Q1, character="小D")]
    runs = voice_runs(TEXT, spans, NARRATOR, _cast())
    assert len(runs) == 1 and runs[0].voice == NARRATOR


def test_cast_and_spans_survive_the_project_and_one_voice_change_moves_every_quote(tmp_path: Path) -> None:
    para = Paragraph(TEXT, voices=[VoiceSpan(*Q1, character="阿Q"), VoiceSpan(*Q2, character="王胡")])
    para2 = Paragraph("“记着罢！”阿Q回过头去说。", voices=[VoiceSpan(0, 6, character="Q", emotion="angry")])
    book = Book("阿Q正传", chapters=[Chapter("第二章", [para, para2])], voice=NARRATOR)
    with Project.create(tmp_path / "p", book) as project:
        save_cast(project, _cast())
        set_character_voice(project, "阿Q", "aliyun", "zhimiao_emo")
        with pytest.raises(ProjectError, match=r"no character '小D'.*阿Q"):
            set_character_voice(project, "小D", "aliyun", "x")
    with Project.open(tmp_path / "p") as project:
        loaded, cast = project.load_book(), load_cast(project)
    p1, p2 = loaded.chapters[0].paragraphs
    assert p2.voices == [VoiceSpan(0, 6, "Q", None, "angry")]
    voices = [r.voice.voice for p in (p1, p2) for r in voice_runs(p.text, p.voices, NARRATOR, cast)
              if r.character in ("阿Q", "Q")]
    assert voices == ["zhimiao_emo", "zhimiao_emo"]
    assert cast.find("王胡").voices == {"aliyun": "zhigang"}


def test_an_invalid_character_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p", Book("b", chapters=[Chapter("c", [Paragraph("x")])])) as project:
        save_cast(project, _cast())
        with pytest.raises(ProjectError, match="gender 'robot'"):
            save_cast(project, Cast([CastMember("X", gender="robot")]))
        assert [m.name for m in load_cast(project).members] == ["王胡", "阿Q"]


def test_typing_inside_a_quote_keeps_its_voice_and_undo_puts_it_back() -> None:
    from studio.core.book_edit import replace_text, revert_text

    para = Paragraph(TEXT, voices=[VoiceSpan(*Q1, character="阿Q"), VoiceSpan(*Q2, character="王胡")])
    change = replace_text(para, Q1[0] + 1, Q1[0] + 3, "咱们")  # 我们 → 咱们 inside the first quote
    insert = replace_text(para, 0, 0, "后来")  # two characters before everything: both quotes move
    assert [para.text[v.start:v.end] for v in para.voices] == ["“咱们先前比你阔的多啦！”", "“你的骨头痒了么？”"]
    revert_text(para, insert)
    revert_text(para, change)
    assert para.text == TEXT and para.voices == [VoiceSpan(*Q1, character="阿Q"), VoiceSpan(*Q2, character="王胡")]


def test_a_snapshot_keeps_who_speaks_each_quote() -> None:
    from studio.core.snapshots import book_from_dict, book_to_dict

    para = Paragraph(TEXT, voices=[VoiceSpan(*Q1, character="阿Q", emotion="happy"), VoiceSpan(*Q2, voice="zhigang")])
    book = book_from_dict(book_to_dict(Book("b", chapters=[Chapter("c", [para])])))
    assert book.chapters[0].paragraphs[0].voices == para.voices


def test_a_quote_inside_an_emotion_span_keeps_the_emotion_on_its_own_part() -> None:
    from studio.core.book import EmotionSpan
    from studio.render.voice_split import spoken_parts

    para = Paragraph(TEXT, emotions=[EmotionSpan(0, Q1[1], "happy")], voices=[VoiceSpan(*Q1, character="阿Q")])
    parts = spoken_parts(para, NARRATOR, _cast())
    assert [(p.text, p.voice.voice, [(e.start, e.end, e.category) for e in p.emotions]) for p in parts] == [
        ("阿Q说：", "zhiyan", [(0, 4, "happy")]),
        ("“我们先前比你阔的多啦！”", "zhishuo", [(0, Q1[1] - Q1[0], "happy")]),
        (TEXT[Q1[1]:], "zhiyan", [])]


def test_reimporting_the_manuscript_keeps_the_quotes_voices() -> None:
    from studio.core.reimport import carry_over

    old = Book("b", chapters=[Chapter("c", [Paragraph(TEXT, voices=[VoiceSpan(*Q1, character="阿Q")])])])
    new = Book("b", chapters=[Chapter("c", [Paragraph("新的一段。"), Paragraph(TEXT)])])
    carry_over(old, new)
    assert new.chapters[0].paragraphs[1].voices == [VoiceSpan(*Q1, character="阿Q")]
