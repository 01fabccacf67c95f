"""Private keys and where they come from — without ever showing them.

A :class:`PrivateKey` is the only object in the kit that holds secret material. Its ``repr`` and
``str`` show the address, never the key; errors about a key describe what is wrong with it (its
length, its range), never its digits; no function here logs or prints.

Sources: a hex string, an environment variable, a file holding hex, an eth-account
``LocalAccount``, an encrypted v3 keystore (password from an argument, an environment variable or a
prompt) and a BIP-39 mnemonic with a derivation path. Keystore decryption and BIP-32 derivation use
eth-account's audited code (eth-keyfile and eth-account), which the ``keys`` extra installs: without
it those two sources are refused with ``EXTRA_MISSING`` and the command to run.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Protocol

import coincurve
from coincurve.context import GLOBAL_CONTEXT

from ..base.errors import KeySourceError
from ..base.extras import loaded_class, require
from .secp256k1 import SECP256K1_N, public_key_to_address

DEFAULT_KEY_ENV = "EIP712KIT_PRIVATE_KEY"
DEFAULT_DERIVATION_PATH = "m/44'/60'/0'/0/0"
_HEX_KEY = r"(?:0x)?[0-9a-fA-F]{64}\Z"


def _signer(secret: bytes) -> coincurve.PrivateKey:
    """libsecp256k1's signing key for ``secret`` (already range-checked), without its public keys.

    ``coincurve.PrivateKey(secret)`` derives two public keys at once — two elliptic-curve
    multiplications, more than a signature costs — which made signing with a hex key about 2.3x
    dearer than with a loaded one. Signing needs only the secret and the context
    (``sign_recoverable``), so the object is made with just those; the public key and address are
    derived when asked (``tests/test_keys.py`` holds this signer to coincurve's own, byte for byte).
    """
    signer: coincurve.PrivateKey = coincurve.PrivateKey.__new__(coincurve.PrivateKey)
    signer.secret = secret
    signer.context = GLOBAL_CONTEXT
    return signer


class PrivateKey:
    """A secp256k1 private key. Shows its address, never itself."""

    __slots__ = ("_address", "_signing_key")

    def __init__(self, secret: bytes):
        if not isinstance(secret, (bytes, bytearray)) or len(secret) != 32:
            raise KeySourceError("a private key is exactly 32 bytes", code="KEY_INVALID")
        if not 0 < int.from_bytes(secret, "big") < SECP256K1_N:
            raise KeySourceError(
                "the private key is zero or not below the secp256k1 curve order", code="KEY_INVALID"
            )
        self._signing_key = _signer(bytes(secret))
        self._address: str | None = None

    @property
    def address(self) -> str:
        """The EIP-55 address this key signs as (derived once, when first asked)."""
        if self._address is None:
            self._address = public_key_to_address(self.public_key)
        return self._address

    @property
    def public_key(self) -> bytes:
        """The 65-byte uncompressed public key."""
        public = coincurve.PublicKey.from_valid_secret(self._signing_key.secret, self._signing_key.context)
        return bytes(public.format(compressed=False))

    def __repr__(self) -> str:
        return f"PrivateKey(address={self.address})"

    __str__ = __repr__

    def __reduce__(self) -> Any:  # keep keys out of pickles (and so out of caches and queues)
        raise TypeError("a PrivateKey cannot be pickled; load it again from its source")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrivateKey) and other.address == self.address

    def __hash__(self) -> int:
        return hash(self.address)

    # -- sources --

    @classmethod
    def from_hex(cls, text: str) -> PrivateKey:
        """From 64 hex digits, with or without ``0x``; surrounding whitespace is ignored."""
        if not isinstance(text, str):
            raise KeySourceError("a hex private key must be a string", code="KEY_INVALID")
        stripped = text.strip()
        if not re.match(_HEX_KEY, stripped):
            raise KeySourceError(
                f"a private key is 64 hex digits (optionally 0x-prefixed); this value has "
                f"{len(stripped)} characters or non-hex characters",
                code="KEY_INVALID",
            )
        return cls(bytes.fromhex(stripped[-64:]))

    @classmethod
    def from_env(cls, name: str = DEFAULT_KEY_ENV) -> PrivateKey:
        """From an environment variable holding hex."""
        value = os.environ.get(name)
        if not value:
            raise KeySourceError(
                f"the environment variable {name} is not set or empty: export the key there "
                "(never pass a key as a command-line argument)",
                code="KEY_NOT_FOUND",
            )
        try:
            return cls.from_hex(value)
        except KeySourceError as exc:
            raise KeySourceError(f"{name}: {exc.message}", code=exc.code) from None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> PrivateKey:
        """From a file holding hex (a keystore JSON file goes to :meth:`from_keystore`)."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KeySourceError(f"key file {path} does not exist", code="KEY_NOT_FOUND") from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:  # ValueError: a NUL in the path
            raise KeySourceError(
                f"key file {path!r} cannot be read ({type(exc).__name__})", code="KEY_NOT_FOUND"
            ) from None
        if text.lstrip().startswith("{"):
            raise KeySourceError(
                f"{path} looks like an encrypted keystore: load it as a keystore (--keystore)",
                code="KEY_INVALID",
            )
        try:
            return cls.from_hex(text)
        except KeySourceError as exc:
            raise KeySourceError(f"key file {path}: {exc.message}", code=exc.code) from None

    @classmethod
    def from_keystore(
        cls,
        path_or_json: str | os.PathLike[str] | dict[str, Any],
        *,
        password: str | None = None,
        password_env: str | None = None,
        prompt: bool = False,
    ) -> PrivateKey:
        """From an encrypted v3 keystore (a path, or the parsed JSON).

        The password comes from ``password``, else the environment variable ``password_env``, else
        an interactive prompt when ``prompt`` is true.
        """
        # The extra first: without it no password helps, so asking for one would send the user the wrong way.
        keyfile = require("eth_keyfile.keyfile", extra="keys", feature="an encrypted keystore",
                          error=KeySourceError)
        if isinstance(path_or_json, dict):
            keystore: Any = path_or_json
            where = "keystore"
        else:
            where = str(path_or_json)
            try:
                keystore = json.loads(Path(path_or_json).read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise KeySourceError(f"keystore {where} does not exist", code="KEY_NOT_FOUND") from None
            except (OSError, UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
                raise KeySourceError(
                    f"keystore {where} is not a readable JSON file ({type(exc).__name__})",
                    code="KEYSTORE_INVALID",
                ) from None
        if password is None and password_env:
            password = os.environ.get(password_env)
            if password is None:
                raise KeySourceError(
                    f"the keystore password variable {password_env} is not set", code="KEY_NOT_FOUND"
                )
        if password is None and prompt:
            import getpass

            password = getpass.getpass(f"Password for {where}: ")
        if password is None:
            raise KeySourceError(
                f"keystore {where} needs a password: pass password=, or password_env= naming the environment "
                "variable that holds it, or prompt=True to ask at the terminal",
                code="KEY_NOT_FOUND",
            )
        try:
            secret = keyfile.decode_keyfile_json(keystore, password.encode("utf-8"))
        except ValueError as exc:
            wrong = "MAC mismatch" in str(exc)
            raise KeySourceError(
                f"keystore {where}: " + ("wrong password" if wrong else "not a valid v3 keystore"),
                code="KEYSTORE_INVALID",
            ) from None
        except Exception as exc:  # malformed structure: KeyError, TypeError deep inside the decoder
            raise KeySourceError(
                f"keystore {where} is not a valid v3 keystore ({type(exc).__name__})", code="KEYSTORE_INVALID"
            ) from None
        return cls(bytes(secret))

    @classmethod
    def from_mnemonic(
        cls, phrase: str, *, path: str = DEFAULT_DERIVATION_PATH, passphrase: str = ""
    ) -> PrivateKey:
        """From a BIP-39 mnemonic and a BIP-32 derivation path (MetaMask's first account by default)."""
        Account = require("eth_account", extra="keys", feature="a BIP-39 mnemonic", error=KeySourceError).Account
        Account.enable_unaudited_hdwallet_features()
        what = ""
        try:
            account = Account.from_mnemonic(" ".join(phrase.split()), passphrase=passphrase, account_path=path)
        except Exception as exc:  # eth-account raises ValidationError/ValueError with the phrase's words
            what = "derivation path" if "path" in str(exc).lower() else "mnemonic phrase"
        if what:
            # Raised outside the except block on purpose: inside it, eth-account's exception (which
            # quotes the phrase) would stay reachable as __context__ even with ``from None``.
            raise KeySourceError(f"the {what} is invalid", code="MNEMONIC_INVALID")
        return cls(bytes(account.key))


def load_key(
    *,
    env: str | None = None,
    file: str | os.PathLike[str] | None = None,
    keystore: str | os.PathLike[str] | None = None,
    password_env: str | None = None,
    prompt: bool = False,
    mnemonic_env: str | None = None,
    path: str = DEFAULT_DERIVATION_PATH,
) -> PrivateKey:
    """One key from exactly one source; with none given, the ``EIP712KIT_PRIVATE_KEY`` variable."""
    given = [s for s in (file, keystore, mnemonic_env) if s is not None]
    if len(given) > 1 or (given and env is not None):
        raise KeySourceError("give exactly one key source", code="KEY_NOT_FOUND")
    if file is not None:
        return PrivateKey.from_file(file)
    if keystore is not None:
        return PrivateKey.from_keystore(keystore, password_env=password_env, prompt=prompt)
    if mnemonic_env is not None:
        require("eth_account", extra="keys", feature="a BIP-39 mnemonic", error=KeySourceError)  # before the phrase
        phrase = os.environ.get(mnemonic_env)
        if not phrase:
            raise KeySourceError(f"the environment variable {mnemonic_env} is not set or empty", code="KEY_NOT_FOUND")
        return PrivateKey.from_mnemonic(phrase, path=path)
    return PrivateKey.from_env(env or DEFAULT_KEY_ENV)


class AccountLike(Protocol):
    """What the kit reads of an eth-account ``LocalAccount`` (for type checkers; the check is by class)."""

    @property
    def key(self) -> bytes: ...

    @property
    def address(self) -> str: ...


KeyLike = PrivateKey | str | bytes | AccountLike
"""Whatever a signing function accepts as a key: a loaded key, 32 raw bytes, a hex string, or a LocalAccount."""


def as_private_key(key: KeyLike) -> PrivateKey:
    """Accept a loaded key, 32 raw bytes, a hex string or an eth-account ``LocalAccount`` wherever a key is taken.

    A ``LocalAccount`` is recognised by its class (eth-account's, and only when eth-account is
    imported, so this costs no import); its key is copied into a :class:`PrivateKey`, which shows
    its address only. Errors name the type that was given, never a value.
    """
    if isinstance(key, PrivateKey):
        return key
    if isinstance(key, (bytes, bytearray)):
        return PrivateKey(bytes(key))
    if isinstance(key, str):
        return PrivateKey.from_hex(key)
    account_class = loaded_class("eth_account.signers.local", "LocalAccount")
    if account_class is not None and isinstance(key, account_class):
        return PrivateKey(bytes(key.key))
    raise KeySourceError(
        f"a key is a PrivateKey, an eth-account LocalAccount, 32 bytes or a hex string, not {type(key).__name__}",
        code="KEY_INVALID",
    )


__all__ = ["DEFAULT_DERIVATION_PATH", "DEFAULT_KEY_ENV", "AccountLike", "KeyLike", "PrivateKey", "as_private_key",
           "load_key"]
