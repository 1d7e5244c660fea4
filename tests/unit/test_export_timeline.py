"""The export timeline: gaps from structure, sentence cuts, exact frame arithmetic, cue grid, parts."""

from __future__ import annotations

import array
import math
import os
import threading
import wave
from pathlib import Path

import pytest

from studio.audio.pcmfeed import feed_spans
from studio.audio.pieces import Piece, TimedText, export_format, inspect_pieces, sentences_from_words
from studio.audio.timeline import (
    Gaps,
    Span,
    cue_grid,
    layout_chapter,
    layout_output,
    ms_to_frames,
    split_parts,
)
from studio.audio.wavinfo import PcmFormat

RATE = 22050
FMT = PcmFormat(RATE, 1, 2)


def _tones(path: Path, layout: list[tuple[str, int]], rate: int = RATE) -> Path:
    """``layout``: ("tone"|"silence", ms) stretches in order."""
    samples = array.array("h")
    for kind, ms in layout:
        n = ms_to_frames(ms, rate)
        if kind == "tone":
            samples.extend(int(8000 * math.sin(2 * math.pi * 441 * i / rate)) for i in range(n))
        else:
            samples.extend([0] * n)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return path


def _layout(pieces: list[Piece], gaps: Gaps):  # type: ignore[no-untyped-def]
    inspection = inspect_pieces([("c", [p.path for p in pieces])])
    return layout_chapter(0, "c", pieces, inspection, FMT, gaps)


def test_cue_grid_is_a_whole_number_of_frames_and_of_cd_frames() -> None:
    assert {r: cue_grid(r) for r in (8000, 16000, 22050, 24000, 44100, 48000)} == {
        8000: 320, 16000: 640, 22050: 294, 24000: 320, 44100: 588, 48000: 640}
    for rate in (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000):
        assert cue_grid(rate) * 75 % rate == 0


def test_sentence_gaps_cut_in_the_pause_and_move_the_cues(tmp_path: Path) -> None:
    # tone 500 | pause 300 | tone 400 | pause 200 | tone 300, with engine-style contiguous sentence stamps
    path = _tones(tmp_path / "p.wav", [("tone", 500), ("silence", 300), ("tone", 400), ("silence", 200),
                                       ("tone", 300)])
    stamps = (TimedText("一。", 0, 800), TimedText("二。", 800, 1400), TimedText("三。", 1400, 1700))
    chapter = _layout([Piece(path, stamps)], Gaps(sentence_ms=250))
    gap = ms_to_frames(250, RATE)
    assert [s.path is None for s in chapter.spans] == [False, True, False, True, False]
    assert chapter.frames == ms_to_frames(1700, RATE) + 2 * gap
    cuts = [chapter.spans[0].frames, chapter.spans[0].frames + chapter.spans[2].frames]
    # each cut lies inside the pause before the next sentence, in its last 10 ms (where engines pause)
    assert ms_to_frames(790, RATE) <= cuts[0] <= ms_to_frames(800, RATE)
    assert ms_to_frames(1390, RATE) <= cuts[1] <= ms_to_frames(1400, RATE)
    starts = [c.start for c in chapter.cues]
    assert starts == [0, ms_to_frames(800, RATE) + gap, ms_to_frames(1400, RATE) + 2 * gap]
    assert [c.text for c in chapter.cues] == ["一。", "二。", "三。"]
    assert all(c.end <= n.start for c, n in zip(chapter.cues, chapter.cues[1:], strict=False))


def test_touching_stamps_are_cut_in_the_quiet_before_the_next_sentence(tmp_path: Path) -> None:
    # the engine says sentence two starts at 600 ms; there is 100 ms of silence before it
    path = _tones(tmp_path / "p.wav", [("tone", 500), ("silence", 100), ("tone", 500)])
    chapter = _layout([Piece(path, (TimedText("a", 0, 600), TimedText("b", 600, 1100)))], Gaps(sentence_ms=100))
    cut = chapter.spans[0].frames
    assert ms_to_frames(500, RATE) < cut <= ms_to_frames(600, RATE)
    # if the engine's stamp is a little late (speech already started), the cut still goes into silence
    late = _layout([Piece(path, (TimedText("a", 0, 640), TimedText("b", 640, 1100)))], Gaps(sentence_ms=100))
    assert ms_to_frames(500, RATE) < late.spans[0].frames <= ms_to_frames(600, RATE)


def test_no_sentence_gap_means_whole_pieces(tmp_path: Path) -> None:
    path = _tones(tmp_path / "p.wav", [("tone", 300), ("silence", 100), ("tone", 300)])
    chapter = _layout([Piece(path, (TimedText("a", 0, 400), TimedText("b", 400, 700)))] * 2,
                      Gaps(sentence_ms=0, paragraph_ms=500))
    assert [(s.path is None, s.frames) for s in chapter.spans] == [
        (False, ms_to_frames(700, RATE)), (True, ms_to_frames(500, RATE)), (False, ms_to_frames(700, RATE))]
    assert [c.start for c in chapter.cues] == [0, ms_to_frames(400, RATE), ms_to_frames(1200, RATE),
                                               ms_to_frames(1600, RATE)]


def test_heading_gap_follows_a_spoken_title_and_empty_pieces_take_no_gap(tmp_path: Path) -> None:
    title = _tones(tmp_path / "t.wav", [("tone", 200)])
    empty = _tones(tmp_path / "e.wav", [])
    text = _tones(tmp_path / "x.wav", [("tone", 300)])
    chapter = _layout([Piece(title, text="第一章", kind="title"), Piece(empty), Piece(text, text="正文")],
                      Gaps(heading_ms=900, paragraph_ms=500))
    assert [s.frames for s in chapter.spans] == [ms_to_frames(200, RATE), ms_to_frames(900, RATE),
                                                 ms_to_frames(300, RATE)]
    assert [(c.text, c.start) for c in chapter.cues] == [("第一章", 0), ("正文", ms_to_frames(1100, RATE))]


def test_paragraphs_inside_one_unit_get_only_the_missing_part_of_the_paragraph_gap(tmp_path: Path) -> None:
    path = _tones(tmp_path / "u.wav", [("tone", 300), ("silence", 200), ("tone", 300)])
    stamps = (TimedText("p1", 0, 500, paragraph=0), TimedText("p2", 500, 800, paragraph=1))
    chapter = _layout([Piece(path, stamps, paragraph_gap_in_audio_ms=200)], Gaps(paragraph_ms=700))
    assert chapter.spans[1] == Span(None, 0, ms_to_frames(500, RATE))


def test_paragraph_offsets_give_paragraph_cues_when_there_are_no_sentences(tmp_path: Path) -> None:
    path = _tones(tmp_path / "u.wav", [("tone", 300), ("silence", 200), ("tone", 300)])
    piece = Piece(path, text="第一段\n第二段", paragraph_offsets_ms=(0.0, 500.0))
    chapter = _layout([piece], Gaps(paragraph_ms=0))
    assert [(c.text, c.start, c.end) for c in chapter.cues] == [
        ("第一段", 0, ms_to_frames(500, RATE)), ("第二段", ms_to_frames(500, RATE), ms_to_frames(800, RATE))]


def test_words_are_grouped_into_sentences() -> None:
    words = [TimedText(ch, i * 100, i * 100 + 100) for i, ch in enumerate("你好。再见！”好")]
    sentences = sentences_from_words(words)
    assert [(s.text, s.begin_ms, s.end_ms) for s in sentences] == [
        ("你好。", 0, 300), ("再见！”", 300, 700), ("好", 700, 800)]


def test_chapters_join_with_gaps_aligned_to_the_cue_grid(tmp_path: Path) -> None:
    a = _tones(tmp_path / "a.wav", [("tone", 333)])
    b = _tones(tmp_path / "b.wav", [("tone", 171)])
    inspection = inspect_pieces([("a", [a]), ("b", [b])])
    chapters = [layout_chapter(i, t, [Piece(p)], inspection, FMT, Gaps()) for i, (t, p) in enumerate([("a", a),
                                                                                                       ("b", b)])]
    chapters.append(chapters[0])
    plain = layout_output(chapters, FMT, chapter_gap_ms=1000)
    gap = ms_to_frames(1000, RATE)
    assert [c.start for c in plain.chapters] == [0, ms_to_frames(333, RATE) + gap,
                                                 ms_to_frames(333, RATE) + ms_to_frames(171, RATE) + 2 * gap]
    grid = cue_grid(RATE)
    aligned = layout_output(chapters, FMT, chapter_gap_ms=1000, grid=grid)
    assert all(c.start % grid == 0 for c in aligned.chapters)
    assert all(0 <= a.start - p.start < 2 * grid for a, p in zip(aligned.chapters, plain.chapters, strict=True))
    assert [c.end for c in aligned.chapters] == [*(c.start for c in aligned.chapters[1:]), aligned.total_frames]


def test_split_parts_is_balanced_keeps_order_and_whole_chapters() -> None:
    lengths = [10, 10, 10, 10, 10, 1]
    assert split_parts(lengths, 0, None) == [[0, 1, 2, 3, 4, 5]]
    assert split_parts(lengths, 0, 50) == [[0, 1, 2], [3, 4, 5]]  # greedy would give 50 + 1
    parts = split_parts([5, 30, 5, 5], 1, 20)
    assert parts == [[0], [1], [2, 3]]  # the 30 chapter stands alone, whole
    assert split_parts([1] * 10, 0, None, max_chapters=4) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [len(p) for p in split_parts([1] * 120, 0, None, max_chapters=99)] == [60, 60]
    for limit in range(10, 80, 7):
        got = split_parts(lengths, 2, limit)
        assert [i for part in got for i in part] == list(range(len(lengths)))
        assert all(sum(lengths[i] for i in p) + 2 * (len(p) - 1) <= limit or len(p) == 1 for p in got)


def test_export_format_takes_the_highest_rate_capped_and_valid() -> None:
    fmts = [PcmFormat(16000, 1, 2), PcmFormat(24000, 2, 2), PcmFormat(22050, 1, 1)]
    assert export_format(fmts) == PcmFormat(24000, 2, 2)
    assert export_format([PcmFormat(96000, 1, 2)]) == PcmFormat(48000, 1, 2)
    assert export_format([PcmFormat(22000, 1, 2)], allowed_rates=(16000, 22050, 24000)).sample_rate == 22050
    assert export_format(fmts, sample_rate=44100, channels=1) == PcmFormat(44100, 1, 2)


def test_gaps_are_validated() -> None:
    with pytest.raises(ValueError, match="sentence gap"):
        Gaps(sentence_ms=-1)
    with pytest.raises(ValueError, match="chapter gap"):
        Gaps(chapter_ms=600_000)


def test_feed_writes_exact_sample_ranges_and_silence(tmp_path: Path) -> None:
    ramp = array.array("h", range(1000))
    path = tmp_path / "ramp.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(ramp.tobytes())
    spans = [Span(path, 10, 5), Span(None, 0, 3), Span(path, 997, 3), Span(path, 0, 0)]
    read_fd, write_fd = os.pipe()
    got = bytearray()
    reader = threading.Thread(target=lambda: got.extend(iter_read(read_fd)))
    reader.start()
    assert feed_spans(write_fd, spans, FMT) == 11
    os.close(write_fd)
    reader.join()
    samples = array.array("h")
    samples.frombytes(bytes(got))
    assert list(samples) == [10, 11, 12, 13, 14, 0, 0, 0, 997, 998, 999]


def iter_read(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 4096):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)
