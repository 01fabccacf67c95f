#!/usr/bin/env python3
"""The verifier against its framework: ``eip712kit serve`` beside a bare Starlette JSON echo, same run.

    python tools/bench_server.py                       # 3 turns of 5 s each, 10 connections (wrk)
    python tools/bench_server.py --seconds 10 --turns 5 --connections 10
    python tools/bench_server.py --workers 2           # both servers with two worker processes
    python tools/bench_server.py --in-process          # no sockets, no wrk: the CPU cost of each stack
    python tools/bench_server.py --in-process --profile verify.prof   # and cProfile's view of a verify

It starts two servers on loopback, each one process unless ``--workers``: ``eip712kit serve`` (as a
user runs it: the guard, the access log, the SQLite store in a temporary file) and a bare Starlette
app on the same uvicorn (``--bare``, below: ``POST /echo`` answers the JSON body it was sent, ``GET
/health`` a constant object). Then ``wrk`` (Debian: ``apt-get install wrk``) drives them in turns —
our ``POST /verify-signature`` with one valid signed order, the echo with that same body, our
``GET /health``, the bare one — so that a slow spell of a shared machine falls on both sides alike.
Each rate is the best of the turns; the ratios are what the table reports, the targets beside them:
``/verify-signature`` at least 0.6 of the echo (the check itself — the Sera rules and one
libsecp256k1 recovery — costs 55 µs of one core in a loop and about 80 µs between the server's other
work, which the echo does not do).

``--in-process`` drives the same two stacks without a socket: each server's HTTP protocol exactly as
uvicorn makes it (for ``serve``, wrapped in the guard, under the access log), fed one request after
another on one kept-alive connection through an in-memory transport, so the figures leave out the
kernel, ``wrk`` and the other processes a shared machine runs. It reports CPU µs per request and the
same ratios, steadier from run to run than ``wrk``'s but without the system's share (about 30 µs a
request here, the same for both servers); ``--profile FILE`` writes cProfile's statistics of the
``/verify-signature`` run (``python -m pstats FILE``).

The order is signed with the PUBLIC development mnemonic's account #0 (tools/loadtest.py). Every
answer is checked before the clock starts (valid, the signer), and wrk's count of non-2xx answers
must be 0. Beside each rate, the server's CPU time per request (Linux ``/proc``; the least of the
turns): on a machine others are loading, the rates swing with their load, the CPU cost much less,
and the ratio of the costs says where the target would land on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = 0.6
"""``/verify-signature`` against the bare echo, one worker each (issue 20)."""

_LISTENING = re.compile(r"listening on (http://\S+?)(/api/v1)?[\s,]")


# --- the bare app ---------------------------------------------------------------------------------

def bare_app() -> Any:
    """The framework alone: Starlette routing a JSON body back, and a constant health answer."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    async def echo(request: Request) -> Response:
        return JSONResponse(await request.json())

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[Route("/echo", echo, methods=["POST"]), Route("/health", health)])


def serve_bare(host: str, port: int, workers: int) -> None:
    """Run :func:`bare_app` on uvicorn (its defaults; the socket made as ``eip712kit serve`` makes it).

    With ``workers``, forked on the one socket as ``serve --workers`` forks (the same supervisor).
    """
    import uvicorn

    from eip712kit.server.runner import listen
    from eip712kit.server.workers import run_workers

    sock = listen(host, port)
    print(f"bare starlette listening on http://{host}:{sock.getsockname()[1]} ", flush=True)

    def serve_one() -> None:
        config = uvicorn.Config(bare_app(), log_level="warning", access_log=False, lifespan="off")
        uvicorn.Server(config).run(sockets=[sock])

    if workers > 1:
        run_workers(workers, serve_one)
    else:
        serve_one()


# --- the servers, running ---------------------------------------------------------------------------

@dataclass
class Running:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the server and its worker processes so far (Linux /proc), else 0."""
        return sum(_cpu_seconds(pid) for pid in [self.pid, *_children(self.pid)])


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]


@contextmanager
def server(command: list[str]) -> Iterator[Running]:
    """Start ``command``, wait for its "listening on URL" line, yield it running; stop it after."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = _LISTENING.search(line + " ")
        if not match:
            error = process.stderr.read() if process.stderr else ""
            raise SystemExit(f"{' '.join(command)} did not start: {line}{error}")
        threading.Thread(target=process.stdout.read, daemon=True).start()
        threading.Thread(target=process.stderr.read if process.stderr else (lambda: None), daemon=True).start()
        yield Running(match.group(1), process.pid)
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- in process -----------------------------------------------------------------------------------

class _MemoryTransport(asyncio.Transport):
    """A connection's transport in memory: what the server writes is kept, the peer is loopback."""

    def __init__(self) -> None:
        super().__init__()
        self.written: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.written.append(bytes(data))

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 40000), "sockname": ("127.0.0.1", 8712)}.get(name, default)

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def abort(self) -> None:
        self.closing = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def is_reading(self) -> bool:
        return True

    def get_write_buffer_size(self) -> int:
        return 0

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        pass


def _request(method: str, path: str, body: bytes | None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:8712\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode("ascii") + b"\r\n" + (body or b"")


def drive(server: Any, request: bytes, count: int, profile: str | None = None) -> float:
    """CPU µs per request of ``count`` copies of ``request`` on one kept-alive connection to ``server``'s protocol."""
    import time

    from uvicorn.server import ServerState

    config = server.config
    loop = asyncio.new_event_loop()

    async def run() -> float:
        protocol = config.http_protocol_class(config=config, server_state=ServerState(), app_state={}, _loop=loop)
        transport = _MemoryTransport()
        protocol.connection_made(transport)

        async def one() -> bytes:
            transport.written.clear()
            protocol.data_received(request)
            for _ in range(1000):  # until the answer's head and body are out (or something is wrong)
                await asyncio.sleep(0)
                if len(transport.written) >= 2:
                    break
            return b"".join(transport.written)

        answer = await one()
        if not answer.startswith(b"HTTP/1.1 200 "):
            raise RuntimeError(f"the in-process server answered: {answer[:300]!r}")
        profiler = None
        if profile:
            import cProfile
            profiler = cProfile.Profile()
            profiler.enable()
        started = time.process_time()
        for _ in range(count):
            await one()
        spent = time.process_time() - started
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        return 1e6 * spent / count

    try:
        return loop.run_until_complete(run())
    finally:
        loop.close()


def measure_in_process(*, requests: int, turns: int, profile: str | None = None) -> dict[str, Any]:
    """The CPU cost per request of each stack, in process (see the module docstring); the least of the turns."""
    import logging.config
    import tempfile

    import uvicorn

    from eip712kit.server.app import create_app
    from eip712kit.server.logs import logging_config
    from eip712kit.server.runner import make_server
    from eip712kit.server.settings import ServerSettings
    from eip712kit.server.store import ApiKeyStore
    from tools.loadtest import ServerState, hardhat_wallets, signed_order

    settings = ServerSettings()
    market = settings.markets[0]
    (wallet,) = hardhat_wallets(1)
    state = ServerState(settings.domain, settings.executor_id, settings.now(), settings.tokens, market.base,
                        market.quote)
    body = json.dumps(signed_order(state, wallet)).encode()
    with tempfile.TemporaryDirectory(prefix="eip712kit-bench-") as tmp:
        store = ApiKeyStore(str(Path(tmp) / "state.sqlite3"))
        try:
            ours, _stats = make_server(create_app(settings, store))  # as ``serve`` makes it (the guard, the log)
            logging.config.dictConfig(logging_config("text", "warning"))
            bare_config = uvicorn.Config(bare_app(), log_level="warning", access_log=False, lifespan="off")
            bare_config.load()
            bare = uvicorn.Server(bare_config)
            targets = {
                "POST /verify-signature (eip712kit serve)": (ours, _request("POST", "/api/v1/verify-signature", body)),
                "POST /echo (bare Starlette)": (bare, _request("POST", "/echo", body)),
                "GET /health (eip712kit serve)": (ours, _request("GET", "/api/v1/health", None)),
                "GET /health (bare Starlette)": (bare, _request("GET", "/health", None)),
            }
            cpu: dict[str, list[float]] = {name: [] for name in targets}
            for turn in range(turns):
                for index, (name, (server, request)) in enumerate(targets.items()):
                    cpu[name].append(drive(server, request, requests,
                                           profile if index == 0 and turn == turns - 1 else None))
        finally:
            store.close()
    least = {name: min(values) for name, values in cpu.items()}
    names = list(targets)
    return {"cpu_us_per_request": cpu, "least_cpu_us_per_request": least,
            "verify_vs_echo_by_cpu": least[names[1]] / least[names[0]],
            "health_vs_bare_by_cpu": least[names[3]] / least[names[2]],
            "target": TARGET, "requests": requests, "turns": turns}


def render_in_process(result: dict[str, Any]) -> str:
    lines = [f"in process, one kept-alive connection, {result['requests']:,} requests a turn, {result['turns']} turns; "
             "least CPU µs per request (every turn)", ""]
    for name, least in result["least_cpu_us_per_request"].items():
        turns = ", ".join(f"{v:,.1f}" for v in result["cpu_us_per_request"][name])
        lines.append(f"  {name:<42} {least:>7,.1f}   ({turns})")
    lines += ["", f"  /verify-signature / bare echo, by CPU: {result['verify_vs_echo_by_cpu']:.2f}  "
                  "(no kernel share: wrk's ratio adds about 30 µs to both sides)",
              f"  /health / bare health, by CPU:         {result['health_vs_bare_by_cpu']:.2f}"]
    return "\n".join(lines)


# --- the load -------------------------------------------------------------------------------------

@dataclass
class Measured:
    name: str
    rate: float  # best requests per second over the turns
    rates: list[float]


def wrk(url: str, *, seconds: int, connections: int, body: str | None, script_dir: Path) -> tuple[float, int]:
    """Requests per second and requests of ``wrk`` on ``url`` (POST ``body`` as JSON when given); any non-2xx fails."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if body is not None:
        script = script_dir / "post.lua"
        script.write_text('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                          f"wrk.body = {json.dumps(body)}\n")
        command += ["-s", str(script)]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=False, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed on {url}: {done.stderr or done.stdout}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    errors = re.search(r"Socket errors: (.*)", done.stdout)
    if bad or errors:
        raise RuntimeError(f"{url}: {bad.group(0) if bad else ''} {errors.group(0) if errors else ''}".strip())
    rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    count = re.search(r"(\d+) requests in", done.stdout)
    if rate is None or count is None:
        raise RuntimeError(f"no rate in wrk's output: {done.stdout}")
    return float(rate.group(1)), int(count.group(1))


def signed_body(api: str) -> str:
    """One valid ``/verify-signature`` body for the server at ``api``, checked against it."""
    import httpx

    from tools.loadtest import ServerState, hardhat_wallets, signed_order

    state = ServerState.read(api)
    (wallet,) = hardhat_wallets(1)
    body = signed_order(state, wallet)
    answer = httpx.post(api + "/verify-signature", json=body, timeout=10).json()
    if answer.get("valid") is not True or answer.get("owner_address") != wallet.address:
        raise RuntimeError(f"the benchmark order is not valid on {api}: {answer}")
    return json.dumps(body)


def measure(*, seconds: int, turns: int, connections: int, workers: int) -> dict[str, Any]:
    import httpx

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    with tempfile.TemporaryDirectory(prefix="eip712kit-bench-") as tmp:
        ours_command = [sys.executable, "-m", "eip712kit", "serve", "--host", "127.0.0.1", "--port", "0",
                        "--db", str(Path(tmp) / "state.sqlite3")]
        if workers > 1:
            ours_command += ["--workers", str(workers)]
        bare_command = [sys.executable, __file__, "--bare", "--workers", str(workers)]
        with server(ours_command) as ours, server(bare_command) as bare:
            api = ours.url + "/api/v1"
            body = signed_body(api)
            echoed = httpx.post(bare.url + "/echo", content=body, headers={"Content-Type": "application/json"})
            assert echoed.json() == json.loads(body), "the bare echo does not answer its body"
            targets = {
                "POST /verify-signature (eip712kit serve)": (ours, api + "/verify-signature", body),
                "POST /echo (bare Starlette)": (bare, bare.url + "/echo", body),
                "GET /health (eip712kit serve)": (ours, api + "/health", None),
                "GET /health (bare Starlette)": (bare, bare.url + "/health", None),
            }
            rates: dict[str, list[float]] = {name: [] for name in targets}
            cpu: dict[str, list[float]] = {name: [] for name in targets}
            for _ in range(turns):
                for name, (running, url, payload) in targets.items():
                    before = running.cpu_seconds()
                    rate, count = wrk(url, seconds=seconds, connections=connections, body=payload,
                                      script_dir=Path(tmp))
                    rates[name].append(rate)
                    cpu[name].append(1e6 * (running.cpu_seconds() - before) / max(count, 1))
    best = {name: max(values) for name, values in rates.items()}
    least_cpu = {name: min(values) for name, values in cpu.items()}
    names = list(targets)
    return {
        "rates": rates,
        "best": best,
        "cpu_us_per_request": cpu,
        "least_cpu_us_per_request": least_cpu,
        "verify_vs_echo": best[names[0]] / best[names[1]],
        "health_vs_bare": best[names[2]] / best[names[3]],
        "verify_vs_echo_by_cpu": least_cpu[names[1]] / least_cpu[names[0]] if least_cpu[names[0]] else None,
        "target": TARGET,
        "seconds": seconds, "turns": turns, "connections": connections, "workers": workers,
    }


def render(result: dict[str, Any]) -> str:
    lines = [f"wrk -t1 -c{result['connections']}, {result['turns']} turns of {result['seconds']:g} s, "
             f"{result['workers']} worker(s) each; best requests/s (every turn)", ""]
    for name, best in result["best"].items():
        turns = ", ".join(f"{r:,.0f}" for r in result["rates"][name])
        cpu = result["least_cpu_us_per_request"][name]
        lines.append(f"  {name:<42} {best:>9,.0f}   ({turns});  server CPU {cpu:,.0f} µs/request")
    ratio = result["verify_vs_echo"]
    by_cpu = result["verify_vs_echo_by_cpu"]
    verdict = ("the target is for one worker; with more, which process accepts each connection varies, and so"
               " do the turns" if result["workers"] > 1
               else f"target >= {result['target']}: {'met' if ratio >= result['target'] else 'NOT met'}")
    lines += ["",
              f"  /verify-signature / bare echo: {ratio:.2f}  ({verdict})",
              "  the same by server CPU per request (steadier on a busy machine): "
              + (f"{by_cpu:.2f}" if by_cpu else "not measured (no /proc)"),
              f"  /health / bare health:         {result['health_vs_bare']:.2f}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/bench_server.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run, whole seconds [5]")
    parser.add_argument("--turns", type=int, default=3, help="turns over the four targets [3]")
    parser.add_argument("--connections", type=int, default=10, help="wrk's concurrent connections [10]")
    parser.add_argument("--workers", type=int, default=1, help="worker processes of each server [1]")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--bare", action="store_true", help="run only the bare Starlette app (what the tool starts)")
    parser.add_argument("--port", type=int, default=0, help="with --bare: the port [0: a free one]")
    parser.add_argument("--in-process", action="store_true",
                        help="drive both stacks in process, without sockets or wrk: CPU µs per request")
    parser.add_argument("--requests", type=int, default=5000, help="with --in-process: requests a turn [5000]")
    parser.add_argument("--profile", metavar="FILE",
                        help="with --in-process: write cProfile's statistics of the last /verify-signature turn")
    args = parser.parse_args(argv)
    if args.bare:
        serve_bare("127.0.0.1", args.port, args.workers)
        return 0
    if args.in_process:
        measured = measure_in_process(requests=args.requests, turns=args.turns, profile=args.profile)
        print(json.dumps(measured, indent=2) if args.json else render_in_process(measured))
        return 0
    result = measure(seconds=args.seconds, turns=args.turns, connections=args.connections, workers=args.workers)
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0 if result["workers"] > 1 or result["verify_vs_echo"] >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
