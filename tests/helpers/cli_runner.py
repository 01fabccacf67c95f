"""Run the installed ``eip712kit`` console script as a user would, in a clean environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from click.testing import CliRunner

from tests.helpers.devkeys import DEV_KEYS

_beside_python = shutil.which("eip712kit", path=str(Path(sys.executable).parent))
COMMAND: list[str] = [_beside_python] if _beside_python else [sys.executable, "-m", "eip712kit"]


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without any EIP712KIT_* variable, plus ``extra``.

    Except ``EIP712KIT_KECCAK``: a run forced onto one keccak binding (CI runs the suite under the
    fallback) forces its subprocesses too.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("EIP712KIT_") or k == "EIP712KIT_KECCAK"}
    env.update(extra)
    return env


class Runner(Protocol):
    """The type of :func:`run`, for the ``cli`` fixture's users."""

    def __call__(self, *args: str, input: str | bytes | None = None, env: dict[str, str] | None = None,
                 timeout: float = 60) -> subprocess.CompletedProcess[str]: ...


def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``eip712kit ARGS…``; stdout and stderr captured as text."""
    data = input.decode() if isinstance(input, bytes) else input
    return subprocess.run([*COMMAND, *args], input=data, capture_output=True, text=True,
                          env=env if env is not None else clean_env(), timeout=timeout)


@dataclass
class InProcess:
    """What :func:`invoke` saw: the exit code, stdout, stderr, and both as a terminal shows them."""

    exit_code: int
    stdout: str
    stderr: str
    output: str


def invoke(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> InProcess:
    """``eip712kit ARGS…`` in this process, through :func:`eip712kit.cli.run` as the console script goes:
    the same refusals, output and exit codes as :func:`run`, without a subprocess's start-up.

    ``EIP712KIT_DEBUG=1`` is set, so a bug raises its own traceback here instead of exit 70.
    """
    from eip712kit.cli import run as run_cli

    with CliRunner().isolation(input=input, env={"EIP712KIT_DEBUG": "1", **(env or {})}) as (out, err, mixed):
        code = run_cli(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        return InProcess(code, out.getvalue().decode(), err.getvalue().decode(), mixed.getvalue().decode())


def assert_no_key_material(*texts: str) -> None:
    """No development private key appears, in any case, with or without 0x."""
    for key, _address in DEV_KEYS:
        bare = key[2:]
        for text in texts:
            assert bare.lower() not in text.lower(), "a private key leaked into the output"


__all__ = ["COMMAND", "InProcess", "Runner", "assert_no_key_material", "clean_env", "invoke", "run"]
