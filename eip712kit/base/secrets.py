"""What key material looks like, by name and by value: the one rule for every place that must keep it out.

Two places use it: the conformance runner, which starts an adapter without key material and refuses
to start one while its own environment holds some (``conformance/adapter.py``); and the signature
debugger, which never sends or keeps a key or a phrase pasted where a signature goes
(``server/debug.py``, mirrored in ``server/static/debug/debug.js``, whose two patterns a test holds equal
to these).

A name says "secret" when it holds a marker (:data:`SECRET_NAME_MARKERS`, anywhere in it, any case) or
is made of parts one of which is a short word for one (:data:`SECRET_NAME_PARTS`: ``DEPLOYER_PK``,
``WALLET_SEED``, ``KEYSTORE_PASS``; not ``PYTHONHASHSEED`` or ``BYPASS``, and never ``PWD``, the working
directory). A value says "key" when it holds 32 bytes of hex standing alone (``0x``/``0X`` or none, any
case: a private key's size) or is, whole, a list of 12 to 24 words of 3 to 8 letters separated by spaces
or commas (the shape of a BIP-39 phrase, in any capitalisation). The rules lean to refusing: a false
alarm costs a sentence naming the variable, a miss costs a key.
"""

from __future__ import annotations

import re
from typing import Literal

SECRET_NAME_MARKERS: tuple[str, ...] = (
    "PRIVATE_KEY", "PRIVATEKEY", "PRIV_KEY", "PRIVKEY", "SECRET", "MNEMONIC", "SEED_PHRASE", "PASSWORD",
    "PASSPHRASE",
)
"""A variable whose name holds one of these (any case) is secret."""
SECRET_NAME_PARTS: tuple[str, ...] = ("PK", "SEED", "PASS", "PASSWD")
"""A variable with one of these as a whole ``_``-separated part of its name (any case) is secret."""

HEX_KEY = r"(0[xX])?[0-9a-fA-F]{64}"
"""32 bytes of hex, the size of a private key (a whole field; the debugger's page has it as ``^…$``)."""
MNEMONIC_WORDS = r"[A-Za-z]{3,8}((\s*,\s*|\s+)[A-Za-z]{3,8}){11,23}"
"""12 to 24 words of 3 to 8 letters (as every BIP-39 English word is) separated by spaces or commas: the shape of
a mnemonic phrase (a whole field). An English sentence of that length almost always has a shorter word."""

_HEX_KEY_INSIDE = re.compile(r"(?<![0-9A-Za-z])" + HEX_KEY + r"(?![0-9A-Za-z])")
_PARTS = re.compile(r"[^0-9A-Z]+")


def is_secret_name(name: str) -> bool:
    """Whether a variable's name says it holds a key, a phrase, a seed, a password or a secret."""
    upper = name.upper()
    return any(marker in upper for marker in SECRET_NAME_MARKERS) or any(
        part in SECRET_NAME_PARTS for part in _PARTS.split(upper))


def secret_shape(text: str) -> Literal["key", "phrase"] | None:
    """What a field, whole (surrounding blanks and quotes aside), is shaped as: a private key's hex, a phrase's
    words, or neither."""
    bare = text.strip().strip("'\"").strip()
    if re.fullmatch(HEX_KEY, bare):
        return "key"
    if re.fullmatch(MNEMONIC_WORDS, bare):
        return "phrase"
    return None


def key_shaped(text: str) -> bool:
    """Whether a field, whole (surrounding blanks and quotes aside), is a private key's hex or a phrase's words."""
    return secret_shape(text) is not None


def holds_key_material(value: str) -> bool:
    """Whether a value is key-shaped, or holds a private key's hex among other text (``KEYS=0x…,0x…``)."""
    return key_shaped(value) or _HEX_KEY_INSIDE.search(value) is not None


__all__ = [
    "HEX_KEY",
    "MNEMONIC_WORDS",
    "SECRET_NAME_MARKERS",
    "SECRET_NAME_PARTS",
    "holds_key_material",
    "is_secret_name",
    "key_shaped",
    "secret_shape",
]
