"""The kit's one cache policy: bounded dicts that empty themselves when full.

Hashing repeats itself — the same addresses, domains, signers and ``types`` come back in every
order — so a few results are remembered. Every such memory is a :class:`BoundedCache`: lookups are
plain ``dict.get`` (C speed on the hot path), and storing into a full cache clears it first, so
hostile input can neither grow memory nor slow lookups. Clearing rather than evicting one entry
keeps the store path trivial; a cache that refills after a clear costs a few misses, never a wrong
answer, because every cached value is a pure function of its key.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")

DEFAULT_SIZE = 4096
"""Entries a cache holds before it starts over: far more distinct addresses or domains than a
trading client uses, small enough that a full cache is a few hundred kilobytes."""


class BoundedCache(dict[K, V]):
    """A dict with a size bound; use ``.get`` to look up and :meth:`put` to store."""

    __slots__ = ("max_size",)

    def __init__(self, max_size: int = DEFAULT_SIZE) -> None:
        super().__init__()
        self.max_size = max_size

    def put(self, key: K, value: V) -> V:
        """Store ``value`` under ``key`` (clearing the cache first when it is full) and return it."""
        if len(self) >= self.max_size:
            self.clear()
        self[key] = value
        return value


__all__ = ["DEFAULT_SIZE", "BoundedCache"]
