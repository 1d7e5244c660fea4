"""The bundled voice catalogue against the vendors' documents, read here by a separate, deliberately simple parse.

Why a second parser: the builder's normalization tables could hide a mistake (a shifted column, a dropped
row); this file locates each Alibaba row by its sample-rate cell instead of counting cells, reads the emotion
table by its full-width commas, and so fails if the two readings of the same document ever disagree.
Everything reads docs/vendor/ (CI has only the repository).
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

from studio.core.voices import CatalogueError, Voice, VoiceCatalogue, catalogue_path, default_catalogue
from studio.engines.local_voices import LOCAL_VOICES
from studio.paths import resources_dir

REPO = Path(__file__).resolve().parents[2]
VENDOR = REPO / "docs" / "vendor"
ALIYUN_DOC = VENDOR / "aliyun-nls-long-text-tts.txt"
BAIDU_DOC = VENDOR / "baidu-long-text-tts.txt"
NOTES_DOC = VENDOR / "NOTES.md"
BUILDER = REPO / "scripts" / "build_voice_catalogue.py"

RATE_CELL = re.compile(r"^\d+[kK](/\d+[kK])*$")


# -- the independent reading of the documents ---------------------------------------------------------------------

def doc_aliyun_rows() -> list[dict[str, str]]:
    """Each row found by its sample-rate cell: five cells before it, three after (blank lines skipped)."""
    lines = ALIYUN_DOC.read_text("utf-8").splitlines()
    end = next(i for i, line in enumerate(lines) if line.strip() == "多情感声音支持说明")
    cells = [line.strip() for line in lines[:end] if line.strip()]
    rows = []
    for i, cell in enumerate(cells):
        if RATE_CELL.match(cell):
            name, voice_id, kind, scenario, language = cells[i - 5:i]
            timestamps, erhua, quality = cells[i + 1:i + 4]
            rows.append({"name": name, "id": voice_id, "type": kind, "scenario": scenario, "language": language,
                         "rates": cell, "timestamps": timestamps, "erhua": erhua, "quality": quality})
    return rows


def doc_emotions() -> dict[str, tuple[str, list[str]]]:
    """voice id -> (display name, categories): a categories line is the one with full-width commas."""
    lines = ALIYUN_DOC.read_text("utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "情感分类（emotion category）")
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "调用说明")
    cells = [line.strip() for line in lines[start + 1:end] if line.strip()]
    table = {}
    for i, cell in enumerate(cells):
        if "，" in cell:
            table[cells[i - 1]] = (cells[i - 2], cell.split("，"))
    return table


def doc_baidu_ids() -> dict[str, set[int]]:
    text = BAIDU_DOC.read_text("utf-8")
    basic_line = next(line for line in text.splitlines() if "基础音库" in line)
    premium_line = next(line for line in text.splitlines() if line.startswith("精品音库"))
    notes = " ".join(NOTES_DOC.read_text("utf-8").split())
    deluxe_part = notes.split('"臻品" ids', 1)[1].split("large-model", 1)[0]
    large_part = notes.split("large-model ids", 1)[1].split("(names", 1)[0]
    return {
        "basic": {int(n) for n in re.findall(r"=(\d+)", basic_line.split("基础音库", 1)[1])},
        "premium": {int(n) for n in re.findall(r"=(\d+)", premium_line.split("默认", 1)[0])},
        "deluxe": {int(n) for n in re.findall(r"\d+", deluxe_part)},
        "large-model": {int(n) for n in re.findall(r"\d+", large_part)},
    }


@pytest.fixture(scope="module")
def catalogue() -> VoiceCatalogue:
    return VoiceCatalogue.load(REPO / "resources" / "voices" / "catalogue.json")


def aliyun(catalogue: VoiceCatalogue) -> dict[str, Voice]:
    return {v.id: v for v in catalogue.query(engine="aliyun")}


# -- Alibaba ------------------------------------------------------------------------------------------------------

def test_the_independent_parse_sees_the_whole_table() -> None:
    rows = doc_aliyun_rows()
    # The table header plus 149 voices; a row whose cells shifted would break these.
    assert len(rows) == 149
    assert {r["timestamps"] for r in rows} == {r["erhua"] for r in rows} == {"是", "否"}
    assert {r["quality"] for r in rows} == {"标准版", "精品版", "lite版"}
    assert len({r["id"] for r in rows}) == len(rows)


def test_every_alibaba_voice_of_the_doc_is_in_the_catalogue_with_every_column(catalogue: VoiceCatalogue) -> None:
    rows = doc_aliyun_rows()
    voices = aliyun(catalogue)
    assert [v.id for v in catalogue.query(engine="aliyun")] == [r["id"] for r in rows]  # same set, doc order
    tiers = {"标准版": "standard", "精品版": "premium", "lite版": "lite"}
    for row in rows:
        voice = voices[row["id"]]
        assert voice.vendor_voice == row["id"]
        assert voice.name == row["name"]
        assert voice.type_label == row["type"]
        assert voice.scenario_label == row["scenario"]
        assert voice.language_label == row["language"]
        assert voice.sample_rates == tuple(int(k) * 1000 for k in re.findall(r"\d+", row["rates"])), row["id"]
        assert voice.sample_rate_label == row["rates"]
        assert voice.timestamps is (row["timestamps"] == "是"), row["id"]
        assert voice.erhua is (row["erhua"] == "是"), row["id"]
        assert voice.tier_label == row["quality"]
        assert voice.tier == tiers[row["quality"]]
        assert voice.languages and voice.scenarios, row["id"]


def test_alibaba_genders_follow_the_type_column(catalogue: VoiceCatalogue) -> None:
    for voice in catalogue.query(engine="aliyun"):
        kind = voice.type_label
        if "童声" in kind or kind == "儿童音":
            assert voice.gender == "child", voice.id
        elif "女声" in kind or "女生" in kind or "姐姐" in kind:
            assert voice.gender == "female", voice.id
        elif "男声" in kind or "男生" in kind:
            assert voice.gender == "male", voice.id
        else:
            assert voice.gender is None, voice.id
    voices = aliyun(catalogue)
    assert voices["ava"].gender == "female"  # 类型 "美语女生": the doc's typo for 女声
    assert voices["zhibei_emo"].gender == "child"
    assert voices["zhifei"].gender is None  # 激昂解说


def test_emotions_match_the_docs_emotion_table(catalogue: VoiceCatalogue) -> None:
    table = doc_emotions()
    assert len(table) == 7
    voices = aliyun(catalogue)
    for voice_id, (name, categories) in table.items():
        assert voices[voice_id].name == name
        assert list(voices[voice_id].emotions) == categories
    assert {v.id for v in catalogue.query(emotion=True)} == set(table)
    for voice in catalogue.all():
        if voice.id not in table:
            assert voice.emotions == (), voice.key


def test_known_emotion_facts(catalogue: VoiceCatalogue) -> None:
    voices = aliyun(catalogue)
    assert voices["zhifeng_emo"].emotions == ("angry", "fear", "happy", "neutral", "sad", "surprise")
    assert voices["zhifeng_emo"].supports_emotion("happy")
    assert not voices["zhifeng_emo"].supports_emotion("hate")
    assert voices["zhiyan_emo"].supports_emotion("arousal")
    assert len(voices["zhimiao_emo"].emotions) == 17
    # 知甜 and 知甜_多情感 are two voices; only the second takes <emotion>.
    assert voices["zhitian"].emotions == ()
    assert voices["zhitian_emo"].emotions == ("neutral", "happy", "angry", "sad", "fear", "hate", "surprise")
    assert voices["zhitian"].tier == "premium" and voices["zhitian_emo"].tier == "standard"


def test_emotion_categories_are_the_documented_ones(catalogue: VoiceCatalogue) -> None:
    text = ALIYUN_DOC.read_text("utf-8")
    intro = next(line for line in text.splitlines() if "主要包括" in line)
    documented = re.findall(r"([a-z-]+)（", intro)
    assert catalogue.emotion_categories() == documented  # all 19 are used by some voice, in the doc's order
    assert catalogue.emotion_label("happy") == "开心"
    assert catalogue.emotion_label("happy", "en") == "Happy"


def test_ultra_hd_voices_offer_48k(catalogue: VoiceCatalogue) -> None:
    rates_48k = {v.id for v in catalogue.query(engine="aliyun", sample_rate=48000)}
    assert {"zhiqi", "zhichu"} <= rates_48k
    assert rates_48k == {r["id"] for r in doc_aliyun_rows() if "48" in r["rates"]}
    # 超高清 is a scenario in this doc, and not every 超高清场景 voice lists 48K (zhifei, zhilun).
    assert "zhifei" not in rates_48k
    assert "zhifei" in {v.id for v in catalogue.query(scenario="ultra-hd")}


def test_doc_quirks_are_handled(catalogue: VoiceCatalogue) -> None:
    voices = aliyun(catalogue)
    assert catalogue.get("aliyun", "Kyong") is voices["Kyong"]
    assert catalogue.get("aliyun", "kyong") is voices["Kyong"]  # case-insensitive fallback, vendor id kept
    assert voices["Kyong"].vendor_voice == "Kyong"
    assert voices["mashu"].languages == ("zh-CN",) and voices["mashu"].notes  # 支持语言 cell says 通用场景
    assert voices["becca"].scenarios == ("english",) and voices["becca"].notes  # 适用场景 cell says 美式英文
    assert voices["xiaoyun"].is_default and voices["xiaoyun"].tier == "lite"


# -- Baidu ----------------------------------------------------------------------------------------------------------

def test_every_baidu_id_from_the_doc_and_notes_is_present(catalogue: VoiceCatalogue) -> None:
    expected = doc_baidu_ids()
    assert len(expected["basic"]) == 4 and len(expected["premium"]) == 7
    assert len(expected["deluxe"]) == 17 and len(expected["large-model"]) == 16
    baidu = catalogue.query(engine="baidu")
    assert len(baidu) == sum(len(ids) for ids in expected.values())
    for tier, ids in expected.items():
        assert {v.vendor_voice for v in baidu if v.tier == tier} == ids, tier
    for voice in baidu:
        assert voice.id == str(voice.vendor_voice) and isinstance(voice.vendor_voice, int)
        assert voice.timestamps and voice.emotions == ()
        assert voice.languages == ("zh-CN", "en")
        assert set(voice.formats) == {"mp3-16k", "mp3-48k", "wav", "pcm-8k", "pcm-16k"}
        assert voice.sample_rates == (8000, 16000, 48000)
        assert voice.volume_range == ((0, 9) if voice.tier == "basic" else (0, 15))
        assert voice.name_known is (voice.tier in ("basic", "premium"))


def test_baidu_names_and_unknown_names(catalogue: VoiceCatalogue) -> None:
    assert catalogue.get("baidu", "5003").name == "度逍遥(精品)"
    assert catalogue.get("baidu", 3).name == "度逍遥(基础)"
    assert catalogue.get("baidu", "0").is_default and catalogue.get("baidu", "0").name == "度小美"
    unknown = catalogue.get("baidu", "4189")
    assert unknown is not None and unknown.name == "度 4189 (大模型)" and not unknown.name_known
    assert catalogue.get("baidu", "4003").name == "度 4003 (臻品)"
    assert catalogue.tiers("baidu") == ["basic", "premium", "deluxe", "large-model"]


# -- offline ------------------------------------------------------------------------------------------------------

def test_offline_voices_come_from_the_engine(catalogue: VoiceCatalogue) -> None:
    local = catalogue.query(engine="local")
    assert [v.id for v in local] == [v.id for v in LOCAL_VOICES]
    for voice, source in zip(local, LOCAL_VOICES, strict=True):
        assert voice.vendor_voice == source.espeak_name
        assert voice.gender == source.gender
        assert voice.name == source.name_zh and voice.name_en == source.name
        assert voice.sample_rates == (source.sample_rate,)
        assert voice.tier == "offline" and voice.timestamps
    assert catalogue.get("local", "local-yue").languages == ("yue-HK",)  # Cantonese, not under "zh"


# -- the file itself ----------------------------------------------------------------------------------------------

def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_voice_catalogue", BUILDER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_json_is_exactly_what_the_builder_writes(tmp_path: Path) -> None:
    builder = _builder()
    out = tmp_path / "catalogue.json"
    assert builder.main(["--vendor-dir", str(VENDOR), "--output", str(out)]) == 0
    # Text comparison (universal newlines), so a CRLF checkout on Windows still passes.
    assert out.read_text("utf-8") == catalogue_path().read_text("utf-8"), "run scripts/build_voice_catalogue.py"
    assert builder.main(["--vendor-dir", str(VENDOR), "--output", str(catalogue_path()), "--check"]) == 0


def test_the_builder_refuses_a_cell_it_does_not_know(tmp_path: Path) -> None:
    builder = _builder()
    for name in ("aliyun-nls-long-text-tts.txt", "baidu-long-text-tts.txt", "NOTES.md"):
        (tmp_path / name).write_bytes((VENDOR / name).read_bytes())
    doc = tmp_path / "aliyun-nls-long-text-tts.txt"
    doc.write_text(doc.read_text("utf-8").replace("仅支持越南语场景", "越南语与克林贡语", 1), "utf-8")
    with pytest.raises(builder.BuildError, match="越南语与克林贡语"):
        builder.build_catalogue(tmp_path)
    assert builder.main(["--vendor-dir", str(tmp_path), "--output", str(tmp_path / "out.json")]) == 2


def test_the_json_is_pretty_utf8_and_ordered() -> None:
    raw = catalogue_path().read_text("utf-8")
    assert "知锋_多情感" in raw  # not \\u-escaped
    data = json.loads(raw)
    assert data["schema"] == 1
    assert [v["engine"] for v in data["voices"]] == sorted(
        (v["engine"] for v in data["voices"]), key=["aliyun", "baidu", "local"].index)
    assert raw == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_default_catalogue_is_the_bundled_file_read_once() -> None:
    assert catalogue_path() == resources_dir() / "voices" / "catalogue.json"
    first = default_catalogue()
    assert first is default_catalogue()
    assert first.source == catalogue_path()
    assert len(first) == 149 + 44 + len(LOCAL_VOICES)


def test_broken_catalogues_raise_catalogue_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="not found"):
        VoiceCatalogue.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    with pytest.raises(CatalogueError):
        VoiceCatalogue.load(bad)
    bad.write_text(json.dumps({"schema": 99, "voices": []}), "utf-8")
    with pytest.raises(CatalogueError, match="schema"):
        VoiceCatalogue.load(bad)
    record = {"engine": "baidu", "id": "1", "name": "x", "vendor_voice": "1", "languages": ["zh-CN"],
              "sample_rates": [16000], "timestamps": True, "tier": "basic"}
    bad.write_text(json.dumps({"schema": 1, "voices": [record]}), "utf-8")
    with pytest.raises(CatalogueError, match="integer"):
        VoiceCatalogue.load(bad)
    record["vendor_voice"] = 1
    bad.write_text(json.dumps({"schema": 1, "voices": [record, record]}), "utf-8")
    with pytest.raises(CatalogueError, match="duplicate"):
        VoiceCatalogue.load(bad)
