"""Secrets in URLs, JSON and headers are masked by the log filter, whatever the call site wrote."""

from __future__ import annotations

import logging

import pytest

from studio.logsetup import RedactingFilter, redact


@pytest.mark.parametrize(("text", "secret"), [
    ("GET /rest/v1/tts/async?appkey=abc123&task_id=1&token=0123456789abcdef", "0123456789abcdef"),
    ("POST /oauth/2.0/token?grant_type=client_credentials&client_id=AK&client_secret=SK-very-secret",
     "SK-very-secret"),
    ("/rpc/2.0/tts/v1/query?access_token=24.abcdef.2592000.1-35000000", "24.abcdef.2592000.1-35000000"),
    ("/?AccessKeyId=LTAI5t&Signature=hHq4yNsPitlfDJ2L0nQPdugdEzM%3D&Timestamp=x", "hHq4yNsPitlfDJ2L0nQPdugdEzM"),
    ('{"header": {"appkey": "emu-appkey", "token": "tok-1234"}}', "tok-1234"),
    ("X-NLS-Token: secret-header-token", "secret-header-token"),
])
def test_redact_masks_secret_values(text: str, secret: str) -> None:
    assert secret not in redact(text)
    assert "***" in redact(text)


def test_filter_masks_arguments_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("studio.test.redaction")
    handler = logging.Handler()
    records: list[logging.LogRecord] = []
    handler.emit = records.append  # type: ignore[method-assign]
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    try:
        logger.warning("poll failed for %s", "https://h/x?task_id=1&token=leaky-token-value")
        try:
            raise RuntimeError("GET /x?access_token=leaky-access-token failed")
        except RuntimeError:
            logger.exception("download failed")
    finally:
        logger.removeHandler(handler)
    assert "leaky-token-value" not in records[0].getMessage()
    assert "leaky-access-token" not in (records[1].exc_text or "") and records[1].exc_text
