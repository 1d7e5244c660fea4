"""``VendorEmulator``: one real HTTP server on 127.0.0.1 speaking Alibaba NLS and Baidu long-text TTS.

Why a real server: the clients under test must run unchanged (``requests``, real sockets, real timeouts,
real connection drops); only their base URLs point here. The stdlib ``ThreadingHTTPServer`` is enough:
HTTP/1.1 keep-alive, a daemon thread per connection, and faults that act on the socket itself (drop the
connection, advertise a length and send less).

Routes (paths mirror the vendors' so URL building in clients is exercised):
  GET|POST /aliyun-meta/                      Alibaba CreateToken (POP RPC, signed)
  POST     /rest/v1/tts/async                 Alibaba submit;  GET: poll
  GET|HEAD /aliyun-oss/<task>.<fmt>           Alibaba audio (OSS-like, Range supported)
  GET|POST /oauth/2.0/token                   Baidu token
  POST     /rpc/2.0/tts/v1/create|query       Baidu create / query
  GET|HEAD /baidu-bos/text_to_speech/...      Baidu audio (BOS-like, Range supported)
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.emulator.aliyun import AliyunService
from tests.emulator.baidu import BaiduService
from tests.emulator.faults import Decision, Faults, decide
from tests.emulator.state import AudioStore, Clock, TaskStore, TokenStore
from tests.emulator.wire import RecordedRequest, Request, Response, json_response

log = logging.getLogger("tests.emulator")

Handler = Callable[[Request, Decision], Response]
_SECRET_PARAMS = re.compile(r"(?i)((?:access_)?token|client_secret|Signature|authorization)=[^&\s]+")


def redact(text: str) -> str:
    """Hide tokens, secrets and signatures in a URL or log line."""
    return _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}=***", text)


class VendorEmulator:
    """Both vendors' long-text TTS behind one local HTTP server; see the package docstring for the API."""

    ALIYUN_ACCESS_KEY_ID = "emu-ak-id"
    ALIYUN_ACCESS_KEY_SECRET = "emu-ak-secret-0123456789"
    ALIYUN_APPKEY = "emu-appkey"
    BAIDU_API_KEY = "emu-baidu-api-key"
    BAIDU_SECRET_KEY = "emu-baidu-secret-0123456789"

    def __init__(self, *, seed: int = 0, faults: Faults | None = None, host: str = "127.0.0.1", port: int = 0
                 ) -> None:
        self.seed = seed
        self.faults = faults if faults is not None else Faults()
        self.host = host
        self._requested_port = port
        self.port = 0
        self.lock = threading.RLock()
        self.clock = Clock()
        self.tokens = TokenStore(self.clock)
        self.tasks = TaskStore()
        self.audio = AudioStore()
        #: Shape of Baidu's ``error_info`` entries: "ids" (plain task id strings) or "objects".
        self.baidu_error_info_style = "ids"
        #: The real clock CreateToken's ``Timestamp`` is compared with (replaceable to replay a signed vector).
        self.pop_clock: Callable[[], float] = time.time
        self._records: list[RecordedRequest] = []
        self._counters: dict[tuple[str, str], int] = {}
        self._aliyun = AliyunService(self)
        self._baidu = BaiduService(self)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle ----------------------------------------------------------------------------------------

    def start(self) -> VendorEmulator:
        if self._httpd is not None:
            return self
        self._httpd = _Server((self.host, self._requested_port), _RequestHandler, self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"vendor-emulator:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.audio.close()

    def __enter__(self) -> VendorEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- addresses -----------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def aliyun_tts_url(self) -> str:
        return self.base_url + "/rest/v1/tts/async"

    @property
    def aliyun_token_url(self) -> str:
        return self.base_url + "/aliyun-meta/"

    @property
    def baidu_token_url(self) -> str:
        return self.base_url + "/oauth/2.0/token"

    @property
    def baidu_tts_url(self) -> str:
        return self.base_url + "/rpc/2.0/tts/v1"

    def env(self) -> dict[str, str]:
        """Environment variables that point the studio at this emulator (URLs and credentials)."""
        return {
            "STUDIO_ALIYUN_TTS_URL": self.aliyun_tts_url,
            "STUDIO_ALIYUN_TOKEN_URL": self.aliyun_token_url,
            "STUDIO_BAIDU_TOKEN_URL": self.baidu_token_url,
            "STUDIO_BAIDU_TTS_URL": self.baidu_tts_url,
            "STUDIO_ALIYUN_ACCESS_KEY_ID": self.ALIYUN_ACCESS_KEY_ID,
            "STUDIO_ALIYUN_ACCESS_KEY_SECRET": self.ALIYUN_ACCESS_KEY_SECRET,
            "STUDIO_ALIYUN_APPKEY": self.ALIYUN_APPKEY,
            "STUDIO_BAIDU_API_KEY": self.BAIDU_API_KEY,
            "STUDIO_BAIDU_SECRET_KEY": self.BAIDU_SECRET_KEY,
        }

    # --- test controls and introspection -------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self.lock:
            return list(self._records)

    def requests_for(self, vendor: str, endpoint: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.vendor == vendor and r.endpoint == endpoint]

    def clear_requests(self) -> None:
        """Forget the recorded requests (fault counters keep counting)."""
        with self.lock:
            self._records.clear()

    def issued_tokens(self, vendor: str | None = None) -> list[str]:
        return self.tokens.issued(vendor)

    def expire_tokens(self) -> None:
        """Every token issued so far is expired from now on (Aliyun 40000001 "has expired", Baidu 111)."""
        self.tokens.expire_all()

    def advance_time(self, seconds: float) -> None:
        """Move the emulator's clock forward: tasks finish, tokens and audio links expire as if time passed."""
        self.clock.advance(seconds)

    def submitted_texts(self, vendor: str | None = None) -> list[str]:
        """Texts of accepted submissions in order (Baidu: the paragraphs joined with "\\n")."""
        return [t.text for t in self.tasks.all(vendor)]

    def submissions(self, vendor: str | None = None) -> list[dict[str, Any]]:
        """Accepted submissions in order: vendor, task_id, text, the request body, and the task's fate."""
        return [{"vendor": t.vendor, "task_id": t.task_id, "text": t.text, "request": t.request, "fails": t.fail,
                 "duration_ms": t.layout.total_ms, "submitted_at": t.submitted_at, "finish_at": t.finish_at}
                for t in self.tasks.all(vendor)]

    def dropped_sentences(self, vendor: str | None = None) -> list[dict[str, Any]]:
        """Tasks that met the ``drop_sentence_tasks`` fault: vendor, task_id, text and the sentence dropped."""
        return [{"vendor": t.vendor, "task_id": t.task_id, "text": t.text, "dropped": t.layout.dropped}
                for t in self.tasks.all(vendor) if t.layout.dropped]

    # --- request plumbing ----------------------------------------------------------------------------------

    def route(self, method: str, path: str) -> tuple[str, str, Handler | None]:
        a, b = self._aliyun, self._baidu
        if path in ("/aliyun-meta/", "/aliyun-meta") and method in ("GET", "POST"):
            return "aliyun", "token", a.token
        if path == "/rest/v1/tts/async":
            if method == "POST":
                return "aliyun", "submit", a.submit
            if method == "GET":
                return "aliyun", "poll", a.poll
        if path.startswith("/rest/"):
            return "aliyun", "other", a.other
        if path.startswith("/aliyun-oss/") and method in ("GET", "HEAD"):
            return "aliyun", "download", a.download
        if path == "/oauth/2.0/token" and method in ("GET", "POST"):
            return "baidu", "token", b.token
        if path == "/rpc/2.0/tts/v1/create" and method == "POST":
            return "baidu", "create", b.create
        if path == "/rpc/2.0/tts/v1/query" and method == "POST":
            return "baidu", "query", b.query
        if path.startswith("/baidu-bos/") and method in ("GET", "HEAD"):
            return "baidu", "download", b.download
        return "", "unknown", None

    def decision_for(self, vendor: str, endpoint: str) -> Decision:
        with self.lock:
            n = self._counters.get((vendor, endpoint), 0)
            self._counters[(vendor, endpoint)] = n + 1
        return decide(self.seed, vendor, endpoint, n, self.faults)

    def record(self, rec: RecordedRequest) -> None:
        with self.lock:
            self._records.append(rec)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # bursts of parallel clients (20+ threads) must not see connection resets
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], emulator: VendorEmulator
                 ) -> None:
        self.emulator = emulator
        super().__init__(address, handler)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY, as real front ends (Tengine, nginx) set it: without it, headers and body written apart meet
    # the client's delayed ACK and every small answer waits ~40 ms, which no vendor does.
    disable_nagle_algorithm = True
    server_version = "Tengine"
    sys_version = ""
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), redact(format % args))

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        emu = self.server.emulator
        arrived = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        request = Request(self.command, url.path, query, {k.lower(): v for k, v in self.headers.items()}, body)
        vendor, endpoint, handler = emu.route(self.command, url.path)

        def record(status: int) -> None:
            emu.record(RecordedRequest(vendor, endpoint, self.command, url.path, query, body, status, arrived))

        if handler is None:
            record(404)  # recorded before answering, so a client that has its answer also sees the record
            self._send(json_response(404, {"error": "not found", "path": url.path}), truncate_at=None)
            return
        decision = emu.decision_for(vendor, endpoint)
        if decision.drop:
            record(0)
            self._drop()
            return
        if decision.slow:
            time.sleep(emu.faults.slow_seconds)
        try:
            response = handler(request, decision)
        except Exception:  # an emulator bug: say so loudly, answer 500
            log.error("emulator failure on %s %s\n%s", self.command, redact(self.path), traceback.format_exc())
            response = json_response(500, {"error": "emulator failure"})
        truncate_at = None
        if decision.truncate and response.audio is not None and self.command != "HEAD" and response.length > 1:
            truncate_at = max(1, min(response.length - 1, int(response.length * (0.1 + 0.8 * decision.pick))))
        record(response.status)
        self._send(response, truncate_at)

    def _send(self, response: Response, truncate_at: int | None) -> None:
        self.log_request(response.status)
        self.send_response_only(response.status)
        names = {name.lower() for name, _ in response.headers}
        if "server" not in names:
            self.send_header("Server", self.server_version)
        self.send_header("Date", self.date_time_string())
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(response.length))
        if response.close or truncate_at is not None:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command == "HEAD":
            return
        sent = 0
        try:
            for chunk in response.chunks():
                if truncate_at is not None and sent + len(chunk) >= truncate_at:
                    self.wfile.write(chunk[:truncate_at - sent])
                    self.wfile.flush()
                    self._drop()
                    return
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _drop(self) -> None:
        """Close the connection at once, without (the rest of) a response."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
