"""Markdown import: front matter, heading levels, inline syntax, and the real corpus essays."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.importers import import_file, import_text
from studio.core.importers.markdown import strip_inline_markdown
from tests.unit.importer_fixtures import BAICAOYUAN_EXCERPT_MD, XIAOYIN_MD, structure


def _expected_xiaoyin_paragraphs() -> list[str]:
    body = XIAOYIN_MD.split("---\n", 2)[2]
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    return [p.removeprefix('<p class="writing-date">').removesuffix("</p>") for p in paragraphs]


def test_corpus_essay_front_matter_becomes_metadata_and_paragraphs_are_exact() -> None:
    result = import_text(XIAOYIN_MD, source="小引.md", markdown=True)
    book = result.book
    assert book.title == "小引"
    assert book.metadata["volume"] == "朝花夕拾"
    assert book.metadata["source"] == "朝花夕拾_小引.txt"
    expected = _expected_xiaoyin_paragraphs()
    assert len(expected) == 5
    assert structure(book) == [("小引", expected)]
    assert expected[-1] == "一九二七年五月一日，鲁迅于广州白云楼记。"
    text = "".join(p.text for p in book.chapters[0].paragraphs)
    assert "title:" not in text and "---" not in text and "<" not in text
    assert result.report.format == "markdown"


def test_corpus_excerpt_br_lines_are_clean_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "从百草园到三味书屋.md"
    path.write_text(BAICAOYUAN_EXCERPT_MD, encoding="utf-8")
    result = import_file(path)
    assert result.report.encoding == "utf-8"
    assert structure(result.book) == [("从百草园到三味书屋", [
        "“先生，‘怪哉’这虫，是怎么一回事？……”我上了生书，将要退下来的时候，赶忙问。",
        "“不知道！”他似乎很不高兴，脸上还有怒色了。",
        BAICAOYUAN_EXCERPT_MD.rstrip("\n").rsplit("\n", 1)[1],
    ])]
    assert result.book.chapters[0].paragraphs[2].text.startswith("我才知道做学生是不应该问这些事的")


def test_h2_chapters_under_a_single_h1_book_title() -> None:
    text = ("---\nauthor: 鲁迅\nlang: zh\n---\n# 朝花夕拾\n\n## 狗·猫·鼠\n\n从去年起。\n\n"
            "## 阿长与《山海经》\n\n长妈妈。\n\n### 一个小节\n\n小节正文。\n")
    book = import_text(text, markdown=True).book
    assert (book.title, book.author, book.language) == ("朝花夕拾", "鲁迅", "zh")
    assert structure(book) == [("狗·猫·鼠", ["从去年起。"]),
                               ("阿长与《山海经》", ["长妈妈。", "一个小节", "小节正文。"])]


def test_repeated_h1_are_chapters_and_setext_headings_count() -> None:
    text = "第一章\n===\n\n甲。\n\n第二章\n===\n\n乙。\n\n# 第三章\n\n丙。\n"
    assert [c.title for c in import_text(text, markdown=True).book.chapters] == ["第一章", "第二章", "第三章"]


def test_front_matter_and_body_before_first_heading() -> None:
    text = ("---\ntitle: 书\n---\n\n这是一段很长的引言，说明了这本书的来历，以及作者写作的缘由。\n\n"
            "# 第一章\n\n正文。\n\n# 第二章\n\n又一章。\n")
    book = import_text(text, markdown=True).book
    assert book.title == "书"
    assert structure(book)[0] == ("前言", ["这是一段很长的引言，说明了这本书的来历，以及作者写作的缘由。"])


def test_markdown_without_headings_uses_plain_text_chapter_rules() -> None:
    text = "第一章 开始\n\n甲。\n\n第二章 结束\n\n乙。\n"
    assert structure(import_text(text, markdown=True).book) == [("第一章 开始", ["甲。"]), ("第二章 结束", ["乙。"])]


def test_heading_glued_to_text_in_markdown_without_heading_markup() -> None:
    text = "---\ntitle: 藤野先生\n---\n\n第一章 初到仙台。那时候我还年轻。\n\n后来的事情。\n"
    assert structure(import_text(text, markdown=True).book) == [
        ("第一章 初到仙台。", ["那时候我还年轻。", "后来的事情。"])]


def test_soft_breaks_join_and_hard_breaks_split() -> None:
    text = "# 一\n\n中文行一\n中文行二\nEnglish line\nnext line  \n新段落<br>再一段\n"
    assert structure(import_text(text, markdown=True).book) == [
        ("一", ["中文行一中文行二 English line next line", "新段落", "再一段"])]


@pytest.mark.parametrize(("raw", "plain"), [
    ("他**非常**生气", "他非常生气"),
    ("她*轻轻地*说", "她轻轻地说"),
    ("_强调_与__更强__", "强调与更强"),
    ("~~删掉~~保留", "删掉保留"),
    ("请看[鲁迅全集](https://example.com/luxun \"标题\")第一卷", "请看鲁迅全集第一卷"),
    ("引用[链接文字][ref]", "引用链接文字"),
    ("图片![封面](cover.png)之后", "图片之后"),
    ("代码`print(1)`保留", "代码print(1)保留"),
    ("转义\\*星号\\*不是强调", "转义*星号*不是强调"),
    ("snake_case_name stays", "snake_case_name stays"),
    ("5 * 3 = 15", "5 * 3 = 15"),
    ("网址<https://example.com>", "网址https://example.com"),
])
def test_inline_markdown_is_stripped_without_losing_words(raw: str, plain: str) -> None:
    assert strip_inline_markdown(raw) == plain
    assert import_text(f"# 章\n\n{raw}\n", markdown=True).book.chapters[0].paragraphs[0].text == plain


def test_blocks_lists_quotes_fences_rules() -> None:
    text = ("# 章\n\n> 引用的话\n> 继续\n\n- 第一项\n- 第二项\n\n1. 有序一\n\n***\n\n"
            "```\ncode <kept> & *as is*\n```\n\n[ref]: https://example.com\n\n结尾。\n")
    assert structure(import_text(text, markdown=True).book) == [("章", [
        "引用的话继续", "第一项", "第二项", "有序一", "code <kept> & *as is*", "结尾。"])]


def test_emotion_tag_in_markdown() -> None:
    para = import_text('# 章\n\n他<emotion category="happy">**笑**了</emotion>。\n', markdown=True) \
        .book.chapters[0].paragraphs[0]
    assert para.text == "他笑了。"
    assert [(e.start, e.end, e.category) for e in para.emotions] == [(1, 3, "happy")]


@pytest.mark.parametrize("front", [
    "---\ntitle: [unclosed\n---\n",
    "---\n- just\n- a list\n---\n",
])
def test_malformed_front_matter_warns_and_is_kept_as_text(front: str) -> None:
    result = import_text(front + "\n正文。\n", markdown=True)
    assert any("front matter" in w and "kept as text" in w for w in result.report.warnings)
    # Nothing is lost: the lines are in the book (the first short one may title the only chapter).
    text = "".join(c.title + "".join(p.text for p in c.paragraphs) for c in result.book.chapters)
    assert "正文。" in text
    assert "title: [unclosed" in text or ("just" in text and "a list" in text)
    assert "---" not in text


def test_unknown_extension_is_sniffed_as_markdown(tmp_path: Path) -> None:
    path = tmp_path / "manuscript.draft"
    path.write_text("---\ntitle: 草稿\n---\n\n## 一\n\n甲。\n\n## 二\n\n乙。\n", encoding="utf-8")
    result = import_file(path)
    assert result.report.format == "markdown"
    assert (result.book.title, [c.title for c in result.book.chapters]) == ("草稿", ["一", "二"])


def test_unknown_extension_plain_text_stays_txt(tmp_path: Path) -> None:
    path = tmp_path / "novel"
    path.write_text("第一章\n# 不是标题\n", encoding="utf-8")
    assert import_file(path).report.format == "txt"
