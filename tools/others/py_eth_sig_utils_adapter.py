#!/usr/bin/env python3
"""py-eth-sig-utils 0.4.0 (PyPI) as an ``--exec`` adapter: its EIP-712 functions, called as its README shows.

    tools/others/.venv/bin/python tools/others/py_eth_sig_utils_adapter.py     (tools/others/README.md)

API used: ``py_eth_sig_utils.eip712.encode_typed_data`` (digest), ``.create_struct_hash`` (domain
separator, struct hash), ``.create_schema`` / ``.create_schema_hash`` (encodeType, typeHash),
``py_eth_sig_utils.signing.sign_typed_data`` / ``recover_typed_data`` (signature, signer). It has no
personal_sign. Adaptations docs/vectors.md allows, nothing else: the canonical EIP712Domain is added
when the document declares none (the library asserts one is declared), and integers and bytesN
values written as strings are handed over as ints and bytes (eth-abi 2 takes no strings for them).
Its declaration is findings.json's: the features it does not have. What it gets wrong is left to show.
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "adapters"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from declared import declared
from exec_protocol import hex0x, native_values, serve, with_domain_type
from py_eth_sig_utils import signing
from py_eth_sig_utils.eip712 import encoding
from reachable import reported_type_names


def hello() -> dict[str, Any]:
    return {"name": "py-eth-sig-utils", "version": version("py-eth-sig-utils"), "ops": ["typed_data"],
            "unsupported": declared("py-eth-sig-utils"), "error_codes": "generic"}


def typed_data(inp: dict[str, Any]) -> dict[str, Any]:
    doc = native_values(with_domain_type(inp["typed_data"]), fixed_bytes=True)
    types, primary = doc["types"], doc["primaryType"]
    names = ["EIP712Domain", *reported_type_names(types, primary)]
    out: dict[str, Any] = {
        "encodeType": {name: encoding.create_schema(name, types) for name in names},
        "typeHash": {name: hex0x(encoding.create_schema_hash(name, types)) for name in names},
        "domainSeparator": hex0x(encoding.create_struct_hash("EIP712Domain", doc["domain"], types)),
        "structHash": hex0x(encoding.create_struct_hash(primary, doc["message"], types)),
        "digest": hex0x(encoding.encode_typed_data(doc)),
    }
    key = inp.get("private_key")
    if key is not None:
        v, r, s = signing.sign_typed_data(doc, bytes.fromhex(key[2:]))
        out["signature"] = hex0x(signing.v_r_s_to_signature(v, r, s))
        out["signer"] = signing.recover_typed_data(doc, v, r, s)
    return out


if __name__ == "__main__":
    serve(hello, {"typed_data": typed_data})
