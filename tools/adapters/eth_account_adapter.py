#!/usr/bin/env python3
"""An ``--exec`` adapter for a signer that is not eip712kit: eth-account.

    eip712kit conformance --exec "python tools/adapters/eth_account_adapter.py" --loose-codes --lenient

This is what wrapping someone else's signer looks like. It answers ``typed_data`` and
``personal_sign`` with eth-account's public API only; everything else is ``UNSUPPORTED`` (reported
as skipped, never as passed). What it reports, and why the two flags:

* ``domainSeparator``, ``structHash`` and ``digest`` (eth-account's ``SignableMessage`` header and
  body), ``signature`` and ``signer`` when the request carries a key. It does not report
  ``encodeType``/``typeHash`` (not in eth-account's public API): the runner lists them as not
  reported, it does not guess them.
* Documents eth-account cannot hash the way wallets do are ``UNSUPPORTED``, found by looking at
  the document (not by catching a wrong digest): a declared ``EIP712Domain`` that is not the
  canonical one (eth-account always derives it), ``primaryType: EIP712Domain``, and a
  ``primaryType`` that is not the single root of ``types`` (eth-account insists on it).
* eth-account has no error codes, so every refusal is ``INVALID``: run with ``--loose-codes``.
* eth-account signs some inputs eip712kit refuses (a bool given as a string, a short bytesN,
  missing struct fields as zero …); the vectors record that in ``accepted_by``, and ``--lenient``
  forgives exactly those.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from eth_utils import keccak

CANONICAL_DOMAIN = ("name", "version", "chainId", "verifyingContract", "salt")
DOMAIN_TYPES = {"name": "string", "version": "string", "chainId": "uint256", "verifyingContract": "address",
                "salt": "bytes32"}


class Unsupported(Exception):
    pass


def _blocker(doc: Any) -> str | None:
    """Why eth-account would not hash this document as wallets do, or None."""
    if not isinstance(doc, dict) or not isinstance(doc.get("types"), dict) or not isinstance(doc.get("domain"), dict):
        return None  # malformed: let eth-account refuse it
    types = dict(doc["types"])
    if doc.get("primaryType") == "EIP712Domain":
        return "primaryType EIP712Domain"
    declared = types.pop("EIP712Domain", None)
    derived = [{"name": k, "type": DOMAIN_TYPES[k]} for k in CANONICAL_DOMAIN if k in doc["domain"]]
    if declared is not None and declared != derived:
        return "a declared EIP712Domain that is not the canonical derivation"
    referenced = {re.sub(r"(\[[0-9]*\])+$", "", f.get("type", "")) for name, fields in types.items()
                  if isinstance(fields, list) for f in fields if isinstance(f, dict)
                  and re.sub(r"(\[[0-9]*\])+$", "", f.get("type", "")) != name}
    roots = [n for n in types if n not in referenced]
    if "primaryType" in doc and roots != [doc["primaryType"]]:
        return "primaryType is not the single root of types"
    return None


def _signing(signable: Any, inp: dict[str, Any], out: dict[str, Any]) -> None:
    key = inp.get("private_key")
    if key is not None:
        signed = Account.sign_message(signable, key)
        out["signature"] = "0x" + bytes(signed.signature).hex()
        out["signer"] = Account.recover_message(signable, signature=signed.signature)


def typed_data(inp: dict[str, Any]) -> dict[str, Any]:
    reason = _blocker(inp.get("typed_data"))
    if reason:
        raise Unsupported(reason)
    signable = encode_typed_data(full_message=inp["typed_data"])
    out = {"domainSeparator": "0x" + bytes(signable.header).hex(), "structHash": "0x" + bytes(signable.body).hex(),
           "digest": "0x" + bytes(keccak(b"\x19" + signable.version + signable.header + signable.body)).hex()}
    _signing(signable, inp, out)
    return out


def personal_sign(inp: dict[str, Any]) -> dict[str, Any]:
    message, encoding = inp["message"], inp.get("encoding", "utf8")
    signable = encode_defunct(hexstr=message) if encoding == "hex" else encode_defunct(text=message)
    out = {"digest": "0x" + bytes(keccak(b"\x19" + signable.version + signable.header + signable.body)).hex()}
    _signing(signable, inp, out)
    return out


OPS = {"typed_data": typed_data, "personal_sign": personal_sign}


def answer(line: str) -> dict[str, Any]:
    try:
        request = json.loads(line)
    except ValueError as exc:
        return {"id": None, "error": {"code": "ADAPTER_ERROR", "message": f"request is not JSON: {exc}"}}
    if not isinstance(request, dict):
        return {"id": None, "error": {"code": "ADAPTER_ERROR", "message": "request is not a JSON object"}}
    op = OPS.get(request.get("op"))
    if op is None:
        return {"id": request.get("id"), "error": {"code": "UNSUPPORTED", "message": f"op {request.get('op')!r}"}}
    try:
        return {"id": request.get("id"), "result": op(request.get("input") or {})}
    except Unsupported as exc:
        return {"id": request.get("id"), "error": {"code": "UNSUPPORTED", "message": str(exc)}}
    except Exception as exc:  # eth-account refused the input; it has no finer codes
        return {"id": request.get("id"), "error": {"code": "INVALID", "message": f"{type(exc).__name__}: {exc}"}}


def main() -> None:
    for line in sys.stdin:
        if line.strip():
            # ensure_ascii: a refused lone surrogate may be echoed in a message; keep the line valid JSON
            sys.stdout.write(json.dumps(answer(line)) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
