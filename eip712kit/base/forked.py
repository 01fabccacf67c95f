"""Worker processes forked from this one, each on its own pair of pipes: what ``--jobs`` and ``processes=`` run on.

A worker is forked, so it has this process's memory — a command's line handler and compiled schemas,
a batch's documents, ``sign_many``'s key — without anything being sent; only the work's bytes go
out and the answers' bytes come back. Each worker has its own two pipes, the request pipe enlarged
(where the system allows) to hold the work queued for it, so a worker that finishes one piece reads
the next from the kernel without waiting for this process to be given a core; this process drives
every pipe from one thread and never blocks on a worker (:func:`pump`).

That replaced ``multiprocessing.Pool``, measured on ``hash --jsonl --jobs 2`` (100,000 Sera
orders, 2 cores): its workers spent about a fifth of their time waiting for their next block — one
task pipe shared by every worker and read under a lock, fed 64 KiB at a time by a thread of the
parent that had to get a core beside two busy workers — and each block and answer was pickled on
its way.

A worker ignores Ctrl-C (this process stops it: :func:`forked`), closes every other worker's pipe
ends, and leaves with ``os._exit``: it never runs this process's exit handlers nor flushes its
output buffers. An exception in a worker comes back pickled and is raised here, in the place of the
answer it replaced (:meth:`Worker.take`). POSIX only (:data:`CAN_FORK`); a caller without fork runs
its work in this process.
"""

from __future__ import annotations

import contextlib
import gc
import os
import select
import signal
import struct
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO, TypeVar, cast

T = TypeVar("T")

CAN_FORK = hasattr(os, "fork")
"""Whether workers can be forked here (not on Windows)."""

PIPE_BYTES = 1 << 20
"""The request pipe's size asked for (Linux; 1 MiB is the most an unprivileged process gets by default)."""

_REQUEST = struct.Struct("<Q")  # payload length
_ANSWER = struct.Struct("<BQ")  # kind, payload length
_DATA, _FAILURE = 0, 1
_READ = PIPE_BYTES  # a full pipe in one read


class WorkerError(RuntimeError):
    """A worker process ended without answering (killed, or out of memory): nothing to re-raise."""


@dataclass(eq=False)
class Worker:
    """This process's side of one worker: its pid, its two pipe ends, what is queued each way."""

    pid: int
    request_fd: int
    answer_fd: int
    outbox: deque[memoryview] = field(default_factory=deque)
    inbox: bytearray = field(default_factory=bytearray)
    answers: deque[bytes | BaseException] = field(default_factory=deque)
    waiting: int = 0
    """Requests sent whose answers have not arrived."""
    failed: bool = False
    """The worker raised: its exception is its last answer, and it takes no more work."""

    def send(self, *parts: bytes) -> None:
        """Queue one request (its parts joined); :func:`pump` writes it when the pipe takes it."""
        if self.failed:  # the exception comes first, in its place: this is never answered
            return
        self.outbox.append(memoryview(_REQUEST.pack(sum(map(len, parts)))))
        self.outbox.extend(memoryview(part) for part in parts if part)
        self.waiting += 1

    def take(self) -> bytes:
        """The oldest answer that arrived (call :func:`pump` until :attr:`answers` has one).

        An exception raised in the worker is raised here, the worker's traceback as its cause.
        """
        answer = self.answers.popleft()
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def _write(self) -> None:
        while self.outbox:
            try:
                written = os.write(self.request_fd, self.outbox[0])
            except BlockingIOError:
                return
            except BrokenPipeError:  # not this command's reader gone (exit 0): a worker gone
                raise WorkerError(f"a worker process (pid {self.pid}) ended without answering; "
                                  f"{self.waiting} piece(s) of work lost") from None
            if written == len(self.outbox[0]):
                self.outbox.popleft()
            else:
                self.outbox[0] = self.outbox[0][written:]

    def _read(self) -> None:
        try:
            data = os.read(self.answer_fd, _READ)
        except BlockingIOError:
            return
        if not data:
            if self.failed:
                return
            raise WorkerError(f"a worker process (pid {self.pid}) ended without answering; "
                              f"{self.waiting} piece(s) of work lost")
        self.inbox += data
        while len(self.inbox) >= _ANSWER.size:
            kind, length = _ANSWER.unpack_from(self.inbox)
            end = _ANSWER.size + length
            if len(self.inbox) < end:
                return
            payload = bytes(self.inbox[_ANSWER.size:end])
            del self.inbox[:end]
            self.waiting -= 1
            if kind == _DATA:
                self.answers.append(payload)
            else:
                self.answers.append(_unpickle_failure(payload))
                self.failed, self.waiting = True, 0
                self.outbox.clear()


class Channel:
    """A worker's side of its pipes: the requests in order, each answered with :meth:`answer`."""

    def __init__(self, request_fd: int, answer_fd: int):
        self._requests: BinaryIO = open(request_fd, "rb")  # closed by os._exit
        self._answers: BinaryIO = open(answer_fd, "wb")

    def __iter__(self) -> Iterator[bytes]:
        """Each request's payload, until this process closes the pipe."""
        while header := self._requests.read(_REQUEST.size):
            (length,) = _REQUEST.unpack(header)
            yield self._requests.read(length)

    def answer(self, *parts: bytes) -> None:
        self._send(_DATA, parts)

    def fail(self, exc: BaseException) -> None:
        import pickle  # here and in _unpickle_failure: only a failure pays for these imports
        import traceback

        text = "".join(traceback.format_exception(exc))
        try:
            payload = pickle.dumps((exc, text))
        except Exception:  # an exception that does not pickle: its type, message and traceback do
            payload = pickle.dumps((RuntimeError(f"{type(exc).__name__}: {exc}"), text))
        self._send(_FAILURE, (payload,))

    def _send(self, kind: int, parts: Sequence[bytes]) -> None:
        self._answers.write(_ANSWER.pack(kind, sum(map(len, parts))))
        for part in parts:
            self._answers.write(part)
        self._answers.flush()


class _RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker (its ``__cause__`` once raised here)."""

    def __str__(self) -> str:
        return f"in a worker process:\n{self.args[0]}"


def _unpickle_failure(payload: bytes) -> BaseException:
    import pickle

    exc, text = pickle.loads(payload)  # written by our own forked worker, never by others
    exc.__cause__ = _RemoteTraceback(text)
    return cast(BaseException, exc)


def _pipe() -> tuple[int, int]:
    import fcntl  # POSIX, as fork is: not imported on Windows

    read_fd, write_fd = os.pipe()
    if hasattr(fcntl, "F_SETPIPE_SZ"):  # Linux
        with contextlib.suppress(OSError):  # above the system's limit: the default size, slower only
            fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    return read_fd, write_fd


def _start(serve: Callable[[Channel], None], theirs: list[int]) -> Worker:
    request_read, request_write = _pipe()
    answer_read, answer_write = _pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        status = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            for fd in (*theirs, request_write, answer_read):
                os.close(fd)
            channel = Channel(request_read, answer_write)
            try:
                serve(channel)
                status = 0
            except BaseException as exc:
                channel.fail(exc)
        finally:
            os._exit(status)
    os.close(request_read)
    os.close(answer_write)
    os.set_blocking(request_write, False)
    os.set_blocking(answer_read, False)
    theirs += (request_write, answer_read)
    return Worker(pid, request_write, answer_read)


@contextlib.contextmanager
def forked(count: int, serve: Callable[[Channel], None]) -> Iterator[list[Worker]]:
    """``count`` workers, each running ``serve`` over its requests; all stopped and reaped on leaving.

    Leaving normally closes their request pipes (each ``serve`` sees the end of its requests and
    returns); leaving on an exception kills them. Objects alive now are frozen out of the workers'
    garbage collection, so the collector does not copy the pages they share with this process.
    """
    theirs: list[int] = []
    workers: list[Worker] = []
    gc.freeze()
    try:
        for _ in range(count):
            workers.append(_start(serve, theirs))
    except BaseException:
        _stop(workers, kill=True)
        raise
    finally:
        gc.unfreeze()
    try:
        yield workers
    except BaseException:
        _stop(workers, kill=True)
        raise
    _stop(workers, kill=False)


def _same(answer: bytes) -> bytes:
    return answer


def ordered(jobs: int, work: Callable[[bytes], T], requests: Iterable[Sequence[bytes]], *,
            encode: Callable[[T], bytes] = _same, decode: Callable[[bytes], T] = _same,  # type: ignore[assignment]
            queued: int = 3, window: int | None = None) -> Generator[T, None, None]:
    """``work`` on each request (its parts joined), the results in order, over ``jobs`` processes: this one and
    ``jobs - 1`` forked (a worker's result comes back as ``decode(encode(result))``; bytes need neither).

    A worker has up to ``queued`` requests waiting for it (one being worked on, the next in its
    pipe); when every worker has its fill, this process works on the next request itself, so ``jobs``
    processes work, not ``jobs`` and an idle dispatcher, and whichever is faster takes more. At most
    ``window`` requests are in flight (taken, their results not yet yielded; ``None``: no bound), so
    a stream's memory stays bounded however many requests there are; the window is what lets this
    process run ahead of a slower worker, so it should hold several requests beyond the workers'
    queues. An exception raised by ``work``, here or in a worker, is raised in the place of its
    result (the ones before it yielded first). Iterate to the end, or close the iterator
    (``with contextlib.closing(...)``), to stop the workers.
    """
    def serve(channel: Channel) -> None:
        for request in channel:
            channel.answer(encode(work(request)))

    todo = iter(requests)
    with forked(jobs - 1, serve) as workers:
        # In input order, each request in flight: the worker on it, or (in a 1-tuple) the result from this process.
        order: deque[Worker | tuple[T] | Exception] = deque()
        more = True
        while more or order:
            while order and not (isinstance(order[0], Worker) and not order[0].answers):
                entry = order.popleft()
                if isinstance(entry, Exception):
                    raise entry
                yield decode(entry.take()) if isinstance(entry, Worker) else entry[0]
            if more and (window is None or len(order) < window):
                request = next(todo, None)
                if request is None:
                    more = False
                    continue
                worker = min(workers, key=lambda w: w.waiting) if workers else None
                if worker is not None and worker.waiting < queued:
                    worker.send(*request)
                    order.append(worker)
                    continue
                pump(workers, wait=False)  # the pipes take what is queued for them before this process works
                try:
                    order.append((work(b"".join(request)),))
                except Exception as exc:  # raised in its place, as a worker's is
                    order.append(exc)
            elif order:
                pump(workers)


def _stop(workers: list[Worker], *, kill: bool) -> None:
    for worker in workers:
        if kill:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGKILL)
        os.close(worker.request_fd)
    for worker in workers:
        os.close(worker.answer_fd)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(worker.pid, 0)


def pump(workers: Sequence[Worker], *, wait: bool = True) -> None:
    """Move bytes both ways: until at least one more answer arrived, or (``wait`` false) as far as the pipes
    take and give now. Returns at once when no answer is awaited."""
    before = sum(len(worker.answers) for worker in workers)
    while True:
        for worker in workers:
            worker._write()
        awaited = [worker for worker in workers if worker.waiting]
        if not awaited or sum(len(worker.answers) for worker in workers) > before:
            return
        poller = select.poll()
        for worker in awaited:
            poller.register(worker.answer_fd, select.POLLIN)
            if worker.outbox:
                poller.register(worker.request_fd, select.POLLOUT)
        events = poller.poll(None if wait else 0)
        readable = {fd for fd, _ in events}
        for worker in awaited:
            if worker.answer_fd in readable:
                worker._read()
        if not wait:
            for worker in workers:
                worker._write()
            return
