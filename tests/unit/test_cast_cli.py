"""``studio cast``: proposals that change nothing until accepted, the cast list, assigning a voice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.cli import main
from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project

PARAGRAPHS = [
    "“Who are you?” said the Caterpillar.",
    "“I hardly know, sir,” Alice replied, “just at present.”",
    "“What do you mean by that?” said the Caterpillar sternly.",
    "“I can’t explain myself,” said Alice.",
    "Alice sighed, and she waited. The Caterpillar smoked; he said nothing.",
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STUDIO_LOG_DIR", str(tmp_path / "logs"))
    book = Book("Alice", language="en", voice=VoiceSettings(engine="local", voice="local-en-gb"),
                chapters=[Chapter("Advice from a Caterpillar", [Paragraph(t) for t in PARAGRAPHS])])
    with Project.create(tmp_path / "p", book):
        pass
    return tmp_path / "p"


def _spans(folder: Path) -> list[tuple[int, str | None]]:
    with Project.open(folder) as p:
        book = p.load_book()
    return [(i, v.character) for i, para in enumerate(book.chapters[0].paragraphs) for v in para.voices]


def test_propose_changes_nothing_and_accept_writes_cast_and_spans(project: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cast", str(project), "propose"]) == 0
    out = capsys.readouterr().out
    assert "Alice:" in out and "Caterpillar:" in out and "nothing was changed" in out
    assert _spans(project) == []
    assert main(["cast", str(project), "propose", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    voices = {c["name"]: c["voice"] for c in data["characters"]}
    assert voices["Alice"] == "local-en-gb-f"  # a woman's voice; the narrator keeps local-en-gb
    assert data["narrator_voice"] == "local-en-gb" and "local-en-gb" not in voices.values()

    assert main(["cast", str(project), "propose", "--accept"]) == 0
    assert "5 quotes given a voice" in capsys.readouterr().out
    assert _spans(project) == [(0, "Caterpillar"), (1, "Alice"), (1, "Alice"), (2, "Caterpillar"), (3, "Alice")]
    assert main(["cast", str(project), "list", "--json"]) == 0
    listed = {m["name"]: (m["quotes"], m["voices"]) for m in json.loads(capsys.readouterr().out)}
    assert listed["Alice"] == (3, {"local": "local-en-gb-f"})


@pytest.mark.expect_log(r"bad input: (no character 'Hatter'|assign: local has no voice)", logger="studio.cli")
def test_assign_sets_a_voice_and_refuses_unknown_names_and_voices(project: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cast", str(project), "propose", "--accept"]) == 0
    assert main(["cast", str(project), "assign", "Caterpillar=local-en-us"]) == 0
    assert "every quote of theirs follows" in capsys.readouterr().out
    assert main(["cast", str(project), "list"]) == 0
    assert "Caterpillar: 2 quotes, male, adult, local: local-en-us" in capsys.readouterr().out
    assert main(["cast", str(project), "assign", "Hatter=local-en-us"]) == 2
    assert "no character 'Hatter' in the cast (characters: Alice, Caterpillar)" in capsys.readouterr().err
    assert main(["cast", str(project), "assign", "Alice=nobody"]) == 2
    assert "local has no voice 'nobody'" in capsys.readouterr().err
