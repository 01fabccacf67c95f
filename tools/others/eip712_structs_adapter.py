#!/usr/bin/env python3
"""ConsenSys' eip712-structs 1.1.0 (PyPI) as an ``--exec`` adapter: a document read with ``EIP712Struct.from_message``.

    tools/others/.venv/bin/python tools/others/eip712_structs_adapter.py     (tools/others/README.md)

API used, as its README shows: ``EIP712Struct.from_message(doc)`` gives the message and domain
structs; ``type(message).encode_type()`` / ``.type_hash()`` (encodeType, typeHash, and the same of
each struct class it built for the document), ``domain.hash_struct()`` (domain separator),
``message.hash_struct()`` (struct hash), ``keccak(message.signable_bytes(domain))`` (digest, keccak
from eth-utils, which it uses itself). It does not sign and has no personal_sign. Adaptations
docs/vectors.md allows: the canonical EIP712Domain is added when the document declares none
(``from_message`` reads it from ``types``), and integers written as strings are handed over as ints
(its Uint and Int encoders take Python ints only). Its declaration is findings.json's: the features
it does not have. What it gets wrong is left to show.
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "adapters"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from declared import declared
from eip712_structs import EIP712Struct
from eth_utils import keccak
from exec_protocol import hex0x, native_values, serve, with_domain_type
from reachable import reported_type_names


def hello() -> dict[str, Any]:
    return {"name": "eip712-structs", "version": version("eip712-structs"), "ops": ["typed_data"],
            "unsupported": declared("eip712-structs"), "error_codes": "generic"}


def _struct_classes(root: Any) -> dict[str, Any]:
    """The struct classes ``from_message`` built, by name: the root's and every one it refers to."""
    found: set[Any] = {root}
    root._gather_reference_structs(found)
    return {cls.type_name: cls for cls in found}


def typed_data(inp: dict[str, Any]) -> dict[str, Any]:
    doc = native_values(with_domain_type(inp["typed_data"]))
    parsed = EIP712Struct.from_message(doc)
    message, domain = parsed.message, parsed.domain
    classes = {**_struct_classes(type(message)), "EIP712Domain": type(domain)}
    names = ["EIP712Domain", *reported_type_names(doc["types"], doc["primaryType"])]
    known = [name for name in names if name in classes]  # a struct it did not build is not reported
    return {
        "encodeType": {name: classes[name].encode_type() for name in known},
        "typeHash": {name: hex0x(classes[name].type_hash()) for name in known},
        "domainSeparator": hex0x(domain.hash_struct()),
        "structHash": hex0x(message.hash_struct()),
        "digest": hex0x(keccak(message.signable_bytes(domain))),
    }


if __name__ == "__main__":
    serve(hello, {"typed_data": typed_data})
