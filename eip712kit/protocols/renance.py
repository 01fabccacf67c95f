"""Renance / XBlade Vault: login, orders and cancels, signed as EIP-712 on the XBlade Vault domain.

Structs: :class:`Login`, :class:`CreateOrder`, :class:`CancelOrder`, :class:`BatchCancelOrders`.
The Renance document computes each hash by hand (keccak of every string, ABI-encoded words,
``0x1901`` prefix); the declared structs give the same bytes through the generic encoder, and a
test rebuilds each hash the document's way to prove it.

Rules as code (pure; server time is a parameter):

* ``side`` is ``buy``/``sell`` and ``order_type`` ``limit``/``market``, lowercase exactly as they
  travel; price and amount are signed as the very strings the body carries;
* a market order's price: :data:`MARKET_PRICE` (the one documented choice, see
  docs/protocols.md), overridable per call;
* batch cancels join ids with ``,`` — so an id may not contain one — at most 20 ids a call
  (:func:`chunk_order_ids` splits longer lists);
* timestamps within ±30 s of server time (:func:`require_timestamp_window`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from ..base.errors import Eip712KitError, ProtocolError, TrustError
from ..base.limits import DEFAULT_LIMITS, load_json
from ..base.parsers import parse_address, parse_int, to_checksum_address
from ..base.renamed import module_getattr
from ..core.domain import Domain, derived_domain_type
from .amounts import parse_decimal
from .requests import HttpRequest, Prepared, parse_choice
from .struct import Struct
from .windows import parse_plausible_time, require_in_window

BASE_URL = "https://api.renance.xyz"
"""The documented base URL; every endpoint's path starts with :data:`API_PREFIX`."""
API_PREFIX = "/api/v1"
NONCE_PATH = API_PREFIX + "/auth/nonce/{address}"
LOGIN_PATH = API_PREFIX + "/auth/login"
ORDERS_PATH = API_PREFIX + "/orders"
BATCH_CANCEL_PATH = API_PREFIX + "/orders/batch"

DOMAIN = Domain(
    name="XBlade Vault",
    version="1",
    chain_id=421614,  # Arbitrum Sepolia
    verifying_contract="0xFDe43f8e6e082975d246844DEF4fE8E704403d43",
)
"""The documented XBlade Vault domain (every Renance signature uses it)."""

TIMESTAMP_WINDOW = 30
"""Signed timestamps are accepted within ±30 s of server time (boundary included)."""
MAX_BATCH_CANCEL = 20
"""At most this many order ids per ``POST /api/v1/orders/batch``."""
ORDER_ID_SEPARATOR = ","
SIDES = ("buy", "sell")
ORDER_TYPES = ("limit", "market")
SIDE_HINTS = dict.fromkeys(("bid", "ask"), "Renance's sides are buy and sell; bid/ask is Sera's wording")
DEFAULT_LEVERAGE = 1
MAX_LEVERAGE = 2**32 - 1

MARKET_PRICE = ""
"""*Convention*: what a market order signs as ``price`` when none is given — the empty string,
sent as ``"price": ""`` so the body carries exactly the string that was signed (the document never
says, and its sample client crashes on ``None``). Override per order with ``market_price=``; pass
``null_market_price=True`` to send ``null`` as that sample client intends."""


# --- structs ----------------------------------------------------------------------------------

class Login(Struct):
    """Signed once per session: the nonce from ``GET /api/v1/auth/nonce/{address}``."""

    fields = (("wallet", "address"), ("nonce", "uint256"), ("timestamp", "uint256"))


class CreateOrder(Struct):
    """An order; every string is signed exactly as the request body carries it."""

    fields = (
        ("wallet", "address"),
        ("symbol", "string"),
        ("side", "string"),
        ("orderType", "string"),
        ("price", "string"),
        ("amount", "string"),
        ("leverage", "uint32"),
        ("timestamp", "uint256"),
    )


class CancelOrder(Struct):
    """Declared by the document's type table; its endpoints cancel through :class:`BatchCancelOrders`."""

    fields = (("wallet", "address"), ("orderId", "string"), ("timestamp", "uint256"))


class BatchCancelOrders(Struct):
    """Cancels one or many orders: ``orderIds`` is the ids joined with ``,``."""

    fields = (("wallet", "address"), ("orderIds", "string"), ("timestamp", "uint256"))


STRUCTS: tuple[type[Struct], ...] = (Login, CreateOrder, CancelOrder, BatchCancelOrders)


# --- rules ------------------------------------------------------------------------------------

def require_timestamp_window(timestamp: Any, server_now: Any) -> int:
    """``timestamp`` if within ±30 s of ``server_now`` (TIMESTAMP_OUT_OF_WINDOW otherwise)."""
    return require_in_window(timestamp, server_now, TIMESTAMP_WINDOW)


def _decimal_string(value: Any, field: str) -> str:
    """A positive decimal string, kept exactly as given (it is signed and sent character for character)."""
    if type(value) is not str:
        raise ProtocolError(
            f"{field} {value!r} must be a string (it travels and is signed as text), e.g. \"0.001\"",
            code="INVALID_AMOUNT",
            path=field,
        )
    parse_decimal(value, field=field)  # shape and sign only: the string itself is what is signed
    return value


def parse_leverage(leverage: Any) -> int:
    if type(leverage) is not int or not 1 <= leverage <= MAX_LEVERAGE:
        raise ProtocolError(
            f"leverage {leverage!r} is not a whole number from 1 to {MAX_LEVERAGE} (uint32)",
            code="INVALID_LEVERAGE",
            path="leverage",
        )
    return leverage


def parse_order_id(order_id: Any) -> str:
    if type(order_id) is not str or not order_id:
        raise ProtocolError(f"order id {order_id!r} is not a non-empty string", code="INVALID_ORDER_ID")
    if ORDER_ID_SEPARATOR in order_id:
        raise ProtocolError(
            f"order id {order_id!r} contains ',', the separator BatchCancelOrders joins ids with: "
            "the server would read it as several ids",
            code="INVALID_ORDER_ID",
        )
    return order_id


def _order_ids(order_ids: Iterable[str]) -> list[str]:
    if isinstance(order_ids, (str, bytes)):
        raise ProtocolError("order_ids is a list of ids, not one string", code="INVALID_ORDER_ID",
                            path="order_ids")
    ids = list(order_ids)
    for index, order_id in enumerate(ids):
        try:
            parse_order_id(order_id)
        except Eip712KitError as exc:
            raise exc.at(index).at("order_ids") from None
    return ids


def chunk_order_ids(order_ids: Iterable[str], size: int = MAX_BATCH_CANCEL) -> list[list[str]]:
    """Split ids into consecutive chunks of at most ``size`` (≤ 20), each one batch-cancel call."""
    if type(size) is not int or not 1 <= size <= MAX_BATCH_CANCEL:
        raise ProtocolError(f"chunk size {size!r} is not from 1 to {MAX_BATCH_CANCEL}",
                            code="TOO_MANY_ORDER_IDS", path="size")
    ids = _order_ids(order_ids)
    return [ids[i:i + size] for i in range(0, len(ids), size)]


# --- the domain the server hands out -----------------------------------------------------------

def domain_from_typed_data(typed_data: Mapping[str, Any] | str | bytes, *, strict: bool = False,
                           pinned: Domain = DOMAIN) -> tuple[Domain, list[str]]:
    """The domain of a server's ``typed_data`` (as ``GET /auth/nonce`` returns it), and how it differs.

    The list names every difference from ``pinned`` (the documented :data:`DOMAIN` unless the caller
    pins its own deployment) — a field's value, a missing or extra field, or an ``EIP712Domain``
    type that is not the canonical one — empty when the server uses the pinned domain.
    ``strict=True`` raises DOMAIN_MISMATCH instead. The whole nonce response (with ``typed_data``
    inside) is accepted too.
    """
    data = load_json(typed_data, DEFAULT_LIMITS) if isinstance(typed_data, (str, bytes, bytearray)) else typed_data
    if isinstance(data, Mapping) and "typed_data" in data:
        data = data["typed_data"]
    if not isinstance(data, Mapping) or not isinstance(data.get("domain"), Mapping):
        raise ProtocolError("typed_data has no domain object", code="INVALID_DOMAIN", path="typed_data.domain")
    domain = Domain.from_dict(data["domain"])
    differences = pinned.differences(domain)
    declared = data.get("types", {}).get("EIP712Domain") if isinstance(data.get("types"), Mapping) else None
    if isinstance(declared, list) and declared != derived_domain_type(data["domain"]):
        shown = ", ".join(f"{f.get('type')} {f.get('name')}" for f in declared if isinstance(f, Mapping))
        differences.append(
            f"types.EIP712Domain is declared in a non-canonical form ({shown}); "
            "sign the server's typed_data as a whole (TypedData) rather than this struct"
        )
    if strict and differences:
        raise TrustError("the server's domain differs from the pinned XBlade Vault domain: "
                         + "; ".join(differences), code="DOMAIN_MISMATCH", path="typed_data.domain")
    return domain, differences


@dataclass(frozen=True)
class NonceChallenge:
    """What ``GET /api/v1/auth/nonce/{address}`` hands out, checked: the Login to sign and its domain."""

    nonce: int
    login: Login
    domain: Domain
    differences: tuple[str, ...]
    typed_data: Mapping[str, Any] | None = None
    """The server's typed_data as sent: a signer holds it to the documented Login (``trust.decide_login_domain``)."""

    def request(self) -> Prepared:
        """The ``POST /api/v1/auth/login`` request, ready to sign with this challenge's domain."""
        return login_request(self.login.wallet, self.nonce, self.login.timestamp)


def parse_nonce_response(response: Mapping[str, Any] | str | bytes, *, address: str | None = None,
                         pinned: Domain = DOMAIN) -> NonceChallenge:
    """Check a nonce response: its Login type and nonce must match what the document says.

    The Login message is taken from ``typed_data.message`` (its timestamp is the server's); a
    ``nonce`` that differs from the message's nonce, a Login type other than the documented one,
    or (with ``address``) a wallet other than the one asked for, is refused (INVALID_CHALLENGE);
    a domain that differs from ``pinned`` is reported in ``differences`` (a signer refuses it
    unless its user trusts the server's domain).
    """
    data = load_json(response, DEFAULT_LIMITS) if isinstance(response, (str, bytes, bytearray)) else response
    if not isinstance(data, Mapping) or not isinstance(data.get("typed_data"), Mapping):
        raise ProtocolError("a nonce response is {nonce, typed_data}", code="INVALID_CHALLENGE", path="typed_data")
    typed = data["typed_data"]
    types = typed.get("types")
    if isinstance(types, Mapping) and "Login" in types and types["Login"] != Login.types()["Login"]:
        raise ProtocolError(
            f"the server's Login type is not the documented {Login.encode_type()}",
            code="INVALID_CHALLENGE",
            path="typed_data.types.Login",
        )
    primary = typed.get("primaryType", "Login")
    if primary != "Login":
        raise ProtocolError(f"primaryType is {primary!r}, not Login", code="INVALID_CHALLENGE",
                            path="typed_data.primaryType")
    login = Login.from_message(typed.get("message"), root="typed_data.message")
    try:
        parse_plausible_time(login.timestamp, "timestamp")  # the server's number: a time, or refused
    except Eip712KitError as exc:
        raise exc.at("message").at("typed_data") from None
    if "nonce" in data:
        try:
            nonce = parse_int(data["nonce"])
        except Eip712KitError as exc:
            raise exc.at("nonce") from None
        if nonce != login.nonce:
            raise ProtocolError(f"nonce {nonce} differs from the typed_data message's {login.nonce}",
                                code="INVALID_CHALLENGE", path="nonce")
    if address is not None:
        try:
            asked = to_checksum_address(parse_address(address))
        except Eip712KitError as exc:
            raise exc.at("address") from None
        if login.wallet != asked:
            raise ProtocolError(f"the challenge is for {login.wallet}, not {asked}", code="INVALID_CHALLENGE",
                                path="typed_data.message.wallet")
    domain, differences = domain_from_typed_data(typed, pinned=pinned)
    return NonceChallenge(login.nonce, login, domain, tuple(differences), typed)


# --- requests ---------------------------------------------------------------------------------

def nonce_request(address: str) -> HttpRequest:
    """``GET /api/v1/auth/nonce/{address}`` (address lowercase, as the document's client sends it)."""
    try:
        raw = parse_address(address)
    except Eip712KitError as exc:
        raise exc.at("address") from None
    return HttpRequest("GET", NONCE_PATH.format(address="0x" + raw.hex()))


def login_request(wallet: str, nonce: int, timestamp: int) -> Prepared:
    """``POST /api/v1/auth/login {address, signature, timestamp}`` around a Login message."""
    login = Login(wallet=wallet, nonce=nonce, timestamp=parse_plausible_time(timestamp, "timestamp"))
    fields = {"address": "0x" + parse_address(wallet).hex(), "signature": None, "timestamp": login.timestamp}
    return Prepared(login, login.wallet, "POST", LOGIN_PATH, fields)


def create_order(
    *,
    wallet: str,
    symbol: str,
    side: str,
    order_type: str,
    amount: str,
    timestamp: int,
    price: str | None = None,
    leverage: int = DEFAULT_LEVERAGE,
    market_price: str = MARKET_PRICE,
    null_market_price: bool = False,
    server_now: int | None = None,
) -> Prepared:
    """``POST /api/v1/orders``, ready to sign: a CreateOrder whose strings are the body's strings.

    A limit order needs ``price``. A market order without one signs ``market_price``
    (:data:`MARKET_PRICE`, ``""``, by default) and sends that same string, or JSON ``null`` with
    ``null_market_price=True``. With ``server_now`` the ±30 s window is checked.
    """
    side = parse_choice(side, SIDES, field="side", code="INVALID_SIDE", hints=SIDE_HINTS)
    order_type = parse_choice(order_type, ORDER_TYPES, field="order_type", code="INVALID_ORDER_TYPE")
    amount = _decimal_string(amount, "amount")
    if type(symbol) is not str or not symbol:
        raise ProtocolError(f"symbol {symbol!r} is not a non-empty string such as BTCUSDT",
                            code="INVALID_SYMBOL", path="symbol")
    leverage = parse_leverage(leverage)
    if price is None:
        if order_type == "limit":
            raise ProtocolError("a limit order needs a price", code="INVALID_AMOUNT", path="price")
        if type(market_price) is not str:
            raise ProtocolError("market_price is the string a market order signs as its price",
                                code="INVALID_AMOUNT", path="market_price")
        signed_price: str = market_price
        wire_price: str | None = None if null_market_price else market_price
    else:
        signed_price = wire_price = _decimal_string(price, "price")
    if server_now is not None:
        require_timestamp_window(timestamp, server_now)
    message = CreateOrder(wallet=wallet, symbol=symbol, side=side, orderType=order_type, price=signed_price,
                          amount=amount, leverage=leverage, timestamp=timestamp)
    fields = {
        "symbol": symbol,
        "side": side,
        "order_type": order_type,
        "amount": amount,
        "price": wire_price,
        "leverage": leverage,
        "signature": None,
        "timestamp": message.timestamp,
    }
    return Prepared(message, message.wallet, "POST", ORDERS_PATH, fields)


def batch_cancel(order_ids: Iterable[str], *, wallet: str, timestamp: int, server_now: int | None = None
                 ) -> Prepared:
    """``POST /api/v1/orders/batch {order_ids, signature, timestamp}``: one to 20 ids, joined with ``,``."""
    ids = _order_ids(order_ids)
    if not ids:
        raise ProtocolError("a batch cancel needs at least one order id", code="INVALID_ORDER_ID",
                            path="order_ids")
    if len(ids) > MAX_BATCH_CANCEL:
        raise ProtocolError(
            f"{len(ids)} order ids in one call; the server takes at most {MAX_BATCH_CANCEL}: "
            "split them with chunk_order_ids",
            code="TOO_MANY_ORDER_IDS",
            path="order_ids",
        )
    if server_now is not None:
        require_timestamp_window(timestamp, server_now)
    message = BatchCancelOrders(wallet=wallet, orderIds=ORDER_ID_SEPARATOR.join(ids), timestamp=timestamp)
    fields = {"order_ids": ids, "signature": None, "timestamp": message.timestamp}
    return Prepared(message, message.wallet, "POST", BATCH_CANCEL_PATH, fields)


def cancel_order(order_id: str, *, wallet: str, timestamp: int) -> CancelOrder:
    """The single-order CancelOrder message (no documented endpoint sends it; see :func:`batch_cancel`)."""
    try:
        parse_order_id(order_id)
    except Eip712KitError as exc:
        raise exc.at("order_id") from None
    return CancelOrder(wallet=wallet, orderId=order_id, timestamp=timestamp)


__all__ = [
    "API_PREFIX",
    "BASE_URL",
    "BATCH_CANCEL_PATH",
    "DEFAULT_LEVERAGE",
    "DOMAIN",
    "LOGIN_PATH",
    "MARKET_PRICE",
    "MAX_BATCH_CANCEL",
    "NONCE_PATH",
    "ORDERS_PATH",
    "ORDER_TYPES",
    "SIDES",
    "SIDE_HINTS",
    "STRUCTS",
    "TIMESTAMP_WINDOW",
    "BatchCancelOrders",
    "CancelOrder",
    "CreateOrder",
    "Login",
    "NonceChallenge",
    "batch_cancel",
    "cancel_order",
    "chunk_order_ids",
    "create_order",
    "domain_from_typed_data",
    "login_request",
    "nonce_request",
    "parse_leverage",
    "parse_nonce_response",
    "parse_order_id",
    "require_timestamp_window",
]

if not TYPE_CHECKING:  # old names kept working, with a warning (base/renamed.py)
    __getattr__ = module_getattr(__name__, {
        "check_timestamp": "require_timestamp_window",
        "check_leverage": "parse_leverage",
        "check_order_id": "parse_order_id",
        "check_side": "parse_choice(side, renance.SIDES, ...)",
        "check_order_type": "parse_choice(order_type, renance.ORDER_TYPES, ...)",
    }, globals(), {
        "check_side": partial(parse_choice, choices=SIDES, field="side", code="INVALID_SIDE", hints=SIDE_HINTS),
        "check_order_type": partial(parse_choice, choices=ORDER_TYPES, field="order_type", code="INVALID_ORDER_TYPE"),
    })
