"""The word encoders of EIP-712's atomic types (and their names, and their values read back).

The one place where an atomic value becomes a word (``encodeData``'s ``enc(value)`` for
``address``, ``bool``, ``uintN``, ``intN``, ``bytesN``, ``bytes`` and ``string``). Every path that
hashes — :class:`~eip712kit.core.schema.Schema` for JSON documents and, through it, the declared protocol
structs — gets its encoders from :func:`atomic_encoder`, so a rule or a limit changes in one place.

The encoders take the common spellings (a Python int, a plain decimal string, an address string
seen before) inline, and hand every other spelling and every error to the strict parsers of
:mod:`eip712kit.base.parsers`, which decide what is accepted. Field types built from these names
(arrays, structs) are :mod:`eip712kit.core.field_types`'.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..base import parsers
from ..base.errors import DocumentError
from ..base.limits import DEFAULT_LIMITS, Limits

Encoder = Callable[[Any], bytes]
"""Turns one value into its 32-byte word (or raises the kit's error, with no path)."""
Reader = Callable[[Any], Any]
"""Turns one accepted value into its canonical Python value (an int, an EIP-55 address, bytes, a tuple)."""
JsonWriter = Callable[[Any], Any]
"""Turns one accepted value into its canonical JSON value (0x-hex bytes, big integers as decimal strings)."""

INTEGER_TYPE = r"(u?int)([0-9]+)\Z"
"""``uintN``/``intN`` as written (the width is checked apart: :func:`is_atomic`)."""
_FIXED_BYTES = r"bytes([0-9]+)\Z"


def _width(match: re.Match[str] | None, low: int, high: int, step: int) -> int | None:
    """The N of ``uintN``/``bytesN`` when it is written canonically (no leading zero) and in range."""
    if match is None:
        return None
    text = match.group(match.lastindex or 1)
    size = int(text)
    if text[0] == "0" or not low <= size <= high or size % step:
        return None
    return size


def is_atomic(type_name: str) -> bool:
    return type_name in ("address", "bool", "string", "bytes") or _integer_width(type_name) is not None \
        or _width(re.match(_FIXED_BYTES, type_name), 1, 32, 1) is not None


def _integer_width(type_name: str) -> int | None:
    return _width(re.match(INTEGER_TYPE, type_name), 8, 256, 8)


def near_miss(type_name: str) -> str:
    """A hint for the usual slips in atomic type names (appended to an UNKNOWN_TYPE sentence)."""
    if type_name in ("uint", "int"):
        return f" (EIP-712 needs an explicit width: {type_name}256)"
    if type_name == "byte":
        return " (use bytes1)"
    if re.fullmatch(r"u?int[0-9]+|bytes[0-9]+", type_name):
        return " (uintN/intN need N a multiple of 8 from 8 to 256; bytesN needs N from 1 to 32)"
    return ""


# --- words --------------------------------------------------------------------------------------

def atomic_encoder(type_name: str, limits: Limits = DEFAULT_LIMITS) -> Encoder | None:
    """The word encoder of an atomic type, or None when the name is not atomic."""
    if type_name == "address":
        return parsers.address_word
    if type_name == "bool":
        return parsers.bool_word
    if type_name == "string":
        return _sized_string(limits.max_string_bytes)
    if type_name == "bytes":
        return _sized_bytes(limits.max_string_bytes)
    bits = _integer_width(type_name)
    if bits is not None:
        return _uint_encoder(bits) if type_name[0] == "u" else _int_encoder(bits)
    size = _width(re.match(_FIXED_BYTES, type_name), 1, 32, 1)
    if size is not None:
        return lambda value: parsers.fixed_bytes_word(value, size)
    return None


def _too_long(what: str, limit: int) -> DocumentError:
    return DocumentError(f"this {what} value is over the limit of {limit} bytes", code="LIMIT_EXCEEDED")


def _sized_string(limit: int) -> Encoder:
    """``string``: keccak of its UTF-8, refused before hashing when over the limit."""
    text_cap = limit // 4  # at most 4 UTF-8 bytes a character: shorter text is always within the limit

    def encode_string(value: Any) -> bytes:
        if type(value) is str and len(value) > text_cap and len(value.encode("utf-8", "replace")) > limit:
            raise _too_long("string", limit)
        return parsers.string_word(value)

    return encode_string


def _sized_bytes(limit: int) -> Encoder:
    """``bytes``: keccak of the raw bytes, refused before decoding when over the limit."""
    hex_cap = 2 * limit + 2  # "0x" and two hex digits a byte

    def encode_bytes(value: Any) -> bytes:
        if (type(value) is str and len(value) > hex_cap) or (isinstance(value, bytes) and len(value) > limit):
            raise _too_long("bytes", limit)
        return parsers.dynamic_bytes_word(value)

    return encode_bytes


def _uint_encoder(bits: int) -> Encoder:
    """uintN, with an int and a plain ASCII decimal string handled inline."""
    limit = 1 << bits
    cap = parsers.MAX_DECIMAL_CHARS
    slow = parsers.uint_word

    def encode_uint(value: Any) -> bytes:
        kind = type(value)
        if kind is int:
            if 0 <= value < limit:
                return value.to_bytes(32, "big")  # type: ignore[no-any-return]
        elif kind is str and len(value) <= cap and value.isascii() and value.isdigit():
            number = int(value)
            if number < limit:
                return number.to_bytes(32, "big")
        return slow(value, bits)  # every other spelling, and every error

    return encode_uint


def _int_encoder(bits: int) -> Encoder:
    low, high = -(1 << (bits - 1)), 1 << (bits - 1)
    slow = parsers.int_word

    def encode_int(value: Any) -> bytes:
        if type(value) is int and low <= value < high:
            return value.to_bytes(32, "big", signed=True)
        return slow(value, bits)

    return encode_int


# --- values read back -----------------------------------------------------------------------------

def _checksummed(value: Any) -> str:
    return parsers.to_checksum_address(parsers.parse_address(value))


def _same(value: Any) -> Any:
    return value


def _hex(read: Reader) -> JsonWriter:
    return lambda value: "0x" + read(value).hex()


def atomic_reader(type_name: str) -> Reader:
    """The canonical Python value of an accepted atomic value: an int for integers, an EIP-55
    string for an address, bytes for ``bytes``/``bytesN``; strings and bools as they are."""
    if type_name == "address":
        return _checksummed
    if type_name in ("bytes",) or re.match(_FIXED_BYTES, type_name):
        return parsers.parse_hex_bytes
    if _integer_width(type_name) is not None:
        return parsers.parse_int
    return _same


def atomic_json_writer(type_name: str) -> JsonWriter:
    """The canonical JSON value: like :func:`atomic_reader`, with bytes as 0x-hex and integers
    beyond 2**53 - 1 as decimal strings (so a JavaScript reader keeps every digit)."""
    if type_name in ("bytes",) or re.match(_FIXED_BYTES, type_name):
        return _hex(parsers.parse_hex_bytes)
    if _integer_width(type_name) is not None:
        return lambda value: parsers.json_int(parsers.parse_int(value))
    return atomic_reader(type_name)


__all__ = [
    "INTEGER_TYPE",
    "Encoder",
    "JsonWriter",
    "Reader",
    "atomic_encoder",
    "atomic_json_writer",
    "atomic_reader",
    "is_atomic",
    "near_miss",
]
