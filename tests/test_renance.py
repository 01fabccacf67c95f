"""Renance / XBlade Vault: each hash rebuilt the document's way, the request builders, and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from eth_abi import encode
from eth_account import Account
from eth_utils import keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from eip712kit import Eip712KitError
from eip712kit.protocols import renance
from tests.helpers.devkeys import DEV_KEYS

KEY, WALLET = DEV_KEYS[0]
OTHER_KEY, OTHER = DEV_KEYS[1]
NOW = 1_704_537_600


# --- the document's hand-written hashes ---------------------------------------------------------
# Transcribed from the Renance document: keccak of each type string, each string field keccak'd,
# eth_abi-encoded words, and keccak(b"\x19\x01" + domain_separator + struct_hash).

def doc_domain_separator(chain_id: int = 421614,
                         verifying_contract: str = "0xFDe43f8e6e082975d246844DEF4fE8E704403d43") -> bytes:
    domain_type_hash = keccak(b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
    return keccak(
        domain_type_hash
        + keccak(b"XBlade Vault")
        + keccak(b"1")
        + encode(["uint256"], [chain_id])
        + encode(["address"], [verifying_contract])
    )


def doc_message_hash(struct_hash: bytes) -> bytes:
    return keccak(b"\x19\x01" + doc_domain_separator() + struct_hash)


def doc_login(wallet: str, nonce: int, timestamp: int) -> bytes:
    type_hash = keccak(b"Login(address wallet,uint256 nonce,uint256 timestamp)")
    return doc_message_hash(keccak(encode(["bytes32", "address", "uint256", "uint256"],
                                          [type_hash, wallet, nonce, timestamp])))


def doc_create_order(wallet: str, symbol: str, side: str, order_type: str, price: str, amount: str,
                     leverage: int, timestamp: int) -> bytes:
    type_hash = keccak(b"CreateOrder(address wallet,string symbol,string side,string orderType,string price,"
                       b"string amount,uint32 leverage,uint256 timestamp)")
    return doc_message_hash(keccak(encode(
        ["bytes32", "address", "bytes32", "bytes32", "bytes32", "bytes32", "bytes32", "uint32", "uint256"],
        [type_hash, wallet, keccak(symbol.encode()), keccak(side.encode()), keccak(order_type.encode()),
         keccak(price.encode()), keccak(amount.encode()), leverage, timestamp],
    )))


def doc_cancel_order(wallet: str, order_id: str, timestamp: int) -> bytes:
    type_hash = keccak(b"CancelOrder(address wallet,string orderId,uint256 timestamp)")
    return doc_message_hash(keccak(encode(["bytes32", "address", "bytes32", "uint256"],
                                          [type_hash, wallet, keccak(order_id.encode()), timestamp])))


def doc_batch_cancel(wallet: str, order_ids: list[str], timestamp: int) -> bytes:
    type_hash = keccak(b"BatchCancelOrders(address wallet,string orderIds,uint256 timestamp)")
    order_ids_str = ",".join(order_ids)
    return doc_message_hash(keccak(encode(["bytes32", "address", "bytes32", "uint256"],
                                          [type_hash, wallet, keccak(order_ids_str.encode()), timestamp])))


wallets = st.sampled_from([address for _key, address in DEV_KEYS])
uint256 = st.integers(0, 2**256 - 1)
texts = st.text(max_size=30)
ids = st.text(min_size=1, max_size=12).filter(lambda s: "," not in s)


def test_the_documented_domain_is_the_documents_separator() -> None:
    assert renance.DOMAIN.separator() == doc_domain_separator()


def test_the_documents_example_values() -> None:
    # The document's own order example: BTCUSDT buy limit 0.001 at 100000.00, leverage 50.
    prepared = renance.create_order(wallet=WALLET, symbol="BTCUSDT", side="buy", order_type="limit",
                                    amount="0.001", price="100000.00", leverage=50, timestamp=NOW)
    assert prepared.digest(renance.DOMAIN) == doc_create_order(WALLET, "BTCUSDT", "buy", "limit", "100000.00",
                                                               "0.001", 50, NOW)
    login = renance.login_request(WALLET, 12345, NOW)
    assert login.digest(renance.DOMAIN) == doc_login(WALLET, 12345, NOW)
    batch = renance.batch_cancel(["order_123456", "order_123457", "order_123458"], wallet=WALLET, timestamp=NOW)
    assert batch.digest(renance.DOMAIN) == doc_batch_cancel(
        WALLET, ["order_123456", "order_123457", "order_123458"], NOW)


@settings(max_examples=50, deadline=None)
@given(wallet=wallets, nonce=uint256, timestamp=uint256)
def test_login_hash_is_the_documents(wallet: str, nonce: int, timestamp: int) -> None:
    assert renance.Login(wallet=wallet, nonce=nonce, timestamp=timestamp).digest(renance.DOMAIN) == doc_login(
        wallet, nonce, timestamp)


@settings(max_examples=50, deadline=None)
@given(wallet=wallets, symbol=texts, side=texts, order_type=texts, price=texts, amount=texts,
       leverage=st.integers(0, 2**32 - 1), timestamp=uint256)
def test_create_order_hash_is_the_documents(wallet: str, symbol: str, side: str, order_type: str, price: str,
                                            amount: str, leverage: int, timestamp: int) -> None:
    struct = renance.CreateOrder(wallet=wallet, symbol=symbol, side=side, orderType=order_type, price=price,
                                 amount=amount, leverage=leverage, timestamp=timestamp)
    assert struct.digest(renance.DOMAIN) == doc_create_order(wallet, symbol, side, order_type, price, amount,
                                                             leverage, timestamp)


@settings(max_examples=50, deadline=None)
@given(wallet=wallets, order_id=texts, timestamp=uint256)
def test_cancel_order_hash_is_the_documents(wallet: str, order_id: str, timestamp: int) -> None:
    struct = renance.CancelOrder(wallet=wallet, orderId=order_id, timestamp=timestamp)
    assert struct.digest(renance.DOMAIN) == doc_cancel_order(wallet, order_id, timestamp)


@settings(max_examples=50, deadline=None)
@given(wallet=wallets, order_ids=st.lists(ids, min_size=1, max_size=20), timestamp=st.integers(0, 2**40))
def test_batch_cancel_hash_is_the_documents(wallet: str, order_ids: list[str], timestamp: int) -> None:
    prepared = renance.batch_cancel(order_ids, wallet=wallet, timestamp=timestamp)
    assert prepared.digest(renance.DOMAIN) == doc_batch_cancel(wallet, order_ids, timestamp)


def test_signatures_are_what_the_documents_client_makes() -> None:
    # The document's client signs the message hash directly (account.signHash / unsafe_sign_hash).
    prepared = renance.login_request(WALLET, 7, NOW).sign(KEY, renance.DOMAIN)
    expected = Account.unsafe_sign_hash(doc_login(WALLET, 7, NOW), KEY).signature
    assert prepared.body()["signature"] == "0x" + bytes(expected).hex()
    assert len(prepared.body()["signature"]) == 132  # 0x + 130 hex characters


# --- request bodies -----------------------------------------------------------------------------

def test_login_request_body() -> None:
    request = renance.login_request(WALLET, 12345, NOW).sign(KEY, renance.DOMAIN).request()
    assert (request.method, request.path) == ("POST", "/api/v1/auth/login")
    assert request.json is not None
    assert list(request.json) == ["address", "signature", "timestamp"]
    assert request.json["address"] == WALLET.lower()  # as the document's client sends it
    assert request.json["timestamp"] == NOW
    assert renance.nonce_request(WALLET).path == f"/api/v1/auth/nonce/{WALLET.lower()}"


def test_create_order_body_carries_exactly_the_signed_strings() -> None:
    prepared = renance.create_order(wallet=WALLET, symbol="BTCUSDT", side="sell", order_type="limit",
                                    amount="0.0010", price="100000.00", timestamp=NOW, server_now=NOW - 5)
    body = prepared.sign(KEY, renance.DOMAIN).body()
    assert list(body) == ["symbol", "side", "order_type", "amount", "price", "leverage", "signature", "timestamp"]
    assert body["leverage"] == renance.DEFAULT_LEVERAGE == 1
    message = prepared.message
    assert (message.side, message.orderType, message.amount, message.price) == (
        body["side"], body["order_type"], body["amount"], body["price"])
    assert body["amount"] == "0.0010"  # not normalised: the string travels and is signed as written


def test_market_order_price_convention() -> None:
    """Pinned convention: a market order without a price signs "" and sends "" (docs/protocols.md)."""
    assert renance.MARKET_PRICE == ""
    default = renance.create_order(wallet=WALLET, symbol="ETHUSDT", side="buy", order_type="market",
                                   amount="1", timestamp=NOW)
    assert default.message.price == "" and default.fields["price"] == ""
    assert default.digest(renance.DOMAIN) == doc_create_order(WALLET, "ETHUSDT", "buy", "market", "", "1", 1, NOW)
    zero = renance.create_order(wallet=WALLET, symbol="ETHUSDT", side="buy", order_type="market", amount="1",
                                timestamp=NOW, market_price="0")
    assert zero.message.price == "0" and zero.fields["price"] == "0"
    assert zero.digest(renance.DOMAIN) != default.digest(renance.DOMAIN)
    null = renance.create_order(wallet=WALLET, symbol="ETHUSDT", side="buy", order_type="market", amount="1",
                                timestamp=NOW, null_market_price=True)
    assert null.message.price == "" and null.fields["price"] is None
    # a market order given a price signs and sends that price
    priced = renance.create_order(wallet=WALLET, symbol="ETHUSDT", side="buy", order_type="market", amount="1",
                                  price="3000.5", timestamp=NOW)
    assert priced.message.price == priced.fields["price"] == "3000.5"


def test_batch_cancel_body_and_chunks() -> None:
    request = renance.batch_cancel(["order_1"], wallet=WALLET, timestamp=NOW).sign(KEY, renance.DOMAIN).request()
    assert (request.method, request.path) == ("POST", "/api/v1/orders/batch")
    assert request.json is not None and request.json["order_ids"] == ["order_1"]
    assert list(request.json) == ["order_ids", "signature", "timestamp"]
    ids = [f"order_{i}" for i in range(45)]
    chunks = renance.chunk_order_ids(ids)
    assert [len(c) for c in chunks] == [20, 20, 5]
    for chunk in chunks:
        renance.batch_cancel(chunk, wallet=WALLET, timestamp=NOW)  # each chunk is one valid call


@given(order_ids=st.lists(ids, max_size=70), size=st.integers(1, 20))
def test_chunks_keep_every_id_in_order(order_ids: list[str], size: int) -> None:
    chunks = renance.chunk_order_ids(order_ids, size)
    assert [i for chunk in chunks for i in chunk] == order_ids
    assert all(1 <= len(chunk) <= size for chunk in chunks)


def test_single_cancel_message() -> None:
    cancel = renance.cancel_order("order_9", wallet=WALLET, timestamp=NOW)
    assert cancel.digest(renance.DOMAIN) == doc_cancel_order(WALLET, "order_9", NOW)


# --- the server's domain --------------------------------------------------------------------------

def nonce_response(**domain_changes: Any) -> dict[str, Any]:
    document = renance.Login(wallet=WALLET, nonce=12345, timestamp=NOW).to_typed_data(renance.DOMAIN)
    document["domain"].update(domain_changes)
    return {"nonce": 12345, "typed_data": document}


def test_domain_from_the_servers_typed_data() -> None:
    domain, differences = renance.domain_from_typed_data(nonce_response())
    assert domain == renance.DOMAIN and differences == []
    domain, differences = renance.domain_from_typed_data(nonce_response(chainId=42161)["typed_data"])
    assert domain.chain_id == 42161
    assert differences == ["chainId: 42161 differs from the pinned 421614"]
    with pytest.raises(Eip712KitError) as info:
        renance.domain_from_typed_data(nonce_response(chainId=42161), strict=True)
    assert info.value.code == "DOMAIN_MISMATCH"
    response = nonce_response()
    response["typed_data"]["types"]["EIP712Domain"].reverse()
    _domain, differences = renance.domain_from_typed_data(response)
    assert len(differences) == 1 and "non-canonical" in differences[0]


def test_parse_nonce_response() -> None:
    challenge = renance.parse_nonce_response(nonce_response(), address=WALLET.lower())
    assert (challenge.nonce, challenge.login.timestamp, challenge.differences) == (12345, NOW, ())
    signed = challenge.request().sign(KEY, challenge.domain)
    assert signed.digest(challenge.domain) == doc_login(WALLET, 12345, NOW)
    for response, path in [
        ({**nonce_response(), "nonce": 12346}, "nonce"),
        ({"nonce": 1}, "typed_data"),
    ]:
        with pytest.raises(Eip712KitError) as info:
            renance.parse_nonce_response(response)
        assert (info.value.code, info.value.path) == ("INVALID_CHALLENGE", path)
    with pytest.raises(Eip712KitError) as info:
        renance.parse_nonce_response(nonce_response(), address=OTHER)
    assert info.value.code == "INVALID_CHALLENGE"


# --- bad input ---------------------------------------------------------------------------------

def order(**changes: Any) -> Any:
    arguments: dict[str, Any] = dict(wallet=WALLET, symbol="BTCUSDT", side="buy", order_type="limit",
                                     amount="0.001", price="100000.00", timestamp=NOW)
    arguments.update(changes)
    return renance.create_order(**arguments)


@pytest.mark.parametrize(
    ("changes", "code", "path"),
    [
        ({"side": "BUY"}, "INVALID_SIDE", "side"),
        ({"side": "bid"}, "INVALID_SIDE", "side"),
        ({"side": "long"}, "INVALID_SIDE", "side"),
        ({"order_type": "Limit"}, "INVALID_ORDER_TYPE", "order_type"),
        ({"order_type": "stop"}, "INVALID_ORDER_TYPE", "order_type"),
        ({"amount": "-0.001"}, "INVALID_AMOUNT", "amount"),
        ({"amount": "0"}, "INVALID_AMOUNT", "amount"),
        ({"amount": 0.001}, "INVALID_AMOUNT", "amount"),
        ({"price": None}, "INVALID_AMOUNT", "price"),  # a limit order needs a price
        ({"price": "1e5"}, "INVALID_AMOUNT", "price"),
        ({"price": 100000}, "INVALID_AMOUNT", "price"),
        ({"leverage": 0}, "INVALID_LEVERAGE", "leverage"),
        ({"leverage": 2**32}, "INVALID_LEVERAGE", "leverage"),
        ({"leverage": "50"}, "INVALID_LEVERAGE", "leverage"),
        ({"symbol": ""}, "INVALID_SYMBOL", "symbol"),
        ({"wallet": "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266"}, "BAD_CHECKSUM", "message.wallet"),
        ({"timestamp": NOW + 31, "server_now": NOW}, "TIMESTAMP_OUT_OF_WINDOW", "timestamp"),
        ({"timestamp": NOW - 31, "server_now": NOW}, "TIMESTAMP_OUT_OF_WINDOW", "timestamp"),
    ],
)
def test_bad_orders_are_refused(changes: dict[str, Any], code: str, path: str) -> None:
    with pytest.raises(Eip712KitError) as info:
        order(**changes)
    assert (info.value.code, info.value.path) == (code, path)


@pytest.mark.parametrize(
    ("order_ids", "code", "path"),
    [
        (["order_1", "order_2,order_3"], "INVALID_ORDER_ID", "order_ids[1]"),
        ([","], "INVALID_ORDER_ID", "order_ids[0]"),
        (["order_1", ""], "INVALID_ORDER_ID", "order_ids[1]"),
        (["order_1", 7], "INVALID_ORDER_ID", "order_ids[1]"),
        ([], "INVALID_ORDER_ID", "order_ids"),
        ("order_1,order_2", "INVALID_ORDER_ID", "order_ids"),
        ([f"o{i}" for i in range(21)], "TOO_MANY_ORDER_IDS", "order_ids"),
    ],
)
def test_bad_batch_cancels_are_refused(order_ids: Any, code: str, path: str) -> None:
    with pytest.raises(Eip712KitError) as info:
        renance.batch_cancel(order_ids, wallet=WALLET, timestamp=NOW)
    assert (info.value.code, info.value.path) == (code, path)


def test_chunking_refuses_commas_and_bad_sizes() -> None:
    with pytest.raises(Eip712KitError) as info:
        renance.chunk_order_ids(["a", "b,c"])
    assert (info.value.code, info.value.path) == ("INVALID_ORDER_ID", "order_ids[1]")
    for size in (0, 21):
        with pytest.raises(Eip712KitError) as info:
            renance.chunk_order_ids(["a"], size)
        assert info.value.code == "TOO_MANY_ORDER_IDS"


@pytest.mark.parametrize(("offset", "ok"), [(30, True), (-30, True), (31, False), (-31, False)])
def test_timestamp_window(offset: int, ok: bool) -> None:
    if ok:
        assert renance.require_timestamp_window(NOW + offset, NOW) == NOW + offset
    else:
        with pytest.raises(Eip712KitError) as info:
            renance.require_timestamp_window(NOW + offset, NOW)
        assert info.value.code == "TIMESTAMP_OUT_OF_WINDOW"


def test_signing_with_another_wallets_key_is_refused() -> None:
    with pytest.raises(Eip712KitError) as info:
        order().sign(OTHER_KEY, renance.DOMAIN)
    assert info.value.code == "KEY_MISMATCH"
