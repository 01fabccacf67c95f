#!/usr/bin/env python3
"""An ``--exec`` adapter for a signer that is not eip712kit: eth-account.

    eip712kit conformance --exec "python tools/adapters/eth_account_adapter.py"

This is what wrapping someone else's signer looks like. It answers ``typed_data`` and
``personal_sign`` with eth-account's public API only, and says so in the handshake: the runner
then skips every other op *by declaration* (reported, never passed). What it reports, and why it
needs no flag:

* ``domainSeparator``, ``structHash`` and ``digest`` (eth-account's ``SignableMessage`` header and
  body), ``signature`` and ``signer`` when the request carries a key. It does not report
  ``encodeType``/``typeHash`` (not in eth-account's public API): the runner lists them as not
  reported, it does not guess them.
* The handshake declares, as feature tags of the vectors, the documents eth-account cannot hash
  the way wallets do (``UNSUPPORTED`` below: it always derives EIP712Domain, has no domain-only
  mode, and insists that ``primaryType`` is the single root of ``types``) and the strictness it
  does not have (``LAXER``: inputs eip712kit refuses and eth-account signs). The adapter itself
  does no detection: the runner never sends it a case carrying a declared tag.
* eth-account has no error codes, so it declares ``error_codes: "generic"``: any refusal counts.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from eth_utils import keccak

UNSUPPORTED = ["declared-domain-order", "primary-eip712domain", "non-root-primary", "unused-types"]
"""Documents eth-account cannot express as wallets hash them (docs/compatibility.md)."""

LAXER = ["array-length-refusal", "bad-checksum-refusal", "bytes-length-refusal", "document-extra-key-refusal",
         "duplicate-field-refusal", "extra-field-refusal", "int-alias-refusal", "invalid-bool-refusal",
         "invalid-hex-refusal", "invalid-string-refusal", "invalid-struct-refusal", "invalid-type-name-refusal",
         "missing-field-refusal", "padded-number-refusal", "unencodable-cycle-refusal", "unprefixed-address-refusal",
         "zero-length-array-refusal"]
"""Refusals eth-account does not make: it signs these inputs (recorded in the vectors' accepted_by)."""


def hello() -> dict[str, Any]:
    return {"name": "eth-account", "version": version("eth-account"), "ops": sorted(OPS),
            "unsupported": sorted(UNSUPPORTED + LAXER), "error_codes": "generic"}


def _signing(signable: Any, inp: dict[str, Any], out: dict[str, Any]) -> None:
    key = inp.get("private_key")
    if key is not None:
        signed = Account.sign_message(signable, key)
        out["signature"] = "0x" + bytes(signed.signature).hex()
        out["signer"] = Account.recover_message(signable, signature=signed.signature)


def typed_data(inp: dict[str, Any]) -> dict[str, Any]:
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
    if request.get("op") == "hello":
        return {"id": request.get("id"), "result": hello()}
    op = OPS.get(request.get("op"))
    if op is None:
        return {"id": request.get("id"), "error": {"code": "UNSUPPORTED", "message": f"op {request.get('op')!r}"}}
    try:
        return {"id": request.get("id"), "result": op(request.get("input") or {})}
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
