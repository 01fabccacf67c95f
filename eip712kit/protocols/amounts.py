"""Exact decimal amounts to token base units: the arithmetic a signed order's integers come from.

A human amount (``"1000.0"`` EURC) becomes an integer of base units (``1000000000`` at 6 decimals)
in the signed struct. A float cannot carry ``1.085`` exactly, so amounts are decimal strings (or
:class:`~decimal.Decimal` / ``int``), multiplied in a context wide enough that no product is ever
rounded. An amount with more fractional digits than the token has is an error (AMOUNT_PRECISION):
signing a different amount than the one the person asked for is the silent adjustment this kit
refuses. A caller who wants rounding names the mode — ``"down"``, ``"up"`` or ``"half_even"`` —
and gets exactly that.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_UP, Context, Decimal, Inexact, InvalidOperation
from typing import TYPE_CHECKING, Any

from ..base.errors import ProtocolError
from ..base.renamed import module_getattr

ROUNDING_MODES: dict[str, str] = {"down": ROUND_DOWN, "up": ROUND_UP, "half_even": ROUND_HALF_EVEN}
"""Named rounding modes (amounts are positive, so ``down`` is floor and ``up`` is ceiling)."""

MAX_DECIMAL_CHARS = 100
"""Longest amount string accepted; far beyond any real amount, short enough to keep arithmetic cheap."""

MAX_TOKEN_DECIMALS = 255
"""ERC-20 ``decimals()`` is a uint8."""

_DECIMAL_TEXT = re.compile(r"[0-9]+(?:\.[0-9]+)?\Z")
# Two 100-digit operands multiply to at most 200 digits; 10**255 only moves the exponent. With
# Inexact trapped, any rounding the context would do raises instead.
_EXACT = Context(prec=600, Emax=10_000, Emin=-10_000, traps=[Inexact, InvalidOperation])
_UINT256_MAX = (1 << 256) - 1


def parse_decimal(value: Any, *, field: str = "amount") -> Decimal:
    """A positive decimal from a string like ``"1000.0"``, a Decimal or an int; floats are refused."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ProtocolError(
            f"{field} {value!r} is a {type(value).__name__}: pass it as a decimal string like \"1.085\" "
            "(a float cannot hold most decimal amounts exactly)",
            code="INVALID_AMOUNT",
            path=field,
        )
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ProtocolError(f"{field} {value} is not a finite number", code="INVALID_AMOUNT", path=field)
        number = value
    elif isinstance(value, str):
        if len(value) > MAX_DECIMAL_CHARS:
            raise ProtocolError(
                f"{field} has {len(value)} characters; amounts are at most {MAX_DECIMAL_CHARS}",
                code="INVALID_AMOUNT",
                path=field,
            )
        if value[:1] == "-" and _DECIMAL_TEXT.match(value[1:]):
            raise ProtocolError(f"{field} {value} is negative: amounts are positive", code="INVALID_AMOUNT",
                                path=field)
        if not _DECIMAL_TEXT.match(value):
            raise ProtocolError(
                f"{field} {value!r} is not a decimal number: write digits with an optional fraction, "
                "like \"1000\" or \"1.085\" (no sign, spaces, exponent or thousands separators)",
                code="INVALID_AMOUNT",
                path=field,
            )
        number = Decimal(value)
    else:
        raise ProtocolError(
            f"{field} must be a decimal string like \"1.085\", not {type(value).__name__}",
            code="INVALID_AMOUNT",
            path=field,
        )
    # A string of at most MAX_DECIMAL_CHARS digits and a point has no more digits than that, and no
    # exponent beyond it: only an int or a Decimal can break the next rule.
    if type(value) is not str and (len(number.as_tuple().digits) > MAX_DECIMAL_CHARS
                                   or not -MAX_DECIMAL_CHARS <= number.adjusted() <= MAX_DECIMAL_CHARS):
        raise ProtocolError(
            f"{field} has more than {MAX_DECIMAL_CHARS} digits or an exponent beyond ±{MAX_DECIMAL_CHARS}",
            code="INVALID_AMOUNT",
            path=field,
        )
    if number <= 0:
        raise ProtocolError(
            f"{field} {format_decimal(number)} is not positive: amounts must be greater than zero",
            code="INVALID_AMOUNT",
            path=field,
        )
    return number


def format_decimal(number: Decimal) -> str:
    """Plain positional notation, never an exponent (``Decimal("1E+3")`` → ``"1000"``)."""
    return format(number, "f")


def decimal_places(number: Decimal) -> int:
    """How many fractional digits a finite decimal needs (``1.0850`` → 3)."""
    exponent = number.normalize(_EXACT).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def multiply(a: Decimal, b: Decimal) -> Decimal:
    """The exact product of two decimals (no rounding can occur at these sizes)."""
    return _EXACT.multiply(a, b)


def parse_rounding(rounding: str | None) -> str | None:
    """The :mod:`decimal` constant of a named rounding mode (None means: refuse inexact amounts)."""
    if rounding is None:
        return None
    if rounding not in ROUNDING_MODES:
        raise ProtocolError(
            f"rounding {rounding!r} is not a mode: use one of {', '.join(ROUNDING_MODES)}, "
            "or None to refuse amounts that do not convert exactly",
            code="INVALID_ROUNDING",
            path="rounding",
        )
    return ROUNDING_MODES[rounding]


def parse_decimals(decimals: Any, *, field: str = "decimals") -> int:
    if type(decimals) is not int or not 0 <= decimals <= MAX_TOKEN_DECIMALS:
        raise ProtocolError(
            f"token decimals {decimals!r} is not a whole number from 0 to {MAX_TOKEN_DECIMALS}",
            code="INVALID_TOKEN",
            path=field,
        )
    return decimals


def scale_to_units(
    number: Decimal, decimals: int, *, rounding: str | None = None, field: str = "amount", unit: str = "the token",
    path: str | None = None,
) -> int:
    """``number × 10**decimals`` as an integer, exactly or by the named rounding mode.

    ``field`` and ``unit`` name the number and the token in error sentences; ``path`` is the request
    field an error points at when the number is none of them (``amount × price`` → ``price``). A result
    of zero units (only possible when rounding) or above uint256 is refused.
    """
    path = field if path is None else path
    mode = parse_rounding(rounding)
    decimals = parse_decimals(decimals)
    scaled = number.scaleb(decimals, _EXACT)
    integral = scaled.to_integral_value(rounding=ROUND_DOWN, context=_EXACT)
    if scaled != integral:
        if mode is None:
            places = decimal_places(number)
            raise ProtocolError(
                f"{field} {format_decimal(number)} has {places} decimal places but {unit} has {decimals}: "
                "pass an amount that fits, or name a rounding mode (down, up, half_even)",
                code="AMOUNT_PRECISION",
                path=path,
            )
        integral = scaled.to_integral_value(rounding=mode, context=_EXACT)
    units = int(integral)
    if units == 0:
        raise ProtocolError(
            f"{field} {format_decimal(number)} is less than one base unit of {unit} ({decimals} decimals)",
            code="AMOUNT_PRECISION",
            path=path,
        )
    if units > _UINT256_MAX:
        raise ProtocolError(f"{field} {format_decimal(number)} is too large for a uint256 amount",
                            code="INVALID_AMOUNT", path=path)
    return units


def to_base_units(value: Any, decimals: int, *, rounding: str | None = None, field: str = "amount") -> int:
    """A positive decimal amount (string, Decimal or int) in base units of a token with ``decimals``."""
    return scale_to_units(parse_decimal(value, field=field), decimals, rounding=rounding, field=field)


__all__ = [
    "MAX_DECIMAL_CHARS",
    "MAX_TOKEN_DECIMALS",
    "ROUNDING_MODES",
    "decimal_places",
    "format_decimal",
    "multiply",
    "parse_decimal",
    "parse_decimals",
    "parse_rounding",
    "scale_to_units",
    "to_base_units",
]

if not TYPE_CHECKING:  # old names kept working, with a warning (base/renamed.py)
    __getattr__ = module_getattr(__name__, {
        "check_rounding": "parse_rounding",
        "check_decimals": "parse_decimals",
    }, globals())
