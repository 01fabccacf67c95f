"""The Starlette application of the reference verifier (``eip712kit serve``).

Routes mirror the real API under ``/api/v1``; answers mirror the shapes the Sera document shows
(create → ``{api_key, api_secret}``, revoke-all → ``{status, revoked_api_keys, count}``,
verify → ``{valid, owner_address}``, 401 ``{detail}`` or 503 ``{detail}``). Every refusal is JSON
with ``detail`` (a sentence), and where the kit has one, a stable ``code`` and the request ``field``.

Each endpoint is declared once, as an :class:`~.openapi.Operation` in :func:`create_app`; the
routes and the OpenAPI description (``/api/openapi.json``, and its page ``/api/docs``) are both
made from that list.

What a request must be, before any rule of Sera is applied: not from another site's page (the
``Host`` and ``Origin`` rules of :mod:`.origin`); a POST body declared ``application/json`` (415
otherwise) and at most 64 KiB (413), read before it is parsed; JSON (400 with the parser's
message). No redirect is ever answered (Starlette's trailing-slash redirect, built from the
request's ``Host``, is off: ``/api/v1/health/`` is a 404), and no CORS header is ever sent. Nothing
a client sends reaches a traceback — an unexpected exception is a 500 ``{detail: "internal
error"}`` and a line in the server log; a store that fails underneath is a 503.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from ..base.errors import Eip712KitError
from ..base.limits import Limits, load_json
from ..protocols import sera
from ..protocols.sera import endpoints
from ..protocols.sera.verdicts import ApiKeyRefusal, Verdict, check_order_request, require_manage_api_key
from .debug import debug_routes
from .openapi import (
    API_KEY_QUERY,
    DOCS_CSS_PATH,
    DOCS_HEADERS,
    DOCS_PATH,
    OPENAPI_PATH,
    Operation,
    Param,
    describe_route,
    docs_css,
    openapi_document,
    render_docs,
)
from .origin import foreign_request, is_json_content_type, read_capped
from .settings import ServerSettings
from .store import UNAVAILABLE_DETAIL, ApiKeyStore, StoreError, StoreUnavailable

log = logging.getLogger("eip712kit.server")

Handler = Callable[[Request], Awaitable[Response]]

API_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
"""On every API answer: never sniffed as another type, never cached (they carry secrets and verdicts)."""

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
"""A JSON escape of a UTF-16 surrogate (paired or not) in a body's text."""


class BadRequest(Exception):
    def __init__(self, status: int, code: str, detail: str, field: str | None = None):
        super().__init__(detail)
        self.status = status
        self.body: dict[str, Any] = {"detail": detail, "code": code}
        if field is not None:
            self.body["field"] = field


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
"""The encoder ``JSONResponse.render`` has ``json.dumps`` build on every call, with the same options."""
_API_RAW_HEADERS = tuple((name.lower().encode("latin-1"), value.encode("latin-1"))
                         for name, value in API_HEADERS.items())


class ApiResponse(JSONResponse):
    """An API answer: Starlette's ``JSONResponse`` with :data:`API_HEADERS`, its fixed work done once.

    The same bytes as ``JSONResponse(body, status, headers={**API_HEADERS, **headers})`` (a test
    compares them): the body rendered with one encoder made with the options Starlette passes
    ``json.dumps`` on each call, the API headers encoded once, then ``content-length`` and
    ``content-type`` as Starlette appends them. Extra headers (``Retry-After``, ``Allow``) go
    through Starlette's own header code.
    """

    def __init__(self, content: Any, status_code: int = 200, headers: Mapping[str, str] | None = None):
        if headers or status_code < 200 or status_code in (204, 304):
            super().__init__(content, status_code, {**API_HEADERS, **(headers or {})})
            return
        self.status_code = status_code
        self.background = None
        self.body = body = self.render(content)
        self.raw_headers = [*_API_RAW_HEADERS, (b"content-length", str(len(body)).encode("latin-1")),
                            (b"content-type", b"application/json")]

    def render(self, content: Any) -> bytes:
        return _ENCODER.encode(content).encode("utf-8")


def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return ApiResponse(body, status, headers)


def _refusal(status: int, verdict: Verdict) -> JSONResponse:
    body: dict[str, Any] = {"detail": verdict.detail, "code": verdict.code}
    if verdict.field is not None:
        body["field"] = verdict.field
    return _json(body, status)


def create_app(settings: ServerSettings | None = None, store: ApiKeyStore | None = None) -> Starlette:
    """The verifier as an ASGI app (``uvicorn.run(create_app(...))``, or :func:`eip712kit.server.runner.run`)."""
    settings = settings or ServerSettings()
    store = store or ApiKeyStore()
    limits = Limits(max_document_bytes=settings.max_body_bytes)

    async def read_json(request: Request) -> Any:
        declared = _header(request, b"content-type") or ""
        if not is_json_content_type(declared):
            shown = f" (got {declared[:60]!r})" if declared else ""
            raise BadRequest(415, "UNSUPPORTED_MEDIA_TYPE",
                             f"send the body as JSON with Content-Type: application/json{shown}")
        raw = await read_capped(_header(request, b"content-length"), request.receive, settings.max_body_bytes)
        if raw is None:
            raise BadRequest(413, "LIMIT_EXCEEDED", f"the body is over {settings.max_body_bytes} bytes")
        if not raw or raw.isspace():
            raise BadRequest(400, "INVALID_REQUEST", "the request has no body: send a JSON object")
        try:
            body = load_json(raw, limits)
        except Eip712KitError as exc:
            raise BadRequest(400, exc.code, f"malformed JSON body: {exc.message}") from None
        # "\ud800" is JSON syntax but not text: refused here, it can reach neither SQLite (a label)
        # nor a UTF-8 answer that echoes it (a field name in a refusal). The body is UTF-8, which
        # cannot hold a surrogate, so only a \uD800-\uDFFF escape in its text can make one: the
        # parsed body is encoded again only when the text has such an escape.
        if _SURROGATE_ESCAPE.search(raw) is not None:
            try:
                json.dumps(body, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                raise BadRequest(400, "INVALID_JSON", "malformed JSON body: a string holds an unpaired UTF-16 "
                                 "surrogate escape (\\ud800-\\udfff alone), which is not text") from None
        return body

    def endpoint(fn: Handler) -> Handler:
        async def wrapped(request: Request) -> Response:
            try:
                reason = foreign_request(_header(request, b"host") or "", _header(request, b"origin"),
                                         request.scope.get("server"), request.scope.get("scheme", "http"))
                if reason is not None:
                    raise BadRequest(403, "FOREIGN_ORIGIN", reason)
                return await fn(request)
            except BadRequest as exc:
                return _json(exc.body, exc.status)
            except ApiKeyRefusal as exc:
                return _refusal(exc.status, exc.verdict)
            except StoreUnavailable as exc:
                return _json({"detail": exc.message, "code": exc.code}, exc.status, {"Retry-After": "1"})
            except StoreError as exc:
                body = {"detail": exc.message, "code": exc.code}
                if exc.path:
                    body["field"] = exc.path
                return _json(body, exc.status)
            except Eip712KitError as exc:
                return _json({"detail": exc.message, "code": exc.code, "field": exc.path or None}, 400)
            except ClientDisconnect:
                return Response(status_code=400)  # the client is gone (or was dropped by the guard): nobody reads this
            except Exception:
                log.exception("internal error on %s %s", request.method, request.url.path)
                return _json({"detail": "internal error"}, 500)

        wrapped.__doc__ = fn.__doc__
        return wrapped

    # --- public endpoints ---

    async def health(request: Request) -> Response:
        return _json({"status": "ok", "executor_id": settings.executor_id, "server_time": settings.now(),
                      "service": "eip712kit reference verifier"})

    async def system_time(request: Request) -> Response:
        return _json({"server_time": settings.now()})

    async def config(request: Request) -> Response:
        return _json(settings.config())

    async def tokens(request: Request) -> Response:
        return _json(settings.tokens_body())

    async def markets(request: Request) -> Response:
        return _json(settings.markets_body())

    def is_market(base: sera.Token, quote: sera.Token) -> bool:
        return settings.market(base, quote) is not None

    async def verify_signature(request: Request) -> Response:
        body = await read_json(request)
        # On the event loop, not in a thread: the check is ~80 µs of CPU that touches no store and
        # no file, and the hop to a worker thread and back cost more than the check (issue 20).
        verdict = check_order_request(body, domain=settings.domain, tokens=settings.tokens,
                                      executor_id=settings.executor_id, now=settings.now(), is_market=is_market)
        out = verdict.to_dict()
        if verdict.valid:
            out["owner_address"] = verdict.signer
        if verdict.code in ("INVALID_REQUEST",):
            return _json(out, 400)
        return _json(out)

    # --- API keys ---

    def signed(fields: Mapping[str, Any], expected_action: str, *, optional: tuple[str, ...] = (),
               required: tuple[str, ...] = ()) -> Any:
        return require_manage_api_key(fields, expected_action=expected_action, domain=settings.domain,
                                      now=settings.now(), optional=optional, required=required)

    def revoke_action(fields: Mapping[str, Any]) -> str:
        api_key = fields.get("api_key") if isinstance(fields, Mapping) else None
        if type(api_key) is not str or not api_key:
            raise BadRequest(400, "MISSING_FIELD", "the request has no 'api_key'", "api_key")
        return sera.REVOKE_PREFIX + api_key

    def do_create(fields: Any) -> Response:
        label = fields.get("label") if isinstance(fields, Mapping) else None
        if label is not None and (type(label) is not str or len(label) > 100):
            raise BadRequest(400, "INVALID_REQUEST", "label is a string of at most 100 characters", "label")
        action = signed(fields, "create", optional=("label",))
        key, secret = store.create(owner=action.owner, label=label, digest=action.digest,
                                   timestamp=action.timestamp, now=settings.now())
        return _json({"api_key": key.api_key, "api_secret": secret, "owner_address": key.owner,
                      "label": key.label, "created_at": key.created_at}, 201)

    def do_list(fields: Any) -> Response:
        action = signed(fields, "list")
        keys = store.list_keys(owner=action.owner, digest=action.digest, timestamp=action.timestamp,
                               now=settings.now())
        return _json({"api_keys": [k.to_dict() for k in keys], "count": len(keys)})

    def do_revoke(fields: Any) -> Response:
        expected = revoke_action(fields)
        action = signed(fields, expected, required=("api_key",))
        api_key = expected[len(sera.REVOKE_PREFIX):]
        store.revoke(owner=action.owner, api_key=api_key, digest=action.digest, timestamp=action.timestamp,
                     now=settings.now())
        return _json({"status": "ok", "revoked_api_key": api_key})

    def do_revoke_all(fields: Any) -> Response:
        action = signed(fields, "revoke_all")
        revoked = store.revoke_all(owner=action.owner, digest=action.digest, timestamp=action.timestamp,
                                   now=settings.now())
        return _json({"status": "ok", "revoked_api_keys": revoked, "count": len(revoked)})

    async def create_key(request: Request) -> Response:
        return await run_in_threadpool(do_create, await read_json(request))

    async def list_keys_query(request: Request) -> Response:
        return await run_in_threadpool(do_list, dict(request.query_params))

    async def revoke_key_query(request: Request) -> Response:
        return await run_in_threadpool(do_revoke, dict(request.query_params))

    async def list_keys(request: Request) -> Response:
        return await run_in_threadpool(do_list, await read_json(request))

    async def revoke_key(request: Request) -> Response:
        return await run_in_threadpool(do_revoke, await read_json(request))

    async def revoke_all(request: Request) -> Response:
        return await run_in_threadpool(do_revoke_all, await read_json(request))

    async def self_revoke(request: Request) -> Response:
        api_key, secret = _bearer(request)
        body = await read_json(request)
        if not isinstance(body, Mapping) or set(body) != {"api_key"}:
            raise BadRequest(400, "INVALID_REQUEST", "the body is {\"api_key\": the key being revoked}")
        if body["api_key"] != api_key:
            raise BadRequest(400, "INVALID_REQUEST", "api_key must be the key of the Bearer credential: a key can "
                             "revoke only itself (revoke others with a wallet signature)", "api_key")
        key = await run_in_threadpool(store.self_revoke, api_key=api_key, secret=secret, now=settings.now())
        return _json({"status": "ok", "revoked_api_key": key.api_key})

    async def verify_key(request: Request) -> Response:
        body = await read_json(request)
        if not isinstance(body, Mapping) or set(body) != {"api_key", "api_secret"} or not all(
                type(v) is str for v in body.values()):
            raise BadRequest(400, "INVALID_REQUEST", "the body is {\"api_key\": …, \"api_secret\": …}")
        try:
            key = await run_in_threadpool(store.verify, api_key=body["api_key"], secret=body["api_secret"])
        except StoreUnavailable:  # exactly the document's answer when the verification backend is unreachable
            return _json({"detail": UNAVAILABLE_DETAIL}, 503, {"Retry-After": "1"})
        if key is None:
            return _json({"detail": "Invalid api_key or api_secret"}, 401)
        return _json({"valid": True, "owner_address": key.owner})

    # --- this server's own description ---

    async def openapi_json(request: Request) -> Response:
        return _json(spec)

    async def docs_page(request: Request) -> Response:
        return Response(page, media_type="text/html; charset=utf-8", headers=DOCS_HEADERS)

    async def docs_stylesheet(request: Request) -> Response:
        return Response(docs_css(), media_type="text/css; charset=utf-8", headers=DOCS_HEADERS)

    signed_answers = {400: ("a field is missing, extra or breaks a rule (action, window)", "Error"),
                      401: ("the signature is not owner_address's", "Error"),
                      409: ("this signed message was already used: sign again with a new timestamp", "Error"),
                      503: ("the store is unavailable: retry", "Error")}
    operations = [
        Operation("GET", endpoints.HEALTH, health, "Service status and the current executor_id (for uuid_int)",
                  {200: ("ok", "Health")}),
        Operation("GET", endpoints.SYSTEM_TIME, system_time, "Server time, for expirations and API-key timestamps",
                  {200: ("Unix seconds", "SystemTime")}),
        Operation("GET", endpoints.CONFIG, config, "The deployment: chain id and contracts (the EIP-712 domain)",
                  {200: ("the deployment", "Config")}),
        Operation("GET", endpoints.TOKENS, tokens, "Tokens: symbol, address, decimals", {200: ("tokens", "Tokens")}),
        Operation("GET", endpoints.MARKETS, markets, "Markets: base and quote of each pair",
                  {200: ("markets", "Markets")}),
        Operation("POST", endpoints.VERIFY_SIGNATURE, verify_signature,
                  "Check a signed order before submitting it: the verdict of every Sera rule, then the signature",
                  {200: ("the verdict (valid, or the first rule broken)", "Verdict"),
                   400: ("the body is not a JSON object", "Error")}, request="VerifySignatureRequest",
                  description="The order is a standalone limit order: order_id a UUID4, uuid_int with leg 0 and "
                              "group = UUID >> 16. feeBps, recipient and initialDepositAmount are not in the body: "
                              "the Order is built with 0, the zero address and 0."),
        Operation("POST", endpoints.API_KEYS, create_key, "Create an API key (action create)",
                  {201: ("the new key; api_secret is shown this once", "CreatedApiKey"),
                   **signed_answers, 400: ("a field is missing, extra or breaks a rule, or the wallet already "
                                           "has 10 active keys (API_KEY_LIMIT)", "Error")},
                  request="CreateApiKeyRequest"),
        Operation("GET", endpoints.API_KEYS, list_keys_query, "List the wallet's active API keys (signed query)",
                  {200: ("the active keys", "ApiKeyList"), **signed_answers}, params=API_KEY_QUERY),
        Operation("DELETE", endpoints.API_KEYS, revoke_key_query, "Revoke one API key (signed query)",
                  {200: ("revoked", "RevokedApiKey"), **signed_answers,
                   404: ("the wallet has no such active key", "Error")},
                  params=(*API_KEY_QUERY, Param("api_key", "query", "the key to revoke (action revoke_<api_key>)"))),
        Operation("POST", endpoints.API_KEYS_LIST, list_keys, "List the wallet's active API keys (signed body)",
                  {200: ("the active keys", "ApiKeyList"), **signed_answers}, request="ListApiKeysRequest"),
        Operation("POST", endpoints.API_KEYS_REVOKE, revoke_key, "Revoke one API key (signed body)",
                  {200: ("revoked", "RevokedApiKey"), **signed_answers,
                   404: ("the wallet has no such active key", "Error")}, request="RevokeApiKeyRequest"),
        Operation("POST", endpoints.API_KEYS_REVOKE_ALL, revoke_all, "Revoke every active key of the wallet",
                  {200: ("the keys revoked (possibly none)", "RevokedApiKeys"), **signed_answers},
                  request="RevokeAllApiKeysRequest"),
        Operation("POST", endpoints.API_KEYS_SELF_REVOKE, self_revoke, "Revoke the key of the Bearer credential",
                  {200: ("revoked", "RevokedApiKey"), 400: ("api_key is not the Bearer credential's key", "Error"),
                   401: ("no valid Bearer {api_key}:{api_secret}", "Error"),
                   503: ("the store is unavailable", "Error")},
                  request="SelfRevokeRequest",
                  params=(Param("Authorization", "header", "Bearer {api_key}:{api_secret}"),)),
        Operation("POST", endpoints.API_KEYS_VERIFY, verify_key, "Check an api_key/api_secret pair (no side effect)",
                  {200: ("the pair is valid", "VerifiedApiKey"),
                   401: ("{detail: \"Invalid api_key or api_secret\"}", "Error"),
                   503: ("{detail: \"Service temporarily unavailable; please retry\"}: the store is unavailable",
                         "Error")}, request="VerifyApiKeyRequest"),
        Operation("GET", OPENAPI_PATH, openapi_json, "This description (OpenAPI 3.1)", {200: ("the description", None)},
                  tag="Verifier"),
        Operation("GET", DOCS_PATH, docs_page, "This description as a page (offline: no script, no CDN)",
                  {200: ("HTML", None)}, tag="Verifier", media_type="text/html"),
        Operation("GET", DOCS_CSS_PATH, docs_stylesheet, "The page's stylesheet", {200: ("CSS", None)},
                  tag="Verifier", media_type="text/css"),
    ]
    extra_routes: list[BaseRoute] = list(debug_routes())  # the signature debugger at /debug (server/debug.py)
    described = [*operations, *(op for route in extra_routes if isinstance(route, Route)
                                for op in describe_route(route.path, route.methods or (), route.endpoint,
                                                         "Signature debugger"))]
    spec = openapi_document(described)
    page = render_docs(spec)

    routes: list[BaseRoute] = []
    by_path: dict[str, dict[str, Handler]] = {}
    for op in operations:
        by_path.setdefault(op.path, {})[op.method] = endpoint(op.handler)
    # Starlette tries the routes in order (a regular expression each); every path is distinct, so
    # the order changes no answer, and the one that carries the traffic is tried first.
    for path, handlers in sorted(by_path.items(), key=lambda item: item[0] != endpoints.VERIFY_SIGNATURE):
        routes.append(Route(path, _Endpoint(handlers), methods=list(handlers)))
    app = Starlette(routes=[*routes, *extra_routes], exception_handlers={404: _not_found, 405: _not_allowed})
    app.router.redirect_slashes = False  # a redirect would be built from the request's Host header
    app.state.settings = settings
    app.state.store = store
    return app


class _Endpoint:
    """One route's ASGI endpoint over its methods (HEAD is answered as GET).

    A class, not a function, so Starlette runs it as an ASGI app rather than through its
    request/response wrapper: per request, that wrapper built three closures and a layer around
    ``send`` so that exception handlers could answer an exception, and every handler here answers
    its own (``endpoint`` in :func:`create_app` catches everything). What is left is what the wrapper
    did besides: a :class:`Request` in, the response sent.
    """

    def __init__(self, handlers: Mapping[str, Handler]):
        self.handlers = dict(handlers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        response = await self.handlers["GET" if method == "HEAD" else method](Request(scope, receive, send))
        await response(scope, receive, send)


_HEADERS = "eip712kit.headers"
"""Where :func:`_header` keeps a request's header table, in its ASGI scope."""


def _header(request: Request, name: bytes) -> str | None:
    """A request header by its lowercase name: the first of that name, as Starlette's ``Headers.get`` gives it.

    The headers are read into a table once per request (kept in its scope): ``Headers.get``
    lowercases and encodes the name and scans the list on every call, and an API request asks for
    four (Host, Origin, Content-Type, Content-Length).
    """
    scope = request.scope
    table = scope.get(_HEADERS)
    if table is None:
        table = scope[_HEADERS] = dict(reversed(list(scope["headers"])))
    value = table.get(name)
    return None if value is None else value.decode("latin-1")


def _bearer(request: Request) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    api_key, sep, secret = credential.strip().partition(":")
    if scheme.lower() != "bearer" or not sep or not api_key or not secret:
        raise BadRequest(401, "UNAUTHORIZED", "send Authorization: Bearer {api_key}:{api_secret}")
    return api_key, secret


async def _not_found(request: Request, exc: Exception) -> Response:
    return _json({"detail": f"no endpoint {request.url.path}; the API lives under {endpoints.API_PREFIX} "
                            f"(described at {OPENAPI_PATH})", "code": "INVALID_REQUEST"}, 404)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    allow = exc.headers if isinstance(exc, HTTPException) and exc.headers else {}
    return _json({"detail": f"{request.method} is not allowed on {request.url.path}", "code": "INVALID_REQUEST"},
                 405, {k: v for k, v in allow.items() if k.lower() == "allow"})


__all__ = ["API_HEADERS", "create_app"]
