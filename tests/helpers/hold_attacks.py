"""Two ways a client tried to hold the verifier's connections, and a watch that counts what the server did.

* :func:`expect_continue`: a request head with ``Expect: 100-continue`` and a body length, then
  silence. uvicorn answers ``100 Continue`` when the application first reads the body; the guard used
  to take that for the server's answer and stop the body deadline, so the socket was held for good.
* :func:`never_read`: a socket with a 4 KiB receive buffer sends 200 pipelined requests and never
  reads a byte: the answers fill the kernel's buffers, then the server's, and the server waits for a
  drain that never comes.

:func:`watch` polls the sockets' TCP state (``TCP_INFO``: a socket the server closed is no longer
``ESTABLISHED``) and ``GET /health`` on a separate connection, and reports counts, never a budget of
time for a test to assert.

The client's state alone can miss a cut: the guard cuts with a reset, and a client whose receive
window is shut can drop that reset (its sequence number is not the one the client expects next, as
RFC 5961 requires), staying ``ESTABLISHED`` with nobody at the other end. Seen on a loaded machine,
a few sockets in twenty. So a socket counts as held only while the server's end of it still exists
(Linux: ``/proc/net/tcp``, any state, so a graceful close stuck behind unsent data counts as held).
"""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass, field

import httpx

ESTABLISHED = 1
"""``tcpi_state`` of an open connection (linux/tcp_states.h); the server's FIN or RST moves it off."""
BODY_PATH = "/api/v1/verify-signature"
RECEIVE_BUFFER = 4096


def tcp_state(sock: socket.socket) -> int:
    """The kernel's TCP state of ``sock`` (``tcpi_state``, the first byte of ``TCP_INFO``)."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
    return int(struct.unpack("B", info[:1])[0])


def server_ends(port: int) -> set[int] | None:
    """The remote ports of this machine's TCP sockets on local ``port`` (a server's ends of its connections,
    in any state), from ``/proc/net/tcp`` and ``tcp6``; None where the kernel offers no such table."""
    ends: set[int] = set()
    found = False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as rows:
                found = True
                next(rows)  # the header
                for row in rows:
                    local, remote = row.split()[1:3]
                    if int(local.rsplit(":", 1)[1], 16) == port:
                        ends.add(int(remote.rsplit(":", 1)[1], 16))
        except OSError:
            continue
    return ends if found else None


def _peer_port(sock: socket.socket) -> int:
    try:
        return int(sock.getpeername()[1])
    except OSError:  # reset already: no peer
        return 0


def _connect(port: int, receive_buffer: int | None = None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer is not None:  # before connecting, so the window the server sees is small from the start
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    return sock


def expect_continue(port: int, count: int, *, read_interim: bool = False) -> list[socket.socket]:
    """``count`` sockets, each sending a POST head with ``Expect: 100-continue`` and then nothing."""
    head = (f"POST {BODY_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Content-Length: 512\r\nExpect: 100-continue\r\n\r\n").encode()
    socks = []
    for _ in range(count):
        sock = _connect(port)
        sock.sendall(head)
        if read_interim:
            sock.recv(65536)  # the "100 Continue" (the client has seen the server invite the body)
        socks.append(sock)
    return socks


def never_read(port: int, count: int, *, requests: int = 200, path: str = "/api/v1/health") -> list[socket.socket]:
    """``count`` sockets with a small receive buffer, each sending ``requests`` pipelined GETs and reading none."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    socks = []
    for _ in range(count):
        sock = _connect(port, RECEIVE_BUFFER)
        sock.setblocking(False)
        payload = request * requests
        while payload:  # the server reads requests as it answers them: send what fits, never block
            try:
                payload = payload[sock.send(payload):]
            except BlockingIOError:
                break
        socks.append(sock)
    return socks


@dataclass
class Watch:
    """What :func:`watch` saw: how many sockets the server had closed at each poll, and /health's answers."""

    total: int
    polls: list[tuple[float, int]] = field(default_factory=list)
    """(seconds since the start, sockets still open) at each poll."""
    health: list[int | None] = field(default_factory=list)
    """/health's status at each poll (None: no answer within its timeout, or refused)."""

    @property
    def still_open(self) -> int:
        return self.polls[-1][1] if self.polls else self.total

    @property
    def health_answered(self) -> int:
        return sum(1 for status in self.health if status == 200)

    def held_seconds(self) -> float:
        """Seconds until the last socket was closed (or the watch ended)."""
        return next((t for t, held in self.polls if held == 0), self.polls[-1][0] if self.polls else 0.0)


def watch(socks: list[socket.socket], health_url: str, *, seconds: float, interval: float = 0.5,
          health_timeout: float = 2.0) -> Watch:
    """Poll the sockets' state and /health every ``interval`` until all are closed or ``seconds`` pass."""
    seen = Watch(total=len(socks))
    started = time.monotonic()
    server_port = next((port for port in map(_peer_port, socks) if port), 0)
    own_ports = [sock.getsockname()[1] for sock in socks]
    with httpx.Client(timeout=health_timeout) as http:
        while True:
            ends = server_ends(server_port)  # once a poll; a cut after it is seen at the next
            held = sum(1 for sock, own in zip(socks, own_ports, strict=True)
                       if tcp_state(sock) == ESTABLISHED and (ends is None or own in ends))
            seen.polls.append((time.monotonic() - started, held))
            try:
                seen.health.append(http.get(health_url, headers={"Connection": "close"}).status_code)
            except httpx.HTTPError:
                seen.health.append(None)
            if held == 0 or time.monotonic() - started > seconds:
                return seen
            time.sleep(interval)


def close_all(socks: list[socket.socket]) -> None:
    for sock in socks:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST: no TIME_WAIT
        except OSError:
            pass
        sock.close()


__all__ = ["BODY_PATH", "ESTABLISHED", "Watch", "close_all", "expect_continue", "never_read", "server_ends",
           "tcp_state", "watch"]
