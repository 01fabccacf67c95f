"""What every suite shares: paths, the PUBLIC development keys, fixed values, small document builders.

Nothing here reads a clock or an unseeded random source: :func:`rng` is seeded with a fixed label,
so a regeneration is byte-identical anywhere. The Mail example is read from ``examples/mail.json``,
the one copy in the repository.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from importlib.metadata import version
from pathlib import Path
from typing import Any

from eip712kit.base.parsers import MAX_SAFE_INTEGER
from eip712kit.core.domain import DOMAIN_FIELD_TYPES
from tests.helpers.devkeys import DEV_KEYS  # PUBLIC development keys, shared with the tests

ROOT = Path(__file__).resolve().parent.parent.parent
VECTORS = ROOT / "vectors"
ATTESTATIONS = VECTORS / "attestations.json"
ETH_ACCOUNT = f"eth-account@{version('eth-account')}"
GENERATOR = "tools/gen_vectors.py"

# PUBLIC development keys (Hardhat/Anvil accounts #0..#2): published, never hold funds.
KEYS: dict[str, dict[str, str]] = {
    f"dev{i}": {
        "private_key": key,
        "address": address,
        "note": f"PUBLIC development key (Hardhat/Anvil account #{i}) - never use for funds",
    }
    for i, (key, address) in enumerate(DEV_KEYS)
}
DEV0 = KEYS["dev0"]["address"]
DEV1 = KEYS["dev1"]["address"]
DEV2 = KEYS["dev2"]["address"]

UINT256_MAX = 2**256 - 1
UINT48_MAX = 2**48 - 1
UINT32_MAX = 2**32 - 1


class GenerationError(Exception):
    """A cross-check failed: the vectors would not be trustworthy, so none are written."""


def js_safe(value: int) -> int | str:
    """An integer as a vector carries it: a JSON number up to 2**53 - 1, a decimal string beyond."""
    return value if abs(value) <= MAX_SAFE_INTEGER else str(value)


def dump(doc: dict[str, Any]) -> str:
    """Stable JSON text: two-space indent, UTF-8 kept readable, lone surrogates escaped."""
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


# --- shared values ----------------------------------------------------------------------------

_MAIL = json.loads((ROOT / "examples" / "mail.json").read_text(encoding="utf-8"))
MAIL_TYPES: dict[str, Any] = {name: fields for name, fields in _MAIL["types"].items() if name != "EIP712Domain"}
MAIL_DOMAIN: dict[str, Any] = _MAIL["domain"]
MAIL_MESSAGE: dict[str, Any] = _MAIL["message"]
MAIL_DIGEST = "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"
"""The digest published in the EIP-712 specification for its Mail example."""

DOMAIN_TYPE_FULL = [{"name": k, "type": t} for k, t in DOMAIN_FIELD_TYPES.items()]
SALT = "0x" + hashlib.sha256(b"eip712kit golden vectors salt").hexdigest()
ADDR_A = "0x1111111111111111111111111111111111111111"
ADDR_B = "0x000000000000000000000000000000000000dEaD"
USDC = "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238"  # Sepolia USDC, for realism only
EURC = "0x08210F9170F89Ab7658F0B5E3fF39b0E03C594D4"  # Sepolia EURC, for realism only
WETH = "0xfFf9976782d46CC05630D1f6eBAb18b2324d6B14"  # Sepolia WETH, for realism only


def doc_of(types: dict[str, Any], primary: str, domain: dict[str, Any], message: Any) -> dict[str, Any]:
    return {"types": types, "primaryType": primary, "domain": domain, "message": message}


def simple(field_type: str, value: Any, domain: dict[str, Any] | None = None, name: str = "Value") -> dict[str, Any]:
    """A one-field document: the smallest frame around one value of one type."""
    return doc_of({name: [{"name": "value", "type": field_type}]}, name,
                  domain if domain is not None else {"name": "eip712kit", "version": "1", "chainId": 1},
                  {"value": value})


def rng(label: str) -> random.Random:
    """A generator seeded with a fixed string: reproducible everywhere, chosen by nobody's clock."""
    return random.Random(f"eip712kit-vectors/{label}")


def rand_address(r: random.Random) -> str:
    from eip712kit.base.parsers import to_checksum_address

    return to_checksum_address(bytes(r.getrandbits(8) for _ in range(20)))


def rand_uuid4(r: random.Random) -> str:
    bits = r.getrandbits(128)
    bits = (bits & ~(0xF << 76)) | (0x4 << 76)
    bits = (bits & ~(0x3 << 62)) | (0x2 << 62)
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# --- Sera's fixed values (the uuid_int, sera, sera_order and time_window suites) ------------------

SEED_ORDER_ID = "00000000-0000-4000-8000-000000000001"
SEED_UUID_INT = 6427948336465191935941739505432058208337171677044006212075520
"""The Sera document's valid example (order_id → uuid_int with executor_id 0)."""
SERVER_NOW = 1774779300
"""A fixed server time (2026-03-29T10:15:00Z) for every window and expiration in the vectors."""


def seed_standalone(order_id: str, executor_id: int, *, group_delta: int = 0) -> int:
    """The Sera document's encodeStandaloneUuid, written out again here: the independent check.

    ``group_delta`` moves group_id off ``uuid >> 16`` (the formula off by one: not standalone).
    """
    raw = int(order_id.replace("-", ""), 16)
    return (executor_id << 252) | (raw << 124) | (((raw >> 16) + group_delta) << 12)


def seed_vl(order_id: str, executor_id: int, leg_id: int, group_order_id: str) -> int:
    """The Sera document's encodeVlUuid, written out again here."""
    raw = int(order_id.replace("-", ""), 16)
    group = int(group_order_id.replace("-", ""), 16) >> 16
    return (executor_id << 252) | (raw << 124) | (group << 12) | leg_id
