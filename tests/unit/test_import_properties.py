"""Property tests: importing never loses or duplicates body text, and never fails with anything but InputError.

"Body text" is compared without whitespace (stripping and indentation removal are documented clean-ups),
with chapter titles included where a heading line supplied them, and with the " · " that joins a volume
heading to the chapter after it removed.
"""

from __future__ import annotations

import contextlib
import os
import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.core.errors import InputError
from studio.core.importers import import_file, import_text
from studio.core.importers.structure import TITLE_JOINER
from tests.unit.importer_fixtures import NOVEL_ZH, NOVEL_ZH_TRAD, render_txt

SETTINGS = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
LATIN = st.sampled_from(string.ascii_letters + string.digits)
PUNCT = st.sampled_from("，。！？；：“”‘’（）《》、…,.!?;:'\"()")
SPACE = st.sampled_from([" ", "\u3000", "\t"])


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


PARAGRAPH = st.lists(st.one_of(CJK, CJK, LATIN, PUNCT, SPACE), min_size=1, max_size=60).map("".join) \
    .filter(_has_words)
TITLE = st.lists(CJK, min_size=2, max_size=8).map("".join).filter(lambda t: "完" not in t and "待" not in t)
NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


def _squeeze(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def _book_text(book: object) -> str:
    parts: list[str] = []
    for chapter in book.chapters:  # type: ignore[attr-defined]
        parts.append(chapter.title.replace(TITLE_JOINER, ""))
        parts.extend(p.text for p in chapter.paragraphs)
    return _squeeze("".join(parts))


@st.composite
def novels(draw: st.DrawFn) -> str:
    """A TXT novel: 第N章 headings (some glued to their first sentence), indented paragraphs, odd spacing."""
    chapters = draw(st.lists(st.tuples(TITLE, st.lists(PARAGRAPH, max_size=5), st.booleans()),
                             min_size=1, max_size=len(NUMERALS)))
    chapters[-1][1].append(draw(PARAGRAPH))  # at least one paragraph: a book of headings is an InputError
    lines: list[str] = []
    for i, (title, paragraphs, glued) in enumerate(chapters):
        heading = f"第{NUMERALS[i]}章 {title}"
        if glued and paragraphs:
            lines.append(f"{heading}。{paragraphs[0]}")
            paragraphs = paragraphs[1:]
        else:
            lines.append(heading)
        lines.extend(draw(st.sampled_from(["", "\u3000\u3000", "  "])) + p for p in paragraphs)
        if draw(st.booleans()):
            lines.append("")
    return draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)


@SETTINGS
@given(novels())
def test_txt_import_keeps_every_character_in_order(text: str) -> None:
    book = import_text(text).book
    assert _book_text(book) == _squeeze(text)


@SETTINGS
@given(novels(), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "big5"]))
def test_file_import_keeps_every_character_in_every_encoding(text: str, encoding: str) -> None:
    if encoding in ("gb18030", "big5"):
        # Legacy encodings are told apart by how *ordinary* Chinese reads (documented): random code points
        # are not that, so a realistic opening comes first, and Big5 only gets characters it can encode.
        opening = NOVEL_ZH_TRAD if encoding == "big5" else NOVEL_ZH
        text = render_txt(opening) + text
        text = text.encode(encoding, errors="ignore").decode(encoding)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "novel.txt"
        path.write_bytes(text.encode(encoding))
        book = import_file(path).book
    assert _book_text(book) == _squeeze(text)


@SETTINGS
@given(st.lists(st.tuples(TITLE, st.lists(PARAGRAPH.filter(lambda p: "\u4e00" <= p.lstrip()[:1] <= "\u9fa5"),
                                          min_size=1, max_size=4)), min_size=1, max_size=6),
       st.sampled_from(["#", "##"]))
def test_markdown_import_keeps_every_character_in_order(chapters: list[tuple[str, list[str]]], marker: str) -> None:
    text = "---\ntitle: 书\n---\n\n" + "\n\n".join(
        f"{marker} {title}\n\n" + "\n\n".join(paragraphs) for title, paragraphs in chapters)
    book = import_text(text, markdown=True).book
    expected = "".join(title + "".join(paragraphs) for title, paragraphs in chapters)
    assert book.title == "书"
    assert _book_text(book) == _squeeze(expected)


MARKUP = [("<br>", ""), ("<br/>", ""), ('<p class="writing-date">', ""), ("</p>", ""), ("<span>", ""),
          ("</span>", ""), ("<em>", ""), ("</em>", ""), ("&amp;", "&"), ("&lt;", "<"), ("&#20013;", "中"),
          ("&ldquo;", "“"), ("<!-- note -->", ""), ("<a href='x'>", ""), ("</a>", "")]


@SETTINGS
@given(st.lists(st.one_of(PARAGRAPH.map(lambda p: (p, p)), st.sampled_from(MARKUP)), min_size=1, max_size=12)
       .filter(lambda parts: _has_words("".join(clean for _, clean in parts))))
def test_html_cleanup_removes_only_markup(parts: list[tuple[str, str]]) -> None:
    raw = "".join(r for r, _ in parts)
    book = import_text(f"第一章\n{raw}\n").book
    assert _book_text(book) == _squeeze("第一章" + "".join(clean for _, clean in parts))


WORD = st.lists(st.one_of(CJK, LATIN), min_size=1, max_size=10).map("".join)


@SETTINGS
@given(st.lists(st.tuples(WORD, st.one_of(st.none(), st.sampled_from(["happy", "sad", "angry"]))),
                min_size=1, max_size=8))
def test_emotion_spans_cover_exactly_the_tagged_words(parts: list[tuple[str, str | None]]) -> None:
    raw = "".join(w if cat is None else f'<emotion category="{cat}">{w}</emotion>' for w, cat in parts)
    para = import_text(f"第一章\n\u3000\u3000{raw}\n").book.chapters[0].paragraphs[0]
    assert para.text == "".join(w for w, _ in parts)
    assert [(para.text[e.start:e.end], e.category) for e in para.emotions] == [
        (w, cat) for w, cat in parts if cat is not None]


TRICKY_LINES = st.sampled_from([
    "第一章", "第二章 标题", "第三章已经写完了，他说。", "第一章 序我要给阿Q做正传。", "序", "番外一", "Chapter 1",
    "CHAPTER XII", "Part One", "---", "...", "```", "# 标题", "## 小节", "===", "> 引用", "- 列表", "1. 项目",
    "<emotion category=\"happy\">", "</emotion>", "<emotion>", "<br>", "<p class='a'>", "</p>", "&amp;", "&",
    "<", ">", "a < b & c", "title: x", "作者：某人", "***", "\u3000\u3000", "\ufeff", "　　正文。", "[链接](x)",
    "![图](y)", "**粗**", "\\", "<!--", "-->", "<rt>注音</rt>", "<script>", "第", "章",
])


@SETTINGS
@given(st.lists(st.one_of(TRICKY_LINES, PARAGRAPH), max_size=20), st.booleans())
def test_tricky_manuscripts_give_a_sane_book_or_an_input_error(lines: list[str], markdown: bool) -> None:
    try:
        result = import_text("\n".join(lines), markdown=markdown)
    except InputError as err:
        assert str(err)
        return
    book = result.book
    assert book.chapters and book.characters > 0
    for chapter in book.chapters:
        assert chapter.title.strip() == chapter.title and chapter.title
        for p in chapter.paragraphs:
            assert p.text and p.text == p.text.strip()
            for e in p.emotions:
                assert 0 <= e.start < e.end <= len(p.text)
    assert result.report.characters == book.characters


@SETTINGS
@given(st.text(max_size=300), st.booleans())
def test_arbitrary_text_never_raises_anything_but_input_error(text: str, markdown: bool) -> None:
    with contextlib.suppress(InputError):
        import_text(text, markdown=markdown)


@SETTINGS
@given(st.one_of(st.binary(max_size=600), st.text(max_size=200).map(lambda t: t.encode("utf-8"))),
       st.sampled_from([".txt", ".md", ".epub", ".docx", ".bin", ""]),
       st.sampled_from([b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"---\n", b"%PDF-"]))
def test_arbitrary_bytes_never_raise_anything_but_input_error(data: bytes, ext: str, prefix: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{ext}"
        path.write_bytes(prefix + data)
        try:
            import_file(path)
        except InputError as err:
            assert str(err).startswith(os.fspath(path))
