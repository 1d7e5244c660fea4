"""FFMETADATA1 writing and reading: titles with ffmpeg's special characters must survive both ways."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from studio.audio import metadata


def test_escape_covers_every_special_character() -> None:
    assert metadata.escape("a=b;c#d\\e\nf") == "a\\=b\\;c\\#d\\\\e\\\nf"
    assert metadata.escape("第一章 百草园") == "第一章 百草园"


def test_render_gives_chapter_blocks_in_the_given_timebase() -> None:
    meta = metadata.FfMetadata(
        {"title": "朝花夕拾", "artist": "鲁迅"},
        [metadata.ChapterEntry(0, 22050, Fraction(1, 22050), {"title": "第一章 百草园"}),
         metadata.ChapterEntry(22050, 44100, Fraction(1, 22050), {"title": "x=1; #2"})],
    )
    text = metadata.render(meta)
    assert text.splitlines() == [
        ";FFMETADATA1", "title=朝花夕拾", "artist=鲁迅",
        "[CHAPTER]", "TIMEBASE=1/22050", "START=0", "END=22050", "title=第一章 百草园",
        "[CHAPTER]", "TIMEBASE=1/22050", "START=22050", "END=44100", "title=x\\=1\\; \\#2",
    ]


def test_parse_reads_what_ffmpeg_prints() -> None:
    text = (";FFMETADATA1\nmajor_brand=M4B \ntitle=书\n[CHAPTER]\nTIMEBASE=1/22050\nSTART=0\nEND=83790\n"
            "title=第一章 百草园\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=3800\nEND=5100\ntitle=a\\=b\\;c\\#d\n"
            "[STREAM]\ntitle=ignored\n")
    meta = metadata.parse(text)
    assert meta.tags == {"major_brand": "M4B ", "title": "书"}
    assert [c.title for c in meta.chapters] == ["第一章 百草园", "a=b;c#d"]
    assert meta.chapters[0].end_ms == 83790 / 22.05
    assert meta.chapters[1].start_ms == 3800.0


@given(
    tags=st.dictionaries(st.text(min_size=1).filter(lambda k: k[0] not in ";#["), st.text(), max_size=4),
    titles=st.lists(st.text(), max_size=4),
)
def test_render_then_parse_round_trips(tags: dict[str, str], titles: list[str]) -> None:
    # ffmpeg normalises line endings, and so do we
    tags = {k.replace("\r", "\n"): v.replace("\r", "\n") for k, v in tags.items()}
    titles = [t.replace("\r", "\n") for t in titles]
    chapters = [metadata.ChapterEntry(i * 10, i * 10 + 10, Fraction(1, 1000), {"title": t})
                for i, t in enumerate(titles)]
    meta = metadata.parse(metadata.render(metadata.FfMetadata(dict(tags), chapters)))
    assert meta.tags == tags
    assert [c.title for c in meta.chapters] == titles
    assert [(c.start, c.end) for c in meta.chapters] == [(c.start, c.end) for c in chapters]
