"""eth-account's own objects in and out: LocalAccount, SignableMessage, SignedMessage, HexBytes, bytes addresses.

Every test builds the eth-account value with eth-account itself and holds the kit's result to what
eth-account computes for it (docs/eth-account.md is the page these pin).
"""

from __future__ import annotations

import copy
import pickle
import sys
from typing import Any

import pytest
from eth_account import Account
from eth_account.datastructures import SignedMessage
from eth_account.messages import SignableMessage, encode_defunct, encode_typed_data
from hexbytes import HexBytes

import eip712kit
from eip712kit import Eip712KitError, PrivateKey, Signature, interop
from eip712kit.core.signature import SECP256K1_N
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.examples import mail, order_document

KEY, ADDRESS = DEV_KEYS[0]  # PUBLIC development key (Hardhat #0)
OTHER_KEY, OTHER = DEV_KEYS[1]  # PUBLIC development key (Hardhat #1)
ACCOUNT = Account.from_key(KEY)


# --- Signature is bytes -------------------------------------------------------------------------

def test_a_signature_is_its_65_bytes_for_bytes_hexbytes_and_equality() -> None:
    ours = eip712kit.sign_typed_data(mail(), KEY)
    theirs = Account.sign_message(encode_typed_data(full_message=mail()), KEY)
    assert bytes(ours) == bytes(theirs.signature) and len(ours) == 65
    assert ours == theirs.signature and theirs.signature == ours  # HexBytes on either side
    assert HexBytes(ours) == theirs.signature
    assert ours == bytes(theirs.signature) and bytearray(ours) == bytes(theirs.signature)
    assert (ours.r, ours.s, ours.v) == (theirs.r, theirs.s, theirs.v)
    assert ours.hex() == bytes(theirs.signature).hex() and ours.to_0x_hex() == theirs.signature.to_0x_hex()


def test_equality_is_of_the_canonical_form_and_never_with_text() -> None:
    sig = eip712kit.sign_message("hello", KEY)
    assert sig != sig.to_bytes(v_offset=0)  # v as 0/1 is other bytes ...
    assert Signature.parse(sig.to_bytes(v_offset=0)) == sig  # ... and the same signature once parsed
    assert Signature.parse(sig.to_compact()) == sig
    assert sig != sig.to_hex()  # type: ignore[comparison-overlap]  # as HexBytes: bytes never equal a str
    assert {sig: 1}[Signature.parse(sig.to_hex())] == 1  # hashable, by value


def test_a_signature_stays_immutable_and_pickles_as_itself() -> None:
    sig = eip712kit.sign_message("hello", KEY)
    with pytest.raises(AttributeError):
        sig.r = 1  # type: ignore[misc]
    copied = pickle.loads(pickle.dumps(sig))
    assert type(copied) is Signature and copied == sig and copy.deepcopy(sig) == sig
    assert repr(sig) == f"Signature('{sig.to_hex()}')" and str(sig) == sig.to_hex()


def test_out_of_range_parts_are_still_refused() -> None:
    sig = eip712kit.sign_message("hello", KEY)
    for bad in (bytes(32) + bytes(sig)[32:], bytes(sig)[:32] + SECP256K1_N.to_bytes(32, "big") + b"\x1b"):
        with pytest.raises(Eip712KitError) as info:
            Signature.parse(bad)
        assert info.value.code == "SIGNATURE_MALFORMED"


# --- LocalAccount as a key -----------------------------------------------------------------------

def test_a_local_account_signs_wherever_a_key_is_taken() -> None:
    from eip712kit.core.signature import sign_digest
    from eip712kit.protocols import alura, sera

    doc = order_document()
    expected = Account.sign_message(encode_typed_data(full_message=doc), KEY).signature
    assert eip712kit.sign_typed_data(doc, ACCOUNT) == expected
    assert eip712kit.sign_message("hello", ACCOUNT) == Account.sign_message(encode_defunct(text="hello"), KEY).signature
    assert sign_digest(b"\x01" * 32, ACCOUNT) == sign_digest(b"\x01" * 32, KEY)
    cancel = sera.CancelOrder(owner=ADDRESS, orderId=1)
    assert cancel.sign(ACCOUNT, sera.DOMAIN) == cancel.sign(KEY, sera.DOMAIN)
    challenge = alura.parse_challenge({"address": ADDRESS, "nonce": "n1", "message": f"Sign in\n{ADDRESS}\nNonce: n1"})
    assert challenge.sign(ACCOUNT) == challenge.sign(KEY)
    with pytest.raises(Eip712KitError) as info:  # another account's key for this signer: refused as any key is
        challenge.sign(Account.from_key(OTHER_KEY))
    assert info.value.code == "KEY_MISMATCH"


def test_a_local_account_key_never_shows_in_a_repr_or_an_error() -> None:
    loaded = eip712kit.core.keys.as_private_key(ACCOUNT)
    assert repr(loaded) == f"PrivateKey(address={ADDRESS})"
    with pytest.raises(Eip712KitError) as info:
        eip712kit.sign_message("hello", object())  # type: ignore[arg-type]
    text = str(info.value) + repr(info.value)
    assert "LocalAccount" in text and KEY[2:].lower() not in text.lower()


def test_an_object_that_only_looks_like_an_account_is_not_a_key() -> None:
    class Lookalike:
        key = bytes.fromhex(KEY[2:])
        address = ADDRESS

    with pytest.raises(Eip712KitError) as info:
        eip712kit.sign_message("hello", Lookalike())
    assert info.value.code == "KEY_INVALID" and KEY[2:] not in str(info.value)


# --- SignableMessage / SignedMessage ------------------------------------------------------------

@pytest.mark.parametrize("message", ["Sign in to Alura", "", "ünïcode\n", b"\x00\x01raw", b"\x19" * 32])
def test_encode_defunct_builds_eth_accounts_signable_message(message: str | bytes) -> None:
    theirs = encode_defunct(primitive=message) if isinstance(message, bytes) else encode_defunct(text=message)
    ours = interop.encode_defunct(message)
    assert isinstance(ours, SignableMessage) and ours == theirs


def test_hex_true_is_eth_accounts_hexstr() -> None:
    assert interop.encode_defunct("0xabab", hex=True) == encode_defunct(hexstr="0xabab")
    assert interop.encode_defunct("0xabab") == encode_defunct(text="0xabab")  # text unless told: the kit's rule


@pytest.mark.parametrize("doc", [mail(), order_document()], ids=["mail", "sera-order"])
def test_encode_typed_data_builds_eth_accounts_signable_message(doc: dict[str, Any]) -> None:
    ours = interop.encode_typed_data(doc)
    theirs = encode_typed_data(full_message=doc)
    assert (ours.version, bytes(ours.header)) == (theirs.version, bytes(theirs.header))
    assert interop.signable_digest(ours) == interop.signable_digest(theirs) == eip712kit.hash_typed_data(doc)
    assert interop.encode_typed_data(eip712kit.TypedData(doc)) == ours


def test_a_domain_only_document_has_an_empty_body() -> None:
    # eth-account cannot derive a primary type here; the kit hashes it as eth-sig-util v4 does.
    doc = {"types": {"EIP712Domain": [{"name": "name", "type": "string"}]}, "primaryType": "EIP712Domain",
           "domain": {"name": "only a domain"}, "message": {}}
    signable = interop.encode_typed_data(doc)
    assert signable.body == b"" and interop.signable_digest(signable) == eip712kit.hash_typed_data(doc)


@pytest.mark.parametrize("signable", [encode_defunct(text="hello"), encode_typed_data(full_message=mail())],
                         ids=["personal_sign", "eip712"])
def test_sign_and_recover_a_signable_message_as_eth_account_does(signable: SignableMessage) -> None:
    theirs = Account.sign_message(signable, KEY)
    ours = interop.account_sign_message(signable, ACCOUNT)
    assert isinstance(ours, SignedMessage) and ours == theirs
    assert interop.account_recover_message(signable, ours.signature) == Account.recover_message(signable,
                                                                                        signature=theirs.signature)
    assert eip712kit.sign_message(signable, KEY) == theirs.signature  # the verbs take it too
    assert eip712kit.recover_message(signable, theirs) == ADDRESS
    assert eip712kit.verify_message(signable, theirs.signature, ADDRESS)
    assert interop.from_signed_message(theirs) == theirs.signature


def test_a_signed_message_converts_both_ways() -> None:
    digest = eip712kit.hash_typed_data(mail())
    sig = eip712kit.sign_typed_data(mail(), KEY)
    signed = interop.to_signed_message(sig, digest)
    assert signed == Account.sign_message(encode_typed_data(full_message=mail()), KEY)
    assert signed.message_hash == digest and interop.from_signed_message(signed) == sig
    assert eip712kit.verify_typed_data(mail(), signed, ADDRESS)  # a SignedMessage is taken as a signature


def test_recover_message_takes_text_where_eth_account_takes_a_signable_message() -> None:
    signed = Account.sign_message(encode_defunct(text="hello"), KEY)
    assert eip712kit.recover_message("hello", signed.signature) == ADDRESS
    with pytest.raises(Eip712KitError) as info:
        eip712kit.recover_message(encode_defunct(text="hello"), signed.signature, hex=True)
    assert info.value.code == "INVALID_MESSAGE"
    with pytest.raises(Eip712KitError) as info:
        interop.signable_digest(("E", b"", b""))  # type: ignore[arg-type]
    assert info.value.code == "INVALID_MESSAGE"


def test_high_s_is_refused_where_eth_account_recovers_it() -> None:
    signable = encode_defunct(text="hello")
    sig = eip712kit.sign_message(signable, KEY)
    twin = Signature(sig.r, SECP256K1_N - sig.s, 1 - sig.y_parity)
    assert Account.recover_message(signable, signature=bytes(twin)) == ADDRESS  # eth-account: any s
    with pytest.raises(Eip712KitError) as info:
        interop.account_recover_message(signable, twin)
    assert info.value.code == "SIGNATURE_HIGH_S"
    assert interop.account_recover_message(signable, twin, allow_high_s=True) == ADDRESS


# --- addresses as bytes -------------------------------------------------------------------------

def test_a_20_byte_address_is_an_expected_signer() -> None:
    sig = eip712kit.sign_typed_data(mail(), KEY)
    raw = bytes.fromhex(ADDRESS[2:])
    assert eip712kit.verify_typed_data(mail(), sig, raw) and eip712kit.verify_typed_data(mail(), sig, HexBytes(raw))
    verdict = eip712kit.check_message("hello", eip712kit.sign_message("hello", KEY), raw)
    assert verdict.valid and verdict.expected == ADDRESS
    assert not eip712kit.verify_typed_data(mail(), sig, bytes.fromhex(OTHER[2:]))
    with pytest.raises(Eip712KitError) as info:
        eip712kit.verify_typed_data(mail(), sig, raw[:19])
    assert info.value.code == "INVALID_ADDRESS" and "20 bytes" in info.value.message


def test_the_keys_extra_names_itself_when_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes an import fail as if the package were not installed.
    for name in ("eth_account", "eth_account.messages", "eth_keyfile", "eth_keyfile.keyfile"):
        monkeypatch.setitem(sys.modules, name, None)
    for call in (lambda: PrivateKey.from_mnemonic("test " * 11 + "junk"),
                 lambda: PrivateKey.from_keystore({"version": 3}, password="x"),
                 lambda: interop.encode_defunct("hello")):
        with pytest.raises(Eip712KitError) as info:
            call()
        assert info.value.code == "EXTRA_MISSING"
        assert info.value.message.endswith("pip install 'eip712kit[keys]'"), info.value.message
