"""Raw-HTTP helpers for tests of (and against) the emulator: signed token requests, polling, audio analysis.

Why here and not in the app: the emulator's own tests must not depend on the app's clients (they are built
against this emulator), so they talk plain ``requests``; the audio checks (WAV header, silence detection, MP3
decoding) are shared by several test modules.
"""

from __future__ import annotations

import struct
import subprocess
import time
import uuid
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests

from tests.emulator.aliyun_signature import pop_signature
from tests.emulator.audio import ffmpeg_exe
from tests.emulator.faults import Faults
from tests.emulator.server import VendorEmulator

TIMEOUT = 10


@contextmanager
def running_emulator(seed: int = 0, **faults: Any) -> Iterator[VendorEmulator]:
    """An emulator with fast tasks (``time_scale`` 0.05 unless given) for one test."""
    faults.setdefault("time_scale", 0.05)
    with VendorEmulator(seed=seed, faults=Faults(**faults)) as emulator:
        yield emulator


# --- Alibaba ---------------------------------------------------------------------------------------------------

def pop_params(access_key_id: str = VendorEmulator.ALIYUN_ACCESS_KEY_ID, *, timestamp: str | None = None,
               nonce: str | None = None, **extra: str) -> dict[str, str]:
    params = {
        "AccessKeyId": access_key_id, "Action": "CreateToken", "Version": "2019-02-28", "Format": "JSON",
        "RegionId": "cn-shanghai", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
        "Timestamp": timestamp or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "SignatureNonce": nonce or str(uuid.uuid4()),
    }
    params.update(extra)
    return params


def signed(params: dict[str, str], secret: str = VendorEmulator.ALIYUN_ACCESS_KEY_SECRET, method: str = "GET"
           ) -> dict[str, str]:
    return {**params, "Signature": pop_signature(params, secret, method)}


def aliyun_token(emu: VendorEmulator) -> str:
    resp = requests.get(emu.aliyun_token_url, params=signed(pop_params()), timeout=TIMEOUT)
    resp.raise_for_status()
    return str(resp.json()["Token"]["Id"])


def aliyun_body(emu: VendorEmulator, token: str, text: str = "今天天气好晴朗。", **tts: Any) -> dict[str, Any]:
    request = {"voice": "xiaoyun", "sample_rate": 16000, "format": "wav", "text": text, "enable_subtitle": False}
    request.update(tts)
    return {"payload": {"tts_request": request, "enable_notify": False},
            "context": {"device_id": "emulator-tests"},
            "header": {"appkey": emu.ALIYUN_APPKEY, "token": token}}


def aliyun_submit(emu: VendorEmulator, token: str, text: str = "今天天气好晴朗。", **tts: Any) -> requests.Response:
    return requests.post(emu.aliyun_tts_url, json=aliyun_body(emu, token, text, **tts), timeout=TIMEOUT)


def aliyun_poll(emu: VendorEmulator, token: str, task_id: str) -> requests.Response:
    params = {"appkey": emu.ALIYUN_APPKEY, "task_id": task_id, "token": token}
    return requests.get(emu.aliyun_tts_url, params=params, timeout=TIMEOUT)


def aliyun_wait(emu: VendorEmulator, token: str, task_id: str, timeout: float = 20) -> dict[str, Any]:
    """Poll until the answer is no longer QUEUEING/RUNNING; returns that answer's JSON."""
    deadline = time.monotonic() + timeout
    while True:
        answer = aliyun_poll(emu, token, task_id).json()
        if answer.get("error_message") not in ("QUEUEING", "RUNNING"):
            return dict(answer)
        if time.monotonic() > deadline:
            raise TimeoutError(f"task {task_id} still {answer.get('error_message')}")
        time.sleep(0.02)


# --- Baidu -----------------------------------------------------------------------------------------------------

def baidu_token(emu: VendorEmulator) -> str:
    params = {"grant_type": "client_credentials", "client_id": emu.BAIDU_API_KEY,
              "client_secret": emu.BAIDU_SECRET_KEY}
    resp = requests.post(emu.baidu_token_url, params=params, timeout=TIMEOUT)
    resp.raise_for_status()
    return str(resp.json()["access_token"])


def baidu_create(emu: VendorEmulator, token: str, text: list[str] | Any, **params: Any) -> requests.Response:
    body = {"text": text, "format": "wav", "voice": 0, "lang": "zh"}
    body.update(params)
    body = {k: v for k, v in body.items() if v is not None}
    return requests.post(emu.baidu_tts_url + "/create", params={"access_token": token}, json=body, timeout=TIMEOUT)


def baidu_query(emu: VendorEmulator, token: str, task_ids: list[Any]) -> requests.Response:
    return requests.post(emu.baidu_tts_url + "/query", params={"access_token": token}, json={"task_ids": task_ids},
                         timeout=TIMEOUT)


def baidu_wait(emu: VendorEmulator, token: str, task_id: str, timeout: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        info = baidu_query(emu, token, [task_id]).json()["tasks_info"][0]
        if info["task_status"] != "Running":
            return dict(info)
        if time.monotonic() > deadline:
            raise TimeoutError(f"task {task_id} still running")
        time.sleep(0.02)


# --- audio -----------------------------------------------------------------------------------------------------

@dataclass
class Wav:
    channels: int
    sample_rate: int
    bits: int
    pcm: bytes

    @property
    def duration_ms(self) -> float:
        return len(self.pcm) / (self.channels * self.bits // 8) / self.sample_rate * 1000


def parse_wav(data: bytes) -> Wav:
    """A strict little RIFF reader: the header must describe the data exactly."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE", data[:16]
    assert struct.unpack("<I", data[4:8])[0] == len(data) - 8
    pos, fmt, pcm = 12, None, None
    while pos < len(data):
        chunk_id, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        payload = data[pos + 8:pos + 8 + size]
        if chunk_id == b"fmt ":
            fmt = struct.unpack("<HHIIHH", payload[:16])
        elif chunk_id == b"data":
            pcm = payload
            assert len(payload) == size
        pos += 8 + size
    assert fmt is not None and pcm is not None
    audio_format, channels, rate, byte_rate, align, bits = fmt
    assert audio_format == 1 and byte_rate == rate * align and align == channels * bits // 8
    return Wav(channels, rate, bits, pcm)


def decode_to_pcm(data: bytes, sample_rate: int | None = None) -> tuple[bytes, int]:
    """Decode any audio with ffmpeg to s16le mono; returns (pcm, sample rate of the stream)."""
    probe = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", "pipe:0", "-f", "null", "-"], input=data,
                           capture_output=True, check=False)
    rate = sample_rate
    for line in probe.stderr.decode(errors="replace").splitlines():
        if "Audio:" in line and "Hz" in line and rate is None:
            rate = int(line.split(" Hz")[0].split()[-1])
    assert rate, probe.stderr.decode(errors="replace")[-800:]
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", "pipe:0", "-f", "s16le",
                          "-ac", "1", "-ar", str(rate), "pipe:1"], input=data, capture_output=True, check=True)
    return out.stdout, rate


def voiced_regions(pcm: bytes, sample_rate: int, *, frame_ms: int = 5, threshold: int = 400,
                   min_gap_ms: int = 100) -> list[tuple[int, int]]:
    """Non-silent regions [begin_ms, end_ms) of s16le mono PCM; silences shorter than ``min_gap_ms`` bridged."""
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) // 2 * 2])
    per_frame = sample_rate * frame_ms // 1000
    loud = []
    for i in range(0, len(samples), per_frame):
        frame = samples[i:i + per_frame]
        loud.append(bool(frame) and max(abs(min(frame)), abs(max(frame))) > threshold)
    regions: list[tuple[int, int]] = []
    start = None
    for i, flag in enumerate([*loud, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            begin, end = start * frame_ms, i * frame_ms
            if regions and begin - regions[-1][1] < min_gap_ms:
                regions[-1] = (regions[-1][0], end)
            else:
                regions.append((begin, end))
            start = None
    return regions
