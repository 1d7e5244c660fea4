"""``studio lexicon``: the user's global lexicon and files in and out, through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.cli import main
from studio.core.book import Book, Chapter, Paragraph
from studio.core.project import Project


@pytest.mark.expect_log(r"^bad input: ", logger="studio.cli")
def test_global_entries_files_in_and_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user"))
    monkeypatch.setenv("STUDIO_LOG_DIR", str(tmp_path / "logs"))
    with Project.create(tmp_path / "p", Book("书", chapters=[Chapter("一", [Paragraph("SQL和银行。")])])):
        pass
    assert main(["lexicon", "add", "--global", "SQL", "--alias", "sequel"]) == 0
    (tmp_path / "in.tsv").write_text("written\tpinyin\tcontext\tnote\n行\thang2\t银行\tbank\n", encoding="utf-8")
    assert main(["lexicon", "import", str(tmp_path / "p"), str(tmp_path / "in.tsv")]) == 0
    capsys.readouterr()
    assert main(["lexicon", "list", str(tmp_path / "p"), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["written"], r["scope"]) for r in rows] == [("行", "project"), ("SQL", "global")]
    assert main(["lexicon", "export", str(tmp_path / "p"), str(tmp_path / "out.pls")]) == 0
    assert "<grapheme>行</grapheme>" in (tmp_path / "out.pls").read_text(encoding="utf-8")
    assert main(["lexicon", "export", "--global", "-", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "SQL,,sequel,,,,"
    assert main(["lexicon", "remove", "--global", "SQL"]) == 0
    assert main(["lexicon", "remove", "--global", "SQL"]) == 2
    assert "has no entry 'SQL'" in capsys.readouterr().err
    assert main(["lexicon", "import", str(tmp_path / "p"), str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv: cannot read" in capsys.readouterr().err
