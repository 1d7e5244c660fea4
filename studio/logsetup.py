"""Logging by category to a rotating file in the user log folder, with secrets redacted.

Redaction is a filter on the handlers, not a habit at call sites: any ``token=``, ``access_token=``,
``Signature=``, ``AccessKeyId=``/``client_secret=`` value in any message or argument is masked before it
is written anywhere.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from studio.paths import log_dir

_SECRET_PARAMS = re.compile(
    r"(?i)\b(token|access_token|signature|accesskeyid|accesskeysecret|access_key_secret|client_id|"
    r"client_secret|secret_key|api_key|appkey|x-nls-token)(\"?\s*[=:]\s*\"?)([^&\s\"',;}]+)"
)


def redact(text: str) -> str:
    """Mask the values of secret-looking parameters (URLs, JSON, headers)."""
    return _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


_configured: Path | None = None


def setup_logging(level: int = logging.INFO) -> Path:
    """Configure the ``studio`` logger once; return the log file path (shown to users on errors)."""
    global _configured
    if _configured is not None:
        return _configured
    folder = log_dir()
    path = folder / "studio.log"
    root = logging.getLogger("studio")
    root.setLevel(level)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    _configured = path
    return path
