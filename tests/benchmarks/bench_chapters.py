"""Chapter detection on the real-book corpus (tests/corpus/): precision and recall of chapter starts,
share of titles that match exactly, body characters lost or duplicated, and website boilerplate lines left out
of the spoken text (``site``; reported in each import report) - per book and overall.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_chapters.py [--verbose]

The tuning corpus (``tests/corpus/``) and the held-out one (``tests/corpus/heldout/``, books collected after
the rules were written) are reported separately; ``--heldout`` prints only the latter. ``--verbose`` also
lists the missed chapters, the extra ones and the titles that differ. The targets (asserted by
tests/unit/test_chapter_corpus.py): recall >= 0.98, precision >= 0.98, nothing lost or duplicated on any book.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.corpus.scoring import CORPUS, HELDOUT, score_corpus, totals


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv
    for label, folder in (("tuning corpus", CORPUS), ("held-out corpus", HELDOUT)):
        if "--heldout" in argv and folder is CORPUS:
            continue
        print(f"== {label} ({folder.name}/)")
        _report(folder, verbose)
    return 0


def _report(folder: object, verbose: bool) -> None:
    started = time.perf_counter()
    scores = score_corpus(folder)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    print(f"{'book':44} {'exp':>4} {'got':>4} {'recall':>7} {'prec':>7} {'titles':>7} {'lost':>5} {'dup':>5} "
          f"{'site':>5}")
    for s in scores:
        titles = f"{s.titles_exact}/{s.titles_checked}"
        print(f"{s.name:44} {s.expected:4} {s.proposed:4} {s.recall:7.2f} {s.precision:7.2f} {titles:>7} "
              f"{s.lost:5} {s.duplicated:5} {s.site_lines:5}")
        if verbose:
            for miss in s.misses:
                print(f"    missed: {miss}")
            for extra in s.extras:
                print(f"    extra:  {extra}")
            for want, got in s.wrong_titles:
                print(f"    title:  {want!r} != {got!r}")
    t = totals(scores)
    print(f"\n{t['books']:.0f} books: recall {t['recall']:.3f}, precision {t['precision']:.3f}, "
          f"exact titles {t['titles_exact']:.3f}, lost {t['lost']:.0f}, duplicated {t['duplicated']:.0f}, "
          f"website lines left out {t['site_lines']:.0f} "
          f"({elapsed:.1f} s)\n")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
