"""Every intermediate of an EIP-712 digest, as a tree a person can read against the spec.

When a server rejects a signature, the question is *which* step differs: a type string, one
field's word, a nested struct's hash, an array's element hashes, the domain separator. This module
walks a document the way EIP-712 defines the digest and keeps every value on the way:

* ``encodeType`` and ``typeHash`` of each struct;
* for each field, its type, the value as given and its 32-byte word ``enc(value)``;
* for struct fields, the nested struct's own walk (its hash *is* the field's word);
* for arrays, each element's word and the array's word ``keccak256(elements)``;
* the domain separator (``hashStruct(EIP712Domain, domain)``), ``hashStruct(message)``, the digest.

Atomic words come from the core's encoders (:meth:`Schema.encode_field`), type strings and hashes
from :meth:`Schema.encode_type` / :meth:`Schema.type_hash`, field types are split with
:func:`parse_field_type`. What the walk computes itself is only the composition — struct words
concatenated and hashed, array words concatenated and hashed — so a trace's digest agreeing with
:meth:`TypedData.digest` is a real cross-check of the compiled hasher, not the same code twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..base.errors import Eip712KitError
from ..base.hashing import keccak256
from .atomic import element_type, parse_field_type
from .domain import derived_domain_type, eip712_digest
from .schema import EMPTY_ARRAY_HASH, Schema, compile_types
from .typed_data import TypedData


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

def trace_value(schema: Schema, type_text: str, value: Any) -> ValueTrace:
    """Walk one value of any field type down to its atomic words."""
    base, dims = parse_field_type(type_text)
    if dims:
        # Let the core judge the array's shape (list, fixed length, limits) with its own messages.
        if not isinstance(value, (list, tuple)) or (dims[-1] is not None and len(value) != dims[-1]):
            schema.encode_field(type_text, value)
        inner = element_type(base, dims)
        elements = []
        for index, item in enumerate(value):
            try:
                elements.append(trace_value(schema, inner, item))
            except Eip712KitError as exc:
                raise exc.at(index) from None
        word = keccak256(b"".join(e.word for e in elements)) if elements else EMPTY_ARRAY_HASH
        return ValueTrace(type_text, value, word, elements=tuple(elements))
    if base in schema.types:
        struct = trace_struct(schema, base, value)
        return ValueTrace(type_text, value, struct.hash, struct=struct)
    return ValueTrace(type_text, value, schema.encode_field(type_text, value))


def trace_struct(schema: Schema, name: str, value: Any) -> StructTrace:
    """``hashStruct(name, value)`` with every field's word kept."""
    fields = schema.types[name] if name in schema.types else None
    if fields is None or not isinstance(value, Mapping) or set(value) != {n for n, _ in fields}:
        # Unknown type, not an object, missing or extra fields: the core says which, and where.
        schema.encode_data(name, value)
        assert fields is not None  # encode_data accepted it, so the struct exists
    traced = []
    for field_name, field_type in fields:
        try:
            traced.append(FieldTrace(field_name, trace_value(schema, field_type, value[field_name])))
        except Eip712KitError as exc:
            raise exc.at(field_name) from None
    type_hash = schema.type_hash(name)
    struct_hash = keccak256(type_hash + b"".join(f.value.word for f in traced))
    return StructTrace(name, schema.encode_type(name), type_hash, tuple(traced), struct_hash)


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
