"""Hostile input: whatever arrives, the only outcomes are a correct result or the kit's own error.

Each test feeds generated garbage — random JSON, valid documents with one node replaced, random
text and bytes — to a public entry point and accepts exactly two outcomes: a result, or an
:class:`~eip712kit.Eip712KitError`. Any other exception fails. There is no wall-time deadline: how
fast a busy machine runs is not what this asserts (the input bounds, ``LIMIT_EXCEEDED``, are
test_bad_input.py's).
Longer runs use the atheris target in ``tools/fuzz_atheris.py``.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck
from hypothesis import strategies as st

import eip712kit
from eip712kit import Eip712KitError, Signature, TypedData, uuid_int
from tests.helpers.fuzzing import fuzzed
from tests.helpers.strategies import documents, node_paths, replaced

FUZZ: dict[str, Any] = {"quick": 60, "full": 600,
                        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
"""Each fuzzer: 60 inputs in the default run, 600 under ``pytest -m fuzz`` (tests/helpers/fuzzing.py)."""

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**300), 2**300), st.floats(allow_nan=False),
    st.text(max_size=30), st.sampled_from(["0x", "0x00", "0x" + "ab" * 20, "-1", "1e3", "uint256", "Person[]", ""]),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children,
                                                                                 max_size=4)),
    max_leaves=20,
)


def only_our_errors(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except Eip712KitError as exc:
        assert exc.code in eip712kit.CODES and exc.message
        return exc


@fuzzed(json_values, **FUZZ)
def test_random_json_as_a_document(value: Any) -> None:
    only_our_errors(TypedData, value)
    only_our_errors(TypedData, json.dumps(value))


@fuzzed(st.text(max_size=200) | st.binary(max_size=200), **FUZZ)
def test_random_text_as_a_document(text: str | bytes) -> None:
    only_our_errors(TypedData, text)


@fuzzed(documents(max_structs=3), st.data(), **FUZZ)
def test_valid_document_with_one_node_replaced(doc: dict[str, Any], data: st.DataObject) -> None:
    path = data.draw(st.sampled_from([p for p in node_paths(doc) if p]))
    mutated = replaced(doc, path, data.draw(json_values))
    result = only_our_errors(TypedData, mutated)
    if isinstance(result, TypedData):  # accepted: it must hash exactly like the generic path
        assert result.digest() == TypedData(json.loads(json.dumps(mutated))).digest()


@fuzzed(st.one_of(st.text(max_size=140), st.binary(max_size=70), st.integers(), st.none(), json_values), **FUZZ)
def test_random_signatures(value: Any) -> None:
    result = only_our_errors(Signature.parse, value)
    if isinstance(result, Signature):
        assert Signature.parse(result.to_hex()) == result
        only_our_errors(eip712kit.recover_digest, b"\x01" * 32, result)


@fuzzed(st.one_of(st.integers(-(2**260), 2**260), st.text(max_size=90), st.none(), st.floats(), json_values), **FUZZ)
def test_random_uuid_ints(value: Any) -> None:
    result = only_our_errors(uuid_int.unpack, value)
    if not isinstance(result, Eip712KitError):
        assert result == uuid_int.unpack(int(value))


@fuzzed(st.one_of(st.text(max_size=60), json_values), st.one_of(st.text(max_size=140), json_values), **FUZZ)
def test_random_uuid_bindings(order_id: Any, value: Any) -> None:
    only_our_errors(uuid_int.require_binding, order_id, value)


@fuzzed(st.one_of(st.text(max_size=100), st.binary(max_size=100), json_values), **FUZZ)
def test_random_personal_sign_messages(message: Any) -> None:
    only_our_errors(eip712kit.hash_message, message)
    only_our_errors(eip712kit.core.messages.as_message, message)
