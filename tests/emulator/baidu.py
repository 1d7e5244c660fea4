"""Baidu: OAuth client-credentials token, long-text ``create``/``query``, BOS audio download.

Shapes follow the vendor page and NOTES.md. Emulator decisions where they leave a gap:
- API errors come with HTTP 200 and ``{"error_code", "error_msg", "log_id"}`` (Baidu's platform style); only
  the server-error fault sometimes answers HTTP 500 with an HTML page, as a gateway in front would.
- Missing required parameter at ``create`` (``text``, ``lang``): ``100000 "missing param: xxx"`` exactly as the
  page's create example; an invalid value: ``336202 "invalid param: xxx"``; ``query`` without ids (missing or
  empty list): 336203; more ids than the limit: 336202.
- ``error_info`` lists the unknown task ids as plain strings ("错误的或查询不存在taskId数组": an array of
  task ids; the page names no sub-fields for it). ``VendorEmulator.baidu_error_info_style = "objects"``
  switches to ``{"task_id", "error_code": 336201, "error_msg": "task_id not exist"}`` objects so clients
  can prove they accept both.
- enable_subtitle 1 -> sentences without ``characters``; 2 -> with ``characters`` (the page: 1 = sentence
  level, 2 = word level); 0 -> no ``speech_timestamp``. Times are int milliseconds of the voiced region.
- Tasks and links expire 72 h after finishing: the query then reports the id in ``error_info`` and the link
  answers 403.
"""

from __future__ import annotations

import json
import math
import random
import re
import time
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote

from tests.emulator.audio import Item, VoiceParams, build_layout
from tests.emulator.faults import Decision
from tests.emulator.state import Task, new_hex
from tests.emulator.voices import BASE_PITCH_HZ, baidu_voices
from tests.emulator.wire import Request, Response, audio_response, html_error, json_response

if TYPE_CHECKING:
    from tests.emulator.server import VendorEmulator

MAX_CHARS = 100_000
KEEP_S = 72 * 3600.0
DEFAULT_PARAGRAPH_GAP_MS = 1000
FORMATS = {"mp3-16k": ("mp3", 16000), "mp3-48k": ("mp3", 48000), "wav": ("wav", 16000),
           "pcm-8k": ("pcm", 8000), "pcm-16k": ("pcm", 16000)}
TOKEN_INVALID = (110, "Access token invalid or no longer valid")
TOKEN_EXPIRED = (111, "Access token expired")
QPS_LIMIT = (18, "Open api qps request limit reached")
INTERNAL = (336200, "internal error")
TASK_UNKNOWN = (336201, "task_id not exist")
FAILURE = (3301, "speech quality error")


class BaiduError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def speed_factor(speed: int) -> float:
    """0 -> 0.5x, 5 -> 1x, 15 -> 2x (Baidu documents only the range; this keeps it monotonic)."""
    return 0.5 + 0.1 * speed if speed <= 5 else 1.0 + 0.1 * (speed - 5)


class BaiduService:
    def __init__(self, emulator: VendorEmulator) -> None:
        self.emu = emulator
        self._log_ids = random.Random(f"{emulator.seed}/baidu-log-id")

    def _log_id(self) -> int:
        with self.emu.lock:
            return self._log_ids.randrange(10**15, 10**17)

    def _error(self, code: int, message: str) -> Response:
        return json_response(200, {"error_code": code, "error_msg": message, "log_id": self._log_id()})

    # --- OAuth ---------------------------------------------------------------------------------------------

    def token(self, req: Request, decision: Decision) -> Response:
        params = dict(req.query)
        if req.method == "POST" and req.body:
            params.update(parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True))
        if decision.server_error:
            return html_error(500, "Internal Server Error")
        if params.get("grant_type") != "client_credentials":
            return json_response(400, {"error": "unsupported_grant_type",
                                       "error_description": "The authorization grant type is not supported"})
        if params.get("client_id") != self.emu.BAIDU_API_KEY:
            return json_response(401, {"error": "invalid_client", "error_description": "unknown client id"})
        if params.get("client_secret") != self.emu.BAIDU_SECRET_KEY:
            return json_response(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
        ttl = self.emu.faults.baidu_token_ttl_s
        expires_in = int(ttl)
        token = f"24.{new_hex(32)}.{expires_in}.{int(time.time())}.282335-35000000"
        self.emu.tokens.issue("baidu", token, ttl)
        return json_response(200, {
            "refresh_token": f"25.{new_hex(32)}.315360000.{int(time.time()) + 315360000}.282335-35000000",
            "expires_in": expires_in,
            "session_key": new_hex(48),
            "access_token": token,
            "scope": "audio_voice_assistant_get audio_tts_post brain_all_scope public wise_adapt",
            "session_secret": new_hex(32),
        })

    def _auth(self, req: Request) -> None:
        state = self.emu.tokens.check("baidu", req.query.get("access_token"))
        if state == "invalid":
            raise BaiduError(*TOKEN_INVALID)
        if state == "expired":
            raise BaiduError(*TOKEN_EXPIRED)

    def _faults(self, decision: Decision) -> Response | None:
        if decision.server_error:
            if decision.pick < 1 / 3:
                return html_error(500, "Internal Server Error")
            return self._error(*INTERNAL)
        if decision.throttle:
            return self._error(*QPS_LIMIT)
        return None

    # --- create --------------------------------------------------------------------------------------------

    def create(self, req: Request, decision: Decision) -> Response:
        faulted = self._faults(decision)
        if faulted is not None:
            return faulted
        try:
            self._auth(req)
            if self.emu.faults.baidu_long_text_disabled:
                raise BaiduError(336204, "request limit reached")
            task = self._accept(req, decision)
        except BaiduError as err:
            return self._error(err.code, err.message)
        return json_response(200, {"log_id": self._log_id(), "task_id": task.task_id, "task_status": "Running"})

    def _accept(self, req: Request, decision: Decision) -> Task:
        try:
            body = json.loads(req.body.decode("utf-8"))
        except ValueError:
            raise BaiduError(336202, "invalid param: body must be JSON") from None
        if not isinstance(body, dict):
            raise BaiduError(336202, "invalid param: body must be a JSON object")
        if "text" not in body:
            raise BaiduError(100000, "missing param: text")
        text = body["text"]
        if not isinstance(text, list) or not all(isinstance(p, str) for p in text):
            raise BaiduError(336202, "invalid param: text must be a list of strings")
        chars = sum(len(p) for p in text)
        if chars == 0:
            raise BaiduError(336202, "invalid param: text is empty")
        if chars > MAX_CHARS:
            raise BaiduError(336202, f"invalid param: text has {chars} characters (at most {MAX_CHARS})")
        if "lang" not in body:
            raise BaiduError(100000, "missing param: lang")
        if body["lang"] != "zh":
            raise BaiduError(336202, "invalid param: lang must be zh")
        fmt = body.get("format", "mp3-16k")
        if not isinstance(fmt, str) or fmt not in FORMATS:
            raise BaiduError(336202, f"invalid param: format {fmt!r}")
        voice_id = body.get("voice", 0)
        voice = baidu_voices().get(voice_id) if _is_int(voice_id) else None
        if voice is None:
            raise BaiduError(336202, f"invalid param: voice {voice_id!r}")
        speed = _int_in(body, "speed", 5, 0, 15)
        pitch = _int_in(body, "pitch", 5, 0, 15)
        volume = _int_in(body, "volume", 5, 0, voice.max_volume)
        subtitle = _int_in(body, "enable_subtitle", 0, 0, 2)
        gap = _int_in(body, "break", DEFAULT_PARAGRAPH_GAP_MS, 0, 5000)
        ext, rate = FORMATS[fmt]
        params = VoiceParams(sample_rate=rate, base_hz=BASE_PITCH_HZ[voice.gender], speed=speed_factor(speed),
                             pitch=2 ** ((pitch - 5) / 15), amplitude=0.1 + 0.7 * volume / voice.max_volume,
                             seed=self.emu.seed)
        paragraphs = [[Item("char", ch) for ch in p] for p in text]
        layout = partial(build_layout, paragraphs, params, paragraph_gap_ms=gap)
        faults = self.emu.faults
        latency = (faults.latency_base_s + chars * faults.latency_per_char_s) * faults.time_scale
        with self.emu.lock:
            now = self.emu.clock.monotonic()
            finish = math.inf if decision.stuck else now + latency
            task = Task("baidu", new_hex(24), "\n".join(text), body, layout, ext, now, now, finish,
                        decision.task_failure, subtitle, KEEP_S)
            self.emu.tasks.add(task)
        return task

    # --- query ---------------------------------------------------------------------------------------------

    def query(self, req: Request, decision: Decision) -> Response:
        faulted = self._faults(decision)
        if faulted is not None:
            return faulted
        try:
            self._auth(req)
            ids = self._task_ids(req)
        except BaiduError as err:
            return self._error(err.code, err.message)
        now = self.emu.clock.monotonic()
        infos: list[dict[str, Any]] = []
        unknown: list[Any] = []
        for task_id in ids:
            task = self.emu.tasks.get(task_id)
            if task is None or task.vendor != "baidu" or task.expired(now):
                unknown.append(task_id if self.emu.baidu_error_info_style == "ids" else
                               {"task_id": task_id, "error_code": TASK_UNKNOWN[0], "error_msg": TASK_UNKNOWN[1]})
            else:
                infos.append(self._info(task, now))
        payload: dict[str, Any] = {"log_id": self._log_id(), "tasks_info": infos}
        if unknown:
            payload["error_info"] = unknown
        return json_response(200, payload)

    def _task_ids(self, req: Request) -> list[Any]:
        try:
            body = json.loads(req.body.decode("utf-8"))
        except ValueError:
            raise BaiduError(336202, "invalid param task_ids") from None
        if not isinstance(body, dict) or "task_ids" not in body:
            raise BaiduError(336203, "missing param: task_ids")
        ids = body["task_ids"]
        if not isinstance(ids, list):
            raise BaiduError(336202, "invalid param task_ids")
        if not ids:
            raise BaiduError(336203, "missing param: task_ids")
        if len(ids) > self.emu.faults.baidu_query_limit:
            raise BaiduError(336202, f"invalid param task_ids: at most {self.emu.faults.baidu_query_limit} ids")
        return ids

    def _info(self, task: Task, now: float) -> dict[str, Any]:
        if not task.finished(now):
            return {"task_id": task.task_id, "task_status": "Running"}
        if task.fail:
            return {"task_id": task.task_id, "task_status": "Failure",
                    "task_result": {"err_no": FAILURE[0], "err_msg": FAILURE[1], "sn": task.sn}}
        result: dict[str, Any] = {"speech_url": self._speech_url(task)}
        if task.subtitles:
            sentences = []
            for s in task.layout.sentences:
                entry: dict[str, Any] = {"paragraph_index": s.paragraph_index, "sentence_texts": s.text,
                                         "begin_time": s.begin_ms, "end_time": s.end_ms}
                if task.subtitles == 2:
                    entry["characters"] = [{"character_text": w.text, "begin_time": w.begin_ms,
                                            "end_time": w.end_ms} for w in s.words]
                sentences.append(entry)
            result["speech_timestamp"] = {"sentences": sentences}
        return {"task_status": "Success", "task_result": result, "task_id": task.task_id}

    def _speech_url(self, task: Task) -> str:
        day = time.strftime("%Y-%m-%d", time.gmtime(self.emu.clock.wall()))
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.emu.clock.wall()))
        auth = quote(f"bce-auth-v1/{new_hex(32)}/{stamp}/259200//{new_hex(64)}", safe="")
        return (f"{self.emu.base_url}/baidu-bos/text_to_speech/{day}/{task.task_id}/speech/0.{task.file_ext}"
                f"?authorization={auth}")

    # --- BOS download --------------------------------------------------------------------------------------

    def download(self, req: Request, decision: Decision) -> Response:
        request_id = new_hex(32)
        headers = [("x-bce-request-id", request_id), ("Server", "BceBos")]

        def bos_error(status: int, code: str, message: str) -> Response:
            return json_response(status, {"code": code, "message": message, "requestId": request_id}, headers,
                                 content_type="application/json; charset=utf-8")

        if decision.server_error:
            return bos_error(500, "InternalError", "We encountered an internal error. Please try again.")
        match = re.fullmatch(r"/baidu-bos/text_to_speech/[0-9-]+/([0-9a-f]+)/speech/0\.(mp3|wav|pcm)", req.path)
        task = self.emu.tasks.get(match.group(1)) if match else None
        now = self.emu.clock.monotonic()
        if task is None or task.vendor != "baidu" or not task.finished(now) or task.fail \
                or (match and match.group(2) != task.file_ext):
            return bos_error(404, "NoSuchKey", "The specified key does not exist.")
        if task.expired(now):
            return bos_error(403, "AccessDenied", "Access denied: the authorization has expired.")
        return audio_response(req, self.emu.audio.body(task.layout, task.file_ext), headers)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_in(body: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = body.get(name, default)
    if not _is_int(value) or not low <= value <= high:
        raise BaiduError(336202, f"invalid param: {name} {value!r} outside {low}..{high}")
    return int(value)
