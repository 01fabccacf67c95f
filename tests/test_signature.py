"""Signatures: every wire form parses and round-trips; signing is deterministic, low-s and recoverable."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import eip712kit
from eip712kit import PrivateKey, Signature
from eip712kit.core.signature import HALF_N, SECP256K1_N, sign_digest
from tests.helpers.devkeys import DevKey
from tests.helpers.fuzzing import fuzzed
from tests.helpers.reference import eth_account_sign_text, eth_account_sign_typed
from tests.helpers.strategies import documents

secrets = st.integers(1, SECP256K1_N - 1).map(lambda n: n.to_bytes(32, "big"))


@fuzzed(secrets, st.binary(min_size=32, max_size=32), quick=40, full=200)
def test_sign_then_recover_gives_the_signer(secret: bytes, digest: bytes) -> None:
    key = PrivateKey(secret)
    sig = sign_digest(digest, key)
    assert sig.s <= HALF_N  # EIP-2 low-s, always
    assert eip712kit.recover_digest(digest, sig) == key.address
    assert sign_digest(digest, key) == sig  # RFC 6979: deterministic


@fuzzed(secrets, documents(max_structs=2), quick=30, full=150)
def test_typed_signatures_match_eth_account_byte_for_byte(secret: bytes, doc: dict[str, Any]) -> None:
    sig = eip712kit.sign_typed_data(doc, secret)
    assert sig.to_hex() == eth_account_sign_typed(doc, "0x" + secret.hex())
    assert eip712kit.recover_typed_data(doc, sig.to_hex()) == PrivateKey(secret).address


@fuzzed(secrets, st.one_of(st.text(max_size=200), st.binary(max_size=200)), quick=30, full=150)
def test_personal_sign_matches_eth_account(secret: bytes, message: str | bytes) -> None:
    sig = eip712kit.sign_message(message, secret)
    assert sig.to_hex() == eth_account_sign_text(message, "0x" + secret.hex())
    assert eip712kit.verify_message(message, sig, PrivateKey(secret).address)


@given(st.integers(1, SECP256K1_N - 1), st.integers(1, HALF_N), st.integers(0, 1))
def test_every_wire_form_round_trips(r: int, s: int, parity: int) -> None:
    sig = Signature(r, s, parity)
    assert Signature.parse(sig.to_hex()) == sig
    assert Signature.parse(sig.to_hex(v_offset=0)) == sig
    assert Signature.parse(sig.to_compact()) == sig
    assert Signature.parse(bytes.fromhex(sig.to_hex()[2:])) == sig
    assert len(sig.to_compact()) == 2 + 128 and len(sig.to_hex()) == 2 + 130


def test_eip2098_example() -> None:
    # The example published in EIP-2098.
    full = ("0x68a020a209d3d56c46f38cc50a33f704f4a9a10a59377f8dd762ac66910e9b90"
            "7e865ad05c4035ab5792787d4a0297a43617ae897930a6fe4d822b8faea52064" "1b")
    compact = ("0x68a020a209d3d56c46f38cc50a33f704f4a9a10a59377f8dd762ac66910e9b90"
               "7e865ad05c4035ab5792787d4a0297a43617ae897930a6fe4d822b8faea52064")
    assert Signature.parse(full).to_compact() == compact
    assert Signature.parse(compact) == Signature.parse(full)


def test_v_zero_one_and_27_28_are_the_same_signature(dev_key: DevKey) -> None:
    key, address = dev_key
    sig = eip712kit.sign_message("hello", key)
    assert eip712kit.recover_message("hello", sig.to_hex(v_offset=0)) == address
    assert eip712kit.recover_message("hello", sig.to_hex()) == address


def test_normalized_high_s_twin_recovers_the_same_signer(dev_key: DevKey) -> None:
    key, address = dev_key
    sig = eip712kit.sign_message("hello", key)
    twin = Signature(sig.r, SECP256K1_N - sig.s, 1 - sig.y_parity)
    assert twin.is_high_s and twin.normalized() == sig
    assert eip712kit.recover_message("hello", twin, allow_high_s=True) == address


def test_recovery_failure_is_an_error_not_a_crash() -> None:
    # r = 5 is no x-coordinate of a point on the curve with this parity/digest combination in most cases;
    # search a few for one that libsecp256k1 refuses.
    refused = 0
    for r in range(1, 50):
        try:
            eip712kit.recover_digest(b"\x01" * 32, Signature(r, 1, 0))
        except eip712kit.SignatureError as exc:
            assert exc.code == "RECOVERY_FAILED"
            refused += 1
    assert refused > 0


@fuzzed(st.binary(min_size=32, max_size=32), st.integers(1, SECP256K1_N - 1), st.integers(1, HALF_N),
        st.integers(0, 1), quick=60, full=400)
def test_recovery_through_the_binding_is_coincurves(digest: bytes, r: int, s: int, parity: int) -> None:
    # recover_public_key calls libsecp256k1 through coincurve's cffi binding (three calls, no objects);
    # coincurve's public API is the reference, for keys and for failures (an r that is no curve point).
    import coincurve

    from eip712kit.core import signature as module

    assert module._recover is not None  # the binding is there on every platform coincurve ships
    sig = Signature(r, s, parity)
    try:
        expected: bytes | None = coincurve.PublicKey.from_signature_and_message(
            sig[:64] + bytes([parity]), digest, hasher=None).format(compressed=False)
    except Exception:
        expected = None
    assert module._recover(digest, sig) == expected
    if expected is None:
        try:
            eip712kit.core.signature.recover_public_key(digest, sig)
        except eip712kit.SignatureError as exc:
            assert exc.code == "RECOVERY_FAILED"
        else:
            raise AssertionError("recovery should have failed")


def test_a_digest_that_is_not_32_bytes_still_fails_to_recover(dev_key: DevKey) -> None:
    # the binding reads exactly 32 bytes, so only a 32-byte digest is handed to it
    key, _ = dev_key
    sig = sign_digest(bytes(32), key)
    for digest in (bytes(31), bytes(33), b""):
        try:
            eip712kit.core.signature.recover_public_key(digest, sig)
        except eip712kit.SignatureError as exc:
            assert exc.code == "RECOVERY_FAILED"
        else:
            raise AssertionError(f"a {len(digest)}-byte digest recovered")
