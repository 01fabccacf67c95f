"""The document under diagnosis, and the few ways a hypothesis rebuilds a part of it.

Every rebuilt value goes through the core encoder (:class:`~eip712kit.typed_data.Schema`): a
hypothesis says *what* the mistaken client changed — a domain value, a declared type, a field
value — and the context hashes it exactly as the core would, so a confirmed variant is the
document with that one change and nothing else.

Variant schemas are compiled with :class:`Schema` directly, not through the shared
``compile_types`` cache: a diagnosis tries hundreds of type variants, and they must not evict the
schemas a server keeps warm.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..encoding import parse_int
from ..errors import Eip712KitError, ProtocolError
from ..protocols import renance, sera
from ..signature import Signature
from ..typed_data import DOMAIN_FIELD_TYPES, Schema, TypedData, eip712_digest, parse_field_type
from .findings import Finding, Variant

Path = tuple[str | int, ...]
Fields = tuple[tuple[str, str], ...]
Types = dict[str, Fields]

PROTOCOL_DOMAINS: dict[str, dict[str, Any]] = {
    "sera": sera.DOMAIN.to_dict(),
    "renance": renance.DOMAIN.to_dict(),
}
"""The documented domains, by protocol: the values a client copies from the wrong page."""

PROTOCOL_STRUCTS: dict[str, tuple[tuple[str, Fields], ...]] = {
    "sera": tuple((s.primary_type, s.fields) for s in sera.STRUCTS),
    "renance": tuple((s.primary_type, s.fields) for s in renance.STRUCTS),
}
PROTOCOLS = tuple(PROTOCOL_DOMAINS)


def render_path(root: str, path: Sequence[str | int]) -> str:
    """``("legs", 2, "amount")`` under ``message`` -> ``message.legs[2].amount``."""
    out = root
    for seg in path:
        out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else seg)
    return out


def show(value: Any) -> str:
    """A value as it appears in JSON, for sentences."""
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, int) else str(value)
    return text if len(text) <= 90 else text[:87] + "..."


@dataclass(frozen=True)
class Leaf:
    """One atomic value in the message: where it is, its type, and which struct field declares it."""

    path: Path
    type: str
    value: Any
    struct: str
    field: str

    @property
    def where(self) -> str:
        return render_path("message", self.path)

    @property
    def in_array(self) -> bool:
        return any(isinstance(seg, int) for seg in self.path)


def detect_protocol(td: TypedData, hint: str | None = None) -> str | None:
    """The protocol a document belongs to, by its shape — or the caller's hint.

    The domain decides first (its name or verifying contract is one a protocol documents); then
    the primary type with exactly a protocol struct's fields (Sera's and Renance's ``CancelOrder``
    differ in their fields, so the shape is unambiguous).
    """
    if hint is not None:
        if hint not in PROTOCOL_DOMAINS:
            raise ProtocolError(
                f"unknown protocol {hint!r}: the doctor knows {', '.join(PROTOCOLS)}",
                code="UNKNOWN_PROTOCOL",
                path="protocol",
            )
        return hint
    domain = td.domain
    for protocol, known in PROTOCOL_DOMAINS.items():
        name = domain.get("name")
        if isinstance(name, str) and name.lower() == str(known["name"]).lower():
            return protocol
        contract = domain.get("verifyingContract")
        if isinstance(contract, str) and contract.lower() == str(known["verifyingContract"]).lower():
            return protocol
    fields = td.schema.types.get(td.primary_type)
    for protocol, structs in PROTOCOL_STRUCTS.items():
        for name, declared in structs:
            if name == td.primary_type and fields == declared:
                return protocol
    return None


class Context:
    """What the hypotheses read: the compiled document, its intermediates, and rebuild helpers."""

    def __init__(self, td: TypedData, *, source: str | None, protocol: str | None, expected: str,
                 signature: Signature, original: Mapping[str, Any] | None = None):
        self.td = td
        self.schema: Schema = td.schema
        self.primary: str = td.primary_type
        self.domain: dict[str, Any] = dict(td.domain)
        self.domain_fields: Fields = tuple((f["name"], f["type"]) for f in td.domain_types())
        self.domain_declared = "EIP712Domain" in td.schema.types
        self.message: Any = td.message
        self.separator: bytes = td.domain_separator()
        self.struct_hash: bytes | None = td.struct_hash() if td.primary_type != "EIP712Domain" else None
        self.digest: bytes = td.digest()
        self.source = source
        """The document's text exactly as given (None when it came as a dict)."""
        self.original = original
        """The document as the caller's JSON object, key order kept (None when it came as a TypedData)."""
        self.protocol = protocol
        self.expected = expected
        self.signature = signature
        """The signature as the doctor reads it (canonical low-s)."""
        self._domain_schemas: dict[Fields, Schema] = {}
        self._schemas: dict[tuple[tuple[str, Fields], ...], Schema] = {}
        self._leaves: list[Leaf] | None = None

    # -- the standard digest of any pair --

    def digest_of(self, separator: bytes, struct_hash: bytes | None) -> bytes:
        return eip712_digest(separator, struct_hash)

    # -- domain --

    def separator_with(self, domain: Mapping[str, Any], fields: Fields | None = None) -> bytes | None:
        """The separator of ``domain`` under ``fields`` (default: the document's domain type).

        None when the values do not fit the fields: a variant the client could not have signed.
        """
        fields = self.domain_fields if fields is None else fields
        schema = self._domain_schemas.get(fields)
        if schema is None:
            try:
                schema = Schema({"EIP712Domain": [{"name": n, "type": t} for n, t in fields]})
            except Eip712KitError:
                return None
            self._domain_schemas[fields] = schema
        try:
            return schema.hash_struct("EIP712Domain", {n: domain[n] for n, _ in fields})
        except (Eip712KitError, KeyError):
            return None

    def domain_variant(self, domain: Mapping[str, Any], *findings: Finding, fields: Fields | None = None,
                       compose: bool = True) -> Variant[bytes] | None:
        separator = self.separator_with(domain, fields)
        if separator is None or separator == self.separator:
            return None
        return Variant(separator, findings, compose)

    def domain_int(self, key: str) -> int | None:
        """A numeric domain value (chainId) as an int, or None when absent or not numeric."""
        if key not in self.domain:
            return None
        try:
            return parse_int(self.domain[key])
        except Eip712KitError:
            return None

    # -- message --

    def schema_for(self, types: Types) -> Schema | None:
        key = tuple(types.items())
        schema = self._schemas.get(key)
        if schema is None:
            try:
                schema = Schema({n: [{"name": f, "type": t} for f, t in fs] for n, fs in types.items()})
            except Eip712KitError:
                return None
            self._schemas[key] = schema
        return schema

    def struct_hash_with(self, message: Any = None, types: Types | None = None, primary: str | None = None
                         ) -> bytes | None:
        """``hashStruct`` of the primary type over a changed message and/or changed types.

        None when the change does not encode (a value that does not fit a narrower type).
        """
        schema = self.schema if types is None else self.schema_for(types)
        if schema is None:
            return None
        try:
            return schema.hash_struct(primary or self.primary, self.message if message is None else message)
        except Eip712KitError:
            return None

    def message_variant(self, struct_hash: bytes | None, *findings: Finding, compose: bool = True
                        ) -> Variant[bytes] | None:
        if struct_hash is None or struct_hash == self.struct_hash:
            return None
        return Variant(struct_hash, findings, compose)

    def types(self) -> Types:
        """A copy of the document's struct definitions (without EIP712Domain)."""
        return {n: fs for n, fs in self.schema.types.items() if n != "EIP712Domain"}

    def reachable(self) -> list[str]:
        """The primary type and every struct it depends on, primary first."""
        if self.primary == "EIP712Domain":
            return []
        deps = sorted(self.schema.dependencies(self.primary) - {self.primary})
        return [self.primary, *deps]

    def leaves(self) -> list[Leaf]:
        """Every atomic value in the message, depth first in field order."""
        if self._leaves is None:
            self._leaves = [] if self.primary == "EIP712Domain" else list(
                self._walk(self.primary, self.message, (), self.primary, "")
            )
        return self._leaves

    def _walk(self, type_text: str, value: Any, path: Path, struct: str, field: str) -> Iterator[Leaf]:
        base, dims = parse_field_type(type_text)
        if dims:
            inner = base + "".join(f"[{d or ''}]" for d in dims[:-1])
            for index, item in enumerate(value):
                yield from self._walk(inner, item, (*path, index), struct, field)
            return
        if base in self.schema.types:
            for name, ftype in self.schema.types[base]:
                yield from self._walk(ftype, value[name], (*path, name), base, name)
            return
        yield Leaf(path, base, value, struct, field)

    def replace(self, path: Path, value: Any, message: Any = None) -> Any:
        """A copy of the message with the value at ``path`` replaced (only the path is copied)."""
        return _replace(self.message if message is None else message, path, value)

    def rename(self, path: Path, new_key: str, message: Any = None) -> Any:
        """A copy of the message with the key at ``path`` renamed, keeping key order."""
        return _rename(self.message if message is None else message, path, new_key)


def _replace(node: Any, path: Path, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, list):
        copy_list = list(node)
        copy_list[head] = _replace(node[head], rest, value)  # type: ignore[index]
        return copy_list
    copy_dict = dict(node)
    copy_dict[head] = _replace(node[head], rest, value)
    return copy_dict


def _rename(node: Any, path: Path, new_key: str) -> Any:
    head, rest = path[0], path[1:]
    if isinstance(node, list):
        copy_list = list(node)
        copy_list[head] = _rename(node[head], rest, new_key)  # type: ignore[index]
        return copy_list
    if not rest:
        return {(new_key if k == head else k): v for k, v in node.items()}
    copy_dict = dict(node)
    copy_dict[head] = _rename(node[head], rest, new_key)
    return copy_dict


def canonical_fields(keys: Sequence[str]) -> Fields:
    """The derived EIP712Domain fields for these keys, in canonical order."""
    return tuple((k, t) for k, t in DOMAIN_FIELD_TYPES.items() if k in keys)


__all__ = [
    "PROTOCOLS",
    "PROTOCOL_DOMAINS",
    "PROTOCOL_STRUCTS",
    "Context",
    "Fields",
    "Leaf",
    "Types",
    "canonical_fields",
    "detect_protocol",
    "render_path",
    "show",
]
