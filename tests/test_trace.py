"""The --trace tree: every intermediate of a digest, each one checkable on its own.

The trace composes struct and array words itself (keccak of the words) from the core's atomic
encoders, so its digest agreeing with TypedData.digest() — and with eth-account — on random
documents is a real cross-check, not the same code run twice.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck

from eip712kit import TypedData
from eip712kit.base.errors import Eip712KitError
from eip712kit.base.hashing import keccak256
from eip712kit.core.trace import StructTrace, ValueTrace, trace_typed_data
from tests.helpers.fuzzing import fuzzed
from tests.helpers.reference import eth_account_digest, eth_account_parts
from tests.helpers.strategies import documents

MAIL: dict[str, Any] = {
    "types": {
        "EIP712Domain": [
            {"name": "name", "type": "string"},
            {"name": "version", "type": "string"},
            {"name": "chainId", "type": "uint256"},
            {"name": "verifyingContract", "type": "address"},
        ],
        "Person": [{"name": "name", "type": "string"}, {"name": "wallets", "type": "address[]"}],
        "Mail": [
            {"name": "from", "type": "Person"},
            {"name": "to", "type": "Person[]"},
            {"name": "contents", "type": "string"},
        ],
    },
    "primaryType": "Mail",
    "domain": {"name": "Ether Mail", "version": "1", "chainId": 1,
               "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
    "message": {
        "from": {"name": "Cow", "wallets": ["0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826",
                                            "0xDeaDbeefdEAdbeefdEadbEEFdeadbeEFdEaDbeeF"]},
        "to": [{"name": "Bob", "wallets": ["0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB",
                                           "0xB0BdaBea57B0BDABeA57b0bdABEA57b0BDabEa57",
                                           "0xB0B0b0b0b0b0B000000000000000000000000000"]}],
        "contents": "Hello, Bob!",
    },
}


def _walk(node: StructTrace) -> list[StructTrace]:
    out = [node]

    def visit(value: ValueTrace) -> None:
        if value.struct is not None:
            out.extend(_walk(value.struct))
        for element in value.elements or ():
            visit(element)

    for field in node.fields:
        visit(field.value)
    return out


@fuzzed(documents(), quick=30, full=150, suppress_health_check=[HealthCheck.too_slow])
def test_trace_digest_equals_typed_data_and_eth_account_on_random_documents(doc: dict[str, Any]) -> None:
    td = TypedData(doc)
    trace = trace_typed_data(td)
    assert trace.digest == td.digest() == eth_account_digest(doc)
    separator, struct_hash = eth_account_parts(doc)
    assert trace.domain_separator == separator
    assert trace.struct_hash == struct_hash
    # Every struct node down the tree is hashStruct of its own value, as the compiled hasher says.
    assert trace.message is not None
    for node in _walk(trace.message):
        assert node.hash == keccak256(node.type_hash + b"".join(f.value.word for f in node.fields))
        assert node.type_hash == keccak256(node.encode_type.encode())


def test_mail_trace_shows_each_intermediate_of_the_tree() -> None:
    td = TypedData(MAIL)
    trace = trace_typed_data(td)
    schema = td.schema
    assert trace.message is not None
    from_field, to_field, contents = trace.message.fields
    # encodeType with dependencies, as the EIP's Mail example spells it
    assert trace.message.encode_type == ("Mail(Person from,Person[] to,string contents)"
                                         "Person(string name,address[] wallets)")
    assert from_field.value.struct is not None
    assert from_field.value.word == schema.hash_struct("Person", MAIL["message"]["from"])
    # an array of structs: one hashStruct per element, the field's word is keccak of them
    elements = to_field.value.elements
    assert elements is not None and len(elements) == 1
    assert elements[0].word == schema.hash_struct("Person", MAIL["message"]["to"][0])
    assert to_field.value.word == keccak256(elements[0].word)
    # an array of atomics inside: each address is a left-padded word
    bob = elements[0].struct
    assert bob is not None
    wallets = bob.fields[1].value.elements
    assert wallets is not None
    assert [w.word for w in wallets] == [bytes(12) + bytes.fromhex(a[2:]) for a in MAIL["message"]["to"][0]["wallets"]]
    assert contents.value.word == keccak256(b"Hello, Bob!")
    assert trace.digest == eth_account_digest(MAIL)


def test_render_and_json_carry_the_same_values() -> None:
    trace = trace_typed_data(json.dumps(MAIL))
    text = trace.render()
    data = trace.to_dict()
    assert data["digest"] in text and data["domainSeparator"] in text and data["structHash"] in text
    assert "encodeType  Mail(Person from,Person[] to,string contents)Person(string name,address[] wallets)" in text
    assert data["types"]["Person"]["encodeType"] == "Person(string name,address[] wallets)"
    to_field = data["message"]["fields"][1]
    assert to_field["name"] == "to" and to_field["type"] == "Person[]"
    assert to_field["elements"][0]["struct"]["fields"][0] == {
        "name": "name", "type": "string", "value": "Bob", "word": "0x" + keccak256(b"Bob").hex()}
    json.dumps(data)  # JSON-serialisable as is


def test_nested_and_fixed_arrays_and_empty_arrays() -> None:
    doc = {
        "types": {"Grid": [{"name": "cells", "type": "uint8[2][]"}, {"name": "tags", "type": "string[]"},
                           {"name": "pair", "type": "bytes4[2]"}]},
        "primaryType": "Grid",
        "domain": {"chainId": 5},
        "message": {"cells": [[1, 2], [3, 4], [5, 6]], "tags": [], "pair": ["0x01020304", "0xa0b0c0d0"]},
    }
    trace = trace_typed_data(doc)
    assert trace.digest == eth_account_digest(doc)
    assert trace.message is not None
    cells, tags, _pair = trace.message.fields
    assert cells.value.elements is not None and cells.value.elements[0].type == "uint8[2]"
    inner = cells.value.elements[0].elements
    assert inner is not None and inner[1].word == (2).to_bytes(32, "big")
    assert tags.value.elements == () and tags.value.word == keccak256(b"")
    # The derived domain type is listed first, since types does not declare it.
    assert trace.types[0][:2] == ("EIP712Domain", "EIP712Domain(uint256 chainId)")
    assert "[empty: keccak256 of nothing]" in trace.render()


def test_primary_type_eip712domain_signs_only_the_domain() -> None:
    doc = {"types": {"EIP712Domain": [{"name": "name", "type": "string"}]}, "primaryType": "EIP712Domain",
           "domain": {"name": "x"}, "message": {}}
    trace = trace_typed_data(doc)
    assert trace.message is None and trace.struct_hash is None
    assert trace.digest == TypedData(doc).digest() == keccak256(b"\x19\x01" + trace.domain_separator)
    assert "no message hash" in trace.render()


@pytest.mark.parametrize("broken, code, path", [
    ({"message": {**MAIL["message"], "contents": 7}}, "INVALID_STRING", "message.contents"),
    ({"message": {**MAIL["message"], "to": [{"name": "Bob"}]}}, "MISSING_FIELD", "message.to[0].wallets"),
])
def test_trace_refuses_what_typed_data_refuses_with_the_same_code_and_path(broken: dict[str, Any], code: str,
                                                                             path: str) -> None:
    with pytest.raises(Eip712KitError) as caught:
        trace_typed_data({**MAIL, **broken})
    assert (caught.value.code, caught.value.path) == (code, path)
