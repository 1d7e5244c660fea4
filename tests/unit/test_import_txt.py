"""Plain-text import: encodings, line endings, paragraphs, front matter, clean-ups, emotion tags."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from studio.core.book import EmotionSpan
from studio.core.importers import import_file, import_text
from tests.unit.importer_fixtures import NOVEL_ZH, NOVEL_ZH_TRAD, render_txt, structure

# (codec used to write the file, encoding the report must name, text)
ENCODINGS = [
    ("utf-8", "utf-8", NOVEL_ZH),
    ("utf-8-sig", "utf-8-sig", NOVEL_ZH),
    ("utf-16-le-bom", "utf-16", NOVEL_ZH),
    ("utf-16-be-bom", "utf-16", NOVEL_ZH),
    ("gb18030", "gb18030", NOVEL_ZH),
    ("gbk", "gb18030", NOVEL_ZH),  # GB18030 is a superset of GBK: same text, one name
    ("big5", "big5", NOVEL_ZH_TRAD),
    ("utf-8", "utf-8", NOVEL_ZH_TRAD),
]


def _encode(text: str, codec: str) -> bytes:
    if codec == "utf-16-le-bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if codec == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(codec)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
@pytest.mark.parametrize(("codec", "reported", "novel"), ENCODINGS, ids=[f"{c}-{i}" for i, (c, _, _) in
                                                                          enumerate(ENCODINGS)])
def test_each_encoding_round_trips_with_chapters(tmp_path: Path, codec: str, reported: str,
                                                 novel: list[tuple[str, list[str]]], newline: str) -> None:
    path = tmp_path / "novel.txt"
    path.write_bytes(_encode(render_txt(novel, newline=newline), codec))
    result = import_file(path)
    assert result.report.encoding == reported
    assert result.report.format == "txt"
    assert structure(result.book) == novel  # every character, every paragraph, every chapter
    assert not [w for w in result.report.warnings if "encoding" in w]


def test_legacy_encoding_of_a_few_characters_decodes_but_warns(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes("你好，世界。".encode("gbk"))
    result = import_file(path)
    assert result.book.chapters[0].paragraphs[0].text == "你好，世界。"
    assert any("low confidence" in w for w in result.report.warnings)


def test_a_stray_bad_byte_in_a_gbk_file_is_replaced_and_reported(tmp_path: Path) -> None:
    data = render_txt(NOVEL_ZH).encode("gbk")
    cut = data.index("仙台".encode("gbk"))
    path = tmp_path / "damaged.txt"
    path.write_bytes(data[:cut] + b"\xff" + data[cut:])
    result = import_file(path)
    assert result.report.encoding == "gb18030"
    assert any("replaced" in w for w in result.report.warnings)
    assert "仙台" in "".join(p.text for c in result.book.chapters for p in c.paragraphs)


def test_bomless_utf16_is_recognised_by_its_nul_pattern(tmp_path: Path) -> None:
    path = tmp_path / "english.txt"
    text = "Chapter 1\nIt was a bright cold day in April.\nChapter 2\nThe clocks were striking thirteen.\n"
    path.write_bytes(text.encode("utf-16-le"))
    result = import_file(path)
    assert result.report.encoding == "utf-16-le"
    assert [c.title for c in result.book.chapters] == ["Chapter 1", "Chapter 2"]


def test_each_non_empty_line_is_a_paragraph_and_blank_lines_do_not_matter() -> None:
    dense = import_text(render_txt(NOVEL_ZH))
    airy = import_text(render_txt(NOVEL_ZH, blank_lines=True, indent="    "))
    assert structure(dense.book) == structure(airy.book) == NOVEL_ZH
    assert dense.report.paragraphs == 6


def test_no_headings_gives_one_chapter_named_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "仙台日记.txt"
    paragraphs = [p for _, ps in NOVEL_ZH for p in ps]
    path.write_text("\n".join(paragraphs), encoding="utf-8")
    result = import_file(path)
    assert [(c.title, len(c.paragraphs)) for c in result.book.chapters] == [("仙台日记", 6)]
    assert result.book.title == "仙台日记"
    assert "no chapter headings found; using one chapter" in result.report.warnings


def test_no_headings_but_a_short_first_line_makes_it_the_title() -> None:
    text = "藤野先生\n作者：鲁迅\n" + "\n".join(NOVEL_ZH[0][1])
    result = import_text(text, title_hint="ignored.txt")
    assert result.book.title == "藤野先生"
    assert result.book.author == "鲁迅"
    assert structure(result.book) == [("藤野先生", NOVEL_ZH[0][1])]


def test_title_and_author_lines_before_the_first_chapter_become_metadata() -> None:
    text = "朝花夕拾\n作者：鲁迅\n\n" + render_txt(NOVEL_ZH)
    result = import_text(text)
    assert (result.book.title, result.book.author) == ("朝花夕拾", "鲁迅")
    assert structure(result.book) == NOVEL_ZH
    assert any("2 lines of front matter moved to metadata" in w for w in result.report.warnings)


def test_a_long_preface_before_the_first_chapter_is_kept_as_a_chapter() -> None:
    preface = ["这是一本回忆的书，写的是我少年时候的事情。", "有些地方记得不确，读者谅之。"]
    text = "朝花夕拾\n作者：鲁迅\n" + "\n".join(preface) + "\n" + render_txt(NOVEL_ZH)
    result = import_text(text)
    assert structure(result.book) == [("前言", preface), *NOVEL_ZH]
    assert result.book.title == "朝花夕拾"


def test_english_front_matter_chapter_and_headings() -> None:
    text = ("A note before we begin: this story is true, mostly.\n"
            "CHAPTER I\nIt was a bright cold day.\nChapter Two: Winston\nHe walked home.\n")
    result = import_text(text)
    assert structure(result.book) == [
        ("Front matter", ["A note before we begin: this story is true, mostly."]),
        ("CHAPTER I", ["It was a bright cold day."]),
        ("Chapter Two: Winston", ["He walked home."]),
    ]
    assert result.book.language == "en"


def test_website_html_is_removed_but_its_text_kept_and_entities_decoded() -> None:
    text = ("第一章 开始\n"
            "“先生，‘怪哉’这虫，是怎么一回事？……”我赶忙问。<br>\n"
            '<p class="writing-date">一九二七年五月一日，鲁迅于广州白云楼记。</p>\n'
            "他说&ldquo;好&rdquo;&nbsp;然后走了。<br/>又回来了。\n")
    result = import_text(text)
    assert structure(result.book) == [("第一章 开始", [
        "“先生，‘怪哉’这虫，是怎么一回事？……”我赶忙问。",
        "一九二七年五月一日，鲁迅于广州白云楼记。",
        "他说“好”\u00a0然后走了。",
        "又回来了。",
    ])]


@pytest.mark.parametrize("line", [
    "a < b & c",
    "if x<y and y>z then",
    "AT&T and R&D; &notanentity; & ;",
    "<foo>不是HTML</foo>",
    "比较：3<5，而且5>3。",
])
def test_text_that_only_looks_like_markup_stays_exactly(line: str) -> None:
    result = import_text(f"第一章\n{line}\n")
    assert result.book.chapters[0].paragraphs[0].text == line


def test_emotion_tags_become_spans_over_the_cleaned_text() -> None:
    text = ('第一章\n'
            '\u3000\u3000他<emotion category="happy" intensity="1.5">笑了起来</emotion>，'
            '又<emotion category="sad">叹了口气</emotion>。&amp;\n')
    para = import_text(text).book.chapters[0].paragraphs[0]
    assert para.text == "他笑了起来，又叹了口气。&"
    assert para.emotions == [EmotionSpan(1, 5, "happy", 1.5), EmotionSpan(7, 11, "sad", 1.0)]
    assert [para.text[e.start:e.end] for e in para.emotions] == ["笑了起来", "叹了口气"]


@pytest.mark.parametrize(("line", "expected_text", "warning"), [
    ('<emotion category="sad">没有结束', "没有结束", "line 2: <emotion category=\"sad\"> is not closed"),
    ("多余的</emotion>结束", "多余的结束", "line 2: </emotion> without an opening tag"),
    ("<emotion>没有类别</emotion>", "没有类别", "line 2: <emotion> tag without a category"),
    ('<emotion category="happy" intensity="very">强度</emotion>', "强度", "is not a number"),
    ('<emotion category="happy" intensity="9">强度</emotion>', "强度", "is outside"),
    ('<emotion category="happy"没有右括号', '<emotion category="happy"没有右括号', "malformed <emotion> tag"),
])
def test_broken_emotion_tags_warn_with_the_line_and_keep_the_text(line: str, expected_text: str,
                                                                  warning: str) -> None:
    result = import_text(f"第一章\n{line}\n")
    para = result.book.chapters[0].paragraphs[0]
    assert para.text == expected_text
    assert any(warning in w for w in result.report.warnings), result.report.warnings


def test_out_of_range_intensity_is_clamped_and_bad_one_defaults() -> None:
    result = import_text('第一章\n<emotion category="angry" intensity="9">怒</emotion>'
                         '<emotion category="happy" intensity="x">喜</emotion>\n')
    assert result.book.chapters[0].paragraphs[0].emotions == [
        EmotionSpan(0, 1, "angry", 2.0), EmotionSpan(1, 2, "happy", 1.0)]


def test_separator_lines_are_dropped_and_control_characters_removed() -> None:
    result = import_text("第一章\n第一段。\n******\n　☆☆☆　\n第二\x07段。\n")
    assert structure(result.book) == [("第一章", ["第一段。", "第二段。"])]
    assert any("control character" in w for w in result.report.warnings)


def test_report_counts_summary_and_dict() -> None:
    result = import_text(render_txt(NOVEL_ZH), source="novel.txt")
    report = result.report
    body = sum(len(p) for _, ps in NOVEL_ZH for p in ps)
    assert (report.chapters, report.paragraphs, report.characters) == (3, 6, body)
    assert report.characters == result.book.characters
    summary = report.summary()
    assert summary.startswith("novel.txt (plain text): 3 chapters, 6 paragraphs, ")
    assert f"{body:,} characters" in summary
    assert json.loads(json.dumps(report.to_dict()))["chapters"] == 3


def test_summary_lists_warnings() -> None:
    report = import_text("只有一段话，没有章节标题。\n第二段。", source="x.txt").report
    assert report.summary().splitlines()[1:] == [
        "  - no chapter headings found; using one chapter", "chapters:", "  1. 未命名 - 17 characters"]


def test_title_hint_names_a_book_that_has_no_title_of_its_own() -> None:
    assert import_text(render_txt(NOVEL_ZH), title_hint="仙台").book.title == "仙台"
    assert import_text(render_txt(NOVEL_ZH)).book.title == "未命名"
    assert import_text("第一章 朝花夕拾\n正文。", title_hint="仙台").book.chapters[0].title == "第一章 朝花夕拾"


def test_regional_language_tag_is_kept_in_metadata() -> None:
    book = import_text("---\ntitle: 書\nlang: zh-TW\n---\n\n# 第一章\n\n正文。\n", markdown=True).book
    assert (book.language, book.metadata["language_tag"]) == ("zh", "zh-TW")
