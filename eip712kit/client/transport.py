"""One HTTP transport for every live endpoint, built to survive a hostile server.

Every network answer may be hostile, so what :class:`HttpClient` guarantees:

* **one overall deadline per exchange** — connecting, sending and reading the whole answer end
  within ``timeout`` seconds, whatever the server does (a body trickled one byte a second, an
  answer that never ends); httpx's own timeouts bound each socket operation, not the whole call;
* **a size cap** — an answer over ``max_bytes`` (4 MiB by default, on the wire and after content
  decoding) is refused as soon as the cap is passed, so a huge body costs neither memory nor time;
  the answer is decoded here, not by httpx, one bounded step at a time, and at most one gzip or
  deflate coding is decoded (:mod:`.codings` says why: a 1.8 KB ``gzip, gzip`` answer took httpx to 2.1 GB);
* **JSON read strictly** — only with a JSON content type, through :func:`~eip712kit.base.limits.load_json`
  (no ``NaN``/``Infinity``, bounded nesting, no 4,300-digit numbers);
* ``429 Too Many Requests`` and ``503 Service Unavailable`` are retried with exponential back-off
  (honouring an ASCII-digit ``Retry-After`` up to a ceiling), a bounded number of times;
* every failure — DNS, refused connection, deadline, TLS, an unusable answer — is a
  :class:`~eip712kit.base.errors.NetworkError` (exit 3 at the CLI) whose sentence names the URL and what
  went wrong, never a traceback and never a header value (bearer tokens stay out of it);
* any HTTP answer, 4xx included, comes back as a :class:`Response`, because a refusal is an answer
  a caller wants to look at; :meth:`Response.expect` turns the statuses a caller did not expect, and
  bodies that are not usable JSON, into ``NetworkError``.

:class:`ApiClient` is what the three protocol clients share: the server's origin (``--api`` means
the same thing for every protocol: scheme, host and port, with or without the protocol's documented
path prefix) and closing on exit.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, TypeVar

import httpx

from ..base.errors import Eip712KitError, NetworkError, TrustError
from ..base.limits import Limits, load_json
from ..protocols.trust import visible
from .codings import CodingError, TooLarge, decoder

DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 3
RETRY_STATUSES = frozenset({429, 503})
MAX_BODY_SHOWN = 300
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
"""Largest answer read (after content decoding): a token list or a config is a few kilobytes."""
RESPONSE_LIMITS = Limits(max_document_bytes=MAX_RESPONSE_BYTES, max_depth=64)
"""How a server's JSON is parsed: the same bounds as any untrusted document."""
_JSON_TYPES = ("application/json", "application/problem+json")
_T = TypeVar("_T")


def server_error(message: str) -> NetworkError:
    """A server's answer that cannot be used (malformed, too large, too deep, absurd): exit 3."""
    return NetworkError(message, code="SERVER_ERROR")


def read_answer(what: str, parse: Callable[[], _T]) -> _T:
    """Run a parser over a server's answer: its refusal is the server's fault (exit 3), not the user's.

    A :class:`NetworkError` and a :class:`TrustError` (the trust policy's refusal, exit 1) pass as they are.
    """
    try:
        return parse()
    except (NetworkError, TrustError):
        raise
    except Eip712KitError as exc:
        raise server_error(f"the server's {what} is not usable: {exc}") from None


@dataclass(frozen=True)
class Response:
    """What a server answered: status, JSON body (``None`` when not usable JSON) and the text.

    ``problem`` says why ``body`` is ``None`` for an answer that has content (wrong content type,
    invalid JSON, over-deep) — the sentence :meth:`expect` reports.
    """

    method: str
    url: str
    status: int
    body: Any
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)
    attempts: int = 1
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def is_json(self) -> bool:
        return self.problem is None and (self.body is not None or self.text.strip() == "null")

    def describe(self) -> str:
        """``POST http://…/verify-signature -> 400: <start of body>`` for messages (the body made visible)."""
        shown = self.text if len(self.text) <= MAX_BODY_SHOWN else self.text[:MAX_BODY_SHOWN] + "…"
        return f"{self.method} {self.url} -> {self.status}" + (f": {visible(shown)}" if shown else "")

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
            why = self.problem or "the answer is empty"
            raise server_error(f"the answer to {self.method} {self.url} is not JSON this kit can use: {why}")
        return self

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object, or a server error naming what came instead."""
        if not isinstance(self.body, dict):
            raise server_error(f"expected a JSON object from {self.method} {self.url}, got: "
                               f"{self.text[:MAX_BODY_SHOWN]!r}")
        return self.body


class HttpClient:
    """httpx with an overall deadline, a size cap, strict JSON, bounded retries and the kit's errors."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        max_bytes: int = MAX_RESPONSE_BYTES,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        if not base_url.startswith(("http://", "https://")):
            raise NetworkError(f"{base_url!r} is not an http(s) URL", code="NETWORK_ERROR")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_bytes = max_bytes
        self._limits = replace(RESPONSE_LIMITS, max_document_bytes=max_bytes)
        self._sleep = sleep
        self._clock = clock
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            headers={"Accept": "application/json", "Accept-Encoding": "identity", "User-Agent": "eip712kit",
                     **(headers or {})},
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

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        delay = float(self.backoff * (2 ** attempt))
        if retry_after is not None and retry_after.isascii() and retry_after.isdigit() and len(retry_after) < 10:
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
        send = {"json": json_body if content is None else None, "content": content,
                "params": dict(params) if params else None, "headers": dict(headers) if headers else None}
        attempt = 0
        while True:
            try:
                reply = self._exchange(method, url, send)
            except _Dropped:
                if method == "GET" and attempt < self.retries:
                    self._sleep(self._delay(attempt, None))
                    attempt += 1
                    continue
                raise NetworkError(f"could not reach {url}: the server closed the connection without an answer",
                                   code="NETWORK_ERROR") from None
            if reply.status in RETRY_STATUSES and attempt < self.retries:
                self._sleep(self._delay(attempt, reply.headers.get("retry-after")))
                attempt += 1
                continue
            return replace(reply, attempts=attempt + 1)

    def _exchange(self, method: str, url: str, send: dict[str, Any]) -> Response:
        """One attempt, bounded by the deadline: the socket work runs in a worker thread.

        httpx bounds each socket operation, not the call: a server trickling its body can keep a
        read alive forever. The worker also checks the deadline between chunks (so it ends too),
        but the caller stops waiting at the deadline exactly.
        """
        deadline = self._clock() + self.timeout
        outcome: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()

        def work() -> None:
            try:
                outcome.put((True, self._fetch(method, url, send, deadline)))
            except BaseException as exc:  # handed to the caller, who decides what it means
                outcome.put((False, exc))

        threading.Thread(target=work, name="eip712kit-http", daemon=True).start()
        try:
            ok, value = outcome.get(timeout=self.timeout)
        except queue.Empty:
            raise self._too_slow(method, url) from None
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    def _too_slow(self, method: str, url: str) -> NetworkError:
        return NetworkError(f"{method} {url} timed out after {self.timeout:g} s (the deadline covers connecting and "
                            "reading the whole answer): the server is slow or unreachable (raise --timeout, or check "
                            "the URL)", code="NETWORK_ERROR")

    def _fetch(self, method: str, url: str, send: dict[str, Any], deadline: float) -> Response:
        try:
            with self._client.stream(method, url, **send) as reply:
                declared = reply.headers.get("content-length", "")
                if declared.isascii() and declared.isdigit() and int(declared) > self.max_bytes:
                    raise self._too_large(method, url, f"it declares {int(declared):,} bytes")
                chunks: list[bytes] = []
                size = 0
                # The bytes as sent, decoded below under the cap. The stream itself, not iter_raw(): an answer
                # built in memory (a MockTransport's) is already marked read, and its stream still holds the bytes.
                wire = reply.stream
                assert isinstance(wire, httpx.SyncByteStream)
                try:
                    decoding = decoder(reply.headers.get_list("content-encoding", split_commas=True), self.max_bytes)
                    for raw in wire:
                        size += len(raw)
                        if size > self.max_bytes:
                            raise self._too_large(method, url, "it goes on past that")
                        if self._clock() > deadline:
                            raise self._too_slow(method, url)
                        chunks.append(decoding.feed(raw))
                    chunks.append(decoding.finish())
                except TooLarge:
                    raise self._too_large(method, url, f"its {decoding.coding} content inflates past that") from None
                except CodingError as exc:
                    raise server_error(f"the answer to {method} {url} cannot be read: {exc}") from None
                return self._response(method, url, reply, b"".join(chunks))
        except httpx.TimeoutException:
            raise self._too_slow(method, url) from None
        except httpx.RemoteProtocolError:
            raise _Dropped() from None
        except httpx.TransportError as exc:
            raise NetworkError(f"could not reach {url}: {_transport_reason(exc)}", code="NETWORK_ERROR") from None

    def _too_large(self, method: str, url: str, why: str) -> NetworkError:
        return server_error(f"the answer to {method} {url} is over the {self.max_bytes:,}-byte limit ({why}); "
                            "no answer of this API is that large")

    def _response(self, method: str, url: str, reply: httpx.Response, raw: bytes) -> Response:
        text = raw.decode("utf-8", "replace")
        body: Any = None
        problem: str | None = None
        media_type = reply.headers.get("content-type", "").split(";")[0].strip().lower()
        if raw.strip():
            if media_type not in _JSON_TYPES and not media_type.endswith("+json"):
                problem = f"its content type is {media_type or 'missing'}, not application/json"
            else:
                try:
                    body = load_json(raw, self._limits)
                except Eip712KitError as exc:
                    problem = exc.message
        return Response(method, url, reply.status_code, body, text, dict(reply.headers), 1, problem)

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Response:
        return self.request("POST", path, json_body=body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Response:
        return self.request("DELETE", path, **kwargs)


class _Dropped(Exception):
    """The server closed the connection without an answer (retried for GET)."""


def _transport_reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        if "refused" in text.lower():
            return "connection refused (is the server running, and the port right?)"
        if "name" in text.lower() and ("resolution" in text.lower() or "known" in text.lower()):
            return "the host name does not resolve (check the URL)"
        return f"cannot connect ({text})"
    return f"{type(exc).__name__} ({text})"


def api_origin(url: str, prefix: str = "") -> str:
    """The URL the documented paths hang from: ``url`` without a trailing ``/`` or ``prefix``.

    So ``--api`` means the same for every protocol: the server's origin, where a URL that already
    ends in the protocol's documented prefix (Sera's and Renance's ``/api/v1``) names the same server.
    """
    base = url.rstrip("/")
    if prefix and base.endswith(prefix):
        base = base[: -len(prefix)]
    return base


_C = TypeVar("_C", bound="ApiClient")


class ApiClient:
    """What the protocol clients share: an :class:`HttpClient` on the server's origin, closed on exit."""

    default_url: ClassVar[str]
    """The documented base URL."""
    prefix: ClassVar[str] = ""
    """The documented path prefix every endpoint of the protocol starts with."""

    def __init__(self, base_url: str | None = None, **options: Any):
        self.http = HttpClient(api_origin(base_url or self.default_url, self.prefix), **options)

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def close(self) -> None:
        self.http.close()


__all__ = [
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT",
    "MAX_RESPONSE_BYTES",
    "ApiClient",
    "HttpClient",
    "Response",
    "api_origin",
    "read_answer",
    "server_error",
]
