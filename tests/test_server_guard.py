"""Slow and idle clients cannot hold the verifier: real sockets against a real ``eip712kit serve``.

The server runs with short deadlines (``--header-timeout 1 --body-timeout 2``) and a small
connection limit, and the tests count outcomes: how many connections were answered 408 and closed,
how many 503 at once, whether a well-behaved client is served afterwards. Time appears only as
generous upper bounds that keep a broken server from hanging the run, never as what is tested.
"""

from __future__ import annotations

import asyncio
import json
import selectors
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from eip712kit.server.guard import MAX_HEAD_BYTES, ConnectionLimits
from eip712kit.server.runner import listen, make_server
from tests.helpers.verifier_process import VerifierProcess

HEADER_TIMEOUT = 1
BODY_TIMEOUT = 2
MAX_CONNECTIONS = 100
HANG_GUARD = 60.0
"""Seconds after which a test gives up waiting (the deadlines above are what the server must meet)."""

PARTIAL = {
    "line": b"GET /api/v1/hea",
    "head": b"POST /api/v1/verify-signature HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty",
    "body": (b"POST /api/v1/verify-signature HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
             b"Content-Length: 1000\r\n\r\n{\"owner"),
    "nothing": b"",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VerifierProcess]:
    with VerifierProcess(tmp_path_factory.mktemp("guard") / "state.sqlite3", "--header-timeout", str(HEADER_TIMEOUT),
                         "--body-timeout", str(BODY_TIMEOUT), "--max-connections", str(MAX_CONNECTIONS)) as process:
        yield process


def _port(process: VerifierProcess) -> int:
    return int(process.api.rsplit(":", 1)[1].split("/", 1)[0])


def _open(port: int, payload: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if payload:
        sock.sendall(payload)
    sock.setblocking(False)
    return sock


def _answers(socks: list[socket.socket], seconds: float = HANG_GUARD) -> list[bytes | None]:
    """What each socket received until the server closed it (None: still open when the hang guard ran out)."""
    received = {s.fileno(): b"" for s in socks}
    closed: set[int] = set()
    selector = selectors.DefaultSelector()
    for s in socks:
        selector.register(s, selectors.EVENT_READ)
    deadline = time.monotonic() + seconds
    while len(closed) < len(socks) and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.2):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            try:
                data = sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except ConnectionResetError:
                data = b""
            if data:
                received[sock.fileno()] += data
            else:
                closed.add(sock.fileno())
                selector.unregister(sock)
    selector.close()
    out = [received[s.fileno()] if s.fileno() in closed else None for s in socks]
    for s in socks:
        s.close()
    return out


def _status(answer: bytes | None) -> int | None:
    if not answer:
        return None
    return int(answer.split(b" ", 2)[1])


def _error(answer: bytes) -> dict[str, str]:
    body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert isinstance(body, dict)
    return body


@pytest.mark.parametrize("kind", sorted(PARTIAL))
def test_a_partial_request_is_answered_408_and_closed(server: VerifierProcess, kind: str) -> None:
    socks = [_open(_port(server), PARTIAL[kind]) for _ in range(20)]
    answers = _answers(socks)
    assert [_status(a) for a in answers] == [408] * 20, answers[:3]
    error = _error(answers[0] or b"")
    assert error["code"] == "REQUEST_TIMEOUT" and ("body" if kind == "body" else "headers") in error["detail"]
    assert httpx.get(server.api + "/health", timeout=10).status_code == 200


def test_hundreds_of_held_requests_give_way_to_new_ones_and_are_dropped_at_their_deadline(tmp_path: Path) -> None:
    # Deadlines of 5 s: the 300 connections are all open long before the first deadline, so beyond
    # MAX_CONNECTIONS each new one takes the place of the one that has waited longest (408 at once),
    # the last MAX_CONNECTIONS are dropped at their deadline, and /health is answered all along.
    with VerifierProcess(tmp_path / "state.sqlite3", "--header-timeout", "5", "--body-timeout", "5",
                         "--max-connections", str(MAX_CONNECTIONS)) as process:
        port = _port(process)
        kinds = sorted(PARTIAL)
        socks = [_open(port, PARTIAL[kinds[i % len(kinds)]]) for i in range(300)]
        during = httpx.get(process.api + "/health", timeout=10)
        answers = _answers(socks)
        statuses = [_status(a) for a in answers]
        assert statuses == [408] * 300, statuses
        assert during.status_code == 200 and during.json()["status"] == "ok"
        after = httpx.get(process.api + "/health", timeout=10)
        assert after.status_code == 200 and after.json()["status"] == "ok"


def test_a_new_connection_is_refused_503_only_when_no_connection_waits_on_its_client() -> None:
    """Connections whose requests the server is computing are not the client's to give up: the newcomer waits."""
    async def slow(request: Request) -> JSONResponse:
        await asyncio.sleep(3)
        return JSONResponse({"slow": True})

    app = Starlette(routes=[Route("/slow", slow)])
    with _Threaded(app, ConnectionLimits(max_connections=2)) as served:
        busy = [_open(served.port, b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n") for _ in range(2)]
        time.sleep(0.5)  # (both requests are whole and the server's to answer; a slower machine only waits more)
        refused = _open(served.port, b"")
        assert _status(_answers([refused])[0]) == 503
        assert [_status(a) for a in _answers(busy)] == [200, 200]
        assert (served.stats.refused_busy, served.stats.evicted) == (1, 0)


def test_the_header_deadline_is_total_not_idle(server: VerifierProcess) -> None:
    """A client that trickles a byte at a time keeps the connection busy, but not past the deadline."""
    sock = _open(_port(server), b"G")
    head = b"ET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200
    sent = 0
    received = b""
    guard = time.monotonic() + HANG_GUARD
    while time.monotonic() < guard:
        try:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        except BlockingIOError:
            pass
        if sent < len(head):
            try:
                sock.send(head[sent:sent + 1])
                sent += 1
            except OSError:
                break
        time.sleep(0.05)
    sock.close()
    assert _status(received) == 408 and sent < len(head)


def test_a_second_request_on_a_kept_alive_connection_has_its_own_deadline(server: VerifierProcess) -> None:
    sock = socket.create_connection(("127.0.0.1", _port(server)), timeout=10)
    sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    first = b""
    while b"\r\n\r\n" not in first or not first.rstrip().endswith(b"}"):
        first += sock.recv(65536)
    assert _status(first) == 200
    sock.sendall(b"GET /api/v1/sys")  # and then nothing more
    sock.setblocking(False)
    (second,) = _answers([sock])
    assert _status(second) == 408


def test_well_behaved_clients_are_not_affected(server: VerifierProcess) -> None:
    """Requests spaced beyond the header deadline on one kept-alive connection: each head is fresh and on time."""
    with httpx.Client(base_url=server.api, timeout=10) as http:
        for _ in range(3):
            assert http.get("/health").status_code == 200
            time.sleep(HEADER_TIMEOUT * 0.6)
        body = b'{"api_key": "sera_x", "api_secret": "y"}'
        answer = http.post("/api-keys/verify", content=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == 401


def test_ctrl_c_stops_the_server_while_slow_clients_are_held(tmp_path: Path) -> None:
    process = VerifierProcess(tmp_path / "state.sqlite3", "--header-timeout", "600", "--body-timeout", "600")
    socks = [_open(_port(process), PARTIAL[kind]) for kind in sorted(PARTIAL) for _ in range(10)]
    process.stop()  # SIGINT, then waits (and SIGKILLs after 10 s: a stop that needs it is a failure)
    assert process.process.returncode == 130  # the CLI's answer to Ctrl-C, not -9 (killed)
    assert all(a is not None for a in _answers(socks, 10))


class _Threaded:
    """:func:`eip712kit.server.runner.make_server` (the guard included) serving ``app`` in a thread."""

    def __init__(self, app: Any, limits: ConnectionLimits):
        self.sock = listen("127.0.0.1", 0)
        self.port: int = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server, self.stats = make_server(app, log_level="critical", limits=limits)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> _Threaded:
        self.thread.start()
        guard = time.monotonic() + HANG_GUARD
        while not self.server.started and time.monotonic() < guard:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(HANG_GUARD)
        self.sock.close()


async def _size_after_computing(request: Request) -> JSONResponse:
    """The body's size, answered after three body deadlines (0.5 s in these tests) of computing."""
    body = await request.body()
    await asyncio.sleep(1.5)
    return JSONResponse({"size": len(body)})


def test_the_time_the_server_takes_is_not_held_against_the_client() -> None:
    """The body deadline ends when the application has the whole body, not when it answers."""
    app = Starlette(routes=[Route("/slow", _size_after_computing, methods=["POST"])])
    with _Threaded(app, ConnectionLimits(header_timeout=0.5, body_timeout=0.5)) as served:
        answer = httpx.post(served.url + "/slow", content=b"x" * 1000, timeout=HANG_GUARD)
        assert (answer.status_code, answer.json()) == (200, {"size": 1000})
        assert (served.stats.dropped_head, served.stats.dropped_body) == (0, 0)
        sock = _open(served.port, b"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nab")  # 7 bytes short
        assert [_status(a) for a in _answers([sock])] == [408]
        assert served.stats.dropped_body == 1


def test_a_client_that_waits_for_100_continue_is_not_cut_off() -> None:
    """uvicorn writes ``100 Continue`` when the app first reads: the body that follows is still the same request."""
    app = Starlette(routes=[Route("/slow", _size_after_computing, methods=["POST"])])
    with _Threaded(app, ConnectionLimits(header_timeout=0.5, body_timeout=0.5)) as served:
        sock = socket.create_connection(("127.0.0.1", served.port), timeout=HANG_GUARD)
        sock.sendall(b"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        interim = sock.recv(65536)
        assert _status(interim) == 100
        sock.sendall(b"abcd")
        answer = b""
        while b'"size"' not in answer:
            chunk = sock.recv(65536)
            assert chunk, answer
            answer += chunk
        sock.close()
        assert _status(answer) == 200 and answer.endswith(b'{"size":4}')
        assert (served.stats.dropped_head, served.stats.dropped_body) == (0, 0)


def test_a_handler_that_takes_too_long_is_answered_503_and_its_late_answer_dropped() -> None:
    async def stuck(request: Request) -> JSONResponse:
        await asyncio.sleep(2)
        return JSONResponse({"late": True})

    app = Starlette(routes=[Route("/stuck", stuck)])
    with _Threaded(app, ConnectionLimits(handler_timeout=0.3)) as served:
        sock = _open(served.port, b"GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n")
        (answer,) = _answers([sock])
        assert _status(answer) == 503 and b"late" not in (answer or b"")
        assert _error(answer or b"")["code"] == "SERVICE_UNAVAILABLE"
        assert served.stats.dropped_handler == 1


# --- the guard alone, on a clock the test turns -------------------------------------------------------

class _Timer:
    def __init__(self, when: float, callback: Any, args: tuple[Any, ...]):
        self.when, self.callback, self.args, self.cancelled = when, callback, args, False

    def cancel(self) -> None:
        self.cancelled = True


class _Clock:
    """The loop as the guard uses it: its time, and timers (counted) that run when the test moves the time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.timers: list[_Timer] = []

    def time(self) -> float:
        return self.now

    def call_at(self, when: float, callback: Any, *args: Any) -> _Timer:
        timer = _Timer(when, callback, args)
        self.timers.append(timer)
        return timer

    def call_later(self, delay: float, callback: Any, *args: Any) -> _Timer:
        return self.call_at(self.now + delay, callback, *args)

    def advance(self, seconds: float) -> None:
        self.now += seconds
        while due := sorted((t for t in self.timers if not t.cancelled and t.when <= self.now), key=lambda t: t.when):
            due[0].cancelled = True
            due[0].callback(*due[0].args)


class _Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = b""
        self.closed = False

    def write(self, data: Any) -> None:
        self.written += bytes(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def is_reading(self) -> bool:
        return not self.closed

    def pause_reading(self) -> None:
        pass

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default


class _Inner(asyncio.Protocol):
    """The HTTP protocol the guard wraps, reduced to what it was handed; it answers when the test says."""

    def __init__(self) -> None:
        self.received = b""
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.received += data

    def answer(self) -> None:
        self.transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        self.transport.write(b"{}")


def _guarded(limits: ConnectionLimits | None = None) -> tuple[Any, _Inner, _Transport, _Clock, Any]:
    from eip712kit.server.guard import GuardedProtocol, GuardStats

    clock, inner, transport, stats = _Clock(), _Inner(), _Transport(), GuardStats()
    guard = GuardedProtocol(lambda: inner, limits or ConnectionLimits(), stats, clock)  # type: ignore[arg-type]
    guard.connection_made(transport)
    return guard, inner, transport, clock, stats


POST = (b"POST /api/v1/verify-signature HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
        b"Content-Length: 2\r\n\r\n{}")


def test_a_kept_alive_connection_arms_one_timer_for_its_deadlines_not_three_a_request() -> None:
    guard, inner, transport, clock, stats = _guarded()
    for _ in range(100):
        guard.data_received(POST)
        clock.advance(0.001)
        inner.answer()
    # the timer set for the first head's deadline (10 s) stays: every later deadline falls after it
    assert len(clock.timers) == 1 and inner.received == POST * 100
    clock.advance(HEADER_TIMEOUT + 10)  # it wakes, finds the write deadline still ahead, sleeps until then
    assert len(clock.timers) == 2 and not transport.closed
    clock.advance(60)  # every answer has left: nothing is cut
    assert not transport.closed and stats.dropped_write == 0
    # a deadline still ends a client that stalls: half a head, then ten seconds
    guard.data_received(POST[:30])
    clock.advance(9.9)
    assert not transport.closed
    clock.advance(0.2)
    assert transport.closed and _status(transport.written.rsplit(b"{}", 1)[-1]) == 408
    assert stats.dropped_head == 1


def test_a_handler_deadline_still_answers_503_when_the_timer_was_set_for_a_later_phase() -> None:
    guard, _, transport, clock, stats = _guarded(ConnectionLimits(handler_timeout=5))
    guard.data_received(POST)  # whole: the handler's 5 s run from here, before the 10 s the timer was set for
    clock.advance(4.9)
    assert not transport.closed
    clock.advance(0.2)
    assert transport.closed and _status(transport.written) == 503 and stats.dropped_handler == 1


HEADS = {
    "get": b"GET /api/v1/health HTTP/1.1\r\nHost: a\r\n\r\n",
    "post": POST,
    "pipelined": POST + b"GET / HTTP/1.1\r\nHost: a\r\n\r\n" + POST,
    "blank lines first": b"\r\n\r\n" + POST,
    "bare LF in the request line": b"GET / HTTP/1.1\nHost: a\r\n\r\n",
    "bare LF at the end": b"GET / HTTP/1.1\r\nHost: a\r\n\n",
    "bare LF first": b"\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "folded": b"GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n c\r\n\r\n",
    "chunked": b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "both framings": b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}",
    "two lengths": b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\ncontent-length : 3\r\n\r\n{}",
    "a length in letters": b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2a\r\n\r\n{}",
    # a read can bring more than the limit at once, or end the head with the piece that passes it
    "a head at the limit": b"GET / HTTP/1.1\r\nX: " + b"a" * (MAX_HEAD_BYTES - 23) + b"\r\n\r\n",
    "a head over the limit": b"GET / HTTP/1.1\r\nX: " + b"a" * (MAX_HEAD_BYTES - 22) + b"\r\n\r\n",
    "a long head": b"GET / HTTP/1.1\r\nX: " + b"a" * 100_000 + b"\r\n\r\n",
}


@pytest.mark.parametrize("name", sorted(HEADS))
def test_a_head_that_arrives_whole_is_read_as_one_that_arrives_byte_by_byte(name: str) -> None:
    # whole, the head is read where it is; byte by byte, it is gathered first: the same verdict
    data = HEADS[name]
    whole, whole_inner, whole_transport, _, whole_stats = _guarded()
    whole.data_received(data)
    piece, piece_inner, piece_transport, _, piece_stats = _guarded()
    for index in range(len(data)):
        if piece_transport.closed:
            break
        piece.data_received(data[index:index + 1])
    assert (whole_transport.written, whole_transport.closed, whole_stats.refused_head) == (
        piece_transport.written, piece_transport.closed, piece_stats.refused_head)
    assert whole._requests == piece._requests
    if not whole_transport.closed:
        assert whole_inner.received == piece_inner.received == data


def test_a_head_is_held_to_the_limit_however_its_bytes_arrive() -> None:
    for name, refused in (("a head at the limit", False), ("a head over the limit", True), ("a long head", True)):
        assert len(HEADS[name]) == MAX_HEAD_BYTES or name != "a head at the limit"
        guard, inner, transport, _, _ = _guarded()
        guard.data_received(HEADS[name])
        assert transport.closed is refused and (_status(transport.written) == 431) is refused, name
        assert inner.received == (b"" if refused else HEADS[name])
