"""``eip712kit serve``: a local reference verifier for Sera's public endpoints.

It serves the real API's paths under ``/api/v1`` — ``/health`` (with an ``executor_id``),
``/system/time``, ``/config``, ``/tokens``, ``/markets``, ``/verify-signature`` and the API-key
endpoints — and answers them with the library's own verification code, so a client (this kit's
CLI, a bot, another language's signer) can be checked offline and in CI.

Layout: :mod:`.settings` (what the server claims: chain, contract, tokens, markets, executor),
:mod:`.checks` (the verdicts, pure functions of a request and the server's clock),
:mod:`.store` (API keys and used signatures in SQLite, one transaction per change),
:mod:`.debug` (the signature debugger page at ``/debug`` and its JSON API) and
:mod:`.app` (the Starlette routes). Only :mod:`.app` needs the optional ``server`` extra
(``pip install eip712kit[server]``); the checks are importable without it, and the CLI's live
checks use them for the local side of their side-by-side verdicts.
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
