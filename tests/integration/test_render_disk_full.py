"""Issue 13's disk-full test: the project's disk fills up while Alibaba's finished tasks are being saved.

The render checks the free space before it sends anything (and refuses with exit 2 when it is short), so the
disk fills up *during* the render here, as when another program writes: right after the first paragraph is
saved, the rest of the disk is taken.

Wanted, through the CLI: exit 1 with the real reason ("No space left on device: <path>", not "unit failed");
after space is freed the next render submits nothing twice (counted from the emulator's request log), and the
audiobook is sample for sample the one a clean render makes.

The disk: a small tmpfs where the platform lets us mount one (Linux as root); elsewhere the full disk is
injected at the OS boundary: ``os.fsync`` of the finished download answers ENOSPC, as it does on file systems
with delayed allocation.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
import wave
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from studio import cli
from tests.emulator import Faults, VendorEmulator

MANUSCRIPT = "\n\n".join(
    f"第{c}章 雨夜\n\n" + "\n\n".join(f"第{c}章第{p}段。雨下了一夜，院子里的水没过了台阶。" for p in range(1, 4))
    for c in range(1, 3))
VOICE = ["--engine", "aliyun", "--voice", "zhimi_emo"]
#: Free space left on the small disk once it is "full": less than one paragraph's audio.
ROOM = 32 * 1024


class SmallDisk:
    """A folder whose disk can be made full and freed again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def fill(self) -> None:
        raise NotImplementedError

    def free(self) -> None:
        raise NotImplementedError


class Tmpfs(SmallDisk):
    """A real 8 MB tmpfs; "full" = a filler file leaving ``ROOM`` bytes."""

    def fill(self) -> None:
        stats = os.statvfs(self.folder)
        spare = stats.f_bavail * stats.f_frsize - ROOM
        with open(self.folder / "filler", "wb") as fh:
            fh.truncate(0)
            block = b"\0" * (1 << 20)
            while spare > 0:
                spare -= fh.write(block[:min(len(block), spare)])

    def free(self) -> None:
        (self.folder / "filler").unlink()


class InjectedFull(SmallDisk):
    """No tmpfs here: while "full", ``os.fsync`` (the scheduler's last write before the cache) answers ENOSPC."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__(folder)
        self.full = False
        real = os.fsync

        def fsync(fd: int) -> None:
            if self.full:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real(fd)

        monkeypatch.setattr(os, "fsync", fsync)

    def fill(self) -> None:
        self.full = True

    def free(self) -> None:
        self.full = False


def _mount_tmpfs(folder: Path) -> bool:
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(folder)],
                          capture_output=True, timeout=30)
    return done.returncode == 0


@pytest.fixture(params=["tmpfs", "injected"])
def small_disk(request: pytest.FixtureRequest, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[SmallDisk]:
    """Both where a tmpfs can be mounted (the injected variant keeps the fallback honest), else injected only."""
    folder = tmp_path / "disk"
    if request.param == "injected":
        folder.mkdir()
        yield InjectedFull(folder, monkeypatch)
        return
    if not _mount_tmpfs(folder):
        pytest.skip("no tmpfs can be mounted here (needs Linux and root): the injected variant stands in")
    try:
        yield Tmpfs(folder)
    finally:
        with contextlib.suppress(Exception):
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


def studio(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    """Run the CLI in this process (so an injected fault reaches it): exit code and stderr."""
    capsys.readouterr()
    code = cli.main([str(a) for a in args])
    return code, capsys.readouterr().err


def fill_after_first_paragraph(disk: SmallDisk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program takes the disk right after the render saved (and reported) its first paragraph."""
    from studio.render.scheduler import Scheduler

    emit = Scheduler._emit
    filled = False

    def emit_then_fill(self: Scheduler, unit: Any, state: str, *args: Any, **details: Any) -> None:
        nonlocal filled
        emit(self, unit, state, *args, **details)
        if state == "done" and not filled:
            filled = True
            disk.fill()

    monkeypatch.setattr(Scheduler, "_emit", emit_then_fill)


def frames(path: Path) -> bytes:
    with wave.open(str(path), "rb") as w:
        return w.readframes(w.getnframes())


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "雨夜.txt"
    path.write_text(MANUSCRIPT, encoding="utf-8")
    return path


def emulator() -> VendorEmulator:
    return VendorEmulator(seed=7, faults=Faults(time_scale=0.02))


def test_a_full_disk_stops_with_the_reason_and_the_next_render_pays_nothing_twice(
        small_disk: SmallDisk, book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "clean").mkdir()
    with emulator() as emu:
        for key, value in emu.env().items():
            monkeypatch.setenv(key, value)
        code, err = studio(capsys, "render", book, "-o", tmp_path / "clean" / "book.wav", *VOICE)
        assert code == 0, err
    clean = frames(tmp_path / "clean" / "book.wav")

    project = small_disk.folder / "p"
    out = tmp_path / "out"
    out.mkdir()
    with emulator() as emu:
        for key, value in emu.env().items():
            monkeypatch.setenv(key, value)
        code, err = studio(capsys, "import", book, "--project", project)
        assert code == 0, err
        with monkeypatch.context() as patch:
            fill_after_first_paragraph(small_disk, patch)
            code, err = studio(capsys, "render", project, "-o", out / "book.wav", *VOICE)
        assert code == 1, err
        assert "No space left on device: " in err and str(small_disk.folder) in err, err
        assert "internal error" not in err and "failed" not in err.split("No space left")[0], err
        assert not (out / "book.wav").exists()
        assert set(Counter(emu.submitted_texts("aliyun")).values()) == {1}

        small_disk.free()
        code, err = studio(capsys, "render", project, "-o", out / "book.wav", *VOICE)
        assert code == 0, err
        texts = Counter(emu.submitted_texts("aliyun"))
    assert len(texts) == 6 and set(texts.values()) == {1}, texts  # nothing paid twice
    assert frames(out / "book.wav") == clean
