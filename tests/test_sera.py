"""Sera: the seed's order example, the order builder, windows, API-key requests and bad input."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address
from hypothesis import example
from hypothesis import strategies as st

from eip712kit import Eip712KitError, TypedData
from eip712kit.protocols import sera
from eip712kit.protocols.sera import Token, TokenList, build_order
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.fuzzing import fuzzed

KEY, USER = DEV_KEYS[0]
OTHER_KEY, OTHER = DEV_KEYS[1]
# Illustrative token addresses (not Sera's real ones, which come from GET /tokens).
EURC = Token("0x" + "e1" * 20, 6, "EURC")
USDC = Token("0x" + "c0" * 20, 6, "USDC")
WETH = Token("0x" + "ee" * 20, 18, "WETH")
SEED_ORDER_ID = "00000000-0000-4000-8000-000000000001"
SEED_UUID_INT = "6427948336465191935941739505432058208337171677044006212075520"
NOW = 1_767_225_600
EXPIRATION = NOW + 86_400


def seed_bid(**changes: Any) -> sera.SeraOrder:
    """The document's example: bid 1000.0 EURC at 1.085 USDC, both 6 decimals."""
    arguments: dict[str, Any] = dict(owner_address=USER, side="bid", amount="1000.0", price="1.085",
                                     from_address=EURC, to_address=USDC, expiration=EXPIRATION,
                                     order_id=SEED_ORDER_ID, uuid_int=SEED_UUID_INT)
    arguments.update(changes)
    return build_order(**arguments)


# --- structs and domain -------------------------------------------------------------------------

def test_every_struct_is_declared_as_documented() -> None:
    # encodeType strings written out from the Sera document's type tables.
    expected = {
        sera.ManageApiKey: "ManageApiKey(address owner,string action,uint256 timestamp)",
        sera.Order: "Order(address user,uint48 expiration,uint48 feeBps,address recipient,address fromToken,"
                    "address toToken,uint256 fromAmount,uint256 toAmount,uint256 initialDepositAmount,uint256 uuid)",
        sera.Intent: "Intent(address taker,address inputToken,address outputToken,uint256 maxInputAmount,"
                     "uint256 minOutputAmount,address recipient,uint256 initialDepositAmount,uint256 uuid,"
                     "uint48 deadline)",
        sera.CancelOrder: "CancelOrder(address owner,uint256 orderId)",
        sera.CancelVLBatch: "CancelVLBatch(address owner,string vlBatchId)",
        sera.WithdrawIntent: "WithdrawIntent(address user,address[] tokens,uint256[] amounts,address recipient,"
                             "uint256 deadline,uint256 uuid)",
    }
    assert set(expected) == set(sera.STRUCTS)
    for cls, text in expected.items():
        assert cls.encode_type() == text
        assert cls.type_hash() == keccak(text=text)


def test_documented_domain() -> None:
    assert sera.DOMAIN.to_dict() == {"name": "Sera", "version": "1", "chainId": 11155111,
                                     "verifyingContract": "0xd0fc92d8eF9bE26D7288fCa1D6458f675e72B83a"}


def test_domain_from_config() -> None:
    config = {"chain_id": 1, "sera_address": "0x" + "ab" * 20, "vault_address": "0x" + "cd" * 20,
              "sor_address": "0x" + "ef" * 20}
    domain = sera.domain_from_config(json.dumps(config))
    assert domain.to_dict() == {"name": "Sera", "version": "1", "chainId": 1,
                                "verifyingContract": to_checksum_address("0x" + "ab" * 20)}
    assert sera.domain_from_config({"chain_id": "11155111", "sera_address": sera.DOMAIN.verifying_contract}) \
        == sera.DOMAIN
    for broken, code, path in [
        ({"sera_address": "0x" + "ab" * 20}, "INVALID_CONFIG", "chain_id"),
        ({"chain_id": 1}, "INVALID_CONFIG", "sera_address"),
        ({"chain_id": 1, "sera_address": "0xD0fc92d8eF9bE26D7288fCa1D6458f675e72B83a"}, "BAD_CHECKSUM",
         "sera_address"),
        ({"chain_id": "sepolia", "sera_address": "0x" + "ab" * 20}, "INVALID_INT", "chain_id"),
    ]:
        with pytest.raises(Eip712KitError) as info:
            sera.domain_from_config(broken)
        assert (info.value.code, info.value.path) == (code, path)


# --- the order builder --------------------------------------------------------------------------

def test_the_seed_bid_example() -> None:
    built = seed_bid()
    order = built.order
    # a bid spends quote (amount × price) and receives base (amount)
    assert (order.fromToken, order.fromAmount) == (USDC.address, 1085000000)
    assert (order.toToken, order.toAmount) == (EURC.address, 1000000000)
    assert order.uuid == int(SEED_UUID_INT)
    assert (order.user, order.expiration, order.feeBps, order.recipient, order.initialDepositAmount) == (
        USER, EXPIRATION, 0, sera.ZERO_ADDRESS, 0)
    signed = built.sign(KEY, sera.DOMAIN)
    body = signed.verify_signature_body()
    assert list(body) == ["owner_address", "side", "amount", "price", "from_address", "to_address", "order_id",
                          "uuid_int", "signature", "expiration"]  # the document's /verify-signature body
    assert body == {
        "owner_address": USER, "side": "bid", "amount": "1000.0", "price": "1.085",
        "from_address": EURC.address, "to_address": USDC.address,  # the pair: base, then quote
        "order_id": SEED_ORDER_ID, "uuid_int": SEED_UUID_INT, "signature": signed.signature,
        "expiration": EXPIRATION,
    }
    assert signed.orders_body() == body
    assert signed.verify_signature_request().path == "/api/v1/verify-signature"
    assert signed.orders_request().path == "/api/v1/orders" and signed.orders_request().method == "POST"
    # the signature is eth-account's over the same document
    document = order.to_typed_data(sera.DOMAIN)
    assert signed.signature == "0x" + bytes(Account.sign_message(encode_typed_data(full_message=document),
                                                                 KEY).signature).hex()
    assert TypedData(document).digest() == built.digest(sera.DOMAIN)
    assert signed.check(sera.DOMAIN).valid


def test_an_ask_is_the_mirror() -> None:
    order = seed_bid(side="ask").order
    assert (order.fromToken, order.fromAmount) == (EURC.address, 1000000000)
    assert (order.toToken, order.toAmount) == (USDC.address, 1085000000)


def decimal_text(units: int, places: int) -> str:
    """``units / 10**places`` written out with string operations only (no Decimal context can round it)."""
    digits = str(units).rjust(places + 1, "0")
    return digits if places == 0 else digits[:-places] + "." + digits[-places:]


def test_decimal_text() -> None:
    assert (decimal_text(1085, 3), decimal_text(5, 2), decimal_text(7, 0)) == ("1.085", "0.05", "7")


@fuzzed(base_units=st.integers(1, 10**30), price_units=st.integers(1, 10**12), base_decimals=st.integers(0, 24),
        price_places=st.integers(0, 8), side=st.sampled_from(["bid", "ask"]), quick=25, full=100)
@example(base_units=10**28 + 1, price_units=10**12 - 1, base_decimals=0, price_places=8, side="bid")
def test_amounts_are_exact(base_units: int, price_units: int, base_decimals: int, price_places: int,
                           side: str) -> None:
    # amount = base_units / 10**base_decimals exactly; price has price_places decimals; the quote token
    # has enough decimals to hold the product, so the product must come out exact.
    amount = decimal_text(base_units, base_decimals)
    price = decimal_text(price_units, price_places)
    base = Token("0x" + "01" * 20, base_decimals)
    quote = Token("0x" + "02" * 20, base_decimals + price_places)
    order = build_order(owner_address=USER, side=side, amount=amount, price=price, from_address=base,
                        to_address=quote, expiration=EXPIRATION, order_id=SEED_ORDER_ID, executor_id=0).order
    base_amount, quote_amount = (order.toAmount, order.fromAmount) if side == "bid" else (
        order.fromAmount, order.toAmount)
    assert base_amount == base_units
    assert quote_amount == base_units * price_units  # integer arithmetic, independently


def test_amounts_that_do_not_fit_are_refused_unless_rounding_is_named() -> None:
    with pytest.raises(Eip712KitError) as info:
        seed_bid(amount="1000.0000001")
    assert (info.value.code, info.value.path) == ("AMOUNT_PRECISION", "amount")
    with pytest.raises(Eip712KitError) as info:
        seed_bid(amount="1", price="1.0000001")  # 1.0000001 USDC has 7 places
    assert (info.value.code, info.value.path) == ("AMOUNT_PRECISION", "price")  # the request field
    assert info.value.message.startswith("amount × price 1.0000001 has 7 decimal places")
    down = seed_bid(amount="1", price="1.0000005", rounding="down").order
    up = seed_bid(amount="1", price="1.0000005", rounding="up").order
    even = seed_bid(amount="1", price="1.0000005", rounding="half_even").order
    assert (down.fromAmount, up.fromAmount, even.fromAmount) == (1000000, 1000001, 1000000)
    with pytest.raises(Eip712KitError) as info:
        seed_bid(rounding="nearest")
    assert info.value.code == "INVALID_ROUNDING"


def test_decimal_and_int_amounts_travel_in_plain_notation() -> None:
    body = seed_bid(amount=Decimal("1E+3"), price=Decimal("1.085")).sign(KEY, sera.DOMAIN).orders_body()
    assert (body["amount"], body["price"]) == ("1000", "1.085")


def test_uuid_binding_in_the_builder() -> None:
    # order_id + executor_id: packed; uuid_int alone: order_id read from it
    assert seed_bid(uuid_int=None, executor_id=0).order.uuid == int(SEED_UUID_INT)
    assert seed_bid(order_id=None).order_id == SEED_ORDER_ID
    with pytest.raises(Eip712KitError) as info:
        seed_bid(order_id="00000000-0000-4000-8000-000000000002")
    assert info.value.code == "UUID_MISMATCH"
    with pytest.raises(Eip712KitError) as info:
        seed_bid(uuid_int=None, order_id=SEED_ORDER_ID)
    assert (info.value.code, info.value.path) == ("MISSING_FIELD", "uuid_int")
    with pytest.raises(Eip712KitError) as info:
        seed_bid(executor_id=5)
    assert info.value.code == "UUID_MISMATCH"


def test_the_builder_holds_the_uuid_to_the_documents_rules() -> None:
    """order_id is a UUID4; a standalone order has leg 0 and group = uuid >> 16; a batch leg names its order 0."""
    from eip712kit.protocols.sera.uuid_int import pack_batch, pack_fields

    bits = int(SEED_ORDER_ID.replace("-", ""), 16)
    cases: list[tuple[dict[str, Any], str | None, str | None]] = [
        ({"uuid_int": str(pack_fields(0, bits, bits >> 16, 0))}, None, None),
        ({"uuid_int": str(pack_fields(0, bits, bits >> 16, 1))}, "UUID_NOT_STANDALONE", "uuid_int"),
        ({"uuid_int": str(pack_fields(0, bits, (bits >> 16) + 1, 0))}, "UUID_NOT_STANDALONE", "uuid_int"),
        ({"uuid_int": None, "executor_id": 0, "order_id": "00000000-0000-1000-8000-000000000001"},
         "UUID_NOT_V4", "order_id"),
        ({"uuid_int": None, "executor_id": 0, "order_id": "00000000-0000-0000-0000-000000000000"},
         "UUID_NOT_V4", "order_id"),
        ({"uuid_int": "0", "order_id": None}, "UUID_NOT_V4", "uuid_int"),  # only the uuid_int given
        ({"uuid_int": None, "executor_id": 0, "group_order_id": SEED_ORDER_ID}, "MISSING_FIELD", "uuid_int"),
    ]
    for changes, code, path in cases:
        if code is None:
            assert seed_bid(**changes).order.uuid == int(SEED_UUID_INT)
            continue
        with pytest.raises(Eip712KitError) as info:
            seed_bid(**changes)
        assert (info.value.code, info.value.path) == (code, path), changes
    other = "11111111-2222-4333-8444-555555555555"  # another group than the seed order's
    legs = pack_batch([SEED_ORDER_ID, other], 0)
    leg = seed_bid(order_id=other, uuid_int=str(legs[1]), group_order_id=SEED_ORDER_ID)
    assert leg.order.uuid == legs[1] and leg.order_id == other
    with pytest.raises(Eip712KitError) as info:
        seed_bid(order_id=other, uuid_int=str(legs[1]), group_order_id=other)
    assert (info.value.code, info.value.path) == ("UUID_MISMATCH", "uuid_int")


def test_the_builder_takes_the_requests_own_names() -> None:
    built = seed_bid()
    keywords = {"owner_address", "side", "amount", "price", "from_address", "to_address", "order_id", "uuid_int",
                "expiration"}
    assert keywords == set(built.fields) - {"signature"}  # one vocabulary: the request's
    with pytest.warns(DeprecationWarning) as warned:  # the old names still work, and say the new ones
        old = build_order(side="bid", amount="1000.0", price="1.085", base=EURC, quote=USDC, user=USER,  # type: ignore[call-arg]
                          expiration=EXPIRATION, order_id=SEED_ORDER_ID, uuid_int=SEED_UUID_INT)
    assert old == built
    assert [str(w.message).split(";")[0] for w in warned] == [
        f"build_order({o}=) is renamed build_order({n}=)"
        for o, n in (("base", "from_address"), ("quote", "to_address"), ("user", "owner_address"))]
    with pytest.raises(TypeError, match="both base= and from_address="):
        seed_bid(base=USDC)


def test_tokens_resolve_from_a_token_list() -> None:
    tokens = TokenList.from_response({"tokens": [
        {"symbol": "EURC", "address": EURC.address.lower(), "decimals": 6},
        {"symbol": "USDC", "address": USDC.address, "decimals": 6},
    ]})
    built = seed_bid(from_address="EURC", to_address=USDC.address.lower(), tokens=tokens)
    assert built.order == seed_bid().order
    with pytest.raises(Eip712KitError) as info:
        TokenList.from_response([{"symbol": "X", "address": "0x" + "01" * 20, "decimals": 300}])
    assert (info.value.code, info.value.path) == ("INVALID_TOKEN", "tokens[0].decimals")


# --- bad input: each refused with its code ------------------------------------------------------

@pytest.mark.parametrize(
    ("changes", "code", "path"),
    [
        ({"side": "buy"}, "INVALID_SIDE", "side"),
        ({"side": "BID"}, "INVALID_SIDE", "side"),
        ({"side": ""}, "INVALID_SIDE", "side"),
        ({"amount": "-1000"}, "INVALID_AMOUNT", "amount"),
        ({"amount": "0"}, "INVALID_AMOUNT", "amount"),
        ({"amount": "0.000"}, "INVALID_AMOUNT", "amount"),
        ({"price": "0"}, "INVALID_AMOUNT", "price"),
        ({"amount": 1000.0}, "INVALID_AMOUNT", "amount"),
        ({"amount": "1e3"}, "INVALID_AMOUNT", "amount"),
        ({"amount": "1,000"}, "INVALID_AMOUNT", "amount"),
        ({"amount": " 1000"}, "INVALID_AMOUNT", "amount"),
        ({"amount": "0.0000001"}, "AMOUNT_PRECISION", "amount"),
        ({"amount": "0.0000001", "rounding": "down"}, "AMOUNT_PRECISION", "amount"),  # rounds to nothing
        ({"from_address": "EURC"}, "UNKNOWN_TOKEN", "from_address"),
        ({"to_address": "0x" + "99" * 20, "tokens": TokenList([EURC, USDC])}, "UNKNOWN_TOKEN", "to_address"),
        ({"to_address": EURC}, "INVALID_TOKEN", "to_address"),
        ({"is_market": lambda base, quote: False}, "UNKNOWN_MARKET", "from_address"),
        ({"owner_address": "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266"}, "BAD_CHECKSUM", "owner_address"),
        ({"recipient": "0x00"}, "INVALID_ADDRESS", "message.recipient"),
        ({"expiration": None}, "EXPIRATION_MISSING", "expiration"),
        ({"expiration": 0}, "EXPIRATION_MISSING", "expiration"),
        ({"expiration": NOW, "server_now": NOW}, "EXPIRATION_PAST", "expiration"),
        ({"expiration": NOW + 365 * 86_400, "server_now": NOW}, "EXPIRATION_TOO_FAR", "expiration"),
        ({"expiration": 2**48}, "INT_OUT_OF_RANGE", "message.expiration"),
        ({"order_id": "00000000-0000-4000-8000-000000000009"}, "UUID_MISMATCH", "uuid_int"),
        ({"order_id": "not-a-uuid"}, "UUID_INVALID", "order_id"),
        ({"fee_bps": -1}, "INT_OUT_OF_RANGE", "message.feeBps"),
    ],
)
def test_bad_orders_are_refused(changes: dict[str, Any], code: str, path: str) -> None:
    with pytest.raises(Eip712KitError) as info:
        seed_bid(**changes)
    assert (info.value.code, info.value.path) == (code, path)
    # the rules alone (what the reference verifier calls) refuse it the same way
    arguments: dict[str, Any] = dict(owner_address=USER, side="bid", amount="1000.0", price="1.085",
                                     from_address=EURC, to_address=USDC, expiration=EXPIRATION,
                                     order_id=SEED_ORDER_ID, uuid_int=SEED_UUID_INT)
    with pytest.raises(Eip712KitError) as again:
        sera.orders.parse_order_request(**{**arguments, **changes})
    assert (again.value.code, again.value.path) == (code, path)


@pytest.mark.parametrize("side", ["bid", "ask"])
def test_the_rules_alone_give_the_order_the_builder_wraps(side: str) -> None:
    built = seed_bid(side=side, uuid_int=None, executor_id=0, tokens=TokenList([EURC, USDC]))
    parsed = sera.orders.parse_order_request(
        owner_address=USER, side=side, amount="1000.0", price="1.085", from_address=EURC, to_address=USDC,
        expiration=EXPIRATION, order_id=SEED_ORDER_ID, executor_id=0)
    assert parsed.order == built.order and parsed.owner == built.signer
    assert (parsed.side, parsed.base, parsed.quote, parsed.order_id, str(parsed.uuid_int), parsed.expiration) == (
        built.fields["side"], EURC, USDC, built.fields["order_id"], built.fields["uuid_int"],
        built.fields["expiration"])


# --- the expiration window ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("offset", "code"),
    [
        (1, None),
        (0, "EXPIRATION_PAST"),
        (-5, "EXPIRATION_PAST"),
        (365 * 86_400 - 300, None),
        (365 * 86_400 - 299, "EXPIRATION_TOO_FAR"),
    ],
)
def test_expiration_window(offset: int, code: str | None) -> None:
    if code is None:
        assert sera.require_expiration_window(NOW + offset, NOW) == NOW + offset
        assert sera.require_expiration_window(str(NOW + offset), str(NOW)) == NOW + offset
    else:
        with pytest.raises(Eip712KitError) as info:
            sera.require_expiration_window(NOW + offset, NOW, field="deadline")
        assert (info.value.code, info.value.path) == (code, "deadline")


def test_safe_expiration_keeps_off_the_boundaries() -> None:
    assert sera.safe_expiration(NOW) == NOW + sera.DEFAULT_LIFETIME
    assert sera.safe_expiration(NOW, lifetime=3600, buffer=30) == NOW + 3600
    latest = sera.safe_expiration(NOW, lifetime=sera.EXPIRATION_MAX_AHEAD - 60, buffer=60)
    sera.require_expiration_window(latest, NOW)  # inside the window, 60 s from its far end
    for lifetime, code in [(60, "EXPIRATION_PAST"), (sera.EXPIRATION_MAX_AHEAD - 59, "EXPIRATION_TOO_FAR")]:
        with pytest.raises(Eip712KitError) as info:
            sera.safe_expiration(NOW, lifetime=lifetime, buffer=60)
        assert info.value.code == code


# --- API keys ----------------------------------------------------------------------------------

@pytest.mark.parametrize("action", ["create", "list", "revoke_all", "revoke_sera_abc123"])
def test_valid_actions(action: str) -> None:
    assert sera.parse_action(action) == action


@pytest.mark.parametrize("action", ["delete", "Create", "revoke_", "revoke_has space", "", None, "list "])
def test_invalid_actions(action: Any) -> None:
    with pytest.raises(Eip712KitError) as info:
        sera.manage_api_key(USER, action, NOW)
    assert info.value.code == "INVALID_ACTION"


def test_action_strings() -> None:
    assert sera.api_key_action("revoke", "sera_x") == "revoke_sera_x"
    assert sera.api_key_action("revoke_all") == "revoke_all"
    with pytest.raises(Eip712KitError):
        sera.api_key_action("list", "sera_x")


@pytest.mark.parametrize(("offset", "ok"), [(300, True), (-300, True), (301, False), (-301, False)])
def test_api_key_timestamp_window(offset: int, ok: bool) -> None:
    if ok:
        assert sera.require_api_key_window(NOW + offset, NOW) == NOW + offset
    else:
        with pytest.raises(Eip712KitError) as info:
            sera.require_api_key_window(NOW + offset, NOW)
        assert info.value.code == "TIMESTAMP_OUT_OF_WINDOW"


@pytest.mark.parametrize(
    ("action", "form", "label", "method", "path", "keys"),
    [
        ("create", "body", "Trading bot", "POST", "/api/v1/api-keys",
         ["owner_address", "action", "timestamp", "signature", "label"]),
        ("create", "body", None, "POST", "/api/v1/api-keys", ["owner_address", "action", "timestamp", "signature"]),
        ("list", "query", None, "GET", "/api/v1/api-keys", ["owner_address", "action", "timestamp", "signature"]),
        ("list", "body", None, "POST", "/api/v1/api-keys/list", ["owner_address", "action", "timestamp", "signature"]),
        ("revoke_sera_k1", "query", None, "DELETE", "/api/v1/api-keys",
         ["owner_address", "api_key", "action", "timestamp", "signature"]),
        ("revoke_sera_k1", "body", None, "POST", "/api/v1/api-keys/revoke",
         ["owner_address", "action", "timestamp", "signature", "api_key"]),
        ("revoke_all", "body", None, "POST", "/api/v1/api-keys/revoke-all",
         ["owner_address", "action", "timestamp", "signature"]),
    ],
)
def test_api_key_requests(action: str, form: str, label: str | None, method: str, path: str,
                          keys: list[str]) -> None:
    prepared = sera.api_key_request(USER, action, NOW, form=form, label=label, server_now=NOW + 10)
    request = prepared.sign(KEY, sera.DOMAIN).request()
    assert (request.method, request.path) == (method, path)
    sent = request.params if form == "query" else request.json
    assert sent is not None and list(sent) == keys
    assert sent["action"] == action and sent["owner_address"] == USER
    if form == "query":
        assert sent["timestamp"] == str(NOW)  # query parameters are text
    else:
        assert sent["timestamp"] == NOW
    if "api_key" in sent:
        assert sent["api_key"] == "sera_k1"
    message = sera.ManageApiKey(owner=USER, action=action, timestamp=NOW)
    assert sera.ManageApiKey.from_message(prepared.message.to_message()) == message
    assert message.recover(sent["signature"], sera.DOMAIN) == USER


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (dict(action="create", form="query"), "INVALID_ACTION"),
        (dict(action="revoke_all", form="query"), "INVALID_ACTION"),
        (dict(action="list", label="x"), "INVALID_ACTION"),
        (dict(action="list", form="xml"), "INVALID_ACTION"),
        (dict(action="list", server_now=NOW + 301), "TIMESTAMP_OUT_OF_WINDOW"),
    ],
)
def test_api_key_request_refusals(args: dict[str, Any], code: str) -> None:
    with pytest.raises(Eip712KitError) as info:
        sera.api_key_request(USER, timestamp=NOW, **args)
    assert info.value.code == code


def test_api_key_request_with_another_wallets_key_is_refused() -> None:
    with pytest.raises(Eip712KitError) as info:
        sera.api_key_request(USER, "list", NOW).sign(OTHER_KEY, sera.DOMAIN)
    assert info.value.code == "KEY_MISMATCH"


def test_self_revoke_body() -> None:
    request = sera.self_revoke_request("sera_k1")
    assert (request.method, request.path) == ("POST", "/api/v1/api-keys/self-revoke")
    assert request.json == {"api_key": "sera_k1"}


# --- cancels and intents -------------------------------------------------------------------------

def test_cancel_order_signs_the_uuid_int_not_the_uuid() -> None:
    cancel = sera.cancel_order(USER, SEED_UUID_INT, order_id=SEED_ORDER_ID)
    assert cancel.orderId == int(SEED_UUID_INT)
    with pytest.raises(Eip712KitError) as info:
        sera.CancelOrder(owner=USER, orderId=SEED_ORDER_ID)
    assert (info.value.code, info.value.path) == ("INVALID_INT", "message.orderId")
    assert "uuid_int" in info.value.message
    with pytest.raises(Eip712KitError) as info:
        sera.cancel_order(USER, SEED_UUID_INT, order_id="00000000-0000-4000-8000-000000000002")
    assert info.value.code == "UUID_MISMATCH"


def route_params() -> dict[str, Any]:
    return {"taker": USER, "inputToken": USDC.address, "outputToken": EURC.address,
            "maxInputAmount": "1085000000", "minOutputAmount": "999000000", "recipient": USER,
            "initialDepositAmount": "0", "uuid": SEED_UUID_INT, "deadline": NOW + 120}


def test_intent_is_signed_as_returned() -> None:
    intent = sera.intent_from_quote({"route_params": route_params(), "price": "1.085"}, server_now=NOW)
    assert intent == sera.Intent.from_message(route_params())
    assert intent.to_message()["maxInputAmount"] == 1085000000
    with pytest.raises(Eip712KitError) as info:
        sera.intent_from_quote({"route_params": {**route_params(), "deadline": NOW}}, server_now=NOW)
    assert (info.value.code, info.value.path) == ("EXPIRATION_PAST", "deadline")
    with pytest.raises(Eip712KitError) as info:
        sera.intent_from_quote({"route_params": {**route_params(), "extra": 1}})
    assert (info.value.code, info.value.path) == ("EXTRA_FIELD", "route_params.extra")
