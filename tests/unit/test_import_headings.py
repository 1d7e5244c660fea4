"""Plain-text chapter detection: heading variants, glued headings, and sentences that must stay text."""

from __future__ import annotations

import pytest

from studio.core.importers import import_text
from studio.core.importers.headings import cn_numeral_to_int
from tests.unit.importer_fixtures import structure

BODY = "他站在门口，看了很久，终于走了进去。"


@pytest.mark.parametrize("heading", [
    "第一章",
    "第一章 风起",
    "第一章　风起",
    "第一章：风起",
    "第1章 风起",
    "第１章 风起",
    "第 1 章",
    "第十二章 归来",
    "第一百零五章 终局之战",
    "第壹章 开篇",
    "第一回　甄士隐梦幻识通灵　贾雨村风尘怀闺秀",
    "第一节 学校",
    "第一卷 少年",
    "第一部 起源",
    "第一部分 总论",
    "第一篇 春",
    "第一集",
    "第十章 谁是凶手？",
    "第一章（上）",
    "序",
    "序言",
    "序章 风起",
    "前言",
    "楔子",
    "引子",
    "尾声",
    "后记",
    "番外",
    "番外一",
    "番外二 小时候",
    "终章",
    "Chapter 12",
    "CHAPTER XII",
    "Chapter Twelve",
    "Chapter Twenty-One",
    "Chapter 3: The Long Night",
    "Chapter 3 The Long Night",
    "Part One",
    "PART II",
    "Book Three",
    "PROLOGUE",
    "Epilogue",
    "Prologue: Before the Storm",
])
def test_heading_variants_start_a_chapter(heading: str) -> None:
    result = import_text(f"{heading}\n{BODY}\n")
    assert structure(result.book) == [(" ".join(heading.split()), [BODY])]
    assert "no chapter headings found; using one chapter" not in result.report.warnings


@pytest.mark.parametrize("sentence", [
    "第一章已经写完了，他说。",
    "第三章 是整本书最精彩的部分，我很喜欢。",
    "Chapter 3 was the best part of the book, she said.",
    "Chapter I was told about was missing.",
    "第一回合，他输了。",
    "第一章完",
    "（第一章完）",
    "序幕拉开了，观众安静下来。",
    "前言不搭后语的人。",
    "Introduction to the theory of everything was her favourite lecture.",
    "Part of me wanted to stay.",
    "他翻到了第一章，开始读。",
    "prologue",
])
def test_sentences_that_merely_mention_a_chapter_stay_text(sentence: str) -> None:
    text = f"第一章 开始\n{BODY}\n{sentence}\n{BODY}\n"
    result = import_text(text)
    assert structure(result.book) == [("第一章 开始", [BODY, sentence, BODY])]


@pytest.mark.parametrize(("line", "title", "first_paragraph"), [
    ("第一章 序我要给阿Q做正传，已经不止一两年了。但一面要做，一面又往回想，这足见我不是一个“立言”的人。",
     "第一章 序", "我要给阿Q做正传，已经不止一两年了。但一面要做，一面又往回想，这足见我不是一个“立言”的人。"),
    ("第一章 初到仙台。那时候我……", "第一章 初到仙台。", "那时候我……"),
    ("第十章 谁是凶手？他问。", "第十章 谁是凶手？", "他问。"),
    ("第二章　藤野先生。东京也无非是这样。上野的樱花烂熳的时节，望去确也像绯红的轻云。",
     "第二章 藤野先生。", "东京也无非是这样。上野的樱花烂熳的时节，望去确也像绯红的轻云。"),
])
def test_heading_glued_to_the_first_sentence_is_split_without_losing_characters(
        line: str, title: str, first_paragraph: str) -> None:
    result = import_text(f"{line}\n{BODY}\n")
    assert structure(result.book) == [(title, [first_paragraph, BODY])]


def test_glued_heading_without_a_title_keeps_only_the_token_when_the_sequence_confirms_it() -> None:
    text = ("第一章 我要给阿Q做正传，已经不止一两年了。但一面要做，一面又往回想。\n"
            "第二章 我不但不知道阿Q的姓名，连他先前的“行状”也渺茫。\n")
    result = import_text(text)
    assert [c.title for c in result.book.chapters] == ["第一章", "第二章"]
    assert result.book.chapters[0].paragraphs[0].text.startswith("我要给阿Q做正传")


def test_headings_without_separator_need_a_consistent_sequence() -> None:
    text = "第一章风起\n甲。\n第二章云涌\n乙。\n第三章雷动\n丙。\n"
    assert [c.title for c in import_text(text).book.chapters] == ["第一章风起", "第二章云涌", "第三章雷动"]
    # The same shape out of sequence is a line of text (a duel's "round one"), not a chapter.
    lonely = import_text(f"第五章 开始\n{BODY}\n第一回合\n{BODY}\n")
    assert structure(lonely.book) == [("第五章 开始", [BODY, "第一回合", BODY])]


def test_volume_headings_make_two_levels_named_volume_dash_chapter() -> None:
    text = "第一卷 少年\n第一章 出门\n甲。\n第二章 远行\n乙。\n第二卷 江湖\n第一章 入城\n丙。\n"
    result = import_text(text)
    assert [c.title for c in result.book.chapters] == [
        "第一卷 少年 – 第一章 出门", "第一卷 少年 – 第二章 远行", "第二卷 江湖 – 第一章 入城"]
    assert [e.level for e in result.report.toc] == [2, 2, 2]


def test_a_heading_at_the_very_end_is_kept_as_text() -> None:
    result = import_text(f"第一章 开始\n{BODY}\n第二章\n")
    assert structure(result.book) == [("第一章 开始", [BODY, "第二章"])]


def test_many_chapters_in_order() -> None:
    numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "二十", "九十九",
                "一百", "一百零一", "一千零一"]
    text = "".join(f"第{n}章 标题{n}\n正文{n}。\n" for n in numerals)
    chapters = import_text(text).book.chapters
    assert [c.title for c in chapters] == [f"第{n}章 标题{n}" for n in numerals]
    assert [c.paragraphs[0].text for c in chapters] == [f"正文{n}。" for n in numerals]


@pytest.mark.parametrize(("numeral", "value"), [
    ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("一百", 100), ("一百零五", 105),
    ("一百一十", 110), ("两千", 2000), ("一千零一", 1001), ("一〇一", 101), ("壹佰贰拾", 120), ("１２", 12),
    ("12", 12), ("一万二千", 12000),
])
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert cn_numeral_to_int(numeral) == value


def test_licence_headings_in_capitals_are_not_chapters_without_a_contents_list() -> None:
    text = ("The Project Gutenberg Etext\n\nDISCLAIMER\n\nBut for the Right of Replacement or Refund described\n"
            "below, the Project disclaims all liability.\n\nINDEMNITY\n\nYou will indemnify and hold the Project"
            " harmless.\n")
    assert len(import_text(text).book.chapters) == 1


def test_indented_short_paragraphs_of_a_web_txt_are_not_centred_titles() -> None:
    body = "\n\n".join(f"\u3000\u3000{line}" for line in ["他走了", "她在门口等着，一直等到天黑。", "远处有狗叫",
                                                         "夜深了", "第二天早上，雨停了。"])
    assert len(import_text(body).book.chapters) == 1


def test_a_title_list_at_the_top_does_not_become_empty_chapters() -> None:
    text = ("第一章 出门\n第二章 远行\n第三章 入城\n\n"
            "第一章 出门\n甲走了。\n第二章 远行\n乙走了。\n第三章 入城\n丙走了。\n")
    result = import_text(text)
    assert [c.title for c in result.book.chapters] == ["第一章 出门", "第二章 远行", "第三章 入城"]
    assert [c.paragraphs[0].text for c in result.book.chapters] == ["甲走了。", "乙走了。", "丙走了。"]
    # The list itself is front matter (moved to metadata, as short title lines before the text are).
    assert result.report.front_matter == ["第一章 出门", "第二章 远行", "第三章 入城"]


def test_a_heading_after_the_last_sentence_of_a_line_starts_the_next_chapter() -> None:
    text = ("第一章 出门\n他走了很远的路。第二章 归来她在门口等着，一直等到天黑。\n第三章 结局\n完了。\n")
    result = import_text(text)
    assert [c.title[:3] for c in result.book.chapters] == ["第一章", "第二章", "第三章"]
    assert result.book.chapters[0].paragraphs[-1].text == "他走了很远的路。"
    second = result.book.chapters[1]
    assert (second.title + second.paragraphs[0].text).replace(" ", "") == "第二章归来她在门口等着，一直等到天黑。"
