"""The HTTP client: back-off on 429/503, timeouts, and every failure in the kit's own terms.

Retry timing uses an injected sleep and httpx's MockTransport, so the schedule is asserted
exactly without waiting; the last tests go over real loopback HTTP to the reference verifier.
"""

from __future__ import annotations

import json
import socket

import httpx
import pytest

from eip712kit.base.errors import Eip712KitError, NetworkError
from eip712kit.client import HttpClient, SeraClient, parse_server_time, parse_tokens, parse_verdict
from eip712kit.protocols import sera
from eip712kit.protocols.requests import Prepared
from eip712kit.protocols.sera.verdicts import Verdict
from eip712kit.server.app import create_app
from eip712kit.server.settings import ServerSettings
from eip712kit.server.store import ApiKeyStore
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.login_servers import LiveServer

KEY0, ADDR0 = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)
KEY1, ADDR1 = DEV_KEYS[1]  # PUBLIC development key (Hardhat/Anvil account #1)


def scripted(answers: list[httpx.Response | Exception]) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A transport that answers each request with the next scripted response (or raises it)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers[min(len(seen) - 1, len(answers) - 1)]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return httpx.MockTransport(handler), seen


def client(answers: list[httpx.Response | Exception], **options: object) -> tuple[HttpClient, list[httpx.Request],
                                                                                   list[float]]:
    transport, seen = scripted(answers)
    delays: list[float] = []
    http = HttpClient("http://api.test/api/v1", transport=transport, sleep=delays.append, **options)  # type: ignore[arg-type]
    return http, seen, delays


def test_429_and_503_are_retried_with_exponential_back_off() -> None:
    http, seen, delays = client([httpx.Response(429), httpx.Response(503), httpx.Response(200, json={"ok": 1})])
    answer = http.get("health")
    assert (answer.status, answer.body, answer.attempts) == (200, {"ok": 1}, 3)
    assert delays == [0.5, 1.0]
    assert str(seen[0].url) == "http://api.test/api/v1/health"


def test_retry_after_is_honoured_up_to_the_ceiling() -> None:
    http, _, delays = client([httpx.Response(429, headers={"Retry-After": "3"}),
                              httpx.Response(429, headers={"Retry-After": "600"}), httpx.Response(200, json={})],
                             max_backoff=8.0)
    http.get("x")
    assert delays == [3.0, 8.0]


def test_retries_are_bounded_and_the_last_answer_returned() -> None:
    http, seen, delays = client([httpx.Response(429, text="slow down")], retries=2)
    answer = http.post("verify-signature", {"a": 1})
    assert (answer.status, len(seen), len(delays)) == (429, 3, 2)
    with pytest.raises(NetworkError, match="still rate limited"):
        answer.expect()


def test_4xx_is_an_answer_not_an_exception() -> None:
    http, seen, _ = client([httpx.Response(400, json={"detail": "bad"})])
    answer = http.post("verify-signature", {"x": 1})
    assert (answer.ok, answer.status, answer.body) == (False, 400, {"detail": "bad"})
    assert len(seen) == 1  # not retried
    assert seen[0].headers["content-type"] == "application/json"


@pytest.mark.parametrize("failure, message", [
    (httpx.ConnectError("[Errno 111] Connection refused"), "connection refused"),
    (httpx.ConnectError("[Errno -2] Name or service not known"), "does not resolve"),
    (httpx.ReadTimeout("timed out"), "timed out after 10 s"),
])
def test_transport_failures_are_network_errors_that_name_the_url(failure: Exception, message: str) -> None:
    http, _, _ = client([failure])
    with pytest.raises(NetworkError) as caught:
        http.get("config")
    assert caught.value.code == "NETWORK_ERROR"
    assert message in caught.value.message and "http://api.test/api/v1/config" in caught.value.message


def test_a_non_json_answer_is_reported() -> None:
    http, _, _ = client([httpx.Response(200, text="<html>gateway</html>")])
    answer = http.get("config")
    assert answer.body is None
    with pytest.raises(NetworkError, match="not JSON"):
        answer.expect()


def test_headers_stay_out_of_error_messages() -> None:
    http, _, _ = client([httpx.Response(500, text="boom")])
    answer = http.post("api-keys/self-revoke", {"api_key": "sera_x"},
                       headers={"Authorization": "Bearer sera_x:very-secret"})
    with pytest.raises(NetworkError) as caught:
        answer.expect()
    assert "very-secret" not in str(caught.value)


@pytest.mark.parametrize("body, expected", [
    ({"server_time": 1700000000}, 1700000000),
    ({"timestamp": "1700000000"}, 1700000000),
    ({"data": {"serverTime": 1700000000123}}, 1700000000),
    (1700000000.7, 1700000000),
])
def test_server_time_shapes(body: object, expected: int) -> None:
    assert parse_server_time(body) == expected


@pytest.mark.parametrize("body", [{"time": "soon"}, {}, None, -5])
def test_unreadable_server_time_is_a_network_error(body: object) -> None:
    with pytest.raises(NetworkError):
        parse_server_time(body)


def test_token_list_shapes() -> None:
    tokens = [{"address": "0x" + "11" * 20, "decimals": 6}]
    assert parse_tokens(tokens) == parse_tokens({"tokens": tokens}) == parse_tokens({"data": tokens}) == tokens
    with pytest.raises(NetworkError):
        parse_tokens({"items": tokens})


@pytest.mark.parametrize("answer, verdict", [
    (httpx.Response(200, json={"valid": True, "owner_address": "0x" + "11" * 20}), Verdict(True)),
    (httpx.Response(200, json={"valid": False, "code": "SIGNER_MISMATCH", "field": "signature", "detail": "not yours"}),
     Verdict(False, "SIGNER_MISMATCH", "not yours", "signature")),
    (httpx.Response(200, json={"valid": False, "reason": "expired", "code": 7}), Verdict(False, None, "expired")),
    (httpx.Response(400, json={"error": "the body is no order"}), Verdict(False, None, "the body is no order")),
    (httpx.Response(422, json=["no", "object"]), Verdict(False, None, '["no","object"]')),
])
def test_a_servers_answer_is_read_as_the_verdict_the_reference_verifier_gives(answer: httpx.Response,
                                                                              verdict: Verdict) -> None:
    http, _, _ = client([answer])
    assert parse_verdict(http.post("verify-signature", {})) == verdict


@pytest.mark.parametrize("answer, message", [
    (httpx.Response(200, json={"ok": True}), "without a boolean 'valid'"),
    (httpx.Response(200, text="<html>valid</html>"), "did not give a verdict"),
    (httpx.Response(503, json={"detail": "down"}), "did not give a verdict"),
])
def test_an_answer_that_is_no_verdict_is_a_network_error(answer: httpx.Response, message: str) -> None:
    http, _, _ = client([answer], retries=0)
    with pytest.raises(NetworkError, match=message):
        parse_verdict(http.post("verify-signature", {}))


def test_sera_client_reads_the_reference_verifier_over_http() -> None:
    with LiveServer(create_app(ServerSettings(executor_id=9))) as server, \
            SeraClient(server.url + "/api/v1", timeout=5) as sera_client:
        assert sera_client.executor_id() == 9
        assert abs(sera_client.server_time() - sera_client.health()["server_time"]) <= 1
        assert sera_client.config()["chain_id"] == 11155111
        assert [t["symbol"] for t in sera_client.tokens()] == ["EURC", "USDC"]
        verdict = sera_client.verify_signature({"owner_address": "0x00"})
        assert verdict.status == 200 and verdict.json_object()["valid"] is False


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_closed_port_is_connection_refused_over_real_sockets() -> None:
    with SeraClient(f"http://127.0.0.1:{_closed_port()}/api/v1", timeout=2) as sera_client, \
            pytest.raises(NetworkError, match="connection refused"):
        sera_client.health()


# --- API keys: the six SeraClient methods through the whole lifecycle, against the reference verifier ---------

NOW = 1_750_000_000


class HeldClock:
    """The verifier's clock, held by the test: every signed timestamp below is inside the ±5-minute window."""

    def __init__(self) -> None:
        self.now = float(NOW)

    def __call__(self) -> float:
        return self.now


def _signed(action: str, timestamp: int, *, form: str = "body", label: str | None = None) -> Prepared:
    """A ManageApiKey request built and signed by the protocol module, as a program using the client makes it."""
    return sera.api_key_request(ADDR0, action, timestamp, form=form, label=label).sign(KEY0, sera.DOMAIN)


def test_the_api_key_lifecycle_through_the_client() -> None:
    with LiveServer(create_app(ServerSettings(clock=HeldClock()), ApiKeyStore())) as server, \
            SeraClient(server.url, timeout=5, retries=0) as client:
        # create: the pair, the secret shown this once
        created = client.create_api_key(_signed("create", NOW, label="trading bot"))
        assert created.status == 201, created.describe()
        pair = created.json_object()
        assert pair["api_key"].startswith("sera_") and pair["owner_address"] == ADDR0 and pair["label"] == "trading bot"
        # verify: the pair is valid, a wrong secret is not, and nothing changed
        assert client.verify_api_key(pair["api_key"], pair["api_secret"]).json_object() == {
            "valid": True, "owner_address": ADDR0}
        assert client.verify_api_key(pair["api_key"], pair["api_secret"] + "x").status == 401
        # replay: the same signed create again is 409; a new timestamp signs a new request
        assert (client.create_api_key(_signed("create", NOW, label="trading bot")).json_object()["code"]
                == "SIGNATURE_REPLAYED")
        replayed = client.create_api_key(_signed("create", NOW, label="trading bot"))
        assert replayed.status == 409
        more = [client.create_api_key(_signed("create", NOW + i)).json_object()["api_key"] for i in range(1, 10)]
        # the 10-active-keys rule; a refused create does not burn its signature
        eleventh = _signed("create", NOW + 10)
        refused = client.create_api_key(eleventh)
        assert (refused.status, refused.json_object()["code"]) == (400, "API_KEY_LIMIT")
        # list, as a JSON body and as signed query parameters: ten keys, no secret
        listed = client.list_api_keys(_signed("list", NOW + 11))
        by_query = client.list_api_keys(_signed("list", NOW + 12, form="query"))
        assert listed.json_object()["count"] == by_query.json_object()["count"] == 10
        assert [k["api_key"] for k in listed.json_object()["api_keys"]] == [pair["api_key"], *more]
        assert pair["api_secret"] not in listed.text
        # revoke one, as a body and as a query; a revoked key no longer verifies
        revoked = client.revoke_api_key(_signed("revoke_" + more[0], NOW + 13))
        assert revoked.json_object() == {"status": "ok", "revoked_api_key": more[0]}
        assert client.revoke_api_key(_signed("revoke_" + more[1], NOW + 14, form="query")).status == 200
        gone = client.revoke_api_key(_signed("revoke_" + more[1], NOW + 15))
        assert (gone.status, gone.json_object()["code"]) == (404, "API_KEY_NOT_FOUND")
        assert client.create_api_key(eleventh).status == 201  # room again: the refused request now succeeds
        # self-revoke: the key revokes itself with its own Bearer credential, no wallet signature
        assert client.self_revoke_api_key(pair["api_key"], "wrong").status == 401
        assert client.self_revoke_api_key(pair["api_key"], pair["api_secret"]).json_object() == {
            "status": "ok", "revoked_api_key": pair["api_key"]}
        assert client.verify_api_key(pair["api_key"], pair["api_secret"]).status == 401
        # revoke all: one signature for every active key, then none is left
        everything = client.revoke_all_api_keys(_signed("revoke_all", NOW + 16)).json_object()
        assert everything["count"] == 8 and pair["api_key"] not in everything["revoked_api_keys"]
        assert client.revoke_all_api_keys(_signed("revoke_all", NOW + 16)).status == 409  # replayed
        assert client.revoke_all_api_keys(_signed("revoke_all", NOW + 17)).json_object()["count"] == 0
        assert client.list_api_keys(_signed("list", NOW + 18)).json_object() == {"api_keys": [], "count": 0}


def test_a_signature_for_one_action_or_wallet_is_refused_by_another_call() -> None:
    with LiveServer(create_app(ServerSettings(clock=HeldClock()), ApiKeyStore())) as server, \
            SeraClient(server.url, timeout=5, retries=0) as client:
        listing = client.create_api_key(_signed("list", NOW))  # a signature to list keys cannot create one
        assert (listing.status, listing.json_object()["code"]) == (400, "INVALID_ACTION")
        create = sera.api_key_request(ADDR0, "create", NOW)  # Prepared.sign refuses KEY1; a wallet elsewhere may not
        foreign = client.create_api_key(create.with_signature(create.message.sign(KEY1, sera.DOMAIN)))
        assert (foreign.status, foreign.json_object()["code"]) == (401, "SIGNER_MISMATCH")
        stale = client.list_api_keys(_signed("list", NOW - 301))
        assert (stale.status, stale.json_object()["code"]) == (400, "TIMESTAMP_OUT_OF_WINDOW")
        as_fields = client.list_api_keys(_signed("list", NOW + 1).body())  # the fields alone serve as well
        assert as_fields.json_object()["count"] == 0


def scripted_sera(answers: list[httpx.Response]) -> tuple[SeraClient, list[httpx.Request]]:
    """A SeraClient whose server is a script (the requests it sends are kept, nothing leaves the process)."""
    transport, seen = scripted(answers)  # type: ignore[arg-type]
    return SeraClient("http://api.test", transport=transport, retries=0), seen


def test_an_unsigned_request_is_refused_before_anything_is_sent() -> None:
    sera_client, seen = scripted_sera([httpx.Response(200, json={})])
    with pytest.raises(Eip712KitError) as refused:
        sera_client.create_api_key(sera.api_key_request(ADDR0, "create", NOW))
    assert refused.value.code == "SIGNATURE_MISSING" and seen == []


def test_a_secret_travels_only_where_the_document_puts_it() -> None:
    sera_client, seen = scripted_sera([httpx.Response(200, json={"status": "ok"})])
    sera_client.self_revoke_api_key("sera_abc", "s3cret")
    sera_client.verify_api_key("sera_abc", "s3cret")
    revoke, verify = seen
    assert (revoke.url.path, revoke.headers["authorization"], json.loads(revoke.content)) == (
        "/api/v1/api-keys/self-revoke", "Bearer sera_abc:s3cret", {"api_key": "sera_abc"})
    assert (verify.url.path, "authorization" in verify.headers, json.loads(verify.content)) == (
        "/api/v1/api-keys/verify", False, {"api_key": "sera_abc", "api_secret": "s3cret"})
