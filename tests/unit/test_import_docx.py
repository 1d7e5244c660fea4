"""DOCX import: heading styles (English and localised names, outline levels), core properties."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from studio.core.errors import InputError
from studio.core.importers import import_file
from tests.unit.importer_fixtures import NOVEL_ZH, structure, write_zip


def _outline(style_or_paragraph_ppr: object, level: int) -> None:
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    style_or_paragraph_ppr.append(el)  # type: ignore[attr-defined]


def test_heading_styles_make_chapters_and_core_properties_give_title_author(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "朝花夕拾"
    document.core_properties.author = "鲁迅"
    document.add_paragraph("朝花夕拾（书名页）", style="Title")
    for title, paragraphs in NOVEL_ZH:
        document.add_heading(title, level=1)
        for para in paragraphs:
            document.add_paragraph(para)
    document.add_heading("一个小节", level=2)
    document.add_paragraph("小节正文。")
    path = tmp_path / "book.docx"
    document.save(str(path))
    result = import_file(path)
    assert result.report.format == "docx"
    assert (result.book.title, result.book.author) == ("朝花夕拾", "鲁迅")
    expected = [(t, list(ps)) for t, ps in NOVEL_ZH]
    expected[-1][1].extend(["一个小节", "小节正文。"])  # below the chapter level: kept as text
    assert structure(result.book) == expected


def test_title_style_is_the_book_title_when_core_properties_are_empty(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("野草", style="Title")
    document.add_heading("秋夜", level=1)
    document.add_paragraph("在我的后园，可以看见墙外有两株树。")
    document.add_heading("影的告别", level=1)
    document.add_paragraph("人睡到不知道时候的时候，就会有影来告别。")
    path = tmp_path / "untitled.docx"
    document.save(str(path))
    book = import_file(path).book
    assert book.title == "野草"
    assert [c.title for c in book.chapters] == ["秋夜", "影的告别"]


def test_localised_and_derived_heading_styles(tmp_path: Path) -> None:
    document = docx.Document()
    styles = document.styles
    zh = styles.add_style("标题 1", WD_STYLE_TYPE.PARAGRAPH)  # WPS / Chinese Word naming
    derived = styles.add_style("Chapter Head", WD_STYLE_TYPE.PARAGRAPH)
    derived.base_style = styles["Heading 1"]
    outlined = styles.add_style("我的章标题", WD_STYLE_TYPE.PARAGRAPH)
    _outline(outlined.element.get_or_add_pPr(), 0)
    document.add_paragraph("第一章 本地化", style=zh)
    document.add_paragraph("甲。")
    document.add_paragraph("第二章 派生", style=derived)
    document.add_paragraph("乙。")
    document.add_paragraph("第三章 大纲级别", style=outlined)
    document.add_paragraph("丙。")
    direct = document.add_paragraph("第四章 段落大纲")
    _outline(direct._p.get_or_add_pPr(), 0)
    document.add_paragraph("丁。")
    path = tmp_path / "styles.docx"
    document.save(str(path))
    assert structure(import_file(path).book) == [
        ("第一章 本地化", ["甲。"]), ("第二章 派生", ["乙。"]), ("第三章 大纲级别", ["丙。"]),
        ("第四章 段落大纲", ["丁。"])]


def test_no_heading_styles_falls_back_to_plain_text_rules(tmp_path: Path) -> None:
    document = docx.Document()
    for title, paragraphs in NOVEL_ZH:
        document.add_paragraph(title).runs[0].bold = True
        for para in paragraphs:
            document.add_paragraph("\u3000\u3000" + para)
    path = tmp_path / "plain.docx"
    document.save(str(path))
    assert structure(import_file(path).book) == NOVEL_ZH


def test_line_breaks_split_paragraphs_and_emotion_tags_are_honoured(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("第一章", level=1)
    paragraph = document.add_paragraph("第一行")
    paragraph.add_run().add_break()
    paragraph.add_run('他<emotion category="sad">哭了</emotion>。')
    document.add_heading("第二章", level=1)
    document.add_paragraph("乙。")
    path = tmp_path / "breaks.docx"
    document.save(str(path))
    chapter = import_file(path).book.chapters[0]
    assert [p.text for p in chapter.paragraphs] == ["第一行", "他哭了。"]
    assert [(e.start, e.end, e.category) for e in chapter.paragraphs[1].emotions] == [(1, 3, "sad")]


@pytest.mark.parametrize(("content", "message"), [
    (b"this is not a zip file at all", "corrupt DOCX: the file is not a ZIP archive"),
    (b"PK\x03\x04" + b"\x00" * 40, "corrupt DOCX"),
])
def test_corrupt_docx_bytes(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        import_file(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_zip_without_document_xml(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "nodoc.docx", {"[Content_Types].xml": "<Types/>", "word/styles.xml": "<x/>"})
    with pytest.raises(InputError, match=r"nodoc\.docx: corrupt DOCX: the archive has no word/document.xml"):
        import_file(path)


def test_docx_with_unparseable_document_xml(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("正文。")
    good = tmp_path / "good.docx"
    document.save(str(good))
    import zipfile

    with zipfile.ZipFile(good) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files["word/document.xml"] = b"<w:document><not-closed>"
    path = write_zip(tmp_path / "garbled.docx", files)
    with pytest.raises(InputError, match=r"garbled\.docx: cannot read this DOCX"):
        import_file(path)


def test_docx_with_no_text(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("   ")
    path = tmp_path / "blank.docx"
    document.save(str(path))
    with pytest.raises(InputError, match=r"blank\.docx: the DOCX contains no text"):
        import_file(path)


def test_paragraphs_inside_tables_are_read_in_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("第一章", level=1)
    document.add_paragraph("表格之前。")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "左边的字。"
    table.cell(0, 1).text = "右边的字。"
    document.add_paragraph("表格之后。")
    path = tmp_path / "table.docx"
    document.save(str(path))
    assert structure(import_file(path).book) == [("第一章", ["表格之前。", "左边的字。", "右边的字。", "表格之后。"])]
