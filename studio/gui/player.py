"""The Player dock: plays previews (a paragraph, a chapter's paragraphs in a row, a voice audition) and reports
which sentence is being spoken, from the timestamps stored with each rendered unit.

QtMultimedia comes with PySide6-Addons; without it (or without an audio device) the dock still loads files
and reports positions, so previews and the sentence highlight work everywhere. The media player is created on
first use, because creating it probes the audio system. Calls that wait for Qt's audio thread go through
``media_calls``, which releases the Python lock meanwhile (else a Qt warning from that thread deadlocks).
"""

from __future__ import annotations

import bisect
import logging
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QVBoxLayout, QWidget

from studio.core.book import Chapter
from studio.gui import media_calls
from studio.gui.job_dock import format_duration
from studio.gui.preview import PlayItem
from studio.gui.qtcompat import emit

log = logging.getLogger("studio.gui.player")

try:
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

    MULTIMEDIA = True
except ImportError:  # PySide6-Essentials only
    MULTIMEDIA = False


class PlayerDock(QDockWidget):
    """Signals:
        spoken(object, int, int, int): chapter, paragraph, start and end character of the sentence playing.
        stopped(): playback stopped or the playlist changed (clear the highlight).
        duration_known(int): the current file's duration in ms, once the media player has read it.
    """

    spoken = Signal(object, int, int, int)
    stopped = Signal()
    duration_known = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Player"), parent)
        self.setObjectName("player_dock")
        self._items: list[PlayItem] = []
        self._offsets: list[int] = []
        self._current = -1
        self._player: Any = None
        self._audio: Any = None
        self._dragging = False
        self._pending_seek: int | None = None
        self._starts: list[int] = []

        style = self.style()
        self.play_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), self.tr("Play/Pause"),
                                   self)
        self.play_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.play_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.play_action.setToolTip(self.tr("Play or pause the preview (Space)"))
        self.play_action.triggered.connect(self.toggle)
        self.stop_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaStop), self.tr("Stop"), self)
        self.stop_action.triggered.connect(self.stop)
        play_button = QToolButton()
        play_button.setDefaultAction(self.play_action)
        stop_button = QToolButton()
        stop_button.setDefaultAction(self.stop_action)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.sliderPressed.connect(self._drag_started)
        self.slider.sliderReleased.connect(self._drag_finished)
        self.time_label = QLabel("0:00 / 0:00")
        self.time_label.setMinimumWidth(self.time_label.fontMetrics().horizontalAdvance("0:00:00 / 0:00:00"))
        self.title_label = QLabel(self.tr("Nothing to play. Preview a paragraph (F5) or audition a voice."))
        self.title_label.setWordWrap(True)
        if not MULTIMEDIA:
            self.title_label.setText(self.tr("Playback needs PySide6-Addons (QtMultimedia)."))
        # No audio device: playback still runs (and the highlight follows), silently -- say so, visibly.
        self.device_notice = QLabel(self.tr("No audio device: playback is silent (the highlight still follows)."))
        self.device_notice.setObjectName("no_audio_device")
        self.device_notice.setWordWrap(True)
        self.device_notice.setStyleSheet("#no_audio_device { color: #8a5a00; }")
        self.device_notice.hide()
        row = QHBoxLayout()
        row.addWidget(play_button)
        row.addWidget(stop_button)
        row.addWidget(self.slider, 1)
        row.addWidget(self.time_label)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title_label)
        layout.addWidget(self.device_notice)
        layout.addLayout(row)
        layout.addStretch(1)
        self.setWidget(body)
        self._update_buttons()

    # -- the media player ---------------------------------------------------------------------------------------
    def media_player(self) -> Any:
        if self._player is None and MULTIMEDIA:
            self._player = QMediaPlayer(self)
            self._audio = QAudioOutput(self)
            self._player.setAudioOutput(self._audio)
            # Queued: the FFmpeg backend emits some of these from inside stop()/setSource() while holding its
            # own locks; a slot that calls back into the player there (playbackState(), setSource()) deadlocks.
            queued = Qt.ConnectionType.QueuedConnection
            self._player.positionChanged.connect(self._on_position, queued)
            self._player.durationChanged.connect(self._on_duration, queued)
            self._player.mediaStatusChanged.connect(self._on_status, queued)
            self._player.playbackStateChanged.connect(self._on_playback_state, queued)
            self._player.errorOccurred.connect(self._on_error, queued)
            from PySide6.QtMultimedia import QMediaDevices

            self.device_notice.setVisible(not QMediaDevices.audioOutputs())
        return self._player

    def items(self) -> list[PlayItem]:
        return list(self._items)

    def current_item(self) -> PlayItem | None:
        return self._items[self._current] if 0 <= self._current < len(self._items) else None

    def play_items(self, items: list[PlayItem]) -> None:
        """Play a new playlist from its start."""
        self.stop()
        self._items = list(items)
        self._offsets = []
        total = 0
        for item in self._items:
            self._offsets.append(total)
            total += max(0, item.duration_ms)
        self.slider.setRange(0, total)
        self._current = -1
        if self._items:
            self._load(0, play=True)
        self._update_buttons()

    def _load(self, index: int, *, play: bool, position: int = 0) -> None:
        self._current = index
        item = self._items[index]
        self._starts = [s.begin_ms for s in item.sentences]
        label = item.label if len(self._items) == 1 else self.tr("{label} ({n} of {total})").format(
            label=item.label, n=index + 1, total=len(self._items))
        self.title_label.setText(label)
        player = self.media_player()
        if player is None:
            return
        media_calls.set_source(player, QUrl.fromLocalFile(str(item.audio_path)))
        if position:
            media_calls.set_position(player, position)
        if play:
            media_calls.play(player)

    def toggle(self) -> None:
        player = self.media_player()
        if player is None or not self._items:
            return
        if player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            media_calls.pause(player)
        else:
            if self._current < 0:
                self._load(0, play=True)
            else:
                media_calls.play(player)

    def stop(self) -> None:
        if self._player is not None:
            media_calls.stop(self._player)
        emit(self.stopped)
        self._update_buttons()

    def shutdown(self) -> None:
        """Closing: stop and let go of the file (the media backend keeps decoder threads otherwise)."""
        if self._player is not None:
            media_calls.stop(self._player)
            media_calls.set_source(self._player, QUrl())
        self._items = []
        self._current = -1

    def is_playing(self) -> bool:
        return self._player is not None and self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def seek(self, global_ms: int) -> None:
        """Jump to a position on the playlist's time line (the slider's scale)."""
        if not self._items:
            return
        index = max(0, bisect.bisect_right(self._offsets, global_ms) - 1)
        local = max(0, global_ms - self._offsets[index])
        if index != self._current:
            playing = self.is_playing()
            self._load(index, play=playing, position=local)
        elif self._player is not None:
            media_calls.set_position(self._player, local)
        self._on_position(local)

    # -- player events ------------------------------------------------------------------------------------------
    def _on_position(self, position: int) -> None:
        if self._current < 0:
            return
        global_ms = self._offsets[self._current] + position
        if not self._dragging:
            self.slider.setValue(global_ms)
        total = format_duration(self.slider.maximum() / 1000)
        self.time_label.setText(f"{format_duration(global_ms / 1000)} / {total}")
        item = self._items[self._current]
        if item.chapter is None or not item.sentences:
            return
        index = bisect.bisect_right(self._starts, position) - 1
        if index >= 0:
            sentence = item.sentences[index]
            emit(self.spoken, item.chapter, item.paragraph, sentence.start, sentence.end)

    def _on_playback_state(self, _state: Any) -> None:
        self._update_buttons()

    def _on_duration(self, duration: int) -> None:
        if duration > 0:
            emit(self.duration_known, duration)

    def _on_status(self, status: Any) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            if self._current + 1 < len(self._items):
                self._load(self._current + 1, play=True)
            else:
                emit(self.stopped)
                self._update_buttons()

    def _on_error(self, _error: Any, message: str) -> None:
        log.warning("playback error: %s", message)
        self.title_label.setText(self.tr("Cannot play: {error}").format(error=message))

    def _drag_started(self) -> None:
        self._dragging = True

    def _drag_finished(self) -> None:
        self._dragging = False
        self.seek(self.slider.value())

    def _update_buttons(self) -> None:
        style = self.style()
        icon = QStyle.StandardPixmap.SP_MediaPause if self.is_playing() else QStyle.StandardPixmap.SP_MediaPlay
        self.play_action.setIcon(style.standardIcon(icon))
        self.play_action.setEnabled(bool(self._items) and MULTIMEDIA)
        self.stop_action.setEnabled(bool(self._items) and MULTIMEDIA)

    def chapter_of_current(self) -> Chapter | None:
        item = self.current_item()
        return item.chapter if item else None
