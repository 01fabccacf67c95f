"""Every intermediate of an EIP-712 digest, as a tree a person can read against the spec.

When a server rejects a signature, the question is *which* step differs: a type string, one
field's word, a nested struct's hash, an array's element hashes, the domain separator. This module
walks a document the way EIP-712 defines the digest and keeps every value on the way:

* ``encodeType`` and ``typeHash`` of each struct;
* for each field, its type, the value as given and its 32-byte word ``enc(value)``;
* for struct fields, the nested struct's own walk (its hash *is* the field's word);
* for arrays, each element's word and the array's word ``keccak256(elements)``;
* the domain separator (``hashStruct(EIP712Domain, domain)``), ``hashStruct(message)``, the digest.

The value is taken apart by the core's one walk (:func:`eip712kit.core.walk.walk`, over the
schema's parsed field types); atomic words come from the core's encoders
(:meth:`Schema.encode_field`), type strings and hashes from :meth:`Schema.encode_type` /
:meth:`Schema.type_hash`, and words compose through :func:`~eip712kit.core.schema.hash_struct_words`
and :func:`~eip712kit.core.schema.hash_array_words`. None of this is the compiled hasher, which
unrolls the same formulas: a trace's digest agreeing with :meth:`TypedData.digest` is a
cross-check of that compiled path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..base.errors import Eip712KitError
from .domain import derived_domain_type, eip712_digest
from .schema import Schema, compile_types, hash_array_words, hash_struct_words
from .typed_data import TypedData
from .walk import Visit, walk


def _hex(data: bytes) -> str:
    return "0x" + data.hex()


@dataclass(frozen=True)
class StructTrace:
    """``hashStruct(type, value)`` with its parts: ``keccak256(typeHash ‖ word₁ ‖ … ‖ wordₙ)``."""

    type: str
    encode_type: str
    type_hash: bytes
    fields: tuple[FieldTrace, ...]
    hash: bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "encodeType": self.encode_type,
            "typeHash": _hex(self.type_hash),
            "hash": _hex(self.hash),
            "fields": [f.to_dict() for f in self.fields],
        }


@dataclass(frozen=True)
class ValueTrace:
    """One value of a field type and its 32-byte word.

    ``struct`` is set for a struct value (its hash is the word), ``elements`` for an array (the
    word is ``keccak256`` of the elements' words, or of nothing for an empty array).
    """

    type: str
    value: Any
    word: bytes
    struct: StructTrace | None = None
    elements: tuple[ValueTrace, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        if self.struct is not None:
            out["struct"] = self.struct.to_dict()
        elif self.elements is not None:
            out["elements"] = [e.to_dict() for e in self.elements]
        else:
            out["value"] = self.value
        out["word"] = _hex(self.word)
        return out


@dataclass(frozen=True)
class FieldTrace:
    name: str
    value: ValueTrace

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, **self.value.to_dict()}


@dataclass(frozen=True)
class Trace:
    """The whole digest of one document, from type strings to the final 32 bytes."""

    primary_type: str
    types: tuple[tuple[str, str, bytes], ...]
    """``(struct, encodeType, typeHash)`` for every struct, the domain type included."""
    domain: StructTrace
    message: StructTrace | None
    """``None`` when primaryType is ``EIP712Domain`` (only the domain is signed)."""
    digest: bytes

    @property
    def domain_separator(self) -> bytes:
        return self.domain.hash

    @property
    def struct_hash(self) -> bytes | None:
        return None if self.message is None else self.message.hash

    def to_dict(self) -> dict[str, Any]:
        return {
            "primaryType": self.primary_type,
            "digest": _hex(self.digest),
            "domainSeparator": _hex(self.domain_separator),
            "structHash": None if self.struct_hash is None else _hex(self.struct_hash),
            "types": {name: {"encodeType": enc, "typeHash": _hex(th)} for name, enc, th in self.types},
            "domain": self.domain.to_dict(),
            "message": None if self.message is None else self.message.to_dict(),
        }

    def render(self) -> str:
        """The indented text tree ``eip712kit hash --trace`` prints."""
        return render_trace(self)


# --- the walk ---------------------------------------------------------------------------------

class _Tracer:
    """A :class:`~eip712kit.core.walk.Visitor` that keeps every word on the way up."""

    def __init__(self, schema: Schema):
        self.schema = schema

    def atomic(self, at: Visit) -> ValueTrace:
        return ValueTrace(at.type.text, at.value, self.schema.encode_field(at.type.text, at.value))

    def struct(self, at: Visit, fields: Sequence[tuple[str, ValueTrace]]) -> ValueTrace:
        name = at.type.base
        type_hash = self.schema.type_hash(name)
        struct_hash = hash_struct_words(type_hash, [value.word for _, value in fields])
        traced = tuple(FieldTrace(field_name, value) for field_name, value in fields)
        struct = StructTrace(name, self.schema.encode_type(name), type_hash, traced, struct_hash)
        return ValueTrace(at.type.text, at.value, struct_hash, struct=struct)

    def array(self, at: Visit, items: Sequence[ValueTrace]) -> ValueTrace:
        word = hash_array_words([item.word for item in items])
        return ValueTrace(at.type.text, at.value, word, elements=tuple(items))


def trace_value(schema: Schema, type_text: str, value: Any) -> ValueTrace:
    """Walk one value of any field type down to its atomic words."""
    return walk(schema, type_text, value, _Tracer(schema))


def trace_struct(schema: Schema, name: str, value: Any) -> StructTrace:
    """``hashStruct(name, value)`` with every field's word kept."""
    if name not in schema.types:
        schema.encode_data(name, value)  # the core says the struct is not defined, and lists those that are
    struct = trace_value(schema, name, value).struct
    assert struct is not None  # a value of a struct type traces as a struct
    return struct


def trace_typed_data(document: TypedData | Mapping[str, Any] | str | bytes) -> Trace:
    """The full trace of a typed-data document (validated first, as :class:`TypedData` does)."""
    td = document if isinstance(document, TypedData) else TypedData(document)
    schema = td.schema
    if "EIP712Domain" in schema.types:
        domain_schema = schema
    else:
        domain_schema = compile_types({"EIP712Domain": derived_domain_type(td.domain)})
    try:
        domain = trace_struct(domain_schema, "EIP712Domain", td.domain)
    except Eip712KitError as exc:
        raise exc.at("domain") from None
    message = None
    if td.primary_type != "EIP712Domain":
        try:
            message = trace_struct(schema, td.primary_type, td.message)
        except Eip712KitError as exc:
            raise exc.at("message") from None
    names = sorted(schema.types)
    types = [(n, schema.encode_type(n), schema.type_hash(n)) for n in names]
    if domain_schema is not schema:
        types.insert(0, ("EIP712Domain", domain.encode_type, domain.type_hash))
    digest = eip712_digest(domain.hash, None if message is None else message.hash)
    return Trace(td.primary_type, tuple(types), domain, message, digest)


# --- text rendering ---------------------------------------------------------------------------

_VALUE_WIDTH = 72


def _show(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False)
    if len(text) > _VALUE_WIDTH:
        return text[: _VALUE_WIDTH - 1] + f"… ({len(text)} chars)"
    return text


def _render_struct(struct: StructTrace, indent: str, out: list[str]) -> None:
    out.append(f"{indent}encodeType  {struct.encode_type}")
    out.append(f"{indent}typeHash    {_hex(struct.type_hash)}")
    for field in struct.fields:
        _render_value(field.name, field.value, indent, out)


def _render_value(label: str, node: ValueTrace, indent: str, out: list[str]) -> None:
    if node.struct is not None:
        out.append(f"{indent}{label} ({node.type}) = hashStruct {_hex(node.word)}")
        _render_struct(node.struct, indent + "  ", out)
    elif node.elements is not None:
        count = len(node.elements)
        what = "empty: keccak256 of nothing" if not count else f"{count} element{'s' if count != 1 else ''}"
        out.append(f"{indent}{label} ({node.type}) = keccak256(elements) {_hex(node.word)}  [{what}]")
        for index, element in enumerate(node.elements):
            _render_value(f"[{index}]", element, indent + "  ", out)
    else:
        out.append(f"{indent}{label} ({node.type}) {_show(node.value)}")
        out.append(f"{indent}  word {_hex(node.word)}")


def render_trace(trace: Trace) -> str:
    out = [f"digest {_hex(trace.digest)}"]
    if trace.message is None:
        out.append("  = keccak256(0x1901 ‖ domainSeparator)   (primaryType EIP712Domain: no message hash)")
    else:
        out.append("  = keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))")
    out.append(f"domainSeparator {_hex(trace.domain_separator)}")
    out.append("  = hashStruct(EIP712Domain, domain)")
    _render_struct(trace.domain, "  ", out)
    if trace.message is not None:
        out.append(f"hashStruct(message) {_hex(trace.message.hash)}")
        out.append(f"  = keccak256(typeHash ‖ encodeData) of {trace.primary_type}")
        _render_struct(trace.message, "  ", out)
    out.append("types")
    for name, encode_type, type_hash in trace.types:
        out.append(f"  {name}")
        out.append(f"    encodeType  {encode_type}")
        out.append(f"    typeHash    {_hex(type_hash)}")
    return "\n".join(out)


__all__ = [
    "FieldTrace",
    "StructTrace",
    "Trace",
    "ValueTrace",
    "render_trace",
    "trace_struct",
    "trace_typed_data",
    "trace_value",
]
