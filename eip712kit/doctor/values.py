"""Message mistakes: a value in the wrong unit, case or form, or a field declared differently.

Each hypothesis yields alternative struct hashes of the primary type: the document's message
(or its types) with the one change a mistaken client makes — milliseconds for seconds, a human
amount for base units, ``BUY`` for ``buy``, a lowercased address inside a string, ``uint256``
declared where ``uint48`` belongs, a field left out as ``eth_signTypedData_v3`` leaves out an
undefined value. Values are recognised by shape (a number in the range of unix seconds, a short
word, a decimal string), not by protocol, so the same search serves any document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from ..encoding import parse_address, parse_int, to_checksum_address
from ..errors import Eip712KitError
from ..hashing import keccak256
from ..typed_data import parse_field_type
from .context import Context, Leaf, Types, render_path, show
from .findings import Finding, Variant
from .registry import hypothesis

_INT_TYPE = re.compile(r"(u?int)([0-9]+)\Z")
_WORD = re.compile(r"[A-Za-z][A-Za-z_\- ]{0,63}\Z")
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")
_ADDRESS_IN_TEXT = re.compile(r"0x[0-9a-fA-F]{40}(?![0-9a-fA-F])")

WIDTHS = (256, 128, 64, 48, 32, 96, 112, 160, 40, 24, 16, 8, 56, 72, 80, 88, 104, 120, 136, 144, 152, 168, 176,
          184, 192, 200, 208, 216, 224, 232, 240, 248)
"""Integer widths tried, the usual ones first."""

SECONDS = range(10**9, 10**10)  # unix seconds: 2001-09-09 .. 2286-11-20
MILLISECONDS = range(10**12, 10**13)
HUMAN_DECIMALS = (6, 8, 18)
OTHER_SCALES = (2, 10, 12)  # 6 vs 8, 8 vs 18, 6 vs 18 decimals


def int_leaves(ctx: Context) -> Iterator[tuple[Leaf, int]]:
    for leaf in ctx.leaves():
        if _INT_TYPE.match(leaf.type):
            try:
                yield leaf, parse_int(leaf.value)
            except Eip712KitError:
                continue


def string_leaves(ctx: Context) -> Iterator[Leaf]:
    for leaf in ctx.leaves():
        if leaf.type == "string" and isinstance(leaf.value, str):
            yield leaf


def _value_variant(ctx: Context, leaf: Leaf, value: Any, finding: Finding, compose: bool = True
                   ) -> Variant[bytes] | None:
    return ctx.message_variant(ctx.struct_hash_with(ctx.replace(leaf.path, value)), finding, compose=compose)


def _field_index(ctx: Context, struct: str, field: str) -> int:
    return [n for n, _ in ctx.schema.types[struct]].index(field)


# --- declared types -----------------------------------------------------------------------------

@hypothesis("type-width", "message", "each integer field declared with another width or signedness")
def other_widths(ctx: Context) -> Iterator[Variant[bytes]]:
    for struct in ctx.reachable():
        for index, (field, ftype) in enumerate(ctx.schema.types[struct]):
            base, _dims = parse_field_type(ftype)
            match = _INT_TYPE.match(base)
            if not match:
                continue
            kind, bits = match.group(1), int(match.group(2))
            options = [f"{kind}{w}" for w in WIDTHS if w != bits]
            options.insert(0, f"{'int' if kind == 'uint' else 'uint'}{bits}")
            for option in options:
                new_type = option + ftype[len(base):]
                types: Types = ctx.types()
                types[struct] = tuple((n, new_type if n == field else t) for n, t in types[struct])
                variant = ctx.message_variant(ctx.struct_hash_with(types=types), Finding(
                    "TYPE_WIDTH",
                    f"The signer declared {struct}.{field} as {new_type}, the document as {ftype}. The value is "
                    "the same, but the declared type is part of encodeType, so the typeHash differs. Declare "
                    f"{field} as {ftype}, exactly as the API documents it.",
                    field=f"types.{struct}[{index}].type", step="typeHash (encodeType)",
                    signed_value=new_type, given_value=ftype,
                ))
                if variant:
                    yield variant


@hypothesis("field-order", "message", "the struct's fields in alphabetical or message-key order")
def other_field_orders(ctx: Context) -> Iterator[Variant[bytes]]:
    for struct in ctx.reachable():
        fields = ctx.schema.types[struct]
        orders = [tuple(sorted(fields))]
        if struct == ctx.primary and isinstance(ctx.message, dict):
            by_key = [f for k in ctx.message for f in fields if f[0] == k]
            if len(by_key) == len(fields):
                orders.insert(0, tuple(by_key))
        for order in orders:
            if order == fields:
                continue
            types = ctx.types()
            types[struct] = order
            variant = ctx.message_variant(ctx.struct_hash_with(types=types), Finding(
                "FIELD_ORDER",
                f"The signer declared {struct}'s fields as ({', '.join(n for n, _ in order)}), the document as "
                f"({', '.join(n for n, _ in fields)}): field order is part of the hash. Declare the fields in the "
                "documented order (a client that builds types from a dict or sorts keys loses it).",
                field=f"types.{struct}", step="typeHash (encodeType) and encodeData",
                signed_value=[n for n, _ in order], given_value=[n for n, _ in fields],
            ))
            if variant:
                yield variant


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


@hypothesis("field-name", "message", "each primary-struct field name in snake_case / camelCase")
def other_field_names(ctx: Context) -> Iterator[Variant[bytes]]:
    if ctx.primary == "EIP712Domain" or not isinstance(ctx.message, dict):
        return
    fields = ctx.schema.types[ctx.primary]
    for index, (field, _type) in enumerate(fields):
        for new_name in dict.fromkeys((_snake(field), _camel(field), field.lower())):
            if new_name == field or any(new_name == n for n, _ in fields):
                continue
            types = ctx.types()
            types[ctx.primary] = tuple((new_name if n == field else n, t) for n, t in fields)
            variant = ctx.message_variant(ctx.struct_hash_with(ctx.rename((field,), new_name), types=types), Finding(
                "FIELD_NAME",
                f"The signer named the field {new_name!r} where the document has {field!r} (in {ctx.primary}): field "
                "names are part of encodeType. A request body may use one spelling (order_type) while the signed "
                "struct uses another (orderType); sign with the struct's.",
                field=f"types.{ctx.primary}[{index}].name", step="typeHash (encodeType)",
                signed_value=new_name, given_value=field,
            ))
            if variant:
                yield variant


@hypothesis("number-as-string", "message", "each integer field of the primary struct declared string, value "
            "as decimal text")
def numbers_as_strings(ctx: Context) -> Iterator[Variant[bytes]]:
    if ctx.primary == "EIP712Domain":
        return
    for index, (field, ftype) in enumerate(ctx.schema.types[ctx.primary]):
        if not _INT_TYPE.match(ftype):
            continue
        try:
            number = parse_int(ctx.message[field])
        except (Eip712KitError, KeyError, TypeError):
            continue
        types = ctx.types()
        types[ctx.primary] = tuple((n, "string" if n == field else t) for n, t in types[ctx.primary])
        variant = ctx.message_variant(ctx.struct_hash_with(ctx.replace((field,), str(number)), types=types), Finding(
            "NUMBER_AS_STRING",
            f"The signer declared {ctx.primary}.{field} as string and signed the text \"{number}\"; the document "
            f"declares {ftype}. Declare it {ftype} and pass the number (as a decimal string or a JSON number).",
            field=f"types.{ctx.primary}[{index}].type", step="typeHash (encodeType) and encodeData",
            signed_value="string", given_value=ftype,
        ))
        if variant:
            yield variant


# --- units --------------------------------------------------------------------------------------

def _ms_finding(leaf: Leaf, signed: int, given: int) -> Finding:
    return Finding(
        "MILLISECONDS_FOR_SECONDS",
        f"{leaf.where} was signed as {signed}, milliseconds, where the document has {given}, seconds: the client "
        "used Date.now() (or time.time()*1000) for a unix time in seconds. Sign seconds "
        "(Math.floor(Date.now() / 1000), int(time.time())).",
        field=leaf.where, step="encodeData", signed_value=signed, given_value=given,
    )


@hypothesis("milliseconds-for-seconds", "message", "a unix time in seconds signed as milliseconds (×1000)")
def milliseconds_for_seconds(ctx: Context) -> Iterator[Variant[bytes]]:
    for leaf, number in int_leaves(ctx):
        if number in SECONDS:
            variant = _value_variant(ctx, leaf, number * 1000, _ms_finding(leaf, number * 1000, number))
            if variant:
                yield variant


@hypothesis("milliseconds-remainder", "message", "a unix time in seconds signed as milliseconds with a "
            "remainder (×1000 + 1..999)", tail=True)
def milliseconds_with_remainder(ctx: Context) -> Iterator[Variant[bytes]]:
    for leaf, number in int_leaves(ctx):
        if number in SECONDS:
            for remainder in range(1, 1000):
                signed = number * 1000 + remainder
                variant = _value_variant(ctx, leaf, signed, _ms_finding(leaf, signed, number), compose=False)
                if variant:
                    yield variant


@hypothesis("seconds-for-milliseconds", "message", "a unix time in milliseconds signed as seconds (÷1000)")
def seconds_for_milliseconds(ctx: Context) -> Iterator[Variant[bytes]]:
    for leaf, number in int_leaves(ctx):
        if number not in MILLISECONDS:
            continue
        for signed in dict.fromkeys((number // 1000, (number + 500) // 1000, -(-number // 1000))):
            variant = _value_variant(ctx, leaf, signed, Finding(
                "SECONDS_FOR_MILLISECONDS",
                f"{leaf.where} was signed as {signed}, seconds, where the document has {number}, milliseconds. "
                "Sign the time in milliseconds, as the document does.",
                field=leaf.where, step="encodeData", signed_value=signed, given_value=number,
            ))
            if variant:
                yield variant


def _amount_leaf(number: int) -> bool:
    # Time-like values stay in: 1085000000 base units of USDC is also a plausible unix time.
    return 0 < number < 1 << 128


@hypothesis("human-amount", "message", "an integer amount divided by 10^6, 10^8 or 10^18 (human amount signed)")
def human_amounts(ctx: Context) -> Iterator[Variant[bytes]]:
    tails: list[tuple[Leaf, int, int, int]] = []
    for leaf, number in int_leaves(ctx):
        if not _amount_leaf(number):
            continue
        for decimals in HUMAN_DECIMALS:
            unit = 10**decimals
            if number % unit == 0:
                signed = number // unit
                variant = _value_variant(ctx, leaf, signed, _human_finding(leaf, signed, number, decimals, exact=True))
                if variant:
                    yield variant
            elif number >= unit:
                for signed in dict.fromkeys((number // unit, (number + unit // 2) // unit)):
                    tails.append((leaf, signed, number, decimals))
    for leaf, signed, number, decimals in tails:
        variant = _value_variant(ctx, leaf, signed, _human_finding(leaf, signed, number, decimals, exact=False),
                                 compose=False)
        if variant:
            yield variant


def _human_finding(leaf: Leaf, signed: int, given: int, decimals: int, *, exact: bool) -> Finding:
    how = "" if exact else ", rounded to a whole number"
    return Finding(
        "HUMAN_AMOUNT_AS_BASE_UNITS",
        f"{leaf.where} was signed as {signed} — the document's {given} divided by 10^{decimals}{how}: a human amount "
        f"where base units belong. Multiply by 10^decimals of the token ({decimals} here) before signing.",
        field=leaf.where, step="encodeData", signed_value=signed, given_value=given,
    )


@hypothesis("amount-decimals", "message", "an integer amount scaled by 10^±2, ±6, ±8, ±10, ±12, ±18 (wrong decimals)")
def wrong_decimals(ctx: Context) -> Iterator[Variant[bytes]]:
    for leaf, number in int_leaves(ctx):
        if not _amount_leaf(number):
            continue
        options: list[tuple[int, int]] = [(number // 10**k, -k) for k in OTHER_SCALES if number % 10**k == 0]
        options += [(number * 10**k, k) for k in (*OTHER_SCALES, *HUMAN_DECIMALS)]
        for signed, power in sorted(options, key=lambda o: abs(o[1])):
            more = "more" if power > 0 else "fewer"
            variant = _value_variant(ctx, leaf, signed, Finding(
                "AMOUNT_DECIMALS",
                f"{leaf.where} was signed as {signed} — the document's {number} scaled by 10^{power}: the client used "
                f"{abs(power)} {more} decimal places than the document (e.g. 18 for a 6-decimal token). Scale by the "
                "token's own decimals (Sera: GET /tokens).",
                field=leaf.where, step="encodeData", signed_value=signed, given_value=number,
            ))
            if variant:
                yield variant


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _number_texts(text: str) -> list[str]:
    """Ways a client writes the same decimal number: trimmed, fixed places, float formatting."""
    number = Decimal(text)
    plain = _plain(number)
    out = [plain, plain + ".0" if "." not in plain else plain]
    out += [format(number, f".{places}f") for places in (1, 2, 4, 6, 8, 18)]
    try:
        out.append(repr(float(text)))
    except (OverflowError, ValueError):
        pass
    # Only spellings of the same number: a rounding ("0.001" -> "0.0") is another value, not a format.
    return list(dict.fromkeys(t for t in out if t != text and Decimal(t) == number))


@hypothesis("amount-in-string", "message", "a decimal string in base units, human units or another number format")
def amounts_in_strings(ctx: Context) -> Iterator[Variant[bytes]]:
    for leaf in string_leaves(ctx):
        if not _DECIMAL_TEXT.match(leaf.value) or len(leaf.value) > 60:
            continue
        try:
            number = Decimal(leaf.value)
        except InvalidOperation:
            continue
        for decimals in HUMAN_DECIMALS:
            scaled = number * 10**decimals
            if scaled == scaled.to_integral_value():
                signed = str(int(scaled))
                variant = _value_variant(ctx, leaf, signed, Finding(
                    "BASE_UNITS_AS_HUMAN_AMOUNT",
                    f"{leaf.where} was signed as \"{signed}\" — base units with {decimals} decimals — where the "
                    f"document has the decimal amount \"{leaf.value}\". Sign the amount exactly as the request body "
                    "carries it.",
                    field=leaf.where, step="encodeData", signed_value=signed, given_value=leaf.value,
                ))
                if variant:
                    yield variant
            if "." not in leaf.value and number % 10**decimals == 0 and number != 0:
                signed = _plain(number / 10**decimals)
                variant = _value_variant(ctx, leaf, signed, Finding(
                    "HUMAN_AMOUNT_AS_BASE_UNITS",
                    f"{leaf.where} was signed as \"{signed}\" — the document's \"{leaf.value}\" divided by "
                    f"10^{decimals}: a human amount where base units belong.",
                    field=leaf.where, step="encodeData", signed_value=signed, given_value=leaf.value,
                ))
                if variant:
                    yield variant
        for text in _number_texts(leaf.value):
            variant = _value_variant(ctx, leaf, text, Finding(
                "NUMBER_FORMAT",
                f"{leaf.where} was signed as \"{text}\" where the document has \"{leaf.value}\": the same number, "
                "but a string is signed character by character. Sign the exact text the request sends (format it "
                "once and use that string for both).",
                field=leaf.where, step="encodeData", signed_value=text, given_value=leaf.value,
            ))
            if variant:
                yield variant


# --- strings ------------------------------------------------------------------------------------

_CASES: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("upper case", str.upper), ("lower case", str.lower), ("capitalised", str.capitalize), ("title case", str.title),
)


def _word_leaves(ctx: Context) -> list[Leaf]:
    return [leaf for leaf in string_leaves(ctx) if _WORD.match(leaf.value)]


@hypothesis("string-case", "message", "short string values (side, orderType, symbol ...) in upper, lower and "
            "title case, one at a time and all together")
def string_cases(ctx: Context) -> Iterator[Variant[bytes]]:
    leaves = _word_leaves(ctx)
    for leaf in leaves:
        for label, change in _CASES:
            signed = change(leaf.value)
            if signed == leaf.value:
                continue
            variant = _value_variant(ctx, leaf, signed, _case_finding(leaf, signed, label))
            if variant:
                yield variant
    if len(leaves) < 2:
        return
    for label, change in _CASES:
        message, findings = ctx.message, []
        for leaf in leaves:
            if change(leaf.value) != leaf.value:
                message = ctx.replace(leaf.path, change(leaf.value), message)
                findings.append(_case_finding(leaf, change(leaf.value), label))
        if len(findings) > 1:
            variant = ctx.message_variant(ctx.struct_hash_with(message), *findings)
            if variant:
                yield variant


def _case_finding(leaf: Leaf, signed: str, label: str) -> Finding:
    return Finding(
        "STRING_CASE",
        f"{leaf.where} was signed as {show(signed)} ({label}) where the document has {show(leaf.value)}: strings are "
        "hashed byte for byte, so case matters. Sign the value exactly as the API spells it "
        f"({show(leaf.value)}).",
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


@hypothesis("string-synonym", "message", "side/order-type words as their synonyms (bid/ask for buy/sell ...)")
def string_synonyms(ctx: Context) -> Iterator[Variant[bytes]]:
    for leaf in _word_leaves(ctx):
        for synonym in SYNONYMS.get(leaf.value.lower(), ()):
            for written in dict.fromkeys((synonym, synonym.upper(), synonym.capitalize())):
                variant = _value_variant(ctx, leaf, written, Finding(
                    "STRING_SYNONYM",
                    f"{leaf.where} was signed as {show(written)} where the document has {show(leaf.value)}: another "
                    f"API's word for the same thing. Sign {show(leaf.value)}.",
                    field=leaf.where, step="encodeData", signed_value=written, given_value=leaf.value,
                ))
                if variant:
                    yield variant


@hypothesis("address-case-in-string", "message", "addresses inside string values lowercased, checksummed or "
            "uppercased")
def address_case_in_strings(ctx: Context) -> Iterator[Variant[bytes]]:
    for leaf in string_leaves(ctx):
        if not _ADDRESS_IN_TEXT.search(leaf.value):
            continue

        def checksum(match: re.Match[str]) -> str:
            try:
                return to_checksum_address(parse_address(match.group(0).lower()))
            except Eip712KitError:
                return match.group(0)

        forms = (
            ("lowercase", _ADDRESS_IN_TEXT.sub(lambda m: m.group(0).lower(), leaf.value)),
            ("EIP-55 checksummed", _ADDRESS_IN_TEXT.sub(checksum, leaf.value)),
            ("uppercase hex", _ADDRESS_IN_TEXT.sub(lambda m: "0x" + m.group(0)[2:].upper(), leaf.value)),
        )
        for label, signed in forms:
            if signed == leaf.value:
                continue
            variant = _value_variant(ctx, leaf, signed, Finding(
                "ADDRESS_CASE_IN_STRING",
                f"{leaf.where} was signed with the address in {label} ({show(signed)}) where the document has "
                f"{show(leaf.value)}: inside a string an address is just characters, so its case is signed. Use the "
                "exact form the server builds the string with.",
                field=leaf.where, step="encodeData", signed_value=signed, given_value=leaf.value,
            ))
            if variant:
                yield variant


# --- eth_signTypedData_v3 -----------------------------------------------------------------------

@hypothesis("v3-field-omitted", "message", "each primary-struct field left out of encodeData (v3 skips undefined "
            "values; typeHash unchanged)")
def v3_omitted_fields(ctx: Context) -> Iterator[Variant[bytes]]:
    if ctx.primary == "EIP712Domain" or not isinstance(ctx.message, dict):
        return
    fields = ctx.schema.types[ctx.primary]
    try:
        words = [ctx.schema.encode_field(t, ctx.message[n]) for n, t in fields]
    except (Eip712KitError, KeyError):
        return
    type_hash = ctx.schema.type_hash(ctx.primary)
    for index, (field, ftype) in enumerate(fields):
        struct_hash = keccak256(type_hash + b"".join(w for i, w in enumerate(words) if i != index))
        variant = ctx.message_variant(struct_hash, Finding(
            "V3_FIELD_OMITTED",
            f"{render_path('message', (field,))} ({ftype}) was left out of encodeData while typeHash still lists it: "
            "eth_signTypedData_v3 (eth-sig-util V3) silently skips a field whose value is undefined — typically a "
            "misspelled key, or an array removed because V3 refuses arrays. Send the field under its exact name and "
            "sign with eth_signTypedData_v4.",
            field=render_path("message", (field,)), step="encodeData", signed_value=None,
            given_value=ctx.message.get(field),
        ))
        if variant:
            yield variant


__all__ = ["HUMAN_DECIMALS", "MILLISECONDS", "SECONDS", "SYNONYMS", "WIDTHS", "int_leaves", "string_leaves"]
