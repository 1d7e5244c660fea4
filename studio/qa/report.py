"""The check's report on disk: ``check.json`` (everything, for tools) and ``check.html`` (for people).

The HTML page is self-contained (inline style, no script, no external links) so it can be mailed to a
narrator or an editor and opened anywhere; every string from the book is escaped.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from studio.qa.run import CheckReport

_STYLE = """body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.35em .6em;text-align:left;vertical-align:top}th{background:#f3f3f3}
.clean{color:#176a2c}.kind{font-family:monospace}.key{font-family:monospace;font-size:.8em;color:#666}"""


def write_reports(report: CheckReport, folder: Path) -> tuple[Path, Path]:
    """Write ``check.json`` and ``check.html`` into ``folder`` (created if needed); returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path, html_path = folder / "check.json", folder / "check.html"
    json_path.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path


def render_html(report: CheckReport) -> str:
    """The readable page."""
    rows = "".join(
        f"<tr><td>{escape(f.location)}</td><td class=kind>{escape(f.kind)}</td><td>{escape(f.message)}"
        f"{f' (at {f.at_ms / 1000:.1f} s)' if f.at_ms is not None else ''}</td><td>{escape(f.advice)}</td>"
        f"<td>{escape(f.voice)}<div class=key>{escape(f.cache_key)}</div></td></tr>"
        for f in report.findings)
    summary = (f"<p class=clean>No findings in {report.units_checked} units.</p>" if report.clean else
               f"<p>{len(report.findings)} findings in {report.units_checked} units.</p>")
    notes = []
    if report.units_without_audio:
        notes.append(f"{report.units_without_audio} units have no audio yet and were not checked.")
    if report.units_without_echo:
        notes.append(f"{report.units_without_echo} units have no sentence timing (their voice gives none): "
                     "text coverage was not checked for them.")
    pace = ", ".join(f"{escape(k)}: {v} characters/s" for k, v in sorted(report.pace.items()))
    table = ("<table><tr><th>Where</th><th>Kind</th><th>What</th><th>What to do</th><th>Voice / cache key</th>"
             f"</tr>{rows}</table>" if rows else "")
    return (f"<!DOCTYPE html><html><head><meta charset=utf-8><title>Check: {escape(report.title)}</title>"
            f"<style>{_STYLE}</style></head><body><h1>Proof-listening check: {escape(report.title)}</h1>"
            f"<p>Project: {escape(report.project)}. Checks: {escape(', '.join(report.checkers))}.</p>{summary}"
            + "".join(f"<p>{escape(n)}</p>" for n in notes)
            + (f"<p>Typical pace: {pace}.</p>" if pace else "") + f"{table}</body></html>\n")
