"""Crash test: SIGKILL the CLI render at random moments, restart it each time, and lose or re-bill nothing.

The emulator runs as its own process (it outlives every kill, like a real vendor) and records what it accepted
(``--record``). After a dozen kills and a final uninterrupted run the book must be complete, no text may have
been submitted twice more often than there were kills (a kill between the vendor's "accepted" and our commit
is the only way to lose a task id), ``studio status`` must agree with the database at every kill, and every
unit's audio must be byte for byte what an uninterrupted render against an emulator with the same seed gives.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = 31
KILLS = 12


def write_book(path: Path, chapters: int = 3, paragraphs: int = 16) -> Path:
    lines = []
    for c in range(chapters):
        lines.append(f"第{c + 1}章 夜")
        lines.extend(f"第{c + 1}章第{p + 1}段。天黑了，虫子还在唱。" for p in range(paragraphs))
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@contextmanager
def emulator(record: Path, seed: int = SEED, time_scale: float = 50.0) -> Iterator[dict[str, str]]:
    """``python -m tests.emulator`` as a separate process; yields the env that points the studio at it."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.emulator", "--port", "0", "--seed", str(seed),
                             "--time-scale", str(time_scale), "--record", str(record)],
                            cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        int(proc.stdout.readline())
        env = {}
        while len(env) < 9:
            name, _, value = proc.stdout.readline().strip().partition("=")
            env[name] = value
        yield env
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def cli_env(emu_env: dict[str, str], logs: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    env.update(emu_env)
    env.update({"PYTHONPATH": str(REPO), "STUDIO_LOG_DIR": str(logs),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    return env


def render_cmd(project: Path, out: Path, unit_chars: int | None = None) -> list[str]:
    sizing = ["--unit-chars", str(unit_chars)] if unit_chars else []
    return [sys.executable, "-m", "studio", "render", str(project), "-o", str(out), "--engine", "aliyun",
            "--voice", "zhimi_emo", *sizing]


def db_jobs(project: Path) -> dict[str, tuple]:
    conn = sqlite3.connect(project / "project.sqlite")
    try:
        return {row[0]: row[1:] for row in conn.execute(
            "SELECT cache_key, state, task_id, attempts, characters FROM render_job")}
    finally:
        conn.close()


def status_agrees(project: Path, env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-m", "studio.cli.status", "status", str(project), "--json"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    units = json.loads(done.stdout)["units"]
    jobs = db_jobs(project)
    assert units, "status lists no units"
    for unit in units:
        state, task_id, attempts, characters = jobs[unit["cache_key"]]
        assert (unit["state"], unit["task_id"], unit["attempts"], unit["characters"]) == \
            (state, task_id, attempts, characters)


def cache_audio(project: Path) -> dict[str, bytes]:
    conn = sqlite3.connect(project / "project.sqlite")
    try:
        rows = list(conn.execute("SELECT cache_key, audio_file FROM rendered_unit"))
    finally:
        conn.close()
    return {key: (project / "cache" / name).read_bytes() for key, name in rows}


@pytest.mark.slow
@pytest.mark.parametrize(("unit_chars", "time_scale"), [(None, 50.0), (120, 120.0)], ids=["paragraphs", "grouped"])
def test_sigkill_at_random_moments_loses_and_rebills_nothing(tmp_path: Path, unit_chars: int | None,
                                                              time_scale: float) -> None:
    """One unit per paragraph, and grouped units (``--unit-chars``) whose re-plans after each kill must keep
    the units already at the vendor. Task latencies are scaled so that the render outlasts twelve kills."""
    book = write_book(tmp_path / "book.txt")
    rng = random.Random(SEED)
    record = tmp_path / "crashed.json"
    project, out = tmp_path / "crashed.studio", tmp_path / "crashed.m4b"
    kills = 0
    with emulator(record, time_scale=time_scale) as emu_env:
        env = cli_env(emu_env, tmp_path / "logs")
        subprocess.run([sys.executable, "-m", "studio", "import", str(book), "--project", str(project)],
                       env=env, check=True, capture_output=True, timeout=120)
        for _ in range(3 * KILLS):  # a run that ends by itself (nothing left to kill) does not count
            if kills >= KILLS:
                break
            proc = subprocess.Popen(render_cmd(project, out, unit_chars), env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.6, 2.6))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(timeout=60)
            if (project / "project.sqlite").exists() and db_jobs(project):
                status_agrees(project, env)
        final = subprocess.run([*render_cmd(project, out, unit_chars), "--json"], env=env, capture_output=True,
                               text=True, timeout=600)
        assert final.returncode == 0, final.stderr
        assert json.loads(final.stdout)["chapters"] == 3 and out.is_file()
        status_agrees(project, env)
    assert kills >= 10

    # The same book, uninterrupted, against an emulator with the same seed: the same audio, byte for byte.
    clean, clean_out = tmp_path / "clean.studio", tmp_path / "clean.m4b"
    with emulator(tmp_path / "clean.json", time_scale=time_scale) as emu_env:
        env = cli_env(emu_env, tmp_path / "logs")
        subprocess.run([sys.executable, "-m", "studio", "import", str(book), "--project", str(clean)], env=env,
                       check=True, capture_output=True, timeout=120)
        done = subprocess.run(render_cmd(clean, clean_out, unit_chars), env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr
    texts = Counter(s["text"] for s in json.loads(record.read_text("utf-8"))["submissions"])
    clean_texts = Counter(s["text"] for s in json.loads((tmp_path / "clean.json").read_text("utf-8"))["submissions"])
    assert set(texts) == set(clean_texts) and max(clean_texts.values()) == 1 and len(clean_texts) >= 10
    twice = sum(count - 1 for count in texts.values())
    print(f"\n{kills} kills, {len(clean_texts)} units, {twice} texts submitted more than once")
    assert twice <= kills
    crashed_audio, clean_audio = cache_audio(project), cache_audio(clean)
    assert len(clean_audio) == len(clean_texts) and (unit_chars is not None or len(clean_texts) == 48)
    assert set(crashed_audio) == set(clean_audio)
    assert all(crashed_audio[key] == clean_audio[key] for key in clean_audio)
    # And the finished audiobooks sound the same: decoded, sample for sample.
    assert decoded(out) == decoded(clean_out)


def decoded(path: Path) -> bytes:
    from studio.audio.ffmpeg import ffmpeg_exe

    done = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:a:0", "-f", "s16le", "-"],
                          capture_output=True, check=True, timeout=300)
    assert len(done.stdout) > 100_000
    return done.stdout
