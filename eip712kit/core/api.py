"""The handful of verbs most programs need: hash, sign, recover and verify — typed data and personal_sign.

Every verb takes the document as a dict or a JSON string and goes through the one compiled
encoder in :mod:`eip712kit.core.typed_data`; keys go through :mod:`eip712kit.core.keys`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..base.errors import Eip712KitError, ValueEncodingError
from ..base.parsers import parse_address, to_checksum_address
from ..base.renamed import module_getattr
from .keys import KeyLike
from .messages import MessageLike, hash_message
from .signature import ZERO_ADDRESS, Signature, recover_digest, sign_digest
from .typed_data import TypedData

Document = Mapping[str, Any] | str | bytes | TypedData


def _typed(doc: Document) -> TypedData:
    return doc if isinstance(doc, TypedData) else TypedData(doc)


def hash_typed_data(doc: Document) -> bytes:
    """The EIP-712 digest ``keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))``."""
    return _typed(doc).digest()


def sign_typed_data(doc: Document, key: KeyLike) -> Signature:
    """Sign a typed-data document as ``eth_signTypedData_v4`` does (deterministic, low-s)."""
    return sign_digest(_typed(doc).digest(), key)


def recover_typed_data(doc: Document, signature: Any, *, allow_high_s: bool = False) -> str:
    """The EIP-55 address that signed the document."""
    return recover_digest(_typed(doc).digest(), signature, allow_high_s=allow_high_s)


def sign_message(message: MessageLike, key: KeyLike, *, hex: bool = False) -> Signature:
    """EIP-191 ``personal_sign`` of text (UTF-8) or bytes."""
    return sign_digest(hash_message(message, hex=hex), key)


def recover_message(message: MessageLike, signature: Any, *, hex: bool = False, allow_high_s: bool = False) -> str:
    return recover_digest(hash_message(message, hex=hex), signature, allow_high_s=allow_high_s)


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a signature against an expected signer.

    ``valid`` is true only when the signature is well formed, low-s, and recovers to the expected,
    non-zero address. ``code`` names the reason when it is not (``SIGNER_MISMATCH``,
    ``SIGNATURE_HIGH_S``, ``ZERO_ADDRESS`` or a parsing code).
    """

    valid: bool
    signer: str | None
    expected: str
    code: str | None = None
    reason: str | None = None

    def __bool__(self) -> bool:
        return self.valid

    def to_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "signer": self.signer, "expected": self.expected,
                "code": self.code, "reason": self.reason}


Address = str | bytes
"""An expected signer: a 0x-hex string (EIP-55 checked when mixed case) or its 20 bytes, as eth-account takes it."""


def expected_address(address: Address) -> str:
    """The checksummed form of an expected signer given as text or as 20 bytes (eth-account's ``bytes`` address)."""
    if isinstance(address, (bytes, bytearray, memoryview)):
        raw = bytes(address)
        if len(raw) != 20:
            raise ValueEncodingError(f"an address given as bytes is 20 bytes long, not {len(raw)}",
                                     code="INVALID_ADDRESS")
        return to_checksum_address(raw)
    return to_checksum_address(parse_address(address))


def check_digest(digest: bytes, signature: Any, address: Address) -> Verification:
    """Check that ``signature`` over ``digest`` was made by ``address``; never raises on a bad signature."""
    expected = expected_address(address)
    if expected == ZERO_ADDRESS:
        return Verification(False, None, expected, "ZERO_ADDRESS",
                            "the zero address cannot sign; it is what a failed ecrecover returns")
    try:
        sig = Signature.parse(signature)
        signer = recover_digest(digest, sig, allow_high_s=True)
    except Eip712KitError as exc:
        return Verification(False, None, expected, exc.code, exc.message)
    if sig.is_high_s:
        return Verification(False, signer, expected, "SIGNATURE_HIGH_S",
                            "the signature is high-s (malleated); wallets and contracts refuse it")
    if signer != expected:
        return Verification(False, signer, expected, "SIGNER_MISMATCH",
                            f"the signature recovers to {signer}, not {expected}")
    return Verification(True, signer, expected)


def check_typed_data(doc: Document, signature: Any, address: Address) -> Verification:
    """Like :func:`verify_typed_data` but says why a signature is not valid."""
    return check_digest(_typed(doc).digest(), signature, address)


def verify_typed_data(doc: Document, signature: Any, address: Address) -> bool:
    """True when ``signature`` is a low-s signature of the document by ``address`` (not the zero address).

    A malformed document or address raises (that is the caller's input to fix); a malformed,
    high-s or foreign signature is simply not valid.
    """
    return check_typed_data(doc, signature, address).valid


def check_message(message: MessageLike, signature: Any, address: Address, *, hex: bool = False) -> Verification:
    return check_digest(hash_message(message, hex=hex), signature, address)


def verify_message(message: MessageLike, signature: Any, address: Address, *, hex: bool = False) -> bool:
    return check_message(message, signature, address, hex=hex).valid


__all__ = [
    "Address",
    "Verification",
    "check_digest",
    "check_message",
    "check_typed_data",
    "expected_address",
    "hash_typed_data",
    "recover_message",
    "recover_typed_data",
    "sign_message",
    "sign_typed_data",
    "verify_message",
    "verify_typed_data",
]

if not TYPE_CHECKING:  # old names kept working, with a warning (base/renamed.py)
    __getattr__ = module_getattr(__name__, {"verify_digest": "check_digest"}, globals())
