"""Propose a cast for a book: who speaks each quote, each character's gender and age band, and a voice each.

Proposals are never applied on their own: :func:`propose_cast` only reads the book; :func:`apply_proposal`
writes voice spans and cast members when the author accepts (``studio cast P propose --accept``, the Cast
panel). Voices come from the catalogue for the narrator's engine and language: main characters (most quotes)
get distinct voices of their gender first, the narrator's voice is kept for narration, emotional voices are
preferred when the book uses emotions. A character no voice is left for is read by the narrator, and says so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from studio.core.book import Book
from studio.core.cast import Cast, CastMember
from studio.core.dialogue import attribute, build_characters, find_quotes
from studio.core.voice_span import VoiceSpan
from studio.core.voices import Voice, VoiceCatalogue

DEFAULT_MIN_CONFIDENCE = 0.5
_FEMALE_EN = ("Mrs.", "Miss", "Aunt", "Lady", "Queen", "Duchess", "Mother", "Madame", "Alice", "Dorothy")
_MALE_EN = ("Mr.", "Uncle", "King", "Sir", "Lord", "Father", "Captain", "Dr.")
_FEMALE_ZH = "妈嫂娘姑婆奶妹姐女尼妻妃后"
_MALE_ZH = ("爷", "公", "叔", "伯", "兄", "哥", "弟", "先生", "秀才", "和尚", "老爷", "大爷", "王", "帝")


@dataclass(frozen=True)
class QuoteProposal:
    """One quote (0-based chapter and paragraph, character offsets) and who probably says it."""

    chapter: int
    paragraph: int
    start: int
    end: int
    text: str
    speaker: str | None
    confidence: float
    reason: str


@dataclass
class CharacterProposal:
    name: str
    aliases: list[str]
    quotes: int
    gender: str
    age_band: str
    voice: str | None  # None: the narrator reads this character
    why: str


@dataclass
class CastProposal:
    engine: str
    narrator_voice: str
    characters: list[CharacterProposal] = field(default_factory=list)
    quotes: list[QuoteProposal] = field(default_factory=list)

    def low_confidence_first(self) -> list[QuoteProposal]:
        return sorted(self.quotes, key=lambda q: (q.confidence, q.chapter, q.paragraph, q.start))


def detect_quotes(book: Book) -> list[QuoteProposal]:
    """Every quote of the book with its proposed speaker (chapters are attributed one at a time)."""
    out: list[QuoteProposal] = []
    for ci, chapter in enumerate(book.chapters):
        texts = [p.text for p in chapter.paragraphs]
        for a in attribute(texts, find_quotes(texts)):
            q = a.quote
            out.append(QuoteProposal(ci, q.paragraph, q.start, q.end, q.text, a.speaker, a.confidence, a.reason))
    return out


def guess_gender_age(name: str, text: str) -> tuple[str, str, str]:
    """(gender, age band, why) from the name's title or suffix, then from the pronouns that follow it."""
    gender, age, why = "unknown", "adult", []
    if name.startswith(_FEMALE_EN) or (re.search(r"[\u4e00-\u9fff]", name) and any(c in name for c in _FEMALE_ZH)):
        gender, why = "female", [f"“{name}” is a woman's name or title"]
    elif name.startswith(_MALE_EN) or name.endswith(_MALE_ZH):
        gender, why = "male", [f"“{name}” is a man's name or title"]
    else:
        after: Counter[str] = Counter()
        for m in re.finditer(re.escape(name), text):
            window = text[m.end():m.end() + 60]
            after["female"] += len(re.findall(r"\b(?:she|her)\b|伊|她", window))
            after["male"] += len(re.findall(r"\b(?:he|his|him)\b|他", window))
        if after["female"] > after["male"] * 1.5:
            gender, why = "female", ["“she” follows the name more often than “he”"]
        elif after["male"] > after["female"] * 1.5:
            gender, why = "male", ["“he” follows the name more often than “she”"]
    if re.search(r"^(?:old |Old )|^老|婆$|爷爷|奶奶", name):
        age = "old"
    elif re.search(r"^(?:little |young |Little |Young )|^小|儿$|童", name):
        age = "young"
    return gender, age, "; ".join(why) or "no hint of gender in the text"


def _candidates(catalogue: VoiceCatalogue, engine: str, language: str, narrator: str,
                emotional: bool) -> list[Voice]:
    voices = [v for v in catalogue if v.engine == engine and v.id != narrator
              and (not v.languages or v.speaks(language))]
    return sorted(voices, key=lambda v: (not (emotional and v.has_emotions), v.id))


def propose_cast(book: Book, catalogue: VoiceCatalogue, *,
                 min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> CastProposal:
    """Read the book and propose speakers and voices; the book is not changed."""
    narrator = book.effective_voice(book.chapters[0]) if book.chapters else book.default_voice
    engine, narrator_voice = narrator.engine or "local", narrator.voice or ""
    quotes = detect_quotes(book)
    speakers = [q.speaker for q in quotes if q.speaker and q.confidence >= min_confidence]
    emotional = any(p.emotions for c in book.chapters for p in c.paragraphs)
    pool = _candidates(catalogue, engine, book.language, narrator_voice, emotional)
    used: Counter[str] = Counter()
    all_text = "\n".join(p.text for c in book.chapters for p in c.paragraphs)
    proposal = CastProposal(engine, narrator_voice, quotes=quotes)
    for ch in build_characters(speakers):
        gender, age, why = guess_gender_age(ch.name, all_text)
        wanted = "child" if age == "young" and any(v.gender == "child" for v in pool) else gender
        fits = [v for v in pool if wanted == "unknown" or v.gender == wanted] or \
            [v for v in pool if gender == "unknown" or v.gender == gender]
        fresh = [v for v in fits if not used[v.id]]
        if fresh:
            voice, note = fresh[0].id, "a voice of its own"
        elif fits:
            voice = min(fits, key=lambda v: used[v.id]).id
            note = "no distinct voice left: shares one"
        else:
            voice, note = None, f"no other voice of that kind for {engine}: the narrator reads it"
        if voice:
            used[voice] += 1
        proposal.characters.append(CharacterProposal(ch.name, ch.aliases, ch.quotes, gender, age, voice,
                                                     f"{why}; {note}"))
    return proposal


def apply_proposal(book: Book, proposal: CastProposal, cast: Cast, *,
                   min_confidence: float = DEFAULT_MIN_CONFIDENCE,
                   only: Iterable[str] | None = None) -> int:
    """Accept the proposal: add its characters to ``cast`` (existing ones keep their voices) and give each
    attributed quote a voice span. Returns the number of spans written; quotes already covered by a span the
    author set are left alone."""
    names = set(only) if only is not None else None
    for c in proposal.characters:
        if names is not None and c.name not in names:
            continue
        member = cast.find(c.name)
        if member is None:
            cast.members.append(CastMember(c.name, list(c.aliases), c.gender, c.age_band, notes=c.why,
                                           voices={proposal.engine: c.voice} if c.voice else {}))
    written = 0
    for q in proposal.quotes:
        if not q.speaker or q.confidence < min_confidence or (names is not None and q.speaker not in names):
            continue
        member = cast.find(q.speaker)
        if member is None:
            continue
        para = book.chapters[q.chapter].paragraphs[q.paragraph]
        if any(v.start < q.end and q.start < v.end for v in para.voices):
            continue
        para.voices = sorted([*para.voices, VoiceSpan(q.start, q.end, member.name)], key=lambda v: v.start)
        written += 1
    return written
