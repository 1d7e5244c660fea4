"""The emulator's ``drop_sentence_tasks`` fault: a task's second sentence is gone from its audio and timings,
only for tasks that speak two sentences or more, and only as many tasks as asked."""

from __future__ import annotations

import requests

from tests.emulator.testkit import baidu_create, baidu_token, baidu_wait, running_emulator


def test_baidu_task_loses_its_second_sentence_in_audio_and_timestamps() -> None:
    with running_emulator(seed=5, drop_sentence_tasks=1) as emu:
        token = baidu_token(emu)
        two = ["天色暗了。他还在园子里。", "先生来了。"]
        ids = [baidu_create(emu, token, text, enable_subtitle=1).json()["task_id"] for text in (["一句话。"], two, two)]
        single, faulted, clean = (baidu_wait(emu, token, task_id) for task_id in ids)
        spoken = [[s["sentence_texts"] for s in info["task_result"]["speech_timestamp"]["sentences"]]
                  for info in (faulted, clean)]
        assert len(spoken[0]) == 2 and len(spoken[1]) == 3  # one-sentence task not faulted; the fault used once
        assert "他还在园子里" not in "".join(map(str, spoken[0])) and "他还在园子里" in "".join(map(str, spoken[1]))
        sizes = [len(requests.get(info["task_result"]["speech_url"], timeout=10).content) for info in (faulted, clean)]
        assert sizes[0] < sizes[1] - 16000 * 2 * 1  # at least a second of audio (6 characters) is gone
        assert [d["dropped"] for d in emu.dropped_sentences("baidu")] == ["他还在园子里"]
        assert len(single["task_result"]["speech_timestamp"]["sentences"]) == 1
