"""Bounds on untrusted input, enforced before the work grows with it.

A back end that verifies signatures parses documents from strangers; every size that could make
parsing or hashing slow or memory-hungry has a ceiling here. The defaults are far above anything a
real order, intent or login needs and far below what would hurt a server. Pass your own
:class:`Limits` to :class:`~eip712kit.TypedData` (or the CLI's ``--max-*`` options) to change them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import DocumentError


@dataclass(frozen=True)
class Limits:
    max_document_bytes: int = 1_000_000
    """Size of a JSON document, checked before it is parsed."""
    max_depth: int = 64
    """Nesting of JSON objects and arrays, checked before it is parsed."""
    max_types: int = 256
    """Struct definitions in ``types``."""
    max_fields: int = 256
    """Fields in one struct."""
    max_array_length: int = 65_536
    """Elements in one array value."""
    max_string_bytes: int = 1_000_000
    """UTF-8 bytes of one string value, or bytes of one ``bytes`` value."""


DEFAULT_LIMITS = Limits()


def _depth_exceeds(text: str, max_depth: int) -> bool:
    """Whether brackets outside strings nest deeper than ``max_depth`` (linear scan, no parse)."""
    depth = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                return True
        elif char in "]}":
            depth -= 1
    return False


class JsonNumber(float):
    """A JSON number written with a fraction or an exponent: a float that keeps the text it was read from.

    A float cannot tell ``1796305482.00000001`` from ``1796305482`` (both read as the same double),
    so an integer field would take the first as the second; the text can, and :attr:`whole` says
    whether the number *written* was whole. Every reader of an integer (``parsers.parse_int``) asks.
    """

    text: str

    def __new__(cls, text: str) -> JsonNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number

    @property
    def whole(self) -> bool:
        exact = Decimal(self.text)
        return exact == exact.to_integral_value()


def load_json(data: str | bytes | bytearray, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse untrusted JSON within the limits, with errors in the kit's own terms (numbers with a fraction or an
    exponent as :class:`JsonNumber`)."""
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > limits.max_document_bytes:
        raise DocumentError(
            f"the document is {size} bytes, over the limit of {limits.max_document_bytes}",
            code="LIMIT_EXCEEDED",
        )
    if isinstance(data, (bytes, bytearray)):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"the document is not UTF-8 text ({exc.reason} at byte {exc.start})",
                                code="INVALID_JSON") from None
    else:
        text = data
    if ("[" in text or "{" in text) and text.count("[") + text.count("{") > limits.max_depth and _depth_exceeds(
        text, limits.max_depth
    ):
        raise DocumentError(
            f"the document nests deeper than {limits.max_depth} levels", code="LIMIT_EXCEEDED"
        )
    try:
        if text.startswith("\ufeff"):  # what json.loads refuses before it decodes (the decoder does not)
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", code="INVALID_JSON"
        ) from None
    except ValueError:  # Python's own bound: integers of more than 4300 digits
        raise DocumentError("a number in the document has thousands of digits; no EIP-712 integer is that long",
                            code="LIMIT_EXCEEDED") from None
    except RecursionError:  # pragma: no cover - the depth check above comes first
        raise DocumentError("the document nests too deeply to parse", code="LIMIT_EXCEEDED") from None


def nests_deeper(value: Any, max_depth: int) -> bool:
    """Whether a program's own value holds objects and arrays nested more than ``max_depth`` levels (the value
    itself is level 1), measured without recursion; a value that contains itself nests without end.

    JSON text is measured before it is parsed (:func:`load_json`); a program's objects are measured
    here, before a schema whose values can nest that deep encodes them. The encoders recurse, and a
    recursion limit is no bound to rely on: py_ecc, which eth-account imports, raises it to 100,000,
    and on CPython 3.10, where every Python call also takes C stack, a value a few thousand levels
    deep then overflows the stack (a segmentation fault) before ``RecursionError`` can end it.
    """
    if not isinstance(value, (Mapping, list, tuple)):
        return False
    stack: list[Iterator[Any]] = [iter(value.values() if isinstance(value, Mapping) else value)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, (Mapping, list, tuple)):
                if len(stack) >= max_depth:
                    return True
                stack.append(iter(item.values() if isinstance(item, Mapping) else item))
                break
        else:
            stack.pop()
    return False


def _refuse_constant(name: str) -> Any:
    raise DocumentError(f"{name} is not valid JSON", code="INVALID_JSON")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=JsonNumber)
"""The decoder ``json.loads`` would build for these options on every call (it keeps no state between calls)."""


__all__ = ["DEFAULT_LIMITS", "Limits", "load_json", "nests_deeper"]
