"""Renance's and Alura's login flows over HTTP (paths from the protocol modules, written once there)."""

from __future__ import annotations

from collections.abc import Mapping

from ..protocols import alura, renance
from .transport import ApiClient, Response


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


class AluraClient(ApiClient):
    """Alura's EVM login flow: challenge, personal_sign, verify."""

    default_url = alura.BASE_URL

    def challenge(self, body: Mapping[str, object]) -> Response:
        """POST /auth/evm/challenge ``{address}``: ``{address, nonce, message}``."""
        return self.http.post(alura.CHALLENGE_PATH, dict(body))

    def verify(self, body: Mapping[str, object]) -> Response:
        """POST /auth/evm/verify ``{address, signature, referralCode?}``: ``{ok, accessToken, …}``."""
        return self.http.post(alura.VERIFY_PATH, dict(body))


__all__ = ["AluraClient", "RenanceClient"]
