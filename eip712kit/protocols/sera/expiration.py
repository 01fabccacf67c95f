"""The expiration window of orders and quote deadlines: strictly after server time, at most 365 days − 300 s ahead.

Server time is a parameter (``GET /system/time``); :func:`safe_expiration` keeps a buffer from both
ends so a signature is never made on the boundary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...base.errors import ProtocolError
from ...base.renamed import module_getattr
from ..windows import parse_unix_time

EXPIRATION_MAX_AHEAD = 365 * 86_400 - 300
"""An expiration may be at most this many seconds after server time (365 days less 300 s of skew)."""
DEFAULT_LIFETIME = 86_400
"""Default order lifetime in :func:`safe_expiration` (one day, as the document's example uses)."""
DEFAULT_BUFFER = 60
"""Seconds kept clear of both ends of the window by :func:`safe_expiration` (client clock and latency)."""


def parse_expiration(expiration: Any, *, field: str = "expiration") -> int:
    """``expiration`` as an int, refused when missing or 0 (no clock needed for that much)."""
    value = None if expiration is None else parse_unix_time(expiration, field)
    if not value:
        raise ProtocolError(
            f"{field} is missing or 0: Sera refuses an order without a bounded future {field}; "
            "derive one from GET /system/time (safe_expiration)",
            code="EXPIRATION_MISSING",
            path=field,
        )
    return value


def require_expiration_window(expiration: Any, server_now: Any, *, field: str = "expiration") -> int:
    """``expiration`` if it is strictly after ``server_now`` and at most now + 365 days − 300 s.

    The same window applies to quote deadlines (``field="deadline"``). Missing or 0 →
    EXPIRATION_MISSING; not after now → EXPIRATION_PAST; too far → EXPIRATION_TOO_FAR.
    """
    value = parse_expiration(expiration, field=field)
    now = parse_unix_time(server_now, "server_now")
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
    now = parse_unix_time(server_now, "server_now")
    life = parse_unix_time(lifetime, "lifetime")
    margin = parse_unix_time(buffer, "buffer")
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


__all__ = [
    "DEFAULT_BUFFER",
    "DEFAULT_LIFETIME",
    "EXPIRATION_MAX_AHEAD",
    "parse_expiration",
    "require_expiration_window",
    "safe_expiration",
]

if not TYPE_CHECKING:  # old names kept working, with a warning (base/renamed.py)
    __getattr__ = module_getattr(__name__, {
        "check_expiration": "require_expiration_window",
        "require_expiration": "parse_expiration",
    }, globals())
