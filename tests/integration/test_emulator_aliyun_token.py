"""The emulator's Alibaba CreateToken endpoint judges signatures, keys, timestamps and nonces like nls-meta."""

from __future__ import annotations

import calendar
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
import requests

from tests.emulator import VendorEmulator, pop_signature
from tests.emulator.testkit import TIMEOUT, aliyun_submit, pop_params, running_emulator, signed

VECTOR = {
    "AccessKeyId": "my_access_key_id", "Action": "CreateToken", "Version": "2019-02-28", "Format": "JSON",
    "RegionId": "cn-shanghai", "Timestamp": "2019-04-18T08:32:31Z", "SignatureMethod": "HMAC-SHA1",
    "SignatureVersion": "1.0", "SignatureNonce": "b924c8c3-6d03-4c5d-ad36-d984d3116788",
}


@pytest.fixture
def emu() -> Iterator[VendorEmulator]:
    with running_emulator() as emulator:
        yield emulator


def test_signer_reproduces_the_published_vector() -> None:
    assert pop_signature(VECTOR, "my_access_key_secret") == "hHq4yNsPitlfDJ2L0nQPdugdEzM="
    # A Signature already present is not signed over; POST signs a different string.
    assert pop_signature({**VECTOR, "Signature": "x"}, "my_access_key_secret") == "hHq4yNsPitlfDJ2L0nQPdugdEzM="
    assert pop_signature(VECTOR, "my_access_key_secret", "POST") != "hHq4yNsPitlfDJ2L0nQPdugdEzM="


def test_token_endpoint_accepts_the_published_vector() -> None:
    """The emulator's check itself (not just the signer) accepts the vendor's example request as sent."""
    with running_emulator() as emu:
        emu.ALIYUN_ACCESS_KEY_ID = "my_access_key_id"
        emu.ALIYUN_ACCESS_KEY_SECRET = "my_access_key_secret"
        emu.pop_clock = lambda: calendar.timegm((2019, 4, 18, 8, 35, 0, 0, 0, 0))
        params = {**VECTOR, "Signature": "hHq4yNsPitlfDJ2L0nQPdugdEzM="}
        resp = requests.get(emu.aliyun_token_url, params=params, timeout=TIMEOUT)
        assert resp.status_code == 200, resp.text
        assert resp.json()["Token"]["Id"]
        tampered = {**VECTOR, "SignatureNonce": "another-nonce", "Signature": "hHq4yNsPitlfDJ2L0nQPdugdEzM="}
        resp = requests.get(emu.aliyun_token_url, params=tampered, timeout=TIMEOUT)
        assert resp.status_code == 400 and resp.json()["Code"] == "SignatureDoesNotMatch"


def test_signature_encodes_per_rfc3986() -> None:
    """Space is %20 (never +), '~' stays, '*' is encoded: a signer using quote_plus would disagree."""
    from tests.emulator.aliyun_signature import canonical_query

    assert canonical_query({"b": "a b~*", "a": "/"}) == "a=%2F&b=a%20b~%2A"


def test_get_token_success_shape_and_expiry(emu: VendorEmulator) -> None:
    before = time.time()
    resp = requests.get(emu.aliyun_token_url, params=signed(pop_params()), timeout=TIMEOUT)
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"NlsRequestId", "RequestId", "ErrMsg", "Token"}
    assert body["ErrMsg"] == ""
    token = body["Token"]
    assert set(token) == {"ExpireTime", "Id", "UserId"}
    assert isinstance(token["ExpireTime"], int)
    assert before + 86400 - 2 <= token["ExpireTime"] <= time.time() + 86400
    assert emu.requests_for("aliyun", "token")[0].status == 200


def test_post_form_is_signed_with_post(emu: VendorEmulator) -> None:
    params = signed(pop_params(), method="POST")
    resp = requests.post(emu.aliyun_token_url, data=params, timeout=TIMEOUT)
    assert resp.status_code == 200, resp.text
    # The same parameters signed for GET do not pass as POST.
    resp = requests.post(emu.aliyun_token_url, data=signed(pop_params()), timeout=TIMEOUT)
    assert resp.status_code == 400 and resp.json()["Code"] == "SignatureDoesNotMatch"


def test_bad_signature_is_rejected(emu: VendorEmulator) -> None:
    params = signed(pop_params(), secret="wrong-secret")
    resp = requests.get(emu.aliyun_token_url, params=params, timeout=TIMEOUT)
    assert resp.status_code == 400
    body = resp.json()
    assert body["Code"] == "SignatureDoesNotMatch"
    assert {"RequestId", "HostId", "Message"} <= set(body)


def test_plus_in_signature_must_be_percent_encoded(emu: VendorEmulator) -> None:
    """A raw '+' in the query is a space to the server, so an unencoded base64 signature fails."""
    for _ in range(20):
        params = signed(pop_params())
        if "+" in params["Signature"]:
            break
    else:
        pytest.skip("no signature with '+' in 20 tries")
    query = "&".join(f"{k}={v}" for k, v in params.items())  # deliberately not encoded
    resp = requests.get(f"{emu.aliyun_token_url}?{query}", timeout=TIMEOUT)
    assert resp.status_code == 400 and resp.json()["Code"] == "SignatureDoesNotMatch"


def test_unknown_access_key(emu: VendorEmulator) -> None:
    params = signed(pop_params("LTAI-nobody"))
    resp = requests.get(emu.aliyun_token_url, params=params, timeout=TIMEOUT)
    assert resp.status_code == 404
    assert resp.json()["Code"] == "InvalidAccessKeyId.NotFound"
    assert resp.json()["Message"] == "Specified access key is not found."


@pytest.mark.parametrize("missing", ["Timestamp", "SignatureNonce", "AccessKeyId", "Signature"])
def test_missing_parameter(emu: VendorEmulator, missing: str) -> None:
    params = signed(pop_params())
    del params[missing]
    resp = requests.get(emu.aliyun_token_url, params=params, timeout=TIMEOUT)
    assert resp.status_code == 400
    assert resp.json()["Code"] == f"Missing{missing}"


def test_timestamp_far_off_is_rejected(emu: VendorEmulator) -> None:
    old = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 20 * 60))
    resp = requests.get(emu.aliyun_token_url, params=signed(pop_params(timestamp=old)), timeout=TIMEOUT)
    assert resp.status_code == 400 and resp.json()["Code"] == "InvalidTimeStamp.Expired"
    local = time.strftime("%Y-%m-%d %H:%M:%S")
    resp = requests.get(emu.aliyun_token_url, params=signed(pop_params(timestamp=local)), timeout=TIMEOUT)
    assert resp.status_code == 400 and resp.json()["Code"] == "InvalidTimeStamp.Format"


def test_reused_nonce_is_rejected(emu: VendorEmulator) -> None:
    nonce = "b924c8c3-6d03-4c5d-ad36-d984d3116788"
    first = requests.get(emu.aliyun_token_url, params=signed(pop_params(nonce=nonce)), timeout=TIMEOUT)
    assert first.status_code == 200
    again = requests.get(emu.aliyun_token_url, params=signed(pop_params(nonce=nonce)), timeout=TIMEOUT)
    assert again.status_code == 400 and again.json()["Code"] == "SignatureNonceUsed"


def test_wrong_action_and_version(emu: VendorEmulator) -> None:
    resp = requests.get(emu.aliyun_token_url, params=signed(pop_params(Action="DeleteToken")), timeout=TIMEOUT)
    assert resp.status_code == 400 and resp.json()["Code"] == "InvalidAction.NotFound"
    resp = requests.get(emu.aliyun_token_url, params=signed(pop_params(Version="2018-01-01")), timeout=TIMEOUT)
    assert resp.status_code == 400 and resp.json()["Code"] == "InvalidVersion"


def test_without_format_the_answer_is_xml(emu: VendorEmulator) -> None:
    params = pop_params()
    del params["Format"]
    resp = requests.get(emu.aliyun_token_url, params=signed(params), timeout=TIMEOUT)
    assert resp.status_code == 200
    root = ET.fromstring(resp.content)
    assert root.tag == "CreateTokenResponse" and root.findtext("Token/Id")


def test_token_expires_after_its_ttl() -> None:
    with running_emulator(aliyun_token_ttl_s=60) as emu:
        token_json = requests.get(emu.aliyun_token_url, params=signed(pop_params()), timeout=TIMEOUT).json()
        token = token_json["Token"]["Id"]
        assert token_json["Token"]["ExpireTime"] <= time.time() + 61
        assert aliyun_submit(emu, token).status_code == 200
        emu.advance_time(61)
        resp = aliyun_submit(emu, token)
        assert resp.status_code == 400
        assert resp.json()["error_code"] == 40000001
        assert resp.json()["error_message"] == f"Meta:ACCESS_DENIED:The token '{token}' has expired!"


def test_expire_tokens_and_unknown_token(emu: VendorEmulator) -> None:
    resp = aliyun_submit(emu, "fdf")
    assert resp.status_code == 400
    assert resp.json() == {"error_message": "Meta:ACCESS_DENIED:The token 'fdf' is invalid!", "error_code": 40000001,
                           "request_id": resp.json()["request_id"], "url": "/rest/v1/tts/async", "status": 400}
    token = requests.get(emu.aliyun_token_url, params=signed(pop_params()), timeout=TIMEOUT).json()["Token"]["Id"]
    assert aliyun_submit(emu, token).status_code == 200
    emu.expire_tokens()
    assert aliyun_submit(emu, token).json()["error_code"] == 40000001
    # A fresh token works again.
    token2 = requests.get(emu.aliyun_token_url, params=signed(pop_params()), timeout=TIMEOUT).json()["Token"]["Id"]
    assert aliyun_submit(emu, token2).status_code == 200


def test_forbidden_variant_of_a_token_rejection() -> None:
    with running_emulator(aliyun_forbidden_rate=1.0) as emu:
        resp = aliyun_submit(emu, "no-such-token")
        assert resp.status_code == 403
        assert resp.json()["error_code"] == 403 and resp.json()["error_message"] == "Forbidden"
