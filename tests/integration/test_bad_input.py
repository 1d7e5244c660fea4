"""Everything a user can get wrong on the command line: one exit code and one clear line, never "internal error".

Each case runs ``studio.cli.main`` (the ``studio`` entry point) in this process with real files: real
importers, real SQLite, the real catalogue; nothing is mocked. A case is ``(argv, exit code, fragment)``:
``{d}`` in an argument is the scenery folder built once for the module (``scenery`` below). Cases whose
behaviour depends on the process itself (a closed pipe, no display) run the CLI as a subprocess at the end.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import keyring
import pytest

from studio.cli import main
from tests.memory_keyring import PlaintextKeyring
from tests.unit.importer_fixtures import epub2_files, write_zip

REPO = Path(__file__).resolve().parents[2]
BOOK = "第一章 百草园\n我家的后面有一个很大的园，相传叫作百草园。\n\n第二章 三味书屋\n出门向东，不上半里。\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _damage(db: Path) -> None:
    """Overwrite the database's pages after the header: what a bad sector or a half-copied file leaves."""
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    for start in range(page, len(data), page):
        data[start:start + 64] = b"\xa5" * 64
    db.write_bytes(bytes(data))


# Every case is a user's error: the CLI keeps what it told the user in its log, at WARNING.
pytestmark = pytest.mark.expect_log(r"^bad input: ", logger="studio.cli")


@pytest.fixture(scope="module")
def scenery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("bad-input")
    (d / "book.txt").write_text(BOOK, encoding="utf-8")
    assert run(["import", str(d / "book.txt"), "--project", str(d / "proj")])[0] == 0
    for name in ("damaged", "emptied", "garbage"):
        shutil.copytree(d / "proj", d / name)
    _damage(d / "damaged" / "project.sqlite")
    (d / "emptied" / "project.sqlite").write_bytes(b"")
    (d / "garbage" / "project.sqlite").write_bytes(os.urandom(8192))
    (d / "notproj").mkdir()
    (d / "folder.txt").mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_text(" \n\u3000\n\t\n", encoding="utf-8")
    (d / "nul.txt").write_bytes(b"text\x00with\x00\x00\x01\x02 binary" * 50)
    (d / "image.txt").write_bytes(PNG)
    (d / "scan.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00" * 64)
    (d / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    (d / "song.mp3.txt").write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\x00" * 64)
    (d / "fake.epub").write_text("not a zip", encoding="utf-8")
    (d / "fake.docx").write_text("not a zip", encoding="utf-8")
    with zipfile.ZipFile(d / "photos.zip", "w") as zf:
        zf.writestr("a.jpg", b"\xff\xd8\xff")
    (d / "cut.epub").write_bytes((d / "photos.zip").read_bytes()[:20])
    write_zip(d / "no-opf.epub", {"META-INF/container.xml": "<container/>"}, mimetype="application/epub+zip")
    write_zip(d / "no-spine.epub", epub2_files(spine=[]), mimetype="application/epub+zip")
    write_zip(d / "empty.docx", {"[Content_Types].xml": "<Types/>"})
    (d / "dangling.txt").symlink_to(d / "gone.txt")
    (d / "cover.txt").write_text("not an image", encoding="utf-8")
    (d / "broken.png").write_bytes(PNG[:8] + b"garbage")
    (d / "a-file").write_text("x", encoding="utf-8")
    return d


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return int(code), out.getvalue(), err.getvalue()


IM, R, E, S, V = "import", "render", "export", "status", "voices"
CASES: list[tuple[str, list[str], int, str]] = [
    # -- import: files that are not manuscripts --------------------------------------------------------
    ("import-missing", [IM, "{d}/nope.txt", "--project", "{d}/p1"], 2, "file not found"),
    ("import-dangling-link", [IM, "{d}/dangling.txt", "--project", "{d}/p1"], 2, "file not found"),
    ("import-folder", [IM, "{d}/folder.txt", "--project", "{d}/p1"], 2, "a folder, not a manuscript"),
    ("import-empty", [IM, "{d}/empty.txt", "--project", "{d}/p1"], 2, "the file is empty"),
    ("import-blank", [IM, "{d}/blank.txt", "--project", "{d}/p1"], 2, "the file is empty"),
    ("import-nul-bytes", [IM, "{d}/nul.txt", "--project", "{d}/p1"], 2, "binary file"),
    ("import-png", [IM, "{d}/image.txt", "--project", "{d}/p1"], 2, "a PNG image"),
    ("import-pdf", [IM, "{d}/scan.pdf", "--project", "{d}/p1"], 2, "PDF import is not supported"),
    ("import-doc", [IM, "{d}/old.doc", "--project", "{d}/p1"], 2, "save it as .docx"),
    ("import-wav", [IM, "{d}/song.mp3.txt", "--project", "{d}/p1"], 2, "a WAV audio file"),
    ("import-fake-epub", [IM, "{d}/fake.epub", "--project", "{d}/p1"], 2, "not a valid EPUB"),
    ("import-fake-docx", [IM, "{d}/fake.docx", "--project", "{d}/p1"], 2, "corrupt DOCX"),
    ("import-plain-zip", [IM, "{d}/photos.zip", "--project", "{d}/p1"], 2, "not an EPUB or DOCX"),
    ("import-cut-zip", [IM, "{d}/cut.epub", "--project", "{d}/p1"], 2, "damaged"),
    ("import-epub-no-opf", [IM, "{d}/no-opf.epub", "--project", "{d}/p1"], 2, "names no package"),
    ("import-epub-no-spine", [IM, "{d}/no-spine.epub", "--project", "{d}/p1"], 2, "empty spine"),
    ("import-docx-no-body", [IM, "{d}/empty.docx", "--project", "{d}/p1"], 2, "no word/document.xml"),
    ("import-dev-null", [IM, "/dev/null", "--project", "{d}/p1"], 2, "device or socket"),
    ("import-dev-zero", [IM, "/dev/zero", "--project", "{d}/p1"], 2, "device or socket"),
    ("import-project-is-device", [IM, "{d}/book.txt", "--project", "/dev/null"], 2, "not a folder"),
    ("import-project-is-file", [IM, "{d}/book.txt", "--project", "{d}/a-file"], 2, "not a folder"),
    ("import-into-damaged", [IM, "{d}/book.txt", "--project", "{d}/damaged"], 2, "damaged"),
    ("import-into-emptied", [IM, "{d}/book.txt", "--project", "{d}/emptied"], 2, "the file is empty (0 bytes)"),
    ("import-no-project", [IM, "{d}/book.txt"], 2, "--project"),
    # -- status ------------------------------------------------------------------------------------------
    ("status-missing", [S, "{d}/nowhere"], 2, "not a project folder"),
    ("status-not-project", [S, "{d}/notproj"], 2, "not a project folder"),
    ("status-a-file", [S, "{d}/book.txt"], 2, "not a project folder"),
    ("status-damaged", [S, "{d}/damaged"], 2, "Restore the project folder from a backup or snapshot"),
    ("status-emptied", [S, "{d}/emptied"], 2, "the file is empty (0 bytes)"),
    ("status-garbage", [S, "{d}/garbage"], 2, "damaged (file is not a database)"),
    # -- voices ------------------------------------------------------------------------------------------
    ("voices-engine", [V, "--engine", "azure"], 2, "invalid choice: 'azure'"),
    ("voices-rate-zero", [V, "--sample-rate", "0"], 2, "--sample-rate must be between"),
    ("voices-rate-word", [V, "--sample-rate", "high"], 2, "--sample-rate wants a whole number"),
    # -- render ------------------------------------------------------------------------------------------
    ("render-missing", [R, "{d}/nope.txt", "-o", "{d}/x.m4b"], 2, "file not found"),
    ("render-not-project", [R, "{d}/notproj", "-o", "{d}/x.m4b"], 2, "not a manuscript file or project folder"),
    ("render-damaged", [R, "{d}/damaged", "-o", "{d}/x.m4b"], 2, "damaged"),
    ("render-emptied", [R, "{d}/emptied", "-o", "{d}/x.m4b"], 2, "the file is empty (0 bytes)"),
    ("render-out-folder", [R, "{d}/book.txt", "-o", "{d}/no/such/x.m4b"], 2, "output folder does not exist"),
    ("render-out-in-file", [R, "{d}/book.txt", "-o", "{d}/a-file/x.m4b"], 2, "is a file, not a folder"),
    ("render-out-is-folder", [R, "{d}/book.txt", "-o", "{d}/notproj"], 2, "output must end in"),
    ("render-into-damaged", [R, "{d}/book.txt", "-o", "{d}/x.m4b", "--project", "{d}/damaged"], 2, "damaged"),
    ("render-voice-empty", [R, "{d}/proj", "-o", "{d}/x.m4b", "--voice="], 2, "unknown voice ''"),
    ("render-endpoint", [R, "{d}/proj", "-o", "{d}/x.m4b", "--endpoint", "moon"], 2, "argument --endpoint"),
    ("render-out-ext", [R, "{d}/book.txt", "-o", "{d}/x.ogg"], 2, "output must end in"),
    ("render-engine", [R, "{d}/proj", "-o", "{d}/x.m4b", "--engine", "azure"], 2, "unknown engine 'azure'"),
    ("render-voice", [R, "{d}/proj", "-o", "{d}/x.m4b", "--voice", "nobody"], 2, "unknown voice 'nobody'"),
    ("render-voice-engine", [R, "{d}/proj", "-o", "{d}/x.m4b", "--engine", "baidu", "--voice", "local-cmn"], 2,
     "unknown baidu voice"),
    ("render-unit-zero", [R, "{d}/proj", "-o", "{d}/x.m4b", "--unit-chars", "0"], 2, "--unit-chars "),
    ("render-unit-negative", [R, "{d}/proj", "-o", "{d}/x.m4b", "--unit-chars", "-5"], 2, "--unit-chars "),
    ("render-unit-word", [R, "{d}/proj", "-o", "{d}/x.m4b", "--unit-chars", "lots"], 2, "--unit-chars "),
    ("render-unit-huge", [R, "{d}/proj", "-o", "{d}/x.m4b", "--unit-chars", "1000000"], 2, "--unit-chars "),
    ("render-workers-zero", [R, "{d}/proj", "-o", "{d}/x.m4b", "--workers", "0"], 2, "--workers "),
    ("render-rate-negative", [R, "{d}/proj", "-o", "{d}/x.m4b", "--sample-rate", "-1"], 2, "--sample-rate "),
    ("render-concurrency-zero", [R, "{d}/proj", "-o", "{d}/x.m4b", "--concurrency", "aliyun=0"], 2,
     "--concurrency "),
    ("render-concurrency-engine", [R, "{d}/proj", "-o", "{d}/x.m4b", "--concurrency", "azure=3"], 2,
     "--concurrency "),
    ("render-concurrency-syntax", [R, "{d}/proj", "-o", "{d}/x.m4b", "--concurrency", "20"], 2,
     "--concurrency "),
    ("render-price", [R, "{d}/proj", "-o", "{d}/x.m4b", "--price", "aliyun=-1"], 2, "--price "),
    ("render-format", [R, "{d}/proj", "-o", "{d}/x.m4b", "--format", "ogg"], 2, "argument --format"),
    ("render-no-output", [R, "{d}/proj"], 2, "-o/--output"),
    # -- export ------------------------------------------------------------------------------------------
    ("export-missing", [E, "{d}/nowhere", "-o", "{d}/x.mp3"], 2, "not a project folder"),
    ("export-damaged", [E, "{d}/damaged", "-o", "{d}/x.mp3"], 2, "damaged"),
    ("export-emptied", [E, "{d}/emptied", "-o", "{d}/x.mp3"], 2, "the file is empty (0 bytes)"),
    ("export-manuscript", [E, "{d}/book.txt", "-o", "{d}/x.mp3"], 2, "not a project folder"),
    ("export-gaps-key", [E, "{d}/proj", "-o", "{d}/x.mp3", "--gaps", "page=1s"], 2, "bad --gaps item"),
    ("export-gaps-value", [E, "{d}/proj", "-o", "{d}/x.mp3", "--gaps", "chapter=soon"], 2, "bad duration"),
    ("export-gaps-syntax", [E, "{d}/proj", "-o", "{d}/x.mp3", "--gaps", "chapter"], 2, "bad --gaps item"),
    ("export-gaps-long", [E, "{d}/proj", "-o", "{d}/x.mp3", "--gaps", "chapter=1h"], 2, "chapter gap"),
    ("export-loudness-high", [E, "{d}/proj", "-o", "{d}/x.mp3", "--loudness", "20"], 2, "--loudness: "),
    ("export-loudness-word", [E, "{d}/proj", "-o", "{d}/x.mp3", "--loudness", "loud"], 2, "--loudness wants"),
    ("export-true-peak", [E, "{d}/proj", "-o", "{d}/x.mp3", "--true-peak", "5"], 2, "--true-peak: "),
    ("export-split-zero", [E, "{d}/proj", "-o", "{d}/x.mp3", "--split-hours", "0"], 2, "--split-hours: "),
    ("export-split-negative", [E, "{d}/proj", "-o", "{d}/x.mp3", "--split-hours", "-1"], 2, "--split-hours: "),
    ("export-rate-negative", [E, "{d}/proj", "-o", "{d}/x.mp3", "--sample-rate", "-1"], 2, "--sample-rate: "),
    ("export-bitrate", [E, "{d}/proj", "-o", "{d}/x.mp3", "--bitrate", "fast"], 2, "--bitrate wants"),
    ("export-workers", [E, "{d}/proj", "-o", "{d}/x.mp3", "--workers", "0"], 2, "--workers "),
    ("export-cover-missing", [E, "{d}/proj", "-o", "{d}/x.m4b", "--cover", "{d}/none.jpg"], 2, "none.jpg"),
    ("export-cover-text", [E, "{d}/proj", "-o", "{d}/x.m4b", "--cover", "{d}/cover.txt"], 2, "cover.txt"),
    ("export-cover-folder", [E, "{d}/proj", "-o", "{d}/x.m4b", "--cover", "{d}/notproj"], 2, "notproj"),
    ("export-cover-damaged", [E, "{d}/proj", "-o", "{d}/x.m4b", "--cover", "{d}/broken.png"], 2, "cannot be decoded"),
    ("export-out-is-folder", [E, "{d}/proj", "-o", "{d}/notproj"], 2, "output is a folder"),
    ("export-chapter-format", [E, "{d}/proj", "-o", "{d}/x.mp3", "--chapter-format", "xyz"], 2,
     "unknown chapter format 'xyz'"),
    ("export-out-ext", [E, "{d}/proj", "-o", "{d}/x.mp3", "--format", "ogg"], 2, "ogg"),
    ("export-subtitles", [E, "{d}/proj", "-o", "{d}/x.mp3", "--subtitles", "vtt"], 2, "vtt"),
    # -- the command itself ------------------------------------------------------------------------------
    ("typo-render", ["rendr", "{d}/book.txt"], 2, "did you mean render?"),
    ("typo-import", ["improt", "{d}/book.txt"], 2, "did you mean import?"),
    ("typo-status", ["statsu", "{d}/proj"], 2, "did you mean status?"),
    ("unknown-word", ["frobnicate"], 2, "unknown command 'frobnicate'"),
    ("missing-path", ["{d}/nope.txt"], 2, "no such file or folder"),
    ("unknown-option", ["--frobnicate"], 2, "unrecognized arguments"),
    ("accounts-vendor", ["accounts", "test", "azure"], 2, "invalid choice: 'azure'"),
    ("accounts-action", ["accounts", "steal", "aliyun"], 2, "invalid choice: 'steal'"),
]


def test_the_suite_is_broad() -> None:
    commands = {argv[0] for _, argv, _, _ in CASES}
    assert len(CASES) >= 60 and {IM, R, E, S, V} <= commands


@pytest.mark.parametrize(("argv", "code", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input(scenery: Path, argv: list[str], code: int, fragment: str) -> None:
    before = sorted(p.name for p in scenery.iterdir())
    got, _out, err = run([a.replace("{d}", str(scenery)) for a in argv])
    assert (got, fragment in err) == (code, True), f"exit {got}; stderr: {err!r}"
    assert "internal error" not in err and "Traceback" not in err
    assert err.count("studio: error:") == 1
    assert sorted(p.name for p in scenery.iterdir()) == before, "a refused command left something behind"


def test_a_damaged_project_is_left_exactly_as_it_was(scenery: Path) -> None:
    for name in ("damaged", "emptied"):
        db = scenery / name / "project.sqlite"
        data = db.read_bytes()
        for argv in ([S, str(scenery / name)], [R, str(scenery / name), "-o", str(scenery / "x.m4b"), "--dry-run"],
                     [IM, str(scenery / "book.txt"), "--project", str(scenery / name)]):
            assert run(argv)[0] == 2
        assert db.read_bytes() == data  # never re-initialised, never "repaired" over the author's work
        assert sqlite3.connect(":memory:")  # (the checks above opened no connection that could have)


@pytest.fixture
def plaintext_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    yield
    keyring.set_keyring(previous)


def test_accounts_set_refuses_a_plaintext_keyring_before_asking(plaintext_keyring: None,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("id\nsecret\nappkey\n"))
    code, _out, err = run(["accounts", "set", "aliyun"])
    assert code == 2 and "plaintext files" in err and "STUDIO_ALLOW_PLAINTEXT_KEYRING=1" in err
    assert sys.stdin.read() == "id\nsecret\nappkey\n"  # not a single secret was asked for


# -- as a separate process: pipes and displays ------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["voices", "--json"], ["voices"], ["status", "{d}/proj", "--json"],
                                  ["status", "{d}/proj"], ["render", "{d}/proj", "-o", "{d}/x.m4b", "--dry-run"]],
                         ids=["voices-json", "voices", "status-json", "status", "dry-run"])
def test_a_closed_pipe_ends_quietly(scenery: Path, argv: list[str]) -> None:
    """``studio voices --json | head``: the reader has gone. Its end of the pipe is closed before the command
    starts, so every write fails (EPIPE) whatever the machine's timing."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "studio", *[a.replace("{d}", str(scenery)) for a in argv]],
                              stdout=write_end, stderr=subprocess.PIPE, cwd=scenery, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(REPO), "STUDIO_LOG_DIR": str(scenery / "logs")})
    finally:
        os.close(write_end)
    err = done.stderr.decode()
    assert err == "" or argv[0] == "render", err  # a dry run's progress on stderr is fine
    assert "internal error" not in err and "Traceback" not in err and "BrokenPipe" not in err, err
    assert done.returncode == 141


def test_a_typo_never_starts_the_window_even_without_a_display(scenery: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "STUDIO_LOG_DIR": str(scenery / "logs"),
           "QT_QPA_PLATFORM": "xcb", "DISPLAY": ""}
    done = subprocess.run([sys.executable, "-m", "studio", "rendr", str(scenery / "book.txt")], capture_output=True,
                          text=True, cwd=scenery, env=env, timeout=120)
    assert done.returncode == 2 and "did you mean render?" in done.stderr
