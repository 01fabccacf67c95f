"""A deliberately hostile HTTP server on 127.0.0.1, for proving the client and the checks survive it.

One small threaded server plays Sera's public API and Alura's login in one *mode* at a time: a
foreign deployment, foreign decimals, a body trickled a byte at a time, an endless or huge body,
clocks that are NaN, Infinity, 1e300 or written in Arabic-Indic digits, JSON nested 200,000 deep,
broken JSON, HTML instead of JSON, a Sign-In-With-Ethereum text for another site, a challenge that
does not name its nonce. The :data:`TEXT_MODES` put a *payload* (terminal escapes, bidi controls,
zero-width characters: :data:`PAYLOADS`) where a person reads the server's words: a token's symbol,
a ``/verify-signature`` verdict's code, field and detail, a 500 body on ``/config``, an Alura 401
body, the Alura login text. Everything else it answers like the documented deployment, so each test
isolates one fault. Every request it receives is recorded, so a test can prove that nothing was
signed and sent when the kit had to refuse.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from eip712kit.protocols import alura, sera
from eip712kit.protocols.sera import endpoints

NOW = int(time.time())
EURC, USDC = (t.address for t in sera.SEPOLIA_TOKENS.tokens)
HEADERS_ONLY = "headers-only"

MODES = (
    "honest", "foreign-domain", "foreign-decimals", "foreign-symbol", "unpinned-token", "trickled-body",
    "endless-body", "huge-body", "huge-declared", "nan-time", "infinity-time", "1e300-time", "arabic-digit-time",
    "deep-json", "bad-json", "wrong-content-type", "siwe-other-host", "no-nonce", HEADERS_ONLY,
)
CODING_MODES = (
    "honest-gzip", "gzip-bomb", "deflate-bomb", "raw-deflate-bomb", "br-bomb", "stacked-gzip", "unknown-coding",
)
"""Modes whose ``/config`` answer carries a ``Content-Encoding`` (:func:`coded_config`): decompression bombs
of 1 GiB in about a megabyte, 841 bytes of brotli, two gzip layers of 1 GiB in 1.8 KB, a coding nobody knows."""
MODES += CODING_MODES

BOMB_BYTES = 1 << 30
"""What each bomb inflates to: 1 GiB of spaces (JSON whitespace, so only a cap stops a reader)."""
_BLOCK = b" " * (1 << 20)
_BROTLI_1GIB = base64.b64decode(  # brotli (quality 11, lgwin 24) of 1 GiB of spaces, made once with the
    # brotli package; no test needs brotli installed, the client must refuse "br" unread
    "z///f/glQOKxQCD3/p/////wSwDEYQGA7v0/////4ZcAiMMiAN37f/7//8MvARCHBQC69//8//+HXwIgDgsAdO//+f//D78EQBwW"
    "AOje//P//x9+CYA4LADQvf/n//8//BIAcVgAoHv/z///f/glAOKwAED3/p/////wSwDEYQGA7v0/////4ZcAiMMCAN37f/7//8Mv"
    "ARCHBQC69//8//+HXwIgDgsAdO//+f//D78EQBwWAOje//P//x9+CYA4LADQvf/n//8//BIAcVgAoHv/z///f/glAOKwAED3/p//"
    "///wSwDEYQGA7v0/////4ZcAiMMCAN37f/7//8MvARCHBQC69//8//+HXwIgDgsAdO//+f//D78EQBwWAOje//P//x9+CYA4LADQ"
    "vf/n//8//BIAcVgAoHv/z///f/glAOKwAED3/p/////wSwDEYQGA7v0/////4ZcAiMMCAN37f/7//8MvARCHBQC69//8//+HXwIg"
    "DgsAdO//+f//D78EQBwWAOje//P//x9+CYA4LADQvf/n//8//BIAcVgAoHv/z///f/glAOKwAED3/p/////wSwDEYQGA7v0/////"
    "4ZcAiMMCAN37f/7//8MvARCHBQC69//8//+HXwIgDgsAdO//+f//D78EQBwWAOje//P//x9+CYA4LADQvf/n//8//BIAcVgAoHv/"
    "z///f/glAOKwAED3/p/////wSwDEYQGA7v0/////4ZcAiMMCAN37f/7//8MvARCHBQC69//8//+HXwIgDgsAdO//+f//D78EQBwW"
    "AOje//P//x9+CYA4LADQvf/n//8//BIAcVgAoHv/z///f/glAOKwAED3/p/////wSwDEYQGA7v0/////4ZcAiMMCAN37f/7//8Mv"
    "ARCHBQC69//8//+HXwIgDgsAdO//+f//D78EQBwWAOje//P//x9+CYA4LADQvf/n//8//BIAcVgAoHv/z///f/glAOKwAED3/p//"
    "///wSwDEYQGA7v0/////4ZcAiMMCAN37f/7//8MvARCHBQC69//8//+HXwIgDgsAdO//+f//D78EQBwWAOje//P//x9+CYA4LADQ"
    "vf/n//8//BIAcVgAoHv/Pw=="
)


@functools.cache
def deflate_bomb(size: int = BOMB_BYTES, wrapper: str = "gzip") -> bytes:
    """``size`` bytes of spaces compressed as one gzip member, a zlib stream or raw deflate, built in about a second.

    Each 1 MiB block is compressed after a full flush, so its compressed form is the same every time and
    is repeated rather than recomputed (compressing 1 GiB takes 6 s); only the checksum runs over it all.
    """
    blocks = size // len(_BLOCK)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(_BLOCK) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = block * blocks + compressor.flush()
    if wrapper == "raw":
        return body
    if wrapper == "zlib":
        adler = 1
        for _ in range(blocks):
            adler = zlib.adler32(_BLOCK, adler)
        return b"\x78\xda" + body + adler.to_bytes(4, "big")
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(_BLOCK, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + body + crc.to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little")


def coded_config(mode: str) -> tuple[str, bytes]:
    """The ``Content-Encoding`` and the bytes on the wire of ``/config`` in a :data:`CODING_MODES` mode."""
    if mode == "honest-gzip":
        return "gzip", gzip.compress(json.dumps(_config("honest")).encode(), mtime=0)
    if mode == "gzip-bomb":
        return "gzip", deflate_bomb()
    if mode == "deflate-bomb":
        return "deflate", deflate_bomb(wrapper="zlib")
    if mode == "raw-deflate-bomb":
        return "deflate", deflate_bomb(wrapper="raw")
    if mode == "br-bomb":
        return "br", _BROTLI_1GIB
    if mode == "stacked-gzip":
        return "gzip, gzip", gzip.compress(deflate_bomb(), 9, mtime=0)
    if mode == "unknown-coding":
        return "x-hostile", json.dumps(_config("honest")).encode()
    raise ValueError(f"{mode!r} is not a coding mode")

TEXT_MODES = ("hostile-symbol", "hostile-verdict", "hostile-config-500", "hostile-401", "hostile-text")
"""Modes that carry a payload into text a person reads (the server's ``payload``)."""

PAYLOADS = {
    "C0": "\r\x08\x08valid: true\x07\x00",
    "C1": "\x9b2J\x9b1;1H\x9d0;C1 title\x9c\x85",
    "ESC/CSI/OSC": "\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07\x1b[31mred\x1b[0m\x1b]0;",
    "bidi": "\u202eDIS\u202c\u2066x\u2069\u202a\u202b\u202d\u200e\u200f\u061c",
    "zero-width": "z\u200bw\u200c\u200d\u2060\ufeff",
    "line separators": "a\u2028b\u2029c",
}
"""One payload per class of character that must never reach a terminal as itself. The ESC/CSI/OSC one
ends in an unterminated OSC, which swallows every following byte on a terminal until a BEL or ST."""

TOKEN_A, TOKEN_B = "0x" + "77" * 20, "0x" + "88" * 20
"""The two tokens ``hostile-symbol`` lists with payload symbols (not pinned: given by address)."""


def _config(mode: str) -> dict[str, Any]:
    if mode == "foreign-domain":
        return {"chain_id": 1, "sera_address": "0x000000000000000000000000000000000000dEaD"}
    return {"chain_id": sera.DOMAIN.chain_id, "sera_address": sera.DOMAIN.verifying_contract}


def _tokens(mode: str, payload: str = "") -> list[dict[str, Any]]:
    if mode == "hostile-symbol":
        return [{"symbol": "EURC", "address": EURC, "decimals": 6}, {"symbol": "USDC", "address": USDC, "decimals": 6},
                {"symbol": "AAA" + payload, "address": TOKEN_A, "decimals": 18},
                {"symbol": "BBB" + payload, "address": TOKEN_B, "decimals": 6}]
    usdc_decimals = 18 if mode == "foreign-decimals" else 6
    usdc_address = "0x" + "aa" * 20 if mode == "foreign-symbol" else USDC
    tokens = [{"symbol": "EURC", "address": EURC, "decimals": 6},
              {"symbol": "USDC", "address": usdc_address, "decimals": usdc_decimals}]
    if mode == "unpinned-token":
        tokens.append({"symbol": "WETH", "address": "0x" + "77" * 20, "decimals": 18})
    return tokens


def _time(mode: str) -> str:
    """The /system/time body as text: the faults are in the JSON text itself (NaN is not JSON)."""
    return {
        "nan-time": '{"server_time": NaN}',
        "infinity-time": '{"server_time": Infinity}',
        "1e300-time": '{"server_time": 1e300}',
        "arabic-digit-time": json.dumps({"server_time": "١٧٠٠٠٠٠٠٠٠"}),
    }.get(mode, json.dumps({"server_time": NOW}))


def _challenge(mode: str, address: str, nonce: str, payload: str = "") -> str:
    if mode == "hostile-text":
        return f"Welcome to Alura!\n\nWallet: {address}\nNonce: {nonce}\nI agree{payload} to the terms."
    if mode == "siwe-other-host":
        return (f"app.uniswap.org wants you to sign in with your Ethereum account:\n{address}\n\n"
                f"Sign in to Uniswap.\n\nURI: https://app.uniswap.org\nVersion: 1\nChain ID: 1\nNonce: {nonce}\n"
                "Issued At: 2026-11-29T00:00:00Z")
    if mode == "no-nonce":
        return f"Welcome to Alura!\n\nWallet: {address}"
    return f"Welcome to Alura!\n\nWallet: {address}\nNonce: {nonce}"


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up on a hostile answer is the expected outcome, not an error to print."""


class HostileServer:
    """The server, its mode, and the log of what it received (method and path, in order)."""

    def __init__(self, mode: str, payload: str = ""):
        if mode not in MODES and mode not in TEXT_MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.payload = payload
        self.received: list[tuple[str, str]] = []
        self.stop = threading.Event()
        self._http = _QuietServer(("127.0.0.1", 0), _handler(self))
        self._http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"


def _handler(server: HostileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            server.received.append((self.command, self.path))
            length = int(self.headers.get("Content-Length", "0") or 0)
            body = json.loads(self.rfile.read(length) or b"null") if length else None
            mode, payload = server.mode, server.payload
            if self.path == endpoints.CONFIG and mode == "hostile-config-500":
                return self._send(f"upstream failed: {payload}".encode(), "text/plain", status=500)
            if self.path == endpoints.CONFIG:
                return self._config(mode)
            if self.path == endpoints.SYSTEM_TIME:
                return self._send(_time(mode).encode())
            if self.path == endpoints.HEALTH:
                return self._json({"status": "ok", "executor_id": 0, "server_time": NOW})
            if self.path == endpoints.TOKENS:
                return self._json({"tokens": _tokens(mode, payload)})
            if self.path == endpoints.VERIFY_SIGNATURE and mode == "hostile-verdict":
                return self._json({"valid": False, "code": "BAD" + payload, "field": "amount" + payload,
                                   "detail": "refused" + payload})
            if self.path == endpoints.VERIFY_SIGNATURE:
                return self._json({"valid": True})
            if self.path == alura.CHALLENGE_PATH:
                address = body.get("address") if isinstance(body, dict) else None
                return self._json({"address": address, "nonce": "n-7f3a",
                                   "message": _challenge(mode, str(address), "n-7f3a", payload)})
            if self.path == alura.VERIFY_PATH and mode == "hostile-401":
                return self._json({"message": "Invalid signature" + payload, "statusCode": 401}, status=401)
            if self.path == alura.VERIFY_PATH:
                return self._json({"ok": True, "accessToken": "alura.token", "tokenType": "Bearer"})
            self._json({"detail": "not found"}, status=404)

        def _config(self, mode: str) -> None:
            faults = {"trickled-body": self._trickle, "endless-body": self._endless, "huge-body": self._huge,
                      "huge-declared": self._huge_declared, HEADERS_ONLY: self._headers_only}
            if mode in faults:
                return faults[mode]()
            if mode in CODING_MODES:
                return self._coded(*coded_config(mode))
            if mode == "deep-json":
                return self._send(b"[" * 200_000 + b"]" * 200_000)
            if mode == "bad-json":
                return self._send(b'{"chain_id": 11155111, "sera_address": ')
            if mode == "wrong-content-type":
                return self._send(json.dumps(_config(mode)).encode(), "text/html")
            self._json(_config(mode))

        def _json(self, value: Any, status: int = 200) -> None:
            self._send(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"), status=status)

        def _send(self, data: bytes, content_type: str = "application/json", status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _coded(self, coding: str, data: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", coding)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self._write(data)

        def _stream_headers(self, length: int | None = None) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if length is None:
                self.send_header("Connection", "close")
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.flush()

        def _trickle(self) -> None:
            text = json.dumps(_config("honest")).encode()
            self._stream_headers(len(text))
            for byte in text:  # one byte every 0.2 s: each read is quick, the whole answer is not
                if server.stop.wait(0.2):
                    return
                self._write(bytes([byte]))

        def _endless(self) -> None:
            self._stream_headers()
            self._write(b'{"chain_id": 11155111, "padding": "')
            while not server.stop.wait(0.01) and self._write(b"x" * 256):  # never ends, well under the cap
                pass

        def _huge(self) -> None:
            self._stream_headers()  # no Content-Length: the cap must be found while reading
            chunk = b" " * 65536
            for _ in range(400 * 16):  # 400 MiB of whitespace before any JSON
                if server.stop.is_set() or not self._write(chunk):
                    return

        def _huge_declared(self) -> None:
            self._stream_headers(400 * 1024 * 1024)
            self._write(b" " * 65536)

        def _headers_only(self) -> None:
            self._stream_headers(100)
            server.stop.wait(60)

        def _write(self, data: bytes) -> bool:
            try:
                self.wfile.write(data)
                self.wfile.flush()
                return True
            except OSError:  # the client gave up: what it should do
                return False

    return Handler


@contextmanager
def hostile_server(mode: str, payload: str = "") -> Iterator[HostileServer]:
    """A running :class:`HostileServer` in ``mode``, shut down (and its slow answers stopped) on exit."""
    server = HostileServer(mode, payload)
    thread = threading.Thread(target=server._http.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server._http.shutdown()
        server._http.server_close()




# --- running the command line against it ----------------------------------------------------------

SERA_ORDER = ("--side", "bid", "--amount", "1000.0", "--price", "1.085", "--base", "EURC", "--quote", "USDC")
# The peak is read from /proc/self/status (VmHWM: this process's own high-water mark). getrusage's
# ru_maxrss would not do: Linux carries the parent's peak across fork and exec, so under a large pytest
# process it reports pytest's memory, not the command's.
_WRAPPER = (
    "import os, re, sys\n"
    "from eip712kit.cli import run\n"
    "code = run(sys.argv[1:])\n"
    "sys.stdout.flush()\n"
    "with open('/proc/self/status') as status:\n"
    "    peak = re.search(r'VmHWM:\\s+(\\d+) kB', status.read()).group(1)\n"
    "with open(os.environ['HOSTILE_RSS_FILE'], 'w') as out:\n"
    "    out.write(peak)\n"
    "sys.exit(code)\n"
)


@dataclass
class Outcome:
    """What one command did against one mode: exit code, output, peak memory, time, and what was sent."""

    mode: str
    command: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    max_rss_kib: int
    seconds: float
    received: list[tuple[str, str]]

    def posted(self, path: str) -> bool:
        """Whether the command POSTed to ``path`` (a signature sent, for the verify endpoints)."""
        return ("POST", path) in self.received


def run_measured(*args: str, env: dict[str, str], rss_file: Path, timeout: float = 120,
                 python: str = sys.executable) -> tuple[subprocess.CompletedProcess[str], int, float]:
    """``eip712kit ARGS`` in a subprocess: what it did, its own peak RSS in KiB (-1: none written) and its seconds."""
    started = time.monotonic()
    done = subprocess.run([python, "-c", _WRAPPER, *args], capture_output=True, text=True,
                          env={**env, "HOSTILE_RSS_FILE": str(rss_file)}, timeout=timeout)
    seconds = time.monotonic() - started
    rss = int(rss_file.read_text()) if rss_file.exists() else -1
    return done, rss, seconds


def run_against(mode: str, *args: str, env: dict[str, str], tmp: Path, timeout: float = 120,
                python: str = sys.executable) -> Outcome:
    """``eip712kit ARGS --api URL`` against a hostile server in ``mode``, measured from inside the process.

    ``python`` is the interpreter that runs the command (another checkout's venv, to measure before a change).
    """
    if mode in CODING_MODES:
        coded_config(mode)  # the bombs are built (a second of CPU) before the command's deadline starts
    with hostile_server(mode) as server:
        done, rss, seconds = run_measured(*args, "--api", server.url, env=env, rss_file=tmp / f"rss-{mode}",
                                          timeout=timeout, python=python)
        received = list(server.received)
    return Outcome(mode, args, done.returncode, done.stdout, done.stderr, rss, seconds, received)


__all__ = [
    "BOMB_BYTES", "CODING_MODES", "HEADERS_ONLY", "MODES", "NOW", "PAYLOADS", "SERA_ORDER", "TEXT_MODES", "TOKEN_A",
    "TOKEN_B", "HostileServer", "Outcome", "coded_config", "deflate_bomb", "hostile_server", "run_against",
    "run_measured",
]
