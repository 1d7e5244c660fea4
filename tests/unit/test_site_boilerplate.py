"""Website boilerplate (更新时间, 本章字数, download notices, vote pleas) is left out of the spoken text of a
web TXT, and reported: counted in the import report, listed line by line, and named in a warning."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from studio.core.importers import import_text
from studio.core.importers.boilerplate import is_site_line
from tests.corpus.scoring import CORPUS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _spoken(result: object) -> str:
    return "\n".join(p.text for c in result.book.chapters for p in c.paragraphs)  # type: ignore[attr-defined]


def test_update_times_and_word_counts_are_not_read_but_reported() -> None:
    text = ("第一章 风起\n更新时间：2023-09-28 10:01 本章字数：2057字\n那年冬天，雪下得很大。\n"
            "求收藏，求推荐票！\n第二章 云涌\n本章字数:3520\n他终于走了。\n手机阅读本书请访问 m.example.com\n")
    result = import_text(text)
    spoken = _spoken(result)
    assert "更新时间" not in spoken and "本章字数" not in spoken and "求收藏" not in spoken
    assert "手机阅读" not in spoken
    assert [c.title for c in result.book.chapters] == ["第一章 风起", "第二章 云涌"]
    report = result.report
    assert report.site_lines == ["更新时间：2023-09-28 10:01 本章字数：2057字", "求收藏，求推荐票！", "本章字数:3520",
                                 "手机阅读本书请访问 m.example.com"]
    assert any("left out 4 lines a website added" in w for w in report.warnings)


def test_story_sentences_that_mention_the_same_words_stay() -> None:
    lines = ["更新时间是他最怕听到的四个字，因为那意味着又要熬夜。", "她把手机阅读器放在枕边，慢慢睡着了。",
             "本书由他亲手抄写，一字一句，用了整整三年的时间才完成，这件事在村里传为佳话。"]
    assert not any(is_site_line(line) for line in lines)
    result = import_text("\n".join(lines) + "\n")
    assert result.report.site_lines == []
    assert _spoken(result).count("\n") == 2


def test_the_web_txt_in_the_corpus_loses_its_site_lines_and_keeps_the_story(tmp_path: Path) -> None:
    book = tmp_path / "sanguo.txt"
    book.write_bytes(gzip.decompress((CORPUS / "sanguo-yanyi-excerpt.txt.gz").read_bytes()))
    done = subprocess.run([sys.executable, "-m", "studio", "import", str(book), "--project", str(tmp_path / "p"),
                           "--json"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert len(report["site_lines"]) == 6
    assert sum(line.startswith("更新时间:2007-11-16") for line in report["site_lines"]) == 4
    assert any("left out 6 lines a website added" in w for w in report["warnings"])
    assert [e["title"][:3] for e in report["toc"]] == ["第一回", "第二回", "第三回", "第四回"]
