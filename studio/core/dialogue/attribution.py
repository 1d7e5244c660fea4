"""Propose a speaker for every quote, with a confidence and the reason, from the words around it.

Rules in the order they are tried (the first that answers wins):

1. a word in quotes inside narration (a title, a name, a sign) is not speech: it stays with the narrator;
2. a tag right before the quote ("靖曰：", "玄德谓关、张曰：", "At last the Dodo said,");
3. a tag right after it ("阿Q歪着头说。", "said the Dodo", "the Dodo replied", "said he");
4. a quote that continues one in the same paragraph or one left open at the end of the last paragraph;
5. a tag ending the previous paragraph ("……唱道：" then the quote on a line of its own);
6. back-and-forth dialogue: an untagged quote paragraph answers the previous one, so it goes to the other
   person of the conversation.

Pronouns (he/she/他/伊) are resolved to the last character named before the quote. Anything else stays
with the narrator (speaker ``None``): a wrong character is worse than the narrator's voice.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from studio.core.dialogue.names import (
    CJK,
    CJK_SURNAMES,
    FEMALE_TITLES,
    MALE_TITLES,
    cjk_name,
    en_name,
    ngram_counts,
    proper_nouns,
)
from studio.core.dialogue.quotes import Quote

_ZH_VERB = r"(?:笑道|说道|问道|叫道|喝道|嚷道|唱道|骂道|答道|应道|叹道|说|道|曰|问|答|叫|喊|嚷|骂|想|云|言|唱|应|吩咐)"
_EN_VERB = (r"(?:said|says|asked|replied|answered|cried|shouted|exclaimed|remarked|added|continued|returned|"
            r"repeated|whispered|murmured|muttered|thought|began|went on|pleaded|sighed|called(?: out)?|observed|"
            r"interrupted|inquired|screamed|growled|retorted|rejoined|resumed|explained|declared|suggested|urged|"
            r"protested|roared|yelled|snapped|groaned|answered|panted|sobbed|laughed|demanded|asks|cries)")
_EN_SUBJ = (r"((?:the|our|poor|little|old|young)\s+(?:[\w’'.\-]+\s+){0,2}?[\w’'.\-]+"
            r"(?=\s*(?:[,.;:!?—)]|$|\s+\w+ly\b|\s+(?:to|in|with|as|and|at|for|without|on|once|quite)\b))"
            r"|[A-Z][\w’'.\-]*(?:\s+[A-Z][\w’'.\-]*)*|he|she|I|it|they)")
_EN_BETWEEN = r"(?:(?:\w+ly|then|again|at\s+once|at\s+last|once\s+more|to\s+\w+self)\s+){0,2}"


_COMPOUND_SURNAMES = {"皇甫", "诸葛", "司马", "欧阳", "夏侯", "公孙", "上官", "慕容", "东方", "令狐", "尉迟", "长孙"}


@dataclass(frozen=True)
class Attribution:
    """Who says a quote (``None`` = the narrator), how sure we are (0..1) and why, in words."""

    quote: Quote
    speaker: str | None
    confidence: float
    reason: str


def _is_cjk(text: str) -> bool:
    return bool(CJK.search(text))


def _mention(q: Quote, before: str, after: str, cjk: bool) -> bool:
    """A short quoted word inside a sentence, with no speech punctuation: a title or a term, not speech."""
    inner = q.inner.strip()
    if q.runs_on or not inner:
        return False
    ends_speech = inner[-1] in "。！？…—!?.,，—"
    if cjk:
        opens_speech = before.rstrip().endswith(("：", ":")) or not before.strip()
        return len(inner) <= 8 and not ends_speech and not opens_speech
    opens_speech = before.rstrip().endswith((":", ",", "—")) or not before.strip()
    return len(inner.split()) <= 4 and not ends_speech and not opens_speech


class _Attributor:
    def __init__(self, paragraphs: list[str]) -> None:
        self.paragraphs = paragraphs
        self.freq: Counter[str] = ngram_counts(paragraphs)
        self.known: Counter[str] = Counter()
        self.proper = proper_nouns(paragraphs)
        self.subjects: Counter[str] = Counter()  # raw names of speech tags, pronouns and short names included
        self.earlier_subjects: Counter[str] = Counter()  # the same, counted by the previous pass

    # --- tags -------------------------------------------------------------------------------------------
    def zh_before(self, before: str) -> str | bool | None:
        """Name from "X……曰：" right before the quote; False when there is no such tag."""
        m = re.search(rf"{_ZH_VERB}[^。！？，,：:]{{0,2}}[：:，,]?\s*$", before)
        if not m or not before.strip():
            return False
        clause = re.split(r"[。！？；;：:”」…]", before[: m.start()])[-1]
        if not clause.strip():
            return False
        return self.zh_subject(clause)

    def zh_subject(self, clause: str) -> str | None:
        """The speaker of a clause like "两军相对，玄德出马，……扬鞭大骂": the name opening the verb's own part,
        else the nearest earlier part that opens with a known character, else the sentence's first words."""
        parts = [p for p in re.split(r"[，,]", clause) if p.strip()]
        if not parts:
            return None
        own = cjk_name(parts[-1], self.freq)
        if (own and own in self.known) or (own and len(parts) == 1):
            return own
        for part in reversed(parts[:-1]):
            for name in sorted(self.known, key=len, reverse=True):
                if _is_cjk(name) and part.strip().startswith(name):
                    return name
        return cjk_name(parts[0], self.freq)

    def zh_after(self, after: str) -> str | bool | None:
        clause = re.split(r"[。！？“「]", after, maxsplit=1)[0]
        verb = re.search(_ZH_VERB, clause)
        if verb is None or not clause.strip():
            return False
        return self.zh_subject(clause[: verb.start()] or clause)

    def en_before(self, before: str) -> str | bool | None:
        sentence = re.split(r"(?<=[.!?”)])\s+", before.strip())[-1] if before.strip() else ""
        if not sentence or not re.search(r"[,:—]\s*$|\b" + _EN_VERB + r"\s*$", sentence):
            return False
        m = re.search(rf"\b{_EN_VERB}\s+{_EN_SUBJ}\s*[,:—]?\s*$", sentence)
        if m:
            return en_name(m.group(1)) or None
        m = re.search(rf"(?:^|[\s(,;])(?:{_EN_SUBJ})\s+{_EN_BETWEEN}{_EN_VERB}\b", sentence)
        if m:
            return en_name(m.group(1)) or None
        return False

    def en_after(self, after: str) -> str | bool | None:
        clause = re.split(r"[.;!?“]", after, maxsplit=1)[0]
        m = re.match(rf"[\s,—)]*{_EN_VERB}\s+{_EN_SUBJ}", clause)
        if m:
            return en_name(m.group(1)) or None
        m = re.match(rf"[\s,—)]*{_EN_SUBJ}\s+(?:\w+ly\s+)?{_EN_VERB}\b", clause)
        if m:
            return en_name(m.group(1)) or None
        m = re.match(r"[\s,—)]*(quite a chorus|the others|they all|all)\b", clause)
        if m:
            return None
        return False

    # --- names ------------------------------------------------------------------------------------------
    def resolve(self, name: str, context: str) -> tuple[str | None, float, str]:
        """Pronouns and one-character Chinese names (靖, 飞) become the full name last seen in ``context``."""
        if name in ("he", "she", "it", "they"):
            found = self.last_named(context, name)
            if found:
                return found, 0.65, f"“{name}” taken as {found}, the last character named before the quote"
            return None, 0.0, f"“{name}” with no character named before it"
        if name == "I":
            return "I", 0.85, "the first-person narrator speaks (“I”)"
        if _is_cjk(name) and len(name) == 1:
            full = None
            for k in (i for i, c in enumerate(context) if c == name and i > 0):
                two, three = context[k - 1:k + 1], context[max(0, k - 2):k + 1]
                if two[0] in CJK_SURNAMES:
                    full = two
                elif len(three) == 3 and three[:2] in _COMPOUND_SURNAMES:
                    full = three
            if full:
                return full, 0.8, f"“{name}” is short for {full} named just before"
            if max(self.subjects[name], self.earlier_subjects[name]) >= 2:
                return name, 0.7, f"“{name}” speaks in several tags: taken as a short name"
            return None, 0.0, f"“{name}” may be a name but no full name was seen before it"
        return name, 0.9, ""

    def last_named(self, context: str, pronoun: str = "") -> str | None:
        """The character named last in ``context`` (a known speaker, a name the book uses often, an English
        "the Count" subject), skipping names whose title says the other gender for "he"/"she"."""
        best, pos = None, -1
        names = [n for n in self.known if n != "I"]
        if not _is_cjk(context):
            names += re.findall(r"\b[Tt]he\s+([A-Z][a-z]+)\b", context) + sorted(self.proper)
        wrong = FEMALE_TITLES if pronoun == "he" else MALE_TITLES if pronoun == "she" else ()
        names = [n for n in names if not n.startswith(wrong)] if wrong else names
        for name in names:
            i = context.rfind(name)
            if i > pos or (i == pos and best is not None and len(name) > len(best)):
                best, pos = name, i
        return best if pos >= 0 else None

    # --- the pass ---------------------------------------------------------------------------------------
    def tag(self, q: Quote, before: str, after: str, cjk: bool) -> tuple[str | bool | None, str]:
        if cjk:
            got = self.zh_before(before)
            if got is not False:
                return got, "tag before the quote"
            return self.zh_after(after), "tag after the quote"
        got = self.en_after(after)
        if got is not False:
            return got, "tag after the quote"
        return self.en_before(before), "tag before the quote"

    def run(self, quotes: list[Quote]) -> list[Attribution]:
        for _ in range(2):  # the first pass learns the names, the second resolves pronouns with them
            self.earlier_subjects, self.subjects = self.subjects, Counter()
            out = self.once(quotes)
            self.known = Counter(a.speaker for a in out if a.speaker and a.confidence >= 0.85)
        return out

    def once(self, quotes: list[Quote]) -> list[Attribution]:
        out: list[Attribution] = []
        speaker_of_para: dict[int, str | None] = {}
        dialogue_paras: set[int] = set()
        for i, q in enumerate(quotes):
            text = self.paragraphs[q.paragraph]
            prev_q = quotes[i - 1] if i and quotes[i - 1].paragraph == q.paragraph else None
            next_q = quotes[i + 1] if i + 1 < len(quotes) and quotes[i + 1].paragraph == q.paragraph else None
            before = text[prev_q.end if prev_q else 0:q.start]
            after = text[q.end:next_q.start if next_q else len(text)]
            cjk = _is_cjk(q.text)
            att = self.one(q, i, quotes, out, before, after, cjk, prev_q, speaker_of_para, dialogue_paras)
            out.append(att)
            if q.start == 0 or not text[: q.start].strip():
                dialogue_paras.add(q.paragraph)
                if q.paragraph not in speaker_of_para:
                    speaker_of_para[q.paragraph] = att.speaker
        return out

    def one(self, q: Quote, i: int, quotes: list[Quote], out: list[Attribution], before: str, after: str,
            cjk: bool, prev_q: Quote | None, speaker_of_para: dict[int, str | None],
            dialogue_paras: set[int]) -> Attribution:
        if _mention(q, before, after, cjk):
            return Attribution(q, None, 0.0, "a word in quotes inside narration, not speech")
        context = "\n".join(self.paragraphs[max(0, q.paragraph - 3):q.paragraph]) + "\n" + \
            self.paragraphs[q.paragraph][: q.start]
        name, where = self.tag(q, before, after, cjk)
        if name is None:
            return Attribution(q, None, 0.0, f"{where} names no one (a crowd, “someone”): left to the narrator")
        if isinstance(name, str) and name:
            self.subjects[name] += 1
            speaker, conf, why = self.resolve(name, context)
            return Attribution(q, speaker, conf, why or f"{where} names {speaker}")
        if prev_q is not None and out[-1].speaker and len(before) < 80:
            return Attribution(q, out[-1].speaker, 0.8, "continues the quote before it in the paragraph")
        starts_para = not self.paragraphs[q.paragraph][: q.start].strip()
        if starts_para and i and out and quotes[i - 1].runs_on and quotes[i - 1].paragraph == q.paragraph - 1:
            return Attribution(q, out[-1].speaker, 0.8 if out[-1].speaker else 0.0,
                               "speech running on from the last paragraph")
        if starts_para and q.paragraph:
            prev_text = self.paragraphs[q.paragraph - 1]
            tail = prev_text[-40:]
            got = self.zh_before(tail) if cjk else self.en_before(tail)
            if isinstance(got, str) and got and prev_text.rstrip().endswith(("：", ":")):
                speaker, conf, why = self.resolve(got, prev_text)
                return Attribution(q, speaker, min(conf, 0.8), why or f"the last paragraph ends “{speaker} said:”")
        if starts_para and (q.paragraph - 1) in dialogue_paras:
            last = speaker_of_para.get(q.paragraph - 1)
            if last:
                for p in range(q.paragraph - 2, max(-1, q.paragraph - 10), -1):
                    other = speaker_of_para.get(p)
                    if other and other != last:
                        return Attribution(q, other, 0.6, f"back-and-forth: answers {last}, so {other}")
        return Attribution(q, None, 0.0, "no tag nearby: stays with the narrator")


def attribute(paragraphs: list[str], quotes: list[Quote]) -> list[Attribution]:
    """One attribution per quote, in the order given."""
    return _Attributor(paragraphs).run(quotes)
