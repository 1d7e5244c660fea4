"""Rebuild the corpus books that are *derived* from real text: two EPUBs and a DOCX.

No public repository we could read held a small EPUB or DOCX of a public-domain book, so these three are
built here from texts that are in the corpus verbatim (see README.md). The words are the source's; only
the container is ours: an EPUB 3 with a nav document, an EPUB 2 with an NCX, and a Word file with plain
paragraphs (no heading styles, as a pasted manuscript has). Run from the repository root:

    .venv/bin/python tests/corpus/build_derived.py

The outputs are committed; tests never run this script (ebooklib and python-docx stamp dates and ids,
so the bytes would change on every run).
"""

from __future__ import annotations

import gzip
import html
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
BOOKS = HERE
SHARED = HERE
ESSAYS = ("小引", "从百草园到三味书屋", "阿长与《山海经》", "藤野先生")


def _md_body(text: str) -> list[str]:
    """Paragraphs of one essay: YAML front matter dropped, ``<br>`` splits, HTML paragraphs unwrapped."""
    body = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    paras: list[str] = []
    for line in body.split("\n"):
        for piece in re.split(r"<br\s*/?>", line):
            piece = re.sub(r"</?p[^>]*>", "", piece).strip()
            if piece:
                paras.append(piece)
    return paras


def build_epub3(out: Path) -> None:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("corpus-zhaohua-xishi")
    book.set_title("朝花夕拾")
    book.set_language("zh")
    book.add_author("鲁迅")
    chapters = []
    for i, name in enumerate(ESSAYS, 1):
        paras = _md_body(gzip.decompress((SHARED / f"{name}.md.gz").read_bytes()).decode("utf-8"))
        xhtml = f"<h1>{html.escape(name)}</h1>" + "".join(f"<p>{html.escape(p)}</p>" for p in paras)
        ch = epub.EpubHtml(title=name, file_name=f"essay{i}.xhtml", lang="zh", content=xhtml)
        book.add_item(ch)
        chapters.append(ch)
    book.toc = [epub.Link(c.file_name, c.title, f"e{i}") for i, c in enumerate(chapters, 1)]
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    epub.write_epub(str(out), book, {"epub3_pages": False})


def build_epub2(out: Path) -> None:
    from ebooklib import epub

    text = gzip.decompress((BOOKS / "frankenstein-excerpt.txt.gz").read_bytes()).decode("utf-8")
    parts = re.split(r"\n\n\n\n\n?(?=Letter \d\n)", text)
    book = epub.EpubBook()
    book.set_identifier("corpus-frankenstein-letters")
    book.set_title("Frankenstein; or, the Modern Prometheus")
    book.set_language("en")
    book.add_author("Mary Wollstonecraft (Godwin) Shelley")
    chapters = []
    for part in parts[1:]:
        title, _, rest = part.partition("\n")
        paras = [re.sub(r"\s+", " ", p).strip() for p in rest.split("\n\n") if p.strip()]
        xhtml = f"<h2>{html.escape(title)}</h2>" + "".join(f"<p>{html.escape(p)}</p>" for p in paras)
        ch = epub.EpubHtml(title=title, file_name=f"{title.lower().replace(' ', '')}.xhtml", lang="en",
                           content=xhtml)
        book.add_item(ch)
        chapters.append(ch)
    book.toc = [epub.Link(c.file_name, c.title, c.file_name[:-6]) for c in chapters]
    book.add_item(epub.EpubNcx())
    book.spine = chapters
    epub.write_epub(str(out), book, {"epub3_pages": False, "epub2_guide": True})
    _downgrade_to_epub2(out)


def _downgrade_to_epub2(path: Path) -> None:
    """ebooklib always writes version="3.0" and a nav; rewrite the package as a plain EPUB 2 (NCX only)."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        items = {n: zf.read(n) for n in zf.namelist()}
    opf_name = next(n for n in items if n.endswith(".opf"))
    opf = items[opf_name].decode("utf-8").replace('version="3.0"', 'version="2.0"')
    opf = re.sub(r'<item[^>]*properties="nav"[^>]*/>', "", opf)
    items[opf_name] = opf.encode("utf-8")
    nav = [n for n in items if n.endswith("nav.xhtml")]
    for n in nav:
        del items[n]
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), items.pop("mimetype"), compress_type=zipfile.ZIP_STORED)
        for n, data in items.items():
            zf.writestr(n, data, compress_type=zipfile.ZIP_DEFLATED)


def build_docx(out: Path) -> None:
    import docx

    text = gzip.decompress((BOOKS / "kuangren-riji.md.gz").read_bytes()).decode("utf-8")
    document = docx.Document()
    document.core_properties.title = "狂人日记"
    document.core_properties.author = "鲁迅"
    for para in _md_body(text):
        document.add_paragraph(html.unescape(para))
    document.save(str(out))


if __name__ == "__main__":
    build_epub3(BOOKS / "zhaohua-xishi.epub")
    build_epub2(BOOKS / "frankenstein-letters-epub2.epub")
    build_docx(BOOKS / "kuangren-riji.docx")
