"""Load the hand-labelled dialogue corpus (tests/corpus/dialogue/*.json) and score speaker attribution.

Each label file names a book of tests/corpus and lists quotes by their first words (``starts``, with
``nth`` for repeats) and the speaker a reader gives them; ``speaker: null`` is a quote nobody speaks (a title,
a word in quotes, a thought of the narrator's) or whose speaker the text does not say. Labels were written by
reading the passages, before the attribution rules existed.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

from studio.core.dialogue import attribute, find_quotes

CORPUS = Path(__file__).parent
LABELS = CORPUS / "dialogue"
_CJK = re.compile(r"[\u4e00-\u9fff]")


def paragraphs_of(name: str) -> list[str]:
    """The book's paragraphs as the importer would give them: wrapped English lines joined, one CJK line each."""
    raw = gzip.decompress((CORPUS / name).read_bytes())
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("gbk")
    text = text.replace("\r\n", "\n").replace("<br>", "")
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if any(_CJK.search(ln) for ln in lines):
            out.extend(lines)
        else:
            out.append(" ".join(lines))
    return out


@dataclass
class Score:
    labelled_named: int = 0
    attributed: int = 0
    correct: int = 0
    wrong: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.attributed if self.attributed else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.labelled_named if self.labelled_named else 0.0


def same_speaker(guess: str, label: str, aliases: dict[str, list[str]] | None = None) -> bool:
    """Names match when equal, when the label file lists the guess as an alias of the label, or (English) when
    one is the other's last word(s) ("Holmes" / "Sherlock Holmes", "Crab" / "young Crab")."""
    g, lab = guess.strip(), label.strip()
    if g.lower() == lab.lower() or g in (aliases or {}).get(lab, []):
        return True
    if g.isascii() and lab.isascii():
        a, b = sorted((g.lower(), lab.lower()), key=len)
        return b.endswith(" " + a)
    return False


def score_file(path: Path, score: Score, threshold: float = 0.5, show: bool = False) -> Score:
    """Add one label file's quotes to ``score``; labels that match no detected quote are an error."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    paragraphs = paragraphs_of(spec["source"])
    quotes = find_quotes(paragraphs)
    results = attribute(paragraphs, quotes)
    by_start: dict[str, list[int]] = {}
    for i, q in enumerate(quotes):
        by_start.setdefault(q.inner.strip()[:12], []).append(i)
    for label in spec["quotes"]:
        hits = by_start.get(label["starts"][:12], [])
        nth = label.get("nth", 0)
        if nth >= len(hits):
            raise AssertionError(f"{path.name}: no quote starting {label['starts']!r} (#{nth})")
        res = results[hits[nth]]
        guess = res.speaker if res.speaker and res.confidence >= threshold else None
        want = label["speaker"]
        if want:
            score.labelled_named += 1
        if guess:
            score.attributed += 1
            if want and same_speaker(guess, want, spec.get("aliases")):
                score.correct += 1
            else:
                score.wrong += 1
        if show and guess != want and not (guess and want and same_speaker(guess, want, spec.get("aliases"))):
            print(f"  {path.stem}: {label['starts'][:20]!r} want={want} got={res.speaker} "
                  f"({res.confidence:.2f} {res.reason})")
    return score
