"""The lexicon model, its compilation per engine, the polyphone proposals, number readings and the stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core import lexicon_store as store
from studio.core.book import Book, Chapter, EmotionSpan, Paragraph, VoiceSettings
from studio.core.lexicon import LexiconEntry, LexiconError, ReadingSpan, find_readings, validate_entry
from studio.core.polyphones import find_polyphones, homophone, polyphone_table
from studio.core.project import Project
from studio.core.pronounce import compile_paragraph
from studio.core.say_as import find_numbers, spoken
from studio.core.ssml import paragraph_markup
from studio.render.plan import plan_book


def test_pinyin_must_have_one_toned_syllable_per_character() -> None:
    assert validate_entry(LexiconEntry("银行", "YIN2  hang2")).pinyin == "yin2 hang2"
    assert validate_entry(LexiconEntry("绿", "lv4")).pinyin == "lü4"
    with pytest.raises(LexiconError, match=r"'银行'.*1 syllable.*2 character"):
        validate_entry(LexiconEntry("银行", "hang2"))
    with pytest.raises(LexiconError, match="'hang6'"):
        validate_entry(LexiconEntry("行", "hang6"))
    with pytest.raises(LexiconError, match="Chinese characters only"):
        validate_entry(LexiconEntry("NASA", "na1 sa4 a1 a1"))
    with pytest.raises(LexiconError, match="must contain"):
        validate_entry(LexiconEntry("行", "hang2", context="银河"))
    with pytest.raises(LexiconError, match="say-as 'shout'"):
        validate_entry(LexiconEntry("110", say_as="shout"))


def test_context_word_and_regex_narrow_where_an_entry_applies() -> None:
    text = "银行的行长在行走"
    by_word = find_readings(text, [LexiconEntry("行", "hang2", context="银行")])
    assert [(r.start, r.value) for r in by_word] == [(1, "hang2")]
    by_regex = find_readings(text, [LexiconEntry("行", "xing2", context="re:行走")])
    assert [r.start for r in by_regex] == [6]
    # The occurrence reading wins over the lexicon; a longer written form wins over a shorter one.
    fixed = [ReadingSpan(3, 4, "phoneme", "hang2")]
    readings = find_readings(text, [LexiconEntry("行", "xing2"), LexiconEntry("行长", "hang2 zhang3")], fixed)
    assert [(r.start, r.end, r.value) for r in readings] == [(1, 2, "xing2"), (3, 4, "hang2"), (6, 7, "xing2")]


def test_ssml_readings_keep_the_users_text_escaped_and_nest_inside_emotions() -> None:
    text = "A&B说：<长>大了"
    compiled = compile_paragraph(text, [EmotionSpan(0, 7, "happy")], [],
                                 [LexiconEntry("长", "zhang3"), LexiconEntry("A&B", alias="A and B")], ssml=True)
    assert paragraph_markup(compiled.text, compiled.emotions, readings=compiled.readings) == (
        '<speak><emotion category="happy" intensity="1.0"><sub alias="A and B">A&amp;B</sub>说：&lt;'
        '<phoneme alphabet="py" ph="zhang3">长</phoneme></emotion>&gt;大了</speak>')


def test_engines_without_ssml_get_aliases_homophones_or_a_warning() -> None:
    text = "他去银行，看见NASA嗯。"
    lexicon = [LexiconEntry("行", "hang2", context="银行"), LexiconEntry("NASA", alias="纳萨"),
               LexiconEntry("嗯", "ng4")]
    compiled = compile_paragraph(text, [EmotionSpan(5, 11, "sad")], [], lexicon, ssml=False)
    assert compiled.text == "他去银航，看见纳萨嗯。"
    assert compiled.emotions == (EmotionSpan(5, 9, "sad"),)  # moved with the text it covers
    assert compiled.readings == ()
    assert any("homophone '航'" in w for w in compiled.warnings)
    assert any("'嗯'" in w and "read as written" in w for w in compiled.warnings)


def test_polyphones_come_from_the_bundled_data_with_the_likely_reading_first() -> None:
    assert {"长", "还", "得", "数", "行", "重", "乐", "了", "着"} <= set(polyphone_table())
    marks = {p.index: p for p in find_polyphones("他还在银行工作，长大了")}
    assert marks[1].likely == "hai2" and "huan2" in marks[1].readings
    assert marks[4].likely == "hang2" and "xing2" in marks[4].readings
    assert marks[8].likely == "zhang3"
    assert homophone("重", "chong2") == "崇"


def test_numbers_are_found_and_spoken() -> None:
    kinds = [(m.text, m.kind) for m in find_numbers("2024年3月5日 12:30 打13912345678，涨了45%，花了¥1,200，共3本")]
    assert kinds == [("2024年3月5日", "date"), ("12:30", "time"), ("13912345678", "telephone"), ("45%", "percentage"),
                     ("¥1,200", "currency"), ("3", "cardinal")]
    assert spoken("110", "telephone") == "幺幺零"
    assert spoken("110", "cardinal") == "一百一十"
    assert spoken("10086", "digits") == "一零零八六"
    assert spoken("45.5%", "cardinal") == "百分之四十五点五"
    assert spoken("2024-03-05", "date") == "二零二四年三月五日"
    assert spoken("12:05", "time") == "十二点零五分"
    assert spoken("$30", "currency") == "三十美元"
    assert spoken("张三", "name") is None


def test_project_and_global_entries_round_trip_and_project_wins(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user"))
    book = Book("书", chapters=[Chapter("一", [Paragraph("他去银行。")])])
    book.chapters[0].paragraphs[0].readings.append(ReadingSpan(3, 4, "phoneme", "hang2"))
    with Project.create(tmp_path / "p", book) as project:
        store.add_entries([LexiconEntry("NASA", alias="纳萨", note="agency")], project=project)
        store.add_entries([LexiconEntry("NASA", alias="美国航天局", scope="global"),
                           LexiconEntry("GPU", alias="G P U", scope="global")])
        loaded = project.load_book()
    assert [(e.written, e.alias, e.scope) for e in loaded.lexicon] == [("NASA", "纳萨", "project"),
                                                                     ("GPU", "G P U", "global")]
    assert loaded.chapters[0].paragraphs[0].readings == [ReadingSpan(3, 4, "phoneme", "hang2")]
    assert (tmp_path / "user" / "AudiobookStudio" / "lexicon.json").exists()
    with pytest.raises(LexiconError, match="'长'"):  # nothing stored when one entry is wrong
        store.add_entries([LexiconEntry("OK", alias="okay"), LexiconEntry("长", "chang")])
    assert [e.written for e in store.global_entries()] == ["GPU", "NASA"]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "pls"])
def test_import_reads_what_export_wrote(fmt: str) -> None:
    entries = [validate_entry(LexiconEntry("银行", "yin2 hang2")), validate_entry(LexiconEntry("NASA", alias="纳萨"))]
    text = store.render_entries(entries, fmt)
    assert [(e.written, e.pinyin, e.alias) for e in store.parse_entries(text, fmt)] == \
        [(e.written, e.pinyin, e.alias) for e in entries]


def test_import_errors_name_the_line() -> None:
    with pytest.raises(LexiconError, match="line 3: lexicon entry '长'"):
        store.parse_entries("written,pinyin\n行,hang2\n长,chang\n", "csv")
    with pytest.raises(LexiconError, match="header"):
        store.parse_entries("a,b\n", "csv")


def test_the_cache_key_changes_only_for_paragraphs_an_entry_touches() -> None:
    book = Book("书", voice=VoiceSettings(engine="aliyun", voice="xiaoyun"),
                chapters=[Chapter("一", [Paragraph("他去银行。"), Paragraph("天黑了。")])])
    before = [u.cache_key for u in plan_book(book).units]
    book.lexicon = [LexiconEntry("行", "hang2", context="银行")]
    after = [u.cache_key for u in plan_book(book).units]
    assert after[0] != before[0] and after[1] == before[1]
    book.lexicon = [LexiconEntry("行", "xing2", context="银行")]
    assert plan_book(book).units[0].cache_key not in (before[0], after[0])


def test_the_offline_engine_speaks_the_alias_and_reports_what_it_cannot_say() -> None:
    book = Book("书", voice=VoiceSettings(engine="local", voice="local-cmn"),
                chapters=[Chapter("一", [Paragraph("NASA的长老。")])])
    book.lexicon = [LexiconEntry("NASA", alias="纳萨"), LexiconEntry("长老", "zhang3 lao3", alias="掌老")]
    plan = plan_book(book)
    assert plan.units[0].request.paragraphs == ("纳萨的掌老。",)
    assert plan.units[0].request.readings == ()
    book.lexicon = [LexiconEntry("嗯", "ng4")]
    book.chapters[0].paragraphs[0].text = "嗯。"
    assert any("chapter 1, paragraph 1" in w and "'嗯'" in w for w in plan_book(book).warnings)


def test_a_pls_file_from_elsewhere_keeps_its_aliases_and_notes_ipa() -> None:
    pls = """<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="en-US">
  <lexeme><grapheme>W3C</grapheme><alias>World Wide Web Consortium</alias></lexeme>
  <lexeme><grapheme>tomato</grapheme><phoneme>təmei̥ɾoʊ</phoneme><alias>tomahto</alias></lexeme>
</lexicon>"""
    entries = store.parse_entries(pls, "pls")
    assert [(e.written, e.alias, e.note) for e in entries] == [
        ("W3C", "World Wide Web Consortium", ""), ("tomato", "tomahto", "ipa: təmei̥ɾoʊ")]
    with pytest.raises(LexiconError, match="lexeme 1: lexicon entry 'x'"):
        store.parse_entries(pls.replace("<grapheme>W3C</grapheme><alias>World Wide Web Consortium</alias>",
                                        "<grapheme>x</grapheme><phoneme>ks</phoneme>"), "pls")


def test_occurrence_readings_survive_a_snapshot_and_restore() -> None:
    from studio.core.snapshots import book_from_dict, book_to_dict

    book = Book("书", chapters=[Chapter("一", [Paragraph("拨打110。"), Paragraph("无")])])
    book.chapters[0].paragraphs[0].readings = [ReadingSpan(2, 5, "say-as", "telephone", "幺幺零", source="110")]
    back = book_from_dict(book_to_dict(book))
    assert back.chapters[0].paragraphs[0].readings == book.chapters[0].paragraphs[0].readings
    assert "readings" not in book_to_dict(book)["chapters"][0]["paragraphs"][1]  # old snapshots look the same
