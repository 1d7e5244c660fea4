"""Catalogue queries: each filter returns exactly the voices the raw JSON records say it should.

Why expectations come from the raw records: they are computed with plain predicates over the JSON, independent
of VoiceCatalogue's code, so a filter that silently drops or adds voices fails here; a few hand-picked facts
from the vendor docs pin the meaning on top of that.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from studio.core.voices import Voice, VoiceCatalogue, catalogue_path

Record = dict[str, Any]


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return json.loads(catalogue_path().read_text("utf-8"))["voices"]


@pytest.fixture(scope="module")
def catalogue() -> VoiceCatalogue:
    return VoiceCatalogue.load(catalogue_path())


def keys(voices: list[Voice]) -> list[str]:
    return [v.key for v in voices]


def expected(records: list[Record], predicate: Callable[[Record], bool]) -> list[str]:
    return [f"{r['engine']}:{r['id']}" for r in records if predicate(r)]


def test_no_filter_is_everything(catalogue: VoiceCatalogue, records: list[Record]) -> None:
    assert keys(catalogue.query()) == keys(catalogue.all()) == expected(records, lambda r: True)


@pytest.mark.parametrize("engine", ["aliyun", "baidu", "local"])
def test_engine(catalogue: VoiceCatalogue, records: list[Record], engine: str) -> None:
    assert keys(catalogue.query(engine=engine)) == expected(records, lambda r: r["engine"] == engine)


@pytest.mark.parametrize("language", ["zh", "zh-CN", "zh-TW", "en", "en-US", "en-GB", "yue", "ja", "ko", "fil"])
def test_language_is_a_subtag_prefix(catalogue: VoiceCatalogue, records: list[Record], language: str) -> None:
    def speaks(r: Record) -> bool:
        return any(c == language or c.startswith(language + "-") for c in r["languages"])

    result = catalogue.query(language=language)
    assert result, language
    assert keys(result) == expected(records, speaks)


def test_language_meaning(catalogue: VoiceCatalogue) -> None:
    zh = {v.id for v in catalogue.query(engine="aliyun", language="zh")}
    en = {v.id for v in catalogue.query(engine="aliyun", language="en")}
    yue = {v.key for v in catalogue.query(language="yue")}
    assert "qingqing" in zh  # zh-TW is under zh
    assert "shanshan" not in zh and "kelly" not in zh  # Cantonese is yue, not zh
    assert yue == {"aliyun:shanshan", "aliyun:jiajia", "aliyun:taozi", "aliyun:kelly",
                   "local:local-yue", "local:local-yue-f"}
    assert "zhifeng_emo" in en  # 中文及中英文混合场景: Chinese voices that read English are English-capable
    assert "zhibing_emo" not in en  # 纯中文场景
    assert {"harry", "becca", "abby_ecmix"} <= en and "abby_ecmix" in zh
    assert catalogue.query(language="EN") == catalogue.query(language="en")
    assert {v.id for v in catalogue.query(language="en-GB", engine="aliyun")} == {
        "harry", "eric", "emily", "luna", "luca", "wendy", "william", "olivia"}


@pytest.mark.parametrize("gender", ["female", "male", "child"])
def test_gender(catalogue: VoiceCatalogue, records: list[Record], gender: str) -> None:
    assert keys(catalogue.query(gender=gender)) == expected(records, lambda r: r["gender"] == gender)


def test_unknown_gender(catalogue: VoiceCatalogue, records: list[Record]) -> None:
    assert keys(catalogue.query(gender="unknown")) == expected(records, lambda r: r["gender"] is None)
    assert catalogue.genders() == ["female", "male", "child", "unknown"]


def test_emotion_any_and_specific(catalogue: VoiceCatalogue, records: list[Record]) -> None:
    assert keys(catalogue.query(emotion=True)) == expected(records, lambda r: bool(r["emotions"]))
    assert keys(catalogue.query(emotion=False)) == expected(records, lambda r: not r["emotions"])
    for category in catalogue.emotion_categories():
        assert keys(catalogue.query(emotion=category)) == expected(records, lambda r, c=category: c in r["emotions"])
    assert {v.id for v in catalogue.query(emotion="happy")} == {
        "zhifeng_emo", "zhibing_emo", "zhimiao_emo", "zhimi_emo", "zhiyan_emo", "zhibei_emo", "zhitian_emo"}
    assert {v.id for v in catalogue.query(emotion="hate")} == {"zhimi_emo", "zhiyan_emo", "zhibei_emo", "zhitian_emo"}
    assert {v.id for v in catalogue.query(emotion="story")} == {"zhimiao_emo"}
    assert {v.id for v in catalogue.query(emotion="arousal")} == {"zhiyan_emo"}
    assert catalogue.query(emotion="HAPPY") == catalogue.query(emotion="happy")
    assert catalogue.query(emotion="no-such-emotion") == []


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 24000, 48000])
def test_sample_rate(catalogue: VoiceCatalogue, records: list[Record], rate: int) -> None:
    assert keys(catalogue.query(sample_rate=rate)) == expected(records, lambda r: rate in r["sample_rates"])


def test_24k_voices(catalogue: VoiceCatalogue) -> None:
    ids = {v.id for v in catalogue.query(sample_rate=24000)}
    assert {"zhifeng_emo", "ruoxi", "siyue", "wendy", "shanshan", "zhiqi", "david", "eva_ecmix"} <= ids
    assert not ids & {"xiaoyun", "aiqi", "zhimi_emo", "eva"}
    assert all(v.engine == "aliyun" for v in catalogue.query(sample_rate=24000))


def test_timestamps(catalogue: VoiceCatalogue, records: list[Record]) -> None:
    assert keys(catalogue.query(timestamps=True)) == expected(records, lambda r: r["timestamps"])
    assert keys(catalogue.query(timestamps=False)) == expected(records, lambda r: not r["timestamps"])
    assert len(catalogue.query(engine="aliyun", timestamps=False)) == 32  # 否 in the doc's column
    assert all(v.engine == "aliyun" for v in catalogue.query(timestamps=False))


def test_tier_by_key_or_vendor_label(catalogue: VoiceCatalogue, records: list[Record]) -> None:
    for tier in catalogue.tiers():
        assert keys(catalogue.query(tier=tier)) == expected(records, lambda r, t=tier: r["tier"] == t)
    assert {v.id for v in catalogue.query(tier="lite")} == {"xiaoyun", "xiaogang"}
    assert catalogue.query(tier="精品版") == catalogue.query(engine="aliyun", tier="premium")
    assert len(catalogue.query(engine="aliyun", tier="premium")) == 28
    assert catalogue.query(tier="臻品音库") == catalogue.query(tier="deluxe")
    assert catalogue.tiers() == ["lite", "basic", "standard", "premium", "deluxe", "large-model", "offline"]
    assert catalogue.tiers("aliyun") == ["lite", "standard", "premium"]


def test_scenario_by_key_label_or_vendor_cell(catalogue: VoiceCatalogue, records: list[Record]) -> None:
    for scenario in catalogue.scenarios():
        assert keys(catalogue.query(scenario=scenario)) == expected(records, lambda r, s=scenario: s in r["scenarios"])
    literature = catalogue.query(scenario="literature")
    assert len(literature) == 15
    assert catalogue.query(scenario="文学") == catalogue.query(scenario="文学场景") == literature
    # "客服" as a cell (zhiya) and "客服场景" both normalize to customer-service, as do 客服数字人 voices.
    service = {v.id for v in catalogue.query(scenario="customer-service")}
    assert {"zhiya", "siyue", "zhishuo", "aixia"} <= service
    assert catalogue.query(scenario="直播场景") == [v for v in catalogue.all() if v.scenario_label == "直播场景"]


def test_text_search(catalogue: VoiceCatalogue, records: list[Record]) -> None:
    def hit(term: str) -> Callable[[Record], bool]:
        fields = ("name", "name_en", "id", "type_label", "scenario_label", "language_label")
        return lambda r: any(term.lower() in (r[f] or "").lower() for f in fields)

    for term in ("知甜", "多情感", "beth", "粤语", "BETH", "度", "英音", "离线", "Mandarin"):
        assert keys(catalogue.query(text=term)) == expected(records, hit(term)), term
    assert {v.id for v in catalogue.query(text="知甜")} == {"zhitian", "zhitian_emo"}
    assert {v.id for v in catalogue.query(text="beth")} == {"beth", "beth_ecmix"}
    assert {v.id for v in catalogue.query(text="美式 男声 ecmix")} == {"andy_ecmix", "brian_ecmix", "david_ecmix"}


def test_filters_combine(catalogue: VoiceCatalogue, records: list[Record]) -> None:
    result = catalogue.query(engine="aliyun", language="zh", gender="male", timestamps=True, tier="premium")
    assert keys(result) == expected(records, lambda r: r["engine"] == "aliyun" and r["gender"] == "male"
                                    and r["timestamps"] and r["tier"] == "premium"
                                    and any(c.startswith("zh") for c in r["languages"]))
    assert {v.id for v in catalogue.query(emotion=True, gender="male")} == {"zhifeng_emo", "zhibing_emo"}
    assert {v.id for v in catalogue.query(emotion=True, sample_rate=24000)} == {"zhifeng_emo", "zhibing_emo"}


def test_get_and_find(catalogue: VoiceCatalogue) -> None:
    assert catalogue.get("aliyun", "zhifeng_emo").name == "知锋_多情感"
    assert catalogue.get("baidu", "zhifeng_emo") is None
    assert catalogue.get("aliyun", "nobody") is None
    assert keys(catalogue.find("xiaoyun")) == ["aliyun:xiaoyun"]
    assert keys(catalogue.find("local-cmn")) == ["local:local-cmn"]
    assert keys(catalogue.find(4189)) == ["baidu:4189"]
    assert catalogue.find("nobody") == []
    assert catalogue.default_voice("aliyun").id == "xiaoyun"
    assert catalogue.default_voice("baidu").id == "0"
    assert catalogue.default_voice("local").id == "local-cmn"


def test_facets(catalogue: VoiceCatalogue) -> None:
    assert catalogue.engines() == ["aliyun", "baidu", "local"]
    assert catalogue.scenarios()[0] == "general"
    assert "ultra-hd" in catalogue.scenarios()
    assert catalogue.scenario_label("ultra-hd") == "超高清"
    assert catalogue.tier_label("deluxe", "en") == "Deluxe"
    languages = catalogue.languages()
    assert languages == sorted(languages)
    assert {"zh-CN", "zh-TW", "yue", "yue-HK", "en", "en-US", "en-GB", "ja", "ko", "ru", "es", "it", "fr", "de",
            "th", "vi", "id", "ms", "fil"} == set(languages)
    assert catalogue.engine_info("baidu")["formats"]["mp3-48k"] == 48000
    assert catalogue.engine_info("aliyun")["volume_range"] == [0, 100]


def test_voice_records_round_trip(catalogue: VoiceCatalogue, records: list[Record]) -> None:
    for voice, record in zip(catalogue.all(), records, strict=True):
        assert voice.to_dict() == record
        assert Voice.from_dict(voice.to_dict()) == voice
    voice = catalogue.get("aliyun", "harry")
    assert voice.display_name("en") == "Harry" and catalogue.get("aliyun", "xiaoyun").display_name("en") == "小云"
    assert catalogue.get("local", "local-cmn").display_name("en") == "Mandarin, male (offline)"
    assert voice.primary_language == "en-GB"
