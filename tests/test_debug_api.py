"""The debugger page's server side: its JSON API, its headers and its refusals (no browser needed).

The page draws; the numbers are the library's. These tests hold the API to the golden vectors
(every digest, separator, struct hash and typeHash), to the CLI's error objects and limits, and to
the safety rules: no key accepted or echoed, JSON only, no CORS, bounded bodies, a CSP that
forbids outside requests.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from eip712kit import sign_typed_data
from eip712kit.base.limits import DEFAULT_LIMITS
from eip712kit.conformance import load_vectors
from eip712kit.core.trace import trace_typed_data
from eip712kit.server.app import create_app
from eip712kit.server.debug import ASSETS, CONTENT_SECURITY_POLICY, examples, fragment, max_body_bytes
from tests.helpers.cli_runner import run
from tests.helpers.devkeys import DEV_ADDRESS, DEV_KEY, DEV_KEYS
from tests.helpers.login_servers import LiveServer

MAIL = Path(__file__).resolve().parent.parent / "examples" / "mail.json"
MNEMONIC = "test test test test test test test test test test test junk"  # PUBLIC development mnemonic


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    """The page's server on loopback (as ``eip712kit serve`` and ``debug`` run it) and a client for it."""
    with LiveServer(create_app()) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        yield http


def inspect(client: httpx.Client, **body: Any) -> httpx.Response:
    return client.post("/debug/api/inspect", json=body)


def typed_data_cases(*, negative: bool) -> list[Any]:
    return [case for vf in load_vectors() for case in vf.cases
            if case.kind == "typed_data" and case.negative == negative]


# --- the page and its assets ------------------------------------------------------------------

def test_the_page_is_served_with_a_policy_that_forbids_outside_requests(client: httpx.Client) -> None:
    for path in ("/debug", "/debug/"):
        page = client.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        policy = page.headers["content-security-policy"]
        assert policy == CONTENT_SECURITY_POLICY
        for directive in ("default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"):
            assert directive in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "no-referrer"


def test_the_page_has_no_inline_script_or_style_and_names_no_other_host(client: httpx.Client) -> None:
    html = client.get("/debug").text
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/debug/assets/debug.js" defer>']
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html), "an inline event handler"
    for name in ASSETS:
        asset = client.get(f"/debug/assets/{name}")
        assert asset.status_code == 200 and asset.headers["content-type"] == ASSETS[name]
        assert asset.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    for text in (html, *(client.get(f"/debug/assets/{name}").text for name in ASSETS)):
        # The SVG's XML namespace is a name, not a request.
        hosts = set(re.findall(r"(?:https?:)?//([a-z0-9.-]+\.[a-z]{2,})", text)) - {"www.w3.org"}
        assert not hosts, f"an asset names another host: {hosts}"
        assert "@import" not in text and "url(" not in text


@pytest.mark.parametrize("path", ["/debug/assets/index.html", "/debug/assets/..%2Fapp.py", "/debug/assets/app.py",
                                  "/debug/assets/%2e%2e%2f%2e%2e%2fpyproject.toml"])
def test_only_the_listed_assets_are_served(client: httpx.Client, path: str) -> None:
    assert client.get(path).status_code == 404


# --- the numbers are the vectors' -----------------------------------------------------------

def test_every_positive_vector_gives_its_digest_hashes_and_signer(client: httpx.Client) -> None:
    cases = typed_data_cases(negative=False)
    assert len(cases) > 200
    for case in cases:
        expected = case.expected
        body: dict[str, Any] = {"document": json.dumps(case.input["typed_data"])}
        if "signature" in expected:
            body.update(signature=expected["signature"], expect=expected["signer"])
        answer = inspect(client, **body)
        assert answer.status_code == 200, (case.id, answer.text)
        data = answer.json()
        trace = data["trace"]
        assert trace["digest"] == expected["digest"], case.id
        assert trace["domainSeparator"] == expected["domainSeparator"], case.id
        assert trace["structHash"] == expected.get("structHash"), case.id
        for name, type_hash in expected["typeHash"].items():
            assert trace["types"][name]["typeHash"] == type_hash, (case.id, name)
            assert trace["types"][name]["encodeType"] == expected["encodeType"][name], (case.id, name)
        if "signature" in expected:
            assert data["recovered"]["signer"] == expected["signer"], case.id
            assert data["verification"]["valid"] is True, case.id


def test_values_beyond_two_to_the_53_travel_as_decimal_strings(client: httpx.Client) -> None:
    document = {"types": {"V": [{"name": "v", "type": "uint256"}]}, "primaryType": "V",
                "domain": {"name": "x"}, "message": {"v": 2**200}}
    trace = inspect(client, document=json.dumps(document)).json()["trace"]
    assert trace["message"]["fields"][0]["value"] == str(2**200)
    assert trace["message"]["fields"][0]["word"] == "0x" + (2**200).to_bytes(32, "big").hex()


def test_a_document_object_is_accepted_as_well_as_its_text(client: httpx.Client) -> None:
    text = MAIL.read_text()
    assert inspect(client, document=json.loads(text)).json()["trace"] == inspect(client, document=text).json()["trace"]


# --- errors: the CLI's codes, paths and sentences -----------------------------------------------

def test_every_negative_vector_is_refused_with_its_code_and_path(client: httpx.Client) -> None:
    cases = typed_data_cases(negative=True)
    assert cases
    for case in cases:
        answer = inspect(client, document=json.dumps(case.input["typed_data"]))
        assert answer.status_code == 422, case.id
        error = answer.json()["error"]
        assert answer.json()["ok"] is False and error["code"] == case.error["code"], case.id
        if "path" in case.error:
            assert error.get("path") == case.error["path"], case.id


def test_an_error_is_the_one_the_cli_prints(client: httpx.Client, tmp_path: Path) -> None:
    broken = MAIL.read_text().replace('"chainId": 1', '"chainId": -1')
    (tmp_path / "broken.json").write_text(broken)
    cli = run("hash", str(tmp_path / "broken.json"), "--json")
    assert cli.returncode == 2
    assert inspect(client, document=broken).json() == json.loads(cli.stdout)
    assert json.loads(cli.stdout)["error"]["path"] == "domain.chainId"


def test_the_clis_limits_hold(client: httpx.Client) -> None:
    limit = DEFAULT_LIMITS.max_document_bytes
    padded = MAIL.read_text().replace('"Hello, Bob!"', json.dumps("x" * limit))
    error = inspect(client, document=padded).json()["error"]
    assert error["code"] == "LIMIT_EXCEEDED" and str(limit) in error["message"]
    deep = "[" * (DEFAULT_LIMITS.max_depth + 1) + "]" * (DEFAULT_LIMITS.max_depth + 1)
    assert inspect(client, document=deep).json()["error"]["code"] == "LIMIT_EXCEEDED"


def test_invalid_json_says_where(client: httpx.Client) -> None:
    answer = inspect(client, document='{"types": {,}')
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "INVALID_JSON" and "line 1 column" in answer.json()["error"]["message"]


def test_a_bad_signature_or_address_is_reported_beside_the_trace(client: httpx.Client) -> None:
    data = inspect(client, document=MAIL.read_text(), signature="0x1234", expect="0xabc").json()
    assert data["ok"] is True and data["trace"]["digest"].startswith("0xbe609aee")
    assert data["recovered"]["error"]["code"] == "SIGNATURE_MALFORMED"
    assert data["recovered"]["error"]["path"] == "signature"
    assert data["expected"]["error"] == {"code": "INVALID_ADDRESS", "path": "expect",
                                         "message": "'0xabc' is not an address: it must be 0x followed by exactly 40 "
                                                    "hex digits"}
    assert data["verification"] is None


def test_a_high_s_signature_recovers_but_does_not_verify(client: httpx.Client) -> None:
    from eip712kit.core.signature import SECP256K1_N, Signature

    good = Signature.parse(sign_typed_data(MAIL.read_text(), DEV_KEY).to_hex())
    high = Signature(good.r, SECP256K1_N - good.s, 1 - good.y_parity).to_hex()
    data = inspect(client, document=MAIL.read_text(), signature=high, expect=DEV_ADDRESS).json()
    assert data["recovered"]["signer"] == DEV_ADDRESS and data["recovered"]["parts"]["highS"] is True
    assert data["verification"]["valid"] is False and data["verification"]["code"] == "SIGNATURE_HIGH_S"


# --- the doctor ---------------------------------------------------------------------------------

def test_the_doctor_names_the_cause_the_field_and_both_values(client: httpx.Client) -> None:
    document = MAIL.read_text()
    other_chain = json.loads(document)
    other_chain["domain"]["chainId"] = 5
    signature = sign_typed_data(other_chain, DEV_KEY).to_hex()
    answer = client.post("/debug/api/diagnose", json={"document": document, "signature": signature,
                                                      "expect": DEV_ADDRESS})
    assert answer.status_code == 200
    diagnosis = answer.json()["diagnosis"]
    assert diagnosis["valid"] is False and diagnosis["cause"] == "DOMAIN_CHAIN_ID"
    assert diagnosis["field"] == "domain.chainId"
    assert (diagnosis["signed_value"], diagnosis["given_value"]) == (5, 1)


def test_the_doctor_on_a_valid_signature(client: httpx.Client) -> None:
    mail = examples()["core/mail"]
    diagnosis = client.post("/debug/api/diagnose", json={"document": mail["document"], "signature": mail["signature"],
                                                         "expect": mail["expect"]}).json()["diagnosis"]
    assert diagnosis["valid"] is True and diagnosis["cause"] is None


@pytest.mark.parametrize("missing", ["signature", "expect"])
def test_the_doctor_needs_a_signature_and_an_address(client: httpx.Client, missing: str) -> None:
    body = {"document": MAIL.read_text(), "signature": "0x" + "11" * 65, "expect": DEV_ADDRESS}
    del body[missing]
    answer = client.post("/debug/api/diagnose", json=body)
    assert answer.status_code == 400 and answer.json()["error"]["path"] == missing


def test_the_doctor_reports_bad_input_at_its_path(client: httpx.Client) -> None:
    answer = client.post("/debug/api/diagnose", json={"document": MAIL.read_text(), "signature": "0x" + "11" * 65,
                                                      "expect": "0x0000000000000000000000000000000000000000"})
    assert answer.status_code == 422 and answer.json()["error"]["path"] == "expect"


# --- no key, ever -------------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["privateKey", "private_key", "key", "secretKey", "mnemonic", "seed", "password",
                                   "passphrase", "keystore", "signing_key", "api_secret", "seedPhrase"])
def test_a_key_like_field_is_refused_and_not_echoed(client: httpx.Client, field: str) -> None:
    answer = inspect(client, document=MAIL.read_text(), **{field: DEV_KEY})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "INVALID_REQUEST" and error["path"] == field and "never takes one" in error["message"]
    assert DEV_KEY[2:] not in answer.text


@pytest.mark.parametrize("secret", [DEV_KEY, DEV_KEY[2:], DEV_KEY.upper().replace("0X", "0x"), f" {DEV_KEY} ",
                                    MNEMONIC])
@pytest.mark.parametrize("endpoint", ["inspect", "diagnose"])
@pytest.mark.parametrize(("field", "code"), [("signature", "SIGNATURE_MALFORMED"), ("expect", "INVALID_ADDRESS")])
def test_a_key_or_phrase_where_the_signature_or_address_goes_is_refused_and_not_echoed(
        client: httpx.Client, secret: str, endpoint: str, field: str, code: str) -> None:
    body = {"document": MAIL.read_text(), "signature": "0x" + "11" * 65, "expect": DEV_ADDRESS, field: secret}
    answer = client.post(f"/debug/api/{endpoint}", json=body)
    if endpoint == "inspect":
        error = answer.json()["recovered" if field == "signature" else "expected"]["error"]
    else:
        error = answer.json()["error"]
    assert error["code"] == code and error["path"] == field
    assert "never needs" in error["message"]
    for key, _ in DEV_KEYS:
        assert key[2:].lower() not in answer.text.lower()
    assert "test test test" not in answer.text


@pytest.mark.parametrize("field", ["signatures", "documents", "address", "typedData"])
def test_an_unknown_field_is_refused(client: httpx.Client, field: str) -> None:
    answer = inspect(client, document=MAIL.read_text(), **{field: "x"})
    assert answer.status_code == 400 and answer.json()["error"]["path"] == field


# --- the request: JSON only, same origin only, bounded ------------------------------------------

@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/jsonp", "text/json"])
def test_only_json_bodies_are_read(client: httpx.Client, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    answer = client.post("/debug/api/inspect", content=json.dumps({"document": MAIL.read_text()}), headers=headers)
    assert answer.status_code == 415 and answer.json()["error"]["code"] == "INVALID_REQUEST"


def test_json_with_a_charset_is_json(client: httpx.Client) -> None:
    answer = client.post("/debug/api/inspect", content=json.dumps({"document": MAIL.read_text()}),
                         headers={"content-type": "Application/JSON; charset=utf-8"})
    assert answer.status_code == 200


@pytest.mark.parametrize("endpoint", ["/debug/api/inspect", "/debug/api/diagnose"])
def test_a_cors_preflight_gets_no_cors_headers(client: httpx.Client, endpoint: str) -> None:
    answer = client.options(endpoint, headers={"Origin": "https://attacker.example",
                                               "Access-Control-Request-Method": "POST",
                                               "Access-Control-Request-Headers": "content-type"})
    assert answer.status_code == 405
    assert not [h for h in answer.headers if h.lower().startswith("access-control-")]


def test_a_request_from_another_origin_is_refused(client: httpx.Client) -> None:
    answer = client.post("/debug/api/inspect", json={"document": MAIL.read_text()},
                         headers={"Origin": "https://attacker.example"})
    assert answer.status_code == 403
    assert not [h for h in answer.headers if h.lower().startswith("access-control-")]
    same = client.post("/debug/api/inspect", json={"document": MAIL.read_text()},
                       headers={"Origin": str(client.base_url).rstrip("/")})
    assert same.status_code == 200


def test_on_loopback_a_foreign_host_name_is_refused() -> None:
    """A DNS-rebinding page reaches 127.0.0.1 under its own name: the Host header gives it away."""
    with LiveServer(create_app()) as server, httpx.Client(timeout=30) as http:
        port = server.port
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", "127.0.0.1"):
            assert http.get(server.url + "/debug", headers={"Host": host}).status_code == 200, host
        for host in (f"attacker.example:{port}", "attacker.example", f"127.0.0.1.attacker.example:{port}"):
            refused = http.post(server.url + "/debug/api/inspect", json={"document": MAIL.read_text()},
                                headers={"Host": host})
            assert refused.status_code == 403, host
            assert http.get(server.url + "/debug", headers={"Host": host}).status_code == 403, host


@pytest.mark.parametrize(("content", "status", "code"), [
    (b"", 400, "INVALID_REQUEST"),
    (b"not json", 400, "INVALID_REQUEST"),
    (b"[]", 400, "INVALID_REQUEST"),
    (b'{"document": NaN}', 400, "INVALID_REQUEST"),
    (b'{"signature": "0x"}', 400, "INVALID_REQUEST"),
    (b'{"document": "{}", "signature": 5}', 400, "INVALID_REQUEST"),
    (b'{"document": 5}', 422, "INVALID_DOCUMENT"),
    (b'{"document": "\\ud800"}', 422, "INVALID_JSON"),
    (b'{"document": "{\\"types\\": {\\"\\ud800\\": []}}"}', 422, None),
    (b"\xff\xfe", 400, "INVALID_REQUEST"),
])
def test_malformed_bodies_get_a_4xx_with_a_sentence(client: httpx.Client, content: bytes, status: int,
                                                   code: str | None) -> None:
    answer = client.post("/debug/api/inspect", content=content, headers={"content-type": "application/json"})
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["message"] and (code is None or error["code"] == code)


def test_a_body_over_the_limit_is_refused_before_it_is_read(client: httpx.Client) -> None:
    limit = max_body_bytes()
    declared = client.post("/debug/api/inspect", content=b"{" + b" " * limit + b"}",
                           headers={"content-type": "application/json"})
    assert declared.status_code == 413 and declared.json()["error"]["code"] == "LIMIT_EXCEEDED"

    def chunks() -> Iterator[bytes]:
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536

    streamed = client.post("/debug/api/inspect", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413


# --- examples and links -------------------------------------------------------------------------

def test_the_examples_are_the_vectors_typed_data_cases(client: httpx.Client) -> None:
    listed = client.get("/debug/api/examples").json()["examples"]
    ids = {e["id"] for e in listed}
    assert ids == {case.id for case in typed_data_cases(negative=False) + typed_data_cases(negative=True)}
    assert {e["group"] for e in listed} == {"EIP-712 core vectors", "Sera vectors", "Renance / XBlade Vault vectors",
                                            "Invalid documents (negative vectors)"}
    mail = client.get("/debug/api/example", params={"id": "core/mail"}).json()
    assert json.loads(mail["document"]) == json.loads(MAIL.read_text())
    assert mail["expect"] == DEV_ADDRESS and mail["signature"].startswith("0x6ea8bb30")
    assert "key" not in mail and DEV_KEY[2:] not in json.dumps(mail)
    assert client.get("/debug/api/example", params={"id": "nope"}).status_code == 404


def test_every_example_loads_in_the_api(client: httpx.Client) -> None:
    for entry in examples().values():
        status = inspect(client, document=entry["document"]).status_code
        assert status == (422 if "error" in entry else 200), entry["id"]


def _decode(value: str) -> str:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("utf-8")


def test_a_fragment_carries_the_text_signature_and_address_as_base64url_json() -> None:
    text = MAIL.read_text().replace("Bob", "Bøb ✓")
    built = fragment(text, "0x" + "ab" * 65, DEV_ADDRESS)
    assert built.startswith("#doc=") and "=" not in built.split("&")[0][5:] and "+" not in built and "/" not in built
    parts = dict(part.split("=", 1) for part in built[1:].split("&"))
    assert _decode(parts["doc"]) == text
    assert json.loads(_decode(parts["sig"])) == "0x" + "ab" * 65
    assert json.loads(_decode(parts["expect"])) == DEV_ADDRESS
    assert fragment(text) == "#doc=" + parts["doc"]


def test_the_trace_is_the_library_trace(client: httpx.Client) -> None:
    text = MAIL.read_text()
    assert inspect(client, document=text).json()["trace"] == trace_typed_data(text).to_dict()


def test_the_verifier_routes_are_untouched(client: httpx.Client) -> None:
    assert client.get("/api/v1/health").json()["status"] == "ok"
    assert client.get("/nowhere").status_code == 404
