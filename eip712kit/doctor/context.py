"""The document under diagnosis, and the few ways a hypothesis rebuilds a part of it.

Every rebuilt value goes through the core encoder (:class:`~eip712kit.core.typed_data.Schema`): a
hypothesis says *what* the mistaken client changed — a domain value, a declared type, a field
value — and the context hashes it exactly as the core would, so a confirmed variant is the
document with that one change and nothing else.

Speed comes from not re-encoding what did not change. The message's 32-byte words are encoded
once into a :class:`~eip712kit.doctor.word_tree.WordTree` (one node per struct and array value); a
changed value re-encodes one word and rehashes only the structs on its path up to the root — for a
flat Sera ``Order`` one keccak instead of ten field encodings. Domain separators are cached per
(fields, values).

Variant schemas are compiled with :class:`Schema` directly, not through the shared
``compile_types`` cache: a diagnosis tries hundreds of type variants, and they must not evict the
schemas a server keeps warm.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..base.errors import Eip712KitError
from ..base.hashing import keccak256
from ..base.parsers import parse_int
from ..core.field_types import FieldType
from ..core.signature import Signature
from ..core.typed_data import Schema, TypedData, eip712_digest
from ..core.walk import Visit, type_at, walk
from .edits import encode_type_with, related, remove_at, replace_at, retyped_fields
from .findings import REMOVED, DomainEdit, Fields, Finding, MessageEdit, Path, Types, Variant
from .registry import NotApplicable
from .word_tree import WordTree


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


class _Parts:
    """The walk's visitor that lists the message's atomic values and its struct values."""

    def __init__(self) -> None:
        self.leaves: list[Leaf] = []
        self.structs: list[tuple[Path, str, dict[str, Any]]] = []

    def atomic(self, at: Visit) -> None:
        struct, field = at.field or ("", "")
        self.leaves.append(Leaf(at.path, at.type.base, at.value, struct, field))

    def struct(self, at: Visit, fields: Sequence[tuple[str, None]]) -> None:
        if isinstance(at.value, dict):
            self.structs.append((at.path, at.type.base, at.value))

    def array(self, at: Visit, items: Sequence[None]) -> None:
        pass


_LAYER_ORDER = {"method": 0, "domain": 1, "message": 2}


class Context:
    """What the hypotheses read: the compiled document, its intermediates, and rebuild helpers."""

    def __init__(self, td: TypedData, *, source: str | None, protocol: str | None, expected: str,
                 signature: Signature, original: Mapping[str, Any] | None = None):
        self.td = td
        self.schema: Schema = td.schema
        self.primary: str = td.primary_type
        self.domain: dict[str, Any] = dict(td.domain)
        self.domain_fields: Fields = tuple((f["name"], f["type"]) for f in td.domain_types())
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
        self._domain_schemas: dict[Fields, Schema | None] = {}
        self._schemas: dict[tuple[tuple[str, Fields], ...], Schema | None] = {}
        self._leaves: list[Leaf] | None = None
        self._structs: list[tuple[Path, str, dict[str, Any]]] | None = None
        self._tree: WordTree | None = None
        self._merged: dict[tuple[int, ...], bytes | None] = {}

    # -- domain --

    def separator_with(self, domain: Mapping[str, Any], fields: Fields | None = None) -> bytes | None:
        """The separator of ``domain`` under ``fields`` (default: the document's domain type).

        None when the values do not fit the fields: a variant the client could not have signed.
        """
        fields = self.domain_fields if fields is None else fields
        if fields in self._domain_schemas:
            schema = self._domain_schemas[fields]
        else:
            try:
                schema = Schema({"EIP712Domain": [{"name": n, "type": t} for n, t in fields]})
            except Eip712KitError:
                schema = None
            self._domain_schemas[fields] = schema
        if schema is None:
            return None
        try:
            return schema.hash_struct("EIP712Domain", {n: domain[n] for n, _ in fields})
        except (Eip712KitError, KeyError):
            return None

    def domain_variant(self, domain: Mapping[str, Any], *findings: Finding, fields: Fields | None = None,
                       compose: bool = True, tier: int | None = None) -> Variant[bytes] | None:
        """A variant for the domain the signer used (its values, and its EIP712Domain fields if other)."""
        separator = self.separator_with(domain, fields)
        if separator is None or separator == self.separator:
            return None
        changed = {k: v for k, v in domain.items()
                   if k not in self.domain or type(v) is not type(self.domain[k]) or v != self.domain[k]}
        edit = DomainEdit(changed, None if fields is None or fields == self.domain_fields else fields)
        return Variant(separator, findings, compose, tier, edit)

    def merge_domain(self, edits: Sequence[DomainEdit]) -> bytes | None:
        """The separator with every edit applied, or None when two edits touch the same thing."""
        values: dict[str, Any] = {}
        fields: Fields | None = None
        for edit in edits:
            if values.keys() & edit.values.keys():
                return None
            values.update(edit.values)
            if edit.fields is not None:
                if fields is not None:
                    return None
                fields = edit.fields
        final = self.domain_fields if fields is None else fields
        names = {n for n, _ in final}
        if any(k not in names for k in values):
            return None  # a value for a field the signer's domain does not have: no change at all
        return self.separator_with({**self.domain, **values}, final)

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
        if key in self._schemas:
            return self._schemas[key]
        try:
            schema: Schema | None = Schema(
                {n: [{"name": f, "type": t} for f, t in fs] for n, fs in types.items()})
        except Eip712KitError:
            schema = None
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
        except (Eip712KitError, KeyError, TypeError):
            return None

    def message_variant(self, struct_hash: bytes | None, *findings: Finding, compose: bool = True,
                        tier: int | None = None) -> Variant[bytes] | None:
        """A variant for a struct hash computed some other way (it combines across layers only)."""
        if struct_hash is None or struct_hash == self.struct_hash:
            return None
        return Variant(struct_hash, findings, compose, tier)

    @property
    def tree(self) -> WordTree | None:
        """The message's words (None for a domain-only document)."""
        if self._tree is None and self.primary != "EIP712Domain":
            self._tree = WordTree(self.schema, self.primary, self.message)
        return self._tree

    def type_at(self, path: Path) -> FieldType | None:
        """The declared type of the value at ``path`` in the message (None if there is none)."""
        return type_at(self.schema, self.primary, path)

    def field_of(self, path: Path) -> tuple[str, str] | None:
        """The (struct, field) that declares the value at ``path`` (an array item: its array's field)."""
        names = [i for i, seg in enumerate(path) if isinstance(seg, str)]
        if not names:
            return None
        last = names[-1]
        owner = self.type_at(path[:last])
        if owner is None:
            return None
        field = path[last]
        assert isinstance(field, str)
        return owner.base, field

    def words_for(self, changes: Sequence[tuple[Path, Any]]) -> dict[Path, bytes] | None:
        """The 32-byte words of new values at paths, under the document's types (None if one does not fit)."""
        words: dict[Path, bytes] = {}
        for path, value in changes:
            type_ = self.type_at(path)
            if type_ is None or value is REMOVED:
                return None
            try:
                words[path] = self.schema.encode_field(type_.text, value)
            except (Eip712KitError, KeyError, TypeError, ValueError):
                return None
        return words

    def retype_variant(self, struct: str, field: str, new_type: str, *findings: Finding, checked: bool = True,
                       tier: int | None = None) -> Variant[bytes] | None:
        """A variant for ``struct.field`` declared ``new_type`` when every word stays the same.

        Only the typeHashes of ``struct`` and of the structs that include it move: they are taken
        from the core's encodeType with that one declaration rewritten, and the message's words are
        reused — no schema to compile. ``checked`` first confirms with the core encoder that each
        value of the field encodes to the same word under ``new_type`` (a value that does not fit is
        a variant the client could not have signed); a spelling the core cannot compile (a
        width-less ``uint``) passes ``checked=False``.
        """
        tree = self.tree
        fields = self.schema.types[struct]
        old_type = dict(fields)[field]
        if tree is None:
            return None
        if checked:
            try:
                for _path, name, value in self.struct_values():
                    if name == struct and (self.schema.encode_field(new_type, value[field])
                                           != self.schema.encode_field(old_type, value[field])):
                        return None
            except (Eip712KitError, KeyError, TypeError, ValueError):
                return None
        signature = f"{struct}({','.join(f'{new_type if n == field else t} {n}' for n, t in fields)})"
        type_hashes = {name: keccak256(encode_type_with(self.schema, name, struct, signature).encode("utf-8"))
                       for name in self.reachable() if struct in self.schema.dependencies(name)}
        struct_hash = tree.rehash({}, type_hashes)
        if struct_hash == self.struct_hash:
            return None
        types = {**self.types(), struct: retyped_fields(fields, field, new_type)} if checked else None
        return Variant(struct_hash, findings, True, tier,
                       MessageEdit(types=types, type_hashes=type_hashes, retyped=frozenset({(struct, field)})))

    def value_variant(self, changes: Sequence[tuple[Path, Any]], *findings: Finding, compose: bool = True,
                      tier: int | None = None) -> Variant[bytes] | None:
        """A variant for the message with new values at some paths, types unchanged (the fast path)."""
        tree = self.tree
        words = self.words_for(changes)
        if tree is None or words is None:
            return None
        struct_hash = tree.rehash(words)
        if struct_hash == self.struct_hash:
            return None
        return Variant(struct_hash, findings, compose, tier, MessageEdit(tuple(changes), None, None, words))

    def types_variant(self, types: Types, *findings: Finding, changes: Sequence[tuple[Path, Any]] = (),
                      primary: str | None = None, compose: bool = True, tier: int | None = None
                      ) -> Variant[bytes] | None:
        """A variant for other declared types (and primary type), with new values at some paths."""
        message = self.apply(changes)
        if message is None:
            return None
        struct_hash = self.struct_hash_with(message, types, primary)
        if struct_hash is None or struct_hash == self.struct_hash:
            return None
        return Variant(struct_hash, findings, compose, tier, MessageEdit(tuple(changes), types, primary))

    def apply(self, changes: Sequence[tuple[Path, Any]], message: Any = None) -> Any:
        """The message with each change applied (``REMOVED`` drops the key); None if a path is missing."""
        out = self.message if message is None else message
        try:
            for path, value in changes:
                out = remove_at(out, path) if value is REMOVED else replace_at(out, path, value)
        except (KeyError, IndexError, TypeError):
            return None
        return out

    def merge_message(self, edits: Sequence[MessageEdit]) -> bytes | None:
        """The struct hash with every edit applied, or None when two edits touch the same thing.

        Value edits at unrelated paths merge by rehashing only the changed words' structs (the
        :class:`WordTree`); with one edit of the declared types, the values are encoded under it.
        Two type edits do not merge: a client declares its types once.
        """
        changes: list[tuple[Path, Any]] = []
        for edit in edits:
            for path, value in edit.values:
                if any(related(path, p) for p, _ in changes):
                    return None
                changes.append((path, value))
        typed = [e for e in edits if e.types is not None or e.primary is not None or e.type_hashes is not None]
        if len(typed) > 1:
            return None
        retype = typed[0] if typed and typed[0].type_hashes is not None else None
        if not typed or (retype is not None and not any(self.field_of(p) in retype.retyped for p, _ in changes)):
            words: dict[Path, bytes] = {}
            for edit in edits:
                if edit.type_hashes is None:
                    if edit.words is None:
                        return None
                    words.update(edit.words)
            tree = self.tree
            return None if tree is None else tree.rehash(words, None if retype is None else retype.type_hashes)
        if typed[0].types is None and typed[0].primary is None:
            return None  # a retype the core cannot compile, with a new value in the retyped field
        message = self.apply(changes)
        if message is None:
            return None
        return self.struct_hash_with(message, typed[0].types, typed[0].primary)

    @property
    def message_fields(self) -> Fields | None:
        """The primary struct's fields, when the message is that struct's object (None for EIP712Domain)."""
        if self.primary == "EIP712Domain" or not isinstance(self.message, dict):
            return None
        return self.schema.types[self.primary]

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
            self._parts()
        assert self._leaves is not None
        return self._leaves

    def struct_values(self) -> Iterator[tuple[Path, str, dict[str, Any]]]:
        """Every struct value in the message, shallowest first: its path, its struct name and its fields' values."""
        if self._structs is None:
            self._parts()
        assert self._structs is not None
        yield from self._structs

    def _parts(self) -> None:
        parts = _Parts()
        if self.primary != "EIP712Domain":
            walk(self.schema, self.primary, self.message, parts)
        self._leaves = parts.leaves
        # The walk meets a struct after its fields; the hypotheses read them by depth (breadth first).
        self._structs = sorted(parts.structs, key=lambda found: len(found[0]))

    # -- combinations --

    def combine(self, parts: Sequence[tuple[str, Variant[Any]]]) -> bytes | None:
        """The digest of several variants of different (or, through their edits, the same) layers.

        ``parts`` are (layer, variant) pairs; None when they cannot apply together (two methods,
        two edits of the same value, a variant without an edit beside another of its layer).
        Merged separators and struct hashes are remembered, so a triple reuses its pair's work.
        """
        if len(parts) == 2 and parts[0][0] != parts[1][0]:  # the common case, without the general machinery
            (la, a), (lb, b) = sorted(parts, key=lambda p: _LAYER_ORDER[p[0]])
            try:
                if la == "method":
                    value: bytes = (a.value(b.value, self.struct_hash) if lb == "domain" else
                                    a.value(self.separator, b.value))
                    return value
            except NotApplicable:
                return None
            return eip712_digest(a.value, b.value)
        methods = [v for layer, v in parts if layer == "method"]
        domains = [v for layer, v in parts if layer == "domain"]
        messages = [v for layer, v in parts if layer == "message"]
        if len(methods) > 1 or len(methods) + len(domains) + len(messages) != len(parts):
            return None
        separator = self._merged_value(domains, self.separator, "domain")
        struct_hash = self._merged_value(messages, self.struct_hash, "message")
        if separator is None or (messages and struct_hash is None):
            return None
        if methods:
            try:
                digest: bytes = methods[0].value(separator, struct_hash)
            except NotApplicable:
                return None
            return digest
        return eip712_digest(separator, struct_hash)

    def _merged_value(self, variants: list[Variant[Any]], default: bytes | None, layer: str) -> bytes | None:
        if not variants:
            return default
        if len(variants) == 1:
            value: bytes = variants[0].value
            return value
        key = tuple(id(v) for v in variants)  # the engine combines in one fixed order: a triple finds its pair
        if key not in self._merged:
            merged: bytes | None = None
            if layer == "domain":
                domain_edits = [v.edit for v in variants if isinstance(v.edit, DomainEdit)]
                if len(domain_edits) == len(variants):
                    merged = self.merge_domain(domain_edits)
            else:
                message_edits = [v.edit for v in variants if isinstance(v.edit, MessageEdit)]
                if len(message_edits) == len(variants):
                    merged = self.merge_message(message_edits)
            if merged is not None and merged in {v.value for v in variants}:
                merged = None  # one edit undoes or hides the other: not two mistakes
            self._merged[key] = merged
        return self._merged[key]


__all__ = [
    "Context",
    "Fields",
    "Leaf",
    "Path",
    "Types",
    "render_path",
    "show",
]
