"""Opening/closing credits text: generated from the book's metadata in its language, naming the narrator
honestly, and the author's own wording kept in the project (real SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.credits import credit_texts, generated_credits, narrator_name, store_credits
from studio.core.project import Project
from studio.render.credits_plan import CLOSING_CREDITS, OPENING_CREDITS, credit_units, plan_with_credits
from studio.render.job_store import plan_project


def _book(language: str = "en", **metadata: str) -> Book:
    return Book(title="The Garden", author="Ann Lee", language=language, metadata=dict(metadata),
                chapters=[Chapter("One", [Paragraph("It was quiet.")]), Chapter("Two", [Paragraph("Leaves.")])])


def test_english_credits_name_title_author_and_the_synthetic_voice() -> None:
    book = _book()
    narrator = narrator_name(book, book.voice.merged_over(book.default_voice))
    assert narrator.endswith("a synthetic voice") and len(narrator) > len(", a synthetic voice")
    opening, closing = generated_credits(book, narrator)
    assert opening == f"The Garden. Written by Ann Lee. Narrated by {narrator}."
    assert closing == f"The end. You have been listening to The Garden, written by Ann Lee, narrated by {narrator}."


def test_a_narrator_the_author_set_is_named_as_given() -> None:
    book = _book(narrator="Mary Major")
    assert narrator_name(book, VoiceSettings("local", "local-en")) == "Mary Major"
    assert narrator_name(_book(), VoiceSettings("local", "local-en"), "Bo Chen") == "Bo Chen"


def test_chinese_credits_and_a_book_without_author() -> None:
    book = Book(title="园", language="zh", chapters=[Chapter("一", [Paragraph("安静。")])])
    opening, closing = generated_credits(book, narrator_name(book, VoiceSettings("local", "local-cmn")))
    assert opening.startswith("《园》。演播：合成语音") and "作者" not in opening
    assert closing.startswith("全书完。您收听的是《园》，演播合成语音")


def test_edited_credits_are_stored_and_only_their_unit_changes(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p", _book()) as project:
        book = project.load_book()
        voice = book.voice.merged_over(book.default_voice)
        plan = plan_project(project, book)
        before = {u.paragraph_index: u.cache_key
                  for u in credit_units(book, credit_texts(project, book, voice), plan)}
        assert store_credits(project, opening="Welcome to The Garden by Ann Lee, read by a computer.") == [
            "opening credits set"]
        texts = credit_texts(project, book, voice)
        assert texts.opening.startswith("Welcome") and texts.opening_edited and not texts.closing_edited
        after = {u.paragraph_index: u.cache_key for u in credit_units(book, texts, plan)}
        assert after[OPENING_CREDITS] != before[OPENING_CREDITS]
        assert after[CLOSING_CREDITS] == before[CLOSING_CREDITS]
        whole = plan_with_credits(plan, credit_units(book, texts, plan))
        assert [u.paragraph_index for u in whole.units] == [OPENING_CREDITS, 0, 0, CLOSING_CREDITS]
        assert [u.chapter_index for u in whole.units] == [0, 0, 1, 1]
        assert store_credits(project, opening="") == ["opening credits generated from the book's metadata"]
        assert not credit_texts(project, book, voice).opening_edited
        with pytest.raises(ValueError, match="opening credits are 1001 characters"):
            store_credits(project, opening="x" * 1001)


def test_credits_are_read_through_the_lexicon_and_untouched_credits_keep_their_key(tmp_path: Path) -> None:
    from studio.core.lexicon import LexiconEntry

    with Project.create(tmp_path / "p", _book()) as project:
        book = project.load_book()
        voice = book.voice.merged_over(book.default_voice)
        plan = plan_project(project, book)
        texts = credit_texts(project, book, voice)
        before = {u.paragraph_index: u for u in credit_units(book, texts, plan)}
        book.lexicon = [LexiconEntry("Ann Lee", alias="Anne Lee")]  # the offline engine speaks the alias
        warnings: list[str] = []
        after = {u.paragraph_index: u for u in credit_units(book, texts, plan, warnings=warnings)}
        assert "Anne Lee" in after[OPENING_CREDITS].request.paragraphs[0]
        assert after[OPENING_CREDITS].written == (texts.opening,)  # takes match the author's wording
        assert after[OPENING_CREDITS].cache_key != before[OPENING_CREDITS].cache_key
        book.lexicon = [LexiconEntry("Zebra", alias="Zeebra")]  # in no credit: nothing is rendered again
        same = {u.paragraph_index: u.cache_key for u in credit_units(book, texts, plan)}
        assert same == {k: u.cache_key for k, u in before.items()} and warnings == []
