"""Regenerate ``aliyun_voices.json`` from the vendor's page (``python -m tests.emulator.build_voice_data DOC``).

Why a generated data file: the emulator must judge ``voice``/``sample_rate``/``<emotion>`` exactly as the
vendor's table says, but independently of the app's own catalogue (otherwise a catalogue bug would be invisible
in every test). The page lists each voice as nine blank-line separated cells (name, voice, type, scenario,
languages, sample rates, timestamps, erhua, quality), followed by the multi-emotion table (name, voice,
categories). ``tests/integration/test_emulator_voices.py`` re-parses the page and compares, so the file
cannot drift silently.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

VOICE_HEADER_LAST_CELL = "声音品质"
EMOTION_SECTION = "多情感声音支持说明"
EMOTION_HEADER_LAST_CELL = "情感分类（emotion category）"
EMOTION_SECTION_END = "调用说明"
CELLS_PER_VOICE = 9
DATA_FILE = Path(__file__).with_name("aliyun_voices.json")


def _gender(kind: str) -> str:
    """Rough voice register from the "type" cell; only used to pick the emulator's base pitch."""
    if any(word in kind for word in ("童", "儿童", "萝莉")):
        return "child"
    if "男" in kind or kind in ("东北老铁",):
        return "male"
    return "female"


def _sample_rates(cell: str) -> list[int]:
    return [int(part.strip().lower().rstrip("k")) * 1000 for part in cell.split("/") if part.strip()]


def parse_doc(text: str) -> dict[str, Any]:
    """The voice and emotion tables of the Alibaba long-text TTS page as plain data."""
    lines = [line.strip() for line in text.splitlines()]
    start = lines.index(VOICE_HEADER_LAST_CELL) + 1
    end = next(i for i, line in enumerate(lines) if line.startswith(EMOTION_SECTION))
    cells = [line for line in lines[start:end] if line]
    if len(cells) % CELLS_PER_VOICE:
        raise ValueError(f"voice table has {len(cells)} cells, not a multiple of {CELLS_PER_VOICE}")
    voices: dict[str, dict[str, Any]] = {}
    for i in range(0, len(cells), CELLS_PER_VOICE):
        name, voice, kind, scenario, languages, rates, stamps, erhua, quality = cells[i:i + CELLS_PER_VOICE]
        voices[voice] = {
            "name": name, "type": kind, "scenario": scenario, "languages": languages,
            "sample_rates": _sample_rates(rates), "timestamps": stamps == "是", "erhua": erhua == "是",
            "quality": quality, "gender": _gender(kind), "emotions": [],
        }
    em_start = lines.index(EMOTION_HEADER_LAST_CELL, end) + 1
    em_end = lines.index(EMOTION_SECTION_END, em_start)
    em_cells = [line for line in lines[em_start:em_end] if line]
    for i in range(0, len(em_cells), 3):
        _name, voice, categories = em_cells[i:i + 3]
        if voice not in voices:
            raise ValueError(f"emotion table names unknown voice {voice!r}")
        voices[voice]["emotions"] = [c.strip() for c in re.split(r"[，,]", categories) if c.strip()]
    return {"source": "aliyun-nls-long-text-tts.txt", "voices": voices}


def dump(data: dict[str, Any]) -> str:
    """JSON with one voice per line: readable in a diff, still plain JSON."""
    rows = ",\n".join(f" {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
                      for k, v in data["voices"].items())
    return f'{{"source": {json.dumps(data["source"])}, "voices": {{\n{rows}\n}}}}\n'


def main(argv: list[str]) -> int:
    doc = Path(argv[0]) if argv else Path("/work/shared/vendor-docs/aliyun-nls-long-text-tts.txt")
    data = parse_doc(doc.read_text(encoding="utf-8"))
    DATA_FILE.write_text(dump(data), encoding="utf-8")
    print(f"{len(data['voices'])} voices -> {DATA_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
