"""Where lexicon entries live: the project's ``lexicon_entry`` table, the user's global file, CSV/TSV and PLS.

Why two scopes: a name read one way in one novel belongs to that project (and travels with its folder); a
reading the author always wants (an acronym, their own name) belongs to the user and applies to every
project. Project entries win over global ones with the same written form and context (``book_lexicon``).
The global file is JSON in the user data dir (``studio.paths.data_dir``), written atomically.

Import/export speak CSV/TSV (header ``written,pinyin,alias,espeak,say_as,context,note``) and the W3C
Pronunciation Lexicon Specification (PLS 1.0): ``<lexeme><grapheme>..</grapheme><phoneme>..</phoneme>
<alias>..</alias></lexeme>``, pinyin written as the phoneme with ``alphabet="x-pinyin"`` on the lexicon. PLS has
no place for a context or a say-as kind: entries with one are exported without it (CSV/TSV keep everything).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.lexicon import LexiconEntry, LexiconError, validate_entry

if TYPE_CHECKING:
    from studio.core.project import Project

__all__ = ["FIELDS", "add_entries", "book_lexicon", "global_entries", "global_lexicon_file", "parse_entries",
           "project_entries", "remove_entry", "render_entries", "save_global_entries"]

FIELDS = ("written", "pinyin", "alias", "espeak", "say_as", "context", "note")
_PLS_NS = "http://www.w3.org/2005/01/pronunciation-lexicon"
log = logging.getLogger("studio.lexicon")


def global_lexicon_file() -> Path:
    from studio.paths import data_dir

    return data_dir() / "lexicon.json"


def project_entries(project: Project) -> list[LexiconEntry]:
    rows = project.lexicon_rows(FIELDS)
    return [LexiconEntry(written, pinyin, alias, espeak, say_as, context, scope="project", note=note)
            for written, pinyin, alias, espeak, say_as, context, note in rows]


def global_entries(path: Path | None = None) -> list[LexiconEntry]:
    """The user's global entries (none if the file does not exist); a damaged file is an error naming it."""
    path = path or global_lexicon_file()
    if not path.exists():
        return []
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [LexiconEntry(**{k: str(row.get(k, "")) for k in FIELDS}, scope="global") for row in rows]
    except (ValueError, TypeError, AttributeError) as exc:
        raise LexiconError(f"{path}: the global lexicon cannot be read ({exc}); fix or move the file") from None


def save_global_entries(entries: Iterable[LexiconEntry], path: Path | None = None) -> None:
    path = path or global_lexicon_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{k: getattr(e, k) for k in FIELDS} for e in sorted(entries, key=lambda e: (e.written, e.context))]
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lexicon-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(rows, handle, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


def book_lexicon(project: Project) -> list[LexiconEntry]:
    """Entries in force for a project: its own, then global ones it does not override."""
    own = project_entries(project)
    seen = {(e.written, e.context) for e in own}
    try:
        shared = global_entries()
    except LexiconError as exc:
        log.warning("%s", exc)  # a damaged global file must not stop a project from opening
        shared = []
    return own + [e for e in shared if (e.written, e.context) not in seen]


def add_entries(entries: Sequence[LexiconEntry], *, project: Project | None = None,
                path: Path | None = None) -> list[LexiconEntry]:
    """Validate every entry first (nothing is stored if one is wrong), then add or replace them by written
    form and context, in the project or (``project=None``) in the global file. Returns what was stored."""
    checked = [validate_entry(e) for e in entries]
    if project is not None:
        with project.transaction() as db:
            db.executemany(f"INSERT OR REPLACE INTO lexicon_entry({', '.join(FIELDS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [tuple(getattr(e, k) for k in FIELDS) for e in checked])
        return checked
    current = {(e.written, e.context): e for e in global_entries(path)}
    for entry in checked:
        current[(entry.written, entry.context)] = entry
    save_global_entries(current.values(), path)
    return checked


def remove_entry(written: str, context: str | None = None, *, project: Project | None = None,
                 path: Path | None = None) -> int:
    """Remove entries for ``written`` (only the one with ``context`` if given); returns how many went."""
    if project is not None:
        with project.transaction() as db:
            if context is None:
                return db.execute("DELETE FROM lexicon_entry WHERE written = ?", (written,)).rowcount
            return db.execute("DELETE FROM lexicon_entry WHERE written = ? AND context = ?",
                              (written, context)).rowcount
    entries = global_entries(path)
    kept = [e for e in entries if not (e.written == written and (context is None or e.context == context))]
    save_global_entries(kept, path)
    return len(entries) - len(kept)


def parse_entries(text: str, fmt: str, *, scope: str = "project") -> list[LexiconEntry]:
    """Entries from CSV, TSV or PLS text (``fmt``: csv, tsv, pls); rows are validated, errors name the row."""
    if fmt == "pls":
        return _parse_pls(text, scope)
    reader = csv.DictReader(io.StringIO(text), delimiter="\t" if fmt == "tsv" else ",")
    if not reader.fieldnames or "written" not in reader.fieldnames:
        raise LexiconError(f"the {fmt.upper()} file needs a header row with at least 'written' "
                           f"(columns: {', '.join(FIELDS)})")
    out = []
    for number, row in enumerate(reader, start=2):
        values = {k: (row.get(k) or "").strip() for k in FIELDS}
        try:
            out.append(validate_entry(LexiconEntry(**values, scope=scope)))
        except LexiconError as exc:
            raise LexiconError(f"line {number}: {exc}") from None
    return out


def _parse_pls(text: str, scope: str) -> list[LexiconEntry]:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise LexiconError(f"the PLS file is not well-formed XML: {exc}") from None
    alphabet = root.get("alphabet", "")
    out = []
    for number, lexeme in enumerate(root.iter(f"{{{_PLS_NS}}}lexeme"), start=1):
        def first(tag: str, node: ET.Element = lexeme) -> str:
            found = node.find(f"{{{_PLS_NS}}}{tag}")
            return (found.text or "").strip() if found is not None else ""

        phoneme_node = lexeme.find(f"{{{_PLS_NS}}}phoneme")
        phoneme = first("phoneme")
        kind = (phoneme_node.get("alphabet") if phoneme_node is not None else None) or alphabet
        # Pinyin and espeak phonemes are used; other alphabets (IPA) are kept as a note, since no engine
        # here takes them: an entry with only an IPA reading is refused below (no reading we can send).
        pinyin = phoneme if kind in ("x-pinyin", "py") else ""
        espeak = phoneme if kind == "x-espeak" else ""
        note = f"{kind}: {phoneme}" if phoneme and not (pinyin or espeak) else ""
        entry = LexiconEntry(first("grapheme"), pinyin=pinyin, espeak=espeak, alias=first("alias"), scope=scope,
                             note=note)
        try:
            out.append(validate_entry(entry))
        except LexiconError as exc:
            raise LexiconError(f"lexeme {number}: {exc}") from None
    return out


def render_entries(entries: Sequence[LexiconEntry], fmt: str) -> str:
    """Entries as CSV, TSV or PLS text (the formats ``parse_entries`` reads back)."""
    if fmt == "pls":
        ET.register_namespace("", _PLS_NS)
        root = ET.Element(f"{{{_PLS_NS}}}lexicon", {"version": "1.0", "alphabet": "x-pinyin", "xml:lang": "zh-CN"})
        for entry in entries:
            lexeme = ET.SubElement(root, f"{{{_PLS_NS}}}lexeme")
            ET.SubElement(lexeme, f"{{{_PLS_NS}}}grapheme").text = entry.written
            if entry.pinyin:
                ET.SubElement(lexeme, f"{{{_PLS_NS}}}phoneme").text = entry.pinyin
            elif entry.espeak:
                ET.SubElement(lexeme, f"{{{_PLS_NS}}}phoneme", {"alphabet": "x-espeak"}).text = entry.espeak
            if entry.alias:
                ET.SubElement(lexeme, f"{{{_PLS_NS}}}alias").text = entry.alias
        ET.indent(root)
        return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    writer.writerow(FIELDS)
    for entry in entries:
        writer.writerow([getattr(entry, k) for k in FIELDS])
    return buffer.getvalue()
