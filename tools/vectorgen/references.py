"""The independent references: eth-account recomputes what eip712kit computed, and must agree.

A disagreement raises :class:`~.common.GenerationError` and no file is written.
"""

from __future__ import annotations

import re
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from eth_utils import keccak

from eip712kit import conformance
from eip712kit.core.domain import DOMAIN_FIELD_TYPES

from .common import KEYS, GenerationError

try:  # eth-account's own encodeType, for the encodeType/typeHash cross-check
    from eth_account._utils.encode_typed_data.encoding_and_hashing import encode_type as ea_encode_type
except ImportError:  # pragma: no cover - a future eth-account may move it; the hashes are still checked
    ea_encode_type = None


def eth_account_blocker(doc: dict[str, Any]) -> str | None:
    """Why eth-account cannot compute this document the way EIP-712 wallets do, or None."""
    types = dict(doc["types"])
    primary = doc.get("primaryType")
    if primary == "EIP712Domain":
        return "primaryType EIP712Domain"
    declared = types.pop("EIP712Domain", None)
    if declared is not None:
        derived = [{"name": k, "type": t} for k, t in DOMAIN_FIELD_TYPES.items() if k in doc["domain"]]
        if declared != derived:
            return "non-canonical EIP712Domain (eth-account always derives it from the domain's keys)"
    referenced = set()
    for name, fields in types.items():
        for f in fields:
            base = re.sub(r"(\[[0-9]*\])+$", "", f["type"])
            if base != name:
                referenced.add(base)
    roots = [n for n in types if n not in referenced]
    if roots != [primary]:
        return "primaryType is not the single root of types"
    return None


def eth_account_typed(doc: dict[str, Any], key: str | None) -> dict[str, Any]:
    """The values eth-account computes for a typed-data document."""
    signable = encode_typed_data(full_message=doc)
    out: dict[str, Any] = {
        "domainSeparator": "0x" + bytes(signable.header).hex(),
        "structHash": "0x" + bytes(signable.body).hex(),
        "digest": "0x" + bytes(keccak(b"\x19" + signable.version + signable.header + signable.body)).hex(),
    }
    if ea_encode_type is not None:
        types = {k: v for k, v in doc["types"].items() if k != "EIP712Domain"}
        domain_types = {"EIP712Domain": [{"name": k, "type": t} for k, t in DOMAIN_FIELD_TYPES.items()
                                         if k in doc["domain"]]}
        out["encodeType"] = {"EIP712Domain": ea_encode_type("EIP712Domain", domain_types)}
        for name in types:
            out["encodeType"][name] = ea_encode_type(name, types)
        out["typeHash"] = {n: "0x" + bytes(keccak(text=t)).hex() for n, t in out["encodeType"].items()}
    if key is not None:
        signed = Account.sign_message(signable, KEYS[key]["private_key"])
        out["signature"] = "0x" + bytes(signed.signature).hex()
        out["signer"] = Account.recover_message(signable, signature=signed.signature)
    return out


def eth_account_personal(message: str, encoding: str, key: str | None) -> dict[str, Any]:
    signable = encode_defunct(hexstr=message) if encoding == "hex" else encode_defunct(text=message)
    out: dict[str, Any] = {
        "digest": "0x" + bytes(keccak(b"\x19" + signable.version + signable.header + signable.body)).hex()
    }
    if key is not None:
        signed = Account.sign_message(signable, KEYS[key]["private_key"])
        out["signature"] = "0x" + bytes(signed.signature).hex()
        out["signer"] = Account.recover_message(signable, signature=signed.signature)
    return out


def agree(case_id: str, ours: dict[str, Any], theirs: dict[str, Any], who: str) -> None:
    """Every value both computed must be equal (hex without regard to case)."""
    problems: list[conformance.Problem] = []
    shared = {k: v for k, v in theirs.items() if k in ours}
    if isinstance(shared.get("encodeType"), dict):
        shared["encodeType"] = {k: v for k, v in shared["encodeType"].items() if k in ours["encodeType"]}
        shared["typeHash"] = {k: v for k, v in shared["typeHash"].items() if k in ours["typeHash"]}
    conformance.compare(shared, ours, "", problems, [])
    missing = [k for k in ("digest",) if k in ours and k not in theirs]
    if problems or missing:
        details = "; ".join(p.describe().replace("\n", " ") for p in problems) or f"missing {missing}"
        raise GenerationError(f"{case_id}: eip712kit and {who} disagree: {details}")

