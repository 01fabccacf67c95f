"""Message value mistakes: a value in the wrong unit, case, form or field.

Each hypothesis yields alternative struct hashes of the primary type: the document's message
with the one change a mistaken client makes to a *value* — a human amount for base units,
``BUY`` for ``buy``, ``toFixed(2)``, a lowercased address inside a string, fromToken and toToken
swapped, ids joined with ``", "``. Values are recognised by shape (a short word, a decimal
string) and by field name where the shape alone is ambiguous, not by protocol, so the same
search serves any document. Every variant carries its edit, so two of them combine ("BUY *and*
toFixed(2)"). Unix times in the wrong unit or a little off are in :mod:`.times`; what the signer
*declared* differently (types, names, order) is in :mod:`.declared`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from ..base.errors import Eip712KitError
from ..base.parsers import ADDRESS_IN_TEXT, parse_address, to_checksum_address
from .context import Context
from .edits import retyped
from .findings import Finding, Path, Variant, render_path, show
from .leaves import int_leaves, leaf_variant, string_leaves
from .message_context import Leaf
from .registry import hypothesis

_WORD = r"[A-Za-z][A-Za-z_\- ]{0,63}\Z"
_DECIMAL_TEXT = r"-?[0-9]+(\.[0-9]+)?\Z"
_ID_LIST_NAME = r"(?i)ids\Z|_ids\Z|list\Z"

HUMAN_DECIMALS = (6, 8, 18)
OTHER_SCALES = (2, 10, 12)  # 6 vs 8, 8 vs 18, 6 vs 18 decimals


# --- units --------------------------------------------------------------------------------------

def _amount_leaf(number: int) -> bool:
    # Time-like values stay in: 1085000000 base units of USDC is also a plausible unix time.
    return 0 < number < 1 << 128


@hypothesis("human-amount", "message", "an integer amount divided by 10^6, 10^8 or 10^18 (human amount signed)",
            tier=0)
def human_amounts(ctx: Context) -> Iterator[Variant[bytes] | None]:
    tails: list[tuple[Leaf, int, int, int]] = []
    for leaf, number in int_leaves(ctx):
        if not _amount_leaf(number):
            continue
        for decimals in HUMAN_DECIMALS:
            unit = 10**decimals
            if number % unit == 0:
                signed = number // unit
                yield leaf_variant(ctx, leaf, signed, _human_finding(leaf, signed, number, decimals, exact=True),
                                       tier=1 if decimals == 8 else 0)
            elif number >= unit:
                for signed in dict.fromkeys((number // unit, (number + unit // 2) // unit)):
                    tails.append((leaf, signed, number, decimals))
    for leaf, signed, number, decimals in tails:
        yield leaf_variant(ctx, leaf, signed, _human_finding(leaf, signed, number, decimals, exact=False),
                               compose=False, tier=3)


def _human_finding(leaf: Leaf, signed: int, given: int, decimals: int, *, exact: bool) -> Finding:
    how = "" if exact else ", rounded to a whole number"
    return Finding(
        "HUMAN_AMOUNT_AS_BASE_UNITS",
        f"{leaf.where} was signed as {signed} — the document's {given} divided by 10^{decimals}{how}: a human amount "
        f"where base units belong. Multiply by 10^decimals of the token ({decimals} here) before signing "
        "(ethers parseUnits(amount, decimals), viem parseUnits, Python Decimal(amount).scaleb(decimals)).",
        field=leaf.where, step="encodeData", signed_value=signed, given_value=given,
    )


@hypothesis("amount-decimals", "message", "an integer amount scaled by 10^±2, ±6, ±8, ±10, ±12, ±18 (wrong decimals)",
            tier=1)
def wrong_decimals(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for leaf, number in int_leaves(ctx):
        if not _amount_leaf(number):
            continue
        options: list[tuple[int, int]] = [(number // 10**k, -k) for k in OTHER_SCALES if number % 10**k == 0]
        options += [(number * 10**k, k) for k in (*OTHER_SCALES, *HUMAN_DECIMALS)]
        for signed, power in sorted(options, key=lambda o: abs(o[1])):
            more = "more" if power > 0 else "fewer"
            yield leaf_variant(ctx, leaf, signed, Finding(
                "AMOUNT_DECIMALS",
                f"{leaf.where} was signed as {signed} — the document's {number} scaled by 10^{power}: the client used "
                f"{abs(power)} {more} decimal places than the document (e.g. 18 for a 6-decimal token). Scale by the "
                "token's own decimals (Sera: GET /tokens; parseUnits(amount, token.decimals)).",
                field=leaf.where, step="encodeData", signed_value=signed, given_value=number,
            ), tier=1 if abs(power) == 12 else 2 if abs(power) == 2 else 3)


# --- decimal strings ----------------------------------------------------------------------------

def _plain(number: Decimal) -> str:
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _number_texts(text: str) -> list[tuple[str, int]]:
    """Ways a client writes the same decimal number (trimmed, fixed places, float formatting), with tiers."""
    number = Decimal(text)
    plain = _plain(number)
    out = [(plain, 0), (plain + ".0" if "." not in plain else plain, 1)]
    out += [(format(number, f".{places}f"), 0 if places == 2 else 2) for places in (1, 2, 4, 6, 8, 18)]
    try:
        out.append((repr(float(text)), 1))
    except (OverflowError, ValueError):
        pass
    # Only spellings of the same number: a rounding ("0.001" -> "0.0") is another value (number-rounded).
    tiers: dict[str, int] = {}
    for candidate, tier in out:
        if candidate != text and Decimal(candidate) == number:
            tiers.setdefault(candidate, tier)
    return list(tiers.items())


def _decimal_leaves(ctx: Context) -> Iterator[tuple[Leaf, Decimal]]:
    for leaf in string_leaves(ctx):
        if not re.match(_DECIMAL_TEXT, leaf.value) or len(leaf.value) > 60:
            continue
        try:
            yield leaf, Decimal(leaf.value)
        except InvalidOperation:
            continue


@hypothesis("amount-in-string", "message", "a decimal string in base units, human units or another number format",
            tier=0)
def amounts_in_strings(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for leaf, number in _decimal_leaves(ctx):
        for decimals in HUMAN_DECIMALS:
            scaled = number * 10**decimals
            if scaled == scaled.to_integral_value():
                signed = str(int(scaled))
                yield leaf_variant(ctx, leaf, signed, Finding(
                    "BASE_UNITS_AS_HUMAN_AMOUNT",
                    f"{leaf.where} was signed as \"{signed}\" — base units with {decimals} decimals — where the "
                    f"document has the decimal amount \"{leaf.value}\". Sign the amount exactly as the request body "
                    "carries it (the same string, not parseUnits of it).",
                    field=leaf.where, step="encodeData", signed_value=signed, given_value=leaf.value,
                ), tier=1)
            if "." not in leaf.value and number % 10**decimals == 0 and number != 0:
                signed = _plain(number / 10**decimals)
                yield leaf_variant(ctx, leaf, signed, Finding(
                    "HUMAN_AMOUNT_AS_BASE_UNITS",
                    f"{leaf.where} was signed as \"{signed}\" — the document's \"{leaf.value}\" divided by "
                    f"10^{decimals}: a human amount where base units belong. Sign the base-units string the request "
                    "sends.",
                    field=leaf.where, step="encodeData", signed_value=signed, given_value=leaf.value,
                ), tier=1)
        for text, tier in _number_texts(leaf.value):
            yield leaf_variant(ctx, leaf, text, Finding(
                "NUMBER_FORMAT",
                f"{leaf.where} was signed as \"{text}\" where the document has \"{leaf.value}\": the same number, "
                "but a string is signed character by character. Format the number once (the same toFixed / "
                "toString / f-string) and use that one string both in the signed message and in the request.",
                field=leaf.where, step="encodeData", signed_value=text, given_value=leaf.value,
            ), tier=tier)


@hypothesis("number-rounded", "message", "a decimal string rounded to 0..8 places before signing (toFixed(n) of a "
            "finer amount)", tier=2)
def numbers_rounded(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for leaf, number in _decimal_leaves(ctx):
        exponent = number.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        for fewer in range(min(places, 9)):
            text = format(number, f".{fewer}f")  # round half even, as toFixed nearly does; both tried below
            for signed in dict.fromkeys((text, format(number.quantize(Decimal(1).scaleb(-fewer),
                                                                      rounding="ROUND_HALF_UP"), "f"))):
                if Decimal(signed) == number:
                    continue
                yield leaf_variant(ctx, leaf, signed, Finding(
                    "NUMBER_ROUNDED",
                    f"{leaf.where} was signed as \"{signed}\" — the document's \"{leaf.value}\" rounded to {fewer} "
                    f"decimal place{'s' if fewer != 1 else ''} (toFixed({fewer})): another number. Sign the exact "
                    "string the request carries; round once, before both.",
                    field=leaf.where, step="encodeData", signed_value=signed, given_value=leaf.value,
                ))


# --- strings ------------------------------------------------------------------------------------

_CASES: tuple[tuple[str, Callable[[str], str], int], ...] = (
    ("upper case", str.upper, 0), ("lower case", str.lower, 0), ("capitalised", str.capitalize, 1),
    ("title case", str.title, 1),
)


def _word_leaves(ctx: Context) -> list[Leaf]:
    return [leaf for leaf in string_leaves(ctx) if re.match(_WORD, leaf.value)]


@hypothesis("string-case", "message", "short string values (side, orderType, symbol ...) in upper, lower and "
            "title case, one at a time and all together", tier=0)
def string_cases(ctx: Context) -> Iterator[Variant[bytes] | None]:
    leaves = _word_leaves(ctx)
    for leaf in leaves:
        for label, change, tier in _CASES:
            signed = change(leaf.value)
            if signed == leaf.value:
                continue
            yield leaf_variant(ctx, leaf, signed, _case_finding(leaf, signed, label), tier=tier)
    if len(leaves) < 2:
        return
    for label, change, _tier in _CASES:
        changes: list[tuple[Path, Any]] = []
        findings = []
        for leaf in leaves:
            if change(leaf.value) != leaf.value:
                changes.append((leaf.path, change(leaf.value)))
                findings.append(_case_finding(leaf, change(leaf.value), label))
        if len(findings) > 1:
            yield ctx.message.value_variant(changes, *findings, tier=1)


def _case_finding(leaf: Leaf, signed: str, label: str) -> Finding:
    return Finding(
        "STRING_CASE",
        f"{leaf.where} was signed as {show(signed)} ({label}) where the document has {show(leaf.value)}: strings are "
        "hashed byte for byte, so case matters. Sign the value exactly as the API spells it "
        f"({show(leaf.value)}) — drop the .toUpperCase() / enum name, send the same string in the request.",
        field=leaf.where, step="encodeData", signed_value=signed, given_value=leaf.value,
    )


SYNONYMS: dict[str, tuple[str, ...]] = {
    "buy": ("bid", "long", "b"),
    "sell": ("ask", "short", "s"),
    "bid": ("buy",),
    "ask": ("sell",),
    "limit": ("lmt",),
    "market": ("mkt",),
}


@hypothesis("string-synonym", "message", "side/order-type words as their synonyms (bid/ask for buy/sell ...)",
            tier=1)
def string_synonyms(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for leaf in _word_leaves(ctx):
        for synonym in SYNONYMS.get(leaf.value.lower(), ()):
            for written in dict.fromkeys((synonym, synonym.upper(), synonym.capitalize())):
                yield leaf_variant(ctx, leaf, written, Finding(
                    "STRING_SYNONYM",
                    f"{leaf.where} was signed as {show(written)} where the document has {show(leaf.value)}: another "
                    f"API's word for the same thing. Sign {show(leaf.value)}, the word this API uses.",
                    field=leaf.where, step="encodeData", signed_value=written, given_value=leaf.value,
                ))


@hypothesis("address-case-in-string", "message", "addresses inside string values lowercased, checksummed or "
            "uppercased", tier=1)
def address_case_in_strings(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for leaf in string_leaves(ctx):
        if not re.search(ADDRESS_IN_TEXT, leaf.value):
            continue

        def checksum(match: re.Match[str]) -> str:
            try:
                return to_checksum_address(parse_address(match.group(0).lower()))
            except Eip712KitError:
                return match.group(0)

        forms = (
            ("lowercase", re.sub(ADDRESS_IN_TEXT, lambda m: m.group(0).lower(), leaf.value)),
            ("EIP-55 checksummed", re.sub(ADDRESS_IN_TEXT, checksum, leaf.value)),
            ("uppercase hex", re.sub(ADDRESS_IN_TEXT, lambda m: "0x" + m.group(0)[2:].upper(), leaf.value)),
        )
        for label, signed in forms:
            if signed == leaf.value:
                continue
            yield leaf_variant(ctx, leaf, signed, Finding(
                "ADDRESS_CASE_IN_STRING",
                f"{leaf.where} was signed with the address in {label} ({show(signed)}) where the document has "
                f"{show(leaf.value)}: inside a string an address is just characters, so its case is signed. Use the "
                "exact form the server builds the string with (no getAddress() / toLowerCase() on the way).",
                field=leaf.where, step="encodeData", signed_value=signed, given_value=leaf.value,
            ))


def _ids(text: str) -> list[str] | None:
    """The ids of a comma-separated list ("a,b,c"), or None when the text is no such list."""
    parts = text.split(",")
    if any(not p or p != p.strip() for p in parts):
        return None
    return parts


@hypothesis("id-list-format", "message", "a comma-joined list of ids joined with \", \" (or ; | space), sent as a "
            "JSON array text, or declared string[]", tier=0)
def id_list_formats(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for leaf in string_leaves(ctx):
        ids = _ids(leaf.value)
        if ids is None or (len(ids) < 2 and not re.search(_ID_LIST_NAME, leaf.field)):
            continue
        forms = [
            ("joined with \", \"", ", ".join(ids), 0),
            ("as a JSON array (JSON.stringify(ids))", json.dumps(ids, separators=(",", ":")), 0),
            ("as a JSON array with spaces (Python json.dumps)", json.dumps(ids), 1),
            ("as Python's str(list)", str(ids), 1),
            ("joined with \";\"", ";".join(ids), 1),
            ("joined with \" \"", " ".join(ids), 1),
            ("joined with \"|\"", "|".join(ids), 1),
            ("with a trailing comma", ",".join(ids) + ",", 1),
        ]
        for label, signed, tier in forms:
            yield leaf_variant(ctx, leaf, signed, _id_list_finding(leaf, label, signed), tier=tier)
        if len(leaf.path) == 1:  # declared string[] holding the ids: only for a field of the primary struct
            types = retyped(ctx.message.types(), leaf.struct, leaf.field, "string[]")
            yield ctx.message.types_variant(types, _id_list_finding(leaf, "as an array declared string[]", ids),
                                        changes=[(leaf.path, ids)], tier=1)


def _id_list_finding(leaf: Leaf, label: str, signed: Any) -> Finding:
    return Finding(
        "ID_LIST_FORMAT",
        f"{leaf.where} was signed with the ids {label}: {show(signed)}, where the document has {show(leaf.value)}. "
        "The field is one string with the ids joined by a bare comma: sign ids.join(\",\") (Python \",\".join(ids)), "
        "exactly as the request's list is joined.",
        field=leaf.where, step="encodeData", signed_value=signed, given_value=leaf.value,
    )


# --- values in the wrong field ------------------------------------------------------------------

_SIDE_A = {"from", "input", "in", "src", "source", "sell", "maker", "max", "base", "pay"}
_SIDE_B = {"to", "output", "out", "dst", "destination", "buy", "taker", "min", "quote", "receive"}
_QUANTITIES = {"amount", "quantity", "qty", "size"}


def _words(name: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)]


def mirrored(a: str, b: str) -> bool:
    """Two field names for the two sides of one thing: fromToken/toToken, maxInputAmount/minOutputAmount."""
    wa, wb = _words(a), _words(b)
    if len(wa) != len(wb) or wa == wb:
        return False
    return all(x == y or (x in _SIDE_A and y in _SIDE_B) or (x in _SIDE_B and y in _SIDE_A)
               for x, y in zip(wa, wb, strict=True))


def _usual_swap(a: str, b: str) -> bool:
    names = {a.lower(), b.lower()}
    return mirrored(a, b) or ("price" in names and bool(names & _QUANTITIES))


def _swap_finding(where: Path, a: str, b: str, values: dict[str, Any]) -> Finding:
    first, second = render_path("message", (*where, a)), render_path("message", (*where, b))
    return Finding(
        "VALUES_SWAPPED",
        f"{first} and {second} were signed with each other's values ({show(values[b])} and {show(values[a])}): "
        "the two fields have the same type, so nothing refused it. Assign each value to its own field"
        + (" — from* is what the order spends, to* what it receives; for a Sera bid that is the quote token and "
           "amount × price, for an ask the base token and the amount." if mirrored(a, b) else
           " (price is the price, amount the quantity)." if "price" in {a.lower(), b.lower()} else "."),
        field=first, step="encodeData", signed_value={a: values[b], b: values[a]},
        given_value={a: values[a], b: values[b]},
    )


@hypothesis("value-swap", "message", "the values of two fields of the same type swapped (fromToken/toToken, "
            "fromAmount/toAmount, price/amount ...), and every from/to pair at once (a bid built as an ask)", tier=0)
def swapped_values(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for path, struct, values in ctx.message.struct_values():
        fields = ctx.message.schema.types[struct]
        pairs = [(a, b) for i, (a, ta) in enumerate(fields) for b, tb in fields[i + 1:] if ta == tb]
        mirror: list[tuple[str, str]] = []
        for a, b in pairs:
            if values[a] == values[b]:
                continue
            usual = _usual_swap(a, b)
            if mirrored(a, b) and not any({a, b} & set(p) for p in mirror):
                mirror.append((a, b))
            yield ctx.message.value_variant([((*path, a), values[b]), ((*path, b), values[a])],
                                        _swap_finding(path, a, b, values), tier=0 if usual else 2)
        if len(mirror) > 1:
            changes: list[tuple[Path, Any]] = []
            for a, b in mirror:
                changes += [((*path, a), values[b]), ((*path, b), values[a])]
            yield ctx.message.value_variant(changes, *(_swap_finding(path, a, b, values) for a, b in mirror), tier=0)


__all__ = ["HUMAN_DECIMALS", "SYNONYMS", "mirrored"]
