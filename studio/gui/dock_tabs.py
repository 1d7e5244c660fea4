"""Hide the dock tab bars that QMainWindow no longer uses.

Why: each ``tabifyDockWidget`` may give a dock group a new QTabBar; the one it replaced stays a visible child of
the window (Qt 6.11, seen offscreen and on X11), so a stale "Voices | Takes" bar was painted over the job drawer's
buttons. A bar is stale when another visible bar lists all of its tabs and more, or when it lies outside the
window. Qt shows a bar again itself when it reuses it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QTabBar


def hide_stale_tab_bars(window: QMainWindow) -> int:
    """Hide the window's stale dock tab bars; returns how many were hidden."""
    bars = [bar for bar in window.findChildren(QTabBar) if bar.parent() is window and bar.isVisibleTo(window)]
    tabs = {bar: frozenset(bar.tabText(i) for i in range(bar.count())) for bar in bars}
    inside = window.rect()
    hidden = 0
    for bar in bars:
        superseded = any(other is not bar and tabs[bar] < tabs[other] for other in bars)
        if superseded or not inside.intersects(bar.geometry()) or not tabs[bar]:
            bar.hide()
            hidden += 1
    return hidden
