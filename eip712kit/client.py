"""HTTP clients for the live endpoints: Sera's public API, Renance's and Alura's login flows.

One small transport (:class:`HttpClient`) under three protocol clients. What it guarantees:

* every call has a timeout (connect and read), so a check never hangs;
* ``429 Too Many Requests`` and ``503 Service Unavailable`` are retried with exponential back-off
  (honouring ``Retry-After`` up to a ceiling), a bounded number of times;
* a failure to talk to the server at all — DNS, refused connection, timeout, TLS — is a
  :class:`~eip712kit.errors.NetworkError` (``NETWORK_ERROR``) whose sentence names the URL and
  what went wrong, never a traceback and never a header value (bearer tokens stay out of it);
* any HTTP answer, 4xx included, comes back as a :class:`Response` — status, parsed JSON (or
  ``None``) and text — because a refusal is an answer a caller wants to look at, not an exception.
  :meth:`Response.expect` turns the statuses a caller did not expect into ``NetworkError``.

The protocol clients know paths and response shapes, nothing about signing: they take signed
bodies built by :mod:`eip712kit.protocols` and return what the server said. The conformance
runner can drive any Sera-compatible endpoint through :class:`SeraClient` (or :meth:`HttpClient.request`
for deliberately malformed requests).

Where the documents do not show a response's shape (``/system/time``, ``/tokens``), the parsers
below accept the few plausible forms and say so in one place each (*inferred*).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import NetworkError

SERA_API = "https://api.sera.cx/api/v1"
RENANCE_API = "https://api.renance.xyz"
ALURA_API = "https://testnet-api.alura.fun"

DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 3
RETRY_STATUSES = frozenset({429, 503})
MAX_BODY_SHOWN = 300


@dataclass(frozen=True)
class Response:
    """What a server answered: status, JSON body (``None`` when not JSON) and the raw text."""

    method: str
    url: str
    status: int
    body: Any
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def is_json(self) -> bool:
        return self.body is not None or self.text.strip() == "null"

    def describe(self) -> str:
        """``POST http://…/verify-signature -> 400: <start of body>`` for messages."""
        shown = self.text if len(self.text) <= MAX_BODY_SHOWN else self.text[:MAX_BODY_SHOWN] + "…"
        return f"{self.method} {self.url} -> {self.status}" + (f": {shown}" if shown else "")

    def expect(self, *statuses: int) -> Response:
        """This response if its status is expected (default: any 2xx) and its body JSON; else NetworkError."""
        wanted = self.status in statuses if statuses else self.ok
        if not wanted:
            hint = ""
            if self.status == 429:
                hint = " (still rate limited after retrying; wait and try again)"
            elif self.status >= 500:
                hint = " (a server-side error)"
            raise NetworkError(f"unexpected answer {self.describe()}{hint}", code="NETWORK_ERROR")
        if not self.is_json:
            raise NetworkError(f"the answer is not JSON: {self.describe()}", code="NETWORK_ERROR")
        return self

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object, or NetworkError naming what came instead."""
        if not isinstance(self.body, dict):
            raise NetworkError(f"expected a JSON object from {self.method} {self.url}, got: "
                               f"{self.text[:MAX_BODY_SHOWN]!r}", code="NETWORK_ERROR")
        return self.body


class HttpClient:
    """httpx with timeouts, bounded retries on 429/503, and errors in the kit's own terms."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not base_url.startswith(("http://", "https://")):
            raise NetworkError(f"{base_url!r} is not an http(s) URL", code="NETWORK_ERROR")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            headers={"Accept": "application/json", "User-Agent": "eip712kit", **(headers or {})},
            transport=transport,
            follow_redirects=False,
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/") if path else self.base_url

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        delay = float(self.backoff * (2 ** attempt))
        if response is not None:
            retry_after = str(response.headers.get("Retry-After", ""))
            if retry_after.isdigit():
                delay = max(delay, float(retry_after))
        return min(delay, self.max_backoff)

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """One HTTP exchange, retried on 429/503 (and, for GET, on a dropped connection)."""
        url = self.url(path)
        attempt = 0
        while True:
            try:
                reply = self._client.request(
                    method, url, json=json_body if content is None else None, content=content,
                    params=dict(params) if params else None, headers=dict(headers) if headers else None,
                )
            except httpx.TimeoutException:
                raise NetworkError(f"{method} {url} timed out after {self.timeout:g} s: the server is slow "
                                   "or unreachable (raise --timeout, or check the URL)", code="NETWORK_ERROR") from None
            except httpx.TransportError as exc:
                if method == "GET" and attempt < self.retries and isinstance(exc, httpx.RemoteProtocolError):
                    self._sleep(self._delay(attempt, None))
                    attempt += 1
                    continue
                raise NetworkError(f"could not reach {url}: {_transport_reason(exc)}", code="NETWORK_ERROR") from None
            if reply.status_code in RETRY_STATUSES and attempt < self.retries:
                self._sleep(self._delay(attempt, reply))
                attempt += 1
                continue
            return _response(method, url, reply, attempt + 1)

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Response:
        return self.request("POST", path, json_body=body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Response:
        return self.request("DELETE", path, **kwargs)


def _transport_reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        if "refused" in text.lower():
            return "connection refused (is the server running, and the port right?)"
        if "name" in text.lower() and ("resolution" in text.lower() or "known" in text.lower()):
            return "the host name does not resolve (check the URL)"
        return f"cannot connect ({text})"
    return f"{type(exc).__name__} ({text})"


def _response(method: str, url: str, reply: httpx.Response, attempts: int) -> Response:
    text = reply.text
    try:
        body = json.loads(text) if text.strip() else None
    except ValueError:
        body = None
    return Response(method, url, reply.status_code, body, text, dict(reply.headers), attempts)


# --- response shapes ----------------------------------------------------------------------------

_TIME_KEYS = ("server_time", "timestamp", "time", "serverTime", "now", "epoch")
MILLISECONDS_FROM = 10**11
"""A server time at or above this is taken as milliseconds (10**11 s is the year 5138)."""


def parse_server_time(body: Any) -> int:
    """Unix seconds from a ``GET /system/time`` answer.

    *Inferred* (the Sera document does not show the shape): a bare number, or an object with one of
    ``server_time``, ``timestamp``, ``time``, ``serverTime``, ``now``, ``epoch`` holding a number or
    a numeric string; a value of 10**11 or more is milliseconds and is converted, exactly (floor).
    """
    value: Any = body
    if isinstance(body, dict):
        inner = body.get("data")
        source: dict[str, Any] = inner if isinstance(inner, dict) else body
        value = next((source[k] for k in _TIME_KEYS if k in source), None)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        value = int(value)  # fractional seconds: the whole second that has begun
    if type(value) is not int or value <= 0:
        raise NetworkError(f"cannot read a server time from {json.dumps(body)[:MAX_BODY_SHOWN]}; expected a "
                           f"number or an object with one of {', '.join(_TIME_KEYS)}", code="NETWORK_ERROR")
    return value // 1000 if value >= MILLISECONDS_FROM else value


def parse_tokens(body: Any) -> list[dict[str, Any]]:
    """The token list of a ``GET /tokens`` answer: a list, or an object holding it under
    ``tokens`` or ``data`` (*inferred*). Each token needs ``address`` and ``decimals``."""
    items = body
    if isinstance(body, dict):
        items = body.get("tokens", body.get("data"))
    if not isinstance(items, list) or not all(isinstance(t, dict) for t in items):
        raise NetworkError(f"cannot read a token list from {json.dumps(body)[:MAX_BODY_SHOWN]}",
                           code="NETWORK_ERROR")
    return items


# --- protocol clients -----------------------------------------------------------------------------

class SeraClient:
    """Sera's public endpoints (``/api/v1`` included in the base URL)."""

    def __init__(self, base_url: str = SERA_API, **options: Any):
        self.http = HttpClient(base_url, **options)

    def __enter__(self) -> SeraClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def close(self) -> None:
        self.http.close()

    def health(self) -> dict[str, Any]:
        return self.http.get("health").expect().json_object()

    def executor_id(self) -> int:
        health = self.health()
        value = health.get("executor_id")
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if type(value) is not int:
            raise NetworkError(f"GET /health has no integer executor_id: {json.dumps(health)[:MAX_BODY_SHOWN]}",
                               code="NETWORK_ERROR")
        return value

    def server_time(self) -> int:
        return parse_server_time(self.http.get("system/time").expect().body)

    def config(self) -> dict[str, Any]:
        return self.http.get("config").expect().json_object()

    def tokens(self) -> list[dict[str, Any]]:
        return parse_tokens(self.http.get("tokens").expect().body)

    def markets(self) -> Any:
        return self.http.get("markets").expect().body

    def verify_signature(self, body: Mapping[str, Any]) -> Response:
        """POST /verify-signature; the server's verdict, whatever its status."""
        return self.http.post("verify-signature", dict(body))

    # API keys: signed bodies come from eip712kit.protocols.sera; the answers are returned as they are.

    def create_api_key(self, body: Mapping[str, Any]) -> Response:
        return self.http.post("api-keys", dict(body))

    def list_api_keys(self, body: Mapping[str, Any], *, use_query: bool = False) -> Response:
        if use_query:
            return self.http.get("api-keys", params=body)
        return self.http.post("api-keys/list", dict(body))

    def revoke_api_key(self, body: Mapping[str, Any], *, use_query: bool = False) -> Response:
        if use_query:
            return self.http.delete("api-keys", params=body)
        return self.http.post("api-keys/revoke", dict(body))

    def revoke_all_api_keys(self, body: Mapping[str, Any]) -> Response:
        return self.http.post("api-keys/revoke-all", dict(body))

    def self_revoke_api_key(self, api_key: str, api_secret: str) -> Response:
        return self.http.post("api-keys/self-revoke", {"api_key": api_key},
                              headers={"Authorization": f"Bearer {api_key}:{api_secret}"})

    def verify_api_key(self, api_key: str, api_secret: str) -> Response:
        return self.http.post("api-keys/verify", {"api_key": api_key, "api_secret": api_secret})


class RenanceClient:
    """Renance / XBlade Vault's login flow (base URL without ``/api/v1``)."""

    def __init__(self, base_url: str = RENANCE_API, **options: Any):
        self.http = HttpClient(base_url, **options)

    def __enter__(self) -> RenanceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def nonce(self, address: str) -> Response:
        """GET /api/v1/auth/nonce/{address}: ``{nonce, typed_data}`` to sign."""
        return self.http.get(f"api/v1/auth/nonce/{address}")

    def login(self, body: Mapping[str, Any]) -> Response:
        """POST /api/v1/auth/login ``{address, signature, timestamp}``: a ``token`` on success."""
        return self.http.post("api/v1/auth/login", dict(body))


class AluraClient:
    """Alura's EVM login flow: challenge, personal_sign, verify."""

    def __init__(self, base_url: str = ALURA_API, **options: Any):
        self.http = HttpClient(base_url, **options)

    def __enter__(self) -> AluraClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def challenge(self, body: Mapping[str, Any]) -> Response:
        """POST /auth/evm/challenge ``{address}``: ``{address, nonce, message}``."""
        return self.http.post("auth/evm/challenge", dict(body))

    def verify(self, body: Mapping[str, Any]) -> Response:
        """POST /auth/evm/verify ``{address, signature, referralCode?}``: ``{ok, accessToken, …}``."""
        return self.http.post("auth/evm/verify", dict(body))


@dataclass
class ServerVerdict:
    """A server's answer to ``POST /verify-signature``, read tolerantly: ``valid`` plus code/field/detail."""

    status: int
    valid: bool
    code: str | None
    field: str | None
    detail: str | None
    body: Any

    @classmethod
    def from_response(cls, response: Response) -> ServerVerdict:
        if response.status >= 500 or response.status == 429 or not response.is_json:
            raise NetworkError(f"/verify-signature did not give a verdict: {response.describe()}",
                               code="NETWORK_ERROR")
        body = response.body
        info = body if isinstance(body, dict) else {}
        detail = next((info[k] for k in ("detail", "reason", "message", "error") if isinstance(info.get(k), str)),
                      None)
        code = info.get("code") if isinstance(info.get("code"), str) else None
        field = info.get("field") if isinstance(info.get("field"), str) else None
        if response.ok and isinstance(info.get("valid"), bool):
            return cls(response.status, info["valid"], code, field, detail, body)
        if response.ok:
            raise NetworkError(f"/verify-signature answered without a boolean 'valid': {response.describe()}",
                               code="NETWORK_ERROR")
        return cls(response.status, False, code, field, detail or response.text[:300], body)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "valid": self.valid, "code": self.code, "field": self.field,
                "detail": self.detail, "body": self.body}


__all__ = [
    "ALURA_API",
    "RENANCE_API",
    "SERA_API",
    "AluraClient",
    "HttpClient",
    "RenanceClient",
    "Response",
    "SeraClient",
    "ServerVerdict",
    "parse_server_time",
    "parse_tokens",
]
