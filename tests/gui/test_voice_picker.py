"""The voice picker: the proxy's filters are VoiceCatalogue.query's filters; assignment is undoable."""

from __future__ import annotations

import pytest

from studio.core.book import VoiceSettings
from studio.core.voices import default_catalogue
from studio.gui.main_window import MainWindow
from studio.gui.voice_model import VoiceFilterProxy, VoiceFilters, VoiceTableModel


def _keys(voices) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(v.engine, v.id) for v in voices]


def test_voice_models_pass_modeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = VoiceTableModel(default_catalogue())
    qtmodeltester.check(model)
    proxy = VoiceFilterProxy(model)
    proxy.set_filters(emotion="happy", sample_rate=24000)
    qtmodeltester.check(proxy)
    proxy.sort(VoiceTableModel.EMOTIONS)
    qtmodeltester.check(proxy)


def test_emotion_happy_at_24khz_shows_exactly_the_query(window: MainWindow) -> None:
    dock = window.voice_dock
    catalogue = default_catalogue()
    dock.set_filters(emotion="happy", sample_rate=24000)
    expected = catalogue.query(emotion="happy", sample_rate=24000)
    assert expected, "the catalogue should have happy voices at 24 kHz"
    assert sorted(_keys(dock.proxy.voices())) == sorted(_keys(expected))
    assert dock.filters_from_widgets() == VoiceFilters(emotion="happy", sample_rate=24000)
    assert dock.count_label.text().startswith(f"{len(expected)} of {len(catalogue)}")


@pytest.mark.parametrize("filters", [
    {},
    {"engine": "baidu"},
    {"engine": "local", "language": "en"},
    {"language": "zh"},
    {"language": "yue-HK"},
    {"gender": "unknown"},
    {"gender": "child"},
    {"scenario": "literature"},
    {"emotion": True},
    {"emotion": False, "engine": "aliyun"},
    {"emotion": "surprise"},
    {"sample_rate": 48000},
    {"timestamps": False},
    {"timestamps": True, "tier": "premium"},
    {"tier": "offline"},
    {"text": "多情感"},
    {"text": "female offline"},
])
def test_every_filter_matches_the_catalogue_query(window: MainWindow, filters: dict) -> None:  # type: ignore[type-arg]
    dock = window.voice_dock
    dock.set_filters(**filters)
    expected = default_catalogue().query(**filters)
    assert sorted(_keys(dock.proxy.voices())) == sorted(_keys(expected))
    # and back to everything
    dock.set_filters(engine=None, language=None, gender=None, scenario=None, emotion=None, sample_rate=None,
                     timestamps=None, tier=None, text=None)
    assert dock.proxy.rowCount() == len(default_catalogue())


def test_assign_to_book_and_chapter_is_undoable(qtbot, book_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = book_window
    dock = window.voice_dock
    book = window.document.book
    dock.set_filters(emotion="happy", sample_rate=24000)
    assert dock.select_voice("aliyun", "zhifeng_emo")
    assert dock.book_button.isEnabled()
    dock.book_button.click()
    assert book.voice == VoiceSettings(engine="aliyun", voice="zhifeng_emo")
    assert "知锋" in window.editor_panel.header.text()
    window.chapter_dock.select_row(1)
    dock.set_filters(emotion=None, sample_rate=None, engine="local")
    assert dock.select_voice("local", "local-en-us-f")
    dock.chapter_button.click()
    assert book.chapters[1].voice == VoiceSettings(engine="local", voice="local-en-us-f")
    assert book.chapters[0].voice.is_empty()
    window.undo_action.trigger()
    assert book.chapters[1].voice.is_empty()
    window.undo_action.trigger()
    assert book.voice.is_empty()
    window.redo_action.trigger()
    assert book.voice.voice == "zhifeng_emo"


def test_audition_plays_a_cached_sample(qtbot, window: MainWindow, settings) -> None:  # type: ignore[no-untyped-def]
    dock = window.voice_dock
    dock.set_filters(engine="local")
    assert dock.select_voice("local", "local-cmn-f")
    with qtbot.waitSignal(window.preview.ready, timeout=60_000) as ready:
        dock.audition_button.click()
    items = ready.args[0]
    assert len(items) == 1 and items[0].duration_ms > 1000
    assert items[0].audio_path.parent == settings.cache_dir / "auditions"
    assert window.player.current_item() == items[0]
    stamp = items[0].audio_path.stat().st_mtime_ns
    window.player.stop()
    with qtbot.waitSignal(window.preview.ready, timeout=60_000) as again:
        dock.audition()
    assert again.args[0][0].audio_path.stat().st_mtime_ns == stamp  # from the cache, not synthesized again
    window.player.stop()
