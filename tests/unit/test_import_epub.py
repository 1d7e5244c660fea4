"""EPUB import: EPUB 3 (nav) built with ebooklib, EPUB 2 (NCX only) written by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from ebooklib import epub

from studio.core.book import EmotionSpan
from studio.core.errors import InputError
from studio.core.importers import import_file
from tests.unit.importer_fixtures import epub2_files, structure, write_zip, xhtml


def _html(name: str, title: str, body: str) -> epub.EpubHtml:
    item = epub.EpubHtml(title=title, file_name=name, lang="zh")
    item.content = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return item


def build_epub3(path: Path) -> Path:
    """Manifest order ch1, ch2, ch3, ch4; reading order cover, nav, copyright, ch2, ch1, ch3, ch4."""
    book = epub.EpubBook()
    book.set_identifier("urn:uuid:test-epub3")
    book.set_title("仙台记")
    book.set_language("zh-CN")
    book.add_author("鲁迅")
    book.add_author("周作人")
    cover = _html("cover.xhtml", "封面", '<div><img src="cover.jpg" alt="封面图"/></div>')
    copyright_page = _html("copyright.xhtml", "版权",
                           "<p>版权所有，翻印必究。本书由测试出版社出版，仅供测试使用。</p>" * 8)
    ch1 = _html("ch1.xhtml", "第二章", (
        "<h1>第二章</h1>"
        "<p>他<em>轻轻地</em>说：“<a href='#n1'>你好</a>，<span class='name'>藤野</span>先生。”</p>"
        "<p><ruby>仙<rp>(</rp><rt>xiān</rt><rp>)</rp>台<rt>tái</rt></ruby>的冬天冷得利害。</p>"
        "<blockquote><p>引用的一句话。</p></blockquote>"
        "<ul><li>第一项</li><li>第二项</li></ul>"
        "<p>第一行<br/>第二行</p>"
        "<p>这一段\n   被源文件\n   折行了。</p>"
        "<p>他<emotion category='happy' intensity='1.2'>笑了</emotion>。</p>"
    ))
    ch2 = _html("ch2.xhtml", "", "<p>东京也无非是这样。</p><p>上野的樱花烂熳的时节。</p>")
    ch3 = _html("ch3.xhtml", "第三章", (
        "<section id='s1'><h2>第三章 上</h2><p>上半章的正文。</p></section>"
        "<section id='s2'><h2>第三章 下</h2><p>下半章的正文。</p></section>"
    ))
    ch4 = _html("ch4.xhtml", "", "<p>第三章 下 的续页（转换工具拆开的文件）。</p>")
    for item in (cover, copyright_page, ch1, ch2, ch3, ch4):
        book.add_item(item)
    book.toc = [
        epub.Link("ch2.xhtml", "第一章 东京", "t1"),
        epub.Link("ch1.xhtml", "第二章 仙台", "t2"),
        (epub.Section("第三章"), [epub.Link("ch3.xhtml#s1", "第三章 上", "t3"),
                                  epub.Link("ch3.xhtml#s2", "第三章 下", "t4")]),
    ]
    book.guide = [{"href": "cover.xhtml", "title": "封面", "type": "cover"},
                  {"href": "copyright.xhtml", "title": "版权", "type": "copyright-page"}]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = [cover, "nav", copyright_page, ch2, ch1, ch3, ch4]
    # Landmarks only (no OPF guide): the importer must read the nav's landmarks itself.
    epub.write_epub(str(path), book, {"epub2_guide": False})
    return path


@pytest.fixture
def epub3(tmp_path: Path) -> Path:
    return build_epub3(tmp_path / "book.epub")


def test_epub3_reading_order_titles_and_metadata(epub3: Path) -> None:
    result = import_file(epub3)
    book = result.book
    assert result.report.format == "epub"
    assert result.report.encoding is None
    assert (book.title, book.author, book.language) == ("仙台记", "鲁迅、周作人", "zh")
    assert [c.title for c in book.chapters] == ["第一章 东京", "第二章 仙台", "第三章 上", "第三章 下"]
    assert structure(book)[0] == ("第一章 东京", ["东京也无非是这样。", "上野的樱花烂熳的时节。"])


def test_epub3_inline_markup_never_loses_text(epub3: Path) -> None:
    chapter = import_file(epub3).book.chapters[1]
    assert [p.text for p in chapter.paragraphs] == [
        "他轻轻地说：“你好，藤野先生。”",
        "仙台的冬天冷得利害。",
        "引用的一句话。",
        "第一项",
        "第二项",
        "第一行",
        "第二行",
        "这一段被源文件折行了。",
        "他笑了。",
    ]
    assert chapter.paragraphs[-1].emotions == [EmotionSpan(1, 3, "happy", 1.2)]


def test_epub3_toc_fragments_split_a_document_and_continuations_append(epub3: Path) -> None:
    chapters = structure(import_file(epub3).book)
    assert chapters[2] == ("第三章 上", ["上半章的正文。"])
    assert chapters[3] == ("第三章 下", ["下半章的正文。", "第三章 下 的续页（转换工具拆开的文件）。"])


def test_epub3_cover_nav_and_copyright_pages_are_skipped_and_reported(epub3: Path) -> None:
    result = import_file(epub3)
    text = "".join(p.text for c in result.book.chapters for p in c.paragraphs)
    assert "版权所有" not in text and "封面" not in text
    skipped = [w for w in result.report.warnings if w.startswith("skipped")]
    assert skipped == ["skipped 3 EPUB document(s) that are not story text: cover.xhtml, nav.xhtml, "
                       "copyright.xhtml"]


def test_epub2_with_ncx_only(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "ncx.epub", epub2_files(), mimetype="application/epub+zip")
    result = import_file(path)
    book = result.book
    assert (book.title, book.author, book.language) == ("朝花夕拾（选）", "鲁迅", "zh")
    assert structure(book) == [
        ("狗·猫·鼠", ["从去年起，仿佛听得有人说我是仇猫的。"]),
        ("阿长与《山海经》", ["长妈妈，已经说过，是一个一向带领着我的女工，说得阔气一点，就是我的保姆。",
                           "我的母亲和许多别的人都这样称呼她，似乎略带些客气的意义。"]),
        ("藤野先生", ["东京也无非是这样。", "上野的樱花烂熳的时节，望去确也像绯红的轻云。"]),
    ]
    assert any("cover.xhtml, titlepage.xhtml" in w for w in result.report.warnings)


def test_epub_without_toc_titles_chapters_from_headings(tmp_path: Path) -> None:
    files = epub2_files(spine=["ch1", "ch2"], with_toc=False)
    path = write_zip(tmp_path / "notoc.epub", files, mimetype="application/epub+zip")
    assert [c.title for c in import_file(path).book.chapters] == ["阿长与《山海经》", "狗·猫·鼠"]


def test_a_missing_image_only_warns(tmp_path: Path) -> None:
    files = epub2_files()
    files["OEBPS/content.opf"] = files["OEBPS/content.opf"].replace(  # type: ignore[union-attr]
        "</manifest>", '<item id="img" href="Images/cover.jpg" media-type="image/jpeg"/></manifest>')
    path = write_zip(tmp_path / "noimage.epub", files, mimetype="application/epub+zip")
    result = import_file(path)
    assert len(result.book.chapters) == 3
    assert any("missing" in w and "cover.jpg" in w for w in result.report.warnings)


def test_spine_naming_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "broken.epub", epub2_files(drop=("OEBPS/Text/ch2.xhtml",)),
                     mimetype="application/epub+zip")
    with pytest.raises(InputError) as err:
        import_file(path)
    assert str(path) in str(err.value)
    assert "spine names missing file(s): OEBPS/Text/ch2.xhtml" in str(err.value)


@pytest.mark.parametrize(("files", "message"), [
    ({"readme.txt": "hello"}, "not an EPUB (it has no META-INF/container.xml)"),
    ({"META-INF/container.xml": "<container><unclosed>"}, "container.xml is not well-formed XML"),
    ({"META-INF/container.xml": "<container/>"}, "names no package (OPF) file"),
])
def test_zip_that_is_not_an_epub(tmp_path: Path, files: dict[str, str], message: str) -> None:
    path = write_zip(tmp_path / "fake.epub", files)
    with pytest.raises(InputError) as err:
        import_file(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_epub_with_no_text(tmp_path: Path) -> None:
    files = epub2_files()
    for name in ("ch1", "ch2", "ch3"):
        files[f"OEBPS/Text/{name}.xhtml"] = xhtml('<div><img src="x.png"/></div>')
    path = write_zip(tmp_path / "pictures.epub", files, mimetype="application/epub+zip")
    with pytest.raises(InputError, match="contains no text"):
        import_file(path)


def test_a_heading_that_differs_from_the_toc_title_is_kept_as_text(tmp_path: Path) -> None:
    files = epub2_files(spine=["ch2"])
    files["OEBPS/Text/ch2.xhtml"] = xhtml("<h2>一九二六年二月二十一日</h2><p>从去年起，仿佛听得有人说我是仇猫的。</p>")
    path = write_zip(tmp_path / "dated.epub", files, mimetype="application/epub+zip")
    assert structure(import_file(path).book) == [
        ("狗·猫·鼠", ["一九二六年二月二十一日", "从去年起，仿佛听得有人说我是仇猫的。"])]


def test_footnote_markers_and_back_links_are_not_spoken(tmp_path: Path) -> None:
    book = epub.EpubBook()
    book.set_identifier("notes")
    book.set_title("Notes")
    book.set_language("en")
    body = (
        '<h1>Chapter 1</h1><p>They paid in the local currency.<a href="#fn1" epub:type="noteref">1</a> '
        'It was dear.<sup><a href="#fn2">[2]</a></sup> See <a href="#ch2">the next chapter</a>.</p>'
        '<aside epub:type="footnote" id="fn1"><p><a href="#r1" role="doc-backlink">↩</a> A copper coin.</p></aside>'
    )
    ch = _html("ch1.xhtml", "Chapter 1", body)
    book.add_item(ch)
    book.toc = [epub.Link("ch1.xhtml", "Chapter 1", "c1")]
    book.add_item(epub.EpubNav())
    book.spine = ["nav", ch]
    path = tmp_path / "notes.epub"
    epub.write_epub(str(path), book)
    texts = [p.text for p in import_file(path).book.chapters[0].paragraphs]
    assert texts[0] == "They paid in the local currency. It was dear. See the next chapter."
    assert texts[1] == "A copper coin."
