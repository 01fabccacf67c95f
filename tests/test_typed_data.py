"""EIP-712 encoding: the specification's own example, the conventions we chose, and agreement with eth-account."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck

import eip712kit
from eip712kit import TypedData, compile_types, hash_typed_data
from tests.helpers.examples import mail
from tests.helpers.fuzzing import fuzzed
from tests.helpers.reference import eth_account_digest, eth_account_parts
from tests.helpers.strategies import documents

MAIL = mail()


def test_mail_example_matches_the_specification() -> None:
    # Values published with EIP-712 (and reproduced by every wallet).
    td = TypedData(MAIL)
    assert td.encode_type() == "Mail(Person from,Person to,string contents)Person(string name,address wallet)"
    assert td.type_hash().hex() == "a0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2"
    assert td.domain_separator().hex() == "f2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f"
    assert td.struct_hash().hex() == "c52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e"
    assert td.digest().hex() == "be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"
    assert hash_typed_data(json.dumps(MAIL)) == td.digest()


def test_mail_example_signature_from_the_specification() -> None:
    # The EIP's reference signer is keccak256("cow"); v=28, r=0x4355…, s=0x07299…
    key = eip712kit.PrivateKey(eip712kit.base.hashing.keccak256(b"cow"))
    sig = eip712kit.sign_typed_data(MAIL, key)
    assert sig.v == 28
    assert sig.r == 0x4355C47D63924E8A72E509B65029052EB6C299D53A04E167C5775FD466751C9D
    assert sig.s == 0x07299936D304C153F6443DFA05F40FF007D72911B6F72307F996231605B91562
    assert key.address == "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"


def test_encode_data_is_type_hash_then_one_word_per_field() -> None:
    td = TypedData(MAIL)
    data = td.encode_data()
    assert len(data) == 32 * 4 and data[:32] == td.type_hash()
    assert eip712kit.base.hashing.keccak256(data) == td.struct_hash()


def test_domain_type_is_derived_in_canonical_order_when_types_lacks_it() -> None:
    doc = copy.deepcopy(MAIL)
    del doc["types"]["EIP712Domain"]
    doc["domain"] = {"verifyingContract": MAIL["domain"]["verifyingContract"], "chainId": 1,
                     "version": "1", "name": "Ether Mail"}  # key order must not matter
    assert TypedData(doc).digest() == TypedData(MAIL).digest()


def test_declared_domain_type_is_used_as_declared() -> None:
    # MetaMask hashes EIP712Domain as declared; a reordered declaration is a different domain.
    doc = copy.deepcopy(MAIL)
    doc["types"]["EIP712Domain"] = list(reversed(doc["types"]["EIP712Domain"]))
    td = TypedData(doc)
    assert td.schema.encode_type("EIP712Domain") == (
        "EIP712Domain(address verifyingContract,uint256 chainId,string version,string name)")
    assert td.digest() != TypedData(MAIL).digest()


def test_custom_domain_fields_need_a_declared_domain_type() -> None:
    doc = copy.deepcopy(MAIL)
    del doc["types"]["EIP712Domain"]
    doc["domain"]["app"] = "x"
    with pytest.raises(eip712kit.TypeDefinitionError) as err:
        TypedData(doc)
    assert err.value.code == "INVALID_DOMAIN" and err.value.path == "domain.app"
    doc["types"]["EIP712Domain"] = [{"name": "name", "type": "string"}, {"name": "app", "type": "string"},
                                    {"name": "version", "type": "string"}, {"name": "chainId", "type": "uint256"},
                                    {"name": "verifyingContract", "type": "address"}]
    assert len(TypedData(doc).domain_separator()) == 32


def test_primary_type_is_derived_when_absent() -> None:
    doc = copy.deepcopy(MAIL)
    del doc["primaryType"]
    assert TypedData(doc).primary_type == "Mail"


def test_primary_type_eip712domain_signs_the_domain_alone() -> None:
    # eth-sig-util v4: keccak256(0x1901 ‖ domainSeparator), no struct hash.
    doc = copy.deepcopy(MAIL)
    doc["primaryType"] = "EIP712Domain"
    doc["message"] = {}
    td = TypedData(doc)
    expected = eip712kit.base.hashing.keccak256(b"\x19\x01" + td.domain_separator())
    assert td.digest() == expected


def test_recursive_struct_through_a_dynamic_array() -> None:
    doc: dict[str, Any] = {
        "types": {"Person": [{"name": "name", "type": "string"}, {"name": "friends", "type": "Person[]"}]},
        "primaryType": "Person",
        "domain": {"name": "Graph"},
        "message": {"name": "a", "friends": [{"name": "b", "friends": []}, {"name": "c", "friends": [
            {"name": "d", "friends": []}]}]},
    }
    assert TypedData(doc).encode_type() == "Person(string name,Person[] friends)"
    assert TypedData(doc).digest() == eth_account_digest(doc)


def test_mutually_recursive_structs() -> None:
    doc: dict[str, Any] = {
        "types": {
            "Tree": [{"name": "label", "type": "string"}, {"name": "children", "type": "Node[]"}],
            "Node": [{"name": "value", "type": "uint8"}, {"name": "subtree", "type": "Tree[]"}],
        },
        "primaryType": "Tree",
        "domain": {"chainId": 1},
        "message": {"label": "root", "children": [{"value": 1, "subtree": [{"label": "x", "children": []}]}]},
    }
    td = TypedData(doc)
    assert td.encode_type() == "Tree(string label,Node[] children)Node(uint8 value,Tree[] subtree)"
    assert td.schema.encode_type("Node") == "Node(uint8 value,Tree[] subtree)Tree(string label,Node[] children)"


def test_arrays_of_arrays_and_fixed_arrays_of_structs() -> None:
    doc: dict[str, Any] = {
        "types": {
            "Grid": [{"name": "cells", "type": "int16[2][]"}, {"name": "points", "type": "Point[2]"},
                     {"name": "tags", "type": "bytes3[][1]"}],
            "Point": [{"name": "x", "type": "int256"}, {"name": "y", "type": "int256"}],
        },
        "primaryType": "Grid",
        "domain": {"name": "g", "salt": "0x" + "11" * 32},
        "message": {"cells": [[1, -1], ["-32768", "32767"]],
                    "points": [{"x": "-57896044618658097711785492504343953926634992332820282019728792003956564819968",
                                "y": 0}, {"x": 5, "y": "0x05"}],
                    "tags": [["0x010203", "0xffffff"]]},
    }
    assert TypedData(doc).digest() == eth_account_digest(doc)


def test_schemas_are_compiled_once_per_shape_of_types() -> None:
    types = copy.deepcopy(MAIL["types"])
    assert compile_types(types) is compile_types(copy.deepcopy(types))
    assert compile_types(types) is TypedData(MAIL).schema


def test_same_values_in_other_spellings_hash_the_same() -> None:
    doc = copy.deepcopy(MAIL)
    doc["domain"]["chainId"] = "0x1"
    doc["message"]["to"]["wallet"] = doc["message"]["to"]["wallet"].lower()
    assert TypedData(doc).digest() == TypedData(MAIL).digest()


@fuzzed(documents(), quick=150, full=1500, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_random_documents_agree_with_eth_account(doc: dict[str, Any]) -> None:
    td = TypedData(doc)
    separator, struct_hash = eth_account_parts(doc)
    assert td.domain_separator() == separator
    assert td.struct_hash() == struct_hash
    assert td.digest() == eth_account_digest(doc)
    # the JSON text path is the same document
    assert hash_typed_data(json.dumps(doc)) == td.digest()
