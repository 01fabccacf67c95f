"""Recovering one signature's signer over many digests, at a fraction of a full recovery's cost.

ECDSA recovery of a signature ``(r, s, v)`` over a digest ``z`` gives ``Q = r⁻¹·(s·R − z·G)``,
where ``R`` is the curve point with x-coordinate ``r`` and parity ``v``. Only ``z`` changes from
one candidate to the next, so the doctor computes ``A = r⁻¹·s·R`` once (a recovery over the zero
digest) and each candidate as ``Q = A + t·G`` with ``t = −z·r⁻¹ mod n``: one multiplication of the
generator through its precomputed table (libsecp256k1's ``ec_pubkey_create``) and one point
addition (``ec_pubkey_combine``), instead of a double multiplication and a square root. Measured
side by side on the busy 2-core machine this was written on: a full recovery 80–110 µs,
``ec_pubkey_tweak_add`` 83–113 µs, create + combine 60–82 µs.

The arithmetic goes through coincurve's cffi binding when it is there (the same libsecp256k1 the
core's recovery uses) and through coincurve's public ``PublicKey.add`` otherwise; both give the
same points as :func:`eip712kit.signature.recover_public_key`, which a test checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import coincurve

from ..errors import SignatureError
from ..hashing import keccak256
from ..signature import SECP256K1_N, Signature, recover_public_key

ZERO_DIGEST = bytes(32)


def _binding() -> tuple[Any, Any, Any] | None:
    """coincurve's cffi module and global context, or None (then the public API is used)."""
    try:
        from coincurve._libsecp256k1 import ffi, lib
        from coincurve.context import GLOBAL_CONTEXT
    except ImportError:  # pragma: no cover - another coincurve layout
        return None
    if not all(hasattr(lib, f) for f in ("secp256k1_ec_pubkey_create", "secp256k1_ec_pubkey_combine",
                                         "secp256k1_ec_pubkey_serialize", "secp256k1_ec_pubkey_parse")):
        return None  # pragma: no cover
    return ffi, lib, GLOBAL_CONTEXT.ctx


class Recoverer:
    """The address bytes (20) that ``signature`` recovers to over any digest, or None when none does."""

    def __init__(self, signature: Signature, *, fast: bool = True):
        self._anchor = recover_public_key(ZERO_DIGEST, signature)  # A = r⁻¹·s·R (Q at z = 0)
        self._r_inverse = pow(signature.r, -1, SECP256K1_N)
        binding = _binding() if fast else None
        self.address: Callable[[bytes], bytes | None] = (
            self._address_public if binding is None else self._compile(*binding))

    def _tweak(self, digest: bytes) -> int:
        return (-int.from_bytes(digest, "big") * self._r_inverse) % SECP256K1_N

    def _address_public(self, digest: bytes) -> bytes | None:
        tweak = self._tweak(digest)
        if tweak == 0:
            return keccak256(self._anchor[1:])[12:]
        try:
            point = coincurve.PublicKey(self._anchor).add(tweak.to_bytes(32, "big"))
        except ValueError:  # A + t·G is the point at infinity: nothing recovers
            return None
        return keccak256(point.format(compressed=False)[1:])[12:]

    def _compile(self, ffi: Any, lib: Any, context: Any) -> Callable[[bytes], bytes | None]:
        anchor = ffi.new("secp256k1_pubkey *")
        if not lib.secp256k1_ec_pubkey_parse(context, anchor, self._anchor, len(self._anchor)):
            raise SignatureError(  # pragma: no cover - a point libsecp256k1 itself produced
                "the recovered anchor point does not parse", code="RECOVERY_FAILED")
        multiple = ffi.new("secp256k1_pubkey *")  # t·G
        points = ffi.new("secp256k1_pubkey *[2]")
        points[0], points[1] = anchor, multiple
        self._cdata = (anchor, multiple, points)  # an array of pointers does not keep its targets alive
        total = ffi.new("secp256k1_pubkey *")  # A + t·G
        out = ffi.new("unsigned char[65]")
        out_buffer = ffi.buffer(out, 65)
        out_length = ffi.new("size_t *")
        uncompressed = lib.SECP256K1_EC_UNCOMPRESSED
        create = lib.secp256k1_ec_pubkey_create
        combine = lib.secp256k1_ec_pubkey_combine
        serialize = lib.secp256k1_ec_pubkey_serialize
        r_inverse = self._r_inverse
        n = SECP256K1_N
        at_zero = keccak256(self._anchor[1:])[12:]

        def address(digest: bytes) -> bytes | None:
            tweak = (-int.from_bytes(digest, "big") * r_inverse) % n
            if tweak == 0:
                return at_zero
            if not create(context, multiple, tweak.to_bytes(32, "big")) or not combine(context, total, points, 2):
                return None  # A + t·G is the point at infinity: nothing recovers
            out_length[0] = 65
            serialize(context, out, out_length, total, uncompressed)
            return keccak256(out_buffer[1:])[12:]

        return address


__all__ = ["Recoverer"]
