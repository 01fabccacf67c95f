"""Fixtures shared by the test modules: what has setup, teardown or state is handed to a test, not imported.

Values needed while a module is imported (strategies in ``@given``, the PUBLIC development keys in a
``parametrize`` list, reference functions) are imported from :mod:`tests.helpers` instead; the rule
is written down in CONTRIBUTING.md.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import cli_runner
from tests.helpers.devkeys import DEV_KEYS, DevKey
from tests.helpers.verifier_process import VerifierProcess


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
