"""Run the verifier's ASGI app with uvicorn, hardened: guarded connections, no proxy trust, bounded shutdown.

The one place the verifier meets the network, so the choices are written here once:

* every connection goes through :class:`~.guard.GuardedProtocol` (head, body, handler and write
  deadlines, request heads read strictly, a connection limit; see that module for the measurements
  that motivated it);
* ``X-Forwarded-*`` headers are not trusted (uvicorn trusts them from 127.0.0.1 by default): the
  verifier is never behind a proxy, and the client address it logs is the socket's;
* no ``server`` header; a graceful shutdown waits at most :data:`SHUTDOWN_GRACE` seconds;
* logs as text or one JSON object per line (:mod:`.logs`).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from .guard import ConnectionLimits, GuardStats, guarded_protocol_class
from .logs import AccessLog, logging_config

SHUTDOWN_GRACE = 5
"""Seconds a stop (Ctrl-C, SIGTERM) waits for requests in flight before closing their connections."""

BACKLOG = 128
"""The listen backlog, which asyncio also uses as the most connections it accepts in one go: with
uvicorn's 2048, a burst of connections took every file descriptor before the guard could refuse any
(1665 "Too many open files" errors for a burst of 1100 under a 1024-descriptor limit)."""


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free one); ``OSError`` when it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not the default 0: asyncio turns Nagle's algorithm off only on sockets whose proto
    # says TCP, and accepted connections inherit it. Without it each answer's body waits for the
    # client's delayed ACK of its headers (about 40 ms a request on Linux).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def make_server(app: Any, *, log_level: str = "warning", log_format: str = "text",
                limits: ConnectionLimits | None = None) -> tuple[Any, GuardStats]:
    """A configured ``uvicorn.Server`` for ``app`` and the guard's counters (read them, don't write them)."""
    import uvicorn

    stats = GuardStats()
    app = AccessLog(app)
    config = uvicorn.Config(
        app,
        log_level=log_level,
        log_config=logging_config(log_format, log_level),
        access_log=False,  # AccessLog writes the request lines, without the query string
        lifespan="off",
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=SHUTDOWN_GRACE,
        backlog=BACKLOG,
    )
    config.load()
    config.http_protocol_class = guarded_protocol_class(  # type: ignore[assignment]
        config.http_protocol_class, limits or ConnectionLimits(), stats)
    return uvicorn.Server(config), stats


def run(app: Any, sock: socket.socket, *, log_level: str = "warning", log_format: str = "text",
        limits: ConnectionLimits | None = None, on_start: Callable[[], None] | None = None) -> None:
    """Serve ``app`` on ``sock`` until Ctrl-C or SIGTERM (graceful, bounded), then close the socket."""
    server, _stats = make_server(app, log_level=log_level, log_format=log_format, limits=limits)
    if on_start is not None:
        def watch() -> None:
            while not server.started and not server.should_exit:
                time.sleep(0.05)
            if server.started:
                on_start()

        threading.Thread(target=watch, daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        logging.getLogger("eip712kit.server").debug("stopped")


__all__ = ["BACKLOG", "SHUTDOWN_GRACE", "listen", "make_server", "run"]
