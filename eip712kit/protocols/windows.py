"""Time windows: signed timestamps a server accepts only within a few seconds of its own clock.

Server time is always a parameter (read it from the server: Sera's ``GET /system/time``); nothing
here reads the local clock, so every rule is a pure function a test or a vector can pin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..base import parsers
from ..base.errors import Eip712KitError, ProtocolError, ValueEncodingError
from ..base.renamed import module_getattr


def unix_time(value: Any, field: str) -> int:
    """A non-negative whole number of seconds (int or decimal string), or an error at ``field``."""
    try:
        number = parsers.parse_int(value)
    except Eip712KitError as exc:
        raise exc.at(field) from None
    if number < 0:
        raise ValueEncodingError(f"{field} {number} is negative: times are Unix seconds",
                                 code="INT_OUT_OF_RANGE", path=field)
    return number


def require_in_window(timestamp: Any, server_now: Any, window: int, *, field: str = "timestamp") -> int:
    """``timestamp`` if it is within ``window`` seconds of ``server_now`` either way (inclusive)."""
    signed = unix_time(timestamp, field)
    now = unix_time(server_now, "server_now")
    if abs(signed - now) > window:
        direction = "ahead of" if signed > now else "behind"
        raise ProtocolError(
            f"{field} {signed} is {abs(signed - now)} s {direction} server time {now}; the server accepts "
            f"±{window} s: take the timestamp from the server's clock and sign again",
            code="TIMESTAMP_OUT_OF_WINDOW",
            path=field,
        )
    return signed


__all__ = ["require_in_window", "unix_time"]

if not TYPE_CHECKING:  # old names kept working, with a warning (base/renamed.py)
    __getattr__ = module_getattr(__name__, {"check_timestamp_window": "require_in_window"}, globals())
