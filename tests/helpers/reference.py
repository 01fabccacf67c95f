"""eth-account as the independent reference the tests compare against."""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from eth_utils import keccak


def eth_account_digest(doc: dict[str, Any]) -> bytes:
    signable = encode_typed_data(full_message=doc)
    return bytes(keccak(b"\x19" + signable.version + signable.header + signable.body))


def eth_account_parts(doc: dict[str, Any]) -> tuple[bytes, bytes]:
    """(domain separator, struct hash) as eth-account computes them."""
    signable = encode_typed_data(full_message=doc)
    return bytes(signable.header), bytes(signable.body)


def eth_account_sign_typed(doc: dict[str, Any], key: str) -> str:
    return "0x" + bytes(Account.sign_message(encode_typed_data(full_message=doc), key).signature).hex()


def eth_account_sign_text(text: str | bytes, key: str) -> str:
    message = encode_defunct(primitive=text) if isinstance(text, bytes) else encode_defunct(text=text)
    return "0x" + bytes(Account.sign_message(message, key).signature).hex()
