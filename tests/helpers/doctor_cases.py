"""Documents and signatures the doctor tests share: protocol structs, and signing the mistaken client's way.

Signatures here come from eth-account (never from the doctor), with the PUBLIC Hardhat development key.
"""

from __future__ import annotations

import copy
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data

from eip712kit import uuid_int
from eip712kit.protocols import renance, sera
from tests.helpers.devkeys import DEV_KEYS

KEY, ADDRESS = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)

DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
USDC = "0x1111111111111111111111111111111111111111"
EURC = "0x2222222222222222222222222222222222222222"
ORDER_ID = "00000000-0000-4000-8000-000000000001"  # the Sera seed's example order id
UUID_INT = uuid_int.pack(ORDER_ID, 0)
EXPIRATION = 1767225600  # 2026-01-01T00:00:00Z, in seconds


def document(struct: Any, message: dict[str, Any], domain: Any = sera.DOMAIN) -> dict[str, Any]:
    return {
        "types": {"EIP712Domain": copy.deepcopy(DOMAIN_TYPE), **struct.types()},
        "primaryType": struct.primary_type,
        "domain": domain.to_dict(),
        "message": message,
    }


def sera_order() -> dict[str, Any]:
    return document(sera.Order, {
        "user": ADDRESS, "expiration": EXPIRATION, "feeBps": 0, "recipient": ADDRESS, "fromToken": USDC,
        "toToken": EURC, "fromAmount": "1085000000", "toAmount": "1000000000", "initialDepositAmount": "0",
        "uuid": str(UUID_INT),
    })


def sera_cancel() -> dict[str, Any]:
    return document(sera.CancelOrder, {"owner": ADDRESS, "orderId": str(UUID_INT)})


def sera_withdraw() -> dict[str, Any]:
    return document(sera.WithdrawIntent, {
        "user": ADDRESS, "tokens": [USDC, EURC], "amounts": ["5000000", "7000000"], "recipient": ADDRESS,
        "deadline": EXPIRATION, "uuid": str(UUID_INT),
    })


def renance_order() -> dict[str, Any]:
    return document(renance.CreateOrder, {
        "wallet": ADDRESS, "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "price": "100000.00",
        "amount": "0.001", "leverage": 50, "timestamp": 1704537600,
    }, domain=renance.DOMAIN)


# --- signing the way the mistaken client does (eth-account, eth-keys, coincurve; never the doctor) ---

def sign_typed(doc: dict[str, Any], key: str = KEY) -> str:
    return "0x" + Account.sign_message(encode_typed_data(full_message=copy.deepcopy(doc)), key).signature.hex()


def sign_hash(digest: bytes, key: str = KEY) -> str:
    return "0x" + Account.unsafe_sign_hash(digest, key).signature.hex()


def sign_personal(message: bytes | str, key: str = KEY) -> str:
    signable = encode_defunct(primitive=message) if isinstance(message, bytes) else encode_defunct(text=message)
    return "0x" + Account.sign_message(signable, key).signature.hex()


def with_change(doc: dict[str, Any], where: str, key: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(doc)
    changed[where][key] = value
    return changed


__all__ = ["DOMAIN_TYPE", "EURC", "EXPIRATION", "ORDER_ID", "USDC", "UUID_INT", "document", "renance_order",
           "sera_cancel", "sera_order", "sera_withdraw", "sign_hash", "sign_personal", "sign_typed", "with_change"]
