"""Speed may never buy a wrong digest: every fast path against the generic one, on random documents."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck

import eip712kit
from eip712kit import TypedData
from eip712kit.base.hashing import keccak256
from eip712kit.core.batch import hash_many, recover_many, sign_many
from eip712kit.core.domain import eip712_digest
from eip712kit.core.schema import Schema
from tests.helpers.devkeys import DevKey
from tests.helpers.examples import order_document
from tests.helpers.fuzzing import fuzzed
from tests.helpers.strategies import documents


def generic_digest(doc: dict[str, Any]) -> bytes:
    """The uncached, uncompiled route: a fresh Schema, encodeData field by field, then keccak."""
    schema = Schema(copy.deepcopy(doc["types"]))
    if "EIP712Domain" in schema.types:
        separator = keccak256(schema.encode_data("EIP712Domain", doc["domain"]))
    else:
        domain_types = TypedData(doc).domain_types()
        separator = keccak256(Schema({"EIP712Domain": domain_types}).encode_data("EIP712Domain", doc["domain"]))
    return eip712_digest(separator, keccak256(schema.encode_data(doc["primaryType"], doc["message"])))


@fuzzed(documents(), quick=50, full=400, suppress_health_check=[HealthCheck.too_slow])
def test_compiled_and_cached_paths_equal_the_generic_path(doc: dict[str, Any]) -> None:
    first = TypedData(doc).digest()  # compiles and caches
    again = TypedData(copy.deepcopy(doc)).digest()  # served from the caches
    assert first == again == generic_digest(doc)


def test_cache_does_not_confuse_values_python_considers_equal() -> None:
    doc = order_document()
    TypedData(doc)  # warm the caches with chainId 11155111
    doc["domain"]["chainId"] = True  # True == 1 in Python; it must still be refused
    with pytest.raises(eip712kit.ValueEncodingError) as err:
        TypedData(doc)
    assert err.value.code == "INVALID_INT" and err.value.path == "domain.chainId"
    one = order_document()
    one["domain"]["chainId"] = 1
    TypedData(one)
    one["domain"]["chainId"] = 1.0  # a whole float is accepted and must hash as 1
    as_int = {**one, "domain": {**one["domain"], "chainId": 1}}
    assert TypedData(one).domain_separator() == TypedData(as_int).domain_separator()


def test_cache_sees_a_types_object_mutated_in_place() -> None:
    doc = order_document()
    before = TypedData(doc).digest()
    doc["types"]["Order"][1]["type"] = "uint256"  # same names, different type: a different schema
    assert TypedData(doc).digest() != before
    assert TypedData(doc).encode_type().startswith("Order(address user,uint256 expiration,")


def test_batches_equal_one_by_one(dev_key: DevKey) -> None:
    key, address = dev_key
    docs = [order_document(uuid=i) for i in range(50)]
    digests = hash_many(docs)
    assert digests == [eip712kit.hash_typed_data(d) for d in docs]
    signatures = sign_many(docs, key)
    assert [s.to_hex() for s in signatures] == [eip712kit.sign_typed_data(d, key).to_hex() for d in docs]
    assert recover_many(docs, signatures) == [address] * 50


def test_batches_over_processes_equal_one_by_one(dev_key: DevKey) -> None:
    key, address = dev_key
    docs = [order_document(uuid=i) for i in range(4_100)]
    assert hash_many(docs, processes=2) == hash_many(docs)
    signatures = sign_many(docs, key, processes=2)
    assert signatures == sign_many(docs, key)
    assert recover_many(docs, signatures, processes=2) == [address] * len(docs)
    assert hash_many(docs, processes=0) == hash_many(docs)  # 0: one process per core, as --jobs 0
    with pytest.raises(ValueError, match="one per core"):
        hash_many(docs, processes=-1)


def test_a_bad_document_in_a_batch_is_named_by_index() -> None:
    docs = [order_document(uuid=i) for i in range(5)]
    docs[3]["message"]["user"] = "0x123"
    with pytest.raises(eip712kit.ValueEncodingError) as err:
        hash_many(docs)
    assert err.value.path == "[3].message.user"
    results = hash_many(docs, errors="return")
    assert isinstance(results[3], eip712kit.Eip712KitError) and isinstance(results[4], bytes)
