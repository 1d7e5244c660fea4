"""What travels over the wire: a parsed request, a response to write, and the record kept of each exchange."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from tests.emulator.state import AudioBody


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the emulator saw it (tests count submissions, token fetches, query batch sizes)."""

    vendor: str  # "aliyun" | "baidu" ("" for paths neither vendor serves)
    endpoint: str  # "token" | "submit" | "poll" | "download" | "create" | "query"
    method: str
    path: str
    query: dict[str, str]
    body: bytes
    status: int  # HTTP status sent; 0 if the connection was dropped without a response
    time: float  # time.monotonic() when the request arrived

    def json(self) -> Any:
        """The body parsed as JSON, or None if it is not JSON."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return None


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]  # last value wins for repeated names
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    audio: AudioBody | None = None  # a download: streamed, may be truncated by the truncate fault
    range: tuple[int, int] | None = None  # byte range [start, stop) of ``audio`` to send
    close: bool = False

    @property
    def length(self) -> int:
        if self.audio is not None:
            start, stop = self.range or (0, self.audio.size)
            return stop - start
        return len(self.body)

    def chunks(self) -> Iterator[bytes]:
        if self.audio is not None:
            start, stop = self.range or (0, self.audio.size)
            yield from self.audio.read(start, stop)
        elif self.body:
            yield self.body


def json_response(status: int, payload: Any, headers: list[tuple[str, str]] | None = None,
                  content_type: str = "application/json;charset=UTF-8") -> Response:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(status, [("Content-Type", content_type), *(headers or [])], body)


def xml_response(status: int, root: str, payload: dict[str, Any], headers: list[tuple[str, str]] | None = None
                 ) -> Response:
    def render(value: Any) -> str:
        if isinstance(value, dict):
            return "".join(f"<{k}>{render(v)}</{k}>" for k, v in value.items())
        return escape(str(value))

    body = f"<?xml version='1.0' encoding='UTF-8'?><{root}>{render(payload)}</{root}>".encode()
    return Response(status, [("Content-Type", "application/xml"), *(headers or [])], body)


def html_error(status: int, reason: str) -> Response:
    """What a load balancer in front of the API sends: not JSON at all."""
    body = f"<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}</h1></center>" \
           "</body></html>"
    return Response(status, [("Content-Type", "text/html")], body.encode())


def parse_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """``Range: bytes=a-b`` / ``a-`` / ``-n`` -> [start, stop); None without a header; "invalid" if unsatisfiable."""
    if not header:
        return None
    if not header.startswith("bytes=") or "," in header:
        return "invalid"
    spec = header[len("bytes="):].strip()
    first, _, last = spec.partition("-")
    try:
        if first == "":
            n = int(last)
            if n <= 0:
                return "invalid"
            return max(0, size - n), size
        start = int(first)
        stop = int(last) + 1 if last else size
    except ValueError:
        return "invalid"
    if start >= size or stop <= start:
        return "invalid"
    return start, min(stop, size)


def audio_response(request: Request, audio: AudioBody, headers: list[tuple[str, str]]) -> Response:
    """A download answer for GET/HEAD, honouring a single ``Range`` (object stores support resuming)."""
    base = [("Content-Type", audio.content_type), ("Accept-Ranges", "bytes"), ("ETag", f'"{audio.etag}"'),
            *headers]
    wanted = parse_range(request.headers.get("range"), audio.size)
    if wanted == "invalid":
        return Response(416, [("Content-Range", f"bytes */{audio.size}"), *headers])
    if wanted is None:
        return Response(200, base, audio=audio)
    assert isinstance(wanted, tuple)
    start, stop = wanted
    return Response(206, [*base, ("Content-Range", f"bytes {start}-{stop - 1}/{audio.size}")], audio=audio,
                    range=(start, stop))
