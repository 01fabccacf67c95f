"""keccak-256, the one hash every EIP-712 and EIP-191 value goes through.

A typed-data digest makes several keccak calls (fewer once caches are warm), so the binding
matters; which one is used is decided here, once, at import: the first of :data:`PREFERENCE` that
imports and reproduces ``keccak256(b"")``. ``python tools/bench.py --keccak-only`` prints the
binding in use and every available binding's cost per call, so the order below is a measurement,
not a belief. Per 200-byte call on the 2-core development machine (best of 15 rounds, busy machine):

``safe-pysha3``  1.5 µs
    C keccak behind a thin call: the fastest. It ships wheels for Linux only — elsewhere it needs a
    C compiler — so it is the optional extra ``pip install 'eip712kit[fast]'``, picked up whenever
    it is importable. (eth-hash's pysha3 backend is the same binding, at the same cost.)
``hashlib``
    ``hashlib.new("KECCAK-256")``, which exists only where Python's OpenSSL is 3.2 or newer (not on
    the development machine: OpenSSL 3.0). A copy of a prepared context, one update, one digest:
    the shape of hashlib's other OpenSSL digests, which cost about what safe-pysha3 does, so it
    comes second. It is checked against ``keccak256(b"")`` like the others before it is used.
``pycryptodome``  5.9 µs
    A base dependency with wheels for every platform and CPython 3.10-3.13: the always-available
    default. Its public ``keccak.new(...)`` (6.6 µs) spends most of a call checking keywords and
    wrapping ctypes arguments; calling its ``Keccak_Hash`` class directly skips the keyword work.
    eth-hash's pycryptodome backend wraps ``keccak.new`` and measured slower still (6.8 µs).

``EIP712KIT_KECCAK=<name>`` (one of :data:`PREFERENCE`) forces a binding — the tests run the golden
vectors under the always-available default this way, and the benchmark compares them. Naming an
unavailable binding is an error at import, not a silent fallback.
"""

from __future__ import annotations

import os
from collections.abc import Callable

Keccak = Callable[[bytes], bytes]

_EMPTY_DIGEST = bytes.fromhex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
"""keccak256(b""): a binding that does not reproduce it (SHA3-256 padding, say) is not used."""


def _safe_pysha3() -> Keccak:
    from sha3 import keccak_256

    def keccak256(data: bytes) -> bytes:
        return keccak_256(data).digest()  # type: ignore[no-any-return]

    return keccak256


def _hashlib() -> Keccak:
    import hashlib

    try:
        prepared = hashlib.new("KECCAK-256")
    except ValueError:  # OpenSSL before 3.2: the digest is unknown
        raise ImportError("this Python's OpenSSL has no KECCAK-256") from None
    copy = prepared.copy

    def keccak256(data: bytes) -> bytes:
        context = copy()
        context.update(data)
        return context.digest()

    return keccak256


def _pycryptodome() -> Keccak:
    from Crypto.Hash.keccak import Keccak_Hash

    def keccak256(data: bytes) -> bytes:
        # Keccak_Hash(data, digest_bytes, update_after_digest) is what keccak.new(...) builds after
        # checking its keywords; calling it directly skips that work on every call.
        return Keccak_Hash(data, 32, False).digest()

    return keccak256


BINDINGS: dict[str, Callable[[], Keccak]] = {
    "safe-pysha3": _safe_pysha3,
    "hashlib": _hashlib,
    "pycryptodome": _pycryptodome,
}
"""Each binding's loader, fastest first as measured (see the module docstring and ``tools/bench.py``);
a loader raises ImportError where its binding is not available."""

PREFERENCE: tuple[str, ...] = tuple(BINDINGS)
"""The order bindings are tried in: the order of :data:`BINDINGS`."""

ENV = "EIP712KIT_KECCAK"


def load(name: str) -> Keccak:
    """The keccak-256 function of binding ``name``; ImportError when it is missing or computes something else."""
    function = BINDINGS[name]()
    if function(b"") != _EMPTY_DIGEST:
        raise ImportError(f"the {name} binding does not compute keccak-256")
    return function


def available() -> dict[str, Keccak]:
    """Every binding that works in this interpreter, in :data:`PREFERENCE` order (for the benchmark)."""
    found: dict[str, Keccak] = {}
    for name in PREFERENCE:
        try:
            found[name] = load(name)
        except ImportError:
            pass
    return found


def _choose() -> tuple[str, Keccak]:
    forced = os.environ.get(ENV)
    if forced:
        if forced not in BINDINGS:
            raise ImportError(f"{ENV}={forced!r}: the keccak bindings are {', '.join(PREFERENCE)}")
        return forced, load(forced)
    for name in PREFERENCE:
        try:
            return name, load(name)
        except ImportError:
            continue
    raise ImportError("no keccak-256 binding: pycryptodome is a dependency of eip712kit; reinstall eip712kit")


BACKEND, keccak256 = _choose()
"""The binding in use, and the function every hash in the kit goes through."""

__all__ = ["BACKEND", "BINDINGS", "ENV", "PREFERENCE", "available", "keccak256", "load"]
