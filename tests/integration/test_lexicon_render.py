"""The lexicon reaches the vendors as the author meant it, and editing it re-renders only what it touches.

Against the emulator over real HTTP, through the real CLI entry point: the exact SSML Alibaba receives
for a pinyin reading, an alias and a say-as reading (with an ``&`` and a ``<`` from the novel around them);
the substituted text Baidu receives; the number of tasks submitted after a lexicon edit; the paragraphs
``--dry-run`` lists; a malformed pinyin reading refused with exit code 2 before anything is sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from studio.cli import main
from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from tests.emulator import Faults, VendorEmulator

PARAGRAPHS = [
    "他去银行取钱，A&B公司<总部>也在那里。",
    "她在街上行走，NASA的消息传来。",
    "拨打110报警。",
    "天色渐渐暗了下来。",
]


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[VendorEmulator]:
    with VendorEmulator(seed=3, faults=Faults(time_scale=0.02)) as emulator:
        for key, value in emulator.env().items():
            monkeypatch.setenv(key, value)
        yield emulator


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def studio(emu: VendorEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """The real CLI entry point, in-process (seconds, not a Python start per command)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "userdata"))
    monkeypatch.setenv("STUDIO_LOG_DIR", str(tmp_path / "logs"))

    def run(*args: str) -> Ran:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run


def make_project(folder: Path, engine: str, voice: str) -> Path:
    book = Book("词典", voice=VoiceSettings(engine=engine, voice=voice),
                chapters=[Chapter("第一章", [Paragraph(t) for t in PARAGRAPHS])])
    with Project.create(folder, book):
        pass
    return folder


def add_entries(studio: Callable[..., Ran], project: Path) -> None:
    for args in (["行", "--pinyin", "hang2", "--context", "银行"], ["NASA", "--alias", "纳萨"],
                 ["110", "--say-as", "telephone", "--alias", "幺幺零"]):
        done = studio("lexicon", "add", str(project), *args)
        assert done.returncode == 0, done.stderr


def test_alibaba_receives_phoneme_sub_and_say_as_around_escaped_text(emu: VendorEmulator, studio: Callable[..., Ran],
                                                                      tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", "aliyun", "xiaoyun")
    add_entries(studio, project)
    done = studio("render", str(project), "-o", str(tmp_path / "b.m4b"))
    assert done.returncode == 0, done.stderr
    texts = emu.submitted_texts("aliyun")
    assert len(texts) == 4
    assert ('<speak>他去银<phoneme alphabet="py" ph="hang2">行</phoneme>取钱，A&amp;B公司&lt;总部&gt;也在那里。'
            '</speak>') in texts
    assert '<speak>她在街上行走，<sub alias="纳萨">NASA</sub>的消息传来。</speak>' in texts
    assert '<speak>拨打<say-as interpret-as="telephone">110</say-as>报警。</speak>' in texts
    assert "天色渐渐暗了下来。" in texts  # untouched paragraphs stay plain text


def test_baidu_receives_the_substituted_text(emu: VendorEmulator, studio: Callable[..., Ran],
                                         tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", "baidu", "5003")
    add_entries(studio, project)
    dry = studio("render", str(project), "-o", str(tmp_path / "b.m4b"), "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    warnings = json.loads(dry.stdout)["warnings"]
    assert any("homophone '航'" in w and "paragraph 1" in w for w in warnings), warnings
    done = studio("render", str(project), "-o", str(tmp_path / "b.m4b"))
    assert done.returncode == 0, done.stderr
    texts = sorted(emu.submitted_texts("baidu"))
    assert texts == sorted(["他去银航取钱，A&B公司<总部>也在那里。", "她在街上行走，纳萨的消息传来。",
                            "拨打幺幺零报警。", "天色渐渐暗了下来。"])


def test_a_lexicon_edit_re_renders_only_the_paragraphs_it_touches(emu: VendorEmulator, studio: Callable[..., Ran],
                                                                   tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", "aliyun", "xiaoyun")
    out = str(tmp_path / "b.m4b")
    assert studio("render", str(project), "-o", out).returncode == 0
    assert len(emu.submitted_texts("aliyun")) == 4
    added = studio("lexicon", "add", str(project), "NASA", "--alias", "纳萨")
    assert added.returncode == 0 and "1 paragraph(s)" in added.stdout and "1.2" in added.stdout
    dry = studio("render", str(project), "-o", out, "--dry-run", "--json")
    to_render = [u["paragraphs"] for u in json.loads(dry.stdout)["units"] if u["status"] == "to render"]
    assert to_render == [[2, 2]]
    assert studio("render", str(project), "-o", out).returncode == 0
    texts = emu.submitted_texts("aliyun")
    assert len(texts) == 5 and '<sub alias="纳萨">NASA</sub>' in texts[-1]
    # Editing the entry again re-renders that paragraph once more; removing it brings back the cached audio.
    assert studio("lexicon", "add", str(project), "NASA", "--alias", "美国航天局").returncode == 0
    assert studio("render", str(project), "-o", out).returncode == 0
    assert len(emu.submitted_texts("aliyun")) == 6
    assert studio("lexicon", "remove", str(project), "NASA").returncode == 0
    assert studio("render", str(project), "-o", out).returncode == 0
    assert len(emu.submitted_texts("aliyun")) == 6


@pytest.mark.expect_log(r"^bad input: ", logger="studio.cli")
def test_a_wrong_pinyin_reading_is_refused_naming_the_entry(emu: VendorEmulator, studio: Callable[..., Ran],
                                                            tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", "aliyun", "xiaoyun")
    done = studio("lexicon", "add", str(project), "银行", "--pinyin", "yin2")
    assert done.returncode == 2
    assert "'银行'" in done.stderr and "1 syllable(s) for 2 character(s)" in done.stderr
    done = studio("lexicon", "add", str(project), "行", "--pinyin", "hang7")
    assert done.returncode == 2 and "'hang7'" in done.stderr and "tone digit 1-5" in done.stderr
    # A bad entry that got into the global file some other way stops the render before anything is sent.
    userdata = tmp_path / "userdata" / "AudiobookStudio"
    userdata.mkdir(parents=True)
    (userdata / "lexicon.json").write_text(json.dumps([{"written": "长", "pinyin": "chang"}]), encoding="utf-8")
    done = studio("render", str(project), "-o", str(tmp_path / "b.m4b"))
    assert done.returncode == 2 and "'长'" in done.stderr and "'chang'" in done.stderr
    assert "lexicon.json" in done.stderr  # where to fix it
    assert emu.submitted_texts("aliyun") == []
