"""Voice filters explain an empty result and never silently change the selected voice."""

from __future__ import annotations

from studio.gui.main_window import MainWindow


def test_an_empty_result_names_the_filters_that_exclude_each_other(window: MainWindow) -> None:
    dock = window.voice_dock
    dock.set_filters(sample_rate=48000, emotion="happy")
    assert dock.proxy.rowCount() == 0
    assert dock.count_label.text() == "0 voices: 48 kHz has no voice with Happy."


def test_a_filter_that_hides_the_selected_voice_clears_the_selection_and_says_so(window: MainWindow) -> None:
    dock = window.voice_dock
    dock.set_filters(emotion="happy")
    voice = dock.proxy.voices()[1]
    assert dock.select_voice(voice.engine, voice.id)
    dock.set_filters(gender=voice.gender)  # still shown: still selected
    assert dock.selected_voice() == voice
    other = next(g for g in ("female", "male") if g != voice.gender)
    dock.set_filters(gender=other)
    assert dock.proxy.rowCount() > 0  # rows remain, but none of them became the selection
    assert dock.selected_voice() is None
    assert not dock.book_button.isEnabled()
    assert f"{voice.name} is hidden by the filters" in dock.count_label.text()
