"""Renance's and Alura's login flows over HTTP (paths from the protocol modules, written once there).

Each flow is held to the kit's one trust policy (:mod:`eip712kit.protocols.trust`):
:meth:`RenanceClient.login_challenge` refuses a nonce whose typed data is for another domain than the
pinned one (unless ``trust_server_domain``), and :class:`AluraLogin` refuses to sign a text that does
not name its nonce and address, holds unseen characters, or signs in to another host (unless
``trust_server_text``). :meth:`RenanceClient.log_in` and :meth:`AluraClient.log_in` run a whole flow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.domain import Domain
from ..core.keys import KeyLike, as_private_key
from ..core.signature import Signature
from ..protocols import alura, renance, trust
from ..protocols.requests import Prepared
from .transport import ApiClient, Response, read_answer


@dataclass(frozen=True)
class RenanceLogin:
    """A nonce the policy allows signing: the checked challenge and the domain decided for it.

    Show :meth:`signed_view` (and the decision's notes) before :meth:`sign`: it is exactly what is signed.
    """

    answer: Response
    challenge: renance.NonceChallenge
    decision: trust.Decision

    def signed_view(self) -> dict[str, Any]:
        return {"primaryType": "Login", "domain": self.decision.domain.to_dict(),
                "message": self.challenge.login.to_message()}

    def sign(self, key: KeyLike) -> Prepared:
        """The ``POST /api/v1/auth/login`` request, signed in the decided domain."""
        return self.challenge.request().sign(key, self.decision.domain)


class RenanceClient(ApiClient):
    """Renance / XBlade Vault's login flow; the base URL is the server's origin (``/api/v1`` may be included)."""

    default_url = renance.BASE_URL
    prefix = renance.API_PREFIX

    def nonce(self, address: str) -> Response:
        """GET /api/v1/auth/nonce/{address}: ``{nonce, typed_data}`` to sign."""
        return self.http.get(renance.nonce_request(address).path)

    def login(self, body: Mapping[str, object]) -> Response:
        """POST /api/v1/auth/login ``{address, signature, timestamp}``: a ``token`` on success."""
        return self.http.post(renance.LOGIN_PATH, dict(body))

    def login_challenge(self, address: str, pinned: Domain = renance.DOMAIN, *,
                        trust_server_domain: bool = False) -> RenanceLogin:
        """GET the nonce for ``address`` and decide its domain (:func:`~eip712kit.protocols.trust.decide_login_domain`).

        A typed data for another domain than ``pinned`` is refused (DOMAIN_MISMATCH, nothing signed)
        unless ``trust_server_domain``; one that does not hash like the documented Login, always.
        """
        answer = self.nonce(address).expect()
        challenge = read_answer("nonce response", lambda: renance.parse_nonce_response(
            answer.json_object(), address=address, pinned=pinned))
        decision = read_answer("typed_data", lambda: trust.decide_login_domain(
            challenge, pinned, trust_server_domain=trust_server_domain))
        return RenanceLogin(answer, challenge, decision)

    def log_in(self, key: KeyLike, pinned: Domain = renance.DOMAIN, *, trust_server_domain: bool = False) -> Response:
        """The whole flow: nonce, the policy's decision, the signed Login POSTed; the server's answer."""
        plan = self.login_challenge(as_private_key(key).address, pinned, trust_server_domain=trust_server_domain)
        return self.login(plan.sign(key).body())


@dataclass(frozen=True)
class AluraLogin:
    """A checked challenge from ``api_url``: show :attr:`challenge`'s text, then :meth:`sign` it."""

    answer: Response
    challenge: alura.Challenge
    api_url: str

    def sign(self, key: KeyLike, *, trust_server_text: bool = False) -> Signature:
        """personal_sign of the text, refused (CHALLENGE_MISMATCH) as
        :func:`~eip712kit.protocols.trust.require_login_text` says unless ``trust_server_text``."""
        return self.challenge.sign(key, api_url=self.api_url, trust_text=trust_server_text)


class AluraClient(ApiClient):
    """Alura's EVM login flow: challenge, personal_sign, verify."""

    default_url = alura.BASE_URL

    def challenge(self, body: Mapping[str, object]) -> Response:
        """POST /auth/evm/challenge ``{address}``: ``{address, nonce, message}``."""
        return self.http.post(alura.CHALLENGE_PATH, dict(body))

    def verify(self, body: Mapping[str, object]) -> Response:
        """POST /auth/evm/verify ``{address, signature, referralCode?}``: ``{ok, accessToken, …}``."""
        return self.http.post(alura.VERIFY_PATH, dict(body))

    def login_challenge(self, address: str) -> AluraLogin:
        """POST the challenge for ``address`` and check its shape (the text is checked when signed)."""
        answer = self.challenge(alura.challenge_request(address).json or {}).expect()
        challenge = read_answer("challenge", lambda: alura.parse_challenge(answer.json_object(), address=address))
        return AluraLogin(answer, challenge, self.http.base_url)

    def log_in(self, key: KeyLike, *, referral_code: str | None = None, trust_server_text: bool = False) -> Response:
        """The whole flow: challenge, the policy's check of its text, personal_sign, verify; the server's answer."""
        plan = self.login_challenge(as_private_key(key).address)
        signature = plan.sign(key, trust_server_text=trust_server_text)
        return self.verify(plan.challenge.verify_request(signature, referral_code).json or {})


__all__ = ["AluraClient", "AluraLogin", "RenanceClient", "RenanceLogin"]
