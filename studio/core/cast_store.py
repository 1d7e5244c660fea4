"""The project's cast in SQLite (table ``cast_member``, migration 6): read, replace, and change one voice."""

from __future__ import annotations

import json

from studio.core.book import Book
from studio.core.cast import AGE_BANDS, GENDERS, Cast, CastMember
from studio.core.errors import ProjectError
from studio.core.project import Project

_COLUMNS = "name, aliases, gender, age_band, notes, voices"


def load_cast(project: Project) -> Cast:
    rows = project.read_rows(f"SELECT {_COLUMNS} FROM cast_member ORDER BY name")
    return Cast([CastMember(name, json.loads(aliases), gender, age, notes, json.loads(voices))
                 for name, aliases, gender, age, notes, voices in rows])


def _check(member: CastMember) -> None:
    if not member.name.strip():
        raise ProjectError("a character needs a name")
    if member.gender not in GENDERS:
        raise ProjectError(f"character {member.name!r}: gender {member.gender!r} is not one of {', '.join(GENDERS)}")
    if member.age_band not in AGE_BANDS:
        raise ProjectError(f"character {member.name!r}: age band {member.age_band!r} is not one of "
                            f"{', '.join(AGE_BANDS)}")


def save_cast(project: Project, cast: Cast) -> None:
    """Replace the stored cast with ``cast`` in one transaction (nothing is written if a member is invalid)."""
    for m in cast.members:
        _check(m)
    with project.transaction() as db:
        db.execute("DELETE FROM cast_member")
        db.executemany(
            f"INSERT INTO cast_member({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            [(m.name, json.dumps(m.aliases, ensure_ascii=False), m.gender, m.age_band, m.notes,
              json.dumps(m.voices, ensure_ascii=False)) for m in cast.members],
        )


def set_character_voice(project: Project, name: str, engine: str, voice: str) -> CastMember:
    """Give a character a voice for one engine; every quote spoken by the character follows, since voice spans
    name the character. An unknown name is an error that lists the cast rather than a new silent character."""
    cast = load_cast(project)
    member = cast.find(name)
    if member is None:
        known = ", ".join(m.name for m in cast.members) or "none yet"
        raise ProjectError(f"no character {name!r} in the cast (characters: {known})")
    member.voices[engine] = voice
    save_cast(project, cast)
    return member


def save_voice_spans(project: Project, book: Book) -> None:
    """Store the voice spans of every paragraph of ``book`` (as loaded from ``project``: paragraphs carry their
    ids), leaving the text, emotions and render state alone."""
    rows = [(p.id, v.start, v.end, v.character, v.voice, v.emotion)
            for c in book.chapters for p in c.paragraphs if p.id is not None for v in p.voices]
    with project.transaction() as db:
        db.execute("DELETE FROM voice_span")
        db.executemany("INSERT INTO voice_span(paragraph_id, start, end, character, voice, emotion) "
                       "VALUES (?, ?, ?, ?, ?, ?)", rows)
