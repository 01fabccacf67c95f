"""Sera's public endpoints over HTTP, and readers for the answers the document does not show.

The client knows paths (:mod:`eip712kit.protocols.sera.endpoints`) and response shapes; it takes
signed bodies built by :mod:`eip712kit.protocols.sera` and returns what the server said. What it
reads to sign with — the domain (``GET /config``) and the tokens (``GET /tokens``) — comes out of
:meth:`SeraClient.signing_domain` and :meth:`SeraClient.signing_tokens` already held to the kit's
one trust policy (:mod:`eip712kit.protocols.trust`): a server that differs from the pins is refused
(``TrustError``) unless the caller grants that trust by name. Where the document does not show a
response's shape (``/system/time``, ``/tokens``), the readers below accept the few plausible forms
and say so in one place each (*inferred*), and refuse anything else as the server's fault (exit 3):
an absurd clock is never used to sign.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..base.errors import NetworkError
from ..core.domain import Domain
from ..protocols import trust
from ..protocols.requests import Prepared
from ..protocols.sera import DOMAIN, TokenList, domain_from_config, endpoints, self_revoke_request
from ..protocols.sera.uuid_int import MAX_EXECUTOR_ID
from ..protocols.sera.verdicts import Verdict
from .transport import MAX_BODY_SHOWN, ApiClient, Response, read_answer, server_error

_TIME_KEYS = ("server_time", "timestamp", "time", "serverTime", "now", "epoch")
MILLISECONDS_FROM = 10**11
"""A server time at or above this is taken as milliseconds (10**11 s is the year 5138)."""
EARLIEST_SERVER_TIME = 1_000_000_000
"""2001-09-09: a server clock before it is broken, not a clock to sign with."""


def _shown(body: Any) -> str:
    """A server's JSON for a message: its start, every unseen character escaped (trust.dumps)."""
    return trust.dumps(body)[:MAX_BODY_SHOWN]


def _whole_number(value: Any) -> int | None:
    """An int from an int, an ASCII-digit string or a finite float; None for anything else.

    Only ASCII digits are digits: ``str.isdigit()`` alone accepts Arabic-Indic and other digits.
    """
    if type(value) is int:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20:
        return int(value)
    if isinstance(value, float) and math.isfinite(value):  # a JSON float (JsonNumber) too
        return int(value)  # fractional seconds: the whole second that has begun
    return None


def parse_server_time(body: Any) -> int:
    """Unix seconds from a ``GET /system/time`` answer.

    *Inferred* (the Sera document does not show the shape): a bare number, or an object with one of
    ``server_time``, ``timestamp``, ``time``, ``serverTime``, ``now``, ``epoch`` (at the top or under
    ``data``) holding a number or a string of ASCII digits; 10**11 or more is milliseconds and is
    converted exactly (floor). A time before 2001 or beyond the year 5138 is a server fault.
    """
    value: Any = body
    if isinstance(body, dict):
        inner = body.get("data")
        source: dict[str, Any] = inner if isinstance(inner, dict) else body
        value = next((source[k] for k in _TIME_KEYS if k in source), None)
    number = _whole_number(value)
    if number is None and isinstance(value, str) and value.isdigit():
        raise server_error(f"the server's clock {value!r} is written in digits other than ASCII 0-9; only those "
                           "are read as a time")
    if number is None:
        raise server_error(f"cannot read a server time from {_shown(body)}; expected a number or an object with "
                           f"one of {', '.join(_TIME_KEYS)} holding one")
    seconds = number // 1000 if number >= MILLISECONDS_FROM else number
    if not EARLIEST_SERVER_TIME <= seconds < MILLISECONDS_FROM:
        raise server_error(f"the server's clock says {value!r}, which is not a plausible Unix time; refusing to "
                           "derive an expiration or a timestamp from it")
    return seconds


def parse_executor_id(health: Mapping[str, Any]) -> int:
    """The ``executor_id`` of a ``GET /health`` answer: a whole number from 0 to 15."""
    value = health.get("executor_id")
    number = None if isinstance(value, float) else _whole_number(value)
    if number is None or not 0 <= number <= MAX_EXECUTOR_ID:
        raise server_error(f"GET /health has no executor_id from 0 to {MAX_EXECUTOR_ID}: {_shown(dict(health))}")
    return number


def parse_tokens(body: Any) -> list[dict[str, Any]]:
    """The token list of a ``GET /tokens`` answer: a list, or an object holding it under
    ``tokens`` or ``data`` (*inferred*). Each token needs ``address`` and ``decimals``."""
    items = body
    if isinstance(body, dict):
        items = body.get("tokens", body.get("data"))
    if not isinstance(items, list) or not all(isinstance(t, dict) for t in items):
        raise server_error(f"cannot read a token list from {_shown(body)}")
    return items


SignedRequest = Prepared | Mapping[str, Any]
"""A signed API-key request: :func:`~eip712kit.protocols.sera.api_key_request`'s result, signed, or its fields."""


def _signed_fields(request: SignedRequest, use_query: bool = False) -> tuple[dict[str, Any], bool]:
    """The fields to send (the signature in place) and whether they travel as query parameters.

    A :class:`Prepared` says its own form; an unsigned one is refused (SIGNATURE_MISSING) before anything is sent.
    """
    if isinstance(request, Prepared):
        return request.body(), use_query or request.form == "query"
    return dict(request), use_query


class SeraClient(ApiClient):
    """Sera's public endpoints; the base URL is the server's origin (``/api/v1`` may be included)."""

    default_url = endpoints.BASE_URL
    prefix = endpoints.API_PREFIX

    def health(self) -> dict[str, Any]:
        return self.http.get(endpoints.HEALTH).expect().json_object()

    def executor_id(self) -> int:
        return parse_executor_id(self.health())

    def server_time(self) -> int:
        return parse_server_time(self.http.get(endpoints.SYSTEM_TIME).expect().body)

    def config(self) -> dict[str, Any]:
        return self.http.get(endpoints.CONFIG).expect().json_object()

    def tokens(self) -> list[dict[str, Any]]:
        return parse_tokens(self.http.get(endpoints.TOKENS).expect().body)

    def signing_domain(self, pinned: Domain = DOMAIN, *, trust_server_domain: bool = False) -> trust.Decision:
        """The domain to sign with: ``pinned`` (the documented deployment by default), checked against
        ``GET /config``. A server that names another deployment is refused (DOMAIN_MISMATCH, nothing
        signed) unless ``trust_server_domain``; then the decision's notes say so."""
        offered = read_answer("GET /config", lambda: domain_from_config(self.config()))
        return trust.decide_domain(pinned, offered, trust_server_domain=trust_server_domain, source="GET /config")

    def signing_tokens(self, domain: Domain, pins: TokenList | None = None, *,
                       trust_server_tokens: bool = False) -> TokenList:
        """The tokens to sign with: ``GET /tokens`` with every pinned token in its place.

        Pinned: the documented deployment's tokens when ``domain`` is on its chain, and ``pins``. A
        server (or ``pins``) contradicting them is refused (TOKEN_MISMATCH) unless ``trust_server_tokens``.
        """
        pinned = trust.sera_token_pins(domain, pins, trust_server_tokens=trust_server_tokens)
        served = read_answer("GET /tokens", lambda: TokenList.from_response(self.tokens()))
        return trust.decide_tokens(pinned, served, trust_server_tokens=trust_server_tokens)

    def markets(self) -> Any:
        return self.http.get(endpoints.MARKETS).expect().body

    def verify_signature(self, body: Mapping[str, Any]) -> Response:
        """POST /verify-signature; the server's verdict, whatever its status."""
        return self.http.post(endpoints.VERIFY_SIGNATURE, dict(body))

    # API keys. A signed request is what protocols.sera.api_key_request builds, signed by the wallet (or
    # its fields); the answers are returned as they are (Response: .status, .expect(), .json_object()).

    def create_api_key(self, request: SignedRequest) -> Response:
        """``POST /api-keys`` with a signed ``create`` (and its ``label``). 201: ``api_key`` and ``api_secret``
        — the secret is shown this once; 400 API_KEY_LIMIT at 10 active keys; 409 a replayed signature."""
        fields, _ = _signed_fields(request)
        return self.http.post(endpoints.API_KEYS, fields)

    def list_api_keys(self, request: SignedRequest, *, use_query: bool = False) -> Response:
        """A signed ``list``: ``POST /api-keys/list`` (a JSON body), or ``GET /api-keys`` with the fields as
        query parameters (``use_query``, or a request built with ``form="query"``). 200: ``{api_keys, count}``."""
        fields, as_query = _signed_fields(request, use_query)
        if as_query:
            return self.http.get(endpoints.API_KEYS, params=fields)
        return self.http.post(endpoints.API_KEYS_LIST, fields)

    def revoke_api_key(self, request: SignedRequest, *, use_query: bool = False) -> Response:
        """A signed ``revoke_<api_key>`` (with ``api_key``): ``POST /api-keys/revoke``, or ``DELETE /api-keys``
        with query parameters (``use_query``, or ``form="query"``). 404 API_KEY_NOT_FOUND for a key not active."""
        fields, as_query = _signed_fields(request, use_query)
        if as_query:
            return self.http.delete(endpoints.API_KEYS, params=fields)
        return self.http.post(endpoints.API_KEYS_REVOKE, fields)

    def revoke_all_api_keys(self, request: SignedRequest) -> Response:
        """``POST /api-keys/revoke-all`` with a signed ``revoke_all``: one wallet signature revokes every active
        key. 200: ``{status, revoked_api_keys, count}`` (count 0 when none was active)."""
        fields, _ = _signed_fields(request)
        return self.http.post(endpoints.API_KEYS_REVOKE_ALL, fields)

    def self_revoke_api_key(self, api_key: str, api_secret: str) -> Response:
        """``POST /api-keys/self-revoke``: the key in use revokes itself, authenticated by its own
        ``Bearer api_key:api_secret`` (no wallet signature; another key of the wallet needs one). 401 a bad pair."""
        request = self_revoke_request(api_key)
        return self.http.post(request.path, request.json, headers={"Authorization": f"Bearer {api_key}:{api_secret}"})

    def verify_api_key(self, api_key: str, api_secret: str) -> Response:
        """``POST /api-keys/verify``: whether the pair is valid, with no side effect. 200 ``{valid, owner_address}``,
        401 a bad pair, 503 the verification backend unreachable (retried first, as every 503)."""
        return self.http.post(endpoints.API_KEYS_VERIFY, {"api_key": api_key, "api_secret": api_secret})


def parse_verdict(response: Response) -> Verdict:
    """A server's answer to ``POST /verify-signature`` as the :class:`Verdict` the reference verifier gives.

    Read tolerantly: ``valid`` plus ``code``, ``field`` and the sentence (``detail``, or ``reason``,
    ``message``, ``error``); a 4xx without a verdict is a refusal whose sentence is the answer's start.
    The HTTP status and the raw body stay the :class:`Response`'s. A 5xx, a 429, an answer that is not
    JSON, or a 2xx without a boolean ``valid`` is no verdict: a NetworkError (exit 3).
    """
    if response.status >= 500 or response.status == 429 or not response.is_json:
        raise NetworkError(f"/verify-signature did not give a verdict: {response.describe()}",
                           code="SERVER_ERROR" if response.status < 500 else "NETWORK_ERROR")
    info = response.body if isinstance(response.body, dict) else {}
    detail = next((info[k] for k in ("detail", "reason", "message", "error") if isinstance(info.get(k), str)), None)
    code = info.get("code") if isinstance(info.get("code"), str) else None
    field = info.get("field") if isinstance(info.get("field"), str) else None
    if response.ok and isinstance(info.get("valid"), bool):
        return Verdict(info["valid"], code, detail, field)
    if response.ok:
        raise server_error(f"/verify-signature answered without a boolean 'valid': {response.describe()}")
    return Verdict(False, code, detail or response.text[:MAX_BODY_SHOWN], field)


__all__ = ["SeraClient", "parse_executor_id", "parse_server_time", "parse_tokens", "parse_verdict"]
