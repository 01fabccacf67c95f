"""Hostile request bodies against the reference verifier, over real HTTP on loopback.

Every POST endpoint, and the query form of ``GET``/``DELETE /api-keys``, gets random JSON, valid
signed requests with one field replaced, removed or added, random bytes under random content
types, near-JSON text built to stress the parser, bodies past the size limit and deep nesting. The
only answers allowed are a JSON 2xx/4xx that says something (``detail``, and a catalogued
``code`` when there is one) — never a 5xx, never a hang: the server is ``eip712kit serve`` in a
subprocess on 127.0.0.1 and every request has a timeout, so a handler that stalls fails the test
instead of stalling it. The server's log is read as it comes and its internal errors counted.

The valid requests the mutations start from are signed by eth-account, not by the kit, at the
server's time when the module starts (they stay inside the ±300 s window for a run of minutes).

Examples per hypothesis test: 20 in the default run; under ``pytest -m fuzz``
``EIP712KIT_FUZZ_EXAMPLES`` (default 100; CI keeps the default, a long run sets thousands). With
``pytest -s -n 0`` the module prints how many requests each test sent and for how long.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from hypothesis import HealthCheck
from hypothesis import strategies as st

from eip712kit.base.errors import CODES
from eip712kit.protocols import sera
from eip712kit.protocols.sera.verdicts import API_KEY_FIELDS, ORDER_REQUEST_FIELDS
from eip712kit.protocols.struct import Struct
from eip712kit.server.settings import MAX_BODY_BYTES, ServerSettings
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.fuzzing import fuzzed
from tests.helpers.verifier_process import VerifierProcess

KEY0, ADDR0 = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)
EXAMPLES = int(os.environ.get("EIP712KIT_FUZZ_EXAMPLES", "100"))
FUZZ: dict[str, Any] = {"quick": min(20, EXAMPLES), "full": EXAMPLES, "database": None,
                        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                                  HealthCheck.function_scoped_fixture]}
"""20 examples per test in the default run; ``EIP712KIT_FUZZ_EXAMPLES`` under ``pytest -m fuzz``."""
TIMEOUT = 10.0
"""Seconds any one answer may take; past it the request fails as a hang."""

POST_ENDPOINTS = ("/verify-signature", "/api-keys", "/api-keys/list", "/api-keys/revoke", "/api-keys/revoke-all",
                  "/api-keys/self-revoke", "/api-keys/verify")


# --- valid requests to start from, signed by eth-account ----------------------------------------

def eth_sign(message: Struct) -> str:
    typed = message.to_typed_data(sera.DOMAIN)
    return "0x" + bytes(Account.sign_message(encode_typed_data(full_message=typed), KEY0).signature).hex()


def manage(action: str, timestamp: int, form: str = "body", label: str | None = None) -> dict[str, Any]:
    prepared = sera.api_key_request(ADDR0, action, timestamp, form=form, label=label)
    body: dict[str, Any] = prepared.with_signature(eth_sign(prepared.message)).body()
    return body


def order_body(now: int) -> dict[str, Any]:
    tokens = ServerSettings().tokens
    built = sera.build_order(owner_address=ADDR0, side="bid", amount="1000.0", price="1.085", from_address="EURC",
                             to_address="USDC", expiration=now + 86_400,
                             order_id="00000000-0000-4000-8000-000000000001", executor_id=0, tokens=tokens)
    body: dict[str, Any] = built.with_signature(eth_sign(built.message)).verify_signature_body()
    return body


def seeds(now: int) -> dict[str, dict[str, Any]]:
    """One valid request per endpoint (and per query method), inside its window at server time ``now``."""
    return {
        "/verify-signature": order_body(now),
        "/api-keys": manage("create", now, label="fuzz"),
        "/api-keys/list": manage("list", now + 1),
        "/api-keys/revoke": manage("revoke_sera_00", now + 2),
        "/api-keys/revoke-all": manage("revoke_all", now + 3),
        "/api-keys/self-revoke": {"api_key": "sera_00"},
        "/api-keys/verify": {"api_key": "sera_00", "api_secret": "not-the-secret"},
        "GET": manage("list", now + 4, form="query"),
        "DELETE": manage("revoke_sera_00", now + 5, form="query"),
    }


FIELD_NAMES = sorted({*ORDER_REQUEST_FIELDS, *API_KEY_FIELDS, "label", "api_key", "api_secret"})


# --- strategies ---------------------------------------------------------------------------------

# Any code point, lone surrogates included: a JSON body can carry "\ud800", and the server must not
# choke on echoing it back.
any_text = st.text(st.characters(exclude_categories=()), max_size=40)
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**300), 2**300), st.floats(allow_nan=False, allow_infinity=False),
    any_text,
    st.sampled_from(["", "0x", "0x00", "-1", "1e3", "0.0", "bid", "ask", "create", "list", "revoke_all",
                     "revoke_", "sera_00", ADDR0, ADDR0.lower(), "0x" + "ff" * 65, "0x" + "00" * 64,
                     "00000000-0000-4000-8000-000000000001", str(2**256), "1" * 80, "1." + "0" * 60]),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(FIELD_NAMES) | any_text, children,
                                               max_size=4)),
    max_leaves=16,
)
json_objects = st.dictionaries(st.sampled_from(FIELD_NAMES) | any_text, json_values, max_size=12)
near_json_tokens = st.one_of(
    st.sampled_from(['{', '}', '[', ']', ',', ':', '"', '\\', '\\u', '\\ud800', '\\udc00', '\\u0000', 'null',
                     'true', 'NaN', 'Infinity', '-Infinity', '1e999', '-0', '0.', '.5', '1e', '--1', "'", ' ',
                     '\n', '\x00', '\ufeff', '"owner_address"', '"signature"', '"api_key"']),
    st.text("0123456789", min_size=1, max_size=400), st.integers(4000, 6000).map(lambda n: "1" * n),
    st.text(max_size=6),
)
near_json = st.lists(near_json_tokens, max_size=40).map("".join)
content_types = st.sampled_from([
    None, "application/json", "application/json; charset=utf-16", "text/plain", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x", "application/octet-stream", "application/json; charset=latin-1", "*/*", "",
])
# What an HTTP client can send at all: visible ASCII, no white space at either end.
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60).map(str.strip)


# --- the server and the rule every answer must follow -------------------------------------------

class Fuzzed:
    """``eip712kit serve`` on loopback, a client for it, valid requests to mutate, and a tally."""

    def __init__(self, db: Path) -> None:
        self.process = VerifierProcess(db)
        self.log: list[str] = []  # the server's stderr, read as it comes so a chatty log cannot block it
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        self.http = httpx.Client(base_url=self.process.api, timeout=TIMEOUT)
        self.seeds = seeds(self.http.get("/system/time").json()["server_time"])
        self.sent: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.seconds: Counter[str] = Counter()

    def request(self, method: str, path: str, *, tally: str, **kw: Any) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = self.http.request(method, path, **kw)
        except httpx.TimeoutException:
            pytest.fail(f"{method} {path} got no answer within {TIMEOUT} s (a hang)")
        self.seconds[tally] += time.perf_counter() - started
        self.sent[tally] += 1
        self.statuses[response.status_code] += 1
        assert_answer(response, path)
        return response

    def post_json(self, path: str, value: Any, *, tally: str, headers: dict[str, str] | None = None) -> httpx.Response:
        """POST ``value`` as JSON written with escapes, so that lone surrogates travel as ``\\udXXX``."""
        content = json.dumps(value).encode("ascii")
        return self.request("POST", path, content=content, tally=tally,
                            headers={"Content-Type": "application/json", **bearer(), **(headers or {})})

    def _read_log(self) -> None:
        stream = self.process.process.stderr
        assert stream is not None
        for line in stream:
            self.log.append(line)

    def close(self) -> None:
        self.http.close()
        self.process.process.send_signal(signal.SIGINT)
        self.process.process.wait(10)
        self._reader.join(10)
        self.process.stop()


def assert_answer(response: httpx.Response, path: str) -> None:
    """A JSON 2xx or 4xx that says something; a refusal names a catalogued code when it has one."""
    where = f"{response.request.method} {path} -> {response.status_code}: {response.text[:300]}"
    assert 200 <= response.status_code < 500, where
    assert response.headers.get("content-type", "").startswith("application/json"), where
    body = response.json()
    assert isinstance(body, dict), where
    refused = response.status_code >= 400 or body.get("valid") is False
    if refused:
        assert isinstance(body.get("detail"), str) and body["detail"], where
        if "code" in body:
            assert body["code"] in CODES, where
    if path == "/verify-signature" and response.status_code == 200:
        assert isinstance(body.get("valid"), bool), where


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    fuzzed = Fuzzed(tmp_path_factory.mktemp("server-fuzz") / "state.sqlite3")
    started = time.perf_counter()
    yield fuzzed
    elapsed = time.perf_counter() - started
    fuzzed.close()
    lines = [f"server fuzz: {sum(fuzzed.sent.values())} requests in {elapsed:.1f} s "
             f"(EIP712KIT_FUZZ_EXAMPLES={EXAMPLES}); statuses {dict(sorted(fuzzed.statuses.items()))}; "
             f"server log: {sum('internal error' in line for line in fuzzed.log)} internal errors"]
    lines += [f"  {name:<34} {count:>6} requests {fuzzed.seconds[name]:6.2f} s"
              for name, count in sorted(fuzzed.sent.items())]
    print("\n" + "\n".join(lines))


def bearer() -> dict[str, str]:
    """A well-formed but wrong credential, so self-revoke gets as far as reading the body."""
    return {"Authorization": "Bearer sera_00:not-the-secret"}


def json_headers() -> dict[str, str]:
    """:func:`bearer` and the JSON content type (any other is a 415 before the body is read)."""
    return {**bearer(), "Content-Type": "application/json"}


# --- random and mutated bodies ------------------------------------------------------------------

@fuzzed(st.sampled_from(POST_ENDPOINTS), json_values, **FUZZ)
def test_random_json_bodies(verifier: Fuzzed, path: str, value: Any) -> None:
    verifier.post_json(path, value, tally="random JSON")


@fuzzed(st.sampled_from(POST_ENDPOINTS), json_objects, **FUZZ)
def test_random_objects_with_the_endpoints_field_names(verifier: Fuzzed, path: str, value: dict[str, Any]) -> None:
    verifier.post_json(path, value, tally="random objects")


@fuzzed(st.sampled_from(POST_ENDPOINTS), st.data(), **FUZZ)
def test_a_valid_request_with_one_field_replaced_removed_or_added(verifier: Fuzzed, path: str,
                                                                   data: st.DataObject) -> None:
    body = dict(verifier.seeds[path])
    how = data.draw(st.sampled_from(["replace", "remove", "add"]))
    if how == "add":
        body[data.draw(st.sampled_from(FIELD_NAMES) | any_text)] = data.draw(json_values)
    else:
        name = data.draw(st.sampled_from(sorted(body)))
        if how == "remove":
            del body[name]
        else:
            body[name] = data.draw(json_values)
    verifier.post_json(path, body, tally="one field changed")


@fuzzed(st.sampled_from(POST_ENDPOINTS),
        st.binary(max_size=300) | near_json.map(lambda t: t.encode("utf-8", "replace")), content_types, **FUZZ)
def test_bytes_and_near_json_under_any_content_type(verifier: Fuzzed, path: str, content: bytes,
                                                    content_type: str | None) -> None:
    headers = bearer()
    if content_type is not None:
        headers["Content-Type"] = content_type
    verifier.request("POST", path, content=content, headers=headers, tally="bytes / near-JSON")


@fuzzed(st.sampled_from(POST_ENDPOINTS), near_json, **FUZZ)
def test_near_json_with_unescaped_surrogates_and_controls(verifier: Fuzzed, path: str, text: str) -> None:
    """Text the way a careless client escapes it: lone surrogates written as ``\\udXXX``, raw controls."""
    verifier.request("POST", path, content=text.encode("utf-8", "surrogatepass"), headers=json_headers(),
                     tally="near-JSON, raw escapes")


@fuzzed(st.sampled_from(["GET", "DELETE"]), st.data(), **FUZZ)
def test_query_parameters_of_get_and_delete(verifier: Fuzzed, method: str, data: st.DataObject) -> None:
    if data.draw(st.booleans()):
        params = list(data.draw(st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=10),
                                                st.text(max_size=40), max_size=8)).items())
    else:
        params = [(k, str(v)) for k, v in verifier.seeds[method].items()]
        index = data.draw(st.integers(0, len(params) - 1))
        name, _ = params[index]
        params[index] = (name, data.draw(st.text(max_size=80)))
        if data.draw(st.booleans()):  # the same name twice: which one does the server read?
            params.append((name, data.draw(st.text(max_size=20))))
    verifier.request(method, "/api-keys", params=params, tally="query parameters")


@fuzzed(header_text, json_values, **FUZZ)
def test_self_revoke_with_any_authorization_header(verifier: Fuzzed, header: str, body: Any) -> None:
    verifier.post_json("/api-keys/self-revoke", body, headers={"Authorization": header}, tally="authorization headers")


# --- sizes and shapes past the limits -----------------------------------------------------------

@pytest.mark.parametrize("path", POST_ENDPOINTS)
def test_bodies_past_the_size_limit_are_413(verifier: Fuzzed, path: str) -> None:
    over = b'{"a": "' + b"x" * MAX_BODY_BYTES + b'"}'
    assert verifier.request("POST", path, content=over, headers=json_headers(), tally="size limit").status_code == 413
    ten_mb = b"[" + b"1," * 5_000_000 + b"1]"
    assert verifier.request("POST", path, content=ten_mb, headers=json_headers(),
                            tally="size limit").status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the guard refuses it before the application reads it
        for _ in range(MAX_BODY_BYTES // 1024 + 8):
            yield b" " * 1024

    assert verifier.request("POST", path, content=chunks(), headers=json_headers(),
                            tally="size limit").status_code == 411


@pytest.mark.parametrize("path", POST_ENDPOINTS)
@pytest.mark.parametrize("content", [
    b"[" * 60_000,
    b'{"a":' * 10_000,
    b"[" * 65 + b"]" * 65,
    b'{"owner_address": ' + b"[" * 1000 + b"]" * 1000 + b"}",
], ids=["60000 [", "10000 {", "65 levels", "1000 levels in a field"])
def test_deep_nesting_is_refused_before_parsing(verifier: Fuzzed, path: str, content: bytes) -> None:
    answer = verifier.request("POST", path, content=content, headers=json_headers(), tally="deep nesting")
    assert (answer.status_code, answer.json()["code"]) == (400, "LIMIT_EXCEEDED")


@pytest.mark.parametrize("path", POST_ENDPOINTS)
@pytest.mark.parametrize("content", [
    b"", b" \n\t", b"null", b"[]", b"\"text\"", b"1", b"NaN", b'{"a": Infinity}', b"\xef\xbb\xbf{}",
    '{"a": 1}'.encode("utf-16"), b'{"a": "\xff"}', b'{"a": 1,}', b"{'a': 1}",
], ids=repr)
def test_malformed_and_non_object_bodies_are_a_400(verifier: Fuzzed, path: str, content: bytes) -> None:
    answer = verifier.request("POST", path, content=content, headers=json_headers(), tally="malformed bodies")
    assert answer.status_code == 400  # /verify-signature too: its 200 verdicts are for JSON objects


@pytest.mark.parametrize("path", POST_ENDPOINTS)
def test_a_number_beyond_float_range_is_an_ordinary_wrong_value(verifier: Fuzzed, path: str) -> None:
    """``1e999`` is valid JSON (Python reads it as infinity): the object is answered like any other."""
    answer = verifier.request("POST", path, content=b'{"expiration": 1e999}', headers=json_headers(),
                              tally="malformed bodies")
    body = answer.json()
    if path == "/verify-signature":
        assert (answer.status_code, body["valid"], body["code"]) == (200, False, "MISSING_FIELD")
    else:
        assert answer.status_code == 400


@pytest.mark.parametrize("method, path", [(m, p) for m in ("PUT", "PATCH", "GET") for p in POST_ENDPOINTS
                                          if (m, p) != ("GET", "/api-keys")])  # GET /api-keys lists keys
def test_other_methods_are_a_json_405(verifier: Fuzzed, method: str, path: str) -> None:
    assert verifier.request(method, path, content=b"{}", tally="other methods").status_code == 405


@pytest.mark.parametrize("path", POST_ENDPOINTS)
def test_a_number_too_long_for_python_is_a_400(verifier: Fuzzed, path: str) -> None:
    content = b'{"expiration": ' + b"1" * 5000 + b"}"
    answer = verifier.request("POST", path, content=content, headers=json_headers(), tally="4300+ digit numbers")
    assert (answer.status_code, answer.json()["code"]) == (400, "LIMIT_EXCEEDED")


def test_a_lone_surrogate_in_a_body_is_a_400_not_a_crash(verifier: Fuzzed) -> None:
    """``"\\ud800"`` is valid JSON syntax but not text: echoing it (a field name) or storing it (a label) failed."""
    extra = {**verifier.seeds["/verify-signature"], "\ud800": 1}
    label = manage("create", verifier.seeds["/api-keys"]["timestamp"] + 10, label="\udc00")
    for path, body in (("/verify-signature", extra), ("/api-keys", label), ("/api-keys/verify", {"\ud800": "x"})):
        answer = verifier.post_json(path, body, tally="lone surrogates")
        assert (answer.status_code, answer.json()["code"]) == (400, "INVALID_JSON"), answer.text
