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

import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from eth_utils import keccak

sys.path.insert(0, str(Path(__file__).resolve().parent))
from exec_protocol import serve

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


if __name__ == "__main__":
    serve(hello, OPS)
