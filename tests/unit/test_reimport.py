"""``carry_over``: what a re-import keeps of the author's work, and what it reports it could not keep."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.book import Book, Chapter, EmotionSpan, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.core.reimport import ManuscriptChangedError, carry_over, sync_manuscript

FEMALE = VoiceSettings(voice="local-cmn-f")


def book(*chapters: tuple[str, list[str]]) -> Book:
    return Book("b", chapters=[Chapter(title, [Paragraph(t) for t in texts]) for title, texts in chapters])


def test_a_title_the_author_renamed_is_kept_a_title_the_manuscript_changed_is_taken() -> None:
    old = book(("一", ["甲。", "乙。"]), ("二", ["丙。"]))
    old.chapters[0].title = "作者的名字"  # renamed in the window; chapter 2 was left as imported
    new = book(("一", ["甲。", "乙。"]), ("第二章（新）", ["丙。"]))
    report = carry_over(old, new, imported_titles=("一", "二"))
    assert [c.title for c in new.chapters] == ["作者的名字", "第二章（新）"]
    assert report.titles_carried == ["作者的名字"] and not report.not_carried


def test_voices_and_emotions_follow_unchanged_text_in_order_and_lost_ones_are_reported() -> None:
    old = book(("一", ["重复。", "重复。", "会改的一段。"]))
    old.voice = VoiceSettings(engine="local", voice="local-cmn-f")
    old.chapters[0].voice = VoiceSettings(speed=1.2)
    old.chapters[0].paragraphs[1].voice = FEMALE
    old.chapters[0].paragraphs[2].emotions = [EmotionSpan(0, 2, "happy")]
    new = book(("一", ["重复。", "重复。", "改过的一段。"]))
    report = carry_over(old, new, imported_titles=("一",))
    paragraphs = new.chapters[0].paragraphs
    assert [p.voice for p in paragraphs] == [VoiceSettings(), FEMALE, VoiceSettings()]  # the second repeat
    assert new.voice == old.voice and new.chapters[0].voice == VoiceSettings(speed=1.2)
    assert (report.paragraphs_kept, report.paragraphs_new, report.settings_carried) == (2, 1, 1)
    assert report.not_carried == ["chapter 1 “一”, paragraph 3: 1 emotion mark (its text is not in the manuscript "
                                  "any more)"]


def test_a_chapter_whose_text_is_gone_reports_its_name_and_voice() -> None:
    old = book(("一", ["甲。"]), ("旧章", ["消失的一段。"]))
    old.chapters[1].title = "改过名的旧章"
    old.chapters[1].voice = FEMALE
    new = book(("一", ["甲。"]))
    report = carry_over(old, new, imported_titles=("一", "旧章"))
    assert len(report.not_carried) == 1
    assert "chapter 2: its name “改过名的旧章” and its voice (voice local-cmn-f)" in report.not_carried[0]


def test_a_project_from_before_hashes_is_adopted_when_its_text_matches(tmp_path: Path) -> None:
    manuscript = tmp_path / "book.txt"
    manuscript.write_text("第一章 一\n甲。\n\n第二章 二\n乙。\n", encoding="utf-8")
    folder = tmp_path / "p.studio"
    sync_manuscript(manuscript, folder).project.close()
    with Project.open(folder) as project:  # what older versions stored: no hash, no titles
        project.set_meta("source", {"path": str(manuscript.resolve()), "report": {}})
    outcome = sync_manuscript(manuscript, folder)
    outcome.project.close()
    assert outcome.action == "unchanged" and outcome.source is not None and outcome.source.sha256
    with Project.open(folder) as project:  # old again, and the author fixed a typo in the window
        project.set_meta("source", {"path": str(manuscript.resolve()), "report": {}})
        book = project.load_book()
        book.chapters[0].paragraphs[0].text = "甲！"
        project.save_book(book)
    with pytest.raises(ManuscriptChangedError, match="edited in the window, or the manuscript changed"):
        sync_manuscript(manuscript, folder)
    with Project.open(folder) as project:
        assert project.load_book().chapters[0].paragraphs[0].text == "甲！"
