"""Alibaba Cloud: CreateToken (POP RPC at nls-meta), long-text TTS REST (submit/poll), OSS audio download.

Shapes, codes and messages follow the vendor page and NOTES.md. Where they leave a gap the emulator decides
as noted below ([G] in NOTES terms); clients are expected to be tolerant there:
- Every failure answer of the TTS gateway carries HTTP status == the body's ``status`` field: 400 for 4xxxxxxx
  codes (the page's example), 500 for 5xxxxxxx, 403 for the bare "Forbidden" token rejection.
- Poll states use error_code 20000000 with error_message QUEUEING/RUNNING/SUCCESS, as in the page's example
  (the 2105000x codes in the code table are not used by the REST example).
- A task that fails answers every poll with 51020001 "TTS:TtsServerError" (HTTP 500) and ``data.task_id``;
  transient poll faults answer 50000000 "GRPC_ERROR:Grpc error!" without ``data``.
- An unknown (or expired, 7 days after finishing) task_id: 40000003 "Gateway:PARAMETER_INVALID:task not
  found".
- ``sentences`` only when enable_subtitle is true *and* the voice table says the voice has timestamps.
  Sentences tile the audio like the page's example (each ends where the next begins, the first begins at 0,
  the last ends at the end of the audio); each sentence's voiced part lies inside its slot.
- CreateToken: a missing ``Format`` means XML (the POP default); Timestamp more than 15 minutes off the real
  clock -> InvalidTimeStamp.Expired; a nonce reused within 15 minutes -> SignatureNonceUsed.
"""

from __future__ import annotations

import ipaddress
import math
import re
import time
from calendar import timegm
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from tests.emulator.aliyun_signature import pop_signature, string_to_sign
from tests.emulator.aliyun_text import SsmlError, parse_aliyun_text
from tests.emulator.audio import VoiceParams, build_layout
from tests.emulator.faults import Decision
from tests.emulator.state import Task, new_hex
from tests.emulator.voices import BASE_PITCH_HZ, aliyun_voices
from tests.emulator.wire import Request, Response, audio_response, json_response, xml_response

if TYPE_CHECKING:
    from tests.emulator.server import VendorEmulator

TTS_PATH = "/rest/v1/tts/async"
MAX_CHARS = 100_000
KEEP_S = 7 * 24 * 3600.0
NONCE_WINDOW_S = 15 * 60.0
TIMESTAMP_SKEW_S = 15 * 60.0
PARAGRAPH_GAP_MS = 500  # newline-separated paragraphs in plain text
POP_HOST = "nls-meta.cn-shanghai.aliyuncs.com"
USER_ID = "1234567890123456"
QUEUE_SHARE = 0.25  # the first quarter of a task's latency is QUEUEING
FORMATS = ("pcm", "wav", "mp3")
POP_REQUIRED = ("AccessKeyId", "Action", "Version", "Timestamp", "SignatureMethod", "SignatureVersion",
                "SignatureNonce", "Signature")


class AliyunError(Exception):
    """A gateway error answer: code, message, HTTP status."""

    def __init__(self, code: int, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def speed_factor(speech_rate: int) -> float:
    """Alibaba's mapping: -500 -> 0.5x, 0 -> 1x, 500 -> 2x."""
    return 1 / (1 - 0.001 * speech_rate) if speech_rate >= 0 else 1 / (1 - 0.002 * speech_rate)


class AliyunService:
    def __init__(self, emulator: VendorEmulator) -> None:
        self.emu = emulator
        self._nonces: dict[str, float] = {}

    # --- CreateToken -------------------------------------------------------------------------------------

    def token(self, req: Request, decision: Decision) -> Response:
        params = dict(req.query)
        if req.method == "POST":
            params.update(parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True))
        as_xml = params.get("Format", "XML").upper() != "JSON"
        request_id = new_hex(32).upper()

        def pop_error(status: int, code: str, message: str) -> Response:
            payload = {"RequestId": request_id, "HostId": POP_HOST, "Code": code, "Message": message}
            return xml_response(status, "Error", payload) if as_xml else json_response(status, payload)

        if decision.server_error:
            return pop_error(500, "InternalError", "The request processing has failed due to some unknown error, "
                                                   "exception or failure.")
        for name in POP_REQUIRED:
            if not params.get(name):
                return pop_error(400, f"Missing{name}", f"{name} is mandatory for this action.")
        if params["SignatureMethod"] != "HMAC-SHA1":
            return pop_error(400, "InvalidSignatureMethod", "Specified signature method is not supported.")
        if params["SignatureVersion"] != "1.0":
            return pop_error(400, "InvalidSignatureVersion", "Specified signature version is not supported.")
        stamp = _parse_timestamp(params["Timestamp"])
        if stamp is None:
            return pop_error(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well "
                                                             "formatted.")
        if abs(self.emu.pop_clock() - stamp) > TIMESTAMP_SKEW_S:
            return pop_error(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
        if params["AccessKeyId"] != self.emu.ALIYUN_ACCESS_KEY_ID:
            return pop_error(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        expected = pop_signature(params, self.emu.ALIYUN_ACCESS_KEY_SECRET, req.method)
        if params["Signature"] != expected:
            return pop_error(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. "
                             f"server string to sign is:{string_to_sign(params, req.method)}")
        if not self._fresh_nonce(params["SignatureNonce"]):
            return pop_error(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
        if params["Action"] != "CreateToken":
            return pop_error(400, "InvalidAction.NotFound", "Specified api is not found, please check your url "
                                                            "and method.")
        if params["Version"] != "2019-02-28":
            return pop_error(400, "InvalidVersion", "Specified parameter Version is not valid.")
        if params.get("RegionId", "cn-shanghai") != "cn-shanghai":
            return pop_error(400, "InvalidRegionId", "The specified region does not exist.")
        token = new_hex(32)
        expires = self.emu.tokens.issue("aliyun", token, self.emu.faults.aliyun_token_ttl_s)
        payload = {"NlsRequestId": new_hex(32), "RequestId": request_id, "ErrMsg": "",
                   "Token": {"ExpireTime": int(expires), "Id": token, "UserId": USER_ID}}
        return xml_response(200, "CreateTokenResponse", payload) if as_xml else json_response(200, payload)

    def _fresh_nonce(self, nonce: str) -> bool:
        now = time.monotonic()
        with self.emu.lock:
            for old in [n for n, t in self._nonces.items() if now - t > NONCE_WINDOW_S]:
                del self._nonces[old]
            if nonce in self._nonces:
                return False
            self._nonces[nonce] = now
            return True

    # --- TTS gateway ---------------------------------------------------------------------------------------

    def _error(self, err: AliyunError, request_id: str, task_id: str | None = None,
               data: dict[str, Any] | None = None) -> Response:
        payload: dict[str, Any] = {"error_message": err.message, "error_code": err.code, "request_id": request_id,
                                   "url": TTS_PATH, "status": err.status}
        if data is not None:
            payload["data"] = data
        return json_response(err.status, payload, [("X-NLS-RequestId", task_id or request_id)])

    def _auth(self, token: object, appkey: object, decision: Decision) -> None:
        state = self.emu.tokens.check("aliyun", token)
        if state != "ok":
            if decision.forbidden:
                raise AliyunError(403, "Forbidden", 403)
            word = "has expired" if state == "expired" else "is invalid"
            raise AliyunError(40000001, f"Meta:ACCESS_DENIED:The token '{token if isinstance(token, str) else ''}' "
                                        f"{word}!")
        if appkey != self.emu.ALIYUN_APPKEY:
            raise AliyunError(40020105, "Meta:APPKEY_NOT_EXIST:Appkey not exist!")

    def other(self, req: Request, decision: Decision) -> Response:
        err = AliyunError(40010001, "Gateway:NAMESPACE_NOT_FOUND:RESTful url path illegal")
        return self._error(err, new_hex(32))

    def submit(self, req: Request, decision: Decision) -> Response:
        request_id = new_hex(32)
        try:
            task = self._accept(req, decision)
        except AliyunError as err:
            return self._error(err, request_id)
        payload = {"status": 200, "error_code": 20000000, "error_message": "SUCCESS", "request_id": request_id,
                   "data": {"task_id": task.task_id}}
        return json_response(200, payload, [("X-NLS-RequestId", task.task_id)])

    def _accept(self, req: Request, decision: Decision) -> Task:
        if decision.server_error:
            if decision.pick < 0.5:
                raise AliyunError(50000000, "GRPC_ERROR:Grpc error!", 500)
            raise AliyunError(51020001, "TTS:TtsServerError", 500)
        if decision.throttle:
            raise AliyunError(40000005, "Gateway:TOO_MANY_REQUESTS:Too many requests!")
        try:
            body = json_loads(req.body)
        except ValueError:
            raise AliyunError(41020001, "Request json illegal,failed to parse request.") from None
        if not isinstance(body, dict):
            raise AliyunError(41020001, "Request json illegal,failed to parse request.")
        header, payload = body.get("header"), body.get("payload")
        if not isinstance(header, dict) or not isinstance(payload, dict):
            raise AliyunError(40000002, "Gateway:MESSAGE_INVALID:header and payload are required")
        self._auth(header.get("token"), header.get("appkey"), decision)
        if self.emu.faults.aliyun_trial_account:
            raise AliyunError(40000010, "Gateway:FREE_TRIAL_EXPIRED:The free trial has expired!")
        tts = payload.get("tts_request")
        if not isinstance(tts, dict):
            raise AliyunError(40000002, "Gateway:MESSAGE_INVALID:payload.tts_request is required")
        if "context" in body and not isinstance(body["context"], dict):
            raise AliyunError(40000002, "Gateway:MESSAGE_INVALID:context must be an object")
        _check_notify(payload)
        text = tts.get("text")
        if not isinstance(text, str) or not text.strip():
            raise AliyunError(40010003, "Gateway:DIRECTIVE_INVALID:No text specified!")
        voice_name = tts.get("voice", "xiaoyun")
        voice = aliyun_voices().get(voice_name) if isinstance(voice_name, str) else None
        if voice is None:
            raise AliyunError(41020001, "Engine return error code: 418")
        fmt = tts.get("format")
        if fmt not in FORMATS:
            raise _invalid(f"format {fmt!r} (pcm, wav or mp3)")
        rate = tts.get("sample_rate")
        ceiling = self.emu.faults.aliyun_max_sample_rate
        if ceiling and _is_int(rate) and rate > ceiling:
            raise _invalid(f"sample_rate {rate} is not supported (8000 or 16000)")
        if not _is_int(rate) or rate not in voice.sample_rates:
            raise _invalid(f"sample_rate {rate!r} not supported by voice {voice.voice} {list(voice.sample_rates)}")
        volume = _int_in(tts, "volume", 50, 0, 100)
        speech_rate = _int_in(tts, "speech_rate", 0, -500, 500)
        pitch_rate = _int_in(tts, "pitch_rate", 0, -500, 500)
        subtitle = tts.get("enable_subtitle", False)
        if not isinstance(subtitle, bool):
            raise _invalid(f"enable_subtitle {subtitle!r} (boolean)")
        try:
            parsed = parse_aliyun_text(text, voice)
        except SsmlError as exc:
            raise AliyunError(40000003, str(exc)) from None
        if not parsed.plain:
            raise AliyunError(40010003, "Gateway:DIRECTIVE_INVALID:No text specified!")
        if parsed.char_count > MAX_CHARS:
            raise _invalid(f"text too long: {parsed.char_count} characters (at most {MAX_CHARS}, tags not counted)")
        params = VoiceParams(sample_rate=rate, base_hz=BASE_PITCH_HZ[voice.gender], speed=speed_factor(speech_rate),
                             pitch=2 ** (pitch_rate / 1000), amplitude=0.1 + 0.7 * volume / 100, seed=self.emu.seed)
        layout = partial(build_layout, parsed.paragraphs, params, paragraph_gap_ms=PARAGRAPH_GAP_MS)
        faults = self.emu.faults
        latency = (faults.latency_base_s + parsed.char_count * faults.latency_per_char_s) * faults.time_scale
        with self.emu.lock:
            now = self.emu.clock.monotonic()
            if self.emu.tasks.unfinished("aliyun", now) >= faults.aliyun_concurrency:
                raise AliyunError(40000005, "Gateway:TOO_MANY_REQUESTS:Too many requests!")
            finish = math.inf if decision.stuck else now + latency
            task = Task("aliyun", new_hex(32), text, body, layout, fmt, now, now + latency * QUEUE_SHARE,
                        finish, decision.task_failure, int(subtitle), KEEP_S, voice.timestamps)
            self.emu.tasks.add(task)
        return task

    def poll(self, req: Request, decision: Decision) -> Response:
        request_id = new_hex(32)
        task_id = req.query.get("task_id")
        try:
            if decision.server_error:
                raise AliyunError(50000000, "GRPC_ERROR:Grpc error!", 500)
            if decision.throttle:
                raise AliyunError(40000005, "Gateway:TOO_MANY_REQUESTS:Too many requests!")
            self._auth(req.query.get("token"), req.query.get("appkey"), decision)
            now = self.emu.clock.monotonic()
            task = self.emu.tasks.get(task_id)
            if task is None or task.vendor != "aliyun" or task.expired(now):
                raise AliyunError(40000003, "Gateway:PARAMETER_INVALID:task not found")
        except AliyunError as err:
            return self._error(err, request_id, task_id)
        data: dict[str, Any] = {"task_id": task.task_id, "audio_address": None, "notify_custom": None}
        if not task.finished(now):
            state = "QUEUEING" if now < task.queued_until else "RUNNING"
            payload = {"status": 200, "error_code": 20000000, "error_message": state, "request_id": request_id,
                       "data": data}
            return json_response(200, payload, [("X-NLS-RequestId", task.task_id)])
        if task.fail:
            return self._error(AliyunError(51020001, "TTS:TtsServerError", 500), request_id, task.task_id, data)
        data = {"task_id": task.task_id, "audio_address": self._audio_url(task), "notify_custom": ""}
        if task.subtitles and task.timestamps_supported:
            data = {"sentences": [{"text": s.text, "begin_time": str(s.slot_begin_ms), "end_time": str(s.slot_end_ms)}
                                  for s in task.layout.sentences], **data}
        payload = {"status": 200, "error_code": 20000000, "error_message": "SUCCESS", "request_id": request_id,
                   "data": data}
        return json_response(200, payload, [("X-NLS-RequestId", task.task_id)])

    def _audio_url(self, task: Task) -> str:
        expires = int(self.emu.clock.wall() + (task.finish_at + task.keep_s - self.emu.clock.monotonic()))
        return (f"{self.emu.base_url}/aliyun-oss/{task.task_id}.{task.file_ext}?Expires={expires}"
                f"&OSSAccessKeyId=LTAI4emulator&Signature={new_hex(27)}%3D")

    # --- OSS download --------------------------------------------------------------------------------------

    def download(self, req: Request, decision: Decision) -> Response:
        oss_id = [("x-oss-request-id", new_hex(24).upper()), ("Server", "AliyunOSS")]

        def oss_error(status: int, code: str, message: str) -> Response:
            return xml_response(status, "Error", {"Code": code, "Message": message, "RequestId": oss_id[0][1],
                                                  "HostId": "nls-cloud-cn-shanghai.oss-cn-shanghai.aliyuncs.com"},
                                oss_id)

        if decision.server_error:
            return oss_error(500, "InternalError", "We encountered an internal error. Please try again.")
        match = re.fullmatch(r"/aliyun-oss/([0-9a-f]+)\.(mp3|wav|pcm)", req.path)
        task = self.emu.tasks.get(match.group(1)) if match else None
        now = self.emu.clock.monotonic()
        if task is None or task.vendor != "aliyun" or not task.finished(now) or task.fail \
                or (match and match.group(2) != task.file_ext):
            return oss_error(404, "NoSuchKey", "The specified key does not exist.")
        if task.expired(now):
            return oss_error(403, "AccessDenied", "Request has expired.")
        return audio_response(req, self.emu.audio.body(task.layout, task.file_ext), oss_id)


def json_loads(data: bytes) -> Any:
    import json

    return json.loads(data.decode("utf-8"))


def _invalid(detail: str) -> AliyunError:
    return AliyunError(40000003, f"Gateway:PARAMETER_INVALID:{detail}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_in(tts: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = tts.get(name, default)
    if not _is_int(value) or not low <= value <= high:
        raise _invalid(f"{name} {value!r} outside {low}..{high}")
    return int(value)


def _check_notify(payload: dict[str, Any]) -> None:
    """enable_notify is required (the page marks it so); a callback URL needs a host name, not an IP.

    No callback is ever made: desktop clients sit behind NAT and poll.
    """
    if "enable_notify" not in payload:
        raise _invalid("enable_notify is required")
    notify = payload["enable_notify"]
    if not isinstance(notify, bool):
        raise _invalid(f"enable_notify {notify!r} (boolean)")
    if not notify:
        return
    url = payload.get("notify_url")
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise _invalid("notify_url is required when enable_notify is true")
    try:
        ipaddress.ip_address(parts.hostname)
    except ValueError:
        return
    raise _invalid("notify_url host must not be an IP address")


def _parse_timestamp(value: str) -> float | None:
    try:
        return float(timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return None
