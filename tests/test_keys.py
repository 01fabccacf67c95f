"""Key sources, and the promise that a key never shows itself."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import coincurve
import pytest
from eth_account import Account
from hypothesis import given, settings
from hypothesis import strategies as st

from eip712kit import KeySourceError, PrivateKey, load_key
from eip712kit.core.keys import as_private_key
from eip712kit.core.secp256k1 import SECP256K1_N
from eip712kit.core.signature import sign_digest
from tests.helpers.devkeys import DEV_ADDRESS, DEV_KEY

# The Hardhat/Anvil PUBLIC development mnemonic; account 0 is DEV_KEY.
DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_HEX_FORMS = [DEV_KEY, DEV_KEY[2:], DEV_KEY.upper(), DEV_KEY[2:].upper()]


def assert_hidden(text: str) -> None:
    for form in DEV_HEX_FORMS:
        assert form.lower() not in text.lower()


def test_from_hex_with_or_without_prefix_and_whitespace() -> None:
    for text in (DEV_KEY, DEV_KEY[2:], f"  {DEV_KEY}\n"):
        assert PrivateKey.from_hex(text).address == DEV_ADDRESS


def test_repr_and_str_show_the_address_only() -> None:
    key = PrivateKey.from_hex(DEV_KEY)
    assert repr(key) == str(key) == f"PrivateKey(address={DEV_ADDRESS})"
    assert_hidden(repr(key) + str(key) + f"{key}")


def test_a_key_cannot_be_pickled() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(PrivateKey.from_hex(DEV_KEY))


def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EIP712KIT_PRIVATE_KEY", DEV_KEY)
    assert load_key().address == DEV_ADDRESS
    monkeypatch.setenv("MY_KEY", DEV_KEY[2:])
    assert load_key(env="MY_KEY").address == DEV_ADDRESS
    monkeypatch.delenv("MY_KEY")
    with pytest.raises(KeySourceError) as err:
        load_key(env="MY_KEY")
    assert err.value.code == "KEY_NOT_FOUND" and "MY_KEY" in err.value.message


def test_from_file(tmp_path: Path) -> None:
    path = tmp_path / "key.hex"
    path.write_text(DEV_KEY + "\n")
    assert load_key(file=path).address == DEV_ADDRESS
    with pytest.raises(KeySourceError) as err:
        load_key(file=tmp_path / "missing")
    assert err.value.code == "KEY_NOT_FOUND"


def test_from_keystore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keystore = Account.encrypt(DEV_KEY, "correct horse", kdf="scrypt", iterations=2)
    path = tmp_path / "keystore.json"
    path.write_text(json.dumps(keystore))
    monkeypatch.setenv("KS_PASSWORD", "correct horse")
    assert load_key(keystore=path, password_env="KS_PASSWORD").address == DEV_ADDRESS
    monkeypatch.setenv("KS_PASSWORD", "wrong horse")
    with pytest.raises(KeySourceError) as err:
        load_key(keystore=path, password_env="KS_PASSWORD")
    assert err.value.code == "KEYSTORE_INVALID" and "wrong password" in err.value.message
    assert "horse" not in str(err.value)
    path.write_text('{"version": 3}')
    with pytest.raises(KeySourceError) as err:
        PrivateKey.from_keystore(path, password="x")
    assert err.value.code == "KEYSTORE_INVALID"


def test_from_mnemonic(monkeypatch: pytest.MonkeyPatch) -> None:
    assert PrivateKey.from_mnemonic(DEV_MNEMONIC).address == DEV_ADDRESS
    assert PrivateKey.from_mnemonic(DEV_MNEMONIC, path="m/44'/60'/0'/0/1").address == (
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
    monkeypatch.setenv("MNEMONIC", DEV_MNEMONIC)
    assert load_key(mnemonic_env="MNEMONIC").address == DEV_ADDRESS
    with pytest.raises(KeySourceError) as err:
        PrivateKey.from_mnemonic("test " * 11 + "wrong")
    assert err.value.code == "MNEMONIC_INVALID" and "test" not in err.value.message


@pytest.mark.parametrize(
    "bad",
    [DEV_KEY[:-2], DEV_KEY + "00", DEV_KEY[:-1] + "g", "0x" + "00" * 32, "0x" + "ff" * 32, ""],
)
def test_invalid_keys_are_refused_without_echoing_them(bad: str) -> None:
    with pytest.raises(KeySourceError) as err:
        PrivateKey.from_hex(bad)
    assert err.value.code == "KEY_INVALID"
    assert_hidden(str(err.value))
    if len(bad) > 8:
        assert bad[2:20].lower() not in str(err.value).lower()


def test_only_one_key_source(tmp_path: Path) -> None:
    with pytest.raises(KeySourceError):
        load_key(env="A", file=tmp_path / "x")


def test_a_nul_in_a_key_path_is_a_key_error(tmp_path: Path) -> None:
    for load in (PrivateKey.from_file, lambda p: PrivateKey.from_keystore(p, password="x")):
        with pytest.raises(KeySourceError):
            load(str(tmp_path / "a\x00b"))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, SECP256K1_N - 1), st.binary(min_size=32, max_size=32))
def test_the_lazy_signer_is_coincurves_own_key_byte_for_byte(secret: int, digest: bytes) -> None:
    # PrivateKey skips coincurve's eager public-key derivation (see keys._signer); the signature,
    # public key and address must stay exactly coincurve's.
    raw = secret.to_bytes(32, "big")
    key, reference = PrivateKey(raw), coincurve.PrivateKey(raw)
    assert key._signing_key.sign_recoverable(digest, hasher=None) == reference.sign_recoverable(digest, hasher=None)
    assert key.public_key == reference.public_key.format(compressed=False)
    assert key.address == Account.from_key(raw).address
    assert sign_digest(digest, key) == sign_digest(digest, as_private_key("0x" + raw.hex()))
