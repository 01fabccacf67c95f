"""``eip712kit serve``: a local reference verifier for Sera's public endpoints.

It serves the real API's paths under ``/api/v1`` — ``/health`` (with an ``executor_id``),
``/system/time``, ``/config``, ``/tokens``, ``/markets``, ``/verify-signature`` and the API-key
endpoints — and answers them with the library's own verification code, so a client (this kit's
CLI, a bot, another language's signer) can be checked offline and in CI.

Layout: :mod:`.settings` (what the server claims: chain, contract, tokens, markets, executor),
:mod:`.store` (API keys and used signatures in SQLite, one transaction per change, a versioned
schema), :mod:`.app` (the endpoints, declared once: Starlette routes and the OpenAPI description of
:mod:`.openapi` are both made from them), :mod:`.origin` (who may drive a local server: Host and
Origin), :mod:`.guard` (header and body deadlines and a connection limit below the HTTP parser),
:mod:`.logs` (JSON request logs), :mod:`.runner` (uvicorn, configured once) and :mod:`.debug` (the
signature debugger page at ``/debug`` and its JSON API). The verdicts themselves are pure Sera
rules in :mod:`eip712kit.protocols.sera.verdicts`. Only :mod:`.app`, :mod:`.openapi` and
:mod:`.debug` need the optional ``server`` extra (``pip install eip712kit[server]``); the guard,
logs and runner import uvicorn only when they run it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app as create_app


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)


__all__ = ["create_app"]
