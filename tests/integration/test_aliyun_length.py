"""Alibaba's 100,000-character limit, counted as its page counts: tags free, every other character counts,
the newline between two grouped paragraphs included (issue 13, item 8a).

Two 50,000-character paragraphs with ``--unit-chars 100000`` used to be planned as one unit of "100,000"
characters and refused by the vendor as 100,001. The emulator counts exactly as the page says; the planner
and the engine count the same way, so such a book is cut in two units and nothing is refused.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.core.credentials import AliyunCredentials
from studio.core.errors import BadInputError
from studio.engines.aliyun import AliyunEngine
from studio.engines.base import SynthesisRequest
from tests.emulator import Faults, VendorEmulator
from tests.emulator.testkit import aliyun_submit, aliyun_token

REPO = Path(__file__).resolve().parents[2]
HALF = "字" * 50_000


@pytest.fixture
def emu() -> Iterator[VendorEmulator]:
    with VendorEmulator(seed=3, faults=Faults(time_scale=0.02)) as emulator:
        yield emulator


@pytest.fixture
def engine(emu: VendorEmulator) -> Iterator[AliyunEngine]:
    credentials = AliyunCredentials(access_key_id=emu.ALIYUN_ACCESS_KEY_ID,
                                    access_key_secret=emu.ALIYUN_ACCESS_KEY_SECRET, appkey=emu.ALIYUN_APPKEY)
    with AliyunEngine(credentials, tts_url=emu.aliyun_tts_url, token_url=emu.aliyun_token_url) as made:
        yield made


def test_the_vendor_counts_the_newline_between_paragraphs(emu: VendorEmulator) -> None:
    token = aliyun_token(emu)
    refused = aliyun_submit(emu, token, HALF + "\n" + HALF)
    assert refused.status_code == 400 and "100001 characters" in refused.json()["error_message"]
    tags_free = aliyun_submit(emu, token, HALF + '\n<speak><break time="500ms"/>' + HALF[1:] + "</speak>")
    assert tags_free.status_code == 200, tags_free.text  # 50,000 + 1 + 49,999: the tags are free


def test_the_engine_refuses_100001_before_sending_and_sends_100000(emu: VendorEmulator,
                                                                   engine: AliyunEngine) -> None:
    with pytest.raises(BadInputError, match=r"100,001 characters .*at most 100,000"):
        engine.submit(SynthesisRequest(voice="xiaoyun", paragraphs=(HALF, HALF)))
    assert emu.requests_for("aliyun", "submit") == []  # nothing sent, nothing billed
    task_id = engine.submit(SynthesisRequest(voice="xiaoyun", paragraphs=(HALF[1:], HALF), paragraph_gap_ms=500))
    assert task_id and len(emu.submitted_texts("aliyun")) == 1  # exactly the limit: the vendor takes it


def test_unit_chars_100000_cuts_two_50000_character_paragraphs_in_two_units(emu: VendorEmulator,
                                                                          tmp_path: Path) -> None:
    book = tmp_path / "book.txt"
    book.write_text(f"第一章 长段\n{HALF}\n{HALF}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    env.update(emu.env())
    env.update({"PYTHONPATH": str(REPO), "STUDIO_LOG_DIR": str(tmp_path / "logs"),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    done = subprocess.run([sys.executable, "-m", "studio", "render", str(book), "-o", str(tmp_path / "b.m4b"),
                           "--engine", "aliyun", "--voice", "xiaoyun", "--unit-chars", "100000", "--dry-run"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "aliyun: 2 units, 100,000 characters" in done.stdout, done.stdout
    assert emu.requests_for("aliyun", "submit") == []
