"""``eip712kit serve --workers N``: N forked processes answering on one listening socket.

One Python process answers on one core; the order check is CPU work, so a second core needs a
second process. The parent makes the listening socket (``serve`` prints its address), then forks
the workers; each builds its own app and store and runs exactly what a single ``serve`` runs
(:func:`eip712kit.server.runner.run`: the guard, the access log, the graceful stop). The kernel
hands each new connection to one of the processes waiting on the socket.

What the workers share is the SQLite file (``--db``, required): every state change is one
``BEGIN IMMEDIATE`` transaction (:mod:`.store`), which SQLite serialises across processes as it
does across threads, so the replay refusal and the 10-key limit hold whichever worker answers.
``--max-connections`` is per worker.

The parent only supervises. A stop (Ctrl-C, SIGTERM) is passed to every worker as one SIGTERM —
the workers run in their own process group, so a terminal's Ctrl-C reaches the parent alone and no
worker sees two signals, which uvicorn would take for "stop now" — and the workers finish their
requests in flight (up to :data:`~.runner.SHUTDOWN_GRACE` seconds) before the parent exits. A
worker that dies on its own is replaced. A worker whose parent is gone (killed with SIGKILL) stops
itself within a second instead of holding the port.

POSIX only (fork); ``serve`` refuses ``--workers`` above 1 elsewhere.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

from .runner import SHUTDOWN_GRACE

log = logging.getLogger("eip712kit.server")

PARENT_CHECK = 0.5
"""Seconds between a worker's checks that its parent is still there."""
RESTART_PAUSE = 1.0
"""Seconds the parent waits before replacing a worker that died, so a worker failing at start does not spin."""

_STOPS = (signal.SIGINT, signal.SIGTERM)


def _watch_parent(parent: int) -> None:
    """In a worker: stop gracefully (SIGTERM to itself) once the parent is gone."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="eip712kit-parent-watch", daemon=True).start()


def _start(serve_one: Callable[[], None]) -> int:
    """Fork one worker running ``serve_one``; the worker's pid (in the parent)."""
    parent = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    # Stops are held back across the fork: a worker must not run the parent's handler (which
    # signals the workers) in the moment before it has its own.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    pid = os.fork()
    if pid:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        return pid
    code = 0
    try:
        os.setpgid(0, 0)  # its own process group: a terminal's Ctrl-C goes to the parent only
        for stop in _STOPS:
            signal.signal(stop, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        _watch_parent(parent)
        serve_one()
    except KeyboardInterrupt:  # uvicorn re-raises the signal that stopped it
        pass
    except BaseException:
        log.exception("a worker stopped on an error")
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)  # never return into the parent's code (its finally blocks, its atexit hooks)


def run_workers(count: int, serve_one: Callable[[], None]) -> int:
    """Run ``count`` workers until a stop; the signal that stopped them (SIGINT or SIGTERM).

    ``serve_one`` runs in each worker (forked from this process: it sees this process's memory as
    it was at the fork) and returns when the worker's server has stopped.
    """
    stop: list[int] = []
    workers: set[int] = set()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if not stop:
            stop.append(signum)
            for pid in workers:
                _signal(pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, on_signal) for sig in _STOPS}
    try:
        for _ in range(count):
            workers.add(_start(serve_one))
        deadline = None
        while workers:
            for pid in list(workers):
                done, status = os.waitpid(pid, os.WNOHANG)
                if not done:
                    continue
                workers.discard(pid)
                if not stop:
                    log.error("worker %d %s; starting another", pid, _ended(status))
                    time.sleep(RESTART_PAUSE)
                    if not stop:
                        workers.add(_start(serve_one))
            if stop and deadline is None:
                deadline = time.monotonic() + SHUTDOWN_GRACE + 5
            if deadline is not None and time.monotonic() > deadline:
                for pid in workers:
                    _signal(pid, signal.SIGKILL)
            time.sleep(0.05)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return stop[0] if stop else signal.SIGTERM


def _ended(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    return f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:  # already gone
        pass


__all__ = ["PARENT_CHECK", "RESTART_PAUSE", "run_workers"]
