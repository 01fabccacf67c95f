"""Run the installed ``eip712kit`` console script as a user would, in a clean environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Protocol

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


def assert_no_key_material(*texts: str) -> None:
    """No development private key appears, in any case, with or without 0x."""
    for key, _address in DEV_KEYS:
        bare = key[2:]
        for text in texts:
            assert bare.lower() not in text.lower(), "a private key leaked into the output"


__all__ = ["COMMAND", "Runner", "assert_no_key_material", "clean_env", "run"]
