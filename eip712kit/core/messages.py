"""EIP-191 version 0x45 (``personal_sign``): what Alura's login challenge is signed with.

``keccak256("\\x19Ethereum Signed Message:\\n" ‖ len(message) ‖ message)`` where the length is the
decimal byte count of the UTF-8 (or raw) message. Text is signed as text: a string that happens to
look like ``0x…`` hex is still its characters, unless the caller says it is bytes — MetaMask guesses
here, and a guess is how a login signature ends up over the wrong bytes.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from ..base.errors import Eip712KitError, ValueEncodingError
from ..base.extras import loaded_class
from ..base.hashing import keccak256
from ..base.parsers import parse_hex_bytes, string_bytes

PREFIX = b"\x19Ethereum Signed Message:\n"


class SignableLike(Protocol):
    """eth-account's ``SignableMessage``: the EIP-191 parts after the ``0x19`` byte."""

    @property
    def version(self) -> bytes: ...

    @property
    def header(self) -> bytes: ...

    @property
    def body(self) -> bytes: ...


MessageLike = str | bytes | SignableLike
"""What the personal_sign verbs take: text, bytes, or an eth-account ``SignableMessage`` (as eth-account does)."""


def signable(value: Any) -> SignableLike | None:
    """``value`` if it is an eth-account ``SignableMessage`` (by class, when eth-account is imported), else None."""
    cls = loaded_class("eth_account.messages", "SignableMessage")
    if cls is not None and isinstance(value, cls):
        return cast(SignableLike, value)
    return None


def signable_payload(message: SignableLike) -> bytes:
    """``0x19 ‖ version ‖ header ‖ body``: what eth-account hashes and signs for a ``SignableMessage``.

    Version ``E`` is personal_sign, ``0x01`` EIP-712 (header = domain separator, body = hashStruct),
    ``0x00`` data with an intended validator.
    """
    parts = (message.version, message.header, message.body)
    if not all(isinstance(part, (bytes, bytearray)) for part in parts) or len(message.version) != 1:
        raise ValueEncodingError(
            "a SignableMessage has a one-byte version and bytes header and body", code="INVALID_MESSAGE",
            path="message",
        )
    return b"\x19" + b"".join(bytes(part) for part in parts)


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


def hash_message(message: MessageLike, *, hex: bool = False) -> bytes:
    """The EIP-191 personal_sign digest of text (UTF-8) or bytes.

    An eth-account ``SignableMessage`` is hashed as eth-account hashes it (:func:`signable_payload`),
    so the verbs built on this one accept what ``Account.sign_message`` accepts.
    """
    if not isinstance(message, (str, bytes)):
        parts = signable(message)
        if parts is not None:
            if hex:
                raise ValueEncodingError("hex=True applies to text, not to a SignableMessage", code="INVALID_MESSAGE",
                                         path="message")
            return keccak256(signable_payload(parts))
    return keccak256(eip191_payload(message, hex=hex))  # type: ignore[arg-type]


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


__all__ = ["PREFIX", "MessageLike", "SignableLike", "as_message", "eip191_payload", "hash_message", "message_bytes",
           "signable", "signable_payload"]
