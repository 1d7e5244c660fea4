"""Unit timing has one owner (studio.engines.timing): one offsets rule, one sentence matcher, one ms parser.

Both vendors' adapters, the download check in render/ and the player's highlight give the same answers for
the same timestamps, and render/ reaches timing without importing any concrete engine.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from studio.engines.aliyun import _Task, _timestamps
from studio.engines.baidu import parse_timestamps
from studio.engines.timing import (
    Timestamp,
    UnitTiming,
    assign_paragraphs,
    locate_sentences,
    paragraph_offsets,
    parse_ms,
    unit_timing,
)

STUDIO = Path(__file__).resolve().parents[2] / "studio"
PARAGRAPHS = ("第一段话。", "……", "第三段话。")


def test_a_paragraph_without_sentences_starts_where_the_next_one_does_for_every_engine() -> None:
    # Alibaba: sentences without paragraph numbers, matched by text; the middle paragraph says nothing.
    task = _Task(paragraphs=PARAGRAPHS)
    task.sentences = [{"text": "第一段话", "begin_time": "0", "end_time": "800"},
                      {"text": "第三段话", "begin_time": "1500", "end_time": "2300"}]
    aliyun_sentences, aliyun_offsets = _timestamps(task, 2400)
    # Baidu: the same speech, paragraph numbers given by the vendor.
    baidu_sentences, _ = parse_timestamps({"sentences": [
        {"paragraph_index": 0, "sentence_texts": "第一段话。", "begin_time": 0, "end_time": 800},
        {"paragraph_index": 2, "sentence_texts": "第三段话。", "begin_time": 1500, "end_time": 2300}]})
    baidu_offsets = paragraph_offsets(baidu_sentences, 3, 2400)
    # A grouped unit fetched after a restart: render/ maps the sentences back itself.
    restarted = unit_timing(PARAGRAPHS, 2400, [Timestamp("第一段话", 0, 800), Timestamp("第三段话", 1500, 2300)],
                            offsets=[0])
    assert aliyun_offsets == baidu_offsets == list(restarted.paragraph_offsets_ms) == [0, 1500, 1500]
    assert [s.paragraph for s in aliyun_sentences] == [s.paragraph for s in restarted.sentences] == [0, 2]


def test_timing_round_trips_through_the_stored_json_and_tolerates_damage() -> None:
    timing = UnitTiming((Timestamp("甲", 0, 500, 0), Timestamp("乙", 500, 900, 1)), (Timestamp("甲", 0, 200),),
                        (0, 500))
    stored = json.loads(json.dumps(timing.to_json()))
    assert UnitTiming.from_json(stored) == timing
    damaged = {"sentences": [{"text": "x"}, "junk", {"text": "y", "begin_ms": "10", "end_ms": 5}],
               "paragraph_offsets_ms": [0, "x", 7]}
    assert UnitTiming.from_json(damaged) == UnitTiming((Timestamp("y", 10, 10),), (), (0, 7))
    assert UnitTiming.from_json(None) == UnitTiming()


def test_one_parser_for_vendor_milliseconds() -> None:
    assert [parse_ms(v) for v in ("2239", 2239, "2239.6", " 12 ", "x", None, True, float("nan"), "inf")] == \
        [2239, 2239, 2240, 12, None, None, None, None, None]


def test_the_highlight_finds_sentences_the_vendor_normalized() -> None:
    text = "Hello, world! Next one, here. 最后一句。"
    ranges = locate_sentences(text, ["hello world", "Next one here", "最后一句"])
    assert [text[a:b] for a, b in ranges] == ["Hello, world", "Next one, here", "最后一句"]
    assert assign_paragraphs(["hello world", "Next one here", "最后一句"], ["Hello, world!", "Next one, here.",
                                                                       "最后一句。"]) == [0, 1, 2]


def test_render_reaches_timing_without_importing_a_concrete_engine() -> None:
    concrete = {"studio.engines.aliyun", "studio.engines.baidu", "studio.engines.local"}
    offenders = []
    for path in (STUDIO / "render").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in concrete:
                offenders.append(f"{path.name}: {node.module}")
            elif isinstance(node, ast.ImportFrom) and node.module == "studio.engines":
                offenders += [f"{path.name}: {a.name}" for a in node.names if f"studio.engines.{a.name}" in concrete]
            elif isinstance(node, ast.Import):
                offenders += [f"{path.name}: {a.name}" for a in node.names if a.name in concrete]
    assert offenders == []
