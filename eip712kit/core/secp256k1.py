"""The secp256k1 facts both keys and signatures rest on: the curve order, and how a public key becomes an address.

Kept apart so :mod:`eip712kit.core.keys` (secrets) and :mod:`eip712kit.core.signature` (signatures) each import
it, and neither imports the other.
"""

from __future__ import annotations

from ..base.caches import BoundedCache
from ..base.hashing import keccak256
from ..base.parsers import to_checksum_address

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
"""The order of the curve's group: private keys, r and s are in 1 .. N-1."""
HALF_N = SECP256K1_N // 2
"""The low-s bound of EIP-2: a signature's s above it is the malleated twin."""
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"

_ADDRESSES: BoundedCache[bytes, str] = BoundedCache()


def public_key_to_address(public_key: bytes) -> str:
    """EIP-55 address of a 65-byte uncompressed public key (``0x04 ‖ X ‖ Y``).

    Remembered per key (bounded): a verifier sees the same signers again and again, and two
    keccaks are a fifth of a recovery's cost.
    """
    address = _ADDRESSES.get(public_key)
    if address is None:
        address = _ADDRESSES.put(public_key, to_checksum_address(keccak256(public_key[1:])[12:]))
    return address


__all__ = ["HALF_N", "SECP256K1_N", "ZERO_ADDRESS", "public_key_to_address"]
