"""Render whole books through the cloud engines against the vendor emulator, over real HTTP, from the CLI.

The CLI runs as a subprocess with only environment variables pointing it at the emulator (base URLs and
credentials), exactly as a headless user would configure it.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.emulator import VendorEmulator

REPO = Path(__file__).resolve().parents[2]

BOOK = """第一章 百草园
我家的后面有一个很大的园，相传叫作百草园。现在是早已并屋子一起卖给朱文公的子孙了。
不必说碧绿的菜畦，光滑的石井栏，高大的皂荚树，紫红的桑椹。

第二章 三味书屋
出门向东，不上半里，走过一道石桥，便是我的先生的家了。

第三章 仙台
东京也无非是这样。上野的樱花烂熳的时节，望去确也像绯红的轻云。
"""


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    return start_emulator(seed=7, time_scale=0.02, env=False)  # the subprocesses get emu.env() explicitly


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.txt"
    path.write_text(BOOK, encoding="utf-8")
    return path


def studio(emu: VendorEmulator, tmp_path: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    env.update(emu.env())
    env.update({"PYTHONPATH": str(REPO), "STUDIO_LOG_DIR": str(tmp_path / "logs"),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    return subprocess.run([sys.executable, "-m", "studio", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=600)


def stored_timestamps(project: Path) -> list[dict]:
    conn = sqlite3.connect(project / "project.sqlite")
    rows = [json.loads(r[0]) for r in conn.execute("SELECT timestamps FROM rendered_unit")]
    conn.close()
    return rows


@pytest.mark.parametrize(("engine", "voice"), [("aliyun", "zhimi_emo"), ("baidu", "5003")])
def test_cli_renders_a_three_chapter_book_through_the_cloud(emu: VendorEmulator, book: Path, tmp_path: Path,
                                                           engine: str, voice: str) -> None:
    from studio.audio import chapter_levels, read_chapters

    out = tmp_path / f"{engine}.m4b"
    done = studio(emu, tmp_path, "render", book, "-o", out, "--engine", engine, "--voice", voice, "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["chapters"] == 3 and summary["units_rendered"] == 4
    marks = read_chapters(out)
    assert [m.title for m in marks] == ["第一章 百草园", "第二章 三味书屋", "第三章 仙台"]
    assert all(not level.silent for level in chapter_levels(out, marks))
    # One task per paragraph, each text submitted once, one token for the whole render.
    endpoint = "submit" if engine == "aliyun" else "create"
    assert len(emu.submitted_texts(engine)) == 4
    assert len(emu.requests_for(engine, "token")) == 1
    assert len([r for r in emu.requests_for(engine, endpoint) if r.status == 200]) == 4
    # Sentence timestamps are stored in the project for every unit.
    timestamps = stored_timestamps(tmp_path / f"{engine}.studio")
    assert len(timestamps) == 4
    assert all(t["sentences"] and t["sentences"][-1]["end_ms"] > t["sentences"][0]["begin_ms"] for t in timestamps)


def test_format_and_sample_rate_reach_the_vendor(emu: VendorEmulator, book: Path, tmp_path: Path) -> None:
    done = studio(emu, tmp_path, "render", book, "-o", tmp_path / "mp3.m4b", "--engine", "aliyun",
                  "--voice", "zhimi_emo", "--format", "mp3", "--sample-rate", "8000")
    assert done.returncode == 0, done.stderr
    bodies = [r.json()["payload"]["tts_request"] for r in emu.requests_for("aliyun", "submit")]
    assert bodies and all(b["format"] == "mp3" and b["sample_rate"] == 8000 for b in bodies)


def test_emotion_on_a_voice_without_emotions_is_refused_before_sending(emu: VendorEmulator,
                                                                       tmp_path: Path) -> None:
    path = tmp_path / "emo.txt"
    path.write_text('第一章 开始\n平静的一段。\n他说：<emotion category="happy" intensity="1.2">太好了！</emotion>\n',
                    encoding="utf-8")
    done = studio(emu, tmp_path, "render", path, "-o", tmp_path / "x.m4b", "--engine", "aliyun",
                  "--voice", "xiaoyun")
    assert done.returncode == 2, done.stderr
    assert "chapter 1, paragraph 2, voice xiaoyun" in done.stderr and "happy" in done.stderr
    assert emu.requests_for("aliyun", "submit") == []
    path.write_text('第一章 开始\n<emotion category="jealousy">不行</emotion>\n', encoding="utf-8")
    done = studio(emu, tmp_path, "render", path, "-o", tmp_path / "x.m4b", "--engine", "aliyun",
                  "--voice", "zhimi_emo")
    assert done.returncode == 2 and "jealousy" in done.stderr and "chapter 1, paragraph 1" in done.stderr
    # The importer clamps an out-of-range intensity (with a warning); one stored in a project is refused.
    from studio.core.book import Book, Chapter, EmotionSpan, Paragraph
    from studio.core.project import Project

    para = Paragraph("不行不行", emotions=[EmotionSpan(0, 2, "happy", 2.5)])
    Project.create(tmp_path / "p", Book("b", chapters=[Chapter("一", [Paragraph("好"), para])])).close()
    done = studio(emu, tmp_path, "render", tmp_path / "p", "-o", tmp_path / "x.m4b", "--engine", "aliyun",
                  "--voice", "zhimi_emo")
    assert done.returncode == 2 and "intensity" in done.stderr
    assert "chapter 1, paragraph 2, voice zhimi_emo" in done.stderr
    assert emu.requests_for("aliyun", "submit") == []


def test_emotions_render_on_a_multi_emotion_voice(emu: VendorEmulator, tmp_path: Path) -> None:
    path = tmp_path / "emo.txt"
    path.write_text('第一章 开始\n他说：<emotion category="happy" intensity="1.5">太好了！</emotion>然后走了。\n',
                    encoding="utf-8")
    done = studio(emu, tmp_path, "render", path, "-o", tmp_path / "e.m4b", "--engine", "aliyun",
                  "--voice", "zhimi_emo")
    assert done.returncode == 0, done.stderr
    [text] = emu.submitted_texts("aliyun")
    assert '<emotion category="happy" intensity="1.5">太好了！</emotion>' in text


def test_markup_characters_in_the_novel_go_through_escaped(emu: VendorEmulator, tmp_path: Path) -> None:
    from studio.core.book import Book, Chapter, Paragraph
    from studio.core.project import Project

    nasty = 'Tom & Jerry: "5 < 6 > 4" isn\'t </emotion> a tag.'
    Project.create(tmp_path / "p", Book("b", chapters=[Chapter("一", [Paragraph(nasty)])])).close()
    done = studio(emu, tmp_path, "render", tmp_path / "p", "-o", tmp_path / "n.m4b", "--engine", "aliyun",
                  "--voice", "zhimi_emo")
    assert done.returncode == 0, done.stderr
    [text] = emu.submitted_texts("aliyun")
    assert "&amp;" in text and "&lt;/emotion&gt;" in text and "</emotion>" not in text
    import xml.etree.ElementTree as ET

    spoken = "".join(ET.fromstring(text[text.index("<speak"):text.index("</speak>") + 8]).itertext())
    assert spoken.strip() == nasty


def test_missing_credentials_are_a_clear_error(emu: VendorEmulator, book: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    env.update({"PYTHONPATH": str(REPO), "STUDIO_LOG_DIR": str(tmp_path / "logs"),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    done = subprocess.run([sys.executable, "-m", "studio", "render", str(book), "-o", str(tmp_path / "c.m4b"),
                           "--engine", "baidu", "--voice", "5003"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 2 and "studio accounts set baidu" in done.stderr


def test_wrong_credentials_name_the_vendor_message(emu: VendorEmulator, book: Path, tmp_path: Path) -> None:
    env = emu.env()
    env["STUDIO_BAIDU_SECRET_KEY"] = "wrong-secret"
    os_env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    done = subprocess.run([sys.executable, "-m", "studio", "render", str(book), "-o", str(tmp_path / "w.m4b"),
                           "--engine", "baidu", "--voice", "5003"], capture_output=True, text=True,
                          env={**os_env, **env, "PYTHONPATH": str(REPO), "STUDIO_LOG_DIR": str(tmp_path / "l")},
                          timeout=120)
    assert done.returncode == 1
    assert "Client authentication failed" in done.stderr and "wrong-secret" not in done.stderr


def test_accounts_test_reports_success_and_vendor_message(emu: VendorEmulator, tmp_path: Path) -> None:
    ok = studio(emu, tmp_path, "accounts", "test", "aliyun")
    assert ok.returncode == 0 and "aliyun: OK" in ok.stdout
    bad_env = {**emu.env(), "STUDIO_ALIYUN_ACCESS_KEY_ID": "nobody"}
    os_env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    bad = subprocess.run([sys.executable, "-m", "studio", "accounts", "test", "aliyun"], capture_output=True,
                         text=True, env={**os_env, **bad_env, "PYTHONPATH": str(REPO),
                                         "STUDIO_LOG_DIR": str(tmp_path / "l")}, timeout=60)
    assert bad.returncode == 1 and "FAILED" in bad.stderr and "InvalidAccessKeyId" in bad.stderr


def test_baidu_warns_about_emotions_before_anything_is_sent(emu: VendorEmulator, tmp_path: Path) -> None:
    """Baidu has no emotion tags: the user hears so before the render starts (and pays), not after it."""
    path = tmp_path / "emo.txt"
    path.write_text('第一章 开始\n平静的一段。\n他说：<emotion category="happy" intensity="1.2">太好了！</emotion>\n',
                    encoding="utf-8")
    done = studio(emu, tmp_path, "render", path, "-o", tmp_path / "emo.m4b", "--engine", "baidu", "--voice",
                  "5003", "--price", "baidu=2.5")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    warning = next(i for i, line in enumerate(lines) if line.startswith("warning:") and "emotion" in line)
    first_progress = next(i for i, line in enumerate(lines) if line.startswith("synthesizing"))
    assert warning < first_progress, done.stderr
    assert "第1章" in lines[warning] or "chapter 1" in lines[warning].lower()
    assert sum(1 for line in lines if line.startswith("warning:") and "emotion" in line) == 1
    assert any("est. cost" in line for line in lines)  # --price reaches the render's events


def test_concurrency_per_engine_from_the_command_line(emu: VendorEmulator, book: Path, tmp_path: Path) -> None:
    done = studio(emu, tmp_path, "render", book, "-o", tmp_path / "c.m4b", "--engine", "aliyun", "--voice",
                  "zhimi_emo", "--concurrency", "aliyun=1")
    assert done.returncode == 0, done.stderr
    tasks = sorted((s["submitted_at"], s["finish_at"]) for s in emu.submissions("aliyun"))
    assert len(tasks) == 4
    # One task at the vendor at a time: each was submitted after the one before it had finished.
    assert all(later[0] >= earlier[1] for earlier, later in itertools.pairwise(tasks))
    bad = studio(emu, tmp_path, "render", book, "-o", tmp_path / "d.m4b", "--concurrency", "aliyun=lots")
    assert bad.returncode != 0 and "--concurrency wants ENGINE=N" in bad.stderr
