"""Many documents at once: ``hash_many``, ``sign_many``, ``recover_many``.

What a batch amortises is already amortised per call by the caches in :mod:`eip712kit.core.typed_data`
(one compiled schema per shape of ``types``, one domain separator per domain), so a sequential
batch is a tight loop with no per-document set-up. A large batch can be spread over worker
processes (``processes=N``): documents are sent to workers in chunks and results come back in
order.

Keys never cross a process boundary as data: ``sign_many`` with workers uses the ``fork`` start
method, so each worker inherits the already-loaded key from the parent's memory; where fork is
unavailable it signs in this process.

``errors="raise"`` (the default) stops at the first bad document with its index at the front of
the error's path (``[17].message.user``); ``errors="return"`` puts the error object in that
document's place and goes on — what a server verifying a batch of requests wants.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, TypeVar

from ..base.errors import Eip712KitError
from .api import Document
from .keys import KeyLike, PrivateKey, as_private_key
from .signature import Signature, recover_digest, sign_digest
from .typed_data import TypedData

T = TypeVar("T")
Errors = Literal["raise", "return"]

_MIN_PER_WORKER = 2_000  # below this, starting processes costs more than it saves


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
    cores = available_cores()
    return max(1, min(processes or cores, size // _MIN_PER_WORKER, cores))


def _chunk(items: Sequence[Any], parts: int) -> list[Sequence[Any]]:
    step = -(-len(items) // parts)
    return [items[i:i + step] for i in range(0, len(items), step)]


def _parallel(function: Callable[[Any], T], items: Sequence[Any], errors: Errors, workers: int,
              context: str | None = None) -> list[T | Eip712KitError]:
    ctx = multiprocessing.get_context(context) if context else multiprocessing.get_context()
    chunks = _chunk(items, workers * 4)
    with ctx.Pool(workers) as pool:
        parts = pool.starmap(_run, [(function, chunk, "return") for chunk in chunks])
    out: list[T | Eip712KitError] = []
    for part in parts:
        out.extend(part)
    if errors == "raise":
        for index, result in enumerate(out):
            if isinstance(result, Eip712KitError):
                raise result.at(index)
    return out


def hash_many(documents: Iterable[Document], *, processes: int | None = None,
              errors: Errors = "raise") -> list[Any]:
    """The EIP-712 digest of each document, in order."""
    items = documents if isinstance(documents, Sequence) else list(documents)
    workers = _worker_count(processes, len(items))
    if workers == 1:
        return _run(_digest, items, errors)
    return _parallel(_digest, items, errors, workers)


_FORKED_KEY: PrivateKey | None = None


def _sign_with_forked_key(doc: Document) -> Signature:
    assert _FORKED_KEY is not None, "sign_many worker started without a key"
    return sign_digest(_digest(doc), _FORKED_KEY)


def sign_many(documents: Iterable[Document], key: KeyLike, *, processes: int | None = None,
              errors: Errors = "raise") -> list[Any]:
    """Sign each document with one key (deterministic, low-s), in order."""
    global _FORKED_KEY
    signer = as_private_key(key)
    items = documents if isinstance(documents, Sequence) else list(documents)
    workers = _worker_count(processes, len(items))
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _run(lambda doc: sign_digest(_digest(doc), signer), items, errors)
    _FORKED_KEY = signer
    try:
        return _parallel(_sign_with_forked_key, items, errors, workers, context="fork")
    finally:
        _FORKED_KEY = None


def _recover_pair(pair: tuple[Document, Any]) -> str:
    return recover_digest(_digest(pair[0]), pair[1])


def recover_many(documents: Iterable[Document], signatures: Iterable[Any], *, processes: int | None = None,
                 errors: Errors = "raise") -> list[Any]:
    """The signer of each (document, signature) pair, in order."""
    pairs = list(zip(documents, signatures, strict=True))
    workers = _worker_count(processes, len(pairs))
    if workers == 1:
        return _run(_recover_pair, pairs, errors)
    return _parallel(_recover_pair, pairs, errors, workers)


__all__ = ["available_cores", "hash_many", "recover_many", "sign_many"]
