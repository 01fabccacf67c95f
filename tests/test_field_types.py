"""Field types parsed once, and the one walk over typed values: read as examples of use."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from eip712kit import TypedData
from eip712kit.base.errors import TypeDefinitionError, ValueEncodingError
from eip712kit.core.domain import DIGEST_PREFIX, eip712_digest, signing_preimage
from eip712kit.core.field_types import Field, FieldType, resolve_field_type
from eip712kit.core.schema import EMPTY_ARRAY_HASH, compile_types, hash_array_words, hash_struct_words
from eip712kit.core.walk import Visit, type_at, walk
from tests.helpers.examples import order_document

MAIL_TYPES = {
    "Person": [{"name": "name", "type": "string"}, {"name": "wallets", "type": "address[]"}],
    "Mail": [
        {"name": "from", "type": "Person"},
        {"name": "to", "type": "Person[2][]"},
        {"name": "contents", "type": "string"},
    ],
}
ALICE = {"name": "Alice", "wallets": ["0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"]}
BOB = {"name": "Bob", "wallets": []}
MAIL = {"from": ALICE, "to": [[BOB, ALICE]], "contents": "Hello"}


def test_a_field_type_is_read_innermost_first_the_way_solidity_writes_it() -> None:
    schema = compile_types(MAIL_TYPES)
    to = schema.field_type("Person[2][]")
    assert (to.kind, to.base, to.struct, to.dims, to.length, to.suffix) == (
        "array", "Person", "Person", (2, None), None, "[2][]")
    pair = to.element
    assert pair is not None and (pair.text, pair.kind, pair.length) == ("Person[2]", "array", 2)
    person = pair.element
    assert person is not None and (person.text, person.kind, person.element, person.encoder) == (
        "Person", "struct", None, None)
    assert to.with_base("People") == "People[2][]"


def test_an_atomic_type_carries_its_word_encoder() -> None:
    amount = resolve_field_type("uint48", ())
    assert amount.kind == "atomic" and amount.struct is None and amount.encoder is not None
    assert amount.encoder("42") == (42).to_bytes(32, "big")
    with pytest.raises(ValueEncodingError) as err:
        amount.encoder(2**48)
    assert err.value.code == "INT_OUT_OF_RANGE"


def test_a_schema_gives_each_struct_its_parsed_fields_in_declared_order() -> None:
    schema = compile_types(MAIL_TYPES)
    fields = schema.struct_fields("Mail")
    assert [f.name for f in fields] == ["from", "to", "contents"]
    assert fields[0] == Field("from", schema.field_type("Person"))
    assert fields[1].type is schema.field_type("Person[2][]")  # parsed once, shared
    assert schema.struct_fields("Person")[1].type.element == resolve_field_type("address", ())


def test_unknown_and_malformed_types_are_refused_with_the_core_sentence() -> None:
    with pytest.raises(TypeDefinitionError) as err:
        resolve_field_type("uint", ())
    assert err.value.code == "UNKNOWN_TYPE" and "uint256" in err.value.message
    with pytest.raises(TypeDefinitionError) as err:
        resolve_field_type("Person[0]", ("Person",))
    assert err.value.code == "UNKNOWN_TYPE"
    with pytest.raises(TypeDefinitionError) as err:
        compile_types({"Mail": [{"name": "to", "type": "Persn[]"}]})
    assert err.value.path == "types.Mail[0].type"
    assert resolve_field_type("Anything[]", None).struct == "Anything"  # no types at hand: any name is a struct


class Words:
    """The smallest visitor: hashStruct recomputed from the walk's parts."""

    def __init__(self, schema: Any):
        self.schema = schema

    def atomic(self, at: Visit) -> bytes:
        assert at.type.encoder is not None
        return at.type.encoder(at.value)

    def struct(self, at: Visit, fields: Sequence[tuple[str, bytes]]) -> bytes:
        return hash_struct_words(self.schema.type_hash(at.type.base), [word for _, word in fields])

    def array(self, at: Visit, items: Sequence[bytes]) -> bytes:
        return hash_array_words(items)


def test_a_visitor_of_three_methods_recomputes_hash_struct() -> None:
    schema = compile_types(MAIL_TYPES)
    assert walk(schema, "Mail", MAIL, Words(schema)) == schema.hash_struct("Mail", MAIL)
    order = order_document()
    order_schema = compile_types(order["types"])
    assert walk(order_schema, "Order", order["message"], Words(order_schema)) == TypedData(order).struct_hash()
    assert hash_array_words([]) == EMPTY_ARRAY_HASH


def test_the_walk_gives_each_value_its_path_and_declaring_field_children_first() -> None:
    schema = compile_types(MAIL_TYPES)
    seen: list[tuple[str, Any, Any]] = []

    class Record:
        def atomic(self, at: Visit) -> None:
            seen.append(("atomic", at.path, at.field))

        def struct(self, at: Visit, fields: Sequence[tuple[str, None]]) -> None:
            seen.append(("struct", at.path, at.type.base))

        def array(self, at: Visit, items: Sequence[None]) -> None:
            seen.append(("array", at.path, at.type.text))

    walk(schema, "Mail", MAIL, Record())
    assert seen[:4] == [
        ("atomic", ("from", "name"), ("Person", "name")),
        ("atomic", ("from", "wallets", 0), ("Person", "wallets")),  # an element is declared by its array's field
        ("array", ("from", "wallets"), "address[]"),
        ("struct", ("from",), "Person"),
    ]
    assert seen[-2:] == [("atomic", ("contents",), ("Mail", "contents")), ("struct", (), "Mail")]
    assert ("array", ("to", 0), "Person[2]") in seen


def test_the_walk_refuses_a_bad_shape_with_the_core_error_and_its_path() -> None:
    schema = compile_types(MAIL_TYPES)
    for message, code, path in [
        ({**MAIL, "to": [[BOB]]}, "ARRAY_LENGTH", "to[0]"),
        ({**MAIL, "from": {"name": "Al"}}, "MISSING_FIELD", "from.wallets"),
        ({**MAIL, "to": [[BOB, {**ALICE, "wallets": ["0x12"]}]]}, "INVALID_ADDRESS", "to[0][1].wallets[0]"),
    ]:
        with pytest.raises(ValueEncodingError) as err:
            walk(schema, "Mail", message, Words(schema))
        assert (err.value.code, err.value.path) == (code, path)


def test_type_at_follows_a_path_through_structs_and_arrays() -> None:
    schema = compile_types(MAIL_TYPES)
    found = type_at(schema, "Mail", ("to", 0, 1, "wallets", 3))
    assert isinstance(found, FieldType) and found.text == "address"
    assert type_at(schema, "Mail", ("to", "x")) is None
    assert type_at(schema, "Mail", ("nobody",)) is None


def test_the_digest_formula_is_written_once() -> None:
    doc = order_document()
    td = TypedData(doc)
    separator, struct_hash = td.domain_separator(), td.struct_hash()
    assert signing_preimage(separator, struct_hash) == DIGEST_PREFIX + separator + struct_hash
    assert signing_preimage(separator) == b"\x19\x01" + separator
    assert eip712_digest(separator, struct_hash) == td.digest()
