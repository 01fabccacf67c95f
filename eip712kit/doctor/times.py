"""Unix time mistakes: milliseconds for seconds and back, a remainder of milliseconds, a clock a little off.

A value is a unix time by its size (an integer in the range of unix seconds or milliseconds) and,
where the size alone is ambiguous, by its field's name (timestamp, deadline, expiration,
validUntil, createdAt ...): 1085000000 base units of USDC is in the range of unix seconds too.
Every variant carries its edit, so it combines with a mistake elsewhere ("milliseconds *and* the
wrong chain id").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Context
from .findings import Finding, Variant
from .leaves import int_leaves, leaf_variant
from .message_context import Leaf
from .registry import hypothesis

_TIME_NAME = r"(?i)time|stamp|deadline|exp|date|until|since|epoch|issued|valid|(?<=[a-z])At\Z|_at\Z|\Ats\Z"
"""Field names of unix times (timestamp, deadline, expiration, validUntil, createdAt, ts ...)."""

SECONDS = range(10**9, 10**10)  # unix seconds: 2001-09-09 .. 2286-11-20
MILLISECONDS = range(10**12, 10**13)
SKEW = 60
"""Clock skew searched, in seconds either way (Renance allows ±30 s, Sera's API keys ±5 min)."""


def _ms_finding(leaf: Leaf, signed: int, given: int) -> Finding:
    return Finding(
        "MILLISECONDS_FOR_SECONDS",
        f"{leaf.where} was signed as {signed}, milliseconds, where the document has {given}, seconds: the client "
        "used Date.now() (or time.time()*1000) for a unix time in seconds. Sign seconds "
        "(Math.floor(Date.now() / 1000), int(time.time())).",
        field=leaf.where, step="encodeData", signed_value=signed, given_value=given,
    )


@hypothesis("milliseconds-for-seconds", "message", "a unix time in seconds signed as milliseconds (×1000)", tier=0)
def milliseconds_for_seconds(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for leaf, number in int_leaves(ctx):
        if number in SECONDS:  # a time by its name (tier 0) or only by its size (tier 1: could be an amount)
            yield leaf_variant(ctx, leaf, number * 1000, _ms_finding(leaf, number * 1000, number),
                                   tier=0 if re.search(_TIME_NAME, leaf.field) else 1)


@hypothesis("milliseconds-remainder", "message", "a unix time in seconds signed as milliseconds with a "
            "remainder (×1000 + 1..999)", tier=4)
def milliseconds_with_remainder(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for leaf, number in time_leaves(ctx):  # by name too: an amount's remainders are 999 wasted candidates
        for remainder in range(1, 1000):
            signed = number * 1000 + remainder
            yield leaf_variant(ctx, leaf, signed, _ms_finding(leaf, signed, number), compose=False)


@hypothesis("seconds-for-milliseconds", "message", "a unix time in milliseconds signed as seconds (÷1000)", tier=1)
def seconds_for_milliseconds(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for leaf, number in int_leaves(ctx):
        if number not in MILLISECONDS:
            continue
        for signed in dict.fromkeys((number // 1000, (number + 500) // 1000, -(-number // 1000))):
            yield leaf_variant(ctx, leaf, signed, Finding(
                "SECONDS_FOR_MILLISECONDS",
                f"{leaf.where} was signed as {signed}, seconds, where the document has {number}, milliseconds. "
                "Sign the time in milliseconds, as the document does (Date.now(), int(time.time() * 1000)).",
                field=leaf.where, step="encodeData", signed_value=signed, given_value=number,
            ))


def time_leaves(ctx: Context) -> Iterator[tuple[Leaf, int]]:
    """Unix times in seconds, by value *and* name: 1085000000 base units of USDC is in range too."""
    for leaf, number in int_leaves(ctx):
        if number in SECONDS and re.search(_TIME_NAME, leaf.field):
            yield leaf, number


@hypothesis("clock-skew", "message", f"a unix time in seconds signed up to {SKEW} s off (another clock, a second "
            "Date.now())", tier=2)
def clock_skew(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for leaf, number in time_leaves(ctx):
        for distance in range(1, SKEW + 1):
            for delta in (-distance, distance):
                signed = number + delta
                yield leaf_variant(ctx, leaf, signed, Finding(
                    "CLOCK_SKEW",
                    f"{leaf.where} was signed as {signed}, {abs(delta)} s {'after' if delta > 0 else 'before'} the "
                    f"document's {number}: the signed time and the sent time were taken separately (two calls to "
                    "Date.now(), a request built after signing) or from different clocks. Take the timestamp once and "
                    "use that value both in the signed message and in the request; keep the clock in sync "
                    "(Renance refuses more than ±30 s).",
                    field=leaf.where, step="encodeData", signed_value=signed, given_value=number,
                ), tier=2 if distance <= 5 else 3)


__all__ = ["MILLISECONDS", "SECONDS", "SKEW", "time_leaves"]
