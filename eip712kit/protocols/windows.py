"""Time windows: signed timestamps a server accepts only within a few seconds of its own clock.

Server time is always a parameter (read it from the server: Sera's ``GET /system/time``); nothing
here reads the local clock, so every rule is a pure function a test or a vector can pin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..base import parsers
from ..base.errors import Eip712KitError, ProtocolError, ValueEncodingError
from ..base.renamed import module_getattr

LATEST_UNIX_TIME = 253_402_300_799
"""9999-12-31T23:59:59Z, the last second a four-digit year names: a later "time" is a number, not a time."""


def parse_unix_time(value: Any, field: str) -> int:
    """A non-negative whole number of seconds (int or decimal string), or an error at ``field``."""
    try:
        number = parsers.parse_int(value)
    except Eip712KitError as exc:
        raise exc.at(field) from None
    if number < 0:
        raise ValueEncodingError(f"{field} {number} is negative: times are Unix seconds",
                                 code="INT_OUT_OF_RANGE", path=field)
    return number


def parse_plausible_time(value: Any, field: str) -> int:
    """:func:`parse_unix_time`, at most :data:`LATEST_UNIX_TIME`: for a time signed without a window to hold it to.

    A window (an expiration's 365 days, a timestamp's seconds around server time) bounds most times;
    a Renance Login's timestamp comes from the server with nothing to compare it with, and a Login
    signed for 2**255 was signed before this bound.
    """
    number = parse_unix_time(value, field)
    if number > LATEST_UNIX_TIME:
        shown = str(number) if number < 10**20 else f"of {len(str(number))} digits"
        raise ValueEncodingError(f"{field} {shown} is after the year 9999: not a time in Unix seconds (a "
                                 "millisecond clock, or a number a server made up)", code="INT_OUT_OF_RANGE",
                                 path=field)
    return number


def require_in_window(timestamp: Any, server_now: Any, window: int, *, field: str = "timestamp") -> int:
    """``timestamp`` if it is within ``window`` seconds of ``server_now`` either way (inclusive)."""
    signed = parse_unix_time(timestamp, field)
    now = parse_unix_time(server_now, "server_now")
    if abs(signed - now) > window:
        direction = "ahead of" if signed > now else "behind"
        raise ProtocolError(
            f"{field} {signed} is {abs(signed - now)} s {direction} server time {now}; the server accepts "
            f"±{window} s: take the timestamp from the server's clock and sign again",
            code="TIMESTAMP_OUT_OF_WINDOW",
            path=field,
        )
    return signed


__all__ = ["LATEST_UNIX_TIME", "parse_plausible_time", "parse_unix_time", "require_in_window"]

if not TYPE_CHECKING:  # old names kept working, with a warning (base/renamed.py)
    __getattr__ = module_getattr(__name__, {"check_timestamp_window": "require_in_window",
                                            "unix_time": "parse_unix_time"}, globals())
