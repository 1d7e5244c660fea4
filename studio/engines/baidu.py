"""Baidu long-text synthesis ("长文本在线合成") behind the ``Engine`` contract. Qt-free, thread-safe.

The protocol (``docs/vendor``: baidu-long-text-tts.txt, NOTES.md): an OAuth ``access_token`` from the API Key
and Secret Key (``baidu_token``); ``POST {tts_url}/create?access_token=..`` with a JSON body whose ``text`` is a
*list* of paragraphs answers a ``task_id``; ``POST {tts_url}/query`` with up to 200 ``task_ids`` reports
``Running`` / ``Success`` (with ``speech_url`` and timestamps) / ``Failure``; the audio is downloaded from
``speech_url`` (kept 72 h). Desktop apps sit behind NAT, so there is no callback: the scheduler polls.

Choices made here (the "why" the doc leaves open):

* **Audio format.** ``fetch`` always writes 16-bit PCM WAV. What Baidu is asked for follows the request:
  ``audio_format`` "wav" picks by ``sample_rate`` (None -> the engine's ``audio_format``, default "wav";
  16000 -> "wav"; 8000 -> "pcm-8k"; 48000 -> "mp3-48k", the only 48 kHz format), "pcm" gives "pcm-16k" or
  "pcm-8k", "mp3" gives "mp3-16k" or "mp3-48k"; a vendor name ("mp3-16k", ...) is taken as is. Any other
  rate is a ``BadInputError`` before anything is sent: Baidu has no other rates.
* **Speed / pitch / volume.** The engine-neutral multipliers (1.0 = the voice's default) map piecewise
  linearly onto Baidu's 0..15 scale with 5 as the default: 0.5x -> 0, 1.0x -> 5, 1.5x -> 10, 2.0x -> 15
  (ten steps per 1.0 on both sides, rounded half up), clamped to the scale. Basic voices (0, 1, 3, 4) have a
  volume scale of 0..9 only, so their volume is clamped to 9. Volume 0 on Baidu is "quietest", not silence.
* **Paragraph gaps.** ``break`` is always sent, as ``request.paragraph_gap_ms`` clamped to 0..5000, so the
  gaps in the audio are what the app planned rather than Baidu's 1 s default. ``paragraph_offsets_ms`` come
  from the first sentence timestamp of each paragraph (paragraph 0 starts at 0).
* **Emotions.** Baidu has none: a request with any emotion span is refused (``BadInputError``) before
  sending, so nobody pays for audio that ignores the editor's marks.
* **Retries.** None here except one: a token Baidu calls invalid/expired (110/111) is dropped, a new one
  fetched and the call repeated once. Everything else is the scheduler's (see ``baidu_errors`` for which
  error type each code becomes).

Secrets: the access token is in every API URL's query string and audio links carry signed parameters, so
no URL ever goes into a message, a log line or an exception chain (``raise ... from None``).

The wire format (the create body with its checks, timestamps parsing) is ``baidu_protocol``; its names are
re-exported here for callers of this module.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import requests

from studio.core.credentials import BaiduCredentials
from studio.core.errors import EngineError, RetryableEngineError, TaskExpiredError
from studio.engines.audio_convert import sniff_format
from studio.engines.baidu_errors import (
    TASK_UNKNOWN,
    TOKEN_CODES,
    error_for_code,
    error_for_http_status,
    error_for_task_failure,
    error_for_transport,
)
from studio.engines.baidu_protocol import (
    BASIC_VOICES,
    MAX_CHARACTERS,
    MAX_QUERY_IDS,
    VENDOR_FORMATS,
    build_create_body,
    parse_timestamps,
    query_batches,
    vendor_format,
    vendor_level,
)
from studio.engines.baidu_token import DEFAULT_TOKEN_URL, BaiduTokenProvider
from studio.engines.base import SynthesisRequest, SynthesisResult, TaskState, TaskStatus
from studio.engines.download import AudioSource, DownloadErrors, download_wav
from studio.engines.http import describe_response, make_session, response_json
from studio.engines.one_shot import synthesize_once
from studio.engines.timing import Timestamp, paragraph_offsets, parse_ms
from studio.engines.traits import CharCounting, EngineTraits, PollRange

__all__ = [
    "BASIC_VOICES",
    "DEFAULT_TTS_URL",
    "ENV_TOKEN_URL",
    "ENV_TTS_URL",
    "MAX_CHARACTERS",
    "MAX_QUERY_IDS",
    "VENDOR_FORMATS",
    "BaiduEngine",
    "build_create_body",
    "paragraph_offsets",
    "parse_timestamps",
    "query_batches",
    "vendor_format",
    "vendor_level",
]

if TYPE_CHECKING:
    from studio.engines.registry import EngineOptions

log = logging.getLogger("studio.engines.baidu")

ENV_TOKEN_URL = "STUDIO_BAIDU_TOKEN_URL"
ENV_TTS_URL = "STUDIO_BAIDU_TTS_URL"
DEFAULT_TTS_URL = "https://aip.baidubce.com/rpc/2.0/tts/v1"

#: The doc: the audio link of a finished task is kept 72 hours.
RETENTION_S = 72 * 3600.0

#: The vendor facts render/ plans and schedules by (docs/decisions/0005-engine-traits-and-timing.md).
TRAITS = EngineTraits(
    name="baidu", display_name="Baidu", durable=True, retention_s=RETENTION_S,
    max_chars=MAX_CHARACTERS, counting=CharCounting.PLAIN,
    separator_chars=0,  # paragraphs travel as a list: nothing between them is counted
    batch_query_ids=MAX_QUERY_IDS,  # whenever any task is due, every running one is asked in the same query
    default_concurrency=20, max_concurrency=None, requests_per_s=10.0, downloads=4,
    poll_range=PollRange(0.2, 10.0),
    emotions=False, ssml=False, price_key="baidu",
    strips_emotions=True,  # the vendor refuses markup: emotion marks are dropped (and the author warned)
)

#: Query-level codes that are answers about the batch's ids rather than failures of the round.
_BATCH_CODES = frozenset({TASK_UNKNOWN, 336202})
#: Finished tasks whose audio link we remember for ``fetch``; older ones are looked up again.
_DONE_CACHE = 10_000


def create(options: EngineOptions) -> BaiduEngine:
    """The engine for a render: credentials from the environment or the keyring (``registry`` calls this)."""
    from studio.core.accounts import require_credentials

    return BaiduEngine(require_credentials("baidu"))


# --------------------------------------------------------------------------------------------------
# The engine.


@dataclass(frozen=True)
class _Submitted:
    """What only ``submit`` knows; lost on restart, when ``fetch`` infers it from the audio instead."""

    vendor_format: str
    paragraphs: int


@dataclass(frozen=True)
class _Finished:
    speech_url: str
    speech_timestamp: object


class BaiduEngine:
    """Baidu long-text synthesis: ``submit`` -> task id, ``poll`` 200 ids per query, ``fetch`` -> 16-bit WAV.

    Thread-safe: one ``requests.Session`` (pooled) and one token provider are shared by all threads. Task ids
    are Baidu's, so they stay valid across restarts of the app (for 72 h at Baidu): ``fetch`` of an id this
    engine did not see finish asks Baidu for its audio link first.
    """

    name = "baidu"

    def __init__(self, credentials: BaiduCredentials, *, tts_url: str | None = None, token_url: str | None = None,
                 session: requests.Session | None = None, timeout: float | tuple[float, float] = (5.0, 30.0),
                 enable_subtitle: int = 1, audio_format: str = "wav") -> None:
        """URLs: explicit arguments, else ``STUDIO_BAIDU_TTS_URL`` / ``STUDIO_BAIDU_TOKEN_URL``, else Baidu's.

        ``enable_subtitle``: 0 none, 1 sentence timestamps (default), 2 word timestamps. ``audio_format``: the
        Baidu format fetched for a request that just wants WAV (e.g. "mp3-16k" downloads a sixth of the
        bytes and is decoded locally). A ``session`` passed in stays the caller's: ``close`` leaves it open.
        """
        if enable_subtitle not in (0, 1, 2):
            raise ValueError(f"enable_subtitle must be 0, 1 or 2, not {enable_subtitle!r}")
        if audio_format not in VENDOR_FORMATS:
            raise ValueError(f"audio_format must be one of {', '.join(VENDOR_FORMATS)}, not {audio_format!r}")
        self._tts_url = (tts_url or os.environ.get(ENV_TTS_URL) or DEFAULT_TTS_URL).rstrip("/")
        token_url = token_url or os.environ.get(ENV_TOKEN_URL) or DEFAULT_TOKEN_URL
        self._own_session = session is None
        self._session = session if session is not None else make_session()
        self._timeout = timeout
        self._enable_subtitle = enable_subtitle
        self._default_format = audio_format
        self._credentials = credentials
        self._tokens = BaiduTokenProvider(credentials, token_url=token_url, session=self._session, timeout=timeout)
        self._lock = threading.Lock()
        self._submitted: dict[str, _Submitted] = {}
        self._finished: OrderedDict[str, _Finished] = OrderedDict()
        self._closed = False

    def __repr__(self) -> str:
        return f"BaiduEngine({self._credentials!r})"

    # -- the Engine contract -------------------------------------------------------------------------

    def submit(self, request: SynthesisRequest) -> str:
        """Check the request locally (bad input fails before anything is billed), then create the task."""
        body = build_create_body(request, enable_subtitle=self._enable_subtitle,
                                 default_format=self._default_format)
        self._check_open()
        data = self._call("create", body, action="create")
        task_id = data.get("task_id")
        if not isinstance(task_id, (str, int)) or isinstance(task_id, bool) or not str(task_id):
            raise RetryableEngineError("Baidu create: the answer holds no task id")
        task_id = str(task_id)
        with self._lock:
            self._submitted[task_id] = _Submitted(body["format"], len(request.paragraphs))
        log.debug("Baidu task %s created: voice %s, %s, %d paragraphs, %d characters", task_id, body["voice"],
                  body["format"], len(request.paragraphs), request.characters)
        return task_id

    def poll(self, task_ids: Sequence[str]) -> dict[str, TaskStatus]:
        """Ask about all ``task_ids`` in queries of at most 200 ids each.

        Network failures and throttling raise (``RetryableEngineError``/``ThrottledError``): the scheduler
        retries the whole round. Ids Baidu does not know (expired after 72 h, or never created) come back
        FAILED with a retryable error saying to resubmit. An id Baidu neither reports nor rejects stays
        QUEUED.
        """
        self._check_open()
        result: dict[str, TaskStatus] = {}
        for batch in query_batches(task_ids):
            result.update(self._query(batch))
        return {task_id: result[task_id] for task_id in dict.fromkeys(task_ids)}

    def fetch(self, task_id: str, dest: Path) -> SynthesisResult:
        """Download the task's audio, verify its length, and write it to ``dest`` as 16-bit WAV atomically.

        A short download raises ``RetryableEngineError`` and leaves no file behind. Timestamps are Baidu's
        (sentences, and per character/word in ``words``); ``duration_ms`` is the WAV's own.
        """
        self._check_open()
        finished = self._finished_task(task_id)
        dest = Path(dest)
        with self._lock:
            submitted = self._submitted.get(task_id)
        sentences, words = parse_timestamps(finished.speech_timestamp)
        info = download_wav(self._session, finished.speech_url, dest, what=f"Baidu task {task_id}",
                            timeout=self._timeout, errors=self._download_errors(task_id),
                            source=lambda path: AudioSource(*_source_format(path, submitted, sentences)))
        rate_hz = info.format.sample_rate
        duration_ms = info.frames * 1000 // rate_hz
        count = submitted.paragraphs if submitted is not None else (
            max((s.paragraph for s in sentences), default=0) + 1)
        offsets = paragraph_offsets(sentences, count, duration_ms) if sentences else [0]
        with self._lock:
            self._finished.pop(task_id, None)
            self._submitted.pop(task_id, None)
        return SynthesisResult(audio_path=dest, sample_rate=rate_hz, channels=info.format.channels,
                               duration_ms=duration_ms, sentences=sentences, words=words,
                               paragraph_offsets_ms=offsets)

    def close(self) -> None:
        """Forget tasks and close the session if the engine made it. Task ids stay valid at Baidu."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._submitted.clear()
            self._finished.clear()
        if self._own_session:
            self._session.close()

    # -- conveniences --------------------------------------------------------------------------------

    def synthesize(self, request: SynthesisRequest, dest: Path, *, poll_interval_s: float = 2.0,
                   timeout_s: float = 3 * 3600.0, cancel: threading.Event | None = None) -> SynthesisResult:
        """Submit, wait and fetch in one call (previews, tests); same shape as the Alibaba engine's. No retries."""
        return synthesize_once(self, request, dest, label="Baidu", cancel=cancel, timeout_s=timeout_s,
                               first_wait_s=poll_interval_s, max_wait_s=poll_interval_s)

    def check_credentials(self) -> None:
        """Get a fresh token ("Test connection"): ``AuthError`` with Baidu's words if the keys are wrong."""
        self._check_open()
        self._tokens.reset()
        self._tokens.get()

    def __enter__(self) -> BaiduEngine:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    # -- internals -----------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise EngineError("Baidu engine is closed")

    def _secrets(self, token: str | None = None) -> tuple[str | None, ...]:
        return (token, self._credentials.api_key, self._credentials.secret_key)

    def _call(self, endpoint: str, body: Mapping[str, Any], *, action: str) -> dict[str, Any]:
        """POST to ``{tts_url}/{endpoint}`` with a token; on 110/111 renew the token and try once more."""
        for attempt in (1, 2):
            token = self._tokens.get()
            data = self._post(endpoint, token, body, action=action)
            code = data.get("error_code")
            if code in (None, 0, "0", ""):
                return data
            if _int(code) in TOKEN_CODES:
                self._tokens.invalidate(token)
                if attempt == 1:
                    log.info("Baidu %s: access token rejected (code %s); renewing it", action, code)
                    continue
            raise error_for_code(code, _str(data.get("error_msg")), action=action)
        raise AssertionError("unreachable")

    def _post(self, endpoint: str, token: str, body: Mapping[str, Any], *, action: str) -> dict[str, Any]:
        try:
            response = self._session.post(f"{self._tts_url}/{endpoint}", params={"access_token": token},
                                          json=body, timeout=self._timeout)
        except requests.RequestException as exc:
            raise error_for_transport(exc, action=action, secrets=self._secrets(token)) from None
        with response:
            data = response_json(response)
        if data is not None and data.get("error_code") not in (None, 0, "0", ""):
            return data  # Baidu's own code says more than the HTTP status
        if not response.ok:
            raise error_for_http_status(response.status_code, action=action)
        if data is None:
            raise RetryableEngineError(f"Baidu {action}: the answer is not JSON ({describe_response(response)})")
        return data

    def _query(self, batch: list[str]) -> dict[str, TaskStatus]:
        try:
            data = self._call("query", {"task_ids": batch}, action="query")
        except EngineError as exc:
            if exc.vendor_code not in _BATCH_CODES:
                raise
            # The whole batch was refused for its ids (all unknown, or malformed): that is an answer about
            # these tasks, not a failed round, so each id fails on its own and the scheduler can resubmit.
            code = int(exc.vendor_code)
            message = exc.vendor_message
            return {task_id: TaskStatus(task_id, TaskState.FAILED, _unknown_task(task_id, code, message))
                    for task_id in batch}
        statuses: dict[str, TaskStatus] = {}
        for info in data.get("tasks_info") or ():
            if isinstance(info, Mapping) and info.get("task_id") is not None:
                status = self._task_status(str(info["task_id"]), info)
                statuses[status.task_id] = status
        for item in data.get("error_info") or ():
            task_id, item_code, message = _error_info(item)
            if task_id is not None and task_id not in statuses:
                statuses[task_id] = TaskStatus(task_id, TaskState.FAILED, _unknown_task(task_id, item_code, message))
        result: dict[str, TaskStatus] = {}
        for task_id in batch:
            status = statuses.get(task_id) or TaskStatus(task_id, TaskState.QUEUED)
            if status.state is TaskState.FAILED:
                with self._lock:
                    self._submitted.pop(task_id, None)
            result[task_id] = status
        return result

    def _task_status(self, task_id: str, info: Mapping[str, Any]) -> TaskStatus:
        state = str(info.get("task_status") or "").strip().lower()
        task_result = info.get("task_result")
        task_result = task_result if isinstance(task_result, Mapping) else {}
        if state == "success":
            url = task_result.get("speech_url")
            if not isinstance(url, str) or not url:
                return TaskStatus(task_id, TaskState.FAILED, TaskExpiredError(
                    f"Baidu task {task_id} finished without an audio link; resubmit"))
            with self._lock:
                self._finished[task_id] = _Finished(url, task_result.get("speech_timestamp"))
                self._finished.move_to_end(task_id)
                while len(self._finished) > _DONE_CACHE:
                    self._finished.popitem(last=False)
            return TaskStatus(task_id, TaskState.DONE)
        if state == "failure":
            return TaskStatus(task_id, TaskState.FAILED,
                              error_for_task_failure(task_result.get("err_no"), _str(task_result.get("err_msg"))))
        return TaskStatus(task_id, TaskState.RUNNING)  # "Running", and anything new Baidu may add

    def _finished_task(self, task_id: str) -> _Finished:
        with self._lock:
            finished = self._finished.get(task_id)
        if finished is not None:
            return finished
        status = self._query([task_id])[task_id]  # e.g. after a restart: ask for the link again
        if status.state is TaskState.FAILED:
            assert status.error is not None
            raise status.error
        with self._lock:
            finished = self._finished.get(task_id)
        if finished is None:
            raise RetryableEngineError(f"Baidu task {task_id} is not finished yet")
        return finished

    def _download_errors(self, task_id: str) -> DownloadErrors:
        action = "audio download"

        def refused(response: requests.Response) -> EngineError:
            with self._lock:
                self._finished.pop(task_id, None)  # the link expired: the next fetch asks for a new one
            return RetryableEngineError(f"Baidu {action} for task {task_id} was refused "
                                        f"({describe_response(response)}); the link may have expired")

        return DownloadErrors(
            refused=refused,
            http=lambda status: error_for_http_status(status, action=action),
            transport=lambda failure: error_for_transport(failure, action=action, secrets=self._secrets()))


def _source_format(path: Path, submitted: _Submitted | None, sentences: Sequence[Timestamp]) -> tuple[str, int | None]:
    """What was downloaded: the requested container, or (after a restart) what the bytes look like.

    Raw PCM has no header, so its rate is the requested one; unknown after a restart, it is inferred from
    the byte count against the last timestamp (8 and 16 kHz are a factor of two apart), else 16 kHz.
    """
    if submitted is not None:
        container, rate = VENDOR_FORMATS[submitted.vendor_format]
        return container, rate if container == "pcm" else None
    sniffed = sniff_format(path)
    if sniffed is not None:
        return sniffed, None
    rate = 16000
    end_ms = max((s.end_ms for s in sentences), default=0)
    if end_ms > 0:
        estimate = path.stat().st_size / 2 / (end_ms / 1000)
        rate = 8000 if estimate < math.sqrt(8000 * 16000) else 16000
    else:
        log.warning("Baidu audio without a header or timestamps: assuming 16 kHz PCM")
    return "pcm", rate


def _error_info(item: object) -> tuple[str | None, object, str | None]:
    """An ``error_info`` entry: a bare task id, or an object naming the id and maybe a code and message."""
    if isinstance(item, (str, int)) and not isinstance(item, bool):
        return str(item), None, None
    if isinstance(item, Mapping):
        task_id = item.get("task_id", item.get("taskId"))
        code = item.get("error_code", item.get("err_no"))
        message = _str(item.get("error_msg", item.get("err_msg")))
        return (str(task_id) if task_id is not None else None), code, message
    return None, None, None


def _unknown_task(task_id: str, code: object, message: str | None) -> EngineError:
    """The error for an id Baidu refused; without a code it is "unknown task" (336201): resubmit."""
    number = _int(code)
    if code is None or number == TASK_UNKNOWN:
        return error_for_code(TASK_UNKNOWN, message or "task id not found", action=f"query of task {task_id}")
    return error_for_code(number if number is not None else str(code), message, action=f"query of task {task_id}")


def _int(value: object) -> int | None:
    return parse_ms(value)


def _str(value: object) -> str | None:
    return None if value is None else str(value)
