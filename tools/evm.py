"""The EVM from Python: Solidity compiled by solc-js and run on a private anvil, through tools/node/evm.mjs.

    with Evm() as evm:
        values = evm.run(harness_source(document), ["digest", "domainSeparator"])

One node process serves every request (JSON lines); it starts anvil on a free port on first use and
stops it when its stdin closes. Needs ``cd tools/node && npm ci`` (solc, @foundry-rs/anvil, ethers):
:func:`unavailable` says why not, for a test's skip reason or an adapter's refusal.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "tools" / "node"
SERVICE = NODE_DIR / "evm.mjs"
NEEDED = ("solc", "ethers", "@foundry-rs/anvil")


class EvmError(Exception):
    """The service refused a request: ``code`` is COMPILE_ERROR, DEPLOY_FAILED, CALL_FAILED, BAD_REQUEST..."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def unavailable() -> str | None:
    """Why the EVM cannot be used here (no node, or node_modules not installed), or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    missing = [p for p in NEEDED if not (NODE_DIR / "node_modules" / p).is_dir()]
    if missing:
        return f"tools/node/node_modules lacks {', '.join(missing)}: run cd tools/node && npm ci"
    return None


Call = str | tuple[str, Sequence[Any]]
"""A function to call: its name, or its name and arguments."""


class Evm:
    """One tools/node/evm.mjs process: :meth:`run` compiles, deploys and calls; close() stops it and anvil."""

    def __init__(self, timeout: float = 120.0):
        reason = unavailable()
        if reason:
            raise EvmError("UNAVAILABLE", reason)
        self._proc = subprocess.Popen(["node", str(SERVICE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, cwd=str(NODE_DIR))
        self._next = 0
        self.timeout = timeout
        self.last_warnings: list[str] = []
        self.solc = ""

    def run(self, source: str, calls: Sequence[Call], contract: str = "Eip712KitCheck") -> dict[str, Any]:
        """Compile ``source``, deploy ``contract`` and return ``{function: value}`` of each call."""
        self._next += 1
        request = {"id": self._next, "source": source, "contract": contract,
                   "calls": [{"name": c} if isinstance(c, str) else {"name": c[0], "args": list(c[1])}
                             for c in calls]}
        stdin, stdout = self._streams()
        stdin.write((json.dumps(request) + "\n").encode("utf-8"))
        stdin.flush()
        line = stdout.readline()
        if not line:
            err = self._proc.stderr.read().decode("utf-8", "replace")[-2000:] if self._proc.stderr else ""
            raise EvmError("SERVICE_ERROR", f"tools/node/evm.mjs stopped: {err.strip() or 'no message'}")
        answer = json.loads(line)
        if "error" in answer:
            raise EvmError(answer["error"]["code"], answer["error"]["message"])
        self.last_warnings = answer.get("warnings", [])
        self.solc = answer.get("solc", "")
        result: dict[str, Any] = answer["result"]
        return result

    def _streams(self) -> tuple[IO[bytes], IO[bytes]]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        return self._proc.stdin, self._proc.stdout

    def close(self) -> None:
        if self._proc.poll() is None:
            try:
                if self._proc.stdin:
                    self._proc.stdin.close()
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()

    def __enter__(self) -> Evm:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
