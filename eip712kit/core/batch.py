"""Many documents at once: ``hash_many``, ``sign_many``, ``recover_many``.

What a batch amortises is already amortised per call by the caches in :mod:`eip712kit.core.typed_data`
(one compiled schema per shape of ``types``, one domain separator per domain), so a sequential
batch is a tight loop with no per-document set-up.

``processes=N`` spreads a large batch over N worker processes, as ``--jobs N`` does for a
``--jsonl`` stream: ``None`` or ``1`` (the default) is this process, ``0`` one worker per core
this process may use; never more workers than cores, nor than one per 2,000 documents (below
that, starting a process costs more than it saves). The results come back in order, and
``errors`` works as in one process. The workers are forked: each inherits the documents (and
``sign_many``'s key) from this process's memory, and only index ranges go out and results come
back. Sending the documents instead cost more than hashing them (pickling a Sera order and
reading it back: ~80 µs; its digest: ~12 µs). Where there is no fork (Windows) the batch runs in
this process. ``python tools/bench.py --jobs-only`` measures ``processes=2`` against ``1`` on
20,000 Sera orders beside the ``--jobs`` rows.

Keys never cross a process boundary as data: with workers, ``sign_many``'s key is in the forked
workers' memory because it was in this process's.

``errors="raise"`` (the default) stops at the first bad document with its index at the front of
the error's path (``[17].message.user``); ``errors="return"`` puts the error object in that
document's place and goes on — what a server verifying a batch of requests wants.
"""

from __future__ import annotations

import os
import pickle
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Literal, TypeVar

from ..base import forked
from ..base.errors import Eip712KitError
from .api import Document
from .keys import KeyLike, as_private_key
from .signature import recover_digest, sign_digest
from .typed_data import TypedData

T = TypeVar("T")
Errors = Literal["raise", "return"]

_MIN_PER_WORKER = 2_000  # below this, starting processes costs more than it saves
_SHARE = 4  # a range is at most 1/_SHARE of what is left per process
_MIN_RANGE = 64
_QUEUED = 3


def _digest(doc: Document) -> bytes:
    return doc.digest() if isinstance(doc, TypedData) else TypedData(doc).digest()


def _run(function: Callable[[Any], T], items: Sequence[Any], errors: Errors) -> list[T | Eip712KitError]:
    out: list[T | Eip712KitError] = []
    append = out.append
    for index, item in enumerate(items):
        try:
            append(function(item))
        except Eip712KitError as exc:
            if errors == "raise":
                raise exc.at(index) from None
            append(exc)
    return out


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one), at least 1."""
    counted: Callable[[], int | None] | None = getattr(os, "process_cpu_count", None)  # Python 3.13
    if counted is not None:
        return max(1, counted() or 1)
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _worker_count(processes: int | None, size: int) -> int:
    if processes is None or processes == 1:
        return 1
    if processes < 0:
        raise ValueError("processes is 0 (one per core) or a positive count")
    if not forked.CAN_FORK:
        return 1
    cores = available_cores()
    return max(1, min(processes or cores, size // _MIN_PER_WORKER, cores))


_RANGE = struct.Struct("<QQ")  # a request: items[start:stop]


def _ranges(size: int, processes: int) -> Iterator[tuple[bytes]]:
    """``[0, size)`` cut in ranges that shrink as fewer items are left: big ones first (fewer round trips),
    small ones last, so no process waits long at the end for another's last range."""
    start = 0
    while start < size:
        stop = min(size, start + max(_MIN_RANGE, (size - start) // (processes * _SHARE)))
        yield (_RANGE.pack(start, stop),)
        start = stop


def _pickled(results: list[Any]) -> bytes:
    return pickle.dumps(results, pickle.HIGHEST_PROTOCOL)


def _many(function: Callable[[Any], T], items: Sequence[Any], errors: Errors,
          processes: int | None) -> list[T | Eip712KitError]:
    """``function`` over ``items`` in order, here or in forked workers too (see the module docstring)."""
    workers = _worker_count(processes, len(items))
    if workers == 1:
        return _run(function, items, errors)

    def work(request: bytes) -> list[T | Eip712KitError]:  # in whichever process: function and items are its own
        start, stop = _RANGE.unpack(request)
        return _run(function, items[start:stop], "return")

    out: list[T | Eip712KitError] = []
    for part in forked.ordered(workers, work, _ranges(len(items), workers), encode=_pickled, decode=pickle.loads,
                               queued=_QUEUED):  # no window: every result is kept anyway
        out += part
    if errors == "raise":
        for index, result in enumerate(out):
            if isinstance(result, Eip712KitError):
                raise result.at(index)
    return out


def hash_many(documents: Iterable[Document], *, processes: int | None = None,
              errors: Errors = "raise") -> list[Any]:
    """The EIP-712 digest of each document, in order."""
    items = documents if isinstance(documents, Sequence) else list(documents)
    return _many(_digest, items, errors, processes)


def sign_many(documents: Iterable[Document], key: KeyLike, *, processes: int | None = None,
              errors: Errors = "raise") -> list[Any]:
    """Sign each document with one key (deterministic, low-s), in order."""
    signer = as_private_key(key)
    items = documents if isinstance(documents, Sequence) else list(documents)
    return _many(lambda doc: sign_digest(_digest(doc), signer), items, errors, processes)


def _recover_pair(pair: tuple[Document, Any]) -> str:
    return recover_digest(_digest(pair[0]), pair[1])


def recover_many(documents: Iterable[Document], signatures: Iterable[Any], *, processes: int | None = None,
                 errors: Errors = "raise") -> list[Any]:
    """The signer of each (document, signature) pair, in order."""
    pairs = list(zip(documents, signatures, strict=True))
    return _many(_recover_pair, pairs, errors, processes)


__all__ = ["available_cores", "hash_many", "recover_many", "sign_many"]
