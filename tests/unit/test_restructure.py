"""The structure review's Qt-free logic: whatever the author accepts or rejects, no character is lost."""

from __future__ import annotations

import itertools
import re

import pytest

from studio.core.importers import import_text
from studio.core.importers.restructure import StructureDraft, shape_pattern
from tests.corpus.scoring import HELDOUT, import_book

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _stream(chapters: list, opening_title: str) -> str:
    parts = [c.title for c in chapters if c.title != opening_title]
    parts += [p.text for c in chapters for p in c.paragraphs]
    return "".join(sorted("".join(parts).replace(" ", "").replace("\u3000", "")))


def test_every_choice_of_headings_keeps_every_character() -> None:
    result = import_text("序\n开头一段。\n第一章 风起\n那年冬天。\n第二章 云涌\n他走了。\n第三章 归来\n她在等。\n")
    base = StructureDraft.from_book(result.book, result.report.toc)
    reference = _stream(result.book.chapters, result.book.title)
    for choice in itertools.product((True, False), repeat=len(base.candidates)):
        draft = base.copy()
        for row, accepted in enumerate(choice):
            draft.set_accepted(row, accepted)
        before, after = draft.totals()
        assert before == after, choice
        assert _stream(draft.apply(), result.book.title) == reference, choice


def test_paragraphs_move_as_the_same_objects_so_voices_and_emotions_stay() -> None:
    result = import_text("第一章 风起\n那年冬天。\n第二章 云涌\n他走了。\n")
    paragraphs = [p for c in result.book.chapters for p in c.paragraphs]
    draft = StructureDraft.from_book(result.book, result.report.toc)
    draft.set_accepted(1, False)
    chapters = draft.apply()
    assert chapters[0].paragraphs[0] is paragraphs[0] and chapters[0].paragraphs[2] is paragraphs[1]
    assert chapters[0].paragraphs[1].text == "第二章 云涌"


def test_a_real_book_restructured_by_expression_accounts_for_its_characters() -> None:
    result = import_book(HELDOUT / "sunzi-bingfa.txt.gz")
    draft = StructureDraft.from_book(result.book, result.report.toc)
    draft.use_pattern(re.compile(r"\S+篇第[一二三四五]"))
    titles = draft.chapter_titles()
    assert titles[-1] == "势篇第五势篇" and len(titles) == 5
    before, after = draft.totals()
    assert before == after


@pytest.mark.parametrize(("line", "matches", "misses"), [
    ("第十二章 风起", ["第一章 序", "第３章", "第一百零五章 归来"], ["第一回 宴桃园", "十二章"]),
    ("卷一 闺房记乐", ["卷二　闲情记趣", "卷十"], ["卷首语"]),
    ("CHAPTER XII", ["CHAPTER I.", "CHAPTER 3"], ["Chapters of my life"]),
])
def test_lines_like_this_pattern(line: str, matches: list[str], misses: list[str]) -> None:
    pattern = re.compile(shape_pattern(line))
    assert all(pattern.match(m) for m in matches)
    assert not any(pattern.match(m) for m in misses)
