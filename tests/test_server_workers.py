"""``eip712kit serve --workers N``: N processes on one port, one store, one stop, no orphan.

The rules that must hold across workers (a replayed signature refused, at most 10 keys a wallet) are
driven under concurrent load by ``tests/test_load.py`` with ``--workers 2``; here, the processes.
Linux only where the test reads the process tree from ``/proc``.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.helpers.cli_runner import Runner
from tests.helpers.verifier_process import VerifierProcess

needs_proc = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from /proc")

BOUND = 30.0
"""Seconds a wait may take before the test gives up: a bound against a hang, not a speed requirement."""


def children(pid: int) -> set[int]:
    try:
        return {int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has stopped; only its exit status is left


def wait_until(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_workers_need_a_file_to_share(cli: Runner) -> None:
    refused = cli("serve", "--port", "0", "--workers", "2")
    assert refused.returncode == 2
    assert "give --db FILE" in refused.stderr and "Traceback" not in refused.stderr


@needs_proc
def test_two_workers_answer_and_stop_together(tmp_path: Path) -> None:
    verifier = VerifierProcess(tmp_path / "state.sqlite3", "--workers", "2")
    try:
        parent = verifier.process.pid
        assert wait_until(lambda: len(children(parent)) == 2)
        workers = children(parent)
        assert wait_until(lambda: all(os.getpgid(pid) == pid for pid in workers))  # Ctrl-C: the parent only
        for _ in range(20):
            assert httpx.get(verifier.api + "/health", timeout=10).json()["status"] == "ok"
    finally:
        verifier.stop()
    assert verifier.process.returncode == 130  # interrupted, as a single server
    assert wait_until(lambda: not any(alive(pid) for pid in workers))


@needs_proc
def test_a_worker_that_dies_is_replaced(tmp_path: Path) -> None:
    with VerifierProcess(tmp_path / "state.sqlite3", "--workers", "2") as verifier:
        parent = verifier.process.pid
        assert wait_until(lambda: len(children(parent)) == 2)
        victim = min(children(parent))
        os.kill(victim, signal.SIGKILL)
        assert wait_until(lambda: len(children(parent)) == 2 and victim not in children(parent))
        assert httpx.get(verifier.api + "/health", timeout=10).status_code == 200
    assert f"worker {victim} was killed by SIGKILL; starting another" in verifier.stderr


@needs_proc
def test_the_workers_of_a_killed_parent_stop(tmp_path: Path) -> None:
    """SIGKILL leaves no supervisor to stop them: each notices and stops itself, freeing the port."""
    verifier = VerifierProcess(tmp_path / "state.sqlite3", "--workers", "2")
    parent = verifier.process.pid
    assert wait_until(lambda: len(children(parent)) == 2)
    workers = children(parent)
    verifier.kill()
    assert wait_until(lambda: not any(alive(pid) for pid in workers))
    with pytest.raises(httpx.TransportError):
        httpx.get(verifier.api + "/health", timeout=5)
