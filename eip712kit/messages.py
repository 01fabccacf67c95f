"""EIP-191 version 0x45 (``personal_sign``): what Alura's login challenge is signed with.

``keccak256("\\x19Ethereum Signed Message:\\n" ‖ len(message) ‖ message)`` where the length is the
decimal byte count of the UTF-8 (or raw) message. Text is signed as text: a string that happens to
look like ``0x…`` hex is still its characters, unless the caller says it is bytes — MetaMask guesses
here, and a guess is how a login signature ends up over the wrong bytes.
"""

from __future__ import annotations

from typing import Any

from .encoding import parse_hex_bytes, string_bytes
from .errors import Eip712KitError, ValueEncodingError
from .hashing import keccak256

PREFIX = b"\x19Ethereum Signed Message:\n"


def message_bytes(message: str | bytes, *, hex: bool = False) -> bytes:
    """The bytes a personal_sign signs: UTF-8 of text, or the raw bytes (``hex=True`` for 0x-hex text)."""
    if isinstance(message, (bytes, bytearray, memoryview)):
        return bytes(message)
    if isinstance(message, str):
        try:
            return parse_hex_bytes(message) if hex else string_bytes(message)
        except Eip712KitError as exc:
            raise exc.at("message") from None
    raise ValueEncodingError(
        f"a personal_sign message is text or bytes, not {type(message).__name__}",
        code="INVALID_MESSAGE",
        path="message",
    )


def eip191_payload(message: str | bytes, *, hex: bool = False) -> bytes:
    """The full preimage ``0x19 ‖ "Ethereum Signed Message:\\n" ‖ len ‖ message``."""
    body = message_bytes(message, hex=hex)
    return PREFIX + str(len(body)).encode("ascii") + body


def hash_message(message: str | bytes, *, hex: bool = False) -> bytes:
    """The EIP-191 personal_sign digest of text (UTF-8) or bytes."""
    return keccak256(eip191_payload(message, hex=hex))


def as_message(value: Any) -> str | bytes:
    """Accept what a JSON caller can send: text, or ``{"hex": "0x…"}`` for raw bytes."""
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, dict) and set(value) == {"hex"}:
        return parse_hex_bytes(value["hex"])
    raise ValueEncodingError(
        "a personal_sign message is a string, or {\"hex\": \"0x...\"} for raw bytes",
        code="INVALID_MESSAGE",
        path="message",
    )


__all__ = ["PREFIX", "as_message", "eip191_payload", "hash_message", "message_bytes"]
