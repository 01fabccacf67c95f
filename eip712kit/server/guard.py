"""Deadlines and a connection limit below the HTTP parser: slow or idle clients cannot hold the verifier.

uvicorn bounds only the idle time *between* requests (``timeout_keep_alive``); a client that opens
a connection and sends half a request line, half its headers or half its body is kept forever, and
each such connection costs a file descriptor. Measured on ``eip712kit serve`` before this module
(loopback, two cores): 300 sockets each holding a partial request head, a partial request line, a
partial body or nothing at all were all still open 30–60 s later; under the common 1024-descriptor
limit, 1100 such sockets stopped the verifier answering anyone (``GET /health`` timed out for the
whole 20 s run) while asyncio logged 270,000 "Too many open files" accept errors (116 MB of log).
With it (defaults): the 256 first are answered 408 and closed at 10 s, the others 503 at once,
``/health`` answers 503 during the flood and 200 once it is dropped, and no accept error is logged
(docs/server.md has the table).

:class:`GuardedProtocol` wraps the HTTP protocol uvicorn would use (h11 or httptools, unchanged)
and watches the bytes, not the HTTP: a request *head* (from the connection's first moment, or from
the first byte after an answer, to the blank line that ends the headers) must arrive within
``header_timeout``; its *body* within ``body_timeout`` after that. A connection that misses a
deadline is answered ``408`` with the API's JSON error and closed. The client's turn ends when the
application has read the whole body (:class:`BodyWatch`, an ASGI middleware, tells the guard) or
when the server starts answering — any write to the socket — whichever comes first; the time the
server takes to compute its answer is never held against the client. uvicorn's own keep-alive
timeout then closes an idle connection. Beyond ``max_connections`` open connections a new one is
answered ``503`` and closed at once, so the descriptors a flood can take are bounded and the first
legitimate client after it is served.

The watch is deliberately simple (it looks for ``\\r\\n\\r\\n``, it does not parse HTTP): the
parser stays uvicorn's, and a request the guard misreads — a pipelined one, say — is only held to a
deadline it would meet anyway, never accepted or refused on the guard's reading.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("eip712kit.server")

HEAD_END = b"\r\n\r\n"


@dataclass(frozen=True)
class ConnectionLimits:
    """How long a client may take to send a request, and how many connections may be open at once."""

    header_timeout: float = 10.0
    """Seconds from the connection (or the previous answer's first byte of a new request) to the end of the headers."""
    body_timeout: float = 30.0
    """Seconds from the end of the headers until the server answers (the body must arrive within it)."""
    max_connections: int = 256
    """Open connections beyond this are answered 503 and closed at once."""

    def __post_init__(self) -> None:
        if not self.header_timeout > 0 or not self.body_timeout > 0:
            raise ValueError("timeouts are positive numbers of seconds")
        if self.max_connections < 1:
            raise ValueError("max_connections is at least 1")


@dataclass
class GuardStats:
    """What the guard did, for the server's log and for tests: counts only, never a client's bytes.

    It also finds the guard of a connection by its peer address (what ASGI calls ``client``), for
    :class:`BodyWatch`.
    """

    open: int = 0
    refused_busy: int = 0
    dropped_head: int = 0
    dropped_body: int = 0
    connections: dict[tuple[str, int], GuardedProtocol] = field(default_factory=dict, repr=False)


def http_error(status: int, reason: str, detail: str, code: str) -> bytes:
    """A complete HTTP/1.1 error answer with the API's JSON body, then ``Connection: close``."""
    body = json.dumps({"detail": detail, "code": code}).encode("ascii")
    head = (f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
            "connection: close\r\ncache-control: no-store\r\n\r\n")
    return head.encode("ascii") + body


_BUSY = http_error(503, "Service Unavailable", "too many open connections: retry in a moment", "SERVICE_UNAVAILABLE")
_HEAD_LATE = http_error(408, "Request Timeout", "the request headers did not arrive in time: send the whole request "
                        "at once", "REQUEST_TIMEOUT")
_BODY_LATE = http_error(408, "Request Timeout", "the request body did not arrive in time: send the whole request "
                        "at once", "REQUEST_TIMEOUT")

_IDLE, _HEAD, _BODY, _ANSWERED = "idle", "head", "body", "answered"
"""A connection's phases: nothing yet; a head arriving; a body arriving; the server's turn."""


class _WatchedTransport(asyncio.Transport):
    """The socket's transport as the wrapped protocol sees it: every write tells the guard the server answers."""

    def __init__(self, transport: asyncio.Transport, on_write: Callable[[], None]):
        super().__init__()
        self._transport = transport
        self._on_write = on_write

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._on_write()
        self._transport.write(data)

    def writelines(self, list_of_data: Any) -> None:
        self._on_write()
        self._transport.writelines(list_of_data)

    def write_eof(self) -> None:
        self._transport.write_eof()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def close(self) -> None:
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def abort(self) -> None:
        self._transport.abort()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._transport.set_write_buffer_limits(high, low)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size()

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._transport.get_write_buffer_limits()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()


class GuardedProtocol(asyncio.Protocol):
    """One connection: the inner HTTP protocol, held to :class:`ConnectionLimits` (see the module docstring)."""

    def __init__(self, inner: Callable[[], asyncio.Protocol], limits: ConnectionLimits, stats: GuardStats,
                 loop: asyncio.AbstractEventLoop):
        self._make_inner = inner
        self._limits = limits
        self._stats = stats
        self._loop = loop
        self._inner: asyncio.Protocol | None = None
        self._transport: asyncio.Transport | None = None
        self._phase = _IDLE
        self._tail = b""
        self._timer: asyncio.TimerHandle | None = None
        self._counted = False
        self._peer: tuple[str, int] | None = None

    # -- asyncio.Protocol --

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        if self._stats.open >= self._limits.max_connections:
            self._stats.refused_busy += 1
            transport.write(_BUSY)
            transport.close()
            return
        self._stats.open += 1
        self._counted = True
        self._peer = _peer_key(transport.get_extra_info("peername"))
        if self._peer is not None:
            self._stats.connections[self._peer] = self
        self._inner = self._make_inner()
        self._start_head()
        self._inner.connection_made(_WatchedTransport(transport, self._answering))

    def data_received(self, data: bytes) -> None:
        if self._inner is None:
            return  # refused: whatever the client still sends is dropped with the connection
        if self._phase in (_IDLE, _ANSWERED):
            self._start_head()
        if self._phase == _HEAD:
            seen = self._tail + data
            if HEAD_END in seen:
                self._arm(self._limits.body_timeout, _BODY_LATE, "body")
                self._phase = _BODY
            else:
                self._tail = seen[-(len(HEAD_END) - 1):]
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        if self._counted:
            self._stats.open -= 1
            self._counted = False
        if self._peer is not None and self._stats.connections.get(self._peer) is self:
            del self._stats.connections[self._peer]
        if self._inner is not None:
            self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()

    # -- the deadlines --

    def _start_head(self) -> None:
        self._phase = _HEAD
        self._tail = b""
        self._arm(self._limits.header_timeout, _HEAD_LATE, "head")

    def _answering(self) -> None:
        """The server writes: the client's turn is over, no deadline runs until it sends again."""
        if self._phase != _ANSWERED:
            self._phase = _ANSWERED
            self._cancel()

    def body_received(self) -> None:
        """The application has the whole request: computing the answer is the server's time, not the client's.

        Whatever the byte watch thinks (after a ``100 Continue`` it takes the body for a new head).
        """
        if self._phase in (_HEAD, _BODY):
            self._phase = _ANSWERED
            self._cancel()

    def _arm(self, seconds: float, answer: bytes, what: str) -> None:
        self._cancel()
        self._timer = self._loop.call_later(seconds, self._expire, answer, what)

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self, answer: bytes, what: str) -> None:
        self._timer = None
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        if what == "head":
            self._stats.dropped_head += 1
        else:
            self._stats.dropped_body += 1
        client = transport.get_extra_info("peername")
        log.info("closed a connection from %s: its request %s did not arrive in time", _peer(client), what)
        transport.write(answer)
        transport.close()


def _peer(address: Any) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0]}:{address[1]}"
    return "?"


def _peer_key(address: Any) -> tuple[str, int] | None:
    """A peer address as ASGI's ``client`` has it: ``(host, port)`` (an IPv6 peer's 4-tuple cut to two)."""
    if isinstance(address, (tuple, list)) and len(address) >= 2:
        return str(address[0]), int(address[1])
    return None


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyWatch:
    """ASGI middleware: tells a connection's guard when the application has read the request's whole body.

    Without it the body deadline would run until the server answers, and a request the server is
    slow to compute (a doctor search on the debug page, a busy disk) would be cut off as if the
    client had been slow.
    """

    def __init__(self, app: ASGIApp, stats: GuardStats):
        self.app = app
        self.stats = stats

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = _peer_key(scope.get("client")) if scope.get("type") == "http" else None
        if client is None:
            await self.app(scope, receive, send)
            return
        stats = self.stats

        async def watched() -> Message:
            message = await receive()
            if message.get("type") == "http.request" and not message.get("more_body", False):
                guard = stats.connections.get(client)
                if guard is not None:
                    guard.body_received()
            return message

        await self.app(scope, watched, send)


def guarded_protocol_class(inner: Callable[..., asyncio.Protocol], limits: ConnectionLimits,
                           stats: GuardStats) -> Callable[..., asyncio.Protocol]:
    """What uvicorn's ``Config.http_protocol_class`` becomes: ``inner`` (called as uvicorn calls it), guarded."""

    def create(*args: Any, _loop: asyncio.AbstractEventLoop | None = None, **kwargs: Any) -> asyncio.Protocol:
        loop = _loop or asyncio.get_running_loop()
        return GuardedProtocol(lambda: inner(*args, _loop=loop, **kwargs), limits, stats, loop)

    return create


__all__ = ["BodyWatch", "ConnectionLimits", "GuardStats", "GuardedProtocol", "guarded_protocol_class", "http_error"]
