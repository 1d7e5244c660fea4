"""Every documented Alibaba NLS status code maps to the right project error, naming the code."""

from __future__ import annotations

import pytest

from studio.core.errors import (
    AuthError,
    BadInputError,
    EngineError,
    QuotaError,
    RetryableEngineError,
    TaskExpiredError,
    ThrottledError,
)
from studio.engines.aliyun_errors import CODES, audio_expired_error, error_for, is_token_rejected

# (code, a vendor message from the docs, expected type): the doc's 通用错误码 and 语音合成 tables plus NOTES.md.
DOCUMENTED = [
    (40000000, "默认的客户端错误码", BadInputError),
    (40000001, "Meta:ACCESS_DENIED:The token 'fdf' is invalid!", AuthError),
    (40000001, "The token 'abc' has expired", AuthError),
    (40000001, "Gateway:ACCESS_DENIED:No privilege to this voice!", BadInputError),
    (40000002, "Gateway:MESSAGE_INVALID:Can't process message in state'FAILED'!", BadInputError),
    (40000003, "PARAMETER_INVALID", BadInputError),
    (40000003, "Failed to decode url params", BadInputError),
    (40000004, "Gateway:IDLE_TIMEOUT:Websocket session is idle for too long time", RetryableEngineError),
    (40000005, "Gateway:TOO_MANY_REQUESTS:Too many requests!", ThrottledError),
    (40000009, "Invalid wav header!", BadInputError),
    (40000009, "Too large wav header!", BadInputError),
    (40000010, "Gateway:FREE_TRIAL_EXPIRED:The free trial has expired!", QuotaError),
    (40010001, "Gateway:NAMESPACE_NOT_FOUND:RESTful url path illegal", EngineError),
    (40010003, "Gateway:DIRECTIVE_INVALID:No text specified!", BadInputError),
    (40010004, "Gateway:CLIENT_DISCONNECT:Client disconnected before task finished!", RetryableEngineError),
    (40010005, "Gateway:TASK_STATE_ERROR:Got stop directive while task is stopping!", BadInputError),
    (40020105, "Meta:APPKEY_NOT_EXIST:Appkey not exist!", AuthError),
    (40020106, "Meta:APPKEY_UID_MISMATCH:Appkey and user mismatch!", AuthError),
    (403, "Forbidden", AuthError),
    (41000003, "MetaInfo doesn't have end point info", AuthError),
    (41010101, "UNSUPPORTED_SAMPLE_RATE", BadInputError),
    (41040201, "Realtime:GET_CLIENT_DATA_TIMEOUT:Client data does not send continuously!", RetryableEngineError),
    (41020001, "Engine return error code: 418", BadInputError),
    (41020001, "Engine return error code: 413", BadInputError),
    (41020001, "Engine return error code: 424", BadInputError),
    (41020001, "Request json illegal,failed to parse request.", BadInputError),
    (41020001, "SSML text length should be less than 300.", BadInputError),
    (41020001, "Illegal ssml text", BadInputError),
    (50000000, "GRPC_ERROR:Grpc error!", RetryableEngineError),
    (50000001, "GRPC_ERROR:Grpc error!", RetryableEngineError),
    (52010001, "GRPC_ERROR:Grpc error!", RetryableEngineError),
    (51020001, "TTS:TtsServerError", RetryableEngineError),
]


@pytest.mark.parametrize(("code", "message", "expected"), DOCUMENTED)
def test_documented_code(code: int, message: str, expected: type[EngineError]) -> None:
    err = error_for(code, message, http_status=400, action="submit")
    assert type(err) is expected
    assert err.vendor_code == code
    assert f"vendor code {code}" in str(err)
    assert "submit" in str(err)
    assert err.retryable == issubclass(expected, RetryableEngineError)


def test_every_code_in_the_table_is_tested() -> None:
    assert set(CODES) <= {code for code, _, _ in DOCUMENTED}


def test_engine_sub_codes_say_what_to_fix() -> None:
    assert "voice" in str(error_for(41020001, "Engine return error code: 418"))
    assert "SSML" in str(error_for(41020001, "Engine return error code: 413"))
    assert "voice" in str(error_for(40000001, "Gateway:ACCESS_DENIED:No privilege to this voice!"))


def test_token_is_scrubbed_from_vendor_message() -> None:
    err = error_for(40000001, "Meta:ACCESS_DENIED:The token 'fdf123456' is invalid!", secrets=["fdf123456"])
    assert "fdf123456" not in str(err) and "fdf123456" not in repr(err)
    assert "fdf123456" not in (err.vendor_message or "")
    # Even when the caller does not know the value, a quoted token is masked.
    err = error_for(40000001, "The token 'zzz999888' has expired")
    assert "zzz999888" not in str(err)


@pytest.mark.parametrize(("code", "status", "expected"), [
    (59999999, 200, RetryableEngineError),
    (40099999, 400, EngineError),
    (None, 429, ThrottledError),
    (None, 502, RetryableEngineError),
    (None, 401, AuthError),
    (None, 404, EngineError),
])
def test_undocumented_codes_fall_back_by_class(code: int | None, status: int, expected: type) -> None:
    err = error_for(code, "", http_status=status)
    assert type(err) is expected
    assert str(code if code is not None else status) in str(err)


@pytest.mark.parametrize(("code", "message", "status", "rejected"), [
    (40000001, "The token 'x' is invalid!", 400, True),
    (40000001, "The token 'x' has expired", 400, True),
    (40000001, "Gateway:ACCESS_DENIED:No privilege to this voice!", 400, False),
    (None, "", 403, True),
    (403, "Forbidden", 403, True),
    (40000003, "PARAMETER_INVALID", 400, False),
    (20000000, "SUCCESS", 200, False),
])
def test_token_rejection(code: int | None, message: str, status: int, rejected: bool) -> None:
    assert is_token_rejected(code, message, status) is rejected


def test_expired_audio_is_retryable_resubmit() -> None:
    err = audio_expired_error("abc", vendor_code=40000003, vendor_message="task not found")
    assert isinstance(err, TaskExpiredError) and err.retryable
    assert "7 days" in str(err) and "resubmit" in str(err) and "abc" in str(err)
    assert "vendor code 40000003: task not found" in str(err)
