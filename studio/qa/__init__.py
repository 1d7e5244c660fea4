"""Proof-listening QA (``studio check``): does the audio say what the text says, and does it sound sane?

Qt-free, like the pipeline it checks: ``run_check`` over a project gives a ``CheckReport`` of ``Finding``s;
``write_reports`` puts it on disk. The window's QA panel and the CLI drive the same code.
"""

from studio.qa.findings import BookEvidence, Checker, Finding, UnitEvidence, checker_factories, register_checker
from studio.qa.report import render_html, write_reports
from studio.qa.run import CheckReport, run_check

__all__ = ["BookEvidence", "CheckReport", "Checker", "Finding", "UnitEvidence", "checker_factories",
           "register_checker", "render_html", "run_check", "write_reports"]
