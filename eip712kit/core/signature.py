"""secp256k1 signatures as Ethereum wallets produce them, signed and recovered with libsecp256k1.

A :class:`Signature` is parsed from any form a wallet or server hands over — 65 bytes ``r‖s‖v``
with ``v`` in {27, 28} or {0, 1}, or the 64-byte EIP-2098 compact form — and can be written in any
of them. Signing uses libsecp256k1 through coincurve: RFC 6979 deterministic nonces and low-s
(EIP-2) always, so a golden vector's signature is reproducible byte for byte.

Recovery refuses a high-s signature by default: Ethereum transactions have rejected them since
EIP-2 and OpenZeppelin's ``ECDSA.recover`` does too, so a server that accepts one is accepting a
malleated signature. ``allow_high_s=True`` recovers it anyway, for diagnosis.

A :class:`Recoverer` recovers one signature over many digests at a fraction of a full recovery's
cost (the doctor's search); it reaches libsecp256k1 through coincurve's cffi binding, which only
the core touches, and falls back to coincurve's public API when that binding is not there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import coincurve

from ..base.errors import Eip712KitError, SignatureError
from ..base.extras import loaded_class
from ..base.hashing import keccak256
from ..base.parsers import parse_hex_bytes
from .keys import KeyLike, PrivateKey, as_private_key
from .secp256k1 import HALF_N, SECP256K1_N, ZERO_ADDRESS, public_key_to_address

_V_BYTE = (b"\x1b", b"\x1c")  # v = 27 + yParity, as one byte


def _check_scalars(r: object, s: object) -> None:
    """r and s of a signature: integers in 1..n-1 (what libsecp256k1 would refuse, refused with a code)."""
    if not (isinstance(r, int) and 0 < r < SECP256K1_N):
        raise SignatureError("r is zero or not below the curve order", code="SIGNATURE_MALFORMED")
    if not (isinstance(s, int) and 0 < s < SECP256K1_N):
        raise SignatureError("s is zero or not below the curve order", code="SIGNATURE_MALFORMED")


class Signature(bytes):
    """An ECDSA signature ``(r, s, yParity)``: the 65 bytes ``r‖s‖v`` with ``v = 27 + yParity``.

    It *is* those bytes (a ``bytes`` subclass) because that is what a signature is to the rest of
    the Ethereum world: ``bytes(sig)``, ``HexBytes(sig)``, ``sig == signed.signature`` (eth-account's
    ``HexBytes``) and writing it to a socket all work as they would with eth-account's own value.
    Equality is byte equality of this canonical form, so a signature written with v as 0/1 or in
    EIP-2098 compact form equals ``sig`` after :meth:`parse`, not before; a hex string is never
    equal to bytes (as with ``HexBytes``). Immutable, hashable and picklable.
    """

    __slots__ = ()

    def __new__(cls, r: int, s: int, y_parity: int) -> Signature:
        _check_scalars(r, s)
        if y_parity not in (0, 1):
            raise SignatureError("yParity must be 0 or 1", code="SIGNATURE_V_INVALID")
        return bytes.__new__(cls, r.to_bytes(32, "big") + s.to_bytes(32, "big") + _V_BYTE[y_parity])

    @classmethod
    def _canonical(cls, raw: bytes) -> Signature:
        """From 65 bytes already in canonical form (r, s in range, v 27/28): no checks, no copies."""
        return bytes.__new__(cls, raw)

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        return (Signature.parse, (bytes(self),))

    # -- parsing --

    @classmethod
    def parse(cls, value: Any) -> Signature:
        """A signature from 0x-hex or bytes of 65 (``r‖s‖v``) or 64 (EIP-2098 compact) bytes.

        Bytes-like values (``bytes``, ``bytearray``, ``memoryview``, eth-account's ``HexBytes``) are taken
        as the raw bytes; a string is 0x-hex; an eth-account ``SignedMessage`` gives its ``signature``.
        """
        if isinstance(value, Signature):
            return value
        if type(value) is str and len(value) == 132 and value[:2] == "0x" and value.isascii():
            try:  # the common form, without the general parser's regular expression
                raw = bytes.fromhex(value[2:])
            except ValueError:
                raw = b""
            if len(raw) == 65:
                return cls._from_65(raw)
        if not isinstance(value, (str, bytes, bytearray, memoryview)):
            value = _signed_message_signature(value)
        try:
            raw = parse_hex_bytes(value)
        except Eip712KitError:
            raise SignatureError(
                "a signature is 0x followed by 130 hex digits (65 bytes r‖s‖v) or 128 (64-byte compact)",
                code="SIGNATURE_MALFORMED",
            ) from None
        if len(raw) == 65:
            return cls._from_65(raw)
        if len(raw) == 64:
            packed = int.from_bytes(raw[32:], "big")
            return cls(int.from_bytes(raw[:32], "big"), packed & ((1 << 255) - 1), packed >> 255)
        raise SignatureError(
            f"a signature has 65 bytes (130 hex digits) or 64 in compact form, not {len(raw)}",
            code="SIGNATURE_MALFORMED",
        )

    @classmethod
    def _from_65(cls, raw: bytes) -> Signature:
        v = raw[64]
        if v in (27, 28):
            parity = v - 27
        elif v in (0, 1):
            parity = v
        else:
            raise SignatureError(
                f"v is {v}; a 65-byte signature needs v of 27 or 28 (or 0 or 1). "
                "EIP-155 values (35+) belong to transactions, not messages",
                code="SIGNATURE_V_INVALID",
            )
        _check_scalars(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:64], "big"))
        return cls._canonical(raw if v == 27 + parity else raw[:64] + _V_BYTE[parity])

    from_hex = parse

    # -- properties and forms --

    @property
    def r(self) -> int:
        return int.from_bytes(self[:32], "big")

    @property
    def s(self) -> int:
        return int.from_bytes(self[32:64], "big")

    @property
    def v(self) -> int:
        """27 or 28, as ``personal_sign`` and ``eth_signTypedData_v4`` write it (eth-account's ``v`` too)."""
        return self[64]

    @property
    def y_parity(self) -> int:
        return self[64] - 27

    @property
    def is_high_s(self) -> bool:
        return self.s > HALF_N

    def normalized(self) -> Signature:
        """The low-s twin: same signer, ``s`` replaced by ``n - s`` and the parity flipped."""
        if not self.is_high_s:
            return self
        return Signature(self.r, SECP256K1_N - self.s, 1 - self.y_parity)

    def to_bytes(self, *, v_offset: int = 27) -> bytes:
        """65 bytes ``r‖s‖v`` (a plain ``bytes``); ``v_offset=0`` writes v as 0/1 instead of 27/28."""
        if v_offset == 27:
            return bytes(self)
        if v_offset == 0:
            return self[:64] + bytes([self.y_parity])
        raise ValueError("v_offset is 0 or 27")

    def to_hex(self, *, v_offset: int = 27) -> str:
        """``0x`` and 130 hex digits (``bytes.hex()`` is the same digits without the ``0x``)."""
        return "0x" + (self.hex() if v_offset == 27 else self.to_bytes(v_offset=v_offset).hex())

    def to_0x_hex(self) -> str:
        """The name HexBytes (eth-account's signature type) gives :meth:`to_hex`."""
        return self.to_hex()

    def to_compact(self) -> str:
        """EIP-2098: 64 bytes ``r ‖ (yParity << 255 | s)``; defined only for low-s signatures."""
        if self.is_high_s:
            raise SignatureError("a high-s signature has no EIP-2098 compact form", code="SIGNATURE_HIGH_S")
        return "0x" + (self[:32] + ((self.y_parity << 255) | self.s).to_bytes(32, "big")).hex()

    def __str__(self) -> str:
        return self.to_hex()

    def __repr__(self) -> str:
        return f"Signature({self.to_hex()!r})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "signature": self.to_hex(),
            "r": "0x" + self[:32].hex(),
            "s": "0x" + self[32:64].hex(),
            "v": self.v,
            "yParity": self.y_parity,
            "compact": None if self.is_high_s else self.to_compact(),
            "highS": self.is_high_s,
        }


def _signed_message_signature(value: Any) -> Any:
    """The signature bytes of an eth-account ``SignedMessage`` (by class, only when eth-account is imported)."""
    signed_class = loaded_class("eth_account.datastructures", "SignedMessage")
    if signed_class is not None and isinstance(value, signed_class):
        return getattr(value, "signature", value)
    return value


def sign_digest(digest: bytes, key: KeyLike) -> Signature:
    """Sign a 32-byte digest as is: RFC 6979 nonce, low-s, as libsecp256k1 always does.

    No prefix is added: whoever chose these 32 bytes chose what is signed (a transaction hash, a
    permit). The verbs that build the digest themselves (``sign_typed_data``, ``sign_message``) are
    what a program normally wants; the command line signs a bare digest only with ``--no-hash``.
    """
    if type(key) is not PrivateKey:
        key = as_private_key(key)
    if len(digest) != 32:
        raise SignatureError("a digest to sign is exactly 32 bytes", code="SIGNATURE_MALFORMED")
    raw = key._signing_key.sign_recoverable(digest, hasher=None)
    # libsecp256k1 returns r‖s‖recid with r, s in range and s low: the canonical form but for v.
    return Signature._canonical(raw[:64] + _V_BYTE[raw[64]])


def recover_public_key(digest: bytes, signature: Any, *, allow_high_s: bool = False) -> bytes:
    """The 65-byte uncompressed public key that made ``signature`` over ``digest``."""
    sig = Signature.parse(signature)
    if sig.is_high_s:
        if not allow_high_s:
            raise SignatureError(
                "s is in the upper half of the curve order (a malleated signature, refused since EIP-2); "
                "use the low-s form: s' = n - s with v flipped",
                code="SIGNATURE_HIGH_S",
            )
        sig = sig.normalized()
    if _recover is not None and type(digest) is bytes and len(digest) == 32:
        public_key = _recover(digest, sig)
        if public_key is None:
            raise _recovery_failed()
        return public_key
    compact = sig[:64] + bytes([sig.y_parity])
    try:
        public = coincurve.PublicKey.from_signature_and_message(compact, digest, hasher=None)
    except Exception:  # libsecp256k1 says only that recovery failed
        raise _recovery_failed() from None
    return public.format(compressed=False)


def _recovery_failed() -> SignatureError:
    return SignatureError("no public key recovers from this signature and digest (r is not a valid curve point)",
                          code="RECOVERY_FAILED")


def recover_digest(digest: bytes, signature: Any, *, allow_high_s: bool = False) -> str:
    """The EIP-55 address that signed ``digest``."""
    return public_key_to_address(recover_public_key(digest, signature, allow_high_s=allow_high_s))


_ZERO_DIGEST = bytes(32)


def _secp256k1_binding() -> tuple[Any, Any, Any] | None:
    """coincurve's cffi module and global context, or None (then the public API is used)."""
    try:
        from coincurve._libsecp256k1 import ffi, lib
        from coincurve.context import GLOBAL_CONTEXT
    except ImportError:  # pragma: no cover - another coincurve layout
        return None
    if not all(hasattr(lib, f) for f in ("secp256k1_ec_pubkey_create", "secp256k1_ec_pubkey_combine",
                                         "secp256k1_ec_pubkey_serialize", "secp256k1_ec_pubkey_parse",
                                         "secp256k1_ecdsa_recoverable_signature_parse_compact",
                                         "secp256k1_ecdsa_recover")):
        return None  # pragma: no cover
    return ffi, lib, GLOBAL_CONTEXT.ctx


def _bind_recover() -> Callable[[bytes, Signature], bytes | None] | None:
    """Recovery straight through coincurve's cffi binding: the 65-byte public key, or None when none recovers.

    The same three libsecp256k1 calls coincurve's ``PublicKey.from_signature_and_message`` and
    ``format`` make, without the objects around them: a verifier recovers once per request, and
    those objects cost a tenth of the recovery. None when the binding is not there (then
    :func:`recover_public_key` goes through coincurve's public API).
    """
    binding = _secp256k1_binding()
    if binding is None:  # pragma: no cover - another coincurve layout
        return None
    ffi, lib, context = binding
    parse = lib.secp256k1_ecdsa_recoverable_signature_parse_compact
    recover = lib.secp256k1_ecdsa_recover
    serialize = lib.secp256k1_ec_pubkey_serialize
    uncompressed = lib.SECP256K1_EC_UNCOMPRESSED
    new = ffi.new
    buffer = ffi.buffer

    def recover_uncompressed(digest: bytes, signature: Signature) -> bytes | None:
        # libsecp256k1 reads exactly 32 bytes of the digest (the caller passes only those) and 64 of
        # the signature. The buffers are the call's own: the binding releases the GIL, so two
        # threads may be in here at once.
        recoverable = new("secp256k1_ecdsa_recoverable_signature *")
        public = new("secp256k1_pubkey *")
        if not parse(context, recoverable, signature, signature[64] - 27) or not recover(
                context, public, recoverable, digest):
            return None
        out = new("unsigned char[65]")
        serialize(context, out, new("size_t *", 65), public, uncompressed)
        return bytes(buffer(out))

    return recover_uncompressed


_recover = _bind_recover()


class Recoverer:
    """The address bytes (20) that ``signature`` recovers to over any digest, or None when none does.

    For recovering one signature over many digests (the doctor's candidates) at a fraction of a
    full recovery's cost. Recovery of ``(r, s, v)`` over a digest ``z`` gives
    ``Q = r⁻¹·(s·R − z·G)``, where ``R`` is the curve point with x-coordinate ``r`` and parity ``v``.
    Only ``z`` changes from one digest to the next, so ``A = r⁻¹·s·R`` is computed once (a recovery
    over the zero digest) and each digest's point as ``Q = A + t·G`` with ``t = −z·r⁻¹ mod n``: one
    multiplication of the generator through its precomputed table (libsecp256k1's
    ``ec_pubkey_create``) and one point addition (``ec_pubkey_combine``), instead of a double
    multiplication and a square root. Measured side by side on a busy 2-core machine: a full
    recovery 80–110 µs, ``ec_pubkey_tweak_add`` 83–113 µs, create + combine 60–82 µs.

    The arithmetic goes through coincurve's cffi binding when it is there (the same libsecp256k1
    :func:`recover_public_key` uses) and through coincurve's public ``PublicKey.add`` otherwise
    (``fast=False`` forces that); both give the points :func:`recover_public_key` gives, which a
    test checks.
    """

    def __init__(self, signature: Signature, *, fast: bool = True):
        self._anchor = recover_public_key(_ZERO_DIGEST, signature)  # A = r⁻¹·s·R (Q at z = 0)
        self._r_inverse = pow(signature.r, -1, SECP256K1_N)
        binding = _secp256k1_binding() if fast else None
        self.address: Callable[[bytes], bytes | None] = (
            self._address_public if binding is None else self._bind(*binding))

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

    def _bind(self, ffi: Any, lib: Any, context: Any) -> Callable[[bytes], bytes | None]:
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


__all__ = [
    "HALF_N",
    "SECP256K1_N",
    "ZERO_ADDRESS",
    "Recoverer",
    "Signature",
    "public_key_to_address",
    "recover_digest",
    "recover_public_key",
    "sign_digest",
]
