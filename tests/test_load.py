"""The reference verifier under concurrent load: no 5xx, no transport error, every rule still holds.

A real ``eip712kit serve`` subprocess (SQLite file, loopback only; one worker, then ``--workers 2``
sharing the file) is driven by
``tools/loadtest.py`` — 12 concurrent httpx connections, a fixed number of requests (120 orders by
default, 2,400 under ``pytest -m fuzz``), each phase bounded in time — with three PUBLIC development
wallets that sign with eth-account (not with the kit): valid and broken orders on
``/verify-signature``, more creates than the 10-key limit with every body sent twice, signed lists
by body and by query, wrong secrets, then every key revoked (again each body twice). Every answer is
judged (a valid order accepted as its signer's, a broken one refused with its code), and after each
phase the server's state is read back: exactly 10 keys per wallet, no signed body accepted twice,
every 409 the replay of a body that succeeded, no key left after the revokes. ``pytest -s -n 0`` prints
the table (requests, rps, p50/p99, statuses).

Longer runs: ``python tools/loadtest.py --orders 20000 --clients 16``.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data

from eip712kit.cli.serve import listen
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.verifier_process import VerifierProcess
from tools.loadtest import Outcome, Wallet, load_test, table

CLIENTS = 12
SECONDS = 100.0
"""A bound against a hang on each phase, not a speed requirement (the run takes seconds even on a busy
two-core machine); it stays well under the 300 s the signed timestamps are valid for."""


def eth_account_wallet(key: str, address: str) -> Wallet:
    """A PUBLIC development key that signs typed data with eth-account."""
    def sign(doc: dict[str, Any]) -> str:
        return "0x" + bytes(Account.sign_message(encode_typed_data(full_message=doc), key).signature).hex()

    return Wallet(address, sign)


WALLETS = [eth_account_wallet(key, address) for key, address in DEV_KEYS]  # PUBLIC development keys


@pytest.fixture(scope="module", params=[pytest.param(120, id="quick"),
                                        pytest.param(2400, id="full", marks=pytest.mark.fuzz)])
def orders(request: pytest.FixtureRequest) -> int:
    """Orders sent to ``/verify-signature``, half valid and half broken: 120 by default, 2400 under ``-m fuzz``."""
    value: int = request.param
    return value


@pytest.fixture(scope="module", params=[pytest.param(1, id="1-worker"), pytest.param(2, id="2-workers")])
def workers(request: pytest.FixtureRequest) -> int:
    """``serve --workers``: the rules must hold when two processes share the store as when one holds it."""
    value: int = request.param
    return value


@pytest.fixture(scope="module")
def outcome(orders: int, workers: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outcome]:
    """One load run per size and worker count, each against a fresh ``eip712kit serve`` (the limits are per wallet)."""
    with VerifierProcess(tmp_path_factory.mktemp("load") / "state.sqlite3", "--workers", str(workers)) as verifier:
        result = load_test(verifier.api, WALLETS, clients=CLIENTS, orders=orders, creates_per_wallet=13,
                           lists_per_wallet=8, seconds=SECONDS)
        print("\n" + result.report())
        yield result


def test_no_server_error_and_no_transport_error(outcome: Outcome, orders: int) -> None:
    for run in (outcome.mixed, outcome.revoke):
        assert run.unsent == 0, f"{run.unsent} requests not sent within {SECONDS} s"
        assert [r.transport_error for r in run.results if r.transport_error] == []
        assert [r.status for r in run.results if r.status is None or r.status >= 500] == []
    assert len(outcome.mixed.results) == orders + orders // 10 + 3 * (2 * 13 + 8 + 8)  # + health checks, key calls
    assert len(outcome.revoke.results) == 3 * (2 * 10 + 8)


def test_every_answer_is_the_right_one(outcome: Outcome, orders: int) -> None:
    wrong = [(r.call.endpoint, r.wrong) for run in (outcome.mixed, outcome.revoke) for r in run.results if r.wrong]
    assert wrong == []
    verdicts = [r for r in outcome.mixed.results if r.call.endpoint.startswith("POST /verify-signature")]
    assert sum(r.body["valid"] for r in verdicts) == orders // 2 and len(verdicts) == orders


def test_the_ten_key_limit_and_replay_refusal_hold_under_concurrency(outcome: Outcome) -> None:
    assert outcome.problems == []
    creates = [r for r in outcome.mixed.results if r.call.endpoint == "POST /api-keys"]
    statuses = sorted(r.status or 0 for r in creates)
    # Per wallet: 13 bodies, each sent twice — 10 accepted, their 10 copies refused as replays, and
    # the 3 over the limit refused both times (a refused create does not use up its signature).
    assert statuses == sorted([201] * 30 + [409] * 30 + [400] * 18)
    revokes = [r.status for r in outcome.revoke.results if "revoke" in r.call.endpoint or r.call.method == "DELETE"]
    assert sorted(revokes) == [200] * 30 + [409] * 30


def test_throughput_is_reported(outcome: Outcome) -> None:
    rows = {row.endpoint: row for row in table(outcome.mixed)}
    assert rows["all"].requests == len(outcome.mixed.results) and rows["all"].rps > 0
    assert rows["all"].errors == 0 and rows["all"].wrong == 0


@pytest.mark.parametrize(("proto", "nagle_off"), [(socket.IPPROTO_TCP, True), (0, False)], ids=["listen", "proto-0"])
def test_accepted_connections_turn_nagles_algorithm_off(proto: int, nagle_off: bool) -> None:
    """``eip712kit serve`` turns Nagle's algorithm off: without it every keep-alive answer took ~40 ms on Linux.

    Checked by the socket option, not by timing answers: asyncio (under uvicorn) sets TCP_NODELAY on
    the connections a listening socket accepts only when that socket's proto says TCP, which is what
    :func:`eip712kit.cli.serve.listen` makes. The proto-0 socket is the control: the option stays off.
    """
    if proto == socket.IPPROTO_TCP:
        sock = listen("127.0.0.1", 0)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)

    async def accepted_nodelay() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            seen.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(handle, sock=sock)
        async with server:
            _reader, writer = await asyncio.open_connection(*sock.getsockname()[:2])
            value = await asyncio.wait_for(seen, 60)  # a bound against a hang, not a speed requirement
            writer.close()
        return value

    assert (asyncio.run(accepted_nodelay()) != 0) is nagle_off
