"""Issue 13 "Trust" through the `studio` command: re-running never replaces the book, snapshots undo a re-import,
the choices given on the command line stay in the project, and a render that cannot work fails before it creates
or sends anything. Real import, espeak-ng, ffmpeg and SQLite; the window edits are made the way the window saves
them (``Project.save_book``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from studio.core.book import EmotionSpan, VoiceSettings
from studio.core.project import Project
from tests.integration.test_cli import studio

BOOK = """第一章 百草园
我家的后面有一个很大的园，相传叫作百草园。
不必说碧绿的菜畦，光滑的石井栏。

第二章 三味书屋
出门向东，不上半里，走过一道石桥。
"""
ENGLISH = """Chapter 1
It was a bright cold day in April, and the clocks were striking thirteen.

Chapter 2
The hallway smelt of boiled cabbage and old rag mats.
"""


@pytest.fixture
def manuscript(tmp_path: Path) -> Path:
    path = tmp_path / "book.txt"
    path.write_text(BOOK, encoding="utf-8")
    return path


def edit_in_window(project_dir: Path) -> None:
    """What an author does in the window: rename a chapter, voice a paragraph, mark an emotion; then save."""
    with Project.open(project_dir) as project:
        book = project.load_book()
        book.chapters[0].title = "百草园（改名）"
        book.chapters[0].paragraphs[0].voice = VoiceSettings(voice="local-cmn-f")
        book.chapters[1].paragraphs[0].emotions = [EmotionSpan(0, 4, "happy", 1.0)]
        project.save_book(book)


def titles(project_dir: Path) -> list[str]:
    with Project.open(project_dir) as project:
        return [c.title for c in project.load_book().chapters]


def test_rerunning_render_on_an_unchanged_manuscript_keeps_the_authors_edits(manuscript: Path,
                                                                             tmp_path: Path) -> None:
    from studio.audio import read_chapters

    out = tmp_path / "book.m4b"
    assert studio("render", manuscript, "-o", out).returncode == 0
    edit_in_window(tmp_path / "book.studio")
    again = studio("render", manuscript, "-o", out, "--json")
    assert again.returncode == 0, again.stderr
    assert "unchanged since its import" in again.stderr
    assert [m.title for m in read_chapters(out)] == ["百草园（改名）", "第二章 三味书屋"]
    with Project.open(tmp_path / "book.studio") as project:
        book = project.load_book()
    assert book.chapters[0].paragraphs[0].voice.voice == "local-cmn-f"
    assert book.chapters[1].paragraphs[0].emotions == [EmotionSpan(0, 4, "happy", 1.0)]
    unchanged = studio("import", manuscript, "--project", tmp_path / "book.studio")
    assert unchanged.returncode == 0 and "nothing re-imported" in unchanged.stdout
    assert titles(tmp_path / "book.studio")[0] == "百草园（改名）"


@pytest.mark.parametrize("command", ["render", "render --dry-run", "import"])
def test_a_changed_manuscript_is_refused_naming_both_choices(command: str, manuscript: Path,
                                                             tmp_path: Path) -> None:
    project = tmp_path / "book.studio"
    assert studio("import", manuscript, "--project", project).returncode == 0
    edit_in_window(project)
    manuscript.write_text(BOOK + "\n第三章 仙台\n东京也无非是这样。\n", encoding="utf-8")
    verb, *extra = command.split()
    args = ["--project", project] if verb == "import" else ["-o", tmp_path / "book.m4b", *extra]
    done = studio(verb, manuscript, *args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    line = done.stderr.strip().splitlines()[-1]
    assert line.startswith("studio: error: ") and "changed" in line and "nothing was replaced" in line
    assert "--reimport" in line and "--project NEW" in line
    assert titles(project) == ["百草园（改名）", "第二章 三味书屋"]
    assert not (tmp_path / "book.m4b").exists()


def test_reimport_snapshots_first_carries_work_over_and_restore_undoes_it(manuscript: Path, tmp_path: Path) -> None:
    project = tmp_path / "book.studio"
    assert studio("import", manuscript, "--project", project).returncode == 0
    edit_in_window(project)
    # The manuscript gains a chapter and its second chapter's text changes (the emotion's paragraph).
    changed = BOOK.replace("走过一道石桥。", "走过一道石桥，便是先生的家了。")
    manuscript.write_text(changed + "\n第三章 仙台\n东京也无非是这样。\n", encoding="utf-8")
    done = studio("import", manuscript, "--project", project, "--reimport")
    assert done.returncode == 0, done.stderr
    assert "not carried: chapter 2" in done.stdout and "1 emotion mark" in done.stdout
    with Project.open(project) as opened:
        book = opened.load_book()
    assert [c.title for c in book.chapters] == ["百草园（改名）", "第二章 三味书屋", "第三章 仙台"]
    assert book.chapters[0].paragraphs[0].voice.voice == "local-cmn-f"  # unchanged text: its voice carried
    assert book.chapters[1].paragraphs[0].text.endswith("便是先生的家了。")
    listed = json.loads(studio("snapshots", project, "--json").stdout)["snapshots"]
    assert len(listed) == 1 and listed[0]["chapters"] == 2 and "re-importing" in listed[0]["reason"]
    restored = studio("restore", project, listed[0]["id"])
    assert restored.returncode == 0, restored.stderr
    with Project.open(project) as opened:
        old = opened.load_book()
    assert [c.title for c in old.chapters] == ["百草园（改名）", "第二章 三味书屋"]
    assert old.chapters[1].paragraphs[0].emotions == [EmotionSpan(0, 4, "happy", 1.0)]
    # The restore snapshotted the re-imported book first: restoring that undoes the restore.
    listed = json.loads(studio("snapshots", project, "--json").stdout)["snapshots"]
    assert len(listed) == 2 and listed[1]["chapters"] == 3
    assert studio("restore", project, listed[1]["id"]).returncode == 0
    assert len(titles(project)) == 3
    missing = studio("restore", project, "20000101-000000")
    assert missing.returncode == 2 and "no snapshot '20000101-000000'" in missing.stderr


def test_import_is_refused_while_another_process_holds_the_project(manuscript: Path, tmp_path: Path) -> None:
    from studio.render.render_lock import RenderLock

    project = tmp_path / "book.studio"
    assert studio("import", manuscript, "--project", project).returncode == 0
    manuscript.write_text(BOOK + "\n第三章 仙台\n东京也无非是这样。\n", encoding="utf-8")
    with RenderLock(project):  # as a render in another process holds it
        done = studio("import", manuscript, "--project", project, "--reimport")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "another Audiobook Studio process is using this project" in done.stderr
    assert "nothing was imported" in done.stderr
    assert len(titles(project)) == 2
    assert studio("import", manuscript, "--project", project, "--reimport").returncode == 0  # once it is free


def test_render_choices_are_stored_and_export_and_status_use_them(manuscript: Path, tmp_path: Path) -> None:
    project = tmp_path / "book.studio"
    done = studio("render", manuscript, "-o", tmp_path / "book.m4b", "--voice", "local-cmn-f", "--speed", "1.25",
                  "--json")
    assert done.returncode == 0, done.stderr
    assert "stored in the project as the book's settings" in done.stderr
    with Project.open(project) as opened:
        assert opened.load_book().voice == VoiceSettings(engine="local", voice="local-cmn-f", speed=1.25)
    exported = studio("export", project, "-o", tmp_path / "book.mp3", "--json")
    assert exported.returncode == 0, exported.stderr
    payload = json.loads(exported.stdout)
    assert payload["units_rendered"] == 0 and payload["units_cached"] == 3  # no offline re-synthesis
    status = json.loads(studio("status", project, "--json").stdout)
    assert {(u["engine"], u["voice"], u["state"]) for u in status["units"]} == {("local", "local-cmn-f", "done")}
    # A later render without voice options keeps the stored voice: nothing to synthesize again.
    again = json.loads(studio("render", project, "-o", tmp_path / "again.m4b", "--json").stdout)
    assert again["units_rendered"] == 0


def test_export_with_missing_audio_names_the_chapters_and_renders_only_when_asked(manuscript: Path,
                                                                                  tmp_path: Path) -> None:
    project = tmp_path / "book.studio"
    assert studio("import", manuscript, "--project", project).returncode == 0
    with Project.open(project) as opened:
        book = opened.load_book()
        book.voice = VoiceSettings(engine="local", voice="local-cmn-f")
        opened.save_book(book)
    out = tmp_path / "book.mp3"
    refused = studio("export", project, "-o", out)
    assert refused.returncode == 2, refused.stderr
    line = refused.stderr.strip().splitlines()[-1]
    assert "3 of 3 units have no audio yet" in line and "chapters 1 “第一章 百草园”, 2 “第二章 三味书屋”" in line
    assert "--render-missing" in line and not out.exists()
    with Project.open(project) as opened:
        assert not opened.rendered_keys()  # nothing was synthesized
    done = studio("export", project, "-o", out, "--render-missing", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["units_rendered"] == 3
    status = json.loads(studio("status", project, "--json").stdout)
    assert {u["voice"] for u in status["units"]} == {"local-cmn-f"}  # the project's own voice


def test_an_english_manuscript_is_planned_with_an_english_voice(tmp_path: Path) -> None:
    book = tmp_path / "english.txt"
    book.write_text(ENGLISH, encoding="utf-8")
    dry = studio("render", book, "-o", tmp_path / "english.m4b", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert {u["voice"] for u in json.loads(dry.stdout)["units"]} == {"local-en-us"}
    cloud = studio("render", book, "-o", tmp_path / "english.m4b", "--dry-run", "--json", "--engine", "aliyun")
    assert cloud.returncode == 0, cloud.stderr
    from studio.core.voices import default_catalogue

    (voice,) = {u["voice"] for u in json.loads(cloud.stdout)["units"]}
    assert default_catalogue().get("aliyun", voice).speaks("en")


def test_a_dry_run_or_a_refused_render_leaves_no_project_folder(manuscript: Path, tmp_path: Path) -> None:
    out = tmp_path / "book.m4b"
    dry = studio("render", manuscript, "-o", out, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "no project was created" in dry.stderr
    assert not any(k.startswith("STUDIO_ALIYUN_ACCESS") for k in os.environ)
    for args in (["--voice", "local-klingon"], ["--engine", "nope"], ["--speed", "3"], ["--volume", "-1"],
                 ["--engine", "aliyun"]):  # no Alibaba credentials in the tests' private keyring
        done = studio("render", manuscript, "-o", out, *args)
        assert done.returncode == 2 and "Traceback" not in done.stderr, (args, done.stderr)
    bad_sized = studio("render", manuscript, "-o", out, "--speed", "0")
    assert bad_sized.returncode == 2 and "--speed wants a multiplier from 0.5 to 2" in bad_sized.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.txt"]


def _in_small_mount(script: str, tmp_path: Path, *, size: str = "16k",
                    read_only: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``script`` with ``$MNT`` a tiny tmpfs (read-only if asked) in a private mount namespace."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1) for a private mount namespace")
    mount = tmp_path / "mnt"
    mount.mkdir()
    remount = f"mount -o remount,ro {mount} && " if read_only else ""
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size={size} tmpfs {mount}"],
                           capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs in a user namespace here: {probe.stderr.strip()}")
    env = {**os.environ, "MNT": str(mount)}
    return subprocess.run(["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size={size} tmpfs {mount} && "
                           f"{remount}{script}"], capture_output=True, text=True, timeout=600, env=env)


def _studio_cmd(*args: str | Path) -> str:
    import shlex
    import sys

    from tests.integration.test_cli import REPO

    return f"PYTHONPATH={shlex.quote(str(REPO))} " + " ".join(shlex.quote(str(a)) for a in
                                                             (sys.executable, "-m", "studio", *args))


def test_an_unwritable_output_folder_is_found_before_anything_is_created_or_synthesized(manuscript: Path,
                                                                                         tmp_path: Path) -> None:
    project = tmp_path / "book.studio"
    done = _in_small_mount(_studio_cmd("render", manuscript, "-o", tmp_path / "mnt" / "book.m4b",
                                       "--project", project), tmp_path, size="4m", read_only=True)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "the output folder is not writable" in done.stderr and str(tmp_path / "mnt") in done.stderr
    assert "synthesizing" not in done.stderr
    assert not project.exists()


def test_a_disk_too_small_for_the_audiobook_is_found_before_anything_is_sent(manuscript: Path,
                                                                             tmp_path: Path) -> None:
    project = tmp_path / "book.studio"
    done = _in_small_mount(_studio_cmd("render", manuscript, "-o", tmp_path / "mnt" / "book.m4b",
                                       "--project", project), tmp_path, size="16k")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "not enough free space" in done.stderr and "MB free" in done.stderr
    assert "synthesizing" not in done.stderr
    assert not project.exists()  # the project this run created is gone again


def test_a_cloud_render_is_exported_from_its_paid_audio_not_resynthesized_offline(manuscript: Path,
                                                                                  tmp_path: Path) -> None:
    """The issue's example: `render --engine aliyun --voice siyue`, then `export`, `status` and a window plan."""
    from tests.emulator import Faults, VendorEmulator
    from tests.integration.test_cloud_render import studio as cloud_studio

    project = tmp_path / "book.studio"
    with VendorEmulator(seed=3, faults=Faults(time_scale=0.02)) as emu:
        done = cloud_studio(emu, tmp_path, "render", manuscript, "-o", tmp_path / "book.m4b", "--engine", "aliyun",
                            "--voice", "siyue", "--sample-rate", "8000", "--json")
        assert done.returncode == 0, done.stderr
        paid = len(emu.submitted_texts("aliyun"))
        exported = cloud_studio(emu, tmp_path, "export", project, "-o", tmp_path / "book.mp3", "--json")
        assert exported.returncode == 0, exported.stderr
        assert json.loads(exported.stdout)["units_rendered"] == 0
        assert len(emu.submitted_texts("aliyun")) == paid  # nothing sent (or paid) again
    status = json.loads(studio("status", project, "--json").stdout)
    assert {(u["engine"], u["voice"]) for u in status["units"]} == {("aliyun", "siyue")}
    from studio.render.job_store import plan_project

    with Project.open(project) as opened:  # what the window plans: the stored sample rate, the cached audio
        plan = plan_project(opened)
        assert {u.request.sample_rate for u in plan.units} == {8000}
        assert all(opened.rendered_unit(u.cache_key) is not None for u in plan.units)


def test_the_command_line_voice_is_the_books_voice_chapters_keep_their_own(manuscript: Path,
                                                                            tmp_path: Path) -> None:
    project = tmp_path / "book.studio"
    assert studio("import", manuscript, "--project", project).returncode == 0
    with Project.open(project) as opened:  # the author gave chapter 2 its own voice in the window
        book = opened.load_book()
        book.chapters[1].voice = VoiceSettings(engine="local", voice="local-yue")
        opened.save_book(book)
    dry = studio("render", project, "-o", tmp_path / "b.m4b", "--voice", "local-cmn-f", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    planned = {(u["chapter"], u["voice"]) for u in json.loads(dry.stdout)["units"]}
    assert planned == {(1, "local-cmn-f"), (2, "local-yue")}
    with Project.open(project) as opened:  # a dry run stores nothing
        assert opened.load_book().voice == VoiceSettings()
    done = studio("render", project, "-o", tmp_path / "b.m4b", "--voice", "local-cmn-f")
    assert done.returncode == 0, done.stderr
    assert "note: 1 chapter (2) and 0 paragraphs keep the voice chosen for them" in done.stderr
    status = json.loads(studio("status", project, "--json").stdout)
    assert {(u["chapter"], u["voice"]) for u in status["units"]} == planned  # the dry run told the truth
