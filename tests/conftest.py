"""Fixtures shared by the test modules: what has setup, teardown or state is handed to a test, not imported.

Values needed while a module is imported (strategies in ``@given``, the PUBLIC development keys in a
``parametrize`` list, reference functions) are imported from :mod:`tests.helpers` instead; the rule
is written down in CONTRIBUTING.md.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from tests.helpers import cli_runner
from tests.helpers.devkeys import DEV_KEYS, DevKey
from tests.helpers.verifier_process import VerifierProcess

# A shell starts a background job (`pytest &`, nohup, some CI runners) with SIGINT ignored, and an
# ignored signal stays ignored across exec: every server the tests start and then stop with Ctrl-C
# would ignore it too. A handler is reset to the default on exec, so installing Python's own here
# gives each child the disposition an interactive user's process has.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker more than the cores, at most eight.

    Much of the suite waits rather than computes (a CLI subprocess starting, a server's deadline
    running out, a browser loading a page), so one extra worker keeps every core busy: on two cores
    three workers finish the default run in less time than two.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores + 1, 8)


@pytest.fixture(scope="session")
def cli() -> cli_runner.Runner:
    """Runs the installed ``eip712kit`` script as a user would: ``cli("hash", path, input=..., env=...)``.

    Session-scoped because it holds no state: every call is a fresh process in a clean environment
    (no ``EIP712KIT_*`` variable unless ``env`` sets one).
    """
    return cli_runner.run


@pytest.fixture(scope="session")
def dev_key() -> DevKey:
    """PUBLIC development key #0 (Hardhat/Anvil) and its address; session-scoped, so hypothesis tests may use it."""
    return DEV_KEYS[0]


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VerifierProcess]:
    """One ``eip712kit serve`` process per test module, with its SQLite state in a fresh directory."""
    with VerifierProcess(tmp_path_factory.mktemp("verifier") / "state.sqlite3") as process:
        yield process
