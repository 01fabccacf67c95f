"""keccak-256, the one hash every EIP-712 and EIP-191 value goes through.

A typed-data digest makes several keccak calls (fewer once caches are warm), so the binding
matters; which one is used is decided here, once, at import: the first of :data:`PREFERENCE` that
imports and reproduces ``keccak256(b"")``. ``python tools/bench.py --keccak-only`` prints the
binding in use and every available binding's cost per call, so the order below is a measurement,
not a belief. Per 200-byte call on the 2-core development machine (best of 5, measured under load):

``tiny-keccak``  0.69 µs
    Rust's tiny-keccak crate behind one call (PyPI ``tiny-keccak``, MIT, no dependencies): the
    fastest. It ships abi3 wheels for CPython 3.10 and later on Linux x86_64/aarch64 (glibc and
    musl), macOS x86_64/arm64 and Windows amd64, so it is a base dependency there (pyproject.toml
    names those platforms in its marker: elsewhere it would need a Rust compiler, and the kit
    falls back below). Its function takes ``bytes`` only; a ``bytearray`` or ``memoryview`` is
    copied to ``bytes`` first, and only when the fast call refuses it.
``safe-pysha3``  1.0 µs
    C keccak behind a thin call (eth-hash's pysha3 backend is the same binding, at the same cost).
    No longer an extra of the kit — tiny-keccak is faster where both install — but used when it is
    importable and tiny-keccak is not.
``hashlib``
    ``hashlib.new("KECCAK-256")``, which exists only where Python's OpenSSL is 3.2 or newer (not on
    the development machine: OpenSSL 3.0). A copy of a prepared context, one update, one digest:
    the shape of hashlib's other OpenSSL digests, which cost about what safe-pysha3 does, so it
    comes before pycryptodome. It is checked against ``keccak256(b"")`` like the others before use.
``pycryptodome``  4.0 µs
    A base dependency with wheels for every platform and CPython 3.10-3.13: the fallback that is
    always there. Its public ``keccak.new(...)`` (4.5 µs) spends most of a call checking keywords
    and wrapping ctypes arguments; calling its ``Keccak_Hash`` class directly skips the keyword work.
    eth-hash's pycryptodome backend wraps ``keccak.new`` and measured slower still (4.6 µs).

``EIP712KIT_KECCAK=<name>`` (one of :data:`PREFERENCE`) forces a binding — the tests run the golden
vectors under the fallback this way, CI runs the whole suite under it, and the benchmark compares
them. Naming an unavailable binding is an error at import, not a silent fallback.
"""

from __future__ import annotations

import os
from collections.abc import Callable

Keccak = Callable[[bytes], bytes]

_EMPTY_DIGEST = bytes.fromhex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
"""keccak256(b""): a binding that does not reproduce it (SHA3-256 padding, say) is not used."""


def _tiny_keccak() -> Keccak:
    from tiny_keccak import keccak256 as bound

    def keccak256(data: bytes) -> bytes:
        try:
            return bound(data)
        except TypeError:  # it takes bytes only; the other bindings take any bytes-like value
            if isinstance(data, (bytearray, memoryview)):
                return bound(bytes(data))
            raise

    return keccak256


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
        # checking its keywords; calling it directly skips that work on every call. It reads None
        # as "no data yet": refused here, as every other binding refuses what is not bytes.
        if data is None:
            raise TypeError("keccak256 takes bytes, not None")
        return Keccak_Hash(data, 32, False).digest()

    return keccak256


BINDINGS: dict[str, Callable[[], Keccak]] = {
    "tiny-keccak": _tiny_keccak,
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
