"""Deadlines for every phase of a connection, a strict reading of request heads, and a connection limit.

uvicorn bounds only the idle time *between* requests (``timeout_keep_alive``); on its own it keeps a
client that sends half a request forever, and each such connection costs a file descriptor. Measured
on ``eip712kit serve`` before the first version of this module (loopback, two cores): 300 sockets each
holding a partial request line, head or body were all still open 30–60 s later; under a
1024-descriptor limit, 1100 of them stopped the verifier answering anyone. The first version held
the client to deadlines until the server started answering — and a red-team pass found the two holes
in "started answering" (issue 23): ``Expect: 100-continue`` then silence held 256 of 260 sockets for
good, since uvicorn's ``100 Continue`` counted as the answer, and ``/health`` was refused the whole
time; a client that never reads (a 4 KiB receive buffer, 200 pipelined GETs) held 20 of 20 sockets,
since nothing bounds a server waiting for its answer to drain.

So :class:`GuardedProtocol`, which wraps the HTTP protocol uvicorn would use (h11 or httptools,
unchanged), now frames the requests itself, from the bytes the client sends, and puts a deadline on
each phase, each from the event that starts it, never from what the other side did meanwhile:

============  ==========================================================  ===============================
phase         runs from … until …                                         missed: the connection is …
============  ==========================================================  ===============================
head          the connection (or a new request's first byte) … the        answered 408 and closed
              blank line that ends the head
body          the end of the head … the last of ``Content-Length`` bytes  answered 408 and closed
              (a ``100 Continue`` from the server changes nothing)
handler       the request being whole … the server writing its answer     answered 503 and closed
write         bytes being written … those bytes leaving the server        cut (the client is not reading)
============  ==========================================================  ===============================

A request head is read strictly before uvicorn sees it, since what two parsers read differently is
how requests are smuggled: a line ending in a bare LF, a folded header line (obs-fold), a
``Transfer-Encoding`` (with ``Content-Length``: the classic smuggling pair; alone: the verifier takes
bodies with ``Content-Length`` only) and conflicting ``Content-Length`` values are answered 400 (411 for
a transfer coding alone) and the connection closed, and nothing of that request reaches the application.
At ``max_connections`` open connections, a new one takes the place of the connection that has waited
longest on its client (a head or body still due; answered 408 and closed); only when none waits (all
are the server's to answer) is the new one answered ``503`` and closed at once. So the descriptors a
flood can take are bounded, and ``/health`` is answered while it lasts, not only once it is dropped.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

if sys.platform.startswith("linux"):
    import fcntl
    import termios

    _OUTQ: int | None = termios.TIOCOUTQ
    """``SIOCOUTQ``: the bytes in a socket's send queue not yet acknowledged by the peer."""
else:  # pragma: no cover
    _OUTQ = None

log = logging.getLogger("eip712kit.server")

HEAD_END = b"\r\n\r\n"
_CLOSE_POLL = 0.25
"""Seconds between looks at a closing connection's unsent bytes (it closes as soon as they have left)."""
MAX_HEAD_BYTES = 64 * 1024
"""A head still unfinished past this is closed (h11 itself refuses one past 16 KiB, with a 400, first)."""


@dataclass(frozen=True)
class ConnectionLimits:
    """How long each phase of a request may take, and how many connections may be open at once."""

    header_timeout: float = 10.0
    """Seconds from the connection (or a new request's first byte) to the end of the request's head."""
    body_timeout: float = 30.0
    """Seconds from the end of the head until the whole body (its ``Content-Length``) has arrived."""
    handler_timeout: float = 60.0
    """Seconds from a whole request until the server starts writing its answer (503 and closed after)."""
    write_timeout: float = 30.0
    """Seconds within which what the server writes must leave it (a client that does not read is cut)."""
    max_connections: int = 256
    """Open connections beyond this are answered 503 and closed at once."""

    def __post_init__(self) -> None:
        if not all(t > 0 for t in (self.header_timeout, self.body_timeout, self.handler_timeout,
                                   self.write_timeout)):
            raise ValueError("timeouts are positive numbers of seconds")
        if self.max_connections < 1:
            raise ValueError("max_connections is at least 1")


@dataclass
class GuardStats:
    """What the guard did, for the server's log and for tests: counts only, never a client's bytes.

    It also knows which connections wait on their client (a head or a body still due), and since when,
    so that a new connection at the limit can take the place of the one that has waited longest.
    """

    open: int = 0
    refused_busy: int = 0
    evicted: int = 0
    refused_head: int = 0
    dropped_head: int = 0
    dropped_body: int = 0
    dropped_handler: int = 0
    dropped_write: int = 0
    waiting: dict[GuardedProtocol, float] = field(default_factory=dict, repr=False)


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
_BARE_LF = http_error(400, "Bad Request", "a line of the request ends in a bare LF: end each line with CRLF",
                      "INVALID_REQUEST")
_HANDLER_LATE = http_error(503, "Service Unavailable", "the server took too long to answer this request: retry in a "
                           "moment", "SERVICE_UNAVAILABLE")


def _bad_head(detail: str, status: int = 400, reason: str = "Bad Request") -> bytes:
    return http_error(status, reason, detail, "INVALID_REQUEST")


def _head_too_large() -> bytes:
    return _bad_head(f"the request head is larger than {MAX_HEAD_BYTES:,} bytes", 431,
                     "Request Header Fields Too Large")


def _read_whole_head(head: bytes) -> tuple[int, bytes | None]:
    """:func:`read_head` of a head whose end has been found, held to :data:`MAX_HEAD_BYTES` first.

    A head still arriving is held to the limit as it grows; one that arrived whole in a read (which
    can bring 256 KiB), or was ended by the piece that took it over, is held to it here.
    """
    if len(head) + len(HEAD_END) > MAX_HEAD_BYTES:
        return 0, _head_too_large()
    return read_head(head)


def read_head(head: bytes) -> tuple[int, bytes | None]:
    """A request head (without its blank line): the body's length, and the answer refusing it (``None``: none).

    Only what framing depends on is judged here; the rest (the request line, header syntax, sizes) is
    h11's, which refuses what it cannot parse. A bare LF is found earlier, as the bytes arrive.
    """
    if b"\r\n " in head or b"\r\n\t" in head:  # a header line (any after the request line) that starts blank
        return 0, _bad_head("a header line is folded onto the one before it (obs-fold): send each header "
                            "on one line")
    lower = head.lower()
    if b"content-length" not in lower and b"transfer-encoding" not in lower:
        return 0, None  # no line can name either (a GET): nothing to frame
    lengths: list[bytes] = []
    chunked = False
    for line in lower.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip()
        if name == b"content-length":
            lengths.append(value.strip())
        elif name == b"transfer-encoding":
            chunked = True
    if chunked and lengths:
        return 0, _bad_head("the request has both Content-Length and Transfer-Encoding, which two readers can "
                            "frame differently: send Content-Length only")
    if chunked:
        return 0, _bad_head("this server takes a request body with Content-Length only, not a Transfer-Encoding",
                            411, "Length Required")
    if len(set(lengths)) > 1 or any(not (v.isdigit() and len(v) <= 18) for v in lengths):
        return 0, _bad_head("the request's Content-Length is not one decimal number")
    return (int(lengths[0]) if lengths else 0), None


class _WatchedTransport(asyncio.Transport):
    """The socket's transport as the wrapped protocol sees it: the guard sees every write (answers and their drain)."""

    def __init__(self, transport: asyncio.Transport, guard: GuardedProtocol):
        super().__init__()
        self._transport = transport
        self._guard = guard

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._transport.write(data)
        self._guard._wrote(bytes(data[:16]), len(data))

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def write_eof(self) -> None:
        self._transport.write_eof()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def close(self) -> None:
        self._guard._close_when_sent()

    def is_closing(self) -> bool:
        return self._transport.is_closing() or self._guard._close_wanted

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
        self._counted = False
        # the client's side: a head being read (bytes so far), or a body (bytes still due)
        self._head = bytearray()
        self._body_due: int | None = None
        self._read_due: float | None = None  # the loop time the head or body must have arrived by
        # the server's side: requests whole, answers started, and its own deadline
        self._requests = 0
        self._answers = 0
        self._handler_due: float | None = None
        # what was written and must leave the server by the write deadline; a close waiting for it to leave
        self._written = 0
        self._must_leave = 0
        self._write_due: float | None = None
        self._close_wanted = False
        self._close_timer: asyncio.TimerHandle | None = None
        # One timer serves the three deadlines above (see _wake): armed at or before the earliest
        # of them, it re-arms itself when it finds none due yet.
        self._wake: asyncio.TimerHandle | None = None
        self._wake_at = 0.0

    # -- asyncio.Protocol --

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        if self._stats.open >= self._limits.max_connections and not self._evict_the_longest_waiting():
            self._stats.refused_busy += 1
            transport.write(_BUSY)
            transport.close()
            return
        self._stats.open += 1
        self._counted = True
        self._inner = self._make_inner()
        self._arm_read(self._limits.header_timeout)
        self._inner.connection_made(_WatchedTransport(transport, self))

    def data_received(self, data: bytes) -> None:
        transport = self._transport
        if self._inner is None or transport is None or transport.is_closing():
            return  # refused or closed: whatever the client still sends is dropped with the connection
        forwarded = self._requests
        refusal = self._frame(data)
        if refusal is not None:
            self._stats.refused_head += 1
            log.info("closed a connection from %s: its request head was refused", _peer(transport))
            self._cancel_all()
            self._requests = forwarded  # nothing of this data reaches the application, its whole requests neither
            if self._answers >= self._requests:  # not in the middle of an answer to an earlier request
                transport.write(refusal)
            transport.close()
            return
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_all()
        if self._counted:
            self._stats.open -= 1
            self._counted = False
        if self._inner is not None:
            self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()

    # -- the client's bytes: heads read strictly, bodies counted --

    def _frame(self, data: bytes) -> bytes | None:
        """Follow the requests in ``data`` (a head, its body, the next head …); the answer refusing one, if any."""
        at = 0
        while at < len(data):
            if self._body_due is not None:
                taken = min(self._body_due, len(data) - at)
                self._body_due -= taken
                at += taken
                if self._body_due == 0:
                    self._request_whole()
                continue
            if not self._head:
                while data.startswith(b"\r\n", at):  # blank lines before a request line are allowed
                    at += 2
                if at >= len(data):
                    break
                end = data.find(HEAD_END, at)
                if end != -1:  # the whole head in this chunk (nearly always): read where it is, not copied
                    # every LF of the head is the end of a CRLF, or one is bare
                    if data.count(b"\n", at, end + 4) != data.count(b"\r\n", at, end + 4):
                        return _BARE_LF
                    length, refusal = _read_whole_head(data[at:end])
                    if refusal is not None:
                        return refusal
                    at = end + 4
                    if length <= len(data) - at:  # its body too (nearly always): whole, no client deadline to set
                        at += length
                        self._request_whole()
                    else:
                        self._head_read(length)
                    continue
                if self._read_due is None:
                    self._arm_read(self._limits.header_timeout)
            searched = max(0, len(self._head) - 3)
            self._head += data[at:]
            if self._head.startswith(b"\r\n"):  # blank lines before a request line, in pieces (CR, then LF)
                while self._head.startswith(b"\r\n"):
                    del self._head[:2]
                if not self._head:
                    break
                searched = 0
            lf = self._head.find(b"\n", max(0, searched - 1))
            end = self._head.find(HEAD_END, searched)
            while lf != -1 and (end == -1 or lf < end + 4):
                if lf == 0 or self._head[lf - 1] != 0x0D:
                    return _BARE_LF
                lf = self._head.find(b"\n", lf + 1)
            if end == -1:
                if len(self._head) > MAX_HEAD_BYTES:
                    return _head_too_large()
                break
            consumed = len(data) - (len(self._head) - end - 4)
            length, refusal = _read_whole_head(bytes(self._head[:end]))
            if refusal is not None:
                return refusal
            self._head = bytearray()
            at = consumed
            self._head_read(length)
        return None

    def _head_read(self, length: int) -> None:
        """A head has been read: its body (``length`` bytes) is due now, or the request is whole."""
        if length:
            self._body_due = length
            self._arm_read(self._limits.body_timeout)
        else:
            self._request_whole()

    def _request_whole(self) -> None:
        """A request has arrived whole: the client's deadline ends, the server's begins (if it owes an answer)."""
        self._body_due = None
        self._cancel_read()
        self._requests += 1
        if self._answers < self._requests and self._handler_due is None:
            self._handler_due = self._due(self._limits.handler_timeout)

    # -- the server's writes: answers started, bytes to drain --

    def _wrote(self, start: bytes, size: int) -> None:
        if start.startswith(b"HTTP/") and not start[9:10] == b"1":  # an answer's head, not a 1xx interim
            self._answers += 1
            # pipelined: the next answer is owed from now
            self._handler_due = self._due(self._limits.handler_timeout) if self._answers < self._requests else None
        self._written += size
        if self._write_due is None:
            self._arm_write()

    def _arm_write(self) -> None:
        """Everything written so far must have left by the write deadline."""
        self._must_leave = self._written
        self._write_due = self._due(self._limits.write_timeout)

    def _write_late(self) -> None:
        """Every byte written a write deadline ago must have left: else the client is not reading, and is cut.

        "Left" counts the kernel's send queue too (Linux): answers small enough to fit in the socket's
        buffers are otherwise "written" at once, and the connection, closed, lingers in the kernel.
        """
        self._write_due = None
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        waiting = unsent(transport)
        if self._written - waiting < self._must_leave:
            self._stats.dropped_write += 1
            log.info("cut a connection from %s: it did not read the answer in time", _peer(transport))
            self._cut()
        elif waiting:
            self._arm_write()

    def _close_when_sent(self) -> None:
        """The inner protocol closes: at once if all it wrote has left, else when it has (or at the write deadline).

        A plain close would hand what is unsent to the kernel, where a client that does not read keeps the
        socket for minutes; kept here, the write deadline still applies to it.
        """
        transport = self._transport
        if self._close_wanted or transport is None or transport.is_closing():
            return
        self._close_wanted = True
        if transport.is_reading():
            transport.pause_reading()
        self._close_if_sent()

    def _close_if_sent(self) -> None:
        self._close_timer = None
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        if unsent(transport):
            self._close_timer = self._loop.call_later(_CLOSE_POLL, self._close_if_sent)
            if self._write_due is None:
                self._arm_write()
        else:
            self._cancel_all()
            transport.close()

    def _cut(self) -> None:
        """Close with a reset, dropping what is unsent (in asyncio's buffer and the kernel's)."""
        transport = self._transport
        if transport is None:
            return
        self._cancel_all()
        sock = transport.get_extra_info("socket")
        try:
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        transport.abort()

    def _handler_late(self) -> None:
        self._handler_due = None
        transport = self._transport
        if transport is None or transport.is_closing() or self._answers >= self._requests:
            return
        self._stats.dropped_handler += 1
        log.warning("closed a connection from %s: the server took over %g s to answer", _peer(transport),
                    self._limits.handler_timeout)
        self._cancel_all()
        transport.write(_HANDLER_LATE)
        transport.close()

    # -- the client's deadlines --

    def _arm_read(self, seconds: float) -> None:
        """The client's deadline for what it sends next: the head, or the body once ``_body_due`` is set."""
        now = self._loop.time()
        self._read_due = self._due(seconds, now)
        self._stats.waiting[self] = now

    def _cancel_read(self) -> None:
        self._read_due = None
        self._stats.waiting.pop(self, None)

    # -- the one timer behind the deadlines --

    def _due(self, seconds: float, now: float | None = None) -> float:
        """The loop time ``seconds`` from now, as a deadline: the timer is brought forward if it would wake later.

        A timer per phase cost three ``call_later`` and three ``cancel`` a request (and the loop's
        heap kept the cancelled ones): about a tenth of a ``/health`` answer. Deadlines are numbers
        instead; the one timer is moved only when a deadline falls before it, which on a busy
        connection is once per header timeout, not once per request.
        """
        when = (self._loop.time() if now is None else now) + seconds
        self._wake_by(when)
        return when

    def _wake_by(self, when: float) -> None:
        if self._wake is None or when < self._wake_at:
            if self._wake is not None:
                self._wake.cancel()
            self._wake = self._loop.call_at(when, self._woken)
            self._wake_at = when

    def _woken(self) -> None:
        """The timer: run each deadline that has passed, earliest first, then wake again for the next one."""
        self._wake = None
        now = self._loop.time()
        while True:  # each late handler may close the connection, which clears the other deadlines
            passed = [(due, late) for due, late in ((self._read_due, self._read_late),
                                                   (self._handler_due, self._handler_late),
                                                   (self._write_due, self._write_late))
                      if due is not None and due <= now]
            if not passed:
                break
            min(passed, key=lambda item: item[0])[1]()
        pending = [due for due in (self._read_due, self._handler_due, self._write_due) if due is not None]
        transport = self._transport
        if pending and transport is not None and not transport.is_closing():
            self._wake_by(min(pending))

    def _evict_the_longest_waiting(self) -> bool:
        """At the limit: close the connection that has waited longest on its client, if any, to admit this one.

        Holding connections open is the attack the limit bounds; letting the newest in at the expense
        of the slowest keeps the verifier answering (``/health`` included) while a flood lasts.
        """
        if not self._stats.waiting:
            return False
        oldest = min(self._stats.waiting, key=self._stats.waiting.__getitem__)
        self._stats.evicted += 1
        oldest._read_late(counted=False)
        return True

    def _cancel_all(self) -> None:
        self._cancel_read()
        for timer in (self._wake, self._close_timer):
            if timer is not None:
                timer.cancel()
        self._handler_due = self._write_due = None
        self._wake = self._close_timer = None

    def _read_late(self, counted: bool = True) -> None:
        what = "head" if self._body_due is None else "body"
        self._cancel_read()
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        if counted:
            if what == "head":
                self._stats.dropped_head += 1
            else:
                self._stats.dropped_body += 1
        log.info("closed a connection from %s: its request %s did not arrive in time", _peer(transport), what)
        self._cancel_all()
        if self._answers == self._requests:  # no answer is owed or under way (nor given early, for a body)
            transport.write(_HEAD_LATE if what == "head" else _BODY_LATE)
        transport.close()


def unsent(transport: asyncio.Transport) -> int:
    """Bytes written to ``transport`` that have not left: asyncio's buffer, and (Linux) the socket's send queue."""
    waiting = transport.get_write_buffer_size()
    sock = transport.get_extra_info("socket")
    if _OUTQ is not None and sock is not None:
        try:
            waiting += struct.unpack("i", fcntl.ioctl(sock.fileno(), _OUTQ, b"\0\0\0\0"))[0]
        except (OSError, ValueError):
            pass
    return waiting


def _peer(transport: asyncio.BaseTransport) -> str:
    address = transport.get_extra_info("peername")
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0]}:{address[1]}"
    return "?"


def guarded_protocol_class(inner: Callable[..., asyncio.Protocol], limits: ConnectionLimits,
                           stats: GuardStats) -> Callable[..., asyncio.Protocol]:
    """What uvicorn's ``Config.http_protocol_class`` becomes: ``inner`` (called as uvicorn calls it), guarded."""

    def create(*args: Any, _loop: asyncio.AbstractEventLoop | None = None, **kwargs: Any) -> asyncio.Protocol:
        loop = _loop or asyncio.get_running_loop()
        return GuardedProtocol(lambda: inner(*args, _loop=loop, **kwargs), limits, stats, loop)

    return create


__all__ = ["MAX_HEAD_BYTES", "ConnectionLimits", "GuardStats", "GuardedProtocol", "guarded_protocol_class",
           "http_error", "read_head", "unsent"]
