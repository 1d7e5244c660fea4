"""The gutter's delivery mark: a small bar beside a paragraph whose speed, pitch, volume or pauses are set.

Why: delivery set in the Paragraph Delivery… dialog or with Insert Pause… is invisible in the text; the
author should see at a glance which paragraphs read differently, and the tooltip says how.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from studio.core.book import Paragraph
from studio.core.lexicon import BREAK

__all__ = ["DELIVERY_COLOR", "delivery_text", "has_delivery"]

DELIVERY_COLOR = QColor("#2a9d8f")


def has_delivery(paragraph: Paragraph) -> bool:
    """Whether the paragraph's own settings change how it is read (a voice alone has its own dot)."""
    v = paragraph.voice
    return any(x is not None for x in (v.speed, v.pitch, v.volume, v.pause_after_ms)) or \
        any(r.kind == BREAK for r in paragraph.readings)


def delivery_text(paragraph: Paragraph) -> str:
    """One tooltip line: "Delivery: speed ×1.2, pitch ×0.9, volume ×0.8, pause after 800 ms, 2 pauses inside"."""
    if not has_delivery(paragraph):
        return ""
    v = paragraph.voice
    parts = []
    if v.speed is not None:
        parts.append(QCoreApplication.translate("delivery_mark", "speed ×{value}").format(value=f"{v.speed:g}"))
    if v.pitch is not None:
        parts.append(QCoreApplication.translate("delivery_mark", "pitch ×{value}").format(value=f"{v.pitch:g}"))
    if v.volume is not None:
        parts.append(QCoreApplication.translate("delivery_mark", "volume ×{value}").format(value=f"{v.volume:g}"))
    if v.pause_after_ms is not None:
        parts.append(QCoreApplication.translate("delivery_mark", "pause after {ms} ms").format(ms=v.pause_after_ms))
    inside = [r for r in paragraph.readings if r.kind == BREAK]
    if inside:
        parts.append(QCoreApplication.translate("delivery_mark", "pauses inside: {list}").format(
            list=", ".join(f"{r.value} ms" for r in inside)))
    return QCoreApplication.translate("delivery_mark", "Delivery: {settings}").format(settings=", ".join(parts))
