"""EIP-712's atomic types: their names, their 32-byte words, and their values read back.

The one place where an atomic value becomes a word (``encodeData``'s ``enc(value)`` for
``address``, ``bool``, ``uintN``, ``intN``, ``bytesN``, ``bytes`` and ``string``). Every path that
hashes — :class:`~eip712kit.core.schema.Schema` for JSON documents and, through it, the declared protocol
structs — gets its encoders from :func:`atomic_encoder`, so a rule or a limit changes in one place.

The encoders take the common spellings (a Python int, a plain decimal string, an address string
seen before) inline, and hand every other spelling and every error to the strict parsers of
:mod:`eip712kit.base.encoding`, which decide what is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..base import encoding
from ..base.errors import DocumentError, TypeDefinitionError
from ..base.limits import DEFAULT_LIMITS, Limits

Encoder = Callable[[Any], bytes]
"""Turns one value into its 32-byte word (or raises the kit's error, with no path)."""
Reader = Callable[[Any], Any]
"""Turns one accepted value into its canonical form (an int, an EIP-55 address, bytes, ...)."""

_FIELD_TYPE = r"([A-Za-z_$][A-Za-z0-9_$]*)((?:\[(?:[1-9][0-9]*)?\])*)\Z"
DIMENSION = r"\[([0-9]*)\]"
"""One array dimension of a field type: ``[]`` or ``[N]``."""
INTEGER_TYPE = r"(u?int)([0-9]+)\Z"
"""``uintN``/``intN`` as written (the width is checked apart: :func:`is_atomic`)."""
_FIXED_BYTES = r"bytes([0-9]+)\Z"


def parse_field_type(type_text: str) -> tuple[str, list[int | None]]:
    """Split ``"Person[2][]"`` into ``("Person", [2, None])`` — dimensions innermost first."""
    match = re.match(_FIELD_TYPE, type_text) if isinstance(type_text, str) else None
    if not match:
        raise TypeDefinitionError(
            f"{type_text!r} is not a type: write an atomic type, a struct name, or either followed "
            "by [] or [N] (N >= 1)",
            code="UNKNOWN_TYPE",
        )
    dims: list[int | None] = [int(d) if d else None for d in re.findall(DIMENSION, match.group(2))]
    return match.group(1), dims


def element_type(base: str, dims: list[int | None]) -> str:
    """The type of one element of an array type, from :func:`parse_field_type`'s parts: ``T[2][]`` -> ``T[2]``."""
    return base + "".join(f"[{'' if d is None else d}]" for d in dims[:-1])


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
        return encoding.address_word
    if type_name == "bool":
        return encoding.bool_word
    if type_name == "string":
        return _sized_string(limits.max_string_bytes)
    if type_name == "bytes":
        return _sized_bytes(limits.max_string_bytes)
    bits = _integer_width(type_name)
    if bits is not None:
        return _uint_encoder(bits) if type_name[0] == "u" else _int_encoder(bits)
    size = _width(re.match(_FIXED_BYTES, type_name), 1, 32, 1)
    if size is not None:
        return lambda value: encoding.fixed_bytes_word(value, size)
    return None


def _too_long(what: str, limit: int) -> DocumentError:
    return DocumentError(f"this {what} value is over the limit of {limit} bytes", code="LIMIT_EXCEEDED")


def _sized_string(limit: int) -> Encoder:
    """``string``: keccak of its UTF-8, refused before hashing when over the limit."""
    text_cap = limit // 4  # at most 4 UTF-8 bytes a character: shorter text is always within the limit

    def encode_string(value: Any) -> bytes:
        if type(value) is str and len(value) > text_cap and len(value.encode("utf-8", "replace")) > limit:
            raise _too_long("string", limit)
        return encoding.string_word(value)

    return encode_string


def _sized_bytes(limit: int) -> Encoder:
    """``bytes``: keccak of the raw bytes, refused before decoding when over the limit."""
    hex_cap = 2 * limit + 2  # "0x" and two hex digits a byte

    def encode_bytes(value: Any) -> bytes:
        if (type(value) is str and len(value) > hex_cap) or (isinstance(value, bytes) and len(value) > limit):
            raise _too_long("bytes", limit)
        return encoding.dynamic_bytes_word(value)

    return encode_bytes


def _uint_encoder(bits: int) -> Encoder:
    """uintN, with an int and a plain ASCII decimal string handled inline."""
    limit = 1 << bits
    cap = encoding.MAX_DECIMAL_CHARS
    slow = encoding.uint_word

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
    slow = encoding.int_word

    def encode_int(value: Any) -> bytes:
        if type(value) is int and low <= value < high:
            return value.to_bytes(32, "big", signed=True)
        return slow(value, bits)

    return encode_int


# --- values read back -----------------------------------------------------------------------------

def _checksummed(value: Any) -> str:
    return encoding.to_checksum_address(encoding.parse_address(value))


def _same(value: Any) -> Any:
    return value


def _hex(read: Reader) -> Reader:
    return lambda value: "0x" + read(value).hex()


def atomic_reader(type_name: str) -> Reader:
    """The canonical Python value of an accepted atomic value: an int for integers, an EIP-55
    string for an address, bytes for ``bytes``/``bytesN``; strings and bools as they are."""
    if type_name == "address":
        return _checksummed
    if type_name in ("bytes",) or re.match(_FIXED_BYTES, type_name):
        return encoding.parse_hex_bytes
    if _integer_width(type_name) is not None:
        return encoding.parse_int
    return _same


def atomic_json(type_name: str) -> Reader:
    """The canonical JSON value: like :func:`atomic_reader`, with bytes as 0x-hex and integers
    beyond 2**53 - 1 as decimal strings (so a JavaScript reader keeps every digit)."""
    if type_name in ("bytes",) or re.match(_FIXED_BYTES, type_name):
        return _hex(encoding.parse_hex_bytes)
    if _integer_width(type_name) is not None:
        return lambda value: encoding.json_int(encoding.parse_int(value))
    return atomic_reader(type_name)


__all__ = [
    "DIMENSION",
    "INTEGER_TYPE",
    "Encoder",
    "Reader",
    "atomic_encoder",
    "atomic_json",
    "atomic_reader",
    "element_type",
    "is_atomic",
    "near_miss",
    "parse_field_type",
]
