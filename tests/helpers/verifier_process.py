"""Start ``eip712kit serve`` as a subprocess on 127.0.0.1 with a free port, and stop it."""

from __future__ import annotations

import re
import signal
import subprocess
import threading
from pathlib import Path

from tests.helpers.cli_runner import COMMAND, clean_env

_LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+/api/v1)")


class VerifierProcess:
    """``eip712kit serve --port 0``: the port is the one the server prints when it is ready."""

    def __init__(self, db: Path | None = None, *extra: str, env: dict[str, str] | None = None,
                 command: list[str] | None = None):
        """``command``: another install's ``eip712kit`` (to measure before a change); this one by default."""
        args = [*(command or COMMAND), "serve", "--host", "127.0.0.1", "--port", "0", *extra]
        if db is not None:
            args += ["--db", str(db)]
        self.stderr = ""
        """What the server wrote to stderr (its log), once it has stopped."""
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env=clean_env(**(env or {})))
        self.api = self._wait_for_url()

    def _wait_for_url(self, timeout: float = 20) -> str:
        found: list[str] = []

        def read() -> None:
            assert self.process.stdout is not None
            line = self.process.stdout.readline()
            match = _LISTENING.search(line)
            if match:
                found.append(match.group(1))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout)
        if not found:
            self.kill()
            stderr = self.process.stderr.read() if self.process.stderr else ""
            raise RuntimeError(f"eip712kit serve did not start: {stderr[-2000:]}")
        return found[0]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush — what a crash looks like."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self._close()

    def _close(self) -> None:
        if self.process.stderr is not None and not self.process.stderr.closed and self.process.poll() is not None:
            self.stderr = self.process.stderr.read()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> VerifierProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = ["VerifierProcess"]
