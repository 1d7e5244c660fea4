"""Export a rendered book: one file per book, per part or per chapter, mastered, tagged, with subtitles.

The steps (each one streaming from disk, so memory does not grow with the book):

1. inspect every piece; pick the export format (highest input rate up to 48 kHz, or the caller's) and
   convert the odd pieces once;
2. lay out each chapter (sentence cuts, paragraph/heading gaps) and group chapters into output files:
   the whole book, parts of at most N hours (whole chapters only), or one file per chapter;
3. loudness: measure the whole book once, decide the gain stage (linear, or limited and calibrated);
4. encode the outputs, several at once, each metering itself; verify lengths and peaks;
5. write cue sheets and subtitles; move everything into place only when all of it succeeded.

Nothing appears at the destination before step 5: files are built in a hidden staging folder next to it,
so a failed or cancelled export leaves no half-written file (or half a set of parts) behind, and an older
export with the same name stays untouched until the new one is complete. A killed export cannot clean up,
so each export first removes staging and scratch folders whose owning process is gone (``staging``). A
full disk, wherever it strikes (ffmpeg, the ID3 writer, a cue sheet, the scratch folder), is reported as
"No space left on device: <path>" naming where space is needed.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from studio.audio.chunk_encode import ChunkSettings, piece_identity
from studio.audio.chunked_book import chunk_codec, chunk_grid, encode_chunked, plan_book_chunks, workers_for
from studio.audio.cover_fit import fit_cover
from studio.audio.cuesheet import MAX_TRACKS, write_cue
from studio.audio.encode import (
    EncodeJob,
    EncodeOutcome,
    calibrate_limiter,
    calibration_sample,
    encode,
    measure_loudness,
)
from studio.audio.errors import AudioError, DiskFullError, disk_full_cause
from studio.audio.export_stamp import write_stamp
from studio.audio.ffmpeg import ProgressCallback, run_ffmpeg
from studio.audio.formats import BOOK_FORMATS, CHAPTER_FORMATS, FORMATS, FormatSpec
from studio.audio.loudness import DEFAULT_TARGET, LOSSY_VERIFY_MARGIN_DB, GainPlan, LoudnessTarget, plan_gain
from studio.audio.parallel import run_all_or_stop
from studio.audio.pieces import Piece, as_piece, convert_pieces, export_format, inspect_pieces
from studio.audio.progress import ProgressBar, linked_cancel
from studio.audio.report import ChapterReport, ExportedFile, ExportResult, acx_notes
from studio.audio.room_tone import RoomTone, file_target, with_room_tone
from studio.audio.staging import OwnedFolder, scratch_folder, staging_folder, sweep_export_litter
from studio.audio.stitch import ChapterAudio
from studio.audio.subtitles import SUBTITLE_FORMATS, write_subtitles
from studio.audio.tags import BookInfo, Cover, check_cover
from studio.audio.timeline import (
    ChapterLayout,
    Gaps,
    cue_grid,
    layout_chapter,
    layout_output,
    ms_to_frames,
    split_parts,
)
from studio.audio.wavinfo import PcmFormat
from studio.core.errors import CancelledError, InputError

log = logging.getLogger("studio.audio.export")

_CONVERT_SHARE = 0.05
_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


@dataclass(frozen=True)
class ExportOptions:
    """Everything about *how* to export; *what* (the chapters) and *where* are arguments."""

    format: str = "m4b"  # m4b | mp3 | wav | flac | chapters (and m4a for `studio render x.m4a`)
    chapter_format: str = "mp3"  # for format="chapters": mp3 | m4a | flac | wav
    gaps: Gaps = field(default_factory=Gaps)
    loudness: LoudnessTarget | None = DEFAULT_TARGET
    allow_dynamic: bool = False  # let loudnorm compress instead of limiting peaks
    split_hours: float | None = None
    subtitles: tuple[str, ...] = ()
    sample_rate: int | None = None
    channels: int | None = None
    bitrate: str | None = None
    jobs: int | None = None  # encodes at once (parts, chapter files); default: the CPU count
    #: room tone at each file's head and tail and under its pauses (the ACX preset; one file per chapter)
    room_tone: RoomTone | None = None

    @property
    def spec(self) -> FormatSpec:
        return FORMATS[self.chapter_format if self.format == "chapters" else self.format]


def check_options(options: ExportOptions) -> None:
    """Refuse impossible option combinations with a message a user can act on."""
    if options.format not in (*BOOK_FORMATS, "m4a"):
        raise InputError(f"unknown format {options.format!r} (choose from {', '.join(BOOK_FORMATS)})")
    if options.chapter_format not in CHAPTER_FORMATS:
        raise InputError(f"unknown chapter format {options.chapter_format!r} "
                         f"(choose from {', '.join(CHAPTER_FORMATS)})")
    unknown = [s for s in options.subtitles if s not in SUBTITLE_FORMATS]
    if unknown:
        raise InputError(f"unknown subtitle format {unknown[0]!r} (choose from {', '.join(SUBTITLE_FORMATS)})")
    if options.split_hours is not None:
        if options.format == "chapters":
            raise InputError("--split-hours applies to single-file formats, not to one file per chapter")
        if not 0 < options.split_hours <= 1000:
            raise InputError(f"split length {options.split_hours:g} hours is out of range (more than 0, up to 1000)")
    if options.sample_rate is not None and not 8000 <= options.sample_rate <= 192_000:
        raise InputError(f"sample rate {options.sample_rate} Hz is out of range (8000..192000)")
    if options.channels is not None and options.channels not in (1, 2):
        raise InputError("channels must be 1 or 2")


def checked_cover(path: Path | None) -> Cover | None:
    """The cover as a bad-input error the user can fix: missing, not JPEG/PNG, or not decodable."""
    if path is None:
        return None
    try:
        cover = check_cover(Path(path))
    except AudioError as exc:
        raise InputError(exc.message, path=path) from exc
    try:
        run_ffmpeg(["-i", str(cover.path), "-frames:v", "1", "-f", "null", "-"])
    except AudioError as exc:
        raise InputError(f"cover image cannot be decoded (a damaged {cover.kind.upper()} file?)", path=path) from exc
    return cover


def safe_filename(text: str, fallback: str) -> str:
    """A file name every OS accepts: no reserved characters, no trailing dots or spaces, not too long."""
    name = _UNSAFE_NAME.sub("_", " ".join(text.split())).strip(" .")
    return name[:80].rstrip(" .") or fallback


@dataclass
class _Output:
    job: EncodeJob
    final: Path
    part: int | None
    extras: list[tuple[Path, Path]] = field(default_factory=list)  # (staged, final)


_AUDIO_SUFFIXES = frozenset({".m4b", ".m4a", ".mp4", ".aac", ".mp3", ".wav", ".flac", ".ogg", ".opus", ".cue"})


def check_destination(output: Path, options: ExportOptions) -> Path:
    """Where the export goes (the book file, or the folder for chapter files); refuses impossible names."""
    output = Path(output)
    if options.format == "chapters":
        if output.exists() and not output.is_dir():
            raise InputError("output for one file per chapter must be a folder", path=output)
        return output
    return _book_destination(output, options.spec)


def _book_destination(output: Path, spec: FormatSpec) -> Path:
    """The file to write: ``output`` itself, or with the format's extension added ("Mr. Smith" stays whole)."""
    if output.is_dir():
        raise InputError("output is a folder; give a file name (or use --format chapters)", path=output)
    suffix = output.suffix.lower()
    if suffix == spec.extension or (spec.name == "m4b" and suffix == ".m4a"):
        return output
    if suffix in _AUDIO_SUFFIXES:
        raise InputError(f"output name ends in {output.suffix} but the format is {spec.name}", path=output)
    return output.with_name(output.name + spec.extension)


def _plan_outputs(layouts: Sequence[ChapterLayout], fmt: PcmFormat, options: ExportOptions, info: BookInfo,
                  output: Path, staging: Path, cover: Cover | None, notes: list[str], *,
                  chunk_grid: int = 0) -> list[_Output]:
    """Which files to write, each with its own timeline (chapters start at 0 in every file); ``chunk_grid``
    puts every chapter start on the codec's frame grid (by shortening the chapter gap by less than a frame)."""
    spec = options.spec
    stats = options.loudness is not None and options.loudness.rms_range_db is not None
    outputs: list[_Output] = []
    if options.format == "chapters":
        width = max(2, len(str(len(layouts))))
        for n, layout in enumerate(layouts, 1):
            name = f"{n:0{width}d} - {safe_filename(layout.title, f'Chapter {n}')}{spec.extension}"
            timeline = layout_output([layout], fmt, chapter_gap_ms=0)
            tone = options.room_tone
            if tone is not None:
                timeline = with_room_tone(timeline, tone)
            job = EncodeJob(timeline, spec, staging / name, info, title=layout.title, track=(n, len(layouts)),
                            chapter_marks=False, cover=cover, bitrate=options.bitrate, stats=stats,
                            after_gain=tone.filter() if tone is not None else None)
            outputs.append(_Output(job, output / name, None))
        return outputs
    final = _book_destination(output, spec)
    rate = fmt.sample_rate
    gap = ms_to_frames(options.gaps.chapter_ms, rate)
    max_frames = round(options.split_hours * 3600 * rate) if options.split_hours else None
    grid = cue_grid(rate) if spec.has_cue_sheet else chunk_grid or 1
    groups = split_parts([c.frames for c in layouts], gap, max_frames, MAX_TRACKS if spec.has_cue_sheet else None)
    if len(groups) > 1 and options.split_hours is None:
        notes.append(f"cue sheets hold at most {MAX_TRACKS} tracks: the book is split into {len(groups)} parts")
    if max_frames is not None:
        long = [c.title for c in layouts if c.frames > max_frames]
        if long:
            notes.append(f"{len(long)} chapter(s) are longer than {options.split_hours:g} h and form parts alone: "
                         + ", ".join(long[:3]))
    width = max(2, len(str(len(groups))))
    for p, group in enumerate(groups, 1):
        timeline = layout_output([layouts[i] for i in group], fmt, chapter_gap_ms=options.gaps.chapter_ms,
                                 grid=grid, shorten=chunk_grid > 0)
        if len(groups) == 1:
            dest, part, title, track = final, None, None, None
        else:
            dest = final.with_name(f"{final.stem} - Part {p:0{width}d}{final.suffix}")
            part, title, track = p, f"{info.title} ({p}/{len(groups)})", (p, len(groups))
        job = EncodeJob(timeline, spec, staging / dest.name, info, title=title, track=track, cover=cover,
                        bitrate=options.bitrate, stats=stats)
        outputs.append(_Output(job, dest, part))
    return outputs


def export_audiobook(
    chapters: Sequence[ChapterAudio],
    output: Path,
    info: BookInfo,
    options: ExportOptions | None = None,
    *,
    progress_cb: ProgressCallback | None = None,
    cancel_event: threading.Event | None = None,
    temp_dir: Path | None = None,
    chapter_cache: Path | None = None,
    chunked: bool = True,
    stamp: str | None = None,
) -> ExportResult:
    """Export ``chapters`` to ``output`` (a file, or a folder for ``format="chapters"``); see the module doc.

    ``progress_cb`` gets one increasing fraction over every pass (conversion, measuring, encoding) and a
    final 1.0. M4B/M4A and MP3 books are encoded chapter by chapter on every core and joined (``chunked_book``),
    normalized per chapter; ``chapter_cache`` keeps the encoded chapters for the next export (a project's
    cache), ``chunked=False`` encodes the book in one pass with one gain (the other formats always do).
    ``stamp`` (a content hash) is written into a single book file's tags (``export_stamp``).
    Raises ``InputError`` for options or a cover the user must fix, ``AudioError`` for audio
    that cannot be read or written (naming the piece or file), ``CancelledError`` when cancelled.
    """
    options = options or ExportOptions()
    check_options(options)
    cover = checked_cover(info.cover)
    spec = options.spec
    output = Path(output)
    check_destination(output, options)
    home = output.parent  # the staging folder lives beside the output: same file system, so moves are renames
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if disk_full_cause(exc) is not None:
            raise DiskFullError(home) from exc
        raise AudioError(f"cannot create the output folder: {exc.strerror or exc}", path=home) from exc
    scratch_home = Path(temp_dir) if temp_dir is not None else Path(tempfile.gettempdir())
    sweep_export_litter(output, temp_dir)  # what killed exports left: only folders whose owner is gone
    bar = ProgressBar(progress_cb)
    notes: list[str] = []
    staging: OwnedFolder | None = None
    scratch: OwnedFolder | None = None
    try:
        staging = _own_folder(lambda: staging_folder(home, output.name), "a staging folder beside the output", home)
        scratch = _own_folder(lambda: scratch_folder(temp_dir), "a scratch folder", scratch_home)
        with linked_cancel(cancel_event) as stop:
            work = scratch.path
            if cover is not None:  # an oversized cover becomes a JPEG of at most 1400 px (cover_fit)
                cover = fit_cover(cover, work)
            pieces = [[as_piece(p) for p in chapter.pieces] for chapter in chapters]
            inspection = inspect_pieces([(c.title, [p.path for p in ps]) for c, ps in zip(chapters, pieces,
                                                                                          strict=True)])
            fmt = export_format(inspection.formats(), sample_rate=options.sample_rate, channels=options.channels,
                                allowed_rates=spec.sample_rates)
            needs_conversion = bool(inspection.unreadable) or any(f != fmt for f in inspection.formats())
            convert_pieces(inspection, fmt, work, cancel_event=cancel_event,
                           progress_cb=bar.phase(0.0, _CONVERT_SHARE))
            start = _CONVERT_SHARE if needs_conversion else 0.0
            layouts = [layout_chapter(i, c.title, ps, inspection, fmt, options.gaps, with_cues=bool(options.subtitles))
                       for i, (c, ps) in enumerate(zip(chapters, pieces, strict=True))]
            codec = chunk_codec(options.format, options.gaps.chapter_ms, fmt.sample_rate) if chunked else None
            outputs = _plan_outputs(layouts, fmt, options, info, output, staging.path, cover, notes,
                                    chunk_grid=chunk_grid(codec, fmt.sample_rate) if codec else 0)
            if stamp is not None and len(outputs) == 1 and options.format != "chapters":
                outputs[0].job = replace(outputs[0].job, stamp=stamp)  # our MP4 writer puts it in as it writes
            chunks = [plan_book_chunks(codec, o.job.timeline) for o in outputs] if codec else []
            if codec and all(c is not None for c in chunks):
                settings = ChunkSettings(fmt, options.bitrate or spec.default_bitrate or "64k", options.loudness,
                                         options.allow_dynamic, outputs[0].job.stats, codec)
                outcomes = encode_chunked([(o.job, c) for o, c in zip(outputs, chunks, strict=True) if c],
                                          settings, piece_identity(inspection), chapter_cache, work,
                                          workers_for(options.jobs), stop, bar, start, 0.995)
                plan = outcomes[0][1]
            else:
                total_s = sum(c.frames for c in layouts) / fmt.sample_rate
                encode_s = sum(o.job.timeline.duration_ms / 1000 for o in outputs) * spec.cost
                measure_end = start + (1 - start) * (total_s / (total_s + encode_s)) if options.loudness else start
                if options.room_tone is not None and options.format == "chapters":
                    # ACX measures each file: each gets its own gain (short credits and long chapters alike)
                    step = (measure_end - start) / len(layouts)
                    plans = [_gain_plan([one], fmt, _file_options(options, one, fmt), bar, start + n * step,
                                        start + (n + 1) * step, stop) for n, one in enumerate(layouts)]
                else:
                    plans = [_gain_plan(layouts, fmt, options, bar, start, measure_end, stop)] * len(outputs)
                plan = plans[0]
                outcomes = _encode_all(outputs, plans, work, bar, measure_end, 0.995, options, stop)
            files, chapter_reports = _finish(outputs, outcomes, options, info, notes)
            first_stamp = outputs[0].job.stamp if len(outputs) == 1 else None
            if first_stamp is not None and not outcomes[0][0].stamped:
                try:
                    write_stamp(outputs[0].job.dest, spec.name, first_stamp)
                except Exception as exc:  # mutagen raises its own types; OSError is among them
                    raise AudioError(f"cannot tag the export: {exc}", path=outputs[0].final) from exc
            if stop.is_set():
                raise CancelledError("export cancelled")
            _commit(outputs, output if options.format == "chapters" else None)
    except (OSError, AudioError) as exc:
        full = disk_full_cause(exc)
        if full is None:
            raise
        raise DiskFullError(_space_needed_at(full, output, options, staging, scratch)) from exc
    finally:
        for folder in (scratch, staging):
            if folder is not None:
                folder.remove()
    retried = [n for _, used in outcomes for n in used.notes if n not in plan.notes]
    notes += acx_notes(files, options.loudness)
    bar.report(1.0)
    return ExportResult(tuple(files), tuple(chapter_reports), plan, tuple([*plan.notes, *retried, *notes]))


def _own_folder(make: Callable[[], OwnedFolder], what: str, where: Path) -> OwnedFolder:
    try:
        return make()
    except OSError as exc:
        if disk_full_cause(exc) is not None:
            raise DiskFullError(where) from exc
        raise AudioError(f"cannot create {what}: {exc.strerror or exc}", path=where) from exc


def _space_needed_at(full: BaseException, output: Path, options: ExportOptions, staging: OwnedFolder | None,
                     scratch: OwnedFolder | None) -> Path:
    """Where the user must free space: the output file (or chapter file) a staged file was becoming, the
    temp folder when the scratch folder filled up, else the path the failing write named."""
    raw = full.path if isinstance(full, AudioError) else getattr(full, "filename", None)
    path = Path(os.fsdecode(raw)) if raw else None
    if path is None:
        return output
    for owned, base in ((staging, output if options.format == "chapters" else output.parent),
                        (scratch, None)):
        if owned is None or not path.is_relative_to(owned.path):
            continue
        if base is None:
            return owned.path.parent
        parts = path.relative_to(owned.path).parts
        return base / parts[0].removesuffix(".audio") if parts else output
    return path


def _gain_plan(layouts: Sequence[ChapterLayout], fmt: PcmFormat, options: ExportOptions, bar: ProgressBar,
               start: float, end: float, stop: threading.Event) -> GainPlan:
    if options.loudness is None:
        return GainPlan("none", None)
    whole = layout_output(layouts, fmt, chapter_gap_ms=options.gaps.chapter_ms)
    middle = start + (end - start) * 0.75
    summary = measure_loudness(whole, cancel_event=stop, progress_cb=bar.phase(start, middle))
    plan = plan_gain(summary, options.loudness, lossy=options.spec.lossy, allow_dynamic=options.allow_dynamic)
    if plan.mode == "limited":
        plan = calibrate_limiter(plan, calibration_sample(layouts, fmt), cancel_event=stop,
                                 progress_cb=bar.phase(middle, end))
    log.info("gain stage: %s %+.2f dB (measured %s)", plan.mode, plan.gain_db, plan.measured)
    return plan


def _file_options(options: ExportOptions, layout: ChapterLayout, fmt: PcmFormat) -> ExportOptions:
    """An ACX file's options: its loudness target raised for the room tone around it (``room_tone.file_target``)."""
    if options.loudness is None or options.room_tone is None:
        return options
    return replace(options, loudness=file_target(options.loudness, layout.frames, options.room_tone, fmt.sample_rate))


def _encode_all(outputs: Sequence[_Output], plans: Sequence[GainPlan], work: Path, bar: ProgressBar, start: float,
                end: float, options: ExportOptions, stop: threading.Event) -> list[tuple[EncodeOutcome, GainPlan]]:
    """Encode every output (each with its gain plan), ``options.jobs`` at a time; the first failure stops the
    others."""
    weights = [o.job.timeline.duration_ms + 1 for o in outputs]
    callbacks = bar.parallel(start, end, weights)
    workers = max(1, min(len(outputs), options.jobs or os.cpu_count() or 1))
    if workers == 1:
        return [_encode_checked(o.job, plan, work, stop, cb)
                for o, plan, cb in zip(outputs, plans, callbacks, strict=True)]
    return run_all_or_stop([partial(_encode_checked, o.job, plan, work, stop, cb)
                            for o, plan, cb in zip(outputs, plans, callbacks, strict=True)], workers, stop)


def _encode_checked(job: EncodeJob, plan: GainPlan, work: Path, stop: threading.Event,
                    progress_cb: ProgressCallback | None) -> tuple[EncodeOutcome, GainPlan]:
    """Encode; if the metered true peak still tops the ceiling, encode again with the limiter lowered.

    The metering happens before the codec, so lossy formats keep a little room for the codec's overshoot.
    A second encode doubles the time, so the margins are set for it to be rare (none in the test suite).
    """
    outcome = encode(job, plan, work, cancel_event=stop, progress_cb=progress_cb)
    if plan.target is None or plan.mode not in ("linear", "limited"):
        return outcome, plan
    summary = outcome.meter.summary()
    ceiling = plan.target.true_peak_dbtp - (LOSSY_VERIFY_MARGIN_DB if job.spec.lossy else 0.0)
    if summary is None or summary.peak_kind != "true" or summary.peak_db <= ceiling + 0.05:
        return outcome, plan
    over = summary.peak_db - ceiling
    limit = (plan.limit_db if plan.limit_db is not None else ceiling) - over - 0.3
    retry = replace(plan, mode="limited", limit_db=limit,
                    notes=(*plan.notes, f"{job.dest.name}: true peak {summary.peak_db:.2f} dBTP over the ceiling; "
                           f"encoded again with true peaks limited to {limit:.1f} dBTP"))
    log.warning("%s: true peak %.2f over %.2f; re-encoding with limit %.2f", job.dest.name, summary.peak_db,
                ceiling, limit)
    return encode(job, retry, work, cancel_event=stop, progress_cb=None), retry


def _finish(outputs: Sequence[_Output], outcomes: Sequence[tuple[EncodeOutcome, GainPlan]], options: ExportOptions,
            info: BookInfo, notes: list[str]) -> tuple[list[ExportedFile], list[ChapterReport]]:
    """Cue sheets and subtitles into staging; the loudness report from each file's meter."""
    files: list[ExportedFile] = []
    reports: list[ChapterReport] = []
    spec = options.spec
    for out, (outcome, plan) in zip(outputs, outcomes, strict=True):
        timeline, rate = out.job.timeline, out.job.timeline.format.sample_rate
        staged_dir = out.job.dest.parent
        if spec.has_cue_sheet and options.format != "chapters":
            cue = write_cue(staged_dir / (out.final.stem + ".cue"), out.final.name, info, timeline.chapters, rate)
            out.extras.append((cue, out.final.with_name(cue.name)))
        if options.subtitles:
            if not timeline.cues:
                notes.append(f"{out.final.name}: the engines gave no timestamps, so the subtitles are empty")
            for path in write_subtitles(staged_dir / out.final.stem, options.subtitles, timeline.cues, rate,
                                        title=out.job.title or info.title, artist=info.author, album=info.title,
                                        duration_frames=timeline.total_frames):
                out.extras.append((path, out.final.with_name(path.name)))
        summary = outcome.meter.summary()
        for chapter in timeline.chapters:
            measured = outcome.meter.range_loudness(chapter.start / rate, chapter.end / rate)
            if len(timeline.chapters) == 1 and summary is not None:
                lufs = None if summary.silent else summary.integrated_lufs
                measured = replace(measured, integrated_lufs=lufs)
            reports.append(ChapterReport(chapter.index, chapter.title, out.final, timeline.ms(chapter.start),
                                         timeline.ms(chapter.end - chapter.start), measured.integrated_lufs,
                                         measured.true_peak_dbtp))
        stats = outcome.meter.stats
        files.append(ExportedFile(
            out.final, spec.name, out.part, timeline.duration_ms, rate, timeline.format.channels,
            tuple(timeline.chapter_marks()),
            None if summary is None or summary.silent else summary.integrated_lufs,
            summary.peak_db if summary is not None else None,
            stats.get("RMS level dB"), stats.get("Noise floor dB"), outcome.normalization,
            tuple(final for _, final in out.extras)))
        if plan.mode == "linear" and outcome.normalization != "linear":
            notes.append(f"{out.final.name}: loudnorm fell back to {outcome.normalization} normalization")
        if plan.target is not None and summary is not None and summary.peak_db > plan.target.true_peak_dbtp:
            notes.append(f"{out.final.name}: true peak {summary.peak_db:.1f} dBTP is above the ceiling "
                         f"({plan.target.true_peak_dbtp:g} dBTP)")
    return files, reports


def _commit(outputs: Sequence[_Output], folder: Path | None) -> None:
    """Move every staged file into place; if one move fails, remove the ones already moved."""
    moves = [(o.job.dest, o.final) for o in outputs] + [pair for o in outputs for pair in o.extras]
    moved: list[Path] = []
    try:
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        for staged, final in moves:
            os.replace(staged, final)
            moved.append(final)
    except OSError as exc:
        for path in moved:
            path.unlink(missing_ok=True)
        raise AudioError(f"cannot write the export (is a file open in a player?): {exc.strerror or exc}",
                         path=getattr(exc, "filename", None)) from exc


__all__ = ["ChapterReport", "ExportOptions", "ExportResult", "ExportedFile", "Piece", "check_destination",
           "check_options", "checked_cover", "export_audiobook"]
