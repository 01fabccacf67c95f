"""The time_window suite: protocol time rules around a fixed server_now, outcomes written by hand."""

from __future__ import annotations

from typing import Any

from eip712kit import conformance

from .common import (
    SERVER_NOW,
    UINT48_MAX,
)
from .suite import Suite

_ABSENT = object()


def build_time_window(att: dict[str, Any]) -> Suite:
    s = Suite("time_window", "Time rules with a fixed server_now (no clock): Sera expiration and quote deadline "
              "(strictly after now, at most now + 365 days - 300 s), Sera API-key timestamps (±300 s) and "
              "Renance timestamps (±30 s), at and around every boundary. The outcomes are written by hand "
              "from the rule, and eip712kit must agree.", att)
    now = SERVER_NOW
    far = 365 * 86400 - 300

    def case(rule: str, label: str, value: Any, outcome: str | None, description: str) -> None:
        name = conformance.TIME_WINDOW_RULES[rule]
        inp: dict[str, Any] = {"rule": rule, "server_now": now}
        if value is not _ABSENT:
            inp[name] = value
        cid = f"{rule}-{label}"
        if outcome is None:
            s.positive(cid, "time_window", description, inp)
        else:
            s.negative(cid, "time_window", description, inp, outcome, name)

    for rule in ("sera_expiration", "sera_deadline"):
        case(rule, "now-plus-1", now + 1, None, "One second after server time: accepted.")
        case(rule, "one-day", now + 86400, None, "One day ahead: accepted.")
        case(rule, "max", now + far, None, "Exactly now + 365 days - 300 s: accepted (the bound is inclusive).")
        case(rule, "max-minus-1", now + far - 1, None, "One second inside the far bound: accepted.")
        case(rule, "max-plus-1", now + far + 1, "EXPIRATION_TOO_FAR", "One second beyond the far bound.")
        case(rule, "365-days", now + 365 * 86400, "EXPIRATION_TOO_FAR", "A full 365 days ahead is too far.")
        case(rule, "uint48-max", UINT48_MAX, "EXPIRATION_TOO_FAR", "uint48 max: far too far.")
        case(rule, "now", now, "EXPIRATION_PAST", "Equal to server time: not strictly after.")
        case(rule, "now-minus-1", now - 1, "EXPIRATION_PAST", "One second in the past.")
        case(rule, "one", 1, "EXPIRATION_PAST", "1970-01-01T00:00:01Z.")
        case(rule, "zero", 0, "EXPIRATION_MISSING", "Zero means missing.")
        case(rule, "absent", _ABSENT, "EXPIRATION_MISSING", "No value at all.")
        case(rule, "decimal-string", str(now + 60), None, "A decimal string is the same number: accepted.")
    for rule, window in (("sera_api_key_timestamp", 300), ("renance_timestamp", 30)):
        for delta in (0, 1, -1, window - 1, -(window - 1), window, -window):
            case(rule, f"delta-{'plus' if delta >= 0 else 'minus'}-{abs(delta)}", now + delta, None,
                 f"{delta:+d} s from server time: within ±{window} s (inclusive).")
        for delta in (window + 1, -(window + 1), 10 * window, -now):
            case(rule, f"delta-{'plus' if delta >= 0 else 'minus'}-{abs(delta)}", now + delta,
                 "TIMESTAMP_OUT_OF_WINDOW", f"{delta:+d} s from server time: outside ±{window} s.")
    return s
