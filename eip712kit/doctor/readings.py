"""How the signature bytes were written: v as 0/1 or 27/28, compact, high-s, and misreadings.

These mistakes do not change the digest, so they compose with every other hypothesis for free:
the signature is read once into its canonical low-s form, the form facts are remembered, and they
become findings only when some digest recovers the expected address with that reading.

Two malformed inputs that the core rightly refuses are still *read* here, because they are
recognisable mistakes rather than noise: an EIP-155 transaction ``v`` (``chainId*2 + 35 + parity``)
and an EIP-2098 compact signature with a ``v`` byte appended (``s`` then carries the parity in its
top bit and is above the curve order). Anything else malformed is bad input.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from ..base.errors import Eip712KitError, SignatureError
from ..base.parsers import parse_hex_bytes
from ..core.signature import SECP256K1_N, Signature
from .findings import Finding, Variant
from .registry import hypothesis

_TOP_BIT = 1 << 255


@dataclass(frozen=True)
class Reading:
    """The signature as the doctor recovers with it, and what its written form says."""

    signature: Signature
    """Canonical: low-s, parity as recovered."""
    findings: tuple[Finding, ...]
    """Form facts (v 0/1, compact, high-s ...), claimed only if a digest then recovers the signer."""
    accepted: bool
    """Whether the kit's verify accepts this form when the digest is right (high-s and misreadings: no)."""
    given: str
    """The signature as given, 0x-hex."""
    alternatives: tuple[Reading, ...] = ()
    """Other readings of the same bytes, tried over the document's digest only (a compact
    signature with v appended can parse as a valid high-s one)."""


def read_signature(value: Any) -> Reading:
    """Read a signature as the doctor does; refuse (SignatureError) what is no recognisable signature."""
    if isinstance(value, Signature):
        raw = value.to_bytes()
    else:
        try:
            raw = parse_hex_bytes(value.strip() if isinstance(value, str) else value)
        except Eip712KitError:
            raise SignatureError(
                "a signature is 0x followed by 130 hex digits (65 bytes r‖s‖v) or 128 (64-byte compact)",
                code="SIGNATURE_MALFORMED",
                path="signature",
            ) from None
    given = "0x" + raw.hex()
    try:
        sig = Signature.parse(raw)
    except SignatureError as exc:
        reading = _misreading(raw, given)
        if reading is None:
            raise exc.at("signature") from None
        return reading
    findings: list[Finding] = []
    if len(raw) == 64:
        findings.append(Finding(
            "SIGNATURE_COMPACT",
            "The signature is the 64-byte EIP-2098 compact form (parity folded into s). It is correct, but a "
            "server or contract that expects 65 bytes (r‖s‖v, 130 hex digits) refuses it: send "
            f"{sig.normalized().to_hex()}.",
            step="signature encoding", signed_value=given, given_value=sig.normalized().to_hex(),
        ))
    elif raw[64] in (0, 1):
        findings.append(Finding(
            "SIGNATURE_V_0_1",
            f"v is written as {raw[64]} (a recovery id) rather than {raw[64] + 27}. The kit and most libraries "
            "accept it, but Solidity's ecrecover and servers that check v strictly need 27/28: send "
            f"{sig.normalized().to_hex()}.",
            step="signature encoding", signed_value=raw[64], given_value=raw[64] + 27,
        ))
    if sig.is_high_s:
        findings.append(Finding(
            "SIGNATURE_HIGH_S",
            "s is in the upper half of the curve order (a malleated signature): it recovers the signer only "
            "when read as its low-s twin, and EIP-2 verifiers (OpenZeppelin ECDSA, most servers) refuse it. "
            f"Sign with a library that normalises s, or send the low-s form {sig.normalized().to_hex()}.",
            step="signature encoding",
            signed_value="0x" + sig.s.to_bytes(32, "big").hex(),
            given_value="0x" + sig.normalized().s.to_bytes(32, "big").hex(),
        ))
    alternative = _compact_with_v(raw, given) if sig.is_high_s else None
    return Reading(sig.normalized(), tuple(findings), not sig.is_high_s, given,
                   () if alternative is None else (alternative,))


def _compact_with_v(raw: bytes, given: str) -> Reading | None:
    """The 64-byte EIP-2098 form with a v byte appended: s carries the parity in its top bit."""
    if len(raw) != 65 or raw[64] not in (0, 1, 27, 28):
        return None
    r = int.from_bytes(raw[:32], "big")
    s = int.from_bytes(raw[32:64], "big")
    if not s & _TOP_BIT or not 0 < s ^ _TOP_BIT < SECP256K1_N:
        return None
    try:
        sig = Signature(r, s ^ _TOP_BIT, 1).normalized()
    except SignatureError:
        return None
    return Reading(sig, (Finding(
        "SIGNATURE_COMPACT_WITH_V",
        "The 64-byte EIP-2098 form (parity in the top bit of s) was sent with a v byte appended, so s reads as a "
        f"different number. Send the 65-byte form {sig.to_hex()} or the 64-byte compact form alone.",
        step="signature encoding", signed_value=given, given_value=sig.to_hex(),
    ),), False, given)


def _misreading(raw: bytes, given: str) -> Reading | None:
    if len(raw) != 65:
        return None
    r = int.from_bytes(raw[:32], "big")
    s = int.from_bytes(raw[32:64], "big")
    v = raw[64]
    if v >= 35 and 0 < s < SECP256K1_N:
        parity = (v - 35) % 2
        try:
            sig = Signature(r, s, parity).normalized()
        except SignatureError:
            return None
        return Reading(sig, (Finding(
            "SIGNATURE_V_EIP155",
            f"v is {v}, an EIP-155 transaction value (chainId {(v - 35) // 2} × 2 + 35 + parity {parity}). "
            f"Message signatures carry v = 27 or 28: send {sig.to_hex()}.",
            step="signature encoding", signed_value=v, given_value=27 + parity,
        ),), False, given)
    return _compact_with_v(raw, given)


class _Signed(Protocol):
    """Any diagnosis context (typed data or text): only the signature is read."""

    signature: Signature


@hypothesis("v-parity", "signature", "the signature with v's parity flipped (27 <-> 28)", tier=0)
def flipped_parity(ctx: _Signed) -> Iterator[Variant[Signature]]:
    sig = ctx.signature
    flipped = Signature(sig.r, sig.s, 1 - sig.y_parity)
    yield Variant(flipped, (Finding(
        "SIGNATURE_V_PARITY",
        f"v has the wrong parity: the signature recovers the signer with v = {flipped.v}, not {sig.v}. Usually s "
        "was replaced by n − s (normalised) without flipping v, or v was computed from the wrong recovery id; "
        f"send {flipped.to_hex()}.",
        step="signature encoding", signed_value=flipped.v, given_value=sig.v,
    ),), compose=False)


__all__ = ["Reading", "read_signature"]
