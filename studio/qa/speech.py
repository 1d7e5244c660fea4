"""The extension point for speech-recognition checks: bring a recognizer, get coverage against what was heard.

We ship no model (a Chinese recognizer is hundreds of megabytes and the vendors' echoes already cover the
cloud voices). A plug-in implements ``Transcriber`` with whatever engine it carries and registers
``RecognitionChecker`` under a name of its own::

    from studio.qa import register_checker
    from studio.qa.speech import RecognitionChecker

    register_checker("asr", lambda: RecognitionChecker(MyWhisper()))

Heard sentences are matched to the sent text exactly as the vendors' echoes are (``measure_coverage``), so
the findings read the same: what the audio skipped, what it says that the text does not.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from studio.audio.cached_audio import decode_to_wav
from studio.engines.timing import Timestamp
from studio.qa.coverage import measure_coverage
from studio.qa.findings import BookEvidence, Finding, UnitEvidence


@runtime_checkable
class Transcriber(Protocol):
    """Turns a WAV file into timed sentences of what is heard (text, begin and end in ms)."""

    def transcribe(self, wav: Path, language: str) -> Sequence[Timestamp]: ...


class RecognitionChecker:
    """Coverage from what a recognizer heard, for engines without echoes or to double-check vendors."""

    name = "recognition"

    def __init__(self, transcriber: Transcriber, language: str = "zh") -> None:
        self.transcriber = transcriber
        self.language = language

    def check(self, unit: UnitEvidence, book: BookEvidence) -> Iterable[Finding]:
        # The protocol promises a WAV: a FLAC unit (the cache since decision 0015) is decoded for it first.
        with tempfile.TemporaryDirectory(prefix="studio-asr-") as work:
            wav = decode_to_wav(unit.audio_path, Path(work) / "unit.wav")
            heard = self.transcriber.transcribe(wav, self.language)
        result = measure_coverage(unit.texts, heard)
        return [unit.finding("not_heard", f"“{text}” was not heard in the audio",
                             "Listen to this paragraph and re-render it if the sentence is missing.",
                             paragraph=paragraph, at_ms=near, sentence=text)
                for paragraph, text, near in result.missing]
