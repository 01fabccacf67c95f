"""Another program as a target (``--exec "COMMAND"``): a signer in any language, held to the same vectors.

The adapter is one long-running process that reads requests and writes responses as JSON lines on
stdin/stdout (``docs/vectors.md``, "The exec protocol"). This module owns that process: starting it,
timing each answer, and restarting it when it can no longer be trusted.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Mapping
from typing import IO, Any

from .runner import DEFAULT_TIMEOUT, AdapterFailure
from .vectors import wire_json


class ExecTarget:
    """One long-running adapter process speaking JSON lines on stdin/stdout.

    Requests are sent one at a time; each must be answered by one line, a JSON object with the same
    ``id``, within ``timeout`` seconds. A timeout, an exit or a line that is not the answer fails
    that case and the process is restarted for the next one (a hung adapter cannot be trusted to
    resynchronise); after ``max_restarts`` consecutive failures of that kind the rest of the run
    fails without starting it again. The adapter's stderr is kept (the last lines) for the report.
    """

    def __init__(self, command: str, *, timeout: float = DEFAULT_TIMEOUT, max_restarts: int = 3,
                 cwd: str | None = None, env: Mapping[str, str] | None = None):
        self.command = command
        self.name = f"exec: {command}"
        self.timeout = timeout
        self.max_restarts = max_restarts
        self._cwd = cwd
        self._env = dict(env) if env is not None else None
        self._proc: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=20)
        self._consecutive_failures = 0
        self.restarts = 0

    # -- process management --

    def _start(self) -> subprocess.Popen[bytes]:
        self._lines = queue.Queue()
        self._stderr = deque(maxlen=20)
        posix = os.name == "posix"
        try:
            # shell=True: the command is the user's own adapter command line, as in a CI step.
            proc = subprocess.Popen(
                self.command,
                shell=True,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=self._cwd,
                env=self._env,
                start_new_session=posix,
            )
        except OSError as exc:
            raise AdapterFailure(f"cannot start the adapter: {exc}") from None
        assert proc.stdout is not None and proc.stderr is not None
        lines = self._lines
        stderr = self._stderr

        def pump_stdout(stream: IO[bytes]) -> None:
            for line in iter(stream.readline, b""):
                lines.put(line)
            lines.put(None)

        def pump_stderr(stream: IO[bytes]) -> None:
            for line in iter(stream.readline, b""):
                stderr.append(line.decode("utf-8", "replace").rstrip())

        threading.Thread(target=pump_stdout, args=(proc.stdout,), daemon=True).start()
        threading.Thread(target=pump_stderr, args=(proc.stderr,), daemon=True).start()
        self._proc = proc
        return proc

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
        except OSError:
            pass
        if proc.poll() is None:
            try:
                if os.name == "posix":
                    os.killpg(proc.pid, signal.SIGKILL)
                else:  # pragma: no cover
                    proc.kill()
            except (ProcessLookupError, PermissionError):
                pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass

    def stderr_tail(self) -> list[str]:
        return list(self._stderr)

    def _fail(self, message: str) -> AdapterFailure:
        time.sleep(0.05)  # let the stderr pump catch the adapter's last words
        self._kill()
        self._consecutive_failures += 1
        tail = self.stderr_tail()
        if tail:
            message += "; adapter stderr (last lines): " + " | ".join(tail[-5:])
        return AdapterFailure(message)

    def handle(self, request: Mapping[str, Any]) -> dict[str, Any]:
        if self._consecutive_failures > self.max_restarts:
            raise AdapterFailure(
                f"the adapter failed {self._consecutive_failures} times in a row; not restarting it again"
            )
        proc = self._proc
        if proc is None or proc.poll() is not None:
            if proc is not None or self._consecutive_failures:
                self.restarts += 1
            proc = self._start()
        assert proc.stdin is not None
        try:
            proc.stdin.write(wire_json(request).encode("utf-8") + b"\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._fail(f"the adapter exited (status {proc.poll()}) before reading the request") from None
        deadline = time.monotonic() + self.timeout
        try:
            line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise self._fail(
                f"no response within {self.timeout:g} s (the adapter was stopped and will be restarted)"
            ) from None
        if line is None:
            try:
                status = proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                status = None
            raise self._fail(f"the adapter closed its stdout (exit status {status}) without answering")
        text = line.decode("utf-8", "replace").strip()
        try:
            response = json.loads(text)
        except ValueError:
            raise self._fail(f"the adapter answered with a line that is not JSON: {text[:120]!r}") from None
        if not isinstance(response, dict):
            raise self._fail(f"the adapter answered with JSON that is not an object: {text[:120]!r}")
        if response.get("id") != request.get("id"):
            raise self._fail(f"the adapter answered id {response.get('id')!r} to request {request.get('id')!r}")
        self._consecutive_failures = 0
        return response

    def close(self) -> None:
        proc = self._proc
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self._kill()

    def __enter__(self) -> ExecTarget:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = [
    "ExecTarget",
]
