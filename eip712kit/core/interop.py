"""eth-account interop: its message and signature types in, and out, without a detour through hex.

What is accepted without this module (eth-account need not be installed for these to work, and is
never imported by them):

* a ``LocalAccount`` wherever a key is taken (:func:`eip712kit.core.keys.as_private_key`);
* a ``SignableMessage`` by the personal_sign verbs (``sign_message``, ``recover_message``,
  ``verify_message``, ``check_message``), hashed as ``Account.sign_message`` hashes it;
* a ``SignedMessage``, ``HexBytes`` or any bytes wherever a signature is taken
  (:meth:`eip712kit.Signature.parse`), and a :class:`~eip712kit.Signature` wherever eth-account
  takes bytes: it *is* the 65 bytes ``r‖s‖v``;
* a 20-byte ``bytes`` address as the expected signer (``verify_*``, ``check_*``).

This module builds eth-account's own types, so it needs eth-account (the ``keys`` extra); the
functions here raise ``EXTRA_MISSING`` with the install command when it is absent. The names mirror
eth-account's where the operation is the same; one that mirrors a method of eth-account's ``Account``
and returns eth-account's own type is ``account_<method>`` (``account_sign_message`` returns a
``SignedMessage``; the kit's ``sign_message`` returns a :class:`~eip712kit.Signature`).
docs/eth-account.md lists every correspondence and where behaviour differs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..base.errors import Eip712KitError
from ..base.extras import require
from ..base.hashing import keccak256
from ..base.renamed import module_getattr
from .keys import KeyLike
from .messages import PREFIX, SignableLike, message_bytes, signable, signable_payload
from .signature import Signature, recover_digest, sign_digest
from .typed_data import TypedData


def _messages() -> Any:
    return require("eth_account.messages", extra="keys", feature="building an eth-account SignableMessage")


def encode_defunct(message: str | bytes, *, hex: bool = False) -> Any:
    """eth-account's ``SignableMessage`` for personal_sign of text (UTF-8) or bytes.

    Like ``eth_account.messages.encode_defunct`` with the kit's rule for text: a string is its
    characters unless ``hex=True`` says it is ``0x`` bytes (eth-account has separate ``text=`` and
    ``hexstr=`` keywords for the same choice).
    """
    body = message_bytes(message, hex=hex)
    header = PREFIX[1:] + str(len(body)).encode("ascii")  # "Ethereum Signed Message:\n<len>", after 0x19 'E'
    return _messages().SignableMessage(version=header[:1], header=header[1:], body=body)


def encode_typed_data(document: Any) -> Any:
    """eth-account's ``SignableMessage`` for an EIP-712 document, from the kit's own encoder.

    ``header`` is the domain separator and ``body`` hashStruct(message) (empty for
    ``primaryType: "EIP712Domain"``), which is what ``encode_typed_data(full_message=doc)`` returns
    for every document eth-account accepts; the document is validated by the kit's rules first.
    """
    td = document if isinstance(document, TypedData) else TypedData(document)
    return _messages().SignableMessage(version=b"\x01", header=td.domain_separator(), body=td.struct_hash() or b"")


def signable_digest(message: SignableLike) -> bytes:
    """The 32 bytes ``Account.sign_message(message, key)`` signs: keccak256(0x19 ‖ version ‖ header ‖ body)."""
    parts = signable(message)
    if parts is None:
        raise Eip712KitError(f"a SignableMessage from eth_account.messages is expected, not {type(message).__name__}",
                             code="INVALID_MESSAGE", path="message")
    return keccak256(signable_payload(parts))


def to_signed_message(signature: Any, message_hash: bytes) -> Any:
    """eth-account's ``SignedMessage`` for a signature over ``message_hash`` (the 32-byte digest)."""
    datastructures = require("eth_account.datastructures", extra="keys",
                             feature="building an eth-account SignedMessage")
    hexbytes = require("hexbytes", extra="keys", feature="building an eth-account SignedMessage")
    sig = Signature.parse(signature)
    if len(message_hash) != 32:
        raise Eip712KitError("a message hash is 32 bytes", code="INVALID_HEX", path="message_hash")
    return datastructures.SignedMessage(hexbytes.HexBytes(message_hash), sig.r, sig.s, sig.v,
                                        hexbytes.HexBytes(bytes(sig)))


def from_signed_message(signed: Any) -> Signature:
    """The kit's :class:`~eip712kit.Signature` of an eth-account ``SignedMessage`` (or any signature form)."""
    return Signature.parse(signed)


def account_sign_message(message: SignableLike, key: KeyLike) -> Any:
    """``Account.sign_message(message, key)`` with the kit's signer: the same ``SignedMessage``, byte for byte."""
    digest = signable_digest(message)
    return to_signed_message(sign_digest(digest, key), digest)


def account_recover_message(message: SignableLike, signature: Any, *, allow_high_s: bool = False) -> str:
    """``Account.recover_message(message, signature=...)``: the EIP-55 signer of a ``SignableMessage``.

    Unlike eth-account, a high-s signature is refused (``SIGNATURE_HIGH_S``) unless ``allow_high_s``.
    """
    return recover_digest(signable_digest(message), signature, allow_high_s=allow_high_s)


__all__ = [
    "account_recover_message",
    "account_sign_message",
    "encode_defunct",
    "encode_typed_data",
    "from_signed_message",
    "signable_digest",
    "to_signed_message",
]

if not TYPE_CHECKING:  # old names kept working, with a warning (base/renamed.py)
    __getattr__ = module_getattr(__name__, {
        "sign_message": "account_sign_message",
        "recover_message": "account_recover_message",
    }, globals())
