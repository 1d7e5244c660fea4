"""Alibaba Cloud NLS long-text synthesis behind the ``Engine`` contract (submit, poll, fetch). Qt-free.

The protocol (../shared/vendor-docs/aliyun-nls-long-text-tts.txt): POST a JSON task to
``/rest/v1/tts/async`` and get a ``task_id``; GET the same URL with ``appkey``, ``task_id`` and ``token`` until
``data.audio_address`` appears (with ``sentences`` if ``enable_subtitle``); download that address (plain
http possible, kept 7 days); convert to 16-bit PCM WAV.

Design decisions, and why:

* **No retries here** except one: a token the service rejects (40000001, HTTP 403) is invalidated and the
  same call is repeated once with a fresh token; a second rejection is an ``AuthError``. Everything else is
  classified (``studio.engines.aliyun_errors``) and raised; the render scheduler owns retries and backoff,
  so it can see throttling and count attempts.
* **poll never fails a task for a network problem.** Alibaba has no batch query, so ``poll`` issues one GET
  per id. A transport failure, a throttled answer, or a retryable error that does not name the task (no
  ``data.task_id``) says nothing about the task: that id keeps its last known state (RUNNING if none) and is
  asked again next time. Only when *every* id in the call failed that way does ``poll`` raise (the last such
  error: retryable or throttled), so the scheduler backs off. A token rejected twice, or another auth
  failure such as an unknown AppKey, raises ``AuthError`` at once (it concerns all tasks). Answers about the
  task itself become FAILED with the mapped error: 51020001 TtsServerError or a retryable code that echoes
  the task id (the synthesis failed: resubmit), an unknown/expired task (40000003 "task not found": the
  7-day limit, resubmit), anything else as classified. The vendor page does not document failed-task polls;
  this rule is our reading, kept tolerant.
* **Secrets never reach a message.** The token travels in the poll's query string and vendor messages
  quote it ("The token 'x' is invalid!"): every message is scrubbed of the AccessKey secret and every
  token issued, URLs are never put in messages, and transport errors are raised outside the ``except``
  block, so the requests exception (whose text holds the URL) is neither chained nor attached as context.
* **Parameter mapping** (engine-neutral multipliers, 1.0 = the voice's default):
  ``speech_rate`` uses Alibaba's published conversion from a speed multiplier: ``(1 - 1/speed) / 0.001`` for
  speed >= 1 and ``(1 - 1/speed) / 0.002`` for speed < 1, so 0.5x -> -500, 1x -> 0, 2x -> +500 (the ends of
  the documented -500..500 range), rounded and clamped. ``pitch_rate`` uses the same curve on the pitch
  multiplier (Alibaba documents the same range and no other conversion). ``volume`` is ``50 * volume``
  clamped to 0..100 (1.0 -> the default 50, 2.0 -> 100).
* **Text**: paragraphs joined with newlines; paragraphs with emotions or XML specials become ``<speak>``
  blocks with all user text escaped (``studio.core.ssml``). Emotions are validated against the voice's
  categories before any request; the 100,000-character limit is checked the vendor's way (tags free, the
  newline between two paragraphs one character: ``TRAITS.request_chars``).
* **Audio**: streamed to a temporary file next to ``dest``, checked against Content-Length (a short
  download is a ``RetryableEngineError`` and leaves no file), converted to WAV and renamed into place.

The wire format (task body with its checks, parameter curves, reading status and storage errors) is
``aliyun_protocol``; the parameter functions are re-exported here for callers of this module. What is left
(~520 lines, over the house's ~450) is the engine object itself: its submit, poll and fetch share the task
bookkeeping, the token retry and the scrubbing of secrets, and read best together.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import requests

from studio.audio.wavinfo import WavInfo
from studio.core import ssml
from studio.core.credentials import AliyunCredentials
from studio.core.errors import (
    AuthError,
    BadInputError,
    EngineError,
    RetryableEngineError,
    ThrottledError,
)
from studio.engines.aliyun_errors import (
    OK,
    STATE_CODES,
    audio_expired_error,
    error_for,
    is_token_rejected,
    sample_rate_refused,
)
from studio.engines.aliyun_protocol import (
    AUDIO_FORMATS,
    DEFAULT_SAMPLE_RATE,
    VoiceEmotions,
    VoiceSampleRates,
    answer_status,
    build_task_body,
    means_unknown_task,
    pitch_rate,
    speech_rate,
    storage_error,
    volume_level,
)
from studio.engines.aliyun_token import DEFAULT_TOKEN_URL, AliyunTokenProvider
from studio.engines.base import SynthesisRequest, SynthesisResult, TaskState, TaskStatus
from studio.engines.download import AudioSource, DownloadErrors, download_wav
from studio.engines.http import (
    DEFAULT_TIMEOUT,
    describe_response,
    make_session,
    response_json,
    scrub,
    transport_error,
)
from studio.engines.one_shot import synthesize_once
from studio.engines.timing import Timestamp, assign_paragraphs, clamp, parse_ms, unit_timing
from studio.engines.traits import CharCounting, EngineTraits, PollRange

__all__ = [
    "DEFAULT_TTS_URLS",
    "ENV_TOKEN_URL",
    "ENV_TTS_URL",
    "TRAITS",
    "AliyunEngine",
    "assign_paragraphs",
    "pitch_rate",
    "speech_rate",
    "volume_level",
]

if TYPE_CHECKING:
    from studio.core.voices import Voice
    from studio.engines.registry import EngineOptions

log = logging.getLogger("studio.engines.aliyun")

ENV_TTS_URL = "STUDIO_ALIYUN_TTS_URL"
ENV_TOKEN_URL = "STUDIO_ALIYUN_TOKEN_URL"
DEFAULT_TTS_URLS = {
    "public": "https://nls-gateway-cn-shanghai.aliyuncs.com/rest/v1/tts/async",
    # Only reachable from Alibaba ECS in Shanghai, and HTTP only (vendor doc).
    "internal": "http://nls-gateway-cn-shanghai-internal.aliyuncs.com/rest/v1/tts/async",
}
#: TTS:TtsServerError: on a poll, the synthesis of that task failed (resubmit), not the query.
TASK_FAILED_CODE = 51020001
#: Alibaba keeps results at most this long; older tasks are reported as expired.
RESULT_LIFETIME_S = 7 * 24 * 3600

#: The vendor facts render/ plans and schedules by (docs/decisions/0005-engine-traits-and-timing.md).
TRAITS = EngineTraits(
    name="aliyun", display_name="Alibaba", durable=True,
    retention_s=float(RESULT_LIFETIME_S),  # the audio link lives at most 7 days (vendor page)
    max_chars=ssml.MAX_TEXT_CHARS, counting=CharCounting.SSML_TAGS_FREE,
    separator_chars=1,  # paragraphs are joined by a newline, and the vendor counts it (only tags are free)
    batch_query_ids=0,  # one GET per task: no batch query exists
    poll_chunk=3, poll_parallel=8,  # so a round over many tasks is split into chunks polled in parallel
    # 100 running tasks per account by default (NOTES.md [C]), shared with anything else the account runs:
    # a render stays well below unless told otherwise, and never goes above.
    default_concurrency=20, max_concurrency=100,
    requests_per_s=40.0, downloads=4, poll_range=PollRange(0.2, 10.0),  # the vendor's samples poll every 10 s
    emotions=True, ssml=True, price_key="aliyun",
    task_deadline_s=3 * 3600.0,  # "合成结果在3小时内完成": results within 3 hours (vendor page)
    chars_per_second=50_000 / 600,  # the vendor's page: "每合成5万字符最快仅需10分钟" (at best)
)

def create(options: EngineOptions) -> AliyunEngine:
    """The engine for a render: credentials from the environment or the keyring (``registry`` calls this)."""
    from studio.core.accounts import require_credentials

    return AliyunEngine(require_credentials("aliyun"), endpoint=options.aliyun_endpoint)


# -- the engine ---------------------------------------------------------------------------------------------


@dataclass
class _Task:
    """What we remember about a submitted task (nothing survives a restart: see ``fetch``)."""

    paragraphs: tuple[str, ...] | None = None
    sample_rate: int | None = None
    audio_format: str | None = None
    submitted_at: float | None = None
    state: TaskState = TaskState.QUEUED
    audio_address: str | None = None
    sentences: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Transient(Exception):
    """A poll that told us nothing about the task (network, 5xx, throttled): keep its last state."""

    def __init__(self, error: EngineError) -> None:
        super().__init__(str(error))
        self.error = error


class AliyunEngine:
    """Alibaba NLS long-text TTS. Thread-safe: submit, poll and fetch may run on many threads at once.

    URLs come from the arguments, else ``STUDIO_ALIYUN_TTS_URL`` / ``STUDIO_ALIYUN_TOKEN_URL``, else the
    vendor's defaults for ``endpoint`` ("public" or "internal"). One ``requests.Session`` serves the engine
    and its token provider; the engine takes ownership of a session passed in and closes it in ``close``.

    ``audio_format`` is what Alibaba is asked to produce (wav, pcm or mp3; mp3 downloads are ~10x smaller);
    ``fetch`` always writes 16-bit PCM WAV. ``voice_emotions(voice)`` gives the emotion categories of a
    voice (empty: none; None: unknown, no check) and ``voice_sample_rates(voice)`` its sample rates; both
    default to the bundled voice catalogue when it is available.
    """

    name = "aliyun"

    def __init__(self, credentials: AliyunCredentials, *, tts_url: str | None = None, token_url: str | None = None,
                 endpoint: str = "public", session: requests.Session | None = None,
                 timeout: tuple[float, float] = DEFAULT_TIMEOUT, enable_subtitle: bool = True,
                 audio_format: str = "wav", voice_emotions: VoiceEmotions | None = None,
                 voice_sample_rates: VoiceSampleRates | None = None) -> None:
        if endpoint not in DEFAULT_TTS_URLS:
            raise ValueError(f"unknown Alibaba endpoint {endpoint!r} (use one of: {', '.join(DEFAULT_TTS_URLS)})")
        if audio_format.lower() not in AUDIO_FORMATS:
            raise ValueError(f"unsupported Alibaba audio format {audio_format!r} (use one of: "
                             f"{', '.join(AUDIO_FORMATS)})")
        if not (credentials.access_key_id and credentials.access_key_secret and credentials.appkey):
            raise AuthError("Alibaba credentials are incomplete: AccessKey ID, AccessKey secret and AppKey are "
                            "all needed")
        self._credentials = credentials
        self.tts_url = tts_url or os.environ.get(ENV_TTS_URL) or DEFAULT_TTS_URLS[endpoint]
        self.token_url = token_url or os.environ.get(ENV_TOKEN_URL) or DEFAULT_TOKEN_URL
        self._session = session if session is not None else make_session()
        self._timeout = timeout
        self._subtitles = enable_subtitle
        self._format = audio_format.lower()
        self._voice_emotions = voice_emotions or _catalogue_emotions
        self._voice_rates = voice_sample_rates or _catalogue_sample_rates
        self._tokens = AliyunTokenProvider(credentials, self.token_url, self._session, timeout=timeout)
        self._tasks: dict[str, _Task] = {}
        self._lock = threading.Lock()
        self._closed = False

    # -- the Engine contract ---------------------------------------------------------------------------------

    def submit(self, request: SynthesisRequest) -> str:
        """Validate and send one long-text task; return Alibaba's task id.

        Everything that can be checked locally (emotions vs. the voice, intensity, spans, length, sample
        rate, format, parameter ranges) is checked before any request, raising ``BadInputError``.
        """
        self._check_open()
        body, task = self._build(request)
        action = "submit"

        def send(token: str) -> requests.Response:
            body["header"]["token"] = token
            return self._session.post(self.tts_url, json=body, timeout=self._timeout)

        response, data = self._call(action, send)
        code, message = answer_status(data)
        inner = (data or {}).get("data")
        task_id = inner.get("task_id") if isinstance(inner, dict) else None
        if data is None or code != OK or not task_id:
            error = self._error(code, message, response, action, data is None)
            if isinstance(error, BadInputError) and "418" in (message or ""):
                # The vendor's words ("Engine return error code: 418") do not say which voice.
                error = BadInputError(f"Alibaba does not know the voice {request.voice!r}",
                                      vendor_code=error.vendor_code, vendor_message=error.vendor_message)
            raise sample_rate_refused(error, code, message or "", task.sample_rate)
        task_id = str(task_id)
        task.submitted_at = time.time()
        with self._lock:
            self._tasks[task_id] = task
        log.debug("submitted %s: voice %s, %d paragraphs, %d characters, %s %d Hz", task_id, request.voice,
                  len(request.paragraphs), request.characters, task.audio_format, task.sample_rate or 0)
        return task_id

    def poll(self, task_ids: Sequence[str]) -> dict[str, TaskStatus]:
        """The state of each task: one GET per id (no batch query exists). See the module docstring for
        how network failures are reported (they never fail a task)."""
        self._check_open()
        result: dict[str, TaskStatus] = {}
        last_transient: EngineError | None = None
        transient = 0
        for task_id in dict.fromkeys(task_ids):
            with self._lock:
                known = self._tasks.get(task_id)
            if known is not None and known.state is TaskState.DONE and known.audio_address:
                result[task_id] = TaskStatus(task_id, TaskState.DONE)  # nothing left to ask
                continue
            try:
                result[task_id] = self._poll_one(task_id)
            except _Transient as failure:
                transient += 1
                last_transient = failure.error
                state = known.state if known is not None else TaskState.RUNNING
                result[task_id] = TaskStatus(task_id, state)
        if last_transient is not None and transient == len(result):
            raise last_transient
        return result

    def fetch(self, task_id: str, dest: Path) -> SynthesisResult:
        """Download the finished audio of ``task_id``, write it to ``dest`` as 16-bit WAV (atomically) and
        describe it, with sentence timestamps mapped onto the request's paragraphs.

        Works for tasks submitted by an earlier run of the app too (the id is polled for its address; WAV and
        MP3 are recognized from the bytes, anything else is taken as this engine's format, raw PCM at 16 kHz);
        only their sentences cannot be mapped to paragraphs (all go to paragraph 0). Audio older than the
        vendor's 7 days raises a ``RetryableEngineError`` asking to resubmit.
        """
        self._check_open()
        dest = Path(dest)
        with self._lock:
            task = self._tasks.get(task_id)
            if task is None:
                task = self._tasks[task_id] = _Task(state=TaskState.RUNNING)
        with task.lock:
            if not task.audio_address:
                try:
                    status = self._poll_one(task_id)
                except _Transient as transient:
                    raise transient.error from None
                if status.state is TaskState.FAILED:
                    raise status.error or RetryableEngineError(f"Alibaba TTS task {task_id} failed")
                if status.state is not TaskState.DONE or not task.audio_address:
                    raise RetryableEngineError(f"Alibaba TTS task {task_id} is not finished yet")
            if task.submitted_at is not None and time.time() - task.submitted_at > RESULT_LIFETIME_S:
                raise audio_expired_error(task_id)
            info = self._download_and_convert(task_id, task, dest)
            sentences, offsets = _timestamps(task, info.frames * 1000 // info.format.sample_rate)
        duration_ms = info.frames * 1000 // info.format.sample_rate
        return SynthesisResult(audio_path=dest, sample_rate=info.format.sample_rate, channels=info.format.channels,
                               duration_ms=duration_ms, sentences=sentences, paragraph_offsets_ms=offsets)

    def close(self) -> None:
        """Close the HTTP session (and with it every pooled connection). Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._session.close()

    # -- conveniences ----------------------------------------------------------------------------------------

    def synthesize(self, request: SynthesisRequest, dest: Path, *, poll_interval_s: float = 2.0,
                   timeout_s: float = 3 * 3600.0, cancel: threading.Event | None = None) -> SynthesisResult:
        """Submit, wait and fetch in one call (previews, "test connection", tests). No retries."""
        return synthesize_once(self, request, dest, label="Alibaba TTS", cancel=cancel, timeout_s=timeout_s,
                               first_wait_s=poll_interval_s, max_wait_s=poll_interval_s)

    def token(self) -> str:
        """A valid token now; raises AuthError for bad credentials."""
        return self._tokens.get()

    def check_credentials(self) -> None:
        """"Test connection": get a token with the credentials; ``AuthError`` with Alibaba's words if wrong."""
        self.token()

    def __enter__(self) -> AliyunEngine:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"AliyunEngine(credentials={self._credentials!r}, format={self._format!r})"

    # -- building the request --------------------------------------------------------------------------------

    def _build(self, request: SynthesisRequest) -> tuple[dict[str, Any], _Task]:
        built = build_task_body(request, appkey=self._credentials.appkey, default_format=self._format,
                                subtitles=self._subtitles, voice_emotions=self._voice_emotions,
                                voice_rates=self._voice_rates, count_chars=TRAITS.request_chars)
        return built.body, _Task(paragraphs=built.paragraphs, sample_rate=built.sample_rate,
                                 audio_format=built.audio_format)

    # -- talking to the service ------------------------------------------------------------------------------

    def _secrets(self) -> list[str]:
        return self._tokens.secrets()

    def _call(self, action: str, send: Callable[[str], requests.Response]
              ) -> tuple[requests.Response, dict[str, Any] | None]:
        """Run ``send(token)``; on a token rejection invalidate the token and run it once more."""
        for attempt in (1, 2):
            token = self._tokens.get()
            failure: requests.RequestException | None = None
            try:
                response = send(token)
            except requests.RequestException as exc:
                failure = exc
            if failure is not None:
                # Raised outside the handler so the requests exception (its text holds the URL, and a
                # poll URL holds the token) is not even the suppressed __context__ of what we raise.
                raise transport_error(failure, f"Alibaba TTS {action}", [token, *self._secrets()])
            data = response_json(response)
            code, message = answer_status(data)
            if not is_token_rejected(code, message, response.status_code):
                return response, data
            self._tokens.invalidate(token)
            log.info("Alibaba token rejected during %s (attempt %d); refreshing", action, attempt)
            if attempt == 2:
                raise error_for(code if code is not None else 403, message, http_status=response.status_code,
                                action=action, secrets=[token, *self._secrets()])
        raise AssertionError("unreachable")

    def _error(self, code: int | None, message: str, response: requests.Response, action: str,
               not_json: bool) -> EngineError:
        if not_json:
            if response.status_code == 200:
                return RetryableEngineError(f"Alibaba TTS {action}: unexpected answer that is not JSON "
                                            f"({describe_response(response)})")
            return error_for(None, "", http_status=response.status_code, action=action)
        return error_for(code, message, http_status=response.status_code, action=action, secrets=self._secrets())

    def _poll_one(self, task_id: str) -> TaskStatus:
        """One status query. Raises ``_Transient`` when the answer says nothing about the task."""
        action = f"poll of task {task_id}"
        params = {"appkey": self._credentials.appkey, "task_id": task_id}

        def send(token: str) -> requests.Response:
            return self._session.get(self.tts_url, params={**params, "token": token}, timeout=self._timeout)

        try:
            response, data = self._call(action, send)
        except AuthError:
            raise
        except (RetryableEngineError, ThrottledError) as exc:
            raise _Transient(exc) from None
        code, message = answer_status(data)
        if data is None:
            raise _Transient(self._error(None, "", response, action, True))
        raw = data.get("data")
        payload: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if code == OK or code in STATE_CODES:
            address = payload.get("audio_address")
            if address:
                self._remember_done(task_id, str(address), payload.get("sentences"))
                return TaskStatus(task_id, TaskState.DONE)
            word = (message or STATE_CODES.get(code or 0, "")).upper()
            state = TaskState.QUEUED if "QUEUE" in word else TaskState.RUNNING
            self._remember_state(task_id, state)
            return TaskStatus(task_id, state)
        error = self._error(code, message, response, action, False)
        if isinstance(error, AuthError):
            raise error  # not a token problem (that was retried): a wrong AppKey concerns every task
        about_task = payload.get("task_id") == task_id or code == TASK_FAILED_CODE
        if isinstance(error, ThrottledError) or (isinstance(error, RetryableEngineError) and not about_task):
            raise _Transient(error)  # about the query, not the task: ask again later
        if isinstance(error, RetryableEngineError):
            error = RetryableEngineError(f"Alibaba TTS task {task_id} failed on the server; resubmit the text",
                                         vendor_code=error.vendor_code, vendor_message=error.vendor_message)
        elif means_unknown_task(message, response.status_code):
            error = audio_expired_error(task_id, vendor_code=code, vendor_message=error.vendor_message)
        self._remember_state(task_id, TaskState.FAILED)
        log.info("Alibaba task %s failed: %s", task_id, error)
        return TaskStatus(task_id, TaskState.FAILED, error)

    def _remember_done(self, task_id: str, address: str, sentences: object) -> None:
        with self._lock:
            task = self._tasks.setdefault(task_id, _Task())
            task.state = TaskState.DONE
            task.audio_address = address
            task.sentences = [s for s in sentences if isinstance(s, dict)] if isinstance(sentences, list) else []

    def _remember_state(self, task_id: str, state: TaskState) -> None:
        with self._lock:
            task = self._tasks.get(task_id)
            if task is not None:
                task.state = state

    # -- download --------------------------------------------------------------------------------------------

    def _download_and_convert(self, task_id: str, task: _Task, dest: Path) -> WavInfo:
        assert task.audio_address
        action = f"download of task {task_id}"
        secrets = self._secrets()

        def refused(response: requests.Response) -> EngineError:
            code, message = storage_error(response)
            return audio_expired_error(task_id, vendor_code=code or response.status_code,
                                       vendor_message=scrub(message, secrets) or None,
                                       detail=describe_response(response))

        errors = DownloadErrors(
            refused=refused,
            http=lambda status: error_for(None, "", http_status=status, action=action),
            transport=lambda failure: transport_error(failure, f"Alibaba TTS {action}", secrets))
        source = AudioSource(task.audio_format or self._format, task.sample_rate or DEFAULT_SAMPLE_RATE)
        return download_wav(self._session, task.audio_address, dest, what=f"Alibaba TTS task {task_id}",
                            timeout=self._timeout, errors=errors, source=lambda _path: source)

    # -- internals -------------------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise EngineError("the Alibaba engine is closed")


# -- helpers ----------------------------------------------------------------------------------------------------


def _timestamps(task: _Task, duration_ms: int) -> tuple[list[Timestamp], list[int]]:
    """Sentence timestamps (ms, clamped to the audio) with paragraphs, and each paragraph's start.

    The vendor's sentences carry no paragraph numbers: they are matched to the request's paragraphs by text
    (``studio.engines.timing``); a task fetched after a restart no longer knows its paragraphs (all in 0).
    """
    sentences: list[Timestamp] = []
    for entry in task.sentences:
        begin, end = parse_ms(entry.get("begin_time")), parse_ms(entry.get("end_time"))
        if begin is not None and end is not None:
            sentences.append(clamp(Timestamp(str(entry.get("text") or ""), begin, end), duration_ms))
    timing = unit_timing(task.paragraphs or ("",), duration_ms, sentences)
    return list(timing.sentences), list(timing.paragraph_offsets_ms)


def _catalogue_voice(voice: str) -> Voice | None:
    try:
        from studio.core.voices import default_catalogue

        return default_catalogue().get("aliyun", voice)
    except Exception as exc:  # no catalogue module or data: validate what we can without it
        log.debug("voice catalogue unavailable: %s", exc)
        return None


def _catalogue_emotions(voice: str) -> Collection[str] | None:
    entry = _catalogue_voice(voice)
    return tuple(entry.emotions) if entry is not None else None


def _catalogue_sample_rates(voice: str) -> Collection[int] | None:
    entry = _catalogue_voice(voice)
    return tuple(entry.sample_rates) if entry is not None and entry.sample_rates else None
