"""Rebuild the two held-out books that are *derived* from held-out texts: an EPUB 3 and a DOCX.

Like ``../build_derived.py``: the words are the source's (``fusheng-liuji.txt.gz`` and
``sunzi-bingfa.txt.gz`` here), only the container is ours. Run by hand from the repository root; tests
never run it (ebooklib and python-docx stamp dates and ids):

    .venv/bin/python tests/corpus/heldout/build_derived.py
"""

from __future__ import annotations

import gzip
import html
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent


def build_epub3(out: Path) -> None:
    """浮生六记 as an EPUB 3 with a nav document: one XHTML file per 卷, the title page left out."""
    from ebooklib import epub

    text = gzip.decompress((HERE / "fusheng-liuji.txt.gz").read_bytes()).decode("gbk").replace("\r\n", "\n")
    parts = re.split(r"\n(?=卷[一二三四][ 　])", text)
    book = epub.EpubBook()
    book.set_identifier("heldout-fusheng-liuji")
    book.set_title("浮生六记")
    book.set_language("zh")
    book.add_author("沈复")
    chapters = []
    for i, part in enumerate(parts[1:], 1):
        title, _, rest = part.partition("\n")
        paras = [p.strip() for p in rest.split("\n") if p.strip()]
        xhtml = f"<h1>{html.escape(title)}</h1>" + "".join(f"<p>{html.escape(p)}</p>" for p in paras)
        ch = epub.EpubHtml(title=title, file_name=f"juan{i}.xhtml", lang="zh", content=xhtml)
        book.add_item(ch)
        chapters.append(ch)
    book.toc = [epub.Link(c.file_name, c.title, f"j{i}") for i, c in enumerate(chapters, 1)]
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    epub.write_epub(str(out), book, {"epub3_pages": False})


def build_docx(out: Path) -> None:
    """孙子兵法 as a pasted Word manuscript: one plain paragraph per non-empty line, no heading styles."""
    import docx

    text = gzip.decompress((HERE / "sunzi-bingfa.txt.gz").read_bytes()).decode("utf-8")
    document = docx.Document()
    document.core_properties.title = "孙子兵法"
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    document.save(str(out))


if __name__ == "__main__":
    build_epub3(HERE / "fusheng-liuji.epub")
    build_docx(HERE / "sunzi-bingfa.docx")
