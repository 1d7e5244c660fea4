"""Alibaba NLS status codes -> the project's error types (retryable / throttled / auth / quota / bad input).

Why a table: the scheduler decides from the error *type* whether to retry, back off, stop and ask for
credentials, or give up on a paragraph; the user decides from the *message*, which names the vendor code
and says what it means. Every code in the vendor's two tables (通用错误码, 语音合成/长文本语音合成错误码)
and in ../shared/vendor-docs/NOTES.md is listed, so nothing documented falls through to a guess.

Vendor messages can quote the token ("The token 'abc' is invalid!"); callers pass the secrets they know
and every message is scrubbed before it becomes an exception.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from studio.core.errors import (
    AuthError,
    BadInputError,
    EngineError,
    QuotaError,
    RetryableEngineError,
    TaskExpiredError,
    ThrottledError,
)
from studio.engines.http import scrub

__all__ = [
    "CODES",
    "OK",
    "STATE_CODES",
    "CodeInfo",
    "audio_expired_error",
    "error_for",
    "is_token_rejected",
    "sample_rate_refused",
]

OK = 20000000

#: Codes the long-text API uses for task states rather than errors (seen in ``error_code`` on polls).
STATE_CODES = {21050000: "SUCCESS", 21050001: "RUNNING", 21050002: "QUEUEING"}


@dataclass(frozen=True)
class CodeInfo:
    error: type[EngineError]
    meaning: str


#: Every documented code. The meanings are what the user reads next to the vendor's own message.
CODES: dict[int, CodeInfo] = {
    # 通用错误码 (general)
    40000000: CodeInfo(BadInputError, "the request was rejected as a client error"),
    40000001: CodeInfo(AuthError, "authentication failed: the token is invalid or expired"),
    40000002: CodeInfo(BadInputError, "the request message is invalid"),
    40000003: CodeInfo(BadInputError, "a request parameter is invalid"),
    40000004: CodeInfo(RetryableEngineError, "the connection was idle too long (server busy); try again"),
    40000005: CodeInfo(ThrottledError, "too many concurrent requests for this account; slow down"),
    40000009: CodeInfo(BadInputError, "invalid or too large WAV header"),
    40000010: CodeInfo(QuotaError, "the account cannot use long-text synthesis: it is offered to commercial "
                                   "accounts only (a trial account is refused at the first task), or the trial "
                                   "is over, or the account is in arrears. In the Intelligent Speech Interaction "
                                   "console upgrade to the commercial edition (试用版升级为商用版) and check the "
                                   "balance, then render again: finished paragraphs are kept"),
    40010001: CodeInfo(EngineError, "the service URL or API path is not supported; check the Alibaba endpoint "
                                    "setting"),
    40010003: CodeInfo(BadInputError, "the request is missing or has an invalid directive (e.g. no text)"),
    40010004: CodeInfo(RetryableEngineError, "the client disconnected before the task finished; try again"),
    40010005: CodeInfo(BadInputError, "the request is not allowed in the task's current state"),
    40020105: CodeInfo(AuthError, "the AppKey does not exist; check the AppKey in the account settings"),
    40020106: CodeInfo(AuthError, "the AppKey and the AccessKey belong to different Alibaba accounts"),
    41000003: CodeInfo(AuthError, "no route for this AppKey (AppKey and AccessKey from different accounts?)"),
    41010101: CodeInfo(BadInputError, "unsupported sample rate"),
    41040201: CodeInfo(RetryableEngineError, "the server timed out waiting for client data; try again"),
    50000000: CodeInfo(RetryableEngineError, "server error; try again"),
    50000001: CodeInfo(RetryableEngineError, "internal server (gRPC) error; try again"),
    52010001: CodeInfo(RetryableEngineError, "internal server (gRPC) error; try again"),
    # 语音合成/长文本语音合成错误码 (speech synthesis)
    41020001: CodeInfo(BadInputError, "the synthesis engine rejected the request"),
    51020001: CodeInfo(RetryableEngineError, "synthesis server error; try again"),
    # HTTP-level answer documented in the code table
    403: CodeInfo(AuthError, "forbidden: the token is invalid or expired"),
}

# 41020001 carries the engine's own code in its message; these say what the user must change.
_ENGINE_MESSAGES = (
    ("error code: 418", "unsupported voice name (engine code 418)"),
    ("error code:418", "unsupported voice name (engine code 418)"),
    ("error code: 413", "invalid SSML markup (engine code 413)"),
    ("error code:413", "invalid SSML markup (engine code 413)"),
    ("error code: 424", "invalid background music or recording (engine code 424)"),
    ("error code:424", "invalid background music or recording (engine code 424)"),
    ("request json illegal", "the request JSON could not be parsed"),
    ("ssml text length", "the text is too long for this API"),
    ("illegal ssml", "invalid SSML markup (emotion tags on a voice without emotions?)"),
)


#: Printed by ``studio accounts test aliyun``: a token proves the keys, not that long-text synthesis is enabled.
LONG_TEXT_NOTE = ("a token proves the AccessKey and AppKey only. Long-text synthesis is for commercial accounts "
                  "only: a trial account gets 40000010 at the first task (upgrade to the commercial edition in "
                  "the Intelligent Speech Interaction console)")
#: The long-text parameter table lists these; the voice table names 24 kHz and 48 kHz for some voices.
DOCUMENTED_SAMPLE_RATES = (8000, 16000)


def sample_rate_refused(error: EngineError, code: int | None, message: str, sample_rate: int | None
                        ) -> EngineError:
    """A refused sample rate, said as such: which rate, and what to use instead (16000).

    Why: the vendor's answer is a generic "invalid parameter" (or 41010101), while the studio offers the
    voice table's 24 kHz/48 kHz rates; the user needs to know it was the rate and what works.
    """
    lowered = (message or "").lower()
    about_rate = code == 41010101 or (isinstance(error, BadInputError) and any(
        word in lowered for word in ("sample_rate", "sample rate", "samplerate")))
    if not about_rate:
        return error
    rate = f"{sample_rate} Hz" if sample_rate else "the requested sample rate"
    documented = " and ".join(str(r) for r in DOCUMENTED_SAMPLE_RATES)
    return BadInputError(f"Alibaba refused the sample rate {rate} (its long-text parameter table lists only "
                         f"{documented} Hz, although the voice list names 24 kHz/48 kHz for some voices); render "
                         "again with --sample-rate 16000", vendor_code=error.vendor_code,
                         vendor_message=error.vendor_message)


def _is_voice_privilege(message: str) -> bool:
    # 40000001 "Gateway:ACCESS_DENIED:No privilege to this voice!" is a wrong voice, not a bad token.
    return "privilege to this voice" in message.lower()


def is_token_rejected(code: int | None, message: str = "", http_status: int | None = None) -> bool:
    """Whether an answer means "this token is no good": worth one refresh-and-retry before giving up."""
    if code == 40000001:
        return not _is_voice_privilege(message)
    return code == 403 or (code is None and http_status == 403)


def error_for(code: int | None, message: str = "", *, http_status: int | None = None, action: str = "request",
              secrets: Iterable[str | None] = ()) -> EngineError:
    """The project error for a vendor status code (and/or HTTP status), keeping code and message verbatim.

    ``action`` says what failed ("submit", "poll of task X") and starts the user-facing message;
    ``secrets`` (tokens, keys) are scrubbed from the vendor message before it is stored anywhere.
    """
    vendor_message = scrub(message or "", secrets) or None
    info = CODES.get(code) if code is not None else None
    lowered = (message or "").lower()
    if code == 40000001 and _is_voice_privilege(message):
        info = CodeInfo(BadInputError, "this voice is not available (wrong voice name, or not enabled for the "
                                       "account)")
    elif code == 41020001:
        for needle, meaning in _ENGINE_MESSAGES:
            if needle in lowered:
                info = CodeInfo(BadInputError, meaning)
                break
    if info is None:
        info = _fallback(code, http_status)
    text = f"Alibaba TTS {action} failed: {info.meaning}"
    if http_status is not None and code is not None and code != http_status and http_status >= 400:
        text += f" [HTTP {http_status}]"
    vendor_code: int | None = code if code is not None else http_status
    return info.error(text, vendor_code=vendor_code, vendor_message=vendor_message)


def _fallback(code: int | None, http_status: int | None) -> CodeInfo:
    """Undocumented codes: judge by the code's class, then by the HTTP status."""
    if code is not None and 50000000 <= code < 60000000:
        return CodeInfo(RetryableEngineError, "undocumented server error; try again")
    if code is not None and 40000000 <= code < 50000000:
        return CodeInfo(EngineError, "undocumented client error")
    if http_status == 429:
        return CodeInfo(ThrottledError, "too many requests; slow down")
    if http_status in (401, 403):
        return CodeInfo(AuthError, "access denied")
    if http_status is not None and http_status >= 500:
        return CodeInfo(RetryableEngineError, "server error; try again")
    if http_status is not None and http_status >= 400:
        return CodeInfo(EngineError, "the request was rejected")
    return CodeInfo(RetryableEngineError, "unexpected answer from the server; try again")


def audio_expired_error(task_id: str, *, vendor_code: str | int | None = None, vendor_message: str | None = None,
                        detail: str = "") -> TaskExpiredError:
    """The audio (kept at most 7 days) or the task is gone: nothing to download; submit the unit again.

    A ``TaskExpiredError`` (retryable), so the scheduler resubmits instead of downloading again.
    """
    extra = f" ({detail})" if detail else ""
    return TaskExpiredError(f"Alibaba TTS task {task_id}: the synthesized audio has expired or the task is "
                            f"unknown (Alibaba keeps results for at most 7 days); resubmit the text{extra}",
                            vendor_code=vendor_code, vendor_message=vendor_message)
