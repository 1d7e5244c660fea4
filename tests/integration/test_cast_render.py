"""A cast chapter rendered through the Alibaba emulator: each voice part is its own task in its character's voice.

The CLI runs as a subprocess against the emulator over real HTTP (as in test_cloud_render); the audio is
exported to M4B with real ffmpeg, whose chapter marks must not notice the extra splits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.core.book import Book, Chapter, EmotionSpan, Paragraph, VoiceSettings
from studio.core.cast import Cast, CastMember
from studio.core.cast_store import save_cast
from studio.core.project import Project
from studio.core.voice_span import VoiceSpan
from tests.emulator import VendorEmulator

REPO = Path(__file__).resolve().parents[2]
DIALOGUE = "阿Q说：“我们先前比你阔的多啦！”王胡说：“你的骨头痒了么？”"
Q1 = (DIALOGUE.index("“"), DIALOGUE.index("”") + 1)
Q2 = (DIALOGUE.index("“", Q1[1]), len(DIALOGUE))


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    return start_emulator(seed=11, time_scale=0.02, env=False)


def studio(emu: VendorEmulator, tmp_path: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    env.update(emu.env())
    env.update({"PYTHONPATH": str(REPO), "STUDIO_LOG_DIR": str(tmp_path / "logs"),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    return subprocess.run([sys.executable, "-m", "studio", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=600)


def _voices_sent(emu: VendorEmulator) -> list[tuple[str, str]]:
    return [(s["text"], s["request"]["payload"]["tts_request"]["voice"]) for s in emu.submissions("aliyun")]


def test_each_voice_part_is_sent_in_its_characters_voice_and_chapters_stay(emu: VendorEmulator,
                                                                          tmp_path: Path) -> None:
    from studio.audio import read_chapters

    first = Paragraph(DIALOGUE, voices=[VoiceSpan(*Q1, character="阿Q"), VoiceSpan(*Q2, character="王胡")])
    angry = Paragraph("“滚！”", emotions=[EmotionSpan(0, 4, "angry")], voices=[VoiceSpan(0, 4, character="阿Q")])
    book = Book("阿Q正传", voice=VoiceSettings(engine="aliyun", voice="zhimi_emo"),
                chapters=[Chapter("第一章", [first, Paragraph("阿Q只好走了。")]), Chapter("第二章", [angry])])
    folder = tmp_path / "p"
    with Project.create(folder, book) as project:
        save_cast(project, Cast([CastMember("阿Q", voices={"aliyun": "zhifeng_emo"}),
                                 CastMember("王胡", voices={"aliyun": "aixiang"})]))
    done = studio(emu, tmp_path, "render", folder, "-o", tmp_path / "out.m4b", "--json")
    assert done.returncode == 0, done.stderr
    sent = _voices_sent(emu)
    assert sorted(sent) == sorted([
        ("阿Q说：", "zhimi_emo"), ("“我们先前比你阔的多啦！”", "zhifeng_emo"), ("王胡说：", "zhimi_emo"),
        ("“你的骨头痒了么？”", "aixiang"), ("阿Q只好走了。", "zhimi_emo"),
        # a paragraph that is all one character's is one task, in that voice
        (next(t for t, _ in sent if "滚" in t), "zhifeng_emo")])
    assert json.loads(done.stdout)["units_rendered"] == 6
    assert [m.title for m in read_chapters(tmp_path / "out.m4b")] == ["第一章", "第二章"]

    # Re-casting one character re-renders exactly that character's part.
    with Project.open(folder) as project:
        from studio.core.cast_store import set_character_voice

        set_character_voice(project, "王胡", "aliyun", "zhida")
    emu.clear_requests()
    before = len(emu.submissions("aliyun"))
    again = studio(emu, tmp_path, "render", folder, "-o", tmp_path / "out2.m4b", "--json")
    assert again.returncode == 0, again.stderr
    assert _voices_sent(emu)[before:] == [("“你的骨头痒了么？”", "zhida")]
