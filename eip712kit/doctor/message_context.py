"""What the doctor knows of the document's message, and how a message hypothesis rebuilds its struct hash.

A message hypothesis says what the mistaken client changed — a value at a path, a declared type, the
primary type — and :class:`MessageContext` hashes it exactly as the core would, so a confirmed
variant is the document with that one change and nothing else.

Speed comes from not re-encoding what did not change. The message's 32-byte words are encoded
once into a :class:`~eip712kit.doctor.word_tree.WordTree` (one node per struct and array value); a
changed value re-encodes one word and rehashes only the structs on its path up to the root — for a
flat Sera ``Order`` one keccak instead of ten field encodings. The message's atomic values and struct
values are listed once, by the core's walk (:func:`eip712kit.core.walk.walk`).

Variant schemas are compiled with :class:`Schema` directly, not through the shared
``compile_types`` cache: a diagnosis tries hundreds of type variants, and they must not evict the
schemas a server keeps warm.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..base.errors import Eip712KitError
from ..core.field_types import FieldType
from ..core.schema import Schema, type_hash_of
from ..core.typed_data import TypedData
from ..core.walk import Visit, type_at, walk
from .edits import encode_type_with, related, remove_at, replace_at, retyped_fields
from .findings import REMOVED, Fields, Finding, MessageEdit, Path, Types, Variant, render_path
from .word_tree import WordTree


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


class MessageContext:
    """The document's message — its schema, primary type, value and struct hash — and its variants."""

    def __init__(self, td: TypedData):
        self.schema: Schema = td.schema
        self.primary: str = td.primary_type
        self.value: Any = td.message
        """The message as given."""
        self.struct_hash: bytes | None = td.struct_hash() if td.primary_type != "EIP712Domain" else None
        """``hashStruct(message)``; None for a domain-only document (``primaryType: EIP712Domain``)."""
        self._schemas: dict[tuple[tuple[str, Fields], ...], Schema | None] = {}
        self._leaves: list[Leaf] | None = None
        self._structs: list[tuple[Path, str, dict[str, Any]]] | None = None
        self._tree: WordTree | None = None

    # -- what the message holds --

    @property
    def fields(self) -> Fields | None:
        """The primary struct's fields, when the message is that struct's object (None for EIP712Domain)."""
        if self.primary == "EIP712Domain" or not isinstance(self.value, dict):
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
            self._list_parts()
        assert self._leaves is not None
        return self._leaves

    def struct_values(self) -> Iterator[tuple[Path, str, dict[str, Any]]]:
        """Every struct value in the message, shallowest first: its path, its struct name and its fields' values."""
        if self._structs is None:
            self._list_parts()
        assert self._structs is not None
        yield from self._structs

    def _list_parts(self) -> None:
        parts = _Parts()
        if self.primary != "EIP712Domain":
            walk(self.schema, self.primary, self.value, parts)
        self._leaves = parts.leaves
        # The walk meets a struct after its fields; the hypotheses read them by depth (breadth first).
        self._structs = sorted(parts.structs, key=lambda found: len(found[0]))

    # -- rebuilding the struct hash --

    def schema_for(self, types: Types) -> Schema | None:
        """These declared types compiled (once per diagnosis), or None when they do not compile."""
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
            return schema.hash_struct(primary or self.primary, self.value if message is None else message)
        except (Eip712KitError, KeyError, TypeError):
            return None

    def variant(self, struct_hash: bytes | None, *findings: Finding, compose: bool = True,
                        tier: int | None = None) -> Variant[bytes] | None:
        """A variant for a struct hash computed some other way (it combines across layers only)."""
        if struct_hash is None or struct_hash == self.struct_hash:
            return None
        return Variant(struct_hash, findings, compose, tier)

    @property
    def tree(self) -> WordTree | None:
        """The message's words (None for a domain-only document)."""
        if self._tree is None and self.primary != "EIP712Domain":
            self._tree = WordTree(self.schema, self.primary, self.value)
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
        type_hashes = {name: type_hash_of(encode_type_with(self.schema, name, struct, signature))
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
        out = self.value if message is None else message
        try:
            for path, value in changes:
                out = remove_at(out, path) if value is REMOVED else replace_at(out, path, value)
        except (KeyError, IndexError, TypeError):
            return None
        return out

    def merge(self, edits: Sequence[MessageEdit]) -> bytes | None:
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


__all__ = ["Leaf", "MessageContext"]
