"""Another program as a target (``--exec "COMMAND"``): a signer in any language, held to the same vectors.

The adapter is one long-running process that reads requests and writes responses as JSON lines on
stdin/stdout (``docs/vectors.md``, "The exec protocol"). This module owns that process: starting it
in an environment without key material, timing each answer, and restarting it (and greeting it
again) when it can no longer be trusted.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from typing import IO, Any

from ..base.secrets import SECRET_NAME_MARKERS, SECRET_NAME_PARTS, holds_key_material, is_secret_name
from ..core.keys import DEFAULT_KEY_ENV
from ..protocols.trust import visible
from .runner import DEFAULT_TIMEOUT, HELLO, AdapterFailure, TargetUnusable
from .vectors import wire_json

SECRET_ENV_MARKERS: tuple[str, ...] = SECRET_NAME_MARKERS
"""An adapter never sees a variable whose name holds one of these (any case) or has one of
:data:`~eip712kit.base.secrets.SECRET_NAME_PARTS` as a part, nor one whose value holds key material
(32 bytes of hex, a phrase's words: :func:`~eip712kit.base.secrets.holds_key_material`), nor eip712kit's
own key variable, nor a name given with ``--scrub-env``: the signer under test gets its keys in the
requests (public development keys only), so key material in the runner's environment has no business there."""

MAX_LINE_BYTES = 8 * 1024 * 1024
"""Longest line read from an adapter: its answer to the largest case is a few hundred kilobytes. A longer
line fails the case as a protocol violation (the adapter is stopped), so it costs the runner this much at most
(a 300 MB line took it to 1 GB, an endless one to 3.8 GB)."""
MAX_STDERR_LINE = 4096
"""Characters kept of one line of the adapter's stderr (the rest of the line is read and dropped)."""


def is_secret_env(name: str, extra: Iterable[str] = (), value: str = "") -> bool:
    """Whether the variable ``name`` (holding ``value``) is kept from an adapter: by its name or by its value."""
    return name == DEFAULT_KEY_ENV or name in set(extra) or is_secret_name(name) or holds_key_material(value)


def adapter_environment(environ: Mapping[str, str], scrub: Iterable[str] = ()) -> dict[str, str]:
    """``environ`` without the variables :func:`is_secret_env` names: what the adapter process starts with."""
    extra = set(scrub)
    return {k: v for k, v in environ.items() if not is_secret_env(k, extra, v)}


def runner_environment() -> dict[str, str]:
    """This process's environment as another process of the same user can read it.

    ``os.environ``, and on Linux ``/proc/self/environ`` too: the environment the process started with,
    which still holds a variable that was deleted from ``os.environ`` since (a wrapper's ``del``, a test's
    ``monkeypatch.delenv``), and which an adapter can read as ``/proc/<runner>/environ``.
    """
    seen = dict(os.environ)
    try:
        with open("/proc/self/environ", "rb") as started:
            raw = started.read()
    except OSError:
        return seen
    for item in raw.split(b"\0"):
        name, sep, value = item.decode("utf-8", "replace").partition("=")
        if sep and name not in seen:
            seen[name] = value
    return seen


class KeysInEnvironment(TargetUnusable):
    """The runner's own environment holds key material an adapter could read: refused (bad usage, exit 2)."""

    def __init__(self, names: Iterable[str]):
        self.names = sorted(names)
        shown = ", ".join(self.names[:8]) + (f" and {len(self.names) - 8} more" if len(self.names) > 8 else "")
        super().__init__(
            f"this process's environment holds what looks like key material ({shown}). They are removed from the "
            "adapter's environment, but an adapter runs as your user and can read this process's own "
            "(/proc/<pid>/environ), and conformance never needs a key: unset them for this run (env -u NAME …), "
            "or pass --expose-env-keys-to-adapter if you trust this adapter with them")


def exposed_secrets(scrub: Iterable[str] = (), environ: Mapping[str, str] | None = None) -> list[str]:
    """The names of the secret variables (:func:`is_secret_env`, empty values aside) an adapter could read here."""
    extra = set(scrub)
    env = runner_environment() if environ is None else environ
    return sorted(k for k, v in env.items() if v.strip() and is_secret_env(k, extra, v))


_TELLING = r"(?i)error|not found|cannot|denied|no such"
_TOO_LONG = b""
"""Put in the line queue by the reader when a line passes :data:`MAX_LINE_BYTES` (a real line is never empty)."""
_QUEUED_LINES = 64
"""Lines read ahead of the runner: an adapter that floods its stdout waits on the pipe, not on the runner's memory."""


class ExecTarget:
    """One long-running adapter process speaking JSON lines on stdin/stdout.

    Requests are sent one at a time; each must be answered by one line, a JSON object with the same
    ``id``, within ``timeout`` seconds. A timeout, an exit or a line that is not the answer fails
    that case and the process is restarted for the next one (a hung adapter cannot be trusted to
    resynchronise); after ``max_restarts`` consecutive failures of that kind the rest of the run
    fails without starting it again. The adapter's stderr is kept (the last lines) for the report.

    The process starts with ``env`` (default: this process's environment) less every key variable
    (:func:`adapter_environment`; ``scrub_env`` names more). While this process's own environment holds
    one (:func:`exposed_secrets`), the target is refused at once with :class:`KeysInEnvironment`, unless
    ``expose_env_keys`` says the user accepts that the adapter could read them. A restarted process is sent
    the handshake again before the next case, so an adapter may rely on being greeted first. Closing it
    ends its whole process group, the children it started included.
    """

    def __init__(self, command: str, *, timeout: float = DEFAULT_TIMEOUT, max_restarts: int = 3,
                 cwd: str | None = None, env: Mapping[str, str] | None = None, scrub_env: Iterable[str] = (),
                 expose_env_keys: bool = False):
        if not expose_env_keys:
            exposed = exposed_secrets(scrub_env)
            if exposed:
                raise KeysInEnvironment(exposed)
        self.command = command
        self.name = f"exec: {command}"
        self.timeout = timeout
        self.max_restarts = max_restarts
        self._cwd = cwd
        self._env = adapter_environment(env if env is not None else os.environ, scrub_env)
        self._hello: Mapping[str, Any] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[bytes | None] = queue.Queue(maxsize=_QUEUED_LINES)
        self._stderr: deque[str] = deque(maxlen=20)
        self._stopped = threading.Event()
        self._consecutive_failures = 0
        self.restarts = 0

    # -- process management --

    def _start(self) -> subprocess.Popen[bytes]:
        self._lines = queue.Queue(maxsize=_QUEUED_LINES)
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
        stopped = self._stopped = threading.Event()

        def put(line: bytes | None) -> bool:
            """Queue a line, waiting while the runner has enough ahead; False once the process was stopped."""
            while not stopped.is_set():
                try:
                    lines.put(line, timeout=0.2)
                    return True
                except queue.Full:
                    continue
            return False

        def pump_stdout(stream: IO[bytes]) -> None:
            while True:
                line = stream.readline(MAX_LINE_BYTES + 1)
                if not line:
                    break
                if len(line) > MAX_LINE_BYTES:  # the rest of the line is never read: the adapter is stopped
                    put(_TOO_LONG)
                    return
                if not put(line):
                    return
            put(None)

        def pump_stderr(stream: IO[bytes]) -> None:
            kept = b""
            while True:
                piece = stream.readline(MAX_STDERR_LINE)
                if not piece:
                    break
                if len(kept) < MAX_STDERR_LINE:
                    kept += piece[: MAX_STDERR_LINE - len(kept)]
                if piece.endswith(b"\n"):
                    stderr.append(kept.decode("utf-8", "replace").rstrip())
                    kept = b""
            if kept:
                stderr.append(kept.decode("utf-8", "replace").rstrip())

        threading.Thread(target=pump_stdout, args=(proc.stdout,), daemon=True).start()
        threading.Thread(target=pump_stderr, args=(proc.stderr,), daemon=True).start()
        self._proc = proc
        return proc

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        self._stopped.set()
        try:
            if proc.stdin:
                proc.stdin.close()
        except OSError:
            pass
        # The whole process group, even when the adapter itself has exited: what it started (a shell's
        # command, a forked worker) is in its group and would outlive the run otherwise. The group id is
        # the adapter's pid (start_new_session); it stays taken while any member lives.
        try:
            if os.name == "posix":
                os.killpg(proc.pid, signal.SIGKILL)
            elif proc.poll() is None:  # pragma: no cover
                proc.kill()
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass

    def stderr_tail(self) -> list[str]:
        return list(self._stderr)

    def _fail(self, message: str, status: int | None = None) -> AdapterFailure:
        time.sleep(0.05)  # let the stderr pump catch the adapter's last words
        self._kill()
        self._consecutive_failures += 1
        tail = [visible(line) for line in self.stderr_tail() if line.strip()]  # another program's words
        telling = [line.strip() for line in tail if re.search(_TELLING, line)]
        if telling:
            message += "; adapter stderr: " + " | ".join(telling[:2])
        elif tail:
            message += "; adapter stderr (last lines): " + " | ".join(tail[-5:])
        text = "\n".join(tail)
        if status == 127:
            message += " (the shell found no such command: check the --exec command line)"
        elif "Cannot find package" in text or "ModuleNotFoundError" in text:
            message += " (a package is missing: install the adapter's dependencies, e.g. cd tools/node && npm ci)"
        return AdapterFailure(message)

    def _exchange(self, proc: subprocess.Popen[bytes], request: Mapping[str, Any]) -> dict[str, Any]:
        """Send one request, read its one answer line, and check it is the answer to that request."""
        assert proc.stdin is not None
        try:
            proc.stdin.write(wire_json(request).encode("utf-8") + b"\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            status = self._status(proc)
            raise self._fail(f"the adapter exited (status {status}) before reading the request", status) from None
        deadline = time.monotonic() + self.timeout
        try:
            line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise self._fail(
                f"no response within {self.timeout:g} s (the adapter was stopped and will be restarted)"
            ) from None
        if line is None:
            status = self._status(proc)
            raise self._fail(f"the adapter closed its stdout (exit status {status}) without answering", status)
        if line == _TOO_LONG:
            raise self._fail(f"the adapter wrote a line longer than {MAX_LINE_BYTES:,} bytes, which no answer is "
                             "(the rest was not read; the adapter was stopped and will be restarted)")
        text = line.decode("utf-8", "replace").strip()
        try:
            response = json.loads(text)
        except ValueError:
            raise self._fail(f"the adapter answered with a line that is not JSON: {text[:120]!r}") from None
        if not isinstance(response, dict):
            raise self._fail(f"the adapter answered with JSON that is not an object: {text[:120]!r}")
        if response.get("id") != request.get("id"):
            raise self._fail(f"the adapter answered id {response.get('id')!r} to request {request.get('id')!r}")
        return response

    @staticmethod
    def _status(proc: subprocess.Popen[bytes]) -> int | None:
        try:
            return proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return None

    def handle(self, request: Mapping[str, Any]) -> dict[str, Any]:
        if self._consecutive_failures > self.max_restarts:
            raise AdapterFailure(
                f"the adapter failed {self._consecutive_failures} times in a row; not restarting it again"
            )
        if request.get("op") == HELLO:
            self._hello = request
        proc = self._proc
        if proc is None or proc.poll() is not None:
            restarted = proc is not None or self._consecutive_failures > 0
            if restarted:
                self.restarts += 1
            proc = self._start()
            if restarted and self._hello is not None and request.get("op") != HELLO:
                self._exchange(proc, self._hello)  # greet the new process as the first one was
        response = self._exchange(proc, request)
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
    "MAX_LINE_BYTES",
    "SECRET_ENV_MARKERS",
    "SECRET_NAME_PARTS",
    "ExecTarget",
    "KeysInEnvironment",
    "adapter_environment",
    "exposed_secrets",
    "is_secret_env",
    "runner_environment",
]
