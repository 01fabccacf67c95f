"""The Starlette application of the reference verifier (``eip712kit serve``).

Routes mirror the real API under ``/api/v1``; answers mirror the shapes the Sera document shows
(create → ``{api_key, api_secret}``, revoke-all → ``{status, revoked_api_keys, count}``,
verify → ``{valid, owner_address}`` or 401 ``{detail}``). Every refusal is JSON with ``detail``
(a sentence), and where the kit has one, a stable ``code`` and the request ``field``.

Bodies are read with a size limit before parsing (413 beyond it); a body that is not JSON is a 400
with the parser's message; nothing a client sends reaches a traceback — an unexpected exception
is a 500 ``{detail: "internal error"}`` and a line in the server log.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..errors import Eip712KitError
from ..limits import Limits, load_json
from ..protocols import sera
from ..protocols.sera import endpoints
from ..protocols.sera.verdicts import ApiKeyRefusal, Verdict, check_manage_api_key, check_order_request
from .debug import debug_routes
from .settings import ServerSettings
from .store import ApiKeyStore, StoreError

log = logging.getLogger("eip712kit.server")

Handler = Callable[[Request], Awaitable[JSONResponse]]


class BadRequest(Exception):
    def __init__(self, status: int, code: str, detail: str, field: str | None = None):
        super().__init__(detail)
        self.status = status
        self.body: dict[str, Any] = {"detail": detail, "code": code}
        if field is not None:
            self.body["field"] = field


def _refusal(status: int, verdict: Verdict) -> JSONResponse:
    body: dict[str, Any] = {"detail": verdict.detail, "code": verdict.code}
    if verdict.field is not None:
        body["field"] = verdict.field
    return JSONResponse(body, status_code=status)


def create_app(settings: ServerSettings | None = None, store: ApiKeyStore | None = None) -> Starlette:
    """The verifier as an ASGI app (``uvicorn.run(create_app(...))``)."""
    settings = settings or ServerSettings()
    store = store or ApiKeyStore()
    limits = Limits(max_document_bytes=settings.max_body_bytes)

    async def read_json(request: Request) -> Any:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > settings.max_body_bytes:
            raise BadRequest(413, "LIMIT_EXCEEDED", f"the body is over {settings.max_body_bytes} bytes")
        chunks = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > settings.max_body_bytes:
                raise BadRequest(413, "LIMIT_EXCEEDED", f"the body is over {settings.max_body_bytes} bytes")
            chunks.append(chunk)
        raw = b"".join(chunks)
        if not raw.strip():
            raise BadRequest(400, "INVALID_REQUEST", "the request has no body: send a JSON object")
        try:
            body = load_json(raw, limits)
        except Eip712KitError as exc:
            raise BadRequest(400, exc.code, f"malformed JSON body: {exc.message}") from None
        # "\ud800" is JSON syntax but not text: refused here, it can reach neither SQLite (a label)
        # nor a UTF-8 answer that echoes it (a field name in a refusal).
        try:
            json.dumps(body, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise BadRequest(400, "INVALID_JSON", "malformed JSON body: a string holds an unpaired UTF-16 "
                             "surrogate escape (\\ud800-\\udfff alone), which is not text") from None
        return body

    def endpoint(fn: Handler) -> Handler:
        async def wrapped(request: Request) -> JSONResponse:
            try:
                return await fn(request)
            except BadRequest as exc:
                return JSONResponse(exc.body, status_code=exc.status)
            except ApiKeyRefusal as exc:
                return _refusal(exc.status, exc.verdict)
            except StoreError as exc:
                body = {"detail": exc.message, "code": exc.code}
                if exc.path:
                    body["field"] = exc.path
                return JSONResponse(body, status_code=exc.status)
            except Eip712KitError as exc:
                return JSONResponse({"detail": exc.message, "code": exc.code, "field": exc.path or None},
                                    status_code=400)
            except Exception:
                log.exception("internal error on %s %s", request.method, request.url.path)
                return JSONResponse({"detail": "internal error"}, status_code=500)

        return wrapped

    # --- public endpoints ---

    @endpoint
    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "executor_id": settings.executor_id, "server_time": settings.now(),
                             "service": "eip712kit reference verifier"})

    @endpoint
    async def system_time(request: Request) -> JSONResponse:
        return JSONResponse({"server_time": settings.now()})

    @endpoint
    async def config(request: Request) -> JSONResponse:
        return JSONResponse(settings.config())

    @endpoint
    async def tokens(request: Request) -> JSONResponse:
        return JSONResponse(settings.tokens_body())

    @endpoint
    async def markets(request: Request) -> JSONResponse:
        return JSONResponse(settings.markets_body())

    @endpoint
    async def verify_signature(request: Request) -> JSONResponse:
        body = await read_json(request)
        verdict = await run_in_threadpool(
            check_order_request, body, domain=settings.domain, tokens=settings.tokens,
            executor_id=settings.executor_id, now=settings.now(),
            is_market=lambda b, q: settings.market(b, q) is not None,
        )
        out = verdict.to_dict()
        if verdict.valid:
            out["owner_address"] = verdict.signer
        if verdict.code in ("INVALID_REQUEST",):
            return JSONResponse(out, status_code=400)
        return JSONResponse(out)

    # --- API keys ---

    def signed(fields: Mapping[str, Any], expected_action: str, *, optional: tuple[str, ...] = (),
               required: tuple[str, ...] = ()) -> Any:
        return check_manage_api_key(fields, expected_action=expected_action, domain=settings.domain,
                                    now=settings.now(), optional=optional, required=required)

    def revoke_action(fields: Mapping[str, Any]) -> str:
        api_key = fields.get("api_key") if isinstance(fields, Mapping) else None
        if type(api_key) is not str or not api_key:
            raise BadRequest(400, "MISSING_FIELD", "the request has no 'api_key'", "api_key")
        return sera.REVOKE_PREFIX + api_key

    def do_create(fields: Any) -> JSONResponse:
        label = fields.get("label") if isinstance(fields, Mapping) else None
        if label is not None and (type(label) is not str or len(label) > 100):
            raise BadRequest(400, "INVALID_REQUEST", "label is a string of at most 100 characters", "label")
        action = signed(fields, "create", optional=("label",))
        key, secret = store.create(owner=action.owner, label=label, digest=action.digest,
                                   timestamp=action.timestamp, now=settings.now())
        return JSONResponse({"api_key": key.api_key, "api_secret": secret, "owner_address": key.owner,
                             "label": key.label, "created_at": key.created_at}, status_code=201)

    def do_list(fields: Any) -> JSONResponse:
        action = signed(fields, "list")
        keys = store.list_keys(owner=action.owner, digest=action.digest, timestamp=action.timestamp,
                               now=settings.now())
        return JSONResponse({"api_keys": [k.to_dict() for k in keys], "count": len(keys)})

    def do_revoke(fields: Any) -> JSONResponse:
        expected = revoke_action(fields)
        action = signed(fields, expected, required=("api_key",))
        api_key = expected[len(sera.REVOKE_PREFIX):]
        store.revoke(owner=action.owner, api_key=api_key, digest=action.digest, timestamp=action.timestamp,
                     now=settings.now())
        return JSONResponse({"status": "ok", "revoked_api_key": api_key})

    def do_revoke_all(fields: Any) -> JSONResponse:
        action = signed(fields, "revoke_all")
        revoked = store.revoke_all(owner=action.owner, digest=action.digest, timestamp=action.timestamp,
                                   now=settings.now())
        return JSONResponse({"status": "ok", "revoked_api_keys": revoked, "count": len(revoked)})

    @endpoint
    async def api_keys(request: Request) -> JSONResponse:
        if request.method == "POST":
            return await run_in_threadpool(do_create, await read_json(request))
        query = dict(request.query_params)
        if request.method == "GET":
            return await run_in_threadpool(do_list, query)
        return await run_in_threadpool(do_revoke, query)  # DELETE

    @endpoint
    async def api_keys_list(request: Request) -> JSONResponse:
        return await run_in_threadpool(do_list, await read_json(request))

    @endpoint
    async def api_keys_revoke(request: Request) -> JSONResponse:
        return await run_in_threadpool(do_revoke, await read_json(request))

    @endpoint
    async def api_keys_revoke_all(request: Request) -> JSONResponse:
        return await run_in_threadpool(do_revoke_all, await read_json(request))

    @endpoint
    async def api_keys_self_revoke(request: Request) -> JSONResponse:
        api_key, secret = _bearer(request)
        body = await read_json(request)
        if not isinstance(body, Mapping) or set(body) != {"api_key"}:
            raise BadRequest(400, "INVALID_REQUEST", "the body is {\"api_key\": the key being revoked}")
        if body["api_key"] != api_key:
            raise BadRequest(400, "INVALID_REQUEST", "api_key must be the key of the Bearer credential: a key can "
                             "revoke only itself (revoke others with a wallet signature)", "api_key")
        key = await run_in_threadpool(store.self_revoke, api_key=api_key, secret=secret, now=settings.now())
        return JSONResponse({"status": "ok", "revoked_api_key": key.api_key})

    @endpoint
    async def api_keys_verify(request: Request) -> JSONResponse:
        body = await read_json(request)
        if not isinstance(body, Mapping) or set(body) != {"api_key", "api_secret"} or not all(
                type(v) is str for v in body.values()):
            raise BadRequest(400, "INVALID_REQUEST", "the body is {\"api_key\": …, \"api_secret\": …}")
        key = await run_in_threadpool(store.verify, api_key=body["api_key"], secret=body["api_secret"])
        if key is None:
            return JSONResponse({"detail": "Invalid api_key or api_secret"}, status_code=401)
        return JSONResponse({"valid": True, "owner_address": key.owner})

    routes = [
        Route(endpoints.HEALTH, health, methods=["GET"]),
        Route(endpoints.SYSTEM_TIME, system_time, methods=["GET"]),
        Route(endpoints.CONFIG, config, methods=["GET"]),
        Route(endpoints.TOKENS, tokens, methods=["GET"]),
        Route(endpoints.MARKETS, markets, methods=["GET"]),
        Route(endpoints.VERIFY_SIGNATURE, verify_signature, methods=["POST"]),
        Route(endpoints.API_KEYS, api_keys, methods=["GET", "POST", "DELETE"]),
        Route(endpoints.API_KEYS_LIST, api_keys_list, methods=["POST"]),
        Route(endpoints.API_KEYS_REVOKE, api_keys_revoke, methods=["POST"]),
        Route(endpoints.API_KEYS_REVOKE_ALL, api_keys_revoke_all, methods=["POST"]),
        Route(endpoints.API_KEYS_SELF_REVOKE, api_keys_self_revoke, methods=["POST"]),
        Route(endpoints.API_KEYS_VERIFY, api_keys_verify, methods=["POST"]),
        *debug_routes(),  # the signature debugger page at /debug (server/debug.py)
    ]
    app = Starlette(routes=routes, exception_handlers={404: _not_found, 405: _not_allowed})
    app.state.settings = settings
    app.state.store = store
    return app


def _bearer(request: Request) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    api_key, sep, secret = credential.strip().partition(":")
    if scheme.lower() != "bearer" or not sep or not api_key or not secret:
        raise BadRequest(401, "UNAUTHORIZED", "send Authorization: Bearer {api_key}:{api_secret}")
    return api_key, secret


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": f"no endpoint {request.url.path}; the API lives under /api/v1",
                         "code": "INVALID_REQUEST"}, status_code=404)


async def _not_allowed(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": f"{request.method} is not allowed on {request.url.path}",
                         "code": "INVALID_REQUEST"}, status_code=405)


__all__ = ["create_app"]
