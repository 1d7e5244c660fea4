"""Takes against the vendor emulator: a re-render keeps the previous audio, a pin decides what the export uses,
and an unchanged re-render to a billing engine sends nothing unless forced (the real CLI in a subprocess)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import wave
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.audio.export import ExportOptions
from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.engines.registry import EngineSet
from studio.render.export_book import export_project
from studio.render.job_store import plan_project
from studio.render.runner import render_plan
from tests.emulator import VendorEmulator

REPO = Path(__file__).resolve().parents[2]
TEXTS = ["我家的后面有一个很大的园。相传叫作百草园。", "不必说碧绿的菜畦，光滑的石井栏。"]


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    return start_emulator(seed=5, time_scale=0.02)


def studio(*args: str | Path, folder: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "STUDIO_LOG_DIR"}
    environ.update({"PYTHONPATH": str(REPO), "STUDIO_LOG_DIR": str(folder.parent / "logs")})
    return subprocess.run([sys.executable, "-m", "studio", *map(str, args)], capture_output=True, text=True,
                          env=environ, timeout=120)


def render(folder: Path) -> None:
    with Project.open(folder) as project, EngineSet() as engines:
        render_plan(plan_project(project), project, engines)


def export_digest(folder: Path, name: str) -> str:
    """The decoded audio of a WAV export, as a digest: equal digests = the same audio."""
    out = folder.parent / name
    with Project.open(folder) as project:
        export_project(project, out, ExportOptions(format="wav", loudness=None))
    with wave.open(str(out)) as w:
        return hashlib.sha256(w.readframes(w.getnframes())).hexdigest()


def list_takes(folder: Path) -> list[dict[str, object]]:
    done = studio("takes", folder, "list", "--json", folder=folder)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_rerender_keeps_take_pin_switches_export_and_duplicate_needs_force(emu: VendorEmulator,
                                                                             tmp_path: Path) -> None:
    folder = tmp_path / "p"
    book = Book("园", voice=VoiceSettings(engine="aliyun", voice="xiaoyun"),
                chapters=[Chapter("一", [Paragraph(t) for t in TEXTS])])
    Project.create(folder, book).close()
    render(folder)
    with Project.open(folder) as project:  # a change of voice: a new request, a new take
        project.set_book_voice(VoiceSettings(engine="aliyun", voice="xiaogang"))
    render(folder)

    first = [t for t in list_takes(folder) if t["paragraph"] == 1]
    assert [t["voice"] for t in first] == ["xiaoyun", "xiaogang"]  # the previous take is kept, on disk
    assert [t["current"] for t in first] == [False, True]
    newest = export_digest(folder, "newest.wav")

    done = studio("takes", folder, "pin", str(first[0]["take"]), folder=folder)
    assert done.returncode == 0 and "pinned #" in done.stdout, done.stderr
    sent = len(emu.submitted_texts("aliyun"))
    pinned = export_digest(folder, "pinned.wav")
    assert pinned != newest  # the export speaks the pinned (xiaoyun) take of paragraph 1
    assert len(emu.submitted_texts("aliyun")) == sent  # and rendered nothing for it

    refused = studio("takes", folder, "again", "--chapter", "1", "--paragraph", "1", folder=folder)
    assert refused.returncode == 2 and "--force" in refused.stderr and "paid for twice" in refused.stderr
    assert len(emu.submitted_texts("aliyun")) == sent  # nothing sent

    forced = studio("takes", folder, "again", "--chapter", "1", "--paragraph", "1", "--force", folder=folder)
    assert forced.returncode == 0, forced.stderr
    assert emu.submitted_texts("aliyun")[sent:] == [TEXTS[0]]
    again = [t for t in list_takes(folder) if t["paragraph"] == 1]
    assert [t["voice"] for t in again] == ["xiaoyun", "xiaogang", "xiaogang"]  # both xiaogang takes kept
    assert [t["pinned"] for t in again] == [True, False, False]

    cleaned = studio("takes", folder, "clean", folder=folder)
    # the older xiaogang take of paragraph 1 and the xiaoyun take of paragraph 2: neither pinned nor current
    assert cleaned.returncode == 0 and "deleted 2 takes" in cleaned.stdout, cleaned.stderr
    kept = [t for t in list_takes(folder) if t["paragraph"] == 1]
    assert [(t["voice"], t["pinned"], t["current"]) for t in kept] == [("xiaoyun", True, False),
                                                                       ("xiaogang", False, True)]
    assert export_digest(folder, "after-clean.wav") == pinned  # reopening and cleaning keep the pin's audio


def test_a_pin_on_edited_text_is_ignored_with_a_warning(emu: VendorEmulator, tmp_path: Path) -> None:
    folder = tmp_path / "p"
    book = Book("园", voice=VoiceSettings(engine="baidu", voice="5003"),
                chapters=[Chapter("一", [Paragraph(t) for t in TEXTS])])
    Project.create(folder, book).close()
    render(folder)
    [take] = [t for t in list_takes(folder) if t["paragraph"] == 2]
    assert studio("takes", folder, "pin", str(take["take"]), folder=folder).returncode == 0
    with Project.open(folder) as project:
        edited = project.load_book()
        edited.chapters[0].paragraphs[1].text = "不必说碧绿的菜畦。"
        project.save_book(edited)
        warnings: list[str] = []
        export_project(project, tmp_path / "out.wav", ExportOptions(format="wav", loudness=None),
                       on_warnings=warnings.extend)
    assert any("paragraph 2: the pinned take" in w and "different text" in w for w in warnings)
    assert emu.submitted_texts("baidu")[-1] == "不必说碧绿的菜畦。"  # the edited text was rendered and exported
