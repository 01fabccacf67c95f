"""Small local servers for the live-check tests: Renance's and Alura's login flows, and a runner.

They verify signatures with the library (the declared Renance ``Login`` struct, EIP-191
``check_message``) against the nonce or challenge they issued — no canned answers: a wrong
signature, a stale timestamp or a replayed nonce is refused the way the documents describe
(Renance: 403 ``{error, message, code}``, Alura: 401). Knobs make them misbehave on purpose:
another domain, a typed_data that lies, rate limiting, server errors.

:class:`LiveServer` runs any ASGI app with uvicorn on 127.0.0.1 and a free port in a thread.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from eip712kit import check_message
from eip712kit.base.errors import Eip712KitError
from eip712kit.base.parsers import parse_address, to_checksum_address
from eip712kit.core.domain import Domain
from eip712kit.protocols import renance


class LiveServer:
    """uvicorn serving ``app`` on 127.0.0.1 (loopback only) in a daemon thread."""

    def __init__(self, app: Any):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # Nagle off (cli/serve.py)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="critical", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self._sock.close()


def _checksum(value: Any) -> str | None:
    try:
        return to_checksum_address(parse_address(value))
    except Eip712KitError:
        return None


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


def renance_app(
    *,
    domain: Domain = renance.DOMAIN,
    served_domain: Domain | None = None,
    lie_about_nonce: bool = False,
    reversed_domain_type: bool = False,
    clock: Callable[[], float] = time.time,
) -> Starlette:
    """Renance's ``GET /api/v1/auth/nonce/{address}`` and ``POST /api/v1/auth/login``.

    ``domain`` is what the server verifies with; ``served_domain`` (default: the same) is what its
    typed_data tells clients to sign. ``lie_about_nonce`` serves a typed_data whose nonce is not the
    one the server checks. ``reversed_domain_type`` declares ``EIP712Domain`` with its fields in reverse
    (same values, another type hash).
    """
    issued: dict[str, tuple[int, int]] = {}

    async def nonce(request: Request) -> JSONResponse:
        wallet = _checksum(request.path_params["address"])
        if wallet is None:
            return JSONResponse({"error": "INVALID_ADDRESS", "message": "bad address", "code": 400}, status_code=400)
        value = secrets.randbelow(10**9)
        timestamp = int(clock())
        issued[wallet] = (value, timestamp)
        shown = value + 1 if lie_about_nonce else value
        login = renance.Login(wallet=wallet, nonce=shown, timestamp=timestamp)
        typed_data = login.to_typed_data(served_domain or domain)
        if reversed_domain_type:
            typed_data["types"]["EIP712Domain"] = list(reversed(typed_data["types"]["EIP712Domain"]))
        return JSONResponse({"nonce": shown, "typed_data": typed_data})

    async def login(request: Request) -> JSONResponse:
        body = await _json(request)
        if not isinstance(body, dict) or set(body) != {"address", "signature", "timestamp"}:
            return JSONResponse({"error": "BAD_REQUEST", "message": "address, signature, timestamp", "code": 400},
                                status_code=400)
        wallet = _checksum(body["address"])
        if wallet is None or wallet not in issued:
            return JSONResponse({"error": "UNAUTHORIZED", "message": "ask for a nonce first", "code": 401},
                                status_code=401)
        value, _issued_at = issued.pop(wallet)  # one use per nonce
        try:
            renance.require_timestamp_window(body["timestamp"], int(clock()))
            verdict = renance.Login(wallet=wallet, nonce=value, timestamp=body["timestamp"]).check(
                body["signature"], wallet, domain)
        except Eip712KitError as exc:
            return JSONResponse({"error": exc.code, "message": exc.message, "code": 403}, status_code=403)
        if not verdict.valid:
            return JSONResponse({"error": "SIGNATURE_INVALID", "message": verdict.reason, "code": 403},
                                status_code=403)
        return JSONResponse({"token": "jwt." + secrets.token_urlsafe(24), "user": {"address": body["address"]}})

    return Starlette(routes=[Route("/api/v1/auth/nonce/{address}", nonce, methods=["GET"]),
                             Route("/api/v1/auth/login", login, methods=["POST"])])


def alura_app(*, rate_limited_first: int = 0, always_rate_limited: bool = False, fail_verify: bool = False,
              message_tail: str = "", verify_as: Callable[[str], str] = lambda message: message) -> Starlette:
    """Alura's ``POST /auth/evm/challenge`` and ``POST /auth/evm/verify`` (personal_sign).

    ``rate_limited_first`` answers that many challenge calls with 429 before serving;
    ``always_rate_limited`` never stops; ``fail_verify`` answers the verify call with a 500;
    ``message_tail`` is appended to each challenge message; ``verify_as`` transforms the message
    before verifying (a server bug that signs one text and checks another).
    """
    challenges: dict[str, str] = {}
    state = {"limited": 0}

    async def challenge(request: Request) -> JSONResponse:
        if always_rate_limited or state["limited"] < rate_limited_first:
            state["limited"] += 1
            return JSONResponse({"message": "Too many requests", "statusCode": 429}, status_code=429,
                                headers={"Retry-After": "0"})
        body = await _json(request)
        wallet = _checksum(body.get("address")) if isinstance(body, dict) else None
        if wallet is None:
            return JSONResponse({"message": "address must be an EVM address", "statusCode": 400}, status_code=400)
        nonce = secrets.token_hex(8)
        message = f"Welcome to Alura!\n\nSign this message to log in.\n\nWallet: {wallet}\nNonce: {nonce}{message_tail}"
        challenges[wallet] = message
        return JSONResponse({"address": body["address"], "nonce": nonce, "message": message})

    async def verify(request: Request) -> JSONResponse:
        if fail_verify:
            return JSONResponse({"message": "Internal server error", "statusCode": 500}, status_code=500)
        body = await _json(request)
        wallet = _checksum(body.get("address")) if isinstance(body, dict) else None
        message = challenges.pop(wallet, None) if wallet else None
        if message is None:
            return JSONResponse({"message": "request a challenge first", "statusCode": 401}, status_code=401)
        try:
            verdict = check_message(verify_as(message), body.get("signature"), wallet)
        except Eip712KitError as exc:
            return JSONResponse({"message": exc.message, "statusCode": 401}, status_code=401)
        if not verdict.valid:
            return JSONResponse({"message": "Invalid signature", "statusCode": 401}, status_code=401)
        return JSONResponse({"ok": True, "accessToken": "alura." + secrets.token_urlsafe(24),
                             "tokenType": "Bearer", "expiresIn": 86400})

    app = Starlette(routes=[Route("/auth/evm/challenge", challenge, methods=["POST"]),
                            Route("/auth/evm/verify", verify, methods=["POST"])])
    app.state.rate_limited = state  # {"limited": n}: how many challenge calls were answered 429, for the tests
    return app


def failing_verify_sera_app(inner: Any) -> Any:
    """The reference verifier, except that ``/verify-signature`` answers 500 (a broken server)."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/verify-signature"):
            response = JSONResponse({"detail": "upstream exploded"}, status_code=500)
            await response(scope, receive, send)
            return
        await inner(scope, receive, send)

    return app


__all__ = ["LiveServer", "alura_app", "failing_verify_sera_app", "renance_app"]
