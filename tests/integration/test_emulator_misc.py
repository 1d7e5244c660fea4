"""Emulator plumbing: the command line, the voice data file, recording, audio generation speed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.emulator import VendorEmulator
from tests.emulator.audio import VoiceParams, build_layout, iter_pcm, sentence_chars
from tests.emulator.build_voice_data import DATA_FILE, dump, parse_doc
from tests.emulator.testkit import TIMEOUT, aliyun_token, baidu_token, running_emulator
from tests.emulator.voices import aliyun_voices, baidu_voices

REPO = Path(__file__).resolve().parents[2]
DOC_CANDIDATES = [REPO / "docs" / "vendor" / "aliyun-nls-long-text-tts.txt",
                  Path("/work/shared/vendor-docs/aliyun-nls-long-text-tts.txt")]


def test_command_line_prints_port_then_env_and_serves() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "tests.emulator", "--port", "0", "--seed", "3",
                             "--time-scale", "0.01", "--fault", "throttle_rate=0", "--fault", "aliyun_concurrency=5"],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline().strip())
        lines = dict(proc.stdout.readline().strip().split("=", 1) for _ in range(9))
        assert lines["STUDIO_ALIYUN_TTS_URL"] == f"http://127.0.0.1:{port}/rest/v1/tts/async"
        assert lines["STUDIO_BAIDU_API_KEY"] == VendorEmulator.BAIDU_API_KEY
        resp = requests.post(lines["STUDIO_BAIDU_TOKEN_URL"],
                             params={"grant_type": "client_credentials", "client_id": lines["STUDIO_BAIDU_API_KEY"],
                                     "client_secret": lines["STUDIO_BAIDU_SECRET_KEY"]}, timeout=TIMEOUT)
        assert resp.status_code == 200 and resp.json()["access_token"].startswith("24.")
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "24." not in out + err  # tokens are never printed


def test_command_line_rejects_unknown_fault() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "tests.emulator", "--fault", "nonsense=1"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "nonsense" in done.stderr


def test_voice_data_matches_the_vendor_page() -> None:
    doc = next((p for p in DOC_CANDIDATES if p.exists()), None)
    if doc is None:
        pytest.skip("vendor page not available")
    assert DATA_FILE.read_text(encoding="utf-8") == dump(parse_doc(doc.read_text(encoding="utf-8")))


def test_voice_tables() -> None:
    voices = aliyun_voices()
    assert len(voices) == 149
    assert voices["xiaoyun"].sample_rates == (8000, 16000) and not voices["xiaoyun"].timestamps
    assert voices["zhixiaobai"].sample_rates == (8000, 16000, 24000, 48000)
    assert {v for v in voices if voices[v].multi_emotion} == {
        "zhifeng_emo", "zhibing_emo", "zhimiao_emo", "zhimi_emo", "zhiyan_emo", "zhibei_emo", "zhitian_emo"}
    assert "hate" in voices["zhimi_emo"].emotions and "hate" not in voices["zhifeng_emo"].emotions
    assert "customer-service" in voices["zhimiao_emo"].emotions
    baidu = baidu_voices()
    assert {0, 1, 3, 4, 5003, 5118, 106, 110, 111, 103, 5} <= set(baidu)
    assert baidu[0].max_volume == 9 and baidu[5003].max_volume == 15


def test_requests_are_recorded() -> None:
    with running_emulator() as emu:
        aliyun_token(emu)
        baidu_token(emu)
        requests.get(emu.base_url + "/nowhere", timeout=TIMEOUT)
        recs = emu.requests
        assert [(r.vendor, r.endpoint, r.method, r.status) for r in recs] == [
            ("aliyun", "token", "GET", 200), ("baidu", "token", "POST", 200), ("", "unknown", "GET", 404)]
        assert recs[0].path == "/aliyun-meta/" and recs[0].query["Action"] == "CreateToken"
        assert recs[1].query["grant_type"] == "client_credentials" and recs[1].json() is None
        assert recs[0].time <= recs[1].time <= time.monotonic()
        assert len(emu.requests_for("baidu", "token")) == 1


def test_five_thousand_characters_render_fast() -> None:
    text = "我家的后面有一个很大的园，相传叫作百草园。" * 250
    start = time.perf_counter()
    layout = build_layout([sentence_chars(text)], VoiceParams(16000, 220), paragraph_gap_ms=1000)
    size = sum(len(chunk) for chunk in iter_pcm(layout))
    elapsed = time.perf_counter() - start
    assert size == layout.pcm_size and len(layout.sentences) == 250
    assert elapsed < 1.0, elapsed
