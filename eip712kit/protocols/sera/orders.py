"""The order builder: an order request's fields (side, decimal amount and price on a pair) → the signed Order.

The builder takes the request's own names (``owner_address``, ``from_address``, ``to_address``, …), so
an error names the field a request carries. Also the cancel and intent messages that refer to orders.
Amounts convert exactly into base units (AMOUNT_PRECISION otherwise, unless a rounding mode is named);
the uuid_int binds the order id.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple, ParamSpec, TypeVar

from ...base.errors import Eip712KitError, ProtocolError
from ...base.parsers import parse_address, to_checksum_address
from ...base.renamed import module_getattr, renamed_keywords
from ...core.secp256k1 import ZERO_ADDRESS
from ..amounts import format_decimal, multiply, parse_decimal, scale_to_units
from ..requests import HttpRequest, Prepared, parse_choice
from . import endpoints
from . import uuid_int as uuid_int_mod
from .expiration import parse_expiration, require_expiration_window
from .structs import CancelOrder, Intent, Order
from .tokens import NO_TOKENS, Token, TokenList

# The Order fields a request body does not carry. The document's order example signs these values
# (feeBps 0, recipient ethers.ZeroAddress, initialDepositAmount 0); the builder defaults to them and
# the reference verifier, whose /verify-signature body has no such fields, signs-checks with them.
DEFAULT_FEE_BPS = 0
DEFAULT_RECIPIENT = ZERO_ADDRESS
DEFAULT_INITIAL_DEPOSIT_AMOUNT = 0


SIDES = ("bid", "ask")
"""``bid`` buys the base token with the quote token; ``ask`` sells the base token for the quote token."""
SIDE_HINTS = dict.fromkeys(("buy", "sell"), "Sera's sides are bid and ask; buy/sell is Renance's wording")


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
        return self.request(endpoints.VERIFY_SIGNATURE)

    def orders_request(self) -> HttpRequest:
        return self.request(endpoints.ORDERS)


def _amount_text(given: Any, parsed: Decimal) -> str:
    """An amount as the request carries it: the caller's string, or the parsed number in plain notation."""
    return given if type(given) is str else format_decimal(parsed)


def _order_binding(order_id: str | None, uuid_int: int | str | None, executor_id: int | None,
                   group_order_id: str | None) -> tuple[str, int]:
    """The order id and packed uuid_int, held to the document's rules (see :func:`build_order`)."""
    if uuid_int is not None:
        if order_id is None:
            order_id = uuid_int_mod.unpack(uuid_int).uuid
            uuid_int_mod.parse_uuid4(order_id, path="uuid_int")  # the caller gave only the uuid_int
        fields = uuid_int_mod.require_binding(order_id, uuid_int, executor_id=executor_id,
                                              standalone=group_order_id is None, group_order_id=group_order_id)
        return order_id, fields.value
    if group_order_id is not None:
        raise ProtocolError(
            "a leg of a virtual-liquidity batch needs its uuid_int (uuid_int.pack_batch numbers the legs)",
            code="MISSING_FIELD",
            path="uuid_int",
        )
    if order_id is not None and executor_id is not None:
        uuid_int_mod.parse_uuid4(order_id)
        return order_id, uuid_int_mod.pack(order_id, executor_id)
    raise ProtocolError(
        "an order needs its uuid_int: pass uuid_int, or order_id with executor_id (from GET /health)",
        code="MISSING_FIELD",
        path="uuid_int",
    )


MarketCheck = Callable[[Token, Token], bool]
"""Whether a base/quote pair is a listed market (``GET /markets``)."""

_P = ParamSpec("_P")
_R = TypeVar("_R")


class ParsedOrder(NamedTuple):
    """An order request read by :func:`parse_order_request`: the Order to sign and the request's values behind it."""

    order: Order
    owner: str
    side: str
    base: Token
    quote: Token
    amount: Decimal
    price: Decimal
    expiration: int
    order_id: str
    uuid_int: int


def parse_order_request(
    *,
    owner_address: str,
    side: str,
    amount: Any,
    price: Any,
    from_address: Token | str,
    to_address: Token | str,
    expiration: Any,
    order_id: str | None = None,
    uuid_int: int | str | None = None,
    executor_id: int | None = None,
    group_order_id: str | None = None,
    fee_bps: int = DEFAULT_FEE_BPS,
    recipient: str = DEFAULT_RECIPIENT,
    initial_deposit_amount: int = DEFAULT_INITIAL_DEPOSIT_AMOUNT,
    rounding: str | None = None,
    tokens: TokenList | None = None,
    is_market: MarketCheck | None = None,
    server_now: int | None = None,
) -> ParsedOrder:
    """The Order an order request signs (``POST /orders``, ``/verify-signature``), held to Sera's rules.

    :func:`build_order` takes these keywords and makes the request around the Order (a
    :class:`SeraOrder`); the reference verifier needs only the Order, once a request, and takes it
    from here. The keywords are the request's own names. ``from_address`` is the market's base token and
    ``to_address`` its quote token, whichever the side (a :class:`Token`, or an address or symbol
    looked up in ``tokens``, the ``GET /tokens`` list); ``owner_address`` signs. ``amount`` is in
    base-token units and ``price`` in quote per base, both decimal strings. A bid spends
    ``amount × price`` of quote and receives ``amount`` of base; an ask is the mirror (inferred from
    the document's one example, see docs/protocols.md). Amounts are exact, or AMOUNT_PRECISION unless
    ``rounding`` names a mode. Give the uuid_int, or the order_id and executor_id (``GET /health``)
    to pack it; with both uuid_int and order_id their binding is checked. With ``is_market`` the pair
    must be a listed market (UNKNOWN_MARKET); with ``server_now`` the expiration window is checked.
    ``fee_bps``, ``recipient`` and ``initial_deposit_amount`` are the signed Order's ``feeBps``,
    ``recipient`` and ``initialDepositAmount``, which the request does not carry.

    Every error names the request field it concerns, in the order a person fixing a request wants
    to hear about them: owner, side, tokens and market, amounts, expiration, uuid_int binding.

    The order id is a version-4 UUID (UUID_NOT_V4), as the document says. The order is a
    standalone limit order unless ``group_order_id`` names the order 0 of the virtual-liquidity
    batch it is a leg of: standalone, its uuid_int has ``leg_id`` 0 and ``group_id`` = its own
    UUID's first 112 bits (UUID_NOT_STANDALONE otherwise); a leg carries order 0's group
    (UUID_MISMATCH otherwise) and must be given as a uuid_int (``uuid_int.pack_batch``).
    """
    try:
        owner = to_checksum_address(parse_address(owner_address))
    except Eip712KitError as exc:
        raise exc.at("owner_address") from None
    side = parse_choice(side, SIDES, field="side", code="INVALID_SIDE", hints=SIDE_HINTS)
    book = tokens if tokens is not None else NO_TOKENS
    base = book.resolve(from_address, field="from_address")
    quote = book.resolve(to_address, field="to_address")
    if is_market is not None and not is_market(base, quote):
        raise ProtocolError(f"{base.label} / {quote.label} is not a listed market: from_address is the market's "
                            "base token and to_address its quote token (GET /markets)",
                            code="UNKNOWN_MARKET", path="from_address")
    if base.address == quote.address:
        raise ProtocolError(f"from_address and to_address are the same token {base.label}", code="INVALID_TOKEN",
                            path="to_address")
    amount_value = parse_decimal(amount, field="amount")
    price_value = parse_decimal(price, field="price")
    base_units = scale_to_units(amount_value, base.decimals, rounding=rounding, field="amount", unit=base.label)
    quote_units = scale_to_units(multiply(amount_value, price_value), quote.decimals, rounding=rounding,
                                 field="amount × price", unit=quote.label, path="price")
    expiration = (parse_expiration(expiration) if server_now is None
                  else require_expiration_window(expiration, server_now))
    order_id, packed = _order_binding(order_id, uuid_int, executor_id, group_order_id)
    if side == "bid":
        spend, spend_units, receive, receive_units = quote, quote_units, base, base_units
    else:
        spend, spend_units, receive, receive_units = base, base_units, quote, quote_units
    order = Order(
        user=owner,
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
    return ParsedOrder(order, owner, side, base, quote, amount_value, price_value, expiration, order_id, packed)


def _takes_the_keywords_of(source: Callable[_P, Any]) -> Callable[[Callable[..., _R]], Callable[_P, _R]]:
    """The decorated function takes ``source``'s keywords (it passes them on), as type checkers and
    ``inspect.signature`` then say: the list is written once, on ``source``."""

    def decorate(function: Callable[..., _R]) -> Callable[_P, _R]:
        returns = inspect.signature(function).return_annotation
        function.__signature__ = inspect.signature(source).replace(  # type: ignore[attr-defined]
            return_annotation=returns)
        return function

    return decorate


@renamed_keywords({"base": "from_address", "quote": "to_address", "user": "owner_address"})
@_takes_the_keywords_of(parse_order_request)
def build_order(**request: Any) -> SeraOrder:
    """A limit order, ready to sign, from the fields of its request (``POST /orders``, ``/verify-signature``).

    The keywords, the rules and the errors are :func:`parse_order_request`'s; this makes the request
    around its Order: the fields in documented order, the amounts as the caller wrote them, a place
    for the signature.

    ``base=``, ``quote=`` and ``user=`` are the old names of ``from_address``, ``to_address`` and
    ``owner_address`` (kept, with a DeprecationWarning).
    """
    parsed = parse_order_request(**request)
    fields = {
        "owner_address": parsed.owner,
        "side": parsed.side,
        "amount": _amount_text(request["amount"], parsed.amount),
        "price": _amount_text(request["price"], parsed.price),
        "from_address": parsed.base.address,
        "to_address": parsed.quote.address,
        "order_id": parsed.order_id,
        "uuid_int": str(parsed.uuid_int),
        "signature": None,
        "expiration": parsed.expiration,
    }
    return SeraOrder(parsed.order, parsed.owner, "POST", endpoints.ORDERS, fields)


# --- cancels and intents -----------------------------------------------------------------------

def cancel_order(owner: str, uuid_int: int | str, *, order_id: str | None = None) -> CancelOrder:
    """The CancelOrder message for the order packed as ``uuid_int`` (bound to ``order_id`` when given)."""
    if order_id is not None:
        return CancelOrder(owner=owner, orderId=uuid_int_mod.require_binding(order_id, uuid_int).value)
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
        require_expiration_window(intent.deadline, server_now, field="deadline")
    return intent


__all__ = [
    "DEFAULT_FEE_BPS",
    "DEFAULT_INITIAL_DEPOSIT_AMOUNT",
    "DEFAULT_RECIPIENT",
    "SIDES",
    "SIDE_HINTS",
    "ZERO_ADDRESS",
    "MarketCheck",
    "ParsedOrder",
    "SeraOrder",
    "build_order",
    "cancel_order",
    "intent_from_quote",
    "parse_order_request",
]


if not TYPE_CHECKING:  # old names kept working, with a warning (base/renamed.py)
    __getattr__ = module_getattr(__name__, {"check_side": "parse_choice(side, sera.SIDES, ...)"}, globals(), {
        "check_side": partial(parse_choice, choices=SIDES, field="side", code="INVALID_SIDE", hints=SIDE_HINTS),
    })
