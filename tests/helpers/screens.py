"""Every place a server's (or an adapter's, or a client's) words reach a terminal, as scenarios to render.

One :class:`Scenario` per sink and source: the real command, run on a pty (:mod:`tests.helpers.terminal`)
against the hostile server (:mod:`tests.helpers.hostile_server`) with one payload of
:data:`~tests.helpers.hostile_server.PAYLOADS` in the server's text, a hostile adapter, or hostile
requests to the verifier. ``tests/test_terminal_screens.py`` asserts on each screen;
``tools/screen_report.py`` prints them (run it with ``PYTHONPATH`` on another checkout to see what
that code showed).
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.hostile_server import SERA_ORDER, TOKEN_A, TOKEN_B, hostile_server
from tests.helpers.terminal import CLI, Shown, run_on_pty

KEY, ADDRESS = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)
TIMEOUT = ("--timeout", "5", "--retries", "0")


@dataclass(frozen=True)
class Scenario:
    """One sink fed one source of hostile text; ``must_show`` is what the screen has to keep showing."""

    sink: str
    name: str
    run: Callable[[str, Path, dict[str, str]], Shown]
    must_show: tuple[str, ...]
    carries_payload: bool = False
    """Whether the output (JSON) holds the payload as a value, which must then be exactly the server's."""

    @property
    def id(self) -> str:
        return f"{self.sink}: {self.name}"


def _against(mode: str, *args: str) -> Callable[[str, Path, dict[str, str]], Shown]:
    def run(payload: str, tmp: Path, env: dict[str, str]) -> Shown:
        with hostile_server(mode, payload) as server:
            return run_on_pty([*CLI, *args, *TIMEOUT, "--api", server.url], env={**env, "EIP712KIT_PRIVATE_KEY": KEY})
    return run


def _saved_challenge(*extra: str) -> Callable[[str, Path, dict[str, str]], Shown]:
    def run(payload: str, tmp: Path, env: dict[str, str]) -> Shown:
        path = tmp / "challenge.json"
        message = f"Welcome to Alura!\n\nWallet: {ADDRESS}\nNonce: n-1\nI agree{payload} to the terms."
        path.write_text(json.dumps({"address": ADDRESS, "nonce": "n-1", "message": message}), encoding="utf-8")
        return run_on_pty([*CLI, "alura", "login", "--challenge", str(path), *extra],
                          env={**env, "EIP712KIT_PRIVATE_KEY": KEY})
    return run


HOSTILE_ADAPTER = """
import json, sys
payload = json.loads({payload!r})
hello = json.loads(sys.stdin.readline())
print(json.dumps({{"id": hello["id"], "result": {{"name": "adapter" + payload, "version": payload,
                                               "error_codes": "generic"}}}}), flush=True)
first = json.loads(sys.stdin.readline())
print(json.dumps({{"id": first["id"], "error": {{"code": "BAD" + payload, "message": "refused" + payload}}}}),
      flush=True)
sys.stdin.readline()
sys.stderr.write("adapter error: " + payload + "\\n")
sys.stderr.flush()
sys.exit(3)
"""


def _conformance(*extra: str) -> Callable[[str, Path, dict[str, str]], Shown]:
    def run(payload: str, tmp: Path, env: dict[str, str]) -> Shown:
        import sys

        adapter = tmp / "adapter.py"
        adapter.write_text(textwrap.dedent(HOSTILE_ADAPTER).format(payload=json.dumps(payload)), encoding="utf-8")
        return run_on_pty([*CLI, "conformance", "--exec", f'"{sys.executable}" "{adapter}"', "--case",
                           "core/mail", "--case", "alura/text-hello", *extra], env=env)
    return run


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _send_hostile_requests(port: int, payload: str) -> None:
    """Requests with the payload wherever a client can put it: path, query, a header, a body."""
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:  # wait for the server
        try:
            urllib.request.urlopen(base + "/api/v1/health", timeout=2).read()
            break
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    quoted = urllib.request.quote(payload.encode("utf-8", "surrogatepass"), safe="")
    body = json.dumps({"owner_address": payload, "side": payload}).encode()
    for method, path, data in (("GET", f"/api/v1/{quoted}?q={quoted}", None),
                               ("POST", "/api/v1/verify-signature", body), ("GET", f"/debug/assets/{quoted}", None)):
        request = urllib.request.Request(base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", "X-Note": "x" + quoted})
        try:
            urllib.request.urlopen(request, timeout=5).read()
        except urllib.error.HTTPError as exc:
            exc.read()
    # a raw request line with the payload's bytes where h11 will refuse them
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /" + payload.encode("utf-8", "surrogatepass") + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            sock.recv(4096)
        except OSError:
            pass


def _serve(log_format: str) -> Callable[[str, Path, dict[str, str]], Shown]:
    def run(payload: str, tmp: Path, env: dict[str, str]) -> Shown:
        port = _free_port()
        args = [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--log-format", log_format,
                "--log-level", "info", "--db", str(tmp / f"serve-{port}.sqlite3")]

        def during(proc: subprocess.Popen[bytes]) -> None:
            try:
                _send_hostile_requests(port, payload)
            finally:
                proc.send_signal(signal.SIGINT)

        return run_on_pty(args, env=env, during=during)
    return run


ORDER_BY_ADDRESS = ("--side", "bid", "--amount", "1000.0", "--price", "1.085", "--base", TOKEN_A, "--quote", TOKEN_B)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario("readable output", "check sera, a token symbol", _against("hostile-symbol", "check", "sera",
             *ORDER_BY_ADDRESS), ("fromAmount           1085000000  base units (= 1085.0 BBB", "toAmount",
                                  "result: accepted by both")),
    Scenario("readable output", "check sera, a verdict's code/field/detail", _against("hostile-verdict", "check",
             "sera", *SERA_ORDER), ("fromAmount           1085000000", "server: refused",
                            "result: DISAGREEMENT — the server refuses what the reference verifier accepts")),
    Scenario("readable output", "check sera, a 500 body on /config", _against("hostile-config-500", "check", "sera",
             *SERA_ORDER), ("-> 500: upstream failed: ", "[NETWORK_ERROR]")),
    Scenario("readable output", "check alura-login, a 401 body", _against("hostile-401", "check", "alura-login",
             "--trust-server-text"), ("text to sign (personal_sign, UTF-8):", "result: refused — HTTP 401:")),
    Scenario("readable output", "check alura-login, the login text", _against("hostile-text", "check", "alura-login"),
             ("text to sign (personal_sign, UTF-8):", "I agree", "[CHALLENGE_MISMATCH]")),
    Scenario("readable output", "alura login --challenge FILE", _saved_challenge(),
             ("[CHALLENGE_MISMATCH]", "part of it could be hidden or reordered")),
    Scenario("readable output", "alura login --challenge FILE --trust-server-text",
             _saved_challenge("--trust-server-text"), ('"message": "Welcome to Alura!', "to the terms.")),
    Scenario("--json", "check sera --json, a token symbol", _against("hostile-symbol", "check", "sera",
             *ORDER_BY_ADDRESS, "--json"), ('"accepted":true',), carries_payload=True),
    Scenario("--json", "check sera --json, a verdict", _against("hostile-verdict", "check", "sera", *SERA_ORDER,
             "--json"), ('"agree":false',), carries_payload=True),
    Scenario("--json", "check alura-login --json, a 401 body", _against("hostile-401", "check", "alura-login",
             "--trust-server-text", "--json"), ('"accepted":false',), carries_payload=True),
    Scenario("--json", "check alura-login --json, the login text", _against("hostile-text", "check", "alura-login",
             "--json"), ('"code":"CHALLENGE_MISMATCH"',)),
    Scenario("conformance report", "text: handshake, reason, adapter stderr", _conformance(),
             ("handshake: adapter", "error: refused a valid input with BAD", "adapter stderr: adapter error: ",
              "FAILED: 0 passed, 2 failed")),
    Scenario("conformance report", "--json", _conformance("--json"), ('"name":"adapter',), carries_payload=True),
    Scenario("server logs", "serve --log-format text", _serve("text"),
             ("GET (unknown) 404", "POST /api/v1/verify-signature 200")),
    Scenario("server logs", "serve --log-format json", _serve("json"),
             ('"path":"(unknown)","status":404', '"path":"/api/v1/verify-signature","status":200')),
)


def json_strings(value: object) -> list[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *json_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return []


def first_json(shown: Shown) -> object:
    """The first JSON line the command printed (stdout and stderr share the pty)."""
    for line in shown.raw.decode("utf-8", "surrogateescape").splitlines():
        if line.strip().startswith("{"):
            return json.loads(line)
    raise AssertionError("no JSON line in the output:\n" + shown.text)


__all__ = ["SCENARIOS", "Scenario", "first_json", "json_strings"]
