"""The alura suite: EIP-191 personal_sign of Alura login challenges and the message shapes around them."""

from __future__ import annotations

import hashlib
from typing import Any

from .common import (
    DEV0,
    KEYS,
)
from .suite import Suite


def alura_challenge(address: str, nonce: str, issued_at: str) -> str:
    """A login challenge in the shape Alura's ``POST /auth/evm/challenge`` returns it (EIP-4361 style).

    The seed document shows only ``{address, nonce, message}``; this text is illustrative, and the
    point of the vector is that the exact text (newlines included) is what gets signed.
    """
    return (
        "testnet.alura.fun wants you to sign in with your Ethereum account:\n"
        f"{address}\n\n"
        "Sign in to Alura.\n\n"
        "URI: https://testnet-api.alura.fun\n"
        "Version: 1\n"
        "Chain ID: 1\n"
        f"Nonce: {nonce}\n"
        f"Issued At: {issued_at}"
    )


def build_alura(att: dict[str, Any]) -> Suite:
    s = Suite("alura", "EIP-191 personal_sign: Alura login challenges and the message shapes around them "
              "(unicode, raw bytes, empty, hex-looking text).", att)
    for i, (key, nonce, at) in enumerate([
        ("dev0", "7d2c1f0a9b", "2026-03-29T10:15:00.000Z"),
        ("dev1", "0000000000", "2026-01-01T00:00:00.000Z"),
        ("dev2", "f" * 32, "2026-12-31T23:59:59.999Z"),
    ]):
        address = KEYS[key]["address"]
        s.personal(f"challenge-{i + 1}", "An Alura login challenge, signed by the wallet it names.",
                   alura_challenge(address, nonce, at), key=key)
    s.personal("challenge-lowercase-address", "A challenge naming the address in lower case (signed as written).",
               alura_challenge(DEV0.lower(), "abc123", "2026-03-29T10:15:00.000Z"))
    s.personal("challenge-short", "A one-line challenge.", "Sign this message to log in to Alura: nonce 123456")
    s.personal("challenge-crlf", "A challenge with CRLF line ends: the bytes, not the lines, are signed.",
               "Alura login\r\nNonce: 42\r\n")
    s.personal("challenge-unsigned", "A challenge with no key: only the digest.",
               alura_challenge(DEV0, "nokey", "2026-03-29T10:15:00.000Z"), key=None)
    for label, text in (("hello", "hello"), ("empty", ""), ("space", " "), ("unicode", "登录 Alura ✓ — ñ"),
                        ("emoji", "🔐🦊"), ("newlines", "line 1\nline 2\n\nline 4"),
                        ("hex-looking", "0x1234"), ("hex-looking-long", "0x" + "ab" * 32),
                        ("nul", "a\u0000b"), ("long", "Alura " * 400),
                        ("length-10", "0123456789"), ("length-100", "x" * 100)):
        s.personal(f"text-{label}", f"UTF-8 text: {label} (its byte length goes into the prefix).", text)
    for label, hexdata in (("empty", "0x"), ("one-byte", "0x00"), ("bytes-3", "0x010203"),
                           ("hash-32", "0x" + hashlib.sha256(b"alura").hexdigest()),
                           ("non-utf8", "0xfffe80c0"), ("uppercase-hex", "0xDEADBEEF")):
        s.personal(f"bytes-{label}", f"Raw bytes given as hex ({label}), signed as bytes, not as text.",
                   hexdata, encoding="hex")
    s.personal("text-dev1", "The same text signed by another key.", "hello", key="dev1")
    return s
