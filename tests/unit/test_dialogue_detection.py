"""Dialogue detection: which ranges are quotes, who says them, and how well that works on real books."""

from __future__ import annotations

from studio.core.dialogue import attribute, build_characters, find_quotes
from tests.corpus.dialogue_corpus import LABELS, Score, score_file


def _speakers(paragraphs: list[str]) -> list[tuple[str, str | None]]:
    quotes = find_quotes(paragraphs)
    return [(a.quote.inner, a.speaker) for a in attribute(paragraphs, quotes)]


def test_attribution_on_the_labelled_corpus() -> None:
    """229 hand-labelled quotes (Alice, Sherlock Holmes, 阿Q正传, 三国演义), 189 with a named speaker.
    Measured when written: precision 0.905, recall 0.804 overall; the Chinese books 0.85 / 0.60."""
    total, chinese = Score(), Score()
    for path in sorted(LABELS.glob("*.json")):
        s = score_file(path, Score())
        for acc in (total, chinese) if path.stem in ("ahq-zhengzhuan", "sanguo-yanyi") else (total,):
            for k in ("labelled_named", "attributed", "correct", "wrong"):
                setattr(acc, k, getattr(acc, k) + getattr(s, k))
    assert total.labelled_named >= 150
    assert total.precision >= 0.90, total
    assert total.recall >= 0.80, total
    assert chinese.precision >= 0.83, chinese


def test_held_out_books_rarely_get_a_wrong_character() -> None:
    """Tom Sawyer and 藤野先生 were labelled after the rules were written. Their dialogue is mostly untagged,
    so recall is poor (0.075 when measured); what must hold is that untagged quotes stay with the narrator:
    4 attributions, 1 wrong."""
    s = Score()
    for path in sorted((LABELS / "heldout").glob("*.json")):
        score_file(path, s)
    assert s.labelled_named >= 35
    assert s.wrong <= 1, s


def test_chinese_colon_tag_and_tag_after() -> None:
    got = _speakers(["阿Q近来很得意。阿Q说：“我们先前比你阔的多啦！”", "“你的骨头痒了么？”王胡也站起来，披上衣服说。",
                     "阿Q又说一遍。王胡再说一遍。"])
    assert got == [("我们先前比你阔的多啦！", "阿Q"), ("你的骨头痒了么？", "王胡")]


def test_corner_brackets_keep_nested_quotes_inside() -> None:
    quotes = find_quotes(["老师说：「他说『好』了。」然后走了。"])
    assert [q.inner for q in quotes] == ["他说『好』了。"]


def test_apostrophes_are_not_quotes_in_single_quoted_books() -> None:
    paragraphs = ["‘I don’t know,’ said Tom. ‘It’s the boys’ fault.’"] * 6
    assert [q.inner for q in find_quotes(paragraphs)[:2]] == ["I don’t know,", "It’s the boys’ fault."]


def test_a_title_in_quotes_is_not_speech() -> None:
    paragraphs = ["云长造青龙偃月刀，又名“冷艳锯”，重八十二斤。"]
    (att,) = attribute(paragraphs, find_quotes(paragraphs))
    assert att.speaker is None and "not speech" in att.reason


def test_untagged_quote_stays_with_the_narrator() -> None:
    paragraphs = ["The room was quiet.", "“Nobody knows who says this.”"]
    (att,) = attribute(paragraphs, find_quotes(paragraphs))
    assert (att.speaker, att.confidence) == (None, 0.0)
    assert "narrator" in att.reason


def test_speech_running_on_into_the_next_paragraph_keeps_its_speaker() -> None:
    paragraphs = ["“It began long ago,” said the Mouse, “when the world was young.",
                  "“And then it ended.”"]
    got = _speakers(paragraphs)
    assert [s for _, s in got] == ["Mouse", "Mouse", "Mouse"]


def test_back_and_forth_dialogue_alternates() -> None:
    paragraphs = ["“Was there a marriage?” asked Holmes.", "“None,” said the King.", "“No papers?”", "“None.”"]
    assert [s for _, s in _speakers(paragraphs)] == ["Holmes", "King", "Holmes", "King"]


def test_character_list_groups_honorifics_and_full_names() -> None:
    chars = build_characters(["Holmes", "Holmes", "Mr. Holmes", "Sherlock Holmes", "Alice", "he"])
    assert [c.name for c in chars] == ["Holmes", "Alice"]
    assert sorted(chars[0].aliases) == ["Mr. Holmes", "Sherlock Holmes"] and chars[0].quotes == 4
