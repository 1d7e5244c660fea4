"""The voice catalogue: every voice of every engine as one uniform record, and the queries the picker needs.

Why data plus a thin reader: the voices (~150 Alibaba, ~40 Baidu, the offline ones) and their capabilities come
from the vendors' documentation, which changes by itself. ``scripts/build_voice_catalogue.py`` turns the
documents in ``docs/vendor/`` into ``resources/voices/catalogue.json``; this module only reads that JSON, so the
packaged app carries data, not parsers, and a catalogue update is a data change.

Conventions the queries rely on (and the GUI, CLI and engines can count on):

* ``Voice.id`` is a string for every engine (Baidu's integer ids as decimal strings, e.g. ``"5003"``), so one
  ``(engine, id)`` pair names a voice everywhere; ``Voice.vendor_voice`` is the value the vendor request
  takes (``str`` for Alibaba, ``int`` for Baidu, the espeak voice name for the offline engine).
* ``languages`` are BCP 47-style codes: ``zh-CN`` (Mandarin), ``zh-TW`` (Taiwan Mandarin), ``yue``/``yue-HK``
  (Cantonese, deliberately *not* under ``zh``), ``en``/``en-US``/``en-GB``, ``ja``, ``ko``... A voice the
  vendor describes as Chinese-English mixed lists both ``zh-CN`` and ``en`` (primary language first), so a
  language filter answers "can this voice read text in that language", not "is it a native voice of it".
  A language filter matches by prefix on subtags: ``"zh"`` finds ``zh-CN`` and ``zh-TW``, ``"en"`` finds
  ``en``, ``en-US`` and ``en-GB``; ``"en-US"`` finds only ``en-US``.
* ``gender`` is ``"female"``, ``"male"``, ``"child"`` or ``None`` when the vendor does not say (Baidu's
  documentation gives no gender; some Alibaba types such as 激昂解说 do not either).
* ``tier`` keys: ``lite``/``standard``/``premium`` (Alibaba 声音品质), ``basic``/``premium``/``deluxe``
  (臻品)/``large-model`` (Baidu), ``offline``. ``tiers()`` lists them from plain to best.
* ``emotions`` are the categories the voice accepts in ``<emotion category="..">`` (Alibaba multi-emotion
  voices only), in the vendor's order; empty for every other voice.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.core.errors import StudioError
from studio.paths import resources_dir

__all__ = [
    "ENGINES",
    "CatalogueError",
    "Voice",
    "VoiceCatalogue",
    "catalogue_path",
    "default_catalogue",
]

SCHEMA_VERSION = 1
ENGINES = ("aliyun", "baidu", "local")
GENDERS = ("female", "male", "child")


class CatalogueError(StudioError):
    """The bundled catalogue is missing or malformed: a packaging or build bug, not something a user did."""


@dataclass(frozen=True)
class Voice:
    """One voice of one engine. Immutable and hashable, so it can key caches and sit in sets.

    Raw vendor text is kept next to every normalized value (``type_label``, ``language_label``,
    ``scenario_label``, ``sample_rate_label``, ``tier_label``) so the picker can show the vendor's own words
    while filtering on keys.
    """

    engine: str
    id: str
    name: str
    vendor_voice: str | int
    name_en: str | None = None
    name_known: bool = True
    type_label: str = ""
    gender: str | None = None
    styles: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    language_label: str = ""
    scenarios: tuple[str, ...] = ()
    scenario_label: str = ""
    sample_rates: tuple[int, ...] = ()
    sample_rate_label: str = ""
    timestamps: bool = False
    erhua: bool = False
    tier: str = ""
    tier_label: str = ""
    emotions: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    volume_range: tuple[int, int] | None = None
    is_default: bool = False
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def key(self) -> str:
        """``engine:id``: unique across the catalogue (ids alone are not: e.g. Alibaba and Baidu could clash)."""
        return f"{self.engine}:{self.id}"

    @property
    def has_emotions(self) -> bool:
        return bool(self.emotions)

    @property
    def primary_language(self) -> str | None:
        return self.languages[0] if self.languages else None

    def supports_emotion(self, category: str) -> bool:
        """Whether ``<emotion category=..>`` with this category is accepted (the vendor rejects the rest)."""
        return category.strip().lower() in self.emotions

    def speaks(self, language: str) -> bool:
        """Whether the voice can read text in ``language`` (prefix match on subtags, case-insensitive)."""
        return any(_language_matches(code, language) for code in self.languages)

    def display_name(self, ui_language: str = "zh") -> str:
        """The name to show: the vendor's (usually Chinese) name, or the English one in an English UI."""
        if ui_language.lower().startswith("en") and self.name_en:
            return self.name_en
        return self.name

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (for ``studio voices --json`` and project files)."""
        return {
            "engine": self.engine, "id": self.id, "vendor_voice": self.vendor_voice, "name": self.name,
            "name_en": self.name_en, "name_known": self.name_known, "type_label": self.type_label,
            "gender": self.gender, "styles": list(self.styles), "languages": list(self.languages),
            "language_label": self.language_label, "scenarios": list(self.scenarios),
            "scenario_label": self.scenario_label, "sample_rates": list(self.sample_rates),
            "sample_rate_label": self.sample_rate_label, "timestamps": self.timestamps, "erhua": self.erhua,
            "tier": self.tier, "tier_label": self.tier_label,
            "emotions": list(self.emotions), "formats": list(self.formats),
            "volume_range": list(self.volume_range) if self.volume_range else None,
            "is_default": self.is_default, "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Voice:
        """Build from one catalogue record; raises CatalogueError naming the record if it is malformed."""
        where = f"{data.get('engine')!r}:{data.get('id')!r}"
        try:
            engine = data["engine"]
            if engine not in ENGINES:
                raise CatalogueError(f"voice {where}: unknown engine")
            vendor_voice = data["vendor_voice"]
            if engine == "baidu" and not isinstance(vendor_voice, int):
                raise CatalogueError(f"voice {where}: Baidu vendor_voice must be an integer")
            if engine != "baidu" and not isinstance(vendor_voice, str):
                raise CatalogueError(f"voice {where}: vendor_voice must be a string")
            gender = data.get("gender")
            if gender is not None and gender not in GENDERS:
                raise CatalogueError(f"voice {where}: unknown gender {gender!r}")
            volume = data.get("volume_range")
            return cls(
                engine=engine,
                id=str(data["id"]),
                name=str(data["name"]),
                vendor_voice=vendor_voice,
                name_en=data.get("name_en"),
                name_known=bool(data.get("name_known", True)),
                type_label=str(data.get("type_label", "")),
                gender=gender,
                styles=tuple(data.get("styles", ())),
                languages=tuple(data["languages"]),
                language_label=str(data.get("language_label", "")),
                scenarios=tuple(data.get("scenarios", ())),
                scenario_label=str(data.get("scenario_label", "")),
                sample_rates=tuple(int(rate) for rate in data["sample_rates"]),
                sample_rate_label=str(data.get("sample_rate_label", "")),
                timestamps=bool(data["timestamps"]),
                erhua=bool(data.get("erhua", False)),
                tier=str(data["tier"]),
                tier_label=str(data.get("tier_label", "")),
                emotions=tuple(data.get("emotions", ())),
                formats=tuple(data.get("formats", ())),
                volume_range=(int(volume[0]), int(volume[1])) if volume else None,
                is_default=bool(data.get("is_default", False)),
                notes=tuple(data.get("notes", ())),
            )
        except (KeyError, TypeError, ValueError, IndexError) as err:
            raise CatalogueError(f"voice {where}: malformed record ({err!r})") from err


def _language_matches(code: str, wanted: str) -> bool:
    code, wanted = code.lower(), wanted.strip().lower()
    return bool(wanted) and (code == wanted or code.startswith(wanted + "-"))


def catalogue_path() -> Path:
    """Where the bundled catalogue lives (source checkout or PyInstaller bundle)."""
    return resources_dir() / "voices" / "catalogue.json"


class VoiceCatalogue:
    """All voices plus the label tables for emotions, scenarios and tiers. Read-only after construction."""

    def __init__(self, voices: Sequence[Voice], *, emotion_categories: Sequence[Mapping[str, str]] = (),
                 scenarios: Sequence[Mapping[str, str]] = (), tiers: Sequence[Mapping[str, Any]] = (),
                 engines: Mapping[str, Mapping[str, Any]] | None = None, source: Path | None = None) -> None:
        self._voices: tuple[Voice, ...] = tuple(voices)
        self.source = source
        self._by_key: dict[tuple[str, str], Voice] = {}
        self._by_folded_key: dict[tuple[str, str], Voice] = {}
        for voice in self._voices:
            if (voice.engine, voice.id) in self._by_key:
                raise CatalogueError(f"duplicate voice {voice.key}")
            self._by_key[(voice.engine, voice.id)] = voice
            self._by_folded_key.setdefault((voice.engine, voice.id.lower()), voice)
        self._emotion_info = {str(e["key"]): dict(e) for e in emotion_categories}
        self._scenario_info = {str(s["key"]): dict(s) for s in scenarios}
        self._tier_info = {str(t["key"]): dict(t) for t in tiers}
        self._engines = {name: dict(info) for name, info in (engines or {}).items()}

    # -- construction -------------------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path | None = None) -> VoiceCatalogue:
        """Read a catalogue JSON (default: the bundled one). Use default_catalogue() for the shared instance."""
        path = path or catalogue_path()
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise CatalogueError(f"voice catalogue not found: {path}") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise CatalogueError(f"voice catalogue {path} cannot be read: {err}") from err
        return cls.from_dict(data, source=path)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: Path | None = None) -> VoiceCatalogue:
        """Build from already-parsed catalogue data (what the builder writes)."""
        if not isinstance(data, Mapping) or data.get("schema") != SCHEMA_VERSION:
            schema = data.get("schema") if isinstance(data, Mapping) else None
            raise CatalogueError(f"voice catalogue schema {schema!r} is not supported (expected {SCHEMA_VERSION})")
        voices = data.get("voices")
        if not isinstance(voices, list) or not voices:
            raise CatalogueError("voice catalogue has no voices")
        return cls([Voice.from_dict(record) for record in voices],
                   emotion_categories=data.get("emotion_categories", ()), scenarios=data.get("scenarios", ()),
                   tiers=data.get("tiers", ()), engines=data.get("engines"), source=source)

    # -- lookup -------------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._voices)

    def __iter__(self) -> Iterator[Voice]:
        return iter(self._voices)

    def all(self) -> list[Voice]:
        """Every voice: Alibaba in the vendor's table order, then Baidu, then offline."""
        return list(self._voices)

    def get(self, engine: str, voice_id: str | int) -> Voice | None:
        """The voice, or None. Ids match exactly first, then case-insensitively (Alibaba's "Kyong")."""
        voice_id = str(voice_id).strip()
        return self._by_key.get((engine, voice_id)) or self._by_folded_key.get((engine, voice_id.lower()))

    def find(self, voice_id: str | int) -> list[Voice]:
        """Voices with this id on any engine (for ``--voice`` without ``--engine``): one normally, several if
        engines share an id, none if unknown."""
        found = [voice for engine in ENGINES if (voice := self.get(engine, voice_id)) is not None]
        return found

    def default_voice(self, engine: str, language: str | None = None) -> Voice | None:
        """The vendor's own default voice for the engine (xiaoyun, 度小美, the first offline voice).

        With ``language`` (a book's language, "en"): the default if it speaks that language, else the engine's
        first voice that does, so an English book is not planned with a Mandarin voice; the plain default if
        the engine has none.
        """
        default = next((v for v in self._voices if v.engine == engine and v.is_default), None)
        if not language or (default is not None and default.speaks(language)):
            return default
        return next((v for v in self._voices if v.engine == engine and v.speaks(language)), default)

    # -- queries ------------------------------------------------------------------------------------------------

    def query(self, *, engine: str | None = None, language: str | None = None, gender: str | None = None,
              scenario: str | None = None, emotion: str | bool | None = None, sample_rate: int | None = None,
              timestamps: bool | None = None, tier: str | None = None, text: str | None = None) -> list[Voice]:
        """Voices matching every given filter (None = no filter), in catalogue order.

        * ``language``: prefix match on subtags (``"zh"`` -> zh-CN, zh-TW; ``"en"`` includes zh/en mixed voices).
        * ``gender``: female/male/child, or ``"unknown"`` for voices whose gender the vendor does not state.
        * ``scenario``: a key (``"literature"``), its Chinese label (``"文学"``) or the vendor's cell
          (``"文学场景"``).
        * ``emotion``: True = any multi-emotion voice, False = none, a category (``"happy"``) = voices accepting it.
        * ``sample_rate``: voices offering exactly this rate in Hz.
        * ``tier``: a key (``"premium"``) or the vendor's label (``"精品版"``).
        * ``text``: whitespace-separated terms, all of which must occur (case-insensitive) in the name, English
          name, id, type, scenario label or language label.
        """
        result = []
        terms = text.lower().split() if text else []
        for voice in self._voices:
            if engine is not None and voice.engine != engine:
                continue
            if language is not None and not voice.speaks(language):
                continue
            if gender is not None and voice.gender != (None if gender == "unknown" else gender):
                continue
            if scenario is not None and not self._scenario_matches(voice, scenario):
                continue
            if emotion is not None and not _emotion_matches(voice, emotion):
                continue
            if sample_rate is not None and sample_rate not in voice.sample_rates:
                continue
            if timestamps is not None and voice.timestamps != timestamps:
                continue
            if tier is not None and tier.strip().lower() not in (voice.tier.lower(), voice.tier_label.lower()):
                continue
            if terms and not _text_matches(voice, terms):
                continue
            result.append(voice)
        return result

    def _scenario_matches(self, voice: Voice, scenario: str) -> bool:
        wanted = scenario.strip().lower()
        if wanted and wanted == voice.scenario_label.lower():
            return True
        for key in voice.scenarios:
            info = self._scenario_info.get(key, {})
            if wanted in (key.lower(), str(info.get("label_zh", "")).lower(), str(info.get("label_en", "")).lower()):
                return True
        return False

    # -- facets (what the picker's filter menus offer) ----------------------------------------------------------

    def emotion_categories(self) -> list[str]:
        """Every emotion category some voice accepts, in the vendor's documented order."""
        present = {category for voice in self._voices for category in voice.emotions}
        ordered = [key for key in self._emotion_info if key in present]
        return ordered + sorted(present - set(ordered))

    def scenarios(self) -> list[str]:
        """Scenario keys in use, in the catalogue's order (general first)."""
        present = {key for voice in self._voices for key in voice.scenarios}
        ordered = [key for key in self._scenario_info if key in present]
        return ordered + sorted(present - set(ordered))

    def tiers(self, engine: str | None = None) -> list[str]:
        """Tier keys in use (for one engine, or all), from plain to best."""
        present = {voice.tier for voice in self._voices if engine is None or voice.engine == engine}
        return sorted(present, key=lambda key: (self._tier_info.get(key, {}).get("rank", 99), key))

    def languages(self) -> list[str]:
        """Every language code some voice lists, sorted."""
        return sorted({code for voice in self._voices for code in voice.languages})

    def genders(self) -> list[str]:
        """Genders in use, plus "unknown" if some voices have none (the value ``query(gender=..)`` accepts)."""
        present = {voice.gender for voice in self._voices}
        return [g for g in GENDERS if g in present] + (["unknown"] if None in present else [])

    def engines(self) -> list[str]:
        present = {voice.engine for voice in self._voices}
        return [engine for engine in ENGINES if engine in present]

    # -- labels and engine facts --------------------------------------------------------------------------------

    def emotion_label(self, category: str, ui_language: str = "zh") -> str:
        """The vendor's Chinese label (开心 for happy) or an English one; the key itself if unknown."""
        return _label(self._emotion_info.get(category), ui_language, category)

    def scenario_label(self, key: str, ui_language: str = "zh") -> str:
        return _label(self._scenario_info.get(key), ui_language, key)

    def tier_label(self, key: str, ui_language: str = "zh") -> str:
        return _label(self._tier_info.get(key), ui_language, key)

    def engine_info(self, engine: str) -> dict[str, Any]:
        """Engine-wide facts from the docs (formats, parameter ranges, default voice, text limit)."""
        return dict(self._engines.get(engine, {}))


def _label(info: Mapping[str, Any] | None, ui_language: str, fallback: str) -> str:
    if not info:
        return fallback
    key = "label_en" if ui_language.lower().startswith("en") else "label_zh"
    return str(info.get(key) or fallback)


def _emotion_matches(voice: Voice, emotion: str | bool) -> bool:
    if isinstance(emotion, bool):
        return voice.has_emotions == emotion
    return voice.supports_emotion(emotion)


def _text_matches(voice: Voice, terms: Sequence[str]) -> bool:
    haystack = "\n".join(part for part in (voice.name, voice.name_en or "", voice.id, voice.type_label,
                                           voice.scenario_label, voice.language_label) if part).lower()
    return all(term in haystack for term in terms)


@functools.lru_cache(maxsize=1)
def default_catalogue() -> VoiceCatalogue:
    """The bundled catalogue, read once per process (it is immutable, so sharing it across threads is safe)."""
    return VoiceCatalogue.load()
