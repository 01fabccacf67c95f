"""Alura: log in by signing a server challenge with ``personal_sign`` (EIP-191), nothing else signed.

Flow: ``POST /auth/evm/challenge {address}`` → ``{address, nonce, message}``; the wallet signs
``message`` — its exact text, UTF-8, never reinterpreted as hex — with ``personal_sign``; then
``POST /auth/evm/verify {address, signature, referralCode?}`` returns a Bearer token. Every
other Alura call is plain Bearer REST with no signature of its own.

The text is the server's, so it is checked before it is signed (:meth:`Challenge.text_problems`,
the rule of :mod:`eip712kit.protocols.trust`): it must name the nonce and the address it was issued
for, hold nothing a person cannot see (no control, bidi or zero-width character), and a
Sign-In-With-Ethereum (EIP-4361) text must be for the API's own host — otherwise a hostile server
could have the wallet sign in to another site. A caller who trusts the server anyway says so
(``trust_text=True``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..base.errors import Eip712KitError, ProtocolError
from ..base.limits import DEFAULT_LIMITS, load_json
from ..base.parsers import parse_address, to_checksum_address
from ..base.renamed import warn_renamed
from ..core.api import Verification, check_message, recover_message
from ..core.keys import KeyLike
from ..core.messages import hash_message
from ..core.signature import Signature, sign_digest
from . import trust
from .requests import HttpRequest, require_signer, signature_text

BASE_URL = "https://testnet-api.alura.fun"
"""The documented base URL (the paths below hang directly from it)."""
CHALLENGE_PATH = "/auth/evm/challenge"
VERIFY_PATH = "/auth/evm/verify"


def _address(address: Any, path: str = "address") -> str:
    try:
        return to_checksum_address(parse_address(address))
    except Eip712KitError as exc:
        raise exc.at(path) from None


def challenge_request(address: str) -> HttpRequest:
    """``POST /auth/evm/challenge {address}`` (the address sent as given, once validated)."""
    _address(address)
    return HttpRequest("POST", CHALLENGE_PATH, json={"address": address})


@dataclass(frozen=True)
class Challenge:
    """A login challenge: the message to sign, for ``address`` (EIP-55), with the server's nonce."""

    address: str
    nonce: Any
    message: str

    def digest(self) -> bytes:
        """The EIP-191 digest of the message's UTF-8 text."""
        return hash_message(self.message)

    def text_problems(self, api_url: str | None = None) -> list[str]:
        """Why this text should not be signed for this challenge (empty when it may be).

        The rule is the kit's one trust policy (:func:`eip712kit.protocols.trust.text_problems`): the
        text names the nonce and the address it was issued for, holds no control, bidi or zero-width
        character, and a Sign-In-With-Ethereum text is for ``api_url``'s host.
        """
        return trust.text_problems(self.message, nonce=self.nonce, address=self.address, api_url=api_url)

    def sign(self, key: KeyLike, *, api_url: str | None = None, trust_text: bool = False) -> Signature:
        """personal_sign of the message, once its text is checked (:meth:`text_problems`).

        A text that fails the check is refused (CHALLENGE_MISMATCH) unless ``trust_text``; a key for
        another address is refused (KEY_MISMATCH).
        """
        private_key = require_signer(key, self.address)
        trust.require_login_text(self.message, nonce=self.nonce, address=self.address, api_url=api_url,
                                 trust_server_text=trust_text)
        return sign_digest(self.digest(), private_key)

    def recover(self, signature: Any) -> str:
        return recover_message(self.message, signature)

    def check(self, signature: Any) -> Verification:
        """Whether the challenge's address signed its message (low-s, non-zero signer)."""
        return check_message(self.message, signature, self.address)

    def verify(self, signature: Any) -> Verification:
        """The old name of :meth:`check` (it returns a Verification; ``verify_*`` answer yes or no)."""
        warn_renamed("Challenge.verify", "Challenge.check")
        return self.check(signature)

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
    nonce = data["nonce"]
    if type(nonce) not in (str, int) or nonce == "":
        raise ProtocolError("the challenge nonce is a non-empty string or an integer", code="INVALID_CHALLENGE",
                            path="nonce")
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
    return Challenge(challenged, nonce, message)


def sign_challenge(challenge: Challenge, key: KeyLike, *, api_url: str | None = None,
                   trust_text: bool = False) -> Signature:
    return challenge.sign(key, api_url=api_url, trust_text=trust_text)


def verify_request(address: str, signature: Any, referral_code: str | None = None) -> HttpRequest:
    """``POST /auth/evm/verify {address, signature, referralCode?}`` (referralCode only when given)."""
    _address(address)
    body: dict[str, Any] = {"address": address, "signature": signature_text(signature)}
    if referral_code is not None:
        if type(referral_code) is not str or not referral_code:
            raise ProtocolError("referralCode is a non-empty string when given", code="INVALID_CHALLENGE",
                                path="referralCode")
        body["referralCode"] = referral_code
    return HttpRequest("POST", VERIFY_PATH, json=body)


__all__ = [
    "BASE_URL",
    "CHALLENGE_PATH",
    "VERIFY_PATH",
    "Challenge",
    "challenge_request",
    "parse_challenge",
    "sign_challenge",
    "verify_request",
]
