"""The reference verifier over real HTTP: Sera's public endpoints, /verify-signature verdicts, API keys.

A server here runs in a thread (tests/login_servers.LiveServer) with a clock the test holds, so
window boundaries are exact; the crash test runs ``eip712kit serve`` as a process and SIGKILLs it.
Every signature is made by eth-account over typed data built by the protocol module, so the
verifier is checked against an independent signer.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data

from eip712kit.core.domain import Domain
from eip712kit.core.signature import SECP256K1_N
from eip712kit.protocols import sera
from eip712kit.protocols.sera.uuid_int import pack
from eip712kit.protocols.struct import Struct
from eip712kit.server.app import create_app
from eip712kit.server.settings import ServerSettings
from eip712kit.server.store import ApiKeyStore
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.login_servers import LiveServer
from tests.helpers.verifier_process import VerifierProcess

KEY0, ADDR0 = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)
KEY1, ADDR1 = DEV_KEYS[1]  # PUBLIC development key (Hardhat/Anvil account #1)
NOW = 1_750_000_000
ORDER_ID = "00000000-0000-4000-8000-000000000001"


class Clock:
    def __init__(self) -> None:
        self.now = float(NOW)

    def __call__(self) -> float:
        return self.now


def eth_sign(message: Struct, key: str = KEY0, domain: Domain = sera.DOMAIN) -> str:
    typed = message.to_typed_data(domain)
    return "0x" + bytes(Account.sign_message(encode_typed_data(full_message=typed), key).signature).hex()


class Verifier:
    """A reference verifier on loopback with a test-held clock, and an HTTP client for it."""

    def __init__(self, store_path: str = ":memory:", **settings: Any):
        self.clock = Clock()
        self.settings = ServerSettings(clock=self.clock, **settings)
        self.store = ApiKeyStore(store_path)
        self.server = LiveServer(create_app(self.settings, self.store))
        self.server.__enter__()
        self.http = httpx.Client(base_url=self.server.url + "/api/v1", timeout=10)

    def close(self) -> None:
        self.http.close()
        self.server.__exit__()
        self.store.close()

    def post(self, path: str, body: Any, **kw: Any) -> httpx.Response:
        return self.http.post(path, json=body, **kw)

    def manage(self, action: str, *, key: str = KEY0, owner: str = ADDR0, timestamp: int | None = None,
               form: str = "body", label: str | None = None) -> dict[str, Any]:
        """A ManageApiKey request body (or query), signed by eth-account."""
        ts = NOW if timestamp is None else timestamp
        prepared = sera.api_key_request(owner, action, ts, form=form, label=label)
        return prepared.with_signature(eth_sign(prepared.message, key)).body()


@pytest.fixture
def verifier() -> Iterator[Verifier]:
    v = Verifier(executor_id=5)
    yield v
    v.close()


def order_body(ask: bool = False, expires: int = NOW + 86_400, key: str = KEY0, **changes: Any) -> dict[str, Any]:
    """A /verify-signature body for the seed's order, signed by eth-account, with ``changes`` applied after."""
    built = sera.build_order(owner_address=ADDR0, side="ask" if ask else "bid", amount="1000.0", price="1.085",
                             from_address="EURC", to_address="USDC", expiration=expires,
                             order_id=ORDER_ID, executor_id=5, tokens=DEFAULT_TOKENS)
    body = built.with_signature(eth_sign(built.message, key)).verify_signature_body()
    return {**body, **changes}


DEFAULT_TOKENS = ServerSettings().tokens


# --- public endpoints ---------------------------------------------------------------------------

def test_public_endpoints(verifier: Verifier) -> None:
    health = verifier.http.get("/health").json()
    assert health["status"] == "ok" and health["executor_id"] == 5
    assert verifier.http.get("/system/time").json() == {"server_time": NOW}
    assert verifier.http.get("/config").json() == {
        "chain_id": 11155111, "sera_address": "0xd0fc92d8eF9bE26D7288fCa1D6458f675e72B83a",
        "vault_address": None, "sor_address": None}
    tokens = verifier.http.get("/tokens").json()["tokens"]
    assert [(t["symbol"], t["decimals"]) for t in tokens] == [("EURC", 6), ("USDC", 6)]
    market = verifier.http.get("/markets").json()["markets"][0]
    assert (market["symbol"], market["base_address"], market["quote_address"]) == (
        "EURC/USDC", tokens[0]["address"], tokens[1]["address"])
    missing = verifier.http.get("/orders")
    assert missing.status_code == 404 and "detail" in missing.json()
    assert verifier.http.get("/verify-signature").status_code == 405


# --- /verify-signature ----------------------------------------------------------------------------

def test_the_seed_order_is_valid_and_signs_the_seed_amounts(verifier: Verifier) -> None:
    body = order_body()
    assert body["uuid_int"] == str(pack(ORDER_ID, 5))
    answer = verifier.post("/verify-signature", body)
    assert answer.status_code == 200
    assert answer.json() == {"valid": True, "signer": ADDR0, "owner_address": ADDR0,
                             "digest": answer.json()["digest"]}
    # The digest the verifier checked is eth-account's digest of the seed's Order (bid: spend USDC).
    order = sera.Order(user=ADDR0, expiration=NOW + 86_400, feeBps=0, recipient=sera.ZERO_ADDRESS,
                       fromToken=body["to_address"], toToken=body["from_address"], fromAmount=1085000000,
                       toAmount=1000000000, initialDepositAmount=0, uuid=int(body["uuid_int"]))
    signable = encode_typed_data(full_message=order.to_typed_data(sera.DOMAIN))
    from eth_utils import keccak

    assert answer.json()["digest"] == "0x" + keccak(b"\x19\x01" + signable.header + signable.body).hex()
    assert verifier.post("/verify-signature", order_body(ask=True)).json()["valid"] is True


def _high_s(signature: str) -> str:
    raw = bytes.fromhex(signature[2:])
    s = SECP256K1_N - int.from_bytes(raw[32:64], "big")
    return "0x" + (raw[:32] + s.to_bytes(32, "big") + bytes([55 - raw[64]])).hex()


def _v01(signature: str) -> str:
    return signature[:-2] + f"{int(signature[-2:], 16) - 27:02x}"


LIMIT = NOW + 365 * 86_400 - 300


@pytest.mark.parametrize("body, code, field", [
    (lambda: order_body(expires=LIMIT), None, None),
    (lambda: order_body(expires=LIMIT + 1), "EXPIRATION_TOO_FAR", "expiration"),
    (lambda: order_body(expires=NOW + 1), None, None),
    (lambda: order_body(expires=NOW), "EXPIRATION_PAST", "expiration"),
    (lambda: order_body(expiration=0), "EXPIRATION_MISSING", "expiration"),
    (lambda: order_body(owner_address=ADDR1.replace("C", "c")), "BAD_CHECKSUM", "owner_address"),
    (lambda: order_body(side="BID"), "INVALID_SIDE", "side"),
    (lambda: order_body(amount="-1000.0"), "INVALID_AMOUNT", "amount"),
    (lambda: order_body(amount=1000.0), "INVALID_AMOUNT", "amount"),
    (lambda: order_body(amount="1000.0000001"), "AMOUNT_PRECISION", "amount"),
    (lambda: order_body(price="1.0850000001"), "AMOUNT_PRECISION", "price"),
    (lambda: order_body(from_address=ADDR1), "UNKNOWN_TOKEN", "from_address"),
    (lambda: order_body(from_address="EURC"), "INVALID_ADDRESS", "from_address"),  # a request names tokens by address
    (lambda: order_body(to_address="0x123"), "INVALID_ADDRESS", "to_address"),
    (lambda: order_body(from_address=order_body()["to_address"], to_address=order_body()["from_address"]),
     "UNKNOWN_MARKET", "from_address"),
    (lambda: order_body(order_id="00000000-0000-4000-8000-000000000002"), "UUID_MISMATCH", "uuid_int"),
    (lambda: order_body(uuid_int=str(pack(ORDER_ID, 4))), "UUID_MISMATCH", "uuid_int"),
    (lambda: order_body(order_id="not-a-uuid"), "UUID_INVALID", "order_id"),
    (lambda: order_body(key=KEY1), "SIGNER_MISMATCH", "signature"),
    (lambda: order_body(amount="1000.5"), "SIGNER_MISMATCH", "signature"),
    (lambda: order_body(signature=_high_s(order_body()["signature"])), "SIGNATURE_HIGH_S", "signature"),
    (lambda: order_body(signature=_v01(order_body()["signature"])), None, None),
    (lambda: order_body(signature="0x1234"), "SIGNATURE_MALFORMED", "signature"),
    (lambda: {k: v for k, v in order_body().items() if k != "price"}, "MISSING_FIELD", "price"),
    (lambda: order_body(leverage=5), "EXTRA_FIELD", "leverage"),
])
def test_each_rule_has_its_code_and_field(verifier: Verifier, body: Any, code: str | None, field: str | None) -> None:
    answer = verifier.post("/verify-signature", body())
    verdict = answer.json()
    assert answer.status_code == 200
    if code is None:
        assert verdict["valid"] is True, verdict
    else:
        assert (verdict["valid"], verdict["code"], verdict["field"]) == (False, code, field), verdict
        assert verdict["detail"]


@pytest.mark.parametrize("content, status, code", [
    (b"{not json", 400, "INVALID_JSON"),
    (b"", 400, "INVALID_REQUEST"),
    (b"[1, 2]", 400, "INVALID_REQUEST"),
    (b'{"a": "' + b"x" * 70_000 + b'"}', 413, "LIMIT_EXCEEDED"),
])
def test_malformed_bodies_get_a_4xx_with_a_message(verifier: Verifier, content: bytes, status: int, code: str) -> None:
    answer = verifier.http.post("/verify-signature", content=content, headers={"Content-Type": "application/json"})
    assert answer.status_code == status
    assert answer.json()["code"] == code and answer.json()["detail"]


def test_a_chunked_body_over_the_limit_is_refused(verifier: Verifier) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b" " * 1024

    answer = verifier.http.post("/verify-signature", content=chunks(), headers={"Content-Type": "application/json"})
    assert answer.status_code == 413


# --- API keys -------------------------------------------------------------------------------------

def test_create_verify_list_revoke(verifier: Verifier) -> None:
    created = verifier.post("/api-keys", verifier.manage("create", label="bot"))
    assert created.status_code == 201
    pair = created.json()
    assert pair["api_key"].startswith("sera_") and pair["api_secret"] and pair["owner_address"] == ADDR0
    verified = verifier.post("/api-keys/verify", {"api_key": pair["api_key"], "api_secret": pair["api_secret"]})
    assert verified.json() == {"valid": True, "owner_address": ADDR0}
    wrong = verifier.post("/api-keys/verify", {"api_key": pair["api_key"], "api_secret": pair["api_secret"] + "x"})
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "Invalid api_key or api_secret"})
    listed = verifier.http.get("/api-keys", params=verifier.manage("list", timestamp=NOW + 1, form="query"))
    assert listed.status_code == 200
    assert [(k["api_key"], k["label"]) for k in listed.json()["api_keys"]] == [(pair["api_key"], "bot")]
    assert "api_secret" not in json.dumps(listed.json())
    listed_by_body = verifier.post("/api-keys/list", verifier.manage("list", timestamp=NOW + 2))
    assert listed_by_body.json()["count"] == 1
    revoke = verifier.manage("revoke_" + pair["api_key"], timestamp=NOW + 3, form="query")
    assert verifier.http.delete("/api-keys", params=revoke).json() == {"status": "ok",
                                                                       "revoked_api_key": pair["api_key"]}
    again = verifier.post("/api-keys/verify", {"api_key": pair["api_key"], "api_secret": pair["api_secret"]})
    assert again.status_code == 401
    second = verifier.post("/api-keys", verifier.manage("create", timestamp=NOW + 4)).json()
    revoke_body = verifier.manage("revoke_" + second["api_key"], timestamp=NOW + 5)
    assert verifier.post("/api-keys/revoke", revoke_body).json()["revoked_api_key"] == second["api_key"]
    gone = verifier.post("/api-keys/revoke", verifier.manage("revoke_" + second["api_key"], timestamp=NOW + 6))
    assert (gone.status_code, gone.json()["code"]) == (404, "API_KEY_NOT_FOUND")


def test_a_replayed_signature_is_409_however_it_is_written(verifier: Verifier) -> None:
    body = verifier.manage("create")
    assert verifier.post("/api-keys", body).status_code == 201
    replay = verifier.post("/api-keys", body)
    assert (replay.status_code, replay.json()["code"]) == (409, "SIGNATURE_REPLAYED")
    same_message_v01 = verifier.post("/api-keys", {**body, "signature": _v01(body["signature"])})
    assert same_message_v01.status_code == 409
    assert verifier.post("/api-keys", verifier.manage("create", timestamp=NOW + 1)).status_code == 201


def test_the_five_minute_window_is_inclusive(verifier: Verifier) -> None:
    for offset, status in ((-300, 201), (300, 201), (-301, 400), (301, 400)):
        answer = verifier.post("/api-keys", verifier.manage("create", timestamp=NOW + offset))
        assert answer.status_code == status, (offset, answer.json())
        if status == 400:
            assert (answer.json()["code"], answer.json()["field"]) == ("TIMESTAMP_OUT_OF_WINDOW", "timestamp")


def test_at_most_ten_active_keys(verifier: Verifier) -> None:
    keys = [verifier.post("/api-keys", verifier.manage("create", timestamp=NOW + i)).json()["api_key"]
            for i in range(10)]
    eleventh = verifier.post("/api-keys", verifier.manage("create", timestamp=NOW + 10))
    assert (eleventh.status_code, eleventh.json()["code"]) == (400, "API_KEY_LIMIT")
    # A refused create does not burn its signature: after a revoke the same request succeeds.
    verifier.post("/api-keys/revoke", verifier.manage("revoke_" + keys[0], timestamp=NOW + 11))
    assert verifier.post("/api-keys", verifier.manage("create", timestamp=NOW + 10)).status_code == 201
    # Another wallet has its own ten.
    assert verifier.post("/api-keys", verifier.manage("create", key=KEY1, owner=ADDR1)).status_code == 201


def test_concurrent_creates_cannot_pass_the_limit(verifier: Verifier) -> None:
    bodies = [verifier.manage("create", timestamp=NOW + i) for i in range(16)]
    statuses: list[int] = []
    lock = threading.Lock()

    def create(body: dict[str, Any]) -> None:
        with httpx.Client(base_url=verifier.server.url + "/api/v1", timeout=10) as client:
            status = client.post("/api-keys", json=body).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=create, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(statuses) == [201] * 10 + [400] * 6


def test_signatures_bind_owner_action_and_signer(verifier: Verifier) -> None:
    list_signed = verifier.manage("list")
    wrong_endpoint = verifier.post("/api-keys", list_signed)
    assert (wrong_endpoint.status_code, wrong_endpoint.json()["code"]) == (400, "INVALID_ACTION")
    other_signer = verifier.manage("create", key=KEY1)  # KEY1 signs a message naming ADDR0
    refused = verifier.post("/api-keys", other_signer)
    assert (refused.status_code, refused.json()["code"]) == (401, "SIGNER_MISMATCH")
    revoke_other = verifier.manage("revoke_sera_abc", timestamp=NOW + 1)
    mismatch = verifier.post("/api-keys/revoke", {**revoke_other, "api_key": "sera_def"})
    assert (mismatch.status_code, mismatch.json()["code"]) == (400, "INVALID_ACTION")


def test_revoke_all_and_self_revoke(verifier: Verifier) -> None:
    pairs = [verifier.post("/api-keys", verifier.manage("create", timestamp=NOW + i)).json() for i in range(3)]
    own = pairs[0]
    bearer = {"Authorization": f"Bearer {own['api_key']}:{own['api_secret']}"}
    not_mine = verifier.post("/api-keys/self-revoke", {"api_key": pairs[1]["api_key"]}, headers=bearer)
    assert not_mine.status_code == 400
    bad_secret = verifier.post("/api-keys/self-revoke", {"api_key": own["api_key"]},
                               headers={"Authorization": f"Bearer {own['api_key']}:nope"})
    assert (bad_secret.status_code, bad_secret.json()["code"]) == (401, "UNAUTHORIZED")
    assert verifier.post("/api-keys/self-revoke", {"api_key": own["api_key"]}, headers=bearer).json() == {
        "status": "ok", "revoked_api_key": own["api_key"]}
    everything = verifier.post("/api-keys/revoke-all", verifier.manage("revoke_all", timestamp=NOW + 10))
    assert everything.json() == {"status": "ok", "revoked_api_keys": [p["api_key"] for p in pairs[1:]], "count": 2}
    nothing = verifier.post("/api-keys/revoke-all", verifier.manage("revoke_all", timestamp=NOW + 11))
    assert nothing.json() == {"status": "ok", "revoked_api_keys": [], "count": 0}


def test_secrets_are_stored_hashed(tmp_path: Path) -> None:
    db = tmp_path / "keys.sqlite3"
    v = Verifier(str(db))
    try:
        pair = v.post("/api-keys", v.manage("create")).json()
    finally:
        v.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert pair["api_secret"].encode() not in raw
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute("SELECT secret_hash FROM api_keys WHERE api_key = ?", (pair["api_key"],)).fetchone()
    assert bytes(stored) == hashlib.sha256(pair["api_secret"].encode()).digest()


# --- a crash loses nothing that was acknowledged ------------------------------------------------

def _signed_create(timestamp: int) -> dict[str, Any]:
    prepared = sera.api_key_request(ADDR0, "create", timestamp)
    return prepared.with_signature(eth_sign(prepared.message)).body()


def test_sigkill_mid_writes_then_restart_keeps_every_acknowledged_key(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite3"
    process = VerifierProcess(db)
    http = httpx.Client(base_url=process.api, timeout=10)
    now = http.get("/system/time").json()["server_time"]
    bodies = [_signed_create(now + i) for i in range(12)]
    acknowledged: list[dict[str, Any]] = []
    stop = threading.Event()

    def writer() -> None:
        for body in bodies:
            if stop.is_set():
                return
            try:
                answer = http.post("/api-keys", json=body)
            except httpx.HTTPError:
                return
            if answer.status_code == 201:
                acknowledged.append({**answer.json(), "request": body})

    thread = threading.Thread(target=writer)
    thread.start()
    while len(acknowledged) < 4 and thread.is_alive():
        time.sleep(0.001)
    process.kill()  # SIGKILL while the writer is still sending
    stop.set()
    thread.join(10)
    http.close()

    with VerifierProcess(db) as restarted, httpx.Client(base_url=restarted.api, timeout=10) as http2:
        for key in acknowledged:
            check = http2.post("/api-keys/verify", json={"api_key": key["api_key"], "api_secret": key["api_secret"]})
            assert check.json() == {"valid": True, "owner_address": ADDR0}
            assert http2.post("/api-keys", json=key["request"]).status_code == 409  # still a replay
        listing = sera.api_key_request(ADDR0, "list", now + 100)
        keys = http2.post("/api-keys/list", json=listing.with_signature(eth_sign(listing.message)).body()).json()
        stored = [k["api_key"] for k in keys["api_keys"]]
        assert len(stored) == len(set(stored)) <= 10
        assert {k["api_key"] for k in acknowledged} <= set(stored)


# --- the document's uuid rules at /verify-signature, each edge at both sides -------------------

def order_with_uuid(order_id: str, uuid_value: int, **order_changes: Any) -> dict[str, Any]:
    """The seed's bid with another order_id/uuid_int, correctly signed by eth-account: only a uuid rule can fail."""
    base = order_body()
    fields: dict[str, Any] = dict(user=ADDR0, expiration=NOW + 86_400, feeBps=0, recipient=sera.ZERO_ADDRESS,
                                  fromToken=base["to_address"], toToken=base["from_address"], fromAmount=1085000000,
                                  toAmount=1000000000, initialDepositAmount=0, uuid=uuid_value)
    fields.update(order_changes)
    return {**base, "order_id": order_id, "uuid_int": str(uuid_value), "signature": eth_sign(sera.Order(**fields))}


def _packed(order_id: str, *, leg: int = 0, group_delta: int = 0, executor: int = 5) -> int:
    from eip712kit.protocols.sera.uuid_int import pack_fields

    bits = int(order_id.replace("-", ""), 16)
    return pack_fields(executor, bits, (bits >> 16) + group_delta, leg)


@pytest.mark.parametrize("order_id, uuid_changes, code, field", [
    (ORDER_ID, {}, None, None),                                                   # the seed: v4, variant 8
    ("00000000-0000-4000-b000-000000000001", {}, None, None),                     # v4, variant b
    ("00000000-0000-1000-8000-000000000001", {}, "UUID_NOT_V4", "order_id"),      # version 1
    ("00000000-0000-0000-0000-000000000000", {}, "UUID_NOT_V4", "order_id"),      # nil
    ("00000000-0000-4000-c000-000000000001", {}, "UUID_NOT_V4", "order_id"),      # variant 110x
    (ORDER_ID, {"leg": 1}, "UUID_NOT_STANDALONE", "uuid_int"),                    # leg 1 (leg 0: the seed)
    (ORDER_ID, {"leg": 4095}, "UUID_NOT_STANDALONE", "uuid_int"),
    (ORDER_ID, {"group_delta": 1}, "UUID_NOT_STANDALONE", "uuid_int"),           # group off by one
    (ORDER_ID, {"group_delta": -1}, "UUID_NOT_STANDALONE", "uuid_int"),
    (ORDER_ID, {"executor": 4}, "UUID_MISMATCH", "uuid_int"),                     # executor 4, server has 5
])
def test_order_ids_are_uuid4s_and_orders_are_standalone(verifier: Verifier, order_id: str,
                                                        uuid_changes: dict[str, int], code: str | None,
                                                        field: str | None) -> None:
    verdict = verifier.post("/verify-signature", order_with_uuid(order_id, _packed(order_id, **uuid_changes))).json()
    if code is None:
        assert verdict["valid"] is True, verdict
    else:
        assert (verdict["valid"], verdict["code"], verdict["field"]) == (False, code, field), verdict


def test_a_batch_leg_is_not_a_standalone_order(verifier: Verifier) -> None:
    from eip712kit.protocols.sera.uuid_int import pack_batch

    other = "11111111-2222-4333-8444-555555555555"
    legs = pack_batch([ORDER_ID, other], 5)
    assert verifier.post("/verify-signature", order_with_uuid(ORDER_ID, legs[0])).json()["valid"] is True
    verdict = verifier.post("/verify-signature", order_with_uuid(other, legs[1])).json()
    assert (verdict["code"], verdict["field"]) == ("UUID_NOT_STANDALONE", "uuid_int")


@pytest.mark.parametrize("changes", [{"feeBps": 30}, {"recipient": ADDR1}, {"initialDepositAmount": 1}])
def test_fields_the_body_does_not_carry_are_filled_and_named_in_the_mismatch(verifier: Verifier,
                                                                           changes: dict[str, Any]) -> None:
    """feeBps 0, recipient 0x0…0, initialDepositAmount 0: an order signed otherwise is SIGNER_MISMATCH, and says so."""
    filled = verifier.post("/verify-signature", order_with_uuid(ORDER_ID, _packed(ORDER_ID))).json()
    assert filled["valid"] is True
    verdict = verifier.post("/verify-signature", order_with_uuid(ORDER_ID, _packed(ORDER_ID), **changes)).json()
    assert (verdict["valid"], verdict["code"], verdict["field"]) == (False, "SIGNER_MISMATCH", "signature")
    for named in ("feeBps 0", f"recipient {sera.ZERO_ADDRESS}", "initialDepositAmount 0"):
        assert named in verdict["detail"], verdict["detail"]


# --- what a request must be: JSON, same site, no redirect, no CORS ---------------------------------

@pytest.mark.parametrize("content_type, status", [
    ("application/json", 401),
    ("application/json; charset=utf-8", 401),
    ("Application/JSON; charset=UTF-8", 401),
    (None, 415),
    ("text/plain", 415),                                 # what a cross-site page may send without asking
    ("application/x-www-form-urlencoded", 415),
    ("multipart/form-data; boundary=x", 415),
    ("application/json; charset=latin-1", 415),
    ("application/jsonx", 415),
])
def test_posts_must_be_declared_json(verifier: Verifier, content_type: str | None, status: int) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    answer = verifier.http.post("/api-keys/verify", content=b'{"api_key": "sera_x", "api_secret": "y"}',
                                headers=headers)
    assert answer.status_code == status
    if status == 415:
        assert answer.json()["code"] == "UNSUPPORTED_MEDIA_TYPE" and "application/json" in answer.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/health/", "/api/v1/api-keys/", "/api/v1//health", "/api/docs/"])
def test_no_redirect_is_built_from_the_host_header(verifier: Verifier, path: str) -> None:
    answer = httpx.get(verifier.server.url + path, headers={"Host": "127.0.0.1.attacker.example"})
    assert answer.status_code in (403, 404) and "location" not in answer.headers
    plain = httpx.get(verifier.server.url + path)
    assert plain.status_code == 404 and "location" not in plain.headers
    assert plain.json()["code"] == "INVALID_REQUEST"


@pytest.mark.parametrize("path", ["/verify-signature", "/api-keys", "/api-keys/verify", "/health"])
def test_a_cors_preflight_is_answered_without_cors_headers(verifier: Verifier, path: str) -> None:
    preflight = verifier.http.options(path, headers={"Origin": "https://attacker.example",
                                                     "Access-Control-Request-Method": "POST",
                                                     "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 405
    assert not [h for h in preflight.headers if h.lower().startswith("access-control-")]
    for answer in (verifier.http.get("/health", headers={"Origin": "https://attacker.example"}),
                   verifier.http.get("/health"),
                   verifier.post("/api-keys/verify", {"api_key": "a", "api_secret": "b"})):
        assert not [h for h in answer.headers if h.lower().startswith("access-control-")]


def test_requests_from_another_site_or_host_name_are_refused(verifier: Verifier) -> None:
    port = verifier.server.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "127.0.0.1", f"[::1]:{port}"):
        assert verifier.http.get("/health", headers={"Host": host}).status_code == 200, host
    # (an IPv6 address is bracketed in a Host header: "::1" bare is not a valid one, and not taken for loopback)
    for host in (f"attacker.example:{port}", "attacker.example", f"127.0.0.1.attacker.example:{port}", "::1"):
        refused = verifier.http.get("/health", headers={"Host": host})
        assert (refused.status_code, refused.json()["code"]) == (403, "FOREIGN_ORIGIN"), host
    own = f"http://127.0.0.1:{port}"
    assert verifier.http.get("/health", headers={"Origin": own}).status_code == 200
    other = verifier.post("/api-keys/verify", {"api_key": "a", "api_secret": "b"},
                          headers={"Origin": "https://attacker.example"})
    assert (other.status_code, other.json()["code"]) == (403, "FOREIGN_ORIGIN")
    # a header sent twice is read as its first, as Starlette's Headers.get reads it
    for origins, status in (((own, "https://attacker.example"), 200), (("https://attacker.example", own), 403)):
        twice = verifier.http.get("/health", headers=[("Origin", origin) for origin in origins])
        assert twice.status_code == status, origins


@pytest.mark.parametrize("body, status, headers", [
    ({"valid": True, "owner_address": ADDR0, "digest": "0x" + "ab" * 32}, 200, None),
    ({"détail": "ü \u2028 \U0001F600", "n": 10**40, "f": 1.5, "list": [None, False, {}]}, 400, None),
    ({"api_key": "sera_x"}, 201, None),
    ({"detail": "Service temporarily unavailable; please retry"}, 503, {"Retry-After": "1"}),
    ({"detail": "GET is not allowed"}, 405, {"allow": "POST"}),
])
def test_api_answers_are_the_bytes_starlettes_json_response_makes(body: Any, status: int,
                                                                  headers: dict[str, str] | None) -> None:
    from starlette.responses import JSONResponse

    from eip712kit.server.app import API_HEADERS, ApiResponse

    ours = ApiResponse(body, status, headers)
    starlettes = JSONResponse(body, status_code=status, headers={**API_HEADERS, **(headers or {})})
    assert (ours.status_code, ours.raw_headers, ours.body) == (starlettes.status_code, starlettes.raw_headers,
                                                               starlettes.body)


def test_a_body_is_read_whole_from_its_messages_and_cut_at_the_limit() -> None:
    import asyncio

    from starlette.requests import ClientDisconnect

    from eip712kit.server.origin import read_capped

    def receiving(*messages: dict[str, Any]) -> Any:
        queue = list(messages)

        async def receive() -> dict[str, Any]:
            return queue.pop(0)

        return receive

    def chunk(data: bytes, more: bool = True) -> dict[str, Any]:
        return {"type": "http.request", "body": data, "more_body": more}

    def read(declared: str | None, *messages: dict[str, Any], limit: int = 10) -> bytes | None:
        return asyncio.run(read_capped(declared, receiving(*messages), limit))

    assert read("4", chunk(b"abcd", more=False)) == b"abcd"
    assert read(None, chunk(b"ab"), chunk(b""), chunk(b"cd", more=False)) == b"abcd"
    assert read(None, chunk(b"x" * 6), chunk(b"x" * 5)) is None  # over the limit as it arrives, not after
    assert read("11") is None  # a declared length over the limit: not a message read
    assert read(None, {"type": "http.request"}) == b""
    with pytest.raises(ClientDisconnect):
        read(None, chunk(b"ab"), {"type": "http.disconnect"})


# --- replay: the documented 409 on revoke-all, and the kit's wider rule -------------------------------

def test_a_replayed_revoke_all_is_409_and_a_fresh_timestamp_is_accepted(verifier: Verifier) -> None:
    first = verifier.manage("revoke_all", timestamp=NOW + 20)
    assert verifier.post("/api-keys/revoke-all", first).json() == {"status": "ok", "revoked_api_keys": [], "count": 0}
    replay = verifier.post("/api-keys/revoke-all", first)
    assert (replay.status_code, replay.json()["code"]) == (409, "SIGNATURE_REPLAYED")
    assert "new timestamp" in replay.json()["detail"]
    assert verifier.post("/api-keys/revoke-all", verifier.manage("revoke_all", timestamp=NOW + 21)).status_code == 200


@pytest.mark.parametrize("action, path, form", [("list", "/api-keys/list", "body"), ("list", "/api-keys", "query")])
def test_every_signed_api_key_call_is_accepted_once(verifier: Verifier, action: str, path: str, form: str) -> None:
    """The kit's convention (the document states 409 for revoke-all only): every ManageApiKey message is single-use."""
    body = verifier.manage(action, timestamp=NOW + 30, form=form)

    def send() -> httpx.Response:
        return verifier.http.get(path, params=body) if form == "query" else verifier.post(path, body)

    assert send().status_code == 200
    again = send()
    assert (again.status_code, again.json()["code"]) == (409, "SIGNATURE_REPLAYED")


def test_verify_signature_has_no_replay_rule(verifier: Verifier) -> None:
    """A check before submitting is a question, not an action: the same signed order may be checked again."""
    body = order_body()
    assert [verifier.post("/verify-signature", body).json()["valid"] for _ in range(3)] == [True] * 3


# --- a store that fails underneath is a 503, never a 500 ----------------------------------------------

def test_api_key_verify_answers_503_when_its_store_is_unavailable() -> None:
    v = Verifier(executor_id=5)
    try:
        pair = v.post("/api-keys", v.manage("create")).json()
        check = {"api_key": pair["api_key"], "api_secret": pair["api_secret"]}
        assert v.post("/api-keys/verify", check).status_code == 200
        v.store.close()  # the backend goes away
        down = v.post("/api-keys/verify", check)
        assert (down.status_code, down.json()) == (503, {"detail": "Service temporarily unavailable; please retry"})
        assert down.headers["retry-after"] == "1"
        create = v.post("/api-keys", v.manage("create", timestamp=NOW + 1))
        assert (create.status_code, create.json()["code"]) == (503, "SERVICE_UNAVAILABLE")
        assert v.post("/verify-signature", order_body()).json()["valid"] is True  # needs no store
    finally:
        v.http.close()
        v.server.__exit__()


def test_a_corrupted_store_file_is_a_503(tmp_path: Path) -> None:
    db = tmp_path / "keys.sqlite3"
    v = Verifier(str(db))
    try:
        pair = v.post("/api-keys", v.manage("create")).json()
        check = {"api_key": pair["api_key"], "api_secret": pair["api_secret"]}
        for path in tmp_path.iterdir():  # the database, its WAL and shared-memory index, overwritten
            path.write_bytes(b"\xff" * path.stat().st_size)
        answers = [v.post("/api-keys/verify", check) for _ in range(2)]
        assert [(a.status_code, a.json()) for a in answers] == [
            (503, {"detail": "Service temporarily unavailable; please retry"})] * 2
    finally:
        v.close()


def test_a_clock_stepped_forward_then_back_does_not_let_a_replay_through(verifier: Verifier) -> None:
    """Pruning used signatures follows the clock; the replay floor it leaves does not move back with it."""
    first = verifier.manage("create", label="a")
    assert verifier.post("/api-keys", first).status_code == 201
    verifier.clock.now = NOW + 3600  # the clock steps an hour forward: a request there prunes what it can
    assert verifier.post("/api-keys", verifier.manage("create", label="b", timestamp=NOW + 3600)).status_code == 201
    verifier.clock.now = NOW  # and back
    replay = verifier.post("/api-keys", first)
    assert (replay.status_code, replay.json()["code"]) == (400, "TIMESTAMP_OUT_OF_WINDOW")
    assert "clock has gone back" in replay.json()["detail"]
    assert verifier.store.counts()["api_keys"] == 2  # a and b: the replay made none


@pytest.mark.parametrize("spelling, code", [
    ("{n}.00000001", "INVALID_INT"),  # a float rounds it to {n}, the number the signature is over
    ("{n}.5", "INVALID_INT"),
    ('"0x{zeros}{hex}"', "INT_OUT_OF_RANGE"),  # 70 leading zeros: longer than a 256-bit word
])
def test_an_expiration_written_as_no_integer_is_refused_not_rounded(verifier: Verifier, spelling: str,
                                                                    code: str) -> None:
    body = order_body()
    n = body["expiration"]
    text = json.dumps(body).replace(f'"expiration": {n}', '"expiration": ' + spelling.format(
        n=n, zeros="0" * 70, hex=f"{n:x}"))
    assert text != json.dumps(body)
    answer = verifier.http.post("/verify-signature", content=text, headers={"Content-Type": "application/json"})
    assert answer.json()["valid"] is False and answer.json()["code"] == code, answer.text
    assert answer.json()["field"] == "expiration"
    assert verifier.post("/verify-signature", body).json()["valid"] is True  # written as an integer: accepted
