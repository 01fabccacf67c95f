"""Forked workers on their own pipes (``eip712kit.base.forked``): what ``--jobs`` and ``processes=`` run on.

Each test says one promise of :func:`forked.ordered`: the answers in request order whichever
process answered, the work really spread, an exception raised in its place, a worker that dies
reported rather than waited for, and no worker left behind however the caller stops.
"""

from __future__ import annotations

import contextlib
import os
import struct
import time
from collections.abc import Iterator

import pytest

from eip712kit.base import forked

pytestmark = pytest.mark.skipif(not forked.CAN_FORK, reason="workers are forked")

NUMBER = struct.Struct("<Q")


def numbered(count: int) -> Iterator[tuple[bytes]]:
    return ((NUMBER.pack(n),) for n in range(count))


def squared_with_pid(request: bytes) -> bytes:
    """An answer that says what it answered and which process answered it."""
    (n,) = NUMBER.unpack(request)
    return b"%d %d" % (n * n, os.getpid())


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_answers_come_in_request_order_from_every_process(jobs: int) -> None:
    answers = [answer.split() for answer in forked.ordered(jobs, squared_with_pid, numbered(300))]
    assert [int(square) for square, _ in answers] == [n * n for n in range(300)]
    pids = {int(pid) for _, pid in answers}
    assert os.getpid() in pids and len(pids) == jobs  # this process is a job: it answers once all have their fill
    assert all(gone(pid) for pid in pids - {os.getpid()})  # run to the end: every worker reaped


def test_only_a_window_of_requests_is_taken_ahead() -> None:
    taken: list[int] = []

    def requests() -> Iterator[tuple[bytes]]:
        for n in range(400):
            taken.append(n)
            yield (NUMBER.pack(n),)

    ahead = []
    for index, _ in enumerate(forked.ordered(3, squared_with_pid, requests(), queued=2, window=7)):
        ahead.append(len(taken) - index)
    assert max(ahead) <= 7 + 1  # the window, and the one request taken to find it full


def test_this_process_takes_more_when_a_worker_is_slower() -> None:
    """Without a window (a batch keeps every answer), this process runs ahead of a slow worker."""
    parent = os.getpid()

    def slow_in_a_worker(request: bytes) -> bytes:
        if os.getpid() != parent:
            time.sleep(0.01)
        return b"%d" % os.getpid()

    answers = list(forked.ordered(2, slow_in_a_worker, numbered(200), queued=2))
    assert answers.count(b"%d" % parent) > 150


def test_an_exception_in_a_worker_is_raised_in_its_place() -> None:
    parent = os.getpid()

    def fails_at_5_in_a_worker(request: bytes) -> bytes:
        (n,) = NUMBER.unpack(request)
        if n == 5 and os.getpid() != parent:
            raise KeyError("five")
        return b"%d" % n

    got: list[bytes] = []
    with pytest.raises(KeyError, match="five") as raised:
        for answer in forked.ordered(2, fails_at_5_in_a_worker, numbered(200), queued=8):
            got.append(answer)  # request 5 is the worker's: it has room for the first 8
    assert got == [b"%d" % n for n in range(5)]
    assert "KeyError: 'five'" in str(raised.value.__cause__)  # the worker's traceback, as the cause


def test_an_exception_here_is_raised_in_its_place_too() -> None:
    def fails_at_3(request: bytes) -> bytes:
        (n,) = NUMBER.unpack(request)
        if n == 3:
            raise ValueError("three")
        return b"%d" % n

    for jobs in (1, 2):
        got: list[bytes] = []
        with pytest.raises(ValueError, match="three"):
            got.extend(forked.ordered(jobs, fails_at_3, numbered(50)))
        assert got == [b"0", b"1", b"2"]


def test_an_exception_that_does_not_pickle_arrives_by_name() -> None:
    class Local(Exception):  # a local class cannot be pickled
        pass

    def raises_local(request: bytes) -> bytes:
        raise Local("not picklable")

    with pytest.raises(RuntimeError, match="Local: not picklable"):
        list(forked.ordered(2, raises_local, numbered(10), queued=20))


def test_a_worker_that_dies_is_reported_not_waited_for() -> None:
    parent = os.getpid()

    def dies_in_a_worker(request: bytes) -> bytes:
        if os.getpid() != parent:
            os._exit(9)
        return request

    with pytest.raises(forked.WorkerError, match="ended without answering"):
        list(forked.ordered(2, dies_in_a_worker, numbered(100)))


def test_stopping_early_stops_the_workers() -> None:
    answers = forked.ordered(3, squared_with_pid, numbered(10_000))
    with contextlib.closing(answers):
        first = [next(answers) for _ in range(20)]
    pids = {int(answer.split()[1]) for answer in first} - {os.getpid()}
    assert pids and all(gone(pid) for pid in pids)
