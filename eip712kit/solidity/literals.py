"""Solidity literals for canonical atomic values: what a generated contract assigns, exactly.

The values arrive in the schema's canonical form (:meth:`~eip712kit.core.schema.Schema.reader`: an
int, an EIP-55 address, bytes, text, a bool), so every spelling the document used — a decimal or
0x-hex string, a lowercase address — is already settled; here each becomes the one Solidity literal
of that value: solc requires EIP-55 address literals, and a string is written so that solc reads back
the same UTF-8 bytes (escapes for control characters, ``unicode"…"`` beyond ASCII, and ``hex"…"``
for text solc would refuse, such as direction overrides).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..core.encoders import INTEGER_TYPE

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(text: str) -> str:
    return "".join(_ESCAPES.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x20 or ord(c) == 0x7F else c) for c in text)


def string_literal(text: str) -> str:
    """A literal of type ``string memory`` whose bytes are ``text``'s UTF-8."""
    if text.isascii():
        return f'"{_escaped(text)}"'
    if all(c.isascii() or (c.isprintable() and unicodedata.category(c) != "Cf") for c in text):
        return f'unicode"{_escaped(text)}"'
    return f'string(hex"{text.encode("utf-8").hex()}")'


def literal(type_name: str, value: Any) -> str:
    """The literal of one canonical atomic value of ``type_name``."""
    if type_name == "address":
        return "address(0)" if int(value, 16) == 0 else str(value)
    if type_name == "bool":
        return "true" if value else "false"
    if type_name == "string":
        return string_literal(value)
    if type_name.startswith("bytes"):
        return f'hex"{bytes(value).hex()}"'
    if re.match(INTEGER_TYPE, type_name):
        return str(int(value))
    raise ValueError(f"{type_name!r} is not an atomic type")  # pragma: no cover - the schema admits no other


__all__ = ["literal", "string_literal"]
