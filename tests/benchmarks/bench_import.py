"""Import speed on a long novel: 2,000,000 Chinese characters in 2,000 chapters.

Run ``python tests/benchmarks/bench_import.py``. Not collected by pytest (only ``test_*.py`` is). The target
is at most 1.5 s per import on a developer machine; the figures are printed, and the exit status is 1 if a
target is missed, so CI or a developer can run it as a smoke check.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from studio.core.importers import import_file, import_text

TARGET_SECONDS = 1.5
CHAPTERS = 2_000
TOTAL_CHARS = 2_000_000

_CN_DIGITS = "零一二三四五六七八九"
# Realistic material: everyday characters with Chinese punctuation, paragraphs of 20-200 characters.
_CHARS = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里"
    "用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实"
)
_PUNCT = "，，，。。！？；：、"


def cn_number(n: int) -> str:
    """2,000 -> 二千, 1,234 -> 一千二百三十四 (the way web novels number chapters)."""
    if n < 10:
        return _CN_DIGITS[n]
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        if n >= value:
            out += _CN_DIGITS[n // value] + unit
            n %= value
        elif out and n:
            out += "零" if not out.endswith("零") else ""
    if n:
        out += _CN_DIGITS[n]
    if out.startswith("一十"):
        out = out[1:]
    return out


def make_novel(seed: int = 7) -> tuple[str, int]:
    """Return (text, body characters) of the benchmark novel."""
    rng = random.Random(seed)
    per_chapter = TOTAL_CHARS // CHAPTERS
    lines = ["大梦一场", "作者：佚名", ""]
    body = 0
    for ch in range(1, CHAPTERS + 1):
        lines.append(f"第{cn_number(ch)}章 风起{ch}")
        remaining = per_chapter
        while remaining > 0:
            size = min(remaining, rng.randint(20, 200))
            chars = [rng.choice(_CHARS) for _ in range(size - 1)]
            for i in range(8, len(chars), rng.randint(8, 20)):
                chars[i] = rng.choice(_PUNCT)
            para = "".join(chars) + "。"
            lines.append("\u3000\u3000" + para)
            body += len(para)
            remaining -= size
    return "\r\n".join(lines) + "\r\n", body


def timed(label: str, fn, *args) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    result = None
    for _ in range(3):
        start = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - start)
    assert result is not None
    report = result.report
    status = "ok" if best <= TARGET_SECONDS else "SLOW"
    print(f"{label:<34} {best:6.3f} s  {report.chapters:>5} chapters {report.paragraphs:>7} paragraphs "
          f"{report.characters:>9,} chars  encoding={report.encoding}  [{status}]")
    return best


def main() -> int:
    text, body = make_novel()
    print(f"novel: {len(text):,} characters of text, {body:,} body characters, {CHAPTERS:,} chapters")
    times = [timed("import_text", import_text, text)]
    with tempfile.TemporaryDirectory() as tmp:
        for encoding in ("utf-8", "gb18030", "utf-16"):
            path = Path(tmp) / f"novel-{encoding}.txt"
            path.write_bytes(text.encode(encoding))
            size_mb = path.stat().st_size / 1e6
            times.append(timed(f"import_file ({encoding}, {size_mb:.1f} MB)", import_file, path))
    result = import_text(text)
    assert result.report.chapters == CHAPTERS, result.report.chapters
    assert result.report.characters == body, (result.report.characters, body)
    slow = [t for t in times if t > TARGET_SECONDS]
    print(f"target <= {TARGET_SECONDS} s: {'met' if not slow else 'MISSED'}")
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
