"""The pause after a paragraph (paragraph, chapter or book setting) is the export's gap after it, and renders
nothing again: measured on a real WAV export of the offline engine's audio."""

from __future__ import annotations

import wave
from pathlib import Path

from studio.audio.export import ExportOptions
from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.render.export_book import export_project
from studio.render.job_store import plan_project

TEXTS = ["我家的后面有一个很大的园。", "相传叫作百草园。", "现在是早已并屋子一起卖给朱文公的子孙了。"]


def export_ms(project: Project, out: Path) -> tuple[float, int]:
    """Duration of a WAV export (ms) and how many units it had to render."""
    result = export_project(project, out, ExportOptions(format="wav", loudness=None))
    with wave.open(str(out)) as w:
        return w.getnframes() * 1000 / w.getframerate(), result.units_rendered


def test_pause_after_changes_the_gap_and_renders_nothing(tmp_path: Path) -> None:
    book = Book("园", voice=VoiceSettings(engine="local", voice="local-cmn"),
                chapters=[Chapter("一", [Paragraph(t) for t in TEXTS])])
    with Project.create(tmp_path / "p", book) as project:
        plain, rendered = export_ms(project, tmp_path / "plain.wav")
        assert rendered == 3
        keys = [u.cache_key for u in plan_project(project).units]

        edited = project.load_book()
        edited.chapters[0].paragraphs[0].voice = VoiceSettings(pause_after_ms=3000)  # default gap: 600 ms
        project.save_book(edited)
        assert project.load_book().chapters[0].paragraphs[0].voice.pause_after_ms == 3000  # stored
        assert [u.cache_key for u in plan_project(project).units] == keys  # not in the cache key
        paused, rendered = export_ms(project, tmp_path / "paused.wav")
        assert rendered == 0
        assert abs(paused - plain - 2400) < 30, (plain, paused)

        edited.chapters[0].voice = VoiceSettings(pause_after_ms=0)  # chapter default: no gap after the others
        project.save_book(edited)
        tight, _ = export_ms(project, tmp_path / "tight.wav")
        assert abs(tight - paused + 600) < 30, (paused, tight)  # the paragraph's own 3000 ms still wins
