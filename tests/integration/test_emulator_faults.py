"""Faults act on the wire as a client would see them, are reproducible per seed, and audio is deterministic."""

from __future__ import annotations

import time

import pytest
import requests

from tests.emulator import Faults, VendorEmulator
from tests.emulator.faults import decide
from tests.emulator.testkit import (
    TIMEOUT,
    aliyun_poll,
    aliyun_submit,
    aliyun_token,
    aliyun_wait,
    baidu_create,
    baidu_query,
    baidu_token,
    baidu_wait,
    running_emulator,
)

TEXT = "我家的后面有一个很大的园，相传叫作百草园。现在是早已并屋子一起卖给朱文公的子孙了。"


def test_drop_gives_connection_error_and_records_status_zero() -> None:
    with running_emulator() as emu:
        token = aliyun_token(emu)
        emu.faults.drop_rate = 1.0
        with pytest.raises(requests.ConnectionError):
            aliyun_submit(emu, token, TEXT)
        with pytest.raises(requests.ConnectionError):
            requests.post(emu.baidu_token_url, timeout=TIMEOUT)
        assert [r.status for r in emu.requests_for("aliyun", "submit")] == [0]
        assert emu.submitted_texts() == []  # a dropped request was never processed
        emu.faults.drop_rate = 0.0
        assert aliyun_submit(emu, token, TEXT).status_code == 200


def test_drop_on_a_kept_alive_session() -> None:
    with running_emulator() as emu, requests.Session() as session:
        assert session.post(emu.baidu_token_url, timeout=TIMEOUT).status_code == 400
        emu.faults.drop_rate = 1.0
        with pytest.raises(requests.ConnectionError):
            session.post(emu.baidu_token_url, timeout=TIMEOUT)


def test_truncated_download() -> None:
    with running_emulator() as emu:
        token = aliyun_token(emu)
        answer = aliyun_wait(emu, token, aliyun_submit(emu, token, TEXT).json()["data"]["task_id"])
        url = answer["data"]["audio_address"]
        full = requests.get(url, timeout=TIMEOUT).content
        emu.faults.truncate_rate = 1.0
        resp = requests.get(url, stream=True, timeout=TIMEOUT)
        assert resp.status_code == 200 and int(resp.headers["Content-Length"]) == len(full)
        got = b""
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            for chunk in resp.iter_content(8192):
                got += chunk
        assert 0 < len(got) < len(full) and full.startswith(got)
        # Resuming with Range after a truncation gets the rest.
        emu.faults.truncate_rate = 0.0
        rest = requests.get(url, headers={"Range": f"bytes={len(got)}-"}, timeout=TIMEOUT)
        assert rest.status_code == 206 and got + rest.content == full


def test_server_errors() -> None:
    with running_emulator(seed=3) as emu:
        aliyun = aliyun_token(emu)
        baidu = baidu_token(emu)
        emu.faults.server_error_rate = 1.0
        codes = set()
        for _ in range(12):
            resp = aliyun_submit(emu, aliyun, TEXT)
            assert resp.status_code == 500 and resp.json()["status"] == 500
            codes.add(resp.json()["error_code"])
        assert codes == {50000000, 51020001}
        poll = aliyun_poll(emu, aliyun, "0" * 32)
        assert poll.status_code == 500 and poll.json()["error_code"] == 50000000
        statuses, body_codes = set(), set()
        for _ in range(12):
            resp = baidu_create(emu, baidu, ["你好"])
            statuses.add(resp.status_code)
            if resp.status_code == 200:
                body_codes.add(resp.json()["error_code"])
            else:
                assert resp.headers["Content-Type"] == "text/html"
        assert statuses == {200, 500} and body_codes == {336200}
        token_resp = requests.get(emu.aliyun_token_url, timeout=TIMEOUT)
        assert token_resp.status_code == 500
        assert emu.submitted_texts() == []


def test_throttling() -> None:
    with running_emulator() as emu:
        aliyun = aliyun_token(emu)
        baidu = baidu_token(emu)
        emu.faults.throttle_rate = 1.0
        resp = aliyun_submit(emu, aliyun, TEXT)
        assert resp.status_code == 400 and resp.json()["error_code"] == 40000005
        assert aliyun_poll(emu, aliyun, "0" * 32).json()["error_code"] == 40000005
        assert baidu_create(emu, baidu, ["你好"]).json()["error_code"] == 18
        answer = baidu_query(emu, baidu, ["x"]).json()
        assert (answer["error_code"], answer["error_msg"]) == (18, "Open api qps request limit reached")


def test_slow_responses() -> None:
    with running_emulator(slow_rate=1.0, slow_seconds=0.5) as emu:
        start = time.monotonic()
        with pytest.raises(requests.Timeout):
            requests.post(emu.baidu_token_url, timeout=0.2)
        assert time.monotonic() - start < 0.5
        start = time.monotonic()
        assert requests.post(emu.baidu_token_url, timeout=5).status_code == 400
        assert time.monotonic() - start >= 0.5


def test_fault_decisions_are_a_function_of_seed_and_counter() -> None:
    faults = Faults(drop_rate=0.3, throttle_rate=0.3, server_error_rate=0.2)
    run = [decide(7, "aliyun", "submit", n, faults) for n in range(50)]
    assert run == [decide(7, "aliyun", "submit", n, faults) for n in range(50)]
    assert run != [decide(8, "aliyun", "submit", n, faults) for n in range(50)]
    assert 5 < sum(d.drop for d in run) < 25
    # Rates of other faults do not shift which requests are dropped.
    only_drops = Faults(drop_rate=0.3)
    assert [d.drop for d in run] == [decide(7, "aliyun", "submit", n, only_drops).drop for n in range(50)]


def test_same_fault_sequence_over_http_for_the_same_seed() -> None:
    def statuses(seed: int) -> list[int]:
        with running_emulator(seed=seed, throttle_rate=0.5) as emu:
            token = baidu_token(emu)
            return [baidu_create(emu, token, [f"第{i}句"]).json().get("error_code", 0) for i in range(16)]

    first = statuses(11)
    assert first == statuses(11)
    assert set(first) == {0, 18}


def test_task_failure_rate_fails_some_tasks() -> None:
    with running_emulator(seed=5, task_failure_rate=0.5) as emu:
        token = baidu_token(emu)
        ids = [baidu_create(emu, token, [f"第{i}句"]).json()["task_id"] for i in range(10)]
        states = {baidu_wait(emu, token, task_id)["task_status"] for task_id in ids}
        assert states == {"Success", "Failure"}
        assert len(emu.submissions("baidu")) == 10


@pytest.mark.parametrize("fmt", ["wav", "mp3"])
def test_same_seed_and_text_give_identical_audio(fmt: str) -> None:
    def render(seed: int) -> bytes:
        with VendorEmulator(seed=seed, faults=Faults(time_scale=0.05)) as emu:
            token = aliyun_token(emu)
            task_id = aliyun_submit(emu, token, TEXT, format=fmt).json()["data"]["task_id"]
            url = aliyun_wait(emu, token, task_id)["data"]["audio_address"]
            return requests.get(url, timeout=TIMEOUT).content

    first = render(1)
    assert first == render(1)
    assert first != render(2)


def test_baidu_audio_is_deterministic_across_emulators() -> None:
    def render() -> bytes:
        with running_emulator(seed=9) as emu:
            token = baidu_token(emu)
            info = baidu_wait(emu, token, baidu_create(emu, token, ["第一段。", "第二段"]).json()["task_id"])
            return requests.get(info["task_result"]["speech_url"], timeout=TIMEOUT).content

    assert render() == render()


def test_faults_can_change_while_running() -> None:
    with running_emulator() as emu:
        token = baidu_token(emu)
        emu.faults = Faults(time_scale=0.05, throttle_rate=1.0)
        assert baidu_create(emu, token, ["你好"]).json()["error_code"] == 18
        emu.faults.throttle_rate = 0.0
        assert "task_id" in baidu_create(emu, token, ["你好"]).json()
