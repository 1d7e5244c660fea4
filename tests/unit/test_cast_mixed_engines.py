"""``studio cast P propose --engines local,aliyun``: the narrator stays offline, characters get Alibaba voices,
the proposal prints what each engine would cost, and the accepted cast renders quotes in the characters' engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.cli import main
from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.cast_store import load_cast
from studio.core.project import Project
from studio.render.plan import plan_book

PARAGRAPHS = [
    "“Who are you?” said the Caterpillar.",
    "“I hardly know, sir,” Alice replied, “just at present.”",
    "“What do you mean by that?” said the Caterpillar sternly.",
    "Alice sighed, and she waited.",
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STUDIO_LOG_DIR", str(tmp_path / "logs"))
    book = Book("Alice", language="en", voice=VoiceSettings(engine="local", voice="local-en-gb"),
                chapters=[Chapter("Advice from a Caterpillar", [Paragraph(t) for t in PARAGRAPHS])])
    with Project.create(tmp_path / "p", book):
        pass
    return tmp_path / "p"


def test_mixed_engines_propose_prices_each_engine_and_render_quotes_in_the_characters_engine(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cast", str(project), "propose", "--engines", "local,aliyun"]) == 0
    out = capsys.readouterr().out
    assert "narrator: local voice local-en-gb" in out
    assert "Alice" in out and "voice aliyun " in out
    warning = out[out.index("plan warning"):]
    assert "Alibaba" in warning and "free" in warning  # the offline narrator is free, the characters are not
    with Project.open(project) as p:
        assert load_cast(p).members == []  # nothing changed without --accept

    assert main(["cast", str(project), "propose", "--engines", "local,aliyun", "--accept"]) == 0
    capsys.readouterr()
    with Project.open(project) as p:
        alice = next(m for m in load_cast(p).members if m.name == "Alice")
        book = p.load_book()
    assert alice.engine == "aliyun" and set(alice.voices) == {"aliyun"}
    units = plan_book(book).units
    engines = {(u.request.paragraphs[0], u.engine) for u in units}
    assert ("“Who are you?”", "aliyun") in engines
    assert (" said the Caterpillar.", "local") in engines
    assert ("Alice sighed, and she waited.", "local") in engines


@pytest.mark.expect_log(r"bad input: --engines", logger="studio.cli")
def test_engines_must_be_known_and_include_the_narrators(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cast", str(project), "propose", "--engines", "local,acme"]) != 0
    assert "unknown engine 'acme'" in capsys.readouterr().err
    assert main(["cast", str(project), "propose", "--engines", "aliyun"]) != 0
    assert "the narrator speaks local" in capsys.readouterr().err
