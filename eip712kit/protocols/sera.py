"""Sera: the EIP-712 structs, the domain, and the rules a signed request must follow.

Structs (field order is part of the hash): :class:`ManageApiKey`, :class:`Order`, :class:`Intent`,
:class:`CancelOrder`, :class:`CancelVLBatch`, :class:`WithdrawIntent`.

Rules as code, all pure (server time is a parameter, read it from ``GET /system/time``):

* expiration / deadline window — :func:`check_expiration`, :func:`safe_expiration`;
* API-key actions and the ±5-minute timestamp window — :func:`check_action`,
  :func:`check_api_key_timestamp`, :func:`api_key_request`;
* the order builder — :func:`build_order`: side, decimal amount and price, base and quote tokens
  → the signed :class:`Order` with exact integer amounts, and the ``/verify-signature`` and
  ``POST /orders`` bodies;
* the uuid_int binding — :mod:`eip712kit.uuid_int`.

Where the Sera document is silent, the choice made is listed in ``docs/protocols.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .. import uuid_int as uuid_int_mod
from ..decimal_amounts import check_decimals, format_decimal, multiply, parse_decimal, scale_to_units
from ..domain import Domain
from ..encoding import parse_address, parse_int, to_checksum_address, uint_word
from ..errors import Eip712KitError, ProtocolError
from ..limits import DEFAULT_LIMITS, load_json
from .requests import HttpRequest, Prepared
from .struct import Struct
from .windows import check_timestamp_window, unix_time

BASE_URL = "https://api.sera.cx/api/v1"
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"

DOMAIN = Domain(
    name="Sera",
    version="1",
    chain_id=11155111,  # Sepolia
    verifying_contract="0xd0fc92d8eF9bE26D7288fCa1D6458f675e72B83a",
)
"""The documented default. The document asks clients to read chain and contract from ``GET /config``:
see :func:`domain_from_config`."""


# --- structs ----------------------------------------------------------------------------------

class ManageApiKey(Struct):
    """Creates, lists or revokes read-only API keys; ``action`` is create, list, revoke_<api_key>, revoke_all."""

    fields = (("owner", "address"), ("action", "string"), ("timestamp", "uint256"))


class Order(Struct):
    """A limit order as the settlement contract sees it: what ``user`` spends and receives."""

    fields = (
        ("user", "address"),
        ("expiration", "uint48"),
        ("feeBps", "uint48"),
        ("recipient", "address"),
        ("fromToken", "address"),
        ("toToken", "address"),
        ("fromAmount", "uint256"),
        ("toAmount", "uint256"),
        ("initialDepositAmount", "uint256"),
        ("uuid", "uint256"),
    )


class Intent(Struct):
    """A swap intent: the ``route_params`` of ``POST /swap/quote``, signed exactly as returned."""

    fields = (
        ("taker", "address"),
        ("inputToken", "address"),
        ("outputToken", "address"),
        ("maxInputAmount", "uint256"),
        ("minOutputAmount", "uint256"),
        ("recipient", "address"),
        ("initialDepositAmount", "uint256"),
        ("uuid", "uint256"),
        ("deadline", "uint48"),
    )


class CancelOrder(Struct):
    """Cancels one order. ``orderId`` is the packed uuid_int (uint256), not the UUID string."""

    fields = (("owner", "address"), ("orderId", "uint256"))

    @classmethod
    def _explain(cls, field_name: str, value: Any, exc: Eip712KitError) -> Eip712KitError:
        if field_name == "orderId" and isinstance(value, str) and "-" in value:
            try:
                uuid_int_mod.parse_uuid(value)
            except Eip712KitError:
                return exc
            return ProtocolError(
                f"orderId {value} is the order's UUID string; CancelOrder signs the packed uuid_int "
                "(uuid_int.pack(order_id, executor_id), or the uuid_int the order was placed with)",
                code="INVALID_INT",
            )
        return exc


class CancelVLBatch(Struct):
    """Cancels a whole virtual-liquidity batch by its id."""

    fields = (("owner", "address"), ("vlBatchId", "string"))


class WithdrawIntent(Struct):
    """Withdraws ``amounts[i]`` of ``tokens[i]`` to ``recipient``."""

    fields = (
        ("user", "address"),
        ("tokens", "address[]"),
        ("amounts", "uint256[]"),
        ("recipient", "address"),
        ("deadline", "uint256"),
        ("uuid", "uint256"),
    )


STRUCTS: tuple[type[Struct], ...] = (ManageApiKey, Order, Intent, CancelOrder, CancelVLBatch, WithdrawIntent)


# --- the domain from GET /config ---------------------------------------------------------------

def domain_from_config(config: Mapping[str, Any] | str | bytes) -> Domain:
    """The Sera domain of the current deployment, from a ``GET /config`` response.

    ``chain_id`` and ``sera_address`` are required (INVALID_CONFIG when missing); name and version
    are Sera's ``"Sera"`` / ``"1"``.
    """
    data = load_json(config, DEFAULT_LIMITS) if isinstance(config, (str, bytes, bytearray)) else config
    if not isinstance(data, Mapping):
        raise ProtocolError("a GET /config response is a JSON object", code="INVALID_CONFIG")
    for key in ("chain_id", "sera_address"):
        if data.get(key) in (None, ""):
            raise ProtocolError(
                f"the GET /config response has no {key!r}; it carries chain_id, sera_address, vault_address, "
                "sor_address",
                code="INVALID_CONFIG",
                path=key,
            )
    try:
        chain_id = parse_int(data["chain_id"])
        uint_word(chain_id, 256)
    except Eip712KitError as exc:
        raise exc.at("chain_id") from None
    try:
        contract = to_checksum_address(parse_address(data["sera_address"]))
    except Eip712KitError as exc:
        raise exc.at("sera_address") from None
    return Domain(name=DOMAIN.name, version=DOMAIN.version, chain_id=chain_id, verifying_contract=contract)


# --- expiration and deadline window ------------------------------------------------------------

EXPIRATION_MAX_AHEAD = 365 * 86_400 - 300
"""An expiration may be at most this many seconds after server time (365 days less 300 s of skew)."""
DEFAULT_LIFETIME = 86_400
"""Default order lifetime in :func:`safe_expiration` (one day, as the document's example uses)."""
DEFAULT_BUFFER = 60
"""Seconds kept clear of both ends of the window by :func:`safe_expiration` (client clock and latency)."""


def require_expiration(expiration: Any, *, field: str = "expiration") -> int:
    """``expiration`` as an int, refused when missing or 0 (no clock needed for that much)."""
    value = None if expiration is None else unix_time(expiration, field)
    if not value:
        raise ProtocolError(
            f"{field} is missing or 0: Sera refuses an order without a bounded future {field}; "
            "derive one from GET /system/time (safe_expiration)",
            code="EXPIRATION_MISSING",
            path=field,
        )
    return value


def check_expiration(expiration: Any, server_now: Any, *, field: str = "expiration") -> int:
    """``expiration`` if it is strictly after ``server_now`` and at most now + 365 days − 300 s.

    The same window applies to quote deadlines (``field="deadline"``). Missing or 0 →
    EXPIRATION_MISSING; not after now → EXPIRATION_PAST; too far → EXPIRATION_TOO_FAR.
    """
    value = require_expiration(expiration, field=field)
    now = unix_time(server_now, "server_now")
    if value <= now:
        raise ProtocolError(
            f"{field} {value} is not after server time {now}: it must be strictly in the future",
            code="EXPIRATION_PAST",
            path=field,
        )
    if value > now + EXPIRATION_MAX_AHEAD:
        raise ProtocolError(
            f"{field} {value} is {value - now} s after server time {now}; the limit is {EXPIRATION_MAX_AHEAD} s "
            "(365 days - 300 s)",
            code="EXPIRATION_TOO_FAR",
            path=field,
        )
    return value


def safe_expiration(server_now: Any, lifetime: int = DEFAULT_LIFETIME, buffer: int = DEFAULT_BUFFER) -> int:
    """``server_now + lifetime``, refused unless it stays ``buffer`` seconds inside the window at both ends.

    Never signs on the boundary: a lifetime of at most ``buffer`` could expire before the server
    sees it (EXPIRATION_PAST); one within ``buffer`` of the 365-day limit could be too far by the
    server's clock (EXPIRATION_TOO_FAR).
    """
    now = unix_time(server_now, "server_now")
    life = unix_time(lifetime, "lifetime")
    margin = unix_time(buffer, "buffer")
    if life <= margin:
        raise ProtocolError(
            f"lifetime {life} s is not more than the {margin} s buffer: the order could expire in transit",
            code="EXPIRATION_PAST",
            path="lifetime",
        )
    if life > EXPIRATION_MAX_AHEAD - margin:
        raise ProtocolError(
            f"lifetime {life} s is within the {margin} s buffer of the {EXPIRATION_MAX_AHEAD} s limit",
            code="EXPIRATION_TOO_FAR",
            path="lifetime",
        )
    return now + life


# --- API keys ----------------------------------------------------------------------------------

API_KEY_TIMESTAMP_WINDOW = 300
"""ManageApiKey timestamps are accepted within ±5 minutes of server time (boundary included)."""
API_KEY_ACTIONS = ("create", "list", "revoke_all")
REVOKE_PREFIX = "revoke_"
MAX_ACTIVE_API_KEYS = 10


def check_api_key_timestamp(timestamp: Any, server_now: Any) -> int:
    """``timestamp`` if within ±300 s of ``server_now`` (TIMESTAMP_OUT_OF_WINDOW otherwise)."""
    return check_timestamp_window(timestamp, server_now, API_KEY_TIMESTAMP_WINDOW)


def _check_api_key(api_key: Any, field: str = "api_key") -> str:
    if type(api_key) is not str or not api_key or any(c.isspace() for c in api_key):
        raise ProtocolError(
            f"{field} {api_key!r} is not an API key: a non-empty string without spaces (e.g. sera_...)",
            code="INVALID_ACTION",
            path=field,
        )
    return api_key


def check_action(action: Any) -> str:
    """``action`` if it is ``create``, ``list``, ``revoke_all`` or ``revoke_<api_key>``."""
    if type(action) is str and (action in API_KEY_ACTIONS or action.startswith(REVOKE_PREFIX)):
        if action.startswith(REVOKE_PREFIX) and action != "revoke_all":
            _check_api_key(action[len(REVOKE_PREFIX):], "action")
        return action
    raise ProtocolError(
        f"action {action!r} is not an API-key action: use create, list, revoke_all or revoke_<api_key>",
        code="INVALID_ACTION",
        path="action",
    )


def api_key_action(kind: str, api_key: str | None = None) -> str:
    """The signed action string: ``api_key_action("revoke", "sera_x")`` → ``"revoke_sera_x"``."""
    if kind == "revoke":
        return REVOKE_PREFIX + _check_api_key(api_key)
    if api_key is not None:
        raise ProtocolError(f"{kind} takes no api_key; only revoke does", code="INVALID_ACTION", path="api_key")
    return check_action(kind)


def manage_api_key(owner: str, action: str, timestamp: int) -> ManageApiKey:
    """The ManageApiKey message, with the action checked."""
    return ManageApiKey(owner=owner, action=check_action(action), timestamp=timestamp)


def api_key_request(
    owner: str,
    action: str,
    timestamp: int,
    *,
    form: str = "body",
    label: str | None = None,
    server_now: int | None = None,
) -> Prepared:
    """The request for an API-key action, ready to sign.

    ``form="body"`` gives the JSON-body endpoint (``POST /api-keys``, ``/api-keys/list``,
    ``/api-keys/revoke``, ``/api-keys/revoke-all``); ``form="query"`` the signed-query-parameter one
    (``GET /api-keys`` for list, ``DELETE /api-keys`` for revoke). ``label`` is for create only.
    With ``server_now`` the timestamp window is checked too.
    """
    message = manage_api_key(owner, action, timestamp)
    if server_now is not None:
        check_api_key_timestamp(timestamp, server_now)
    if form not in ("body", "query"):
        raise ProtocolError(f"form {form!r} is body or query", code="INVALID_ACTION", path="form")
    if label is not None and action != "create":
        raise ProtocolError("label is sent only when creating a key", code="INVALID_ACTION", path="label")
    owner_address = message.owner
    ts = message.timestamp
    fields: dict[str, Any]
    if action == "create" or action == "revoke_all":
        if form == "query":
            raise ProtocolError(f"{action} is sent as a JSON body only", code="INVALID_ACTION", path="form")
        fields = {"owner_address": owner_address, "action": action, "timestamp": ts, "signature": None}
        if label is not None:
            if type(label) is not str:
                raise ProtocolError("label is a string", code="INVALID_ACTION", path="label")
            fields["label"] = label
        path = "/api-keys" if action == "create" else "/api-keys/revoke-all"
        return Prepared(message, owner_address, "POST", path, fields)
    if action == "list":
        fields = {"owner_address": owner_address, "action": action, "timestamp": ts, "signature": None}
        if form == "query":
            return Prepared(message, owner_address, "GET", "/api-keys", fields, form="query")
        return Prepared(message, owner_address, "POST", "/api-keys/list", fields)
    api_key = action[len(REVOKE_PREFIX):]
    if form == "query":
        fields = {"owner_address": owner_address, "api_key": api_key, "action": action, "timestamp": ts,
                  "signature": None}
        return Prepared(message, owner_address, "DELETE", "/api-keys", fields, form="query")
    fields = {"owner_address": owner_address, "action": action, "timestamp": ts, "signature": None,
              "api_key": api_key}
    return Prepared(message, owner_address, "POST", "/api-keys/revoke", fields)


def self_revoke_request(api_key: str) -> HttpRequest:
    """``POST /api-keys/self-revoke``: no signature; the client adds the key's own Bearer header."""
    return HttpRequest("POST", "/api-keys/self-revoke", json={"api_key": _check_api_key(api_key)})


# --- tokens ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Token:
    """A token as an order needs it: address (kept in EIP-55 form), decimals, optional symbol."""

    address: str
    decimals: int
    symbol: str | None = None

    def __post_init__(self) -> None:
        try:
            raw = parse_address(self.address)
        except Eip712KitError as exc:
            raise exc.at("address") from None
        object.__setattr__(self, "address", to_checksum_address(raw))
        check_decimals(self.decimals)
        if self.symbol is not None and type(self.symbol) is not str:
            raise ProtocolError("a token symbol is a string", code="INVALID_TOKEN", path="symbol")

    @property
    def label(self) -> str:
        return f"{self.symbol} ({self.address})" if self.symbol else self.address


class TokenList:
    """Known tokens (from ``GET /tokens``), looked up by exact symbol or by address (any case)."""

    def __init__(self, tokens: Iterable[Token]):
        self.tokens = tuple(tokens)
        self._by_address = {t.address.lower(): t for t in self.tokens}

    @classmethod
    def from_response(cls, data: Any) -> TokenList:
        """From a list of ``{address, decimals, symbol}`` objects, or ``{"tokens": [...]}``.

        The document does not show the ``GET /tokens`` shape; these key names are the kit's
        reading of it (docs/protocols.md), and a response that differs is refused, not guessed at.
        """
        if isinstance(data, (str, bytes, bytearray)):
            data = load_json(data, DEFAULT_LIMITS)
        if isinstance(data, Mapping) and "tokens" in data:
            data = data["tokens"]
        if not isinstance(data, list):
            raise ProtocolError("a token list is a JSON array of {address, decimals, symbol}",
                                code="INVALID_TOKEN", path="tokens")
        tokens = []
        for index, item in enumerate(data):
            try:
                if not isinstance(item, Mapping) or "address" not in item or "decimals" not in item:
                    raise ProtocolError("each token needs address and decimals", code="INVALID_TOKEN")
                tokens.append(Token(item["address"], item["decimals"], item.get("symbol")))
            except Eip712KitError as exc:
                raise exc.at(index).at("tokens") from None
        return cls(tokens)

    def resolve(self, ref: Token | str, *, field: str = "token") -> Token:
        """A Token as given, or the listed token with this address or symbol (UNKNOWN_TOKEN if none)."""
        if isinstance(ref, Token):
            return ref
        if type(ref) is str:
            if ref[:2] == "0x" and len(ref) == 42:
                try:
                    parse_address(ref)
                except Eip712KitError as exc:
                    raise exc.at(field) from None
                found = self._by_address.get(ref.lower())
                if found is not None:
                    return found
            else:
                matches = [t for t in self.tokens if t.symbol == ref]
                if len(matches) == 1:
                    return matches[0]
                if len(matches) > 1:
                    raise ProtocolError(f"symbol {ref!r} names {len(matches)} tokens; use the address",
                                        code="UNKNOWN_TOKEN", path=field)
        raise ProtocolError(
            f"{field} {ref!r} is not a known token"
            + (f" (known: {', '.join(t.symbol or t.address for t in self.tokens)})" if self.tokens
               else ": pass a Token(address, decimals) or a token list from GET /tokens"),
            code="UNKNOWN_TOKEN",
            path=field,
        )


_NO_TOKENS = TokenList(())


# --- the order builder -------------------------------------------------------------------------

SIDES = ("bid", "ask")


def check_side(side: Any) -> str:
    """``bid`` (buy base with quote) or ``ask`` (sell base for quote), exactly."""
    if side in SIDES:
        return str(side)
    hint = ""
    if type(side) is str and side.lower() in SIDES:
        hint = f" (lowercase: {side.lower()!r})"
    elif side in ("buy", "sell", "BUY", "SELL"):
        hint = " (Sera's sides are bid and ask; buy/sell is Renance's wording)"
    raise ProtocolError(f"side {side!r} is not bid or ask{hint}", code="INVALID_SIDE", path="side")


@dataclass(frozen=True)
class SeraOrder(Prepared):
    """A built Sera order: the signed :class:`Order` and the request body that names the pair.

    ``POST /verify-signature`` and ``POST /orders`` carry the same ten fields (the second by
    inference: the document shows only the first, as the check to run before submitting).
    """

    @property
    def order(self) -> Order:
        return self.message  # type: ignore[return-value]

    @property
    def uuid_int(self) -> int:
        return int(self.fields["uuid_int"])

    @property
    def order_id(self) -> str:
        return str(self.fields["order_id"])

    def verify_signature_body(self) -> dict[str, Any]:
        return self.body()

    def orders_body(self) -> dict[str, Any]:
        return self.body()

    def verify_signature_request(self) -> HttpRequest:
        return self.request("/verify-signature")

    def orders_request(self) -> HttpRequest:
        return self.request("/orders")


def _amount_text(value: Any) -> str:
    return value if type(value) is str else format_decimal(parse_decimal(value))


def _order_binding(order_id: str | None, uuid_int: int | str | None, executor_id: int | None) -> tuple[str, int]:
    if uuid_int is not None:
        if order_id is None:
            order_id = uuid_int_mod.unpack(uuid_int).uuid
        fields = uuid_int_mod.check_binding(order_id, uuid_int, executor_id=executor_id)
        return order_id, fields.value
    if order_id is not None and executor_id is not None:
        return order_id, uuid_int_mod.pack(order_id, executor_id)
    raise ProtocolError(
        "an order needs its uuid_int: pass uuid_int, or order_id with executor_id (from GET /health)",
        code="MISSING_FIELD",
        path="uuid_int",
    )


def build_order(
    *,
    side: str,
    amount: Any,
    price: Any,
    base: Token | str,
    quote: Token | str,
    user: str,
    expiration: int,
    uuid_int: int | str | None = None,
    order_id: str | None = None,
    executor_id: int | None = None,
    fee_bps: int = 0,
    recipient: str = ZERO_ADDRESS,
    initial_deposit_amount: int = 0,
    rounding: str | None = None,
    tokens: TokenList | None = None,
    server_now: int | None = None,
) -> SeraOrder:
    """A limit order on the pair base/quote, ready to sign.

    ``amount`` is in base-token units and ``price`` in quote per base, both decimal strings. A
    bid spends ``amount × price`` of quote and receives ``amount`` of base; an ask is the mirror
    (inferred from the document's one example, see docs/protocols.md). Amounts are exact, or
    AMOUNT_PRECISION unless ``rounding`` names a mode. Give the uuid_int, or the order_id and
    executor_id to pack it; with both uuid_int and order_id their binding is checked. With
    ``server_now`` the expiration window is checked.
    """
    side = check_side(side)
    book = tokens if tokens is not None else _NO_TOKENS
    base_token = book.resolve(base, field="base")
    quote_token = book.resolve(quote, field="quote")
    if base_token.address == quote_token.address:
        raise ProtocolError(f"base and quote are the same token {base_token.label}", code="INVALID_TOKEN",
                            path="quote")
    amount_value = parse_decimal(amount, field="amount")
    price_value = parse_decimal(price, field="price")
    base_units = scale_to_units(amount_value, base_token.decimals, rounding=rounding, field="amount",
                                unit=base_token.label)
    quote_units = scale_to_units(multiply(amount_value, price_value), quote_token.decimals, rounding=rounding,
                                 field="amount × price", unit=quote_token.label)
    require_expiration(expiration)
    if server_now is not None:
        check_expiration(expiration, server_now)
    order_id, packed = _order_binding(order_id, uuid_int, executor_id)
    if side == "bid":
        spend, spend_units, receive, receive_units = quote_token, quote_units, base_token, base_units
    else:
        spend, spend_units, receive, receive_units = base_token, base_units, quote_token, quote_units
    order = Order(
        user=user,
        expiration=expiration,
        feeBps=fee_bps,
        recipient=recipient,
        fromToken=spend.address,
        toToken=receive.address,
        fromAmount=spend_units,
        toAmount=receive_units,
        initialDepositAmount=initial_deposit_amount,
        uuid=packed,
    )
    fields = {
        "owner_address": order.user,
        "side": side,
        "amount": _amount_text(amount),
        "price": _amount_text(price),
        "from_address": base_token.address,
        "to_address": quote_token.address,
        "order_id": order_id,
        "uuid_int": str(packed),
        "signature": None,
        "expiration": order.expiration,
    }
    return SeraOrder(order, order.user, "POST", "/orders", fields)


# --- cancels and intents -----------------------------------------------------------------------

def cancel_order(owner: str, uuid_int: int | str, *, order_id: str | None = None) -> CancelOrder:
    """The CancelOrder message for the order packed as ``uuid_int`` (bound to ``order_id`` when given)."""
    if order_id is not None:
        return CancelOrder(owner=owner, orderId=uuid_int_mod.check_binding(order_id, uuid_int).value)
    return CancelOrder(owner=owner, orderId=uuid_int_mod.unpack(uuid_int).value)


def intent_from_quote(quote: Mapping[str, Any], *, server_now: int | None = None) -> Intent:
    """The Intent to sign from a ``POST /swap/quote`` response (or its ``route_params``), as returned.

    With ``server_now`` the deadline is held to the expiration window.
    """
    if isinstance(quote, Mapping) and "route_params" in quote:
        intent = Intent.from_message(quote["route_params"], root="route_params")
    else:
        intent = Intent.from_message(quote)
    if server_now is not None:
        check_expiration(intent.deadline, server_now, field="deadline")
    return intent


__all__ = [
    "API_KEY_TIMESTAMP_WINDOW",
    "BASE_URL",
    "DEFAULT_BUFFER",
    "DEFAULT_LIFETIME",
    "DOMAIN",
    "EXPIRATION_MAX_AHEAD",
    "SIDES",
    "STRUCTS",
    "ZERO_ADDRESS",
    "CancelOrder",
    "CancelVLBatch",
    "Intent",
    "ManageApiKey",
    "Order",
    "SeraOrder",
    "Token",
    "TokenList",
    "WithdrawIntent",
    "api_key_action",
    "api_key_request",
    "build_order",
    "cancel_order",
    "check_action",
    "check_api_key_timestamp",
    "check_expiration",
    "check_side",
    "domain_from_config",
    "intent_from_quote",
    "manage_api_key",
    "require_expiration",
    "safe_expiration",
    "self_revoke_request",
]
