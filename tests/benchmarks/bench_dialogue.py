"""Speaker attribution measured on the hand-labelled dialogue corpus (tests/corpus/dialogue/).

Run: ``python tests/benchmarks/bench_dialogue.py [-v]``. Prints, per book and overall, how many quotes have a
named speaker in the labels, how many the detector attributed, precision (attributed names that are right)
and recall (labelled names found). ``-v`` lists every miss with the detector's reason.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.corpus.dialogue_corpus import LABELS, Score, score_file


def report(paths: list[Path], title: str, show: bool) -> None:
    total = Score()
    t0 = time.perf_counter()
    print(title)
    for path in paths:
        s = score_file(path, Score(), show=show)
        print(f"{path.stem:20} named={s.labelled_named:3} attributed={s.attributed:3} "
              f"precision={s.precision:.3f} recall={s.recall:.3f}")
        for k in ("labelled_named", "attributed", "correct", "wrong"):
            setattr(total, k, getattr(total, k) + getattr(s, k))
    print(f"{'ALL':20} named={total.labelled_named:3} attributed={total.attributed:3} "
          f"precision={total.precision:.3f} recall={total.recall:.3f}  ({time.perf_counter() - t0:.2f}s)")


def main() -> None:
    show = "-v" in sys.argv
    report(sorted(LABELS.glob("*.json")), "Labelled while the rules were written:", show)
    report(sorted((LABELS / "heldout").glob("*.json")), "Held out (labelled after, never tuned on):", show)


if __name__ == "__main__":
    main()
