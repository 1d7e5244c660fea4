"""A manuscript meets a project: use the project as it is, refuse, or re-import and carry the author's work over.

Why: ``studio render BOOK.md`` and ``studio import BOOK.md --project P`` used to replace the project's book every
time, losing chapter renames, text fixes, voices and emotions. Now (``sync_manuscript``):

* no project yet: import into a new one;
* the project came from this very content (same hash): use it as it is, nothing is re-imported;
* the manuscript changed: refuse (``ManuscriptChangedError``, exit 2) naming both ways on, ``--reimport`` or
  ``--project NEW``; with ``reimport=True`` the current book is snapshotted first, then the new manuscript
  replaces it and ``carry_over`` moves the project's voices, emotions and chapter names to every paragraph
  whose text did not change, reporting what could not be carried.

Qt-free and without the render lock (``core`` does not import ``render``): callers pass a ``guard`` that
takes the project lock around every write.
"""

from __future__ import annotations

import contextlib
import shutil
from collections import Counter, deque
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.core.book import Book, Paragraph
from studio.core.errors import InputError
from studio.core.project import Project, is_project_dir
from studio.core.provenance import ManuscriptSource, file_sha256, read_source, record_source, source_of
from studio.core.snapshots import SnapshotInfo, take_snapshot

Guard = Callable[[Path], AbstractContextManager[Any]]


class ManuscriptChangedError(InputError):
    """The project's book came from another version of the manuscript (or another file): nothing was replaced."""


@dataclass
class CarryReport:
    """What a re-import kept of the project's book."""

    paragraphs_kept: int = 0  # paragraphs of the new manuscript whose text the project already had
    paragraphs_new: int = 0  # paragraphs with new or changed text (they get the manuscript's markup)
    settings_carried: int = 0  # of the kept ones, paragraphs with a voice or emotions carried over
    titles_carried: list[str] = field(default_factory=list)
    not_carried: list[str] = field(default_factory=list)  # one sentence per thing left behind (in the snapshot)

    def lines(self) -> list[str]:
        out = [f"{self.paragraphs_kept} paragraphs unchanged, {self.paragraphs_new} new or changed; "
               f"voices/emotions carried to {self.settings_carried}, chapter names kept: {len(self.titles_carried)}"]
        out += [f"not carried: {line}" for line in self.not_carried]
        return out


@dataclass
class SyncOutcome:
    """What ``sync_manuscript`` did: ``created``, ``unchanged`` or ``reimported``."""

    action: str
    project: Project
    report: Any = None  # the ImportReport of a fresh import; None when the project was used as it is
    source: ManuscriptSource | None = None
    carry: CarryReport | None = None
    snapshot: SnapshotInfo | None = None


def carry_over(old: Book, new: Book, imported_titles: Sequence[str] = ()) -> CarryReport:
    """Move the author's work from ``old`` (the project's book) onto ``new`` (a fresh import), in place.

    A paragraph whose exact text is in the old book gets the old paragraph's voice and emotions (matched in book
    order, so repeated lines pair up in turn). A new chapter whose unchanged paragraphs come mostly from one old
    chapter (and that old chapter's mostly go to it) gets that chapter's voice, and its name when the author had
    renamed it (it differs from ``imported_titles``; without them, the project's name is kept). The book's voice
    always carries. Everything else of the old book is listed in ``not_carried`` (it stays in the snapshot).
    """
    report = CarryReport()
    new.voice = old.voice
    pool: dict[str, deque[tuple[int, int, Paragraph]]] = {}
    for ci, chapter in enumerate(old.chapters):
        for pi, para in enumerate(chapter.paragraphs):
            pool.setdefault(para.text, deque()).append((ci, pi, para))
    votes: list[Counter[int]] = [Counter() for _ in new.chapters]
    used: set[tuple[int, int]] = set()
    for nci, chapter in enumerate(new.chapters):
        for para in chapter.paragraphs:
            queue = pool.get(para.text)
            if not queue:
                report.paragraphs_new += 1
                continue
            oci, opi, before = queue.popleft()
            used.add((oci, opi))
            votes[nci][oci] += 1
            report.paragraphs_kept += 1
            para.readings = list(before.readings)  # same text: readings set on one occurrence still fit
            para.voices = list(before.voices)  # and so do the quotes' voices (dialogue casting)
            if not before.voice.is_empty() or before.emotions:
                para.voice = before.voice
                para.emotions = list(before.emotions)
                report.settings_carried += 1
    for oci, chapter in enumerate(old.chapters):
        for opi, para in enumerate(chapter.paragraphs):
            if (oci, opi) in used or (para.voice.is_empty() and not para.emotions):
                continue
            what = _describe(para)
            report.not_carried.append(f"chapter {oci + 1} “{chapter.title}”, paragraph {opi + 1}: {what} "
                                      "(its text is not in the manuscript any more)")
    matched = _match_chapters(votes, len(old.chapters))
    for oci, chapter in enumerate(old.chapters):
        match = matched.get(oci)
        renamed = oci >= len(imported_titles) or imported_titles[oci] != chapter.title
        if match is None:
            if renamed or not chapter.voice.is_empty():
                lost = [f"its name “{chapter.title}”"] if renamed else []
                lost += [f"its voice ({_voice(chapter.voice.to_dict())})"] if not chapter.voice.is_empty() else []
                report.not_carried.append(f"chapter {oci + 1}: {' and '.join(lost)} (no chapter of the manuscript "
                                          "has most of its text)")
            continue
        target = new.chapters[match]
        target.voice = chapter.voice
        if renamed and target.title != chapter.title:
            target.title = chapter.title
            report.titles_carried.append(chapter.title)
    return report


def _match_chapters(votes: Sequence[Counter[int]], old_count: int) -> dict[int, int]:
    """old chapter -> new chapter, where each is the other's best match by unchanged paragraphs."""
    best_old = {nci: c.most_common(1)[0][0] for nci, c in enumerate(votes) if c}
    best_new: dict[int, tuple[int, int]] = {}
    for nci, counter in enumerate(votes):
        for oci, count in counter.items():
            if oci not in best_new or count > best_new[oci][1]:
                best_new[oci] = (nci, count)
    return {oci: nci for oci, (nci, _count) in best_new.items() if oci < old_count and best_old.get(nci) == oci}


def _describe(para: Paragraph) -> str:
    parts = []
    if not para.voice.is_empty():
        parts.append(f"its voice ({_voice(para.voice.to_dict())})")
    if para.emotions:
        n = len(para.emotions)
        parts.append(f"{n} emotion mark{'' if n == 1 else 's'}")
    return " and ".join(parts)


def _voice(settings: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in settings.items())


def same_text(a: Book, b: Book) -> bool:
    """The two books hold the same paragraphs in the same chapters (titles and markup aside)."""
    return [[p.text for p in c.paragraphs] for c in a.chapters] == [[p.text for p in c.paragraphs] for c in b.chapters]


def changed_message(path: Path, folder: Path, source: ManuscriptSource | None) -> str:
    """The one line a refused re-run prints: what differs, that nothing was replaced, and both ways on."""
    here = str(Path(path).resolve())
    if source is not None and source.path != here:
        what = f"{folder} holds the book imported from {source.path}, not from this file"
    elif source is None or source.sha256 is None:  # imported before hashes were kept: it may be window edits
        what = (f"the text in {folder} differs from the manuscript (edited in the window, or the manuscript "
                f"changed; to keep the project as it is, render the folder: `studio render {folder} -o ...`)")
    else:
        what = f"the manuscript changed since it was imported into {folder}"
    return (f"{what}; nothing was replaced. Use --reimport to re-import it into this project (the current book "
            "is kept as a snapshot first; voices, emotions and chapter names carry over to unchanged paragraphs), "
            "or --project NEW for a new project")


def sync_manuscript(path: Path, folder: Path, *, reimport: bool = False,
                    guard: Guard | None = None, structure: str = "auto") -> SyncOutcome:
    """Bring ``folder``'s project in line with the manuscript at ``path`` (see the module docstring).

    Returns an outcome holding the open project (the caller closes it). A new project folder that this call
    created is removed again if the import fails, so a failure leaves nothing behind.
    """
    from studio.core.importers import import_file

    lock: Guard = guard or (lambda _folder: contextlib.nullcontext())
    if not is_project_dir(folder):
        result = import_file(path, structure=structure)  # before anything is created: a bad file leaves nothing
        created = not folder.exists()
        project = Project.create(folder)
        try:
            with lock(folder):
                project.save_book(result.book)
                source = source_of(path, result.book, result.report.to_dict())
                record_source(project, source)
        except BaseException:
            project.close()
            if created:
                shutil.rmtree(folder, ignore_errors=True)
            raise
        return SyncOutcome("created", project, result.report, source)
    project = Project.open(folder)
    try:
        return _sync_existing(project, path, folder, reimport=reimport, lock=lock, structure=structure)
    except BaseException:
        project.close()
        raise


def _sync_existing(project: Project, path: Path, folder: Path, *, reimport: bool, lock: Guard,
                   structure: str = "auto") -> SyncOutcome:
    from studio.core.importers import import_file

    try:
        digest = file_sha256(path)
    except OSError:
        digest = None  # import_file below says what is wrong with the file
    source = read_source(project)
    here = str(Path(path).resolve())
    if digest is not None and source is not None and source.sha256 == digest and project.has_book():
        if source.path != here:  # the same manuscript, moved: remember where it is now
            with lock(folder):
                record_source(project, ManuscriptSource(here, digest, source.chapter_titles, source.report))
        return SyncOutcome("unchanged", project, None, read_source(project))
    result = import_file(path, structure=structure)
    if not project.has_book():  # an empty project folder (created, never filled): nothing to lose
        with lock(folder):
            project.save_book(result.book)
            record_source(project, source_of(path, result.book, result.report.to_dict(), digest))
        return SyncOutcome("created", project, result.report, read_source(project))
    old = project.load_book()
    if source is not None and source.sha256 is None and source.path == here and same_text(old, result.book):
        # A project from before hashes were kept, and the manuscript still holds the same text: adopt it.
        with lock(folder):
            record_source(project, ManuscriptSource(here, digest, tuple(c.title for c in result.book.chapters),
                                                    source.report))
        return SyncOutcome("unchanged", project, None, read_source(project))
    if not reimport:
        raise ManuscriptChangedError(changed_message(path, folder, source), path=path)
    with lock(folder):
        snapshot = take_snapshot(project, f"before re-importing {Path(path).name}", old)
        titles = tuple(c.title for c in result.book.chapters)  # as imported, before names are carried over
        carry = carry_over(old, result.book, source.chapter_titles if source is not None else ())
        project.save_book(result.book)
        record_source(project, ManuscriptSource(here, digest or file_sha256(path), titles, result.report.to_dict()))
    return SyncOutcome("reimported", project, result.report, read_source(project), carry, snapshot)
