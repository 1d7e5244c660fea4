"""Build resources/voices/catalogue.json from the vendors' own documentation in docs/vendor/.

Run from anywhere:  python scripts/build_voice_catalogue.py            (rewrite the catalogue)
                    python scripts/build_voice_catalogue.py --check    (exit 1 if it is out of date)

Why a builder instead of a hand-written JSON: the Alibaba voice table has ~150 rows of nine cells each and the
vendors keep adding voices. Parsing the documents we actually read keeps every cell traceable to the source,
and a unit test re-runs this script and compares, so the shipped JSON can never drift from the docs through
hand edits. The app itself never parses documents: it reads only the JSON (studio.core.voices).

Every raw cell is kept next to its normalized form (``type_label``, ``language_label``, ``scenario_label``,
``tier_label``). Normalization tables below are *strict*: a cell value this script does not know stops the
build, so a changed document forces a deliberate decision rather than a silent guess.

Doc quirks handled here (each also recorded in the affected voice's ``notes``):
* The table is a vertical list: one cell per non-empty line, nine cells per voice, header first.
* Sample rates are written both "8K/16K" and "8k/16k".
* 类型 sometimes says "女生" (a typo of 女声): "美语女生" (ava), "中国台湾话女生" (zhiqing).
* mashu's 支持语言 cell reads "通用场景" (a scenario, not a language): taken as Mandarin, like its siblings.
* becca's 适用场景 cell reads "美式英文" (a language, not a scenario): taken as the English scenario.
* 超高清 is a *scenario* (超高清场景), not a quality tier; the 声音品质 column only has lite版/标准版/精品版. Two
  超高清场景 voices (zhifei, zhilun) list only 8K/16K, and three non-超高清 voices (abin, zhixiaobai,
  zhixiaoxia) list 48K. We follow the per-voice cells.
* The request-parameter section says sample_rate supports "16000 Hz和8000 Hz"; the voice table lists 24K/48K
  for some voices. The table is per voice and newer, so the catalogue follows it.
* The voice id "Kyong" is capitalised (all others are lower case); it is kept exactly as documented.
* 知甜 (zhitian, 精品版) and 知甜_多情感 (zhitian_emo) are different voices; the emotion table carries the voice
  id, so it is joined on the id (and the display name is cross-checked).
* The emotion table separates categories with full-width commas "，", and orders them differently per voice;
  the order is kept as documented.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from studio.engines.local_voices import LOCAL_VOICES  # noqa: E402  (needs the repo on sys.path first)

SCHEMA_VERSION = 1
DEFAULT_VENDOR_DIR = REPO / "docs" / "vendor"
DEFAULT_OUTPUT = REPO / "resources" / "voices" / "catalogue.json"
ALIYUN_DOC = "aliyun-nls-long-text-tts.txt"
BAIDU_DOC = "baidu-long-text-tts.txt"
NOTES_DOC = "NOTES.md"

ALIYUN_HEADER = ("名称", "voice参数值", "类型", "适用场景", "支持语言", "支持采样率（Hz）", "支持字/句级别时间戳",
                 "支持儿化音", "声音品质")
ALIYUN_TABLE_END = "多情感声音支持说明"
EMOTION_HEADER = ("音色名", "voice参数值", "情感分类（emotion category）")
EMOTION_TABLE_END = "调用说明"


class BuildError(Exception):
    """The documents do not look the way this builder expects: fix the builder, never the JSON by hand."""


# -- normalization tables ----------------------------------------------------------------------------------------

TIERS: list[dict[str, Any]] = [
    # rank orders tiers from plain to best within an engine; keys are shared where the meaning is shared.
    {"key": "lite", "label_zh": "lite版", "label_en": "Lite", "rank": 0},
    {"key": "basic", "label_zh": "基础", "label_en": "Basic", "rank": 1},
    {"key": "standard", "label_zh": "标准版", "label_en": "Standard", "rank": 2},
    {"key": "premium", "label_zh": "精品", "label_en": "Premium", "rank": 3},
    {"key": "deluxe", "label_zh": "臻品", "label_en": "Deluxe", "rank": 4},
    {"key": "large-model", "label_zh": "大模型", "label_en": "Large model", "rank": 5},
    {"key": "offline", "label_zh": "离线", "label_en": "Offline", "rank": 6},
]

ALIYUN_TIERS = {"lite版": "lite", "标准版": "standard", "精品版": "premium"}

# 支持语言 cell -> language codes. Chinese-English mixed voices list both, so language="en" finds them too.
ALIYUN_LANGUAGES: dict[str, tuple[str, ...]] = {
    "支持中文及中英文混合场景": ("zh-CN", "en"),
    "中文及中英文混合场景": ("zh-CN", "en"),
    "中文及英文场景": ("zh-CN", "en"),
    "纯中文场景": ("zh-CN",),
    "仅支持纯中文场景": ("zh-CN",),
    "中文": ("zh-CN",),
    "英文场景": ("en",),
    "纯英文场景": ("en",),
    "仅支持纯英文场景": ("en",),
    "仅支持纯英语场景": ("en",),
    "美式英文": ("en-US",),
    "英文及英中文混合场景": ("en", "zh-CN"),
    "标准粤文（简体）及粤英文混合场景": ("yue", "en"),
    "支持标准粤文（简体）及粤英文混合场景": ("yue", "en"),
    "香港粤语": ("yue-HK",),
    "纯日文场景": ("ja",),
    "纯印尼语场景": ("id",),
    "仅支持纯马来语场景": ("ms",),
    "仅支持菲律宾语场景": ("fil",),
    "仅支持越南语场景": ("vi",),
    "韩语": ("ko",),
    "俄语": ("ru",),
    "西班牙语": ("es",),
    "意大利语": ("it",),
    "法语": ("fr",),
    "德语": ("de",),
    "泰语": ("th",),
    # Quirk: a scenario in the language column (mashu). Its type (儿童剧男声) and name are Chinese.
    "通用场景": ("zh-CN",),
}
ALIYUN_LANGUAGE_QUIRKS = {"通用场景": "支持语言 cell reads '通用场景' (a scenario); assumed Mandarin (zh-CN)"}

SCENARIO_LABELS: dict[str, dict[str, str]] = {
    "general": {"zh": "通用", "en": "General"},
    "literature": {"zh": "文学", "en": "Literature"},
    "customer-service": {"zh": "客服", "en": "Customer service"},
    "live-streaming": {"zh": "直播", "en": "Live streaming"},
    "digital-human": {"zh": "数字人", "en": "Digital human"},
    "dialect": {"zh": "方言", "en": "Dialect"},
    "children": {"zh": "童声", "en": "Children"},
    "english": {"zh": "英文", "en": "English"},
    "bilingual": {"zh": "中英", "en": "Chinese-English"},
    "multilingual": {"zh": "多语种", "en": "Multilingual"},
    "ultra-hd": {"zh": "超高清", "en": "Ultra HD"},
}

ALIYUN_SCENARIOS: dict[str, tuple[str, ...]] = {
    "通用场景": ("general",),
    "文学场景": ("literature",),
    "客服场景": ("customer-service",),
    "客服": ("customer-service",),
    "直播场景": ("live-streaming",),
    "直播": ("live-streaming",),
    "对话数字人": ("digital-human",),
    "直播数字人": ("digital-human", "live-streaming"),
    "客服数字人": ("digital-human", "customer-service"),
    "英语口语对话数字人": ("digital-human", "english"),
    "方言场景": ("dialect",),
    "童声场景": ("children",),
    "英文场景": ("english",),
    "中英场景": ("bilingual",),
    "多语种场景": ("multilingual",),
    "韩语场景": ("multilingual",),
    "俄语场景": ("multilingual",),
    "西班牙语场景": ("multilingual",),
    "意大利语场景": ("multilingual",),
    "超高清场景": ("ultra-hd",),
    # Quirk: a language in the scenario column (becca).
    "美式英文": ("english",),
}
ALIYUN_SCENARIO_QUIRKS = {"美式英文": "适用场景 cell reads '美式英文' (a language); taken as the English scenario"}

# Substrings of 类型 -> style tags (English keys, for filtering and search). Order = tag order in the output.
STYLE_TAGS: list[tuple[str, str]] = [
    ("多种情感", "multi-emotion"),
    ("温柔", "gentle"),
    ("甜美", "sweet"),
    ("磁性", "magnetic"),
    ("严厉", "stern"),
    ("自然", "natural"),
    ("标准", "standard"),
    ("萝莉", "young-girl"),
    ("知性", "intellectual"),
    ("沉稳", "calm"),
    ("亲切", "friendly"),
    ("活力", "energetic"),
    ("资讯", "news"),
    ("新闻", "news"),
    ("广告", "advertising"),
    ("诙谐", "humorous"),
    ("舌尖", "documentary"),
    ("电台", "radio"),
    ("青年", "young"),
    ("激昂", "passionate"),
    ("悬疑", "suspense"),
    ("解说", "commentary"),
    ("卖场广播", "store-broadcast"),
    ("吆喝", "hawker"),
    ("儿童剧", "children-drama"),
    ("治愈", "soothing"),
    ("软萌", "cute"),
    ("知心姐姐", "caring"),
    ("客服", "customer-service"),
    ("双语", "bilingual"),
    ("四川话", "sichuan-dialect"),
    ("东北", "northeastern-dialect"),
    ("天津话", "tianjin-dialect"),
    ("湖南重口音", "hunan-accent"),
    ("浙普", "zhejiang-accent"),
    ("台湾话", "taiwan-accent"),
    ("广东普通话", "cantonese-accent"),
    ("粤语", "cantonese"),
    ("英音", "british"),
    ("美音", "american"),
    ("美式", "american"),
    ("美语", "american"),
]

EMOTION_LABELS_EN = {
    "neutral": "Neutral", "happy": "Happy", "angry": "Angry", "sad": "Sad", "fear": "Fear", "hate": "Hate",
    "surprise": "Surprise", "arousal": "Aroused", "serious": "Serious", "disgust": "Disgust",
    "jealousy": "Jealousy", "embarrassed": "Embarrassed", "frustrated": "Frustrated",
    "affectionate": "Affectionate", "gentle": "Gentle", "newscast": "Newscast",
    "customer-service": "Customer service", "story": "Story", "living": "Live streaming",
}

BAIDU_TIER_LABELS = {"basic": "基础音库", "premium": "精品音库", "deluxe": "臻品音库", "large-model": "大模型音库"}
BAIDU_TIER_NAMES = {"deluxe": "臻品", "large-model": "大模型"}
BAIDU_FORMAT_RATES = {"mp3-16k": 16000, "mp3-48k": 48000, "wav": None, "pcm-8k": 8000, "pcm-16k": 16000}

LOCAL_LANGUAGE_LABELS = {"zh-CN": "普通话", "yue-HK": "粤语", "en-US": "美式英语", "en-GB": "英式英语"}


# -- Alibaba ------------------------------------------------------------------------------------------------------

def _cells(lines: Sequence[str], start: int, stop: int) -> list[str]:
    return [line.strip() for line in lines[start:stop] if line.strip()]


def _index(lines: Sequence[str], value: str, start: int = 0) -> int:
    try:
        return lines.index(value, start)
    except ValueError:
        raise BuildError(f"line {value!r} not found (after line {start + 1})") from None


def parse_aliyun_table(text: str) -> list[dict[str, str]]:
    """The voice table as raw rows keyed by the doc's own column names (cell text stripped, nothing else)."""
    lines = text.splitlines()
    start = _index(lines, ALIYUN_HEADER[0])
    stop = _index(lines, ALIYUN_TABLE_END, start)
    cells = _cells(lines, start, stop)
    width = len(ALIYUN_HEADER)
    if tuple(cells[:width]) != ALIYUN_HEADER:
        raise BuildError(f"unexpected Alibaba table header: {cells[:width]}")
    body = cells[width:]
    if len(body) % width:
        raise BuildError(f"Alibaba table has {len(body)} cells, not a multiple of {width}")
    rows = [dict(zip(ALIYUN_HEADER, body[i:i + width], strict=True)) for i in range(0, len(body), width)]
    ids = [row["voice参数值"] for row in rows]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise BuildError(f"duplicate Alibaba voice ids: {duplicates}")
    return rows


def parse_emotion_intro(text: str) -> list[tuple[str, str]]:
    """The documented categories with their Chinese labels, from the paragraph above the emotion table."""
    lines = text.splitlines()
    start = _index(lines, ALIYUN_TABLE_END)
    for line in lines[start:start + 5]:
        if "主要包括" in line:
            found = re.findall(r"([a-z][a-z-]*)（([^）]+)）", line)
            if found:
                return found
    raise BuildError("the emotion category list ('主要包括: ...') was not found")


def parse_emotion_table(text: str) -> list[tuple[str, str, list[str]]]:
    """(display name, voice id, categories in documented order) per multi-emotion voice."""
    lines = text.splitlines()
    start = _index(lines, EMOTION_HEADER[0], _index(lines, ALIYUN_TABLE_END))
    stop = _index(lines, EMOTION_TABLE_END, start)
    cells = _cells(lines, start, stop)
    if tuple(cells[:3]) != EMOTION_HEADER:
        raise BuildError(f"unexpected emotion table header: {cells[:3]}")
    body = cells[3:]
    if len(body) % 3:
        raise BuildError(f"emotion table has {len(body)} cells, not a multiple of 3")
    table = []
    for i in range(0, len(body), 3):
        name, voice_id, categories = body[i:i + 3]
        table.append((name, voice_id, [c.strip() for c in re.split(r"[，,、]", categories) if c.strip()]))
    return table


def _sample_rates(cell: str) -> list[int]:
    rates = []
    for part in cell.split("/"):
        match = re.fullmatch(r"\s*(\d+)\s*[kK]\s*", part)
        if not match:
            raise BuildError(f"unknown sample rate cell {cell!r}")
        rates.append(int(match.group(1)) * 1000)
    return sorted(rates)


def _yes_no(cell: str, column: str) -> bool:
    if cell not in ("是", "否"):
        raise BuildError(f"{column}: expected 是/否, got {cell!r}")
    return cell == "是"


def gender_from_type(type_label: str) -> str | None:
    """女声/男声/童声 in 类型 -> female/male/child; descriptions without one (e.g. 激昂解说) stay unknown."""
    if "童声" in type_label or type_label == "儿童音":
        return "child"
    if any(word in type_label for word in ("女声", "女生", "姐姐")):
        return "female"
    if any(word in type_label for word in ("男声", "男生")):
        return "male"
    return None


def style_tags(type_label: str) -> list[str]:
    tags: list[str] = []
    for needle, tag in STYLE_TAGS:
        if needle in type_label and tag not in tags:
            tags.append(tag)
    if "情感" in type_label and "多种情感" not in type_label:
        tags.append("emotional")
    return tags


def _refine_languages(codes: Iterable[str], type_label: str) -> list[str]:
    """Use 类型 for what 支持语言 leaves open: British/American English, Taiwan Mandarin."""
    refined = []
    for code in codes:
        if code == "en" and "英音" in type_label:
            code = "en-GB"
        elif code == "en" and any(w in type_label for w in ("美音", "美式", "美语")):
            code = "en-US"
        elif code == "zh-CN" and "台湾" in type_label:
            code = "zh-TW"
        refined.append(code)
    return refined


def aliyun_voices(text: str) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Every Alibaba voice as a catalogue record, plus the emotion categories (key, zh and en labels)."""
    rows = parse_aliyun_table(text)
    intro = parse_emotion_intro(text)
    intro_keys = [key for key, _ in intro]
    emotion_table = parse_emotion_table(text)
    by_id = {row["voice参数值"]: row for row in rows}
    emotions: dict[str, list[str]] = {}
    for name, voice_id, categories in emotion_table:
        row = by_id.get(voice_id)
        if row is None:
            raise BuildError(f"emotion table lists {voice_id!r} ({name}), which is not in the voice table")
        if row["名称"] != name:
            raise BuildError(f"emotion table names {voice_id!r} {name!r}, the voice table {row['名称']!r}")
        unknown = [c for c in categories if c not in intro_keys]
        if unknown:
            raise BuildError(f"{voice_id}: categories {unknown} are not among the documented ones")
        if voice_id in emotions:
            raise BuildError(f"{voice_id} appears twice in the emotion table")
        emotions[voice_id] = categories

    voices = []
    for row in rows:
        voice_id = row["voice参数值"]
        type_label = row["类型"]
        language_label = row["支持语言"]
        scenario_label = row["适用场景"]
        tier_label = row["声音品质"]
        if language_label not in ALIYUN_LANGUAGES:
            raise BuildError(f"{voice_id}: unknown 支持语言 {language_label!r}; extend ALIYUN_LANGUAGES")
        if scenario_label not in ALIYUN_SCENARIOS:
            raise BuildError(f"{voice_id}: unknown 适用场景 {scenario_label!r}; extend ALIYUN_SCENARIOS")
        if tier_label not in ALIYUN_TIERS:
            raise BuildError(f"{voice_id}: unknown 声音品质 {tier_label!r}; extend ALIYUN_TIERS")
        notes = []
        if language_label in ALIYUN_LANGUAGE_QUIRKS:
            notes.append(ALIYUN_LANGUAGE_QUIRKS[language_label])
        if scenario_label in ALIYUN_SCENARIO_QUIRKS:
            notes.append(ALIYUN_SCENARIO_QUIRKS[scenario_label])
        if "女生" in type_label or "男生" in type_label:
            notes.append(f"类型 '{type_label}' read as '{type_label.replace('生', '声')}'")
        gender = gender_from_type(type_label)
        if gender is None:
            notes.append(f"类型 '{type_label}' does not say 女声/男声/童声: gender unknown")
        name = row["名称"]
        voices.append({
            "engine": "aliyun",
            "id": voice_id,
            "vendor_voice": voice_id,
            "name": name,
            "name_en": name if name.isascii() else None,
            "name_known": True,
            "type_label": type_label,
            "gender": gender,
            "styles": style_tags(type_label),
            "languages": _refine_languages(ALIYUN_LANGUAGES[language_label], type_label),
            "language_label": language_label,
            "scenarios": list(ALIYUN_SCENARIOS[scenario_label]),
            "scenario_label": scenario_label,
            "sample_rates": _sample_rates(row["支持采样率（Hz）"]),
            "sample_rate_label": row["支持采样率（Hz）"],
            "timestamps": _yes_no(row["支持字/句级别时间戳"], "支持字/句级别时间戳"),
            "erhua": _yes_no(row["支持儿化音"], "支持儿化音"),
            "tier": ALIYUN_TIERS[tier_label],
            "tier_label": tier_label,
            "emotions": emotions.get(voice_id, []),
            "formats": ["pcm", "wav", "mp3"],
            "volume_range": [0, 100],
            "is_default": voice_id == "xiaoyun",
            "notes": notes,
        })
    present = {c for cats in emotions.values() for c in cats}
    categories = [{"key": key, "label_zh": label, "label_en": EMOTION_LABELS_EN.get(key, key)}
                  for key, label in intro if key in present]
    return voices, categories


# -- Baidu --------------------------------------------------------------------------------------------------------

def parse_baidu_doc_voices(text: str) -> tuple[list[tuple[str, int, str]], str]:
    """(name, id, tier key) for each voice in the create parameters, and the default voice's name."""
    pattern = r"基础音库[:：](?P<basic>.*?)[;；]\s*精品音库[:：](?P<premium>.*?)。\s*默认为(?P<default>[^\s。]+)"
    match = re.search(pattern, text, re.S)
    if not match:
        raise BuildError("Baidu voice list (基础音库: ...; 精品音库: ...。默认为...) not found")
    voices = []
    for tier in ("basic", "premium"):
        items = re.findall(r"([^,，=;；\s]+)\s*=\s*(\d+)", match.group(tier))
        if not items:
            raise BuildError(f"no Baidu {tier} voices parsed")
        voices.extend((name, int(number), tier) for name, number in items)
    return voices, match.group("default")


def parse_baidu_notes(text: str) -> dict[str, list[int]]:
    """Extra Baidu ids from NOTES.md: {'deluxe': [...], 'large-model': [...]} in documented order."""
    flat = " ".join(text.split())
    match = re.search(r"\"臻品\" ids (?P<deluxe>[\d,\s]+); large-model ids (?P<large>[\d,\s]+)", flat)
    if not match:
        raise BuildError("NOTES.md: the Baidu 臻品 / large-model id list was not found")
    return {"deluxe": [int(n) for n in re.findall(r"\d+", match.group("deluxe"))],
            "large-model": [int(n) for n in re.findall(r"\d+", match.group("large"))]}


def parse_baidu_formats(text: str) -> list[str]:
    match = re.search(r"^format string .*?((?:\"[\w-]+\",?\s*)+)", text, re.M)
    if not match:
        raise BuildError("Baidu format list not found")
    return re.findall(r"\"([\w-]+)\"", match.group(1))


def baidu_voices(doc: str, notes: str) -> list[dict[str, Any]]:
    documented, default_name = parse_baidu_doc_voices(doc)
    formats = parse_baidu_formats(doc)
    unknown = [f for f in formats if f not in BAIDU_FORMAT_RATES]
    if unknown:
        raise BuildError(f"unknown Baidu formats {unknown}; extend BAIDU_FORMAT_RATES")
    rates = sorted({rate for f in formats if (rate := BAIDU_FORMAT_RATES[f]) is not None})
    extra = parse_baidu_notes(notes)
    entries = [(name, number, tier, True) for name, number, tier in documented]
    for tier, numbers in extra.items():
        entries.extend((f"度 {number} ({BAIDU_TIER_NAMES[tier]})", number, tier, False) for number in numbers)
    ids = [number for _, number, _, _ in entries]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise BuildError(f"duplicate Baidu voice ids: {duplicates}")
    voices = []
    for name, number, tier, known in entries:
        notes_list = ["listed in docs/vendor/NOTES.md; the vendor's name was not captured"] if not known else []
        if tier in ("deluxe", "large-model"):
            notes_list.append("volume range not documented for this tier; 0-15 assumed as for 精品")
        voices.append({
            "engine": "baidu",
            "id": str(number),
            "vendor_voice": number,
            "name": name,
            "name_en": None,
            "name_known": known,
            "type_label": "",
            "gender": None,
            "styles": [],
            "languages": ["zh-CN", "en"],
            "language_label": "中英文混合",
            "scenarios": [],
            "scenario_label": "",
            "sample_rates": rates,
            "sample_rate_label": "/".join(f"{rate // 1000}K" for rate in rates),
            "timestamps": True,
            "erhua": False,
            "tier": tier,
            "tier_label": BAIDU_TIER_LABELS[tier],
            "emotions": [],
            "formats": formats,
            "volume_range": [0, 9] if tier == "basic" else [0, 15],
            "is_default": known and name == default_name,
            "notes": notes_list,
        })
    if sum(v["is_default"] for v in voices) != 1:
        raise BuildError(f"Baidu default voice {default_name!r} not found among the documented voices")
    return voices


# -- offline ------------------------------------------------------------------------------------------------------

def local_voices() -> list[dict[str, Any]]:
    """The offline voices, from studio.engines.local_voices (the engine's own list, so they cannot diverge)."""
    voices = []
    for voice in LOCAL_VOICES:
        # espeak's "yue" voice is Cantonese; LocalVoice tags it zh-HK (region), the catalogue says yue-HK so a
        # Cantonese filter finds it next to Alibaba's Cantonese voices and "zh" keeps meaning Mandarin.
        language = "yue-HK" if voice.espeak_name.split("+")[0] == "yue" else voice.language
        voices.append({
            "engine": "local",
            "id": voice.id,
            "vendor_voice": voice.espeak_name,
            "name": voice.name_zh,
            "name_en": voice.name,
            "name_known": True,
            "type_label": voice.name_zh.split("（")[0],
            "gender": voice.gender,
            "styles": [],
            "languages": [language],
            "language_label": LOCAL_LANGUAGE_LABELS.get(language, language),
            "scenarios": [],
            "scenario_label": "",
            "sample_rates": [voice.sample_rate],
            "sample_rate_label": f"{voice.sample_rate}",
            "timestamps": True,
            "erhua": False,
            "tier": "offline",
            "tier_label": "离线",
            "emotions": [],
            "formats": ["wav"],
            "volume_range": None,
            "is_default": voice is LOCAL_VOICES[0],
            "notes": [],
        })
    return voices


# -- assembly -----------------------------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    """Of the text with LF line ends, so a CRLF checkout (git autocrlf on Windows) builds the same JSON."""
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def build_catalogue(vendor_dir: Path = DEFAULT_VENDOR_DIR) -> dict[str, Any]:
    """The whole catalogue as plain JSON-able data, deterministic for the same documents."""
    aliyun_doc = (vendor_dir / ALIYUN_DOC).read_text("utf-8")
    baidu_doc = (vendor_dir / BAIDU_DOC).read_text("utf-8")
    notes_doc = (vendor_dir / NOTES_DOC).read_text("utf-8")
    aliyun, emotion_categories = aliyun_voices(aliyun_doc)
    baidu = baidu_voices(baidu_doc, notes_doc)
    local = local_voices()
    voices = aliyun + baidu + local
    used_tiers = {v["tier"] for v in voices}
    return {
        "schema": SCHEMA_VERSION,
        "generated_by": "scripts/build_voice_catalogue.py",
        "sources": {name: {"path": f"docs/vendor/{name}", "sha256": _sha256(vendor_dir / name)}
                    for name in (ALIYUN_DOC, BAIDU_DOC, NOTES_DOC)},
        "engines": {
            "aliyun": {"formats": ["pcm", "wav", "mp3"], "volume_range": [0, 100], "speech_rate_range": [-500, 500],
                       "pitch_rate_range": [-500, 500], "default_voice": "xiaoyun", "max_characters": 100000},
            "baidu": {"formats": {f: BAIDU_FORMAT_RATES[f] for f in parse_baidu_formats(baidu_doc)},
                      "speed_range": [0, 15], "pitch_range": [0, 15],
                      "volume_range": {"basic": [0, 9], "premium": [0, 15]},
                      "default_voice": next(v["id"] for v in baidu if v["is_default"]), "max_characters": 100000},
            "local": {"formats": ["wav"], "default_voice": LOCAL_VOICES[0].id},
        },
        "tiers": [tier for tier in TIERS if tier["key"] in used_tiers],
        "scenarios": [{"key": key, "label_zh": labels["zh"], "label_en": labels["en"]}
                      for key, labels in SCENARIO_LABELS.items()
                      if any(key in v["scenarios"] for v in voices)],
        "emotion_categories": emotion_categories,
        "voices": voices,
    }


def render(catalogue: dict[str, Any]) -> str:
    """Pretty, UTF-8 (Chinese kept readable), stable: the bytes depend only on the inputs."""
    return json.dumps(catalogue, ensure_ascii=False, indent=2) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendor-dir", type=Path, default=DEFAULT_VENDOR_DIR)
    parser.add_argument("--output", "-o", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if the output is out of date")
    args = parser.parse_args(argv)
    try:
        catalogue = build_catalogue(args.vendor_dir)
    except BuildError as err:
        print(f"build_voice_catalogue: {err}", file=sys.stderr)
        return 2
    text = render(catalogue)
    if args.check:
        current = args.output.read_text("utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date: run scripts/build_voice_catalogue.py", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(text.encode("utf-8"))
    counts = {engine: sum(v["engine"] == engine for v in catalogue["voices"])
              for engine in ("aliyun", "baidu", "local")}
    print(f"wrote {args.output}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
