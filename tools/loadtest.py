#!/usr/bin/env python3
"""Load on the reference verifier: concurrent clients, bounded in requests and time, loopback only.

    python tools/loadtest.py                              # starts `eip712kit serve` itself, then drives it
    python tools/loadtest.py --clients 16 --orders 20000 --seconds 120
    python tools/loadtest.py --api http://127.0.0.1:8712/api/v1 --wallets 8
    python tools/loadtest.py --workers 2                  # the verifier it starts runs two processes

It signs everything before the clock starts, then sends it from ``--clients`` concurrent
connections (httpx, one connection per client) in two phases:

1. *mixed*: ``/verify-signature`` with valid orders and with broken ones (another amount after
   signing, a past expiration, a bad side), ``POST /api-keys`` creates — more than the 10-key
   limit per wallet, every body sent twice so that one copy is a replay —, signed lists,
   ``/api-keys/verify`` with wrong secrets and ``/health``;
2. *revoke*: every key that phase 1 created revoked through ``POST /api-keys/revoke`` or
   ``DELETE /api-keys`` (every body twice again), with lists in between.

Every answer is judged: a 5xx or a transport error is an error, and so is a wrong verdict (a
valid order refused, a broken one accepted or refused with another code). After phase 1 each
wallet must hold exactly 10 keys, no create body may have succeeded twice and every 409 must be
the replay of a body that succeeded; after phase 2 no wallet holds a key. The table gives, per
endpoint, the requests, requests per second, p50/p99 latency and the statuses; the exit code is
1 when anything was wrong.

Wallets are the accounts of the PUBLIC Hardhat/Anvil development mnemonic (no funds, published in
their documentation); nothing else is ever used. ``tests/test_load.py`` runs a small fixed run of
this in CI and signs with eth-account instead of the kit.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from eip712kit.client import SeraClient
from eip712kit.core.domain import Domain
from eip712kit.protocols import sera

HARDHAT_MNEMONIC = "test test test test test test test test test test test junk"  # PUBLIC development mnemonic
MAX_KEYS = sera.MAX_ACTIVE_API_KEYS
WINDOW_BUDGET = 280
"""Distinct signed timestamps per wallet and action: server time up to 280 s ahead, inside ±300 s."""

Signer = Callable[[dict[str, Any]], str]
"""Signs a typed-data document; returns the 0x-hex signature."""


@dataclass(frozen=True)
class Wallet:
    address: str
    sign: Signer


def hardhat_wallets(count: int) -> list[Wallet]:
    """The first ``count`` accounts of the PUBLIC development mnemonic, signing with eip712kit."""
    from eip712kit import sign_typed_data
    from eip712kit.core.keys import PrivateKey

    wallets = []
    for index in range(count):
        key = PrivateKey.from_mnemonic(HARDHAT_MNEMONIC, path=f"m/44'/60'/0'/0/{index}")
        wallets.append(Wallet(key.address, lambda doc, key=key: sign_typed_data(doc, key).to_hex()))
    return wallets


# --- what is sent and what the answer must be ---------------------------------------------------

@dataclass
class Call:
    """One request and the judge of its answer (``None`` when right, else what is wrong)."""

    endpoint: str
    method: str
    path: str
    judge: Callable[[int, Any], str | None]
    json: Any = None
    params: dict[str, str] | None = None
    wallet: str | None = None
    tag: str | None = None
    """Identifies a signed body: the copies of one body share it (replay accounting)."""


@dataclass
class Result:
    call: Call
    status: int | None
    seconds: float
    body: Any = None
    transport_error: str | None = None
    wrong: str | None = None


def expect(wanted: int, **fields: Any) -> Callable[[int, Any], str | None]:
    """Status ``wanted`` and a JSON object holding ``fields``."""
    def judge(got: int, body: Any) -> str | None:
        if got != wanted:
            return f"status {got}, expected {wanted}"
        for name, value in fields.items():
            if not isinstance(body, dict) or body.get(name) != value:
                return f"{name} is {body.get(name) if isinstance(body, dict) else body!r}, expected {value!r}"
        return None

    return judge


def one_of(*allowed: tuple[int, str | None]) -> Callable[[int, Any], str | None]:
    """Any of these (status, code) pairs; code None means a success without one."""
    def judge(got: int, body: Any) -> str | None:
        code = body.get("code") if isinstance(body, dict) else None
        if (got, code) not in allowed:
            return f"{got} {code}, expected one of {allowed}"
        return None

    return judge


def at_most_ten(got: int, body: Any) -> str | None:
    if got != 200:
        return f"status {got}, expected 200"
    if not isinstance(body, dict) or not 0 <= body.get("count", -1) <= MAX_KEYS:
        return f"a list of {body.get('count') if isinstance(body, dict) else body!r} keys, at most {MAX_KEYS} allowed"
    return None


@dataclass
class ServerState:
    domain: Domain
    executor_id: int
    now: int
    tokens: sera.TokenList
    base: sera.Token
    quote: sera.Token
    stamps: Counter[tuple[str, str]] = field(default_factory=Counter)

    def timestamp(self, wallet: Wallet, action: str) -> int:
        """A signed timestamp not used before for this wallet and action (a repeat would be a replay).

        They count up from server time, so each stays inside the ±300 s window for the next 300 s
        of the run, however late in it the request is sent.
        """
        n = self.stamps[(wallet.address, action)]
        if n >= WINDOW_BUDGET:
            raise ValueError(f"more than {WINDOW_BUDGET} signed {action!r} calls for one wallet: the window is "
                             "±300 s and each needs its own timestamp")
        self.stamps[(wallet.address, action)] += 1
        return self.now + n

    @classmethod
    def read(cls, api: str) -> ServerState:
        with SeraClient(api, timeout=10, retries=0) as client:
            tokens = sera.TokenList.from_response(client.tokens())
            markets = client.markets()
            market = (markets.get("markets") if isinstance(markets, dict) else markets)[0]
            return cls(sera.domain_from_config(client.config()), client.executor_id(), client.server_time(), tokens,
                       tokens.resolve(market["base_address"]), tokens.resolve(market["quote_address"]))


def signed_order(state: ServerState, wallet: Wallet, **changes: Any) -> dict[str, Any]:
    """A /verify-signature body for a fresh order, signed, with ``changes`` applied after signing."""
    built = sera.build_order(owner_address=wallet.address, side="bid", amount="1000.0", price="1.085",
                             from_address=state.base, to_address=state.quote, expiration=state.now + 86_400,
                             order_id=str(uuid.uuid4()), executor_id=state.executor_id, tokens=state.tokens)
    body: dict[str, Any] = built.with_signature(
        wallet.sign(built.message.to_typed_data(state.domain))).verify_signature_body()
    return {**body, **changes}


def signed_action(state: ServerState, wallet: Wallet, action: str, *, form: str = "body",
                  label: str | None = None) -> dict[str, Any]:
    prepared = sera.api_key_request(wallet.address, action, state.timestamp(wallet, action), form=form, label=label)
    fields: dict[str, Any] = prepared.with_signature(
        wallet.sign(prepared.message.to_typed_data(state.domain))).body()
    return fields


BROKEN_ORDERS: dict[str, tuple[dict[str, Any] | Callable[[ServerState], dict[str, Any]], str]] = {
    "amount changed after signing": ({"amount": "1000.5"}, "SIGNER_MISMATCH"),
    "expiration in the past": (lambda s: {"expiration": s.now - 10}, "EXPIRATION_PAST"),
    "side neither bid nor ask": ({"side": "buy"}, "INVALID_SIDE"),
    "truncated signature": ({"signature": "0x1234"}, "SIGNATURE_MALFORMED"),
}


def mixed_phase(state: ServerState, wallets: Sequence[Wallet], *, orders: int, creates_per_wallet: int,
                lists_per_wallet: int, rng: random.Random) -> list[Call]:
    """Phase 1: order verdicts, over-the-limit creates (each twice), lists, wrong secrets, health."""
    calls: list[Call] = []
    for index in range(orders):
        wallet = wallets[index % len(wallets)]
        if index % 2 == 0:
            calls.append(Call("POST /verify-signature (valid)", "POST", "verify-signature",
                              expect(200, valid=True, signer=wallet.address), json=signed_order(state, wallet)))
        else:
            name = list(BROKEN_ORDERS)[(index // 2) % len(BROKEN_ORDERS)]
            change, code = BROKEN_ORDERS[name]
            changes = change(state) if callable(change) else change
            calls.append(Call("POST /verify-signature (broken)", "POST", "verify-signature",
                              expect(200, valid=False, code=code), json=signed_order(state, wallet, **changes)))
    for wallet in wallets:
        for i in range(creates_per_wallet):
            body = signed_action(state, wallet, "create", label=f"load {i}")
            for _copy in range(2):
                calls.append(Call("POST /api-keys", "POST", "api-keys",
                                  one_of((201, None), (400, "API_KEY_LIMIT"), (409, "SIGNATURE_REPLAYED")),
                                  json=body, wallet=wallet.address, tag=f"{wallet.address} create {i}"))
        for i in range(lists_per_wallet):
            if i % 2:
                calls.append(Call("GET /api-keys", "GET", "api-keys", at_most_ten, wallet=wallet.address,
                                  params=signed_action(state, wallet, "list", form="query")))
            else:
                calls.append(Call("POST /api-keys/list", "POST", "api-keys/list", at_most_ten, wallet=wallet.address,
                                  json=signed_action(state, wallet, "list")))
        for i in range(lists_per_wallet):
            calls.append(Call("POST /api-keys/verify (wrong secret)", "POST", "api-keys/verify",
                              expect(401, detail="Invalid api_key or api_secret"),
                              json={"api_key": f"sera_{rng.getrandbits(128):032x}", "api_secret": f"wrong-{i}"}))
    for _ in range(max(1, orders // 10)):
        calls.append(Call("GET /health", "GET", "health", expect(200, status="ok")))
    rng.shuffle(calls)
    return calls


def revoke_phase(state: ServerState, wallets: Sequence[Wallet], keys: dict[str, list[str]], *, lists_per_wallet: int,
                 rng: random.Random) -> list[Call]:
    """Phase 2: every key revoked (each body twice, half by DELETE query), lists in between."""
    calls: list[Call] = []
    for wallet in wallets:
        for i, api_key in enumerate(keys.get(wallet.address, [])):
            action = "revoke_" + api_key
            judge = one_of((200, None), (409, "SIGNATURE_REPLAYED"))
            if i % 2:
                params = signed_action(state, wallet, action, form="query")
                copies = [Call("DELETE /api-keys", "DELETE", "api-keys", judge, params=params, wallet=wallet.address,
                               tag=f"{wallet.address} {action}") for _ in range(2)]
            else:
                body = signed_action(state, wallet, action)
                copies = [Call("POST /api-keys/revoke", "POST", "api-keys/revoke", judge, json=body,
                               wallet=wallet.address, tag=f"{wallet.address} {action}") for _ in range(2)]
            calls.extend(copies)
        for _ in range(lists_per_wallet):
            calls.append(Call("POST /api-keys/list", "POST", "api-keys/list", at_most_ten, wallet=wallet.address,
                              json=signed_action(state, wallet, "list")))
    rng.shuffle(calls)
    return calls


# --- the driver ---------------------------------------------------------------------------------

@dataclass
class Run:
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0
    unsent: int = 0


def drive(api: str, calls: Sequence[Call], *, clients: int, seconds: float, timeout: float = 10.0) -> Run:
    """Send ``calls`` from ``clients`` concurrent connections until done or ``seconds`` are up."""
    return asyncio.run(_drive(api, list(calls), clients, seconds, timeout))


async def _drive(api: str, calls: list[Call], clients: int, seconds: float, timeout: float) -> Run:
    queue: asyncio.Queue[Call] = asyncio.Queue()
    for call in calls:
        queue.put_nowait(call)
    run = Run()
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        async with httpx.AsyncClient(base_url=api.rstrip("/") + "/", timeout=timeout,
                                     limits=httpx.Limits(max_connections=1)) as http:
            while time.perf_counter() < deadline:
                try:
                    call = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                run.results.append(await _send(http, call))

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    run.seconds = time.perf_counter() - started
    run.unsent = queue.qsize()
    return run


async def _send(http: httpx.AsyncClient, call: Call) -> Result:
    started = time.perf_counter()
    try:
        response = await http.request(call.method, call.path, json=call.json, params=call.params)
    except httpx.HTTPError as exc:
        return Result(call, None, time.perf_counter() - started, transport_error=f"{type(exc).__name__}: {exc}")
    elapsed = time.perf_counter() - started
    try:
        body = response.json()
    except ValueError:
        return Result(call, response.status_code, elapsed, response.text[:200], wrong="the answer is not JSON")
    wrong = call.judge(response.status_code, body)
    if response.status_code >= 500:
        wrong = wrong or f"server error {response.status_code}"
    return Result(call, response.status_code, elapsed, body, wrong=wrong)


# --- what the state must be after each phase ----------------------------------------------------

def created_keys(run: Run) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = defaultdict(list)
    for result in run.results:
        if result.call.endpoint == "POST /api-keys" and result.status == 201 and result.call.wallet:
            keys[result.call.wallet].append(result.body["api_key"])
    return keys


def replay_problems(run: Run, success: int) -> list[str]:
    """Copies of one signed body: at most one ``success``, and a 409 only beside that success."""
    by_tag: dict[str, list[int | None]] = defaultdict(list)
    for result in run.results:
        if result.call.tag is not None:
            by_tag[result.call.tag].append(result.status)
    problems = []
    for tag, statuses in by_tag.items():
        if statuses.count(success) > 1:
            problems.append(f"{tag}: accepted {statuses.count(success)} times (a replay got through)")
        if 409 in statuses and success not in statuses:
            problems.append(f"{tag}: refused as a replay of a body that never succeeded ({statuses})")
    return problems


def limit_problems(wallets: Sequence[Wallet], keys: dict[str, list[str]], creates_per_wallet: int) -> list[str]:
    expected = min(MAX_KEYS, creates_per_wallet)
    return [f"{w.address}: {len(keys.get(w.address, []))} keys created, expected exactly {expected}"
            for w in wallets if len(keys.get(w.address, [])) != expected or
            len(set(keys.get(w.address, []))) != len(keys.get(w.address, []))]


def active_keys(api: str, state: ServerState, wallet: Wallet) -> list[str]:
    """The wallet's active keys, as a signed list reads them."""
    body = signed_action(state, wallet, "list")
    answer = httpx.post(api.rstrip("/") + "/api-keys/list", json=body, timeout=10)
    answer.raise_for_status()
    return [k["api_key"] for k in answer.json()["api_keys"]]


# --- the report ---------------------------------------------------------------------------------

@dataclass
class Row:
    endpoint: str
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int]
    errors: int
    wrong: int


def table(run: Run) -> list[Row]:
    by_endpoint: dict[str, list[Result]] = defaultdict(list)
    for result in run.results:
        by_endpoint[result.call.endpoint].append(result)
    rows = []
    for endpoint in sorted(by_endpoint):
        results = by_endpoint[endpoint]
        rows.append(_row(endpoint, results, run.seconds))
    rows.append(_row("all", run.results, run.seconds))
    return rows


def _row(endpoint: str, results: list[Result], seconds: float) -> Row:
    latencies = sorted(r.seconds * 1000 for r in results)
    statuses = Counter(str(r.status) if r.status is not None else "transport error" for r in results)
    return Row(endpoint, len(results), len(results) / seconds if seconds else 0.0,
               statistics.median(latencies) if latencies else 0.0,
               latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0,
               dict(sorted(statuses.items())), sum(r.transport_error is not None or (r.status or 0) >= 500
                                                   for r in results),
               sum(r.wrong is not None for r in results))


def render(title: str, run: Run) -> str:
    lines = [f"{title}: {len(run.results)} requests in {run.seconds:.2f} s"
             + (f" ({run.unsent} not sent: out of time)" if run.unsent else ""),
             f"{'endpoint':<36}{'requests':>9}{'rps':>9}{'p50 ms':>9}{'p99 ms':>9}  {'errors':>6} {'wrong':>6}"
             "  statuses"]
    for row in table(run):
        shown = ", ".join(f"{k}: {v}" for k, v in row.statuses.items())
        lines.append(f"{row.endpoint:<36}{row.requests:>9}{row.rps:>9.0f}{row.p50_ms:>9.1f}{row.p99_ms:>9.1f}  "
                     f"{row.errors:>6} {row.wrong:>6}  {shown}")
    for result in [r for r in run.results if r.wrong or r.transport_error][:10]:
        lines.append(f"  ! {result.call.endpoint}: {result.transport_error or result.wrong}")
    return "\n".join(lines)


# --- a whole run --------------------------------------------------------------------------------

@dataclass
class Outcome:
    mixed: Run
    revoke: Run
    problems: list[str]

    def report(self) -> str:
        parts = [render("phase 1, mixed", self.mixed), render("phase 2, revoke", self.revoke)]
        parts.append("invariants: " + ("hold (10-key limit, replay refusal, no key lost or left)" if not self.problems
                                       else "BROKEN\n" + "\n".join("  ! " + p for p in self.problems)))
        return "\n\n".join(parts)

    @property
    def ok(self) -> bool:
        return not self.problems and all(r.wrong is None and r.transport_error is None
                                         for run in (self.mixed, self.revoke) for r in run.results)


def load_test(api: str, wallets: Sequence[Wallet], *, clients: int = 12, orders: int = 200,
              creates_per_wallet: int = 14, lists_per_wallet: int = 10, seconds: float = 30.0,
              seed: int = 0) -> Outcome:
    """Both phases against ``api`` and every invariant checked; ``seconds`` bounds each phase.

    Everything signed carries a timestamp from the server time read at the start, so the whole run
    (signing included) must end within 300 s of it: keep ``2 * seconds`` well under that.
    """
    rng = random.Random(seed)
    state = ServerState.read(api)
    mixed = drive(api, mixed_phase(state, wallets, orders=orders, creates_per_wallet=creates_per_wallet,
                                   lists_per_wallet=lists_per_wallet, rng=rng), clients=clients, seconds=seconds)
    problems = replay_problems(mixed, 201)
    keys = created_keys(mixed)
    if not mixed.unsent:
        problems += limit_problems(wallets, keys, creates_per_wallet)
        for wallet in wallets:
            stored = active_keys(api, state, wallet)
            if sorted(stored) != sorted(keys.get(wallet.address, [])):
                problems.append(f"{wallet.address}: the server lists {len(stored)} keys, "
                                f"{len(keys.get(wallet.address, []))} were created")
    revoke = drive(api, revoke_phase(state, wallets, keys, lists_per_wallet=lists_per_wallet, rng=rng),
                   clients=clients, seconds=seconds)
    problems += replay_problems(revoke, 200)
    if not revoke.unsent:
        for wallet in wallets:
            left = active_keys(api, state, wallet)
            if left:
                problems.append(f"{wallet.address}: {len(left)} keys still active after every one was revoked")
    return Outcome(mixed, revoke, problems)


# --- running a server of our own ----------------------------------------------------------------

class LocalVerifier:
    """``eip712kit serve`` on a free loopback port with its SQLite file in a temporary directory."""

    def __init__(self, workers: int = 1) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="eip712kit-load-")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "eip712kit", "serve", "--host", "127.0.0.1", "--port", "0",
             "--db", str(Path(self._dir.name) / "state.sqlite3"), "--workers", str(workers)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = re.search(r"listening on (http://\S+/api/v1)", line)
        if not match:
            self.stop()
            raise SystemExit(f"eip712kit serve did not start: {line}")
        self.api = match.group(1)
        self.log: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self._dir.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--api", help="A running verifier (URL with /api/v1); default: start one on loopback.")
    parser.add_argument("--clients", type=int, default=12, help="Concurrent connections [12].")
    parser.add_argument("--orders", type=int, default=2000, help="/verify-signature requests, half broken [2000].")
    parser.add_argument("--wallets", type=int, default=4, help="Development wallets [4].")
    parser.add_argument("--creates", type=int, default=14, help="Create bodies per wallet, each sent twice [14].")
    parser.add_argument("--lists", type=int, default=20, help="Signed lists (and wrong-secret checks) per wallet [20].")
    parser.add_argument("--seconds", type=float, default=60.0, help="Time bound of each phase [60].")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1,
                        help="Worker processes of the verifier this tool starts (serve --workers) [1].")
    parser.add_argument("--json", action="store_true", help="Print the tables as JSON.")
    args = parser.parse_args(argv)
    if args.creates > WINDOW_BUDGET or 2 * args.lists + 2 > WINDOW_BUDGET or args.seconds > 120:
        parser.error(f"--creates and 2 × --lists stay under {WINDOW_BUDGET} and --seconds at most 120: every signed "
                     "call needs its own timestamp inside the ±300 s window, for the whole run")
    server = None if args.api else LocalVerifier(args.workers)
    api = args.api or (server.api if server else "")
    try:
        wallets = hardhat_wallets(args.wallets)
        outcome = load_test(api, wallets, clients=args.clients, orders=args.orders, creates_per_wallet=args.creates,
                            lists_per_wallet=args.lists, seconds=args.seconds, seed=args.seed)
    finally:
        if server is not None:
            server.stop()
    if args.json:
        print(json.dumps({"mixed": [dataclasses.asdict(r) for r in table(outcome.mixed)],
                          "revoke": [dataclasses.asdict(r) for r in table(outcome.revoke)],
                          "problems": outcome.problems, "ok": outcome.ok}, indent=2))
    else:
        print(outcome.report())
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
