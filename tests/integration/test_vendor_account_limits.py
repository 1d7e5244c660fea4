"""Accounts that may not use long-text synthesis, and a refused sample rate: what the user is told.

A token proves the keys, not that the account may use long-text synthesis (Alibaba: commercial accounts only,
a trial gets 40000010 at the first submit; Baidu: 336204 when the service is not enabled or paid). Alibaba's
parameter table lists 8 k/16 k while its voice table lists 24 k/48 k. The emulator plays each of these as a
switchable fault; the CLI runs as a subprocess pointed at it by environment variables only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.emulator import Faults, VendorEmulator

REPO = Path(__file__).resolve().parents[2]


def studio(emu: VendorEmulator, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    env.update(emu.env())
    env.update({"PYTHONPATH": str(REPO), "STUDIO_LOG_DIR": str(cwd / "logs")})
    return subprocess.run([sys.executable, "-m", "studio", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    (tmp_path / "b.txt").write_text("第一章 开始\n你好世界，这是一本书。\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("vendor", "code", "words"), [
    ("aliyun", "40000010", "commercial"),
    ("baidu", "336204", "长文本在线合成"),
])
def test_accounts_test_says_a_token_does_not_prove_long_text_is_enabled(tmp_path: Path, vendor: str, code: str,
                                                                        words: str) -> None:
    with VendorEmulator(seed=1) as emu:
        done = studio(emu, tmp_path, "accounts", "test", vendor)
    assert done.returncode == 0, done.stderr
    assert f"{vendor}: OK" in done.stdout
    note = done.stdout.split("note:", 1)[1]
    assert code in note and words in note


@pytest.mark.parametrize(("engine", "fault", "code", "words"), [
    ("aliyun", "aliyun_trial_account", "40000010", "commercial edition"),
    ("baidu", "baidu_long_text_disabled", "336204", "enable and pay for long-text synthesis"),
])
def test_a_render_on_an_account_without_long_text_says_what_to_do(book: Path, engine: str, fault: str, code: str,
                                                                  words: str) -> None:
    with VendorEmulator(seed=1, faults=Faults(time_scale=0.02, **{fault: 1})) as emu:
        done = studio(emu, book, "render", "b.txt", "-o", "b.m4b", "--engine", engine)
    assert done.returncode == 1, done.stderr
    error = done.stderr.splitlines()[-1]
    assert code in error and words in error and "internal error" not in done.stderr
    assert not (book / "b.m4b").exists()


def test_a_refused_sample_rate_is_named_and_16000_suggested(book: Path) -> None:
    """zhixiaobai is listed with 24 k/48 k; the vendor here honours only its parameter table (8 k/16 k)."""
    with VendorEmulator(seed=1, faults=Faults(time_scale=0.02, aliyun_max_sample_rate=16000)) as emu:
        done = studio(emu, book, "render", "b.txt", "-o", "c.m4b", "--engine", "aliyun", "--voice", "zhixiaobai",
                      "--sample-rate", "24000")
        assert len(emu.requests_for("aliyun", "submit")) == 1  # refused once, not retried
    assert done.returncode == 2, done.stderr
    error = done.stderr.splitlines()[-1]
    assert "sample rate 24000 Hz" in error and "--sample-rate 16000" in error
