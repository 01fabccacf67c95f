"""Strict parsing of JSON values into the bytes EIP-712 hashes.

What is accepted, for every atomic type (the same rules in every entry point):

* **integers** — a JSON integer, a decimal string (``"-12"``, leading zeros allowed) or a
  non-negative ``0x`` hex string; a JSON number with a fraction, ``true``/``false``, ``""``,
  whitespace, underscores and exponents are refused. A float that is a whole number and at most
  2**53 - 1 (what a JavaScript client can send without losing digits) is accepted.
* **address** — ``0x`` + 40 hex digits. All-lowercase or all-uppercase digits are taken as they
  are; mixed case must be a valid EIP-55 checksum.
* **bytesN** — ``0x`` hex (or Python ``bytes``) of exactly N bytes: no silent padding.
* **bytes** — ``0x`` hex with an even number of digits, or Python ``bytes``.
* **bool** — JSON ``true`` / ``false`` only.
* **string** — any JSON string that is valid Unicode (no lone surrogates).

Each parser raises :class:`ValueEncodingError` with no path; the typed-data encoder adds it.
"""

from __future__ import annotations

import re
from typing import Any

from .caches import BoundedCache
from .errors import ValueEncodingError
from .hashing import keccak256
from .limits import JsonNumber

# ASCII digits only: ``[0-9]`` in a str pattern is the ten ASCII digits, unlike ``\d`` or
# ``str.isdigit()``, which also accept Arabic-Indic and other Unicode digits.
DECIMAL_INTEGER = r"-?[0-9]+\Z"
"""A decimal integer in ASCII digits, with an optional minus sign: the one spelling every parser accepts."""
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_HEX_BYTES = re.compile(r"0x(?:[0-9a-fA-F]{2})*\Z")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}\Z")
_DECIMAL = re.compile(DECIMAL_INTEGER)
# Compiled once: these run on every field of every document, where re.match's cache lookup showed.
LONE_SURROGATE = "[\ud800-\udfff]"
"""A UTF-16 surrogate on its own: valid in a JSON string, never in UTF-8 (:func:`string_bytes` refuses it)."""
ADDRESS_IN_TEXT = r"0x[0-9a-fA-F]{40}(?![0-9a-fA-F])"
"""An address inside free text (a login message, a string field), not part of a longer hex run."""

MAX_SAFE_INTEGER = 2**53 - 1
"""JavaScript's ``Number.MAX_SAFE_INTEGER``: the largest integer every JSON reader keeps exactly.
Beyond it a JSON number is ambiguous (``2**53 + 1`` reads as ``2**53``), so the kit accepts a whole
float only up to it and writes larger integers as decimal strings."""

MAX_DECIMAL_CHARS = 80
"""The longest decimal string parsed as an integer: 2**256 has 78 digits, a sign and a leading zero
fit in the rest. Longer strings cannot be in range and must not reach ``int()``, whose cost grows
with the length of the string."""
MAX_HEX_DIGITS = 64
"""The most hex digits an integer string has: one 256-bit word. Leading zeros count, so ``0x`` and 70 zeros
then ``2a`` is refused rather than read as 42 (a hex integer is a word, and a word has 64 digits)."""

ZERO_WORD = bytes(32)


def _describe(value: Any) -> str:
    """A short, safe rendering of a bad value for an error sentence."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_int(value: Any) -> int:
    """Turn a JSON integer, decimal string or 0x-hex string into an int (no range check)."""
    kind = type(value)
    if kind is int:
        return value  # type: ignore[no-any-return]
    if kind is str:
        if len(value) <= MAX_DECIMAL_CHARS and _DECIMAL.match(value):
            return int(value)
        if value[:2] == "0x" and _HEX.match(value):
            if len(value) - 2 <= MAX_HEX_DIGITS:
                return int(value, 16)
            raise ValueEncodingError(
                f"hex integer of {len(value) - 2} digits is longer than a 256-bit word ({MAX_HEX_DIGITS} digits, "
                "leading zeros included)",
                code="INT_OUT_OF_RANGE",
            )
        if len(value) > MAX_DECIMAL_CHARS and _DECIMAL.match(value):
            raise ValueEncodingError(
                f"integer string of {len(value)} characters cannot fit in 256 bits",
                code="INT_OUT_OF_RANGE",
            )
        raise ValueEncodingError(
            f"{_describe(value)} is not an integer: use a decimal string like \"42\" or hex like \"0x2a\"",
            code="INVALID_INT",
        )
    if kind is JsonNumber and value.is_integer() and not value.whole:
        raise ValueEncodingError(
            f"{_describe(value.text)[1:-1]} is not a whole number, though a float rounds it to one: send an integer",
            code="INVALID_INT",
        )
    if kind is float or kind is JsonNumber:
        if value.is_integer() and abs(value) <= MAX_SAFE_INTEGER:
            return int(value)
        raise ValueEncodingError(
            f"{_describe(value)} is not an exact integer: send large or fractional values as a decimal string",
            code="INVALID_INT",
        )
    if kind is bool:
        raise ValueEncodingError(
            f"{value!r} is a boolean, not an integer: send 0 or 1 if a number is meant",
            code="INVALID_INT",
        )
    if isinstance(value, int) and not isinstance(value, bool):  # int subclasses (IntEnum)
        return int(value)
    raise ValueEncodingError(
        f"{_describe(value)} is not an integer: use a JSON integer, a decimal string or 0x-hex",
        code="INVALID_INT",
    )


def uint_word(value: Any, bits: int) -> bytes:
    n = parse_int(value)
    if n < 0 or n >> bits:
        raise ValueEncodingError(
            f"{n} does not fit uint{bits} (0 to 2**{bits}-1)", code="INT_OUT_OF_RANGE"
        )
    return n.to_bytes(32, "big")


def int_word(value: Any, bits: int) -> bytes:
    n = parse_int(value)
    bound = 1 << (bits - 1)
    if not -bound <= n < bound:
        raise ValueEncodingError(
            f"{n} does not fit int{bits} (-2**{bits - 1} to 2**{bits - 1}-1)", code="INT_OUT_OF_RANGE"
        )
    return n.to_bytes(32, "big", signed=True)


def bool_word(value: Any) -> bytes:
    if value is True:
        return b"\x00" * 31 + b"\x01"
    if value is False:
        return ZERO_WORD
    raise ValueEncodingError(
        f"{_describe(value)} is not a bool: use JSON true or false", code="INVALID_BOOL"
    )


_CHECKSUMMED: BoundedCache[str, str] = BoundedCache()


def to_checksum_address(address: str | bytes) -> str:
    """EIP-55 checksum form of a 20-byte address (given as bytes or 0x-hex of any case).

    A hex letter is upper case when the matching nibble of keccak256(lowercase hex) is 8 or more;
    comparing the digest's hex digit with "7" tests exactly that. Results are remembered: signers
    and counterparties recur, and the keccak is most of the cost.
    """
    hex40 = address.hex() if isinstance(address, bytes) else address[2:].lower()
    cached = _CHECKSUMMED.get(hex40)
    if cached is not None:
        return cached
    digest = keccak256(hex40.encode("ascii")).hex()
    result = "0x" + "".join([c.upper() if d > "7" else c for c, d in zip(hex40, digest[:40], strict=True)])
    return _CHECKSUMMED.put(hex40, result)


# Addresses repeat (the same user and tokens in every order), and validating a checksum costs a
# keccak, so the word of every validated address string is remembered — the kit's one address cache.
_ADDRESS_WORDS: BoundedCache[str, bytes] = BoundedCache()
_ADDRESS_PAD = bytes(12)


def address_word(value: Any) -> bytes:
    """The 32-byte word of an address string (12 zero bytes, then the 20 address bytes)."""
    word = _ADDRESS_WORDS.get(value) if type(value) is str else None
    if word is None:
        word = _ADDRESS_WORDS.put(value, _ADDRESS_PAD + _validated_address(value))
    return word


def parse_address(value: Any) -> bytes:
    """Validate an address string and return its 20 bytes."""
    return address_word(value)[12:]


def _validated_address(value: Any) -> bytes:
    if type(value) is not str:
        raise ValueEncodingError(
            f"{_describe(value)} is not an address: use a 0x-prefixed string of 40 hex digits",
            code="INVALID_ADDRESS",
        )
    if not _ADDRESS.match(value):
        raise ValueEncodingError(
            f"{_describe(value)} is not an address: it must be 0x followed by exactly 40 hex digits",
            code="INVALID_ADDRESS",
        )
    body = value[2:]
    if body != body.lower() and body != body.upper():
        expected = to_checksum_address(value)
        if value != expected:
            raise ValueEncodingError(
                f"{value} fails its EIP-55 checksum; the checksummed form is {expected} "
                "(or write it all lowercase to skip the check)",
                code="BAD_CHECKSUM",
            )
    return bytes.fromhex(body)


def json_int(value: int) -> int | str:
    """An int as JSON carries it safely: a number up to :data:`MAX_SAFE_INTEGER` in magnitude, else a
    decimal string (what the vectors and every ``--json`` output do, so JavaScript reads it exactly)."""
    return value if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER else str(value)


def parse_hex_bytes(value: Any) -> bytes:
    """``0x`` hex with an even digit count (or Python bytes) to bytes."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if type(value) is str and _HEX_BYTES.match(value):
        return bytes.fromhex(value[2:])
    if type(value) is str and value[:2] == "0x" and re.fullmatch(r"0x[0-9a-fA-F]*", value):
        raise ValueEncodingError(
            f"{_describe(value)} has an odd number of hex digits: bytes need two digits each",
            code="INVALID_HEX",
        )
    raise ValueEncodingError(
        f"{_describe(value)} is not bytes: use a 0x-prefixed hex string", code="INVALID_HEX"
    )


def fixed_bytes_word(value: Any, size: int) -> bytes:
    raw = parse_hex_bytes(value)
    if len(raw) != size:
        raise ValueEncodingError(
            f"bytes{size} needs exactly {size} bytes ({2 * size} hex digits), got {len(raw)}",
            code="BYTES_LENGTH",
        )
    return raw + b"\x00" * (32 - size)


def dynamic_bytes_word(value: Any) -> bytes:
    return keccak256(parse_hex_bytes(value))


def string_bytes(value: Any) -> bytes:
    if type(value) is not str:
        raise ValueEncodingError(
            f"{_describe(value)} is not a string: wrap the value in quotes", code="INVALID_STRING"
        )
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueEncodingError(
            "the string contains a lone UTF-16 surrogate and cannot be encoded as UTF-8",
            code="INVALID_STRING",
        ) from None


def string_word(value: Any) -> bytes:
    return keccak256(string_bytes(value))


__all__ = [
    "ADDRESS_IN_TEXT",
    "DECIMAL_INTEGER",
    "LONE_SURROGATE",
    "MAX_DECIMAL_CHARS",
    "MAX_SAFE_INTEGER",
    "ZERO_WORD",
    "address_word",
    "bool_word",
    "dynamic_bytes_word",
    "fixed_bytes_word",
    "int_word",
    "json_int",
    "parse_address",
    "parse_hex_bytes",
    "parse_int",
    "string_bytes",
    "string_word",
    "to_checksum_address",
    "uint_word",
]
