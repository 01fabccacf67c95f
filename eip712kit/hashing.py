"""keccak-256, the one hash every EIP-712 and EIP-191 value goes through.

The binding is chosen by measurement (``tools/bench.py`` prints it): safe-pysha3's C keccak is
about 4x faster per call than pycryptodome's on 200-byte inputs here, and a typed-data digest
makes several calls. pycryptodome stays as the fallback for platforms where safe-pysha3 has no
wheel and no compiler.
"""

from __future__ import annotations

from collections.abc import Callable

keccak256: Callable[[bytes], bytes]

try:
    from sha3 import keccak_256 as _pysha3_keccak

    def keccak256(data: bytes) -> bytes:
        return _pysha3_keccak(data).digest()  # type: ignore[no-any-return]

    BACKEND = "safe-pysha3"
except ImportError:  # pragma: no cover - exercised only where safe-pysha3 is unavailable
    from Crypto.Hash import keccak as _crypto_keccak

    def keccak256(data: bytes) -> bytes:
        return _crypto_keccak.new(digest_bits=256, data=data).digest()

    BACKEND = "pycryptodome"

__all__ = ["BACKEND", "keccak256"]
