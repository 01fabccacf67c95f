#!/usr/bin/env python3
"""The EVM as an ``--exec`` adapter: each case's hashes computed on-chain by generated Solidity.

    (cd tools/node && npm ci) && eip712kit conformance --exec "python tools/adapters/evm_adapter.py"

For a typed_data case it writes ``eip712kit solidity DOC --check-contract`` (:mod:`eip712kit.solidity`),
compiles it with solc-js, deploys it on a private anvil (``tools/node/evm.mjs`` through ``tools/evm.py``)
and reports what the contract returns: ``domainSeparator()``, ``structHash()``, ``digest()`` and, when the
case has a key, ``signer``: ``recover(signature)``, the EVM's ``ecrecover`` of the case's signature over
the contract's digest. That signature is eip712kit's over its own digest of the document (RFC 6979: the
vector's signature, byte for byte), so the signer is right only when the EVM's digest is. A
personal_sign case gets a contract computing EIP-191 on-chain, the message length written in decimal by
the EVM. The adapter does not report ``signature`` or ``encodeType``: the EVM makes neither (the type
hashes are eip712kit's ``encodeType`` strings, hashed by the EVM).

The handshake declares every ``…-refusal`` tag of the run: the EVM parses no document (eip712kit writes
the Solidity, and refuses what it refuses), so a negative case is not the EVM's to refuse; a document
eip712kit refuses is answered ``UNSUPPORTED`` (not expressible), never as the EVM's refusal.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from eip712kit import Eip712KitError, TypedData, sign_message, sign_typed_data  # noqa: E402
from eip712kit.conformance.features import REFUSAL_SUFFIX  # noqa: E402
from eip712kit.core.messages import message_bytes  # noqa: E402
from eip712kit.solidity import harness_source, personal_harness_source  # noqa: E402
from tools.evm import NODE_DIR, Evm, EvmError, unavailable  # noqa: E402

NAME = "evm"
UNEXPRESSIBLE: dict[str, str] = {}
"""Feature tags of documents Solidity cannot express, with the reason (none: see docs/compatibility.md)."""


def version() -> str:
    """``solc-<solc-js version>+anvil-<anvil version>``: the compiler and the EVM that computed the values."""
    def of(package: str) -> str:
        return str(json.loads((NODE_DIR / "node_modules" / package / "package.json").read_text())["version"])

    return f"solc-{of('solc')}+anvil-{of('@foundry-rs/anvil')}"


def hello(inp: dict[str, Any]) -> dict[str, Any]:
    refusals = [t for t in inp.get("features", []) if t.endswith(REFUSAL_SUFFIX)]
    return {"name": NAME, "version": version(), "ops": ["personal_sign", "typed_data"],
            "unsupported": sorted(set(refusals) | set(UNEXPRESSIBLE)), "error_codes": "generic"}


def typed_data(evm: Evm, inp: dict[str, Any]) -> dict[str, Any]:
    td = TypedData(inp["typed_data"])
    calls: list[Any] = ["domainSeparator", "digest"]
    if td.primary_type != "EIP712Domain":
        calls.append("structHash")
    if inp.get("private_key") is not None:
        calls.append(("recover", [str(sign_typed_data(inp["typed_data"], inp["private_key"]))]))
    values = evm.run(harness_source(td), calls)
    out = {k: values[k] for k in ("domainSeparator", "structHash", "digest") if k in values}
    if "recover" in values:
        out["signer"] = values["recover"]
    return out


def personal_sign(evm: Evm, inp: dict[str, Any]) -> dict[str, Any]:
    hex_encoded = inp.get("encoding", "utf8") == "hex"
    message = message_bytes(inp["message"], hex=hex_encoded)
    calls: list[Any] = ["digest"]
    if inp.get("private_key") is not None:
        calls.append(("recover", [str(sign_message(message, inp["private_key"]))]))
    values = evm.run(personal_harness_source(message), calls)
    out = {"digest": values["digest"]}
    if "recover" in values:
        out["signer"] = values["recover"]
    return out


OPS = {"typed_data": typed_data, "personal_sign": personal_sign}


def answer(evm: Evm, line: str) -> dict[str, Any]:
    try:
        request = json.loads(line)
    except ValueError as exc:
        return {"id": None, "error": {"code": "ADAPTER_ERROR", "message": f"request is not JSON: {exc}"}}
    rid, op, inp = request.get("id"), request.get("op"), request.get("input") or {}
    if op == "hello":
        return {"id": rid, "result": hello(inp)}
    if op not in OPS:
        return {"id": rid, "error": {"code": "UNSUPPORTED", "message": f"the EVM adapter does not do {op!r}"}}
    try:
        return {"id": rid, "result": OPS[op](evm, inp)}
    except Eip712KitError as exc:  # the EVM is never asked: it has no document to refuse
        return {"id": rid, "error": {"code": "UNSUPPORTED", "message": f"eip712kit writes no Solidity for it: {exc}"}}
    except EvmError as exc:
        return {"id": rid, "error": {"code": "INVALID", "message": f"the EVM: {exc}"}}


def main() -> int:
    reason = unavailable()
    if reason:
        print(f"evm_adapter: {reason}", file=sys.stderr)
        return 2
    with Evm() as evm:
        for line in sys.stdin:
            if line.strip():
                print(json.dumps(answer(evm, line)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
