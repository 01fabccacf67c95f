"""Alura: log in by signing a server challenge with ``personal_sign`` (EIP-191), nothing else signed.

Flow: ``POST /auth/evm/challenge {address}`` → ``{address, nonce, message}``; the wallet signs
``message`` — its exact text, UTF-8, never reinterpreted as hex — with ``personal_sign``; then
``POST /auth/evm/verify {address, signature, referralCode?}`` returns a Bearer token. Every
other Alura call is plain Bearer REST with no signature of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..api import Verification, check_message, recover_message
from ..encoding import parse_address, to_checksum_address
from ..errors import Eip712KitError, ProtocolError
from ..keys import PrivateKey
from ..limits import DEFAULT_LIMITS, load_json
from ..messages import hash_message
from ..signature import Signature, sign_digest
from .requests import HttpRequest, check_signer, signature_text

BASE_URL = "https://testnet-api.alura.fun"


def _address(address: Any, path: str = "address") -> str:
    try:
        return to_checksum_address(parse_address(address))
    except Eip712KitError as exc:
        raise exc.at(path) from None


def challenge_request(address: str) -> HttpRequest:
    """``POST /auth/evm/challenge {address}`` (the address sent as given, once validated)."""
    _address(address)
    return HttpRequest("POST", "/auth/evm/challenge", json={"address": address})


@dataclass(frozen=True)
class Challenge:
    """A login challenge: the message to sign, for ``address`` (EIP-55), with the server's nonce."""

    address: str
    nonce: Any
    message: str

    def digest(self) -> bytes:
        """The EIP-191 digest of the message's UTF-8 text."""
        return hash_message(self.message)

    def sign(self, key: PrivateKey | str) -> Signature:
        """personal_sign of the message; a key for another address is refused (KEY_MISMATCH)."""
        return sign_digest(self.digest(), check_signer(key, self.address))

    def recover(self, signature: Any) -> str:
        return recover_message(self.message, signature)

    def verify(self, signature: Any) -> Verification:
        """Whether the challenge's address signed its message (low-s, non-zero signer)."""
        return check_message(self.message, signature, self.address)

    def verify_request(self, signature: Any, referral_code: str | None = None) -> HttpRequest:
        return verify_request(self.address, signature, referral_code)


def parse_challenge(response: Mapping[str, Any] | str | bytes, *, address: str | None = None) -> Challenge:
    """Check a challenge response ``{address, nonce, message}``.

    ``message`` must be a non-empty string and ``address`` a valid address; with ``address`` the
    challenge must be for it (INVALID_CHALLENGE otherwise) — a challenge for another wallet
    would log in as someone else or fail. The message is kept byte for byte.
    """
    data = load_json(response, DEFAULT_LIMITS) if isinstance(response, (str, bytes, bytearray)) else response
    if not isinstance(data, Mapping):
        raise ProtocolError("a challenge response is a JSON object {address, nonce, message}",
                            code="INVALID_CHALLENGE")
    for key in ("address", "nonce", "message"):
        if key not in data or data[key] is None:
            raise ProtocolError(f"the challenge response has no {key!r}", code="INVALID_CHALLENGE", path=key)
    message = data["message"]
    if type(message) is not str or not message:
        raise ProtocolError("the challenge message is a non-empty string", code="INVALID_CHALLENGE",
                            path="message")
    challenged = _address(data["address"])
    if address is not None and _address(address) != challenged:
        raise ProtocolError(
            f"the challenge is for {challenged}, not {_address(address)}: request a challenge for this wallet",
            code="INVALID_CHALLENGE",
            path="address",
        )
    return Challenge(challenged, data["nonce"], message)


def sign_challenge(challenge: Challenge, key: PrivateKey | str) -> Signature:
    return challenge.sign(key)


def verify_request(address: str, signature: Any, referral_code: str | None = None) -> HttpRequest:
    """``POST /auth/evm/verify {address, signature, referralCode?}`` (referralCode only when given)."""
    _address(address)
    body: dict[str, Any] = {"address": address, "signature": signature_text(signature)}
    if referral_code is not None:
        if type(referral_code) is not str or not referral_code:
            raise ProtocolError("referralCode is a non-empty string when given", code="INVALID_CHALLENGE",
                                path="referralCode")
        body["referralCode"] = referral_code
    return HttpRequest("POST", "/auth/evm/verify", json=body)


__all__ = [
    "BASE_URL",
    "Challenge",
    "challenge_request",
    "parse_challenge",
    "sign_challenge",
    "verify_request",
]
