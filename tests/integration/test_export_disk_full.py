"""Export onto a full disk: "No space left on device: <path>", exit 1, nothing half-written, older files kept.

Ways to fill a disk: a real 300 KiB tmpfs (needs root and a kernel that lets us mount; skipped where it
does not, e.g. most CI containers); an injected ENOSPC on the exporter's last write, which runs everywhere;
and real ffmpeg writing to ``/dev/full`` (the kernel's always-full device) where that device exists.
"""

from __future__ import annotations

import errno
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.audio import chunked_book
from studio.audio import export as export_module
from studio.audio.errors import DiskFullError
from studio.audio.ffmpeg import run_ffmpeg
from tests.integration.test_export_support import cli_export, seeded_project

EARLIER = b"the earlier export, which must survive"

# A full disk is an environment failure: the CLI logs it with its traceback (the message names the log file).
pytestmark = pytest.mark.expect_log(r"^(export )?failed$", logger="studio.cli.export")


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 40 s of audio: ~1.8 MB as WAV, ~330 KB as MP3, more than the small disk holds either way."""
    return seeded_project(tmp_path_factory.mktemp("full") / "book.studio", [
        ("第一章", ("local", None, 22050, [9000.0, 9000.0])),
        ("第二章", ("aliyun", "xiaoyun", 16000, [9000.0, 9000.0])),
    ])


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)],
                              capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True, timeout=30, check=False)


def _assert_clean_failure(code: int, err: str, folder: Path, expected: Path) -> None:
    assert code == 1, err
    assert f"No space left on device: {expected}" in err, err
    assert "exit code" not in err and "internal error" not in err, err
    assert sorted(p.name for p in folder.iterdir()) == ["book.earlier"], list(folder.iterdir())
    assert (folder / "book.earlier").read_bytes() == EARLIER


@pytest.mark.parametrize("fmt", ["wav", "mp3"])
def test_export_onto_a_full_tmpfs(project_dir: Path, small_disk: Path, fmt: str) -> None:
    (small_disk / "book.earlier").write_bytes(EARLIER)
    out = small_disk / f"book.{fmt}"
    code, _out, err = cli_export(project_dir, "-o", str(out))
    # the earlier export of the same name is gone only if the new one replaced it: here it must not be
    _assert_clean_failure(code, err, small_disk, out)


def test_export_onto_a_full_tmpfs_keeps_an_earlier_export_of_the_same_name(project_dir: Path,
                                                                         small_disk: Path) -> None:
    out = small_disk / "book.wav"
    out.write_bytes(EARLIER)
    code, _out, err = cli_export(project_dir, "-o", str(out))
    assert code == 1 and f"No space left on device: {out}" in err, err
    assert [p.name for p in small_disk.iterdir()] == ["book.wav"] and out.read_bytes() == EARLIER


@pytest.mark.expect_log(r"could not be encoded ahead \(the export will\): No space left",
                        logger="studio.render.chapter_pipeline")
def test_a_full_temp_folder_is_named(project_dir: Path, small_disk: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The 16 kHz chapter is converted in the temp folder first: when that disk is full, it says so."""
    monkeypatch.setattr(tempfile, "tempdir", str(small_disk))
    out = tmp_path / "out" / "book.m4b"
    code, _out, err = cli_export(project_dir, "-o", str(out))
    assert code == 1 and f"No space left on device: {small_disk}\n" in err.replace(" (details in the log)", ""), err
    assert list(small_disk.iterdir()) == [] and list(out.parent.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="no /dev/full device here")
def test_ffmpeg_on_a_full_device_says_no_space(tmp_path: Path) -> None:
    with pytest.raises(DiskFullError) as caught:
        run_ffmpeg(["-f", "lavfi", "-i", "sine=d=3", "-f", "wav", "/dev/full"])
    assert str(caught.value) == "No space left on device: /dev/full"
    assert Path("/dev/full").is_char_device()  # a failed run removes its partial output, never a device


@pytest.mark.parametrize(("returncode", "said", "full"), [
    (228, "", True),  # AVERROR(ENOSPC) as a POSIX exit status
    (4294967268, "", True),  # the same on Windows
    (1, "[out#0/wav] Error writing trailer: No space left on device", True),
    (1, "Invalid data found when processing input", False),
    (-9, "", False),  # killed
])
def test_ffmpeg_exit_status_for_a_full_disk(returncode: int, said: str, full: bool) -> None:
    from studio.audio.ffmpeg import _disk_full

    assert _disk_full(returncode, said) is full


@pytest.mark.parametrize(("fmt", "name"), [("mp3", "book.mp3"), ("chapters", "files/02 - 第二章.mp3")])
def test_injected_enospc_on_the_last_write(project_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           fmt: str, name: str) -> None:
    """The disk fills up while the last file is written: the files encoded before it are not committed."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "book.earlier").write_bytes(EARLIER)
    real_encode, real_write = export_module.encode, chunked_book.write_mp3_with_id3
    calls = []

    def filling_up(job, plan, work, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(job.dest.name)
        if len(calls) < 2:
            return real_encode(job, plan, work, **kwargs)
        job.dest.write_bytes(b"\xff\xfb half an mp3")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(job.dest))

    def writing_up(audio, dest, *args, **kwargs):  # type: ignore[no-untyped-def]
        # MP3 parts are joined from encoded chapters: the last write is the joined part's
        calls.append(dest.name)
        if len(calls) < 2:
            return real_write(audio, dest, *args, **kwargs)
        dest.write_bytes(b"\xff\xfb half an mp3")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dest))

    monkeypatch.setattr(export_module, "encode", filling_up)
    monkeypatch.setattr(chunked_book, "write_mp3_with_id3", writing_up)
    out = folder / ("book.mp3" if fmt == "mp3" else "files")
    args = ["--format", "chapters", "--chapter-format", "mp3"] if fmt == "chapters" else []
    if fmt == "mp3":
        args = ["--split-hours", str(25 / 3600)]  # two parts: the second one hits the full disk
        name = "book - Part 02.mp3"
    code, _out, err = cli_export(project_dir, "-o", str(out), "--workers", "1", *args)
    _assert_clean_failure(code, err, folder, folder / name)
    assert len(calls) == 2
