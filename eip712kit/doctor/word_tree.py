"""The message's encoded words, kept so a variant rehashes only what it changed.

The message's 32-byte words are encoded once into a :class:`WordTree` (one node per struct and
array value); a changed value re-encodes one word and rehashes only the structs on its path up to
the root — for a flat Sera ``Order`` one keccak instead of ten field encodings. A new typeHash for
some structs (a field declared otherwise) rehashes only the nodes with a value of those structs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..base.hashing import keccak256
from ..core.atomic import element_type
from ..core.typed_data import Schema, parse_field_type
from .findings import Path


class WordTree:
    """The message's encoded words, one node per struct or array value, for cheap partial rehashing.

    A node holds its prefix (a struct's typeHash, nothing for an array), the 32-byte word of each
    child in order, and its own word (the struct's hashStruct, the array's keccak). :meth:`rehash`
    takes new words at some paths (and new typeHashes for some structs) and recomputes only the
    nodes above them.
    """

    __slots__ = ("_nodes", "_root")

    def __init__(self, schema: Schema, primary: str, message: Any):
        self._nodes: dict[Path, _Node] = {}
        self._root = self._build(schema, primary, message, ())

    def _build(self, schema: Schema, type_text: str, value: Any, path: Path) -> bytes:
        base, dims = parse_field_type(type_text)
        if dims:
            inner = element_type(base, dims)
            keys: tuple[str | int, ...] = tuple(range(len(value)))
            words = [self._build(schema, inner, item, (*path, i)) for i, item in enumerate(value)]
            prefix, struct = b"", None
        elif base in schema.types:
            fields = schema.types[base]
            keys = tuple(n for n, _ in fields)
            words = [self._build(schema, t, value[n], (*path, n)) for n, t in fields]
            prefix, struct = schema.type_hash(base), base
        else:
            return schema.encode_field(type_text, value)
        word = keccak256(prefix + b"".join(words))
        structs = {struct} if struct else set()
        for key in keys:
            child = self._nodes.get((*path, key))
            if child is not None:
                structs |= child.structs
        self._nodes[path] = _Node(prefix, keys, words, word, struct, frozenset(structs))
        return word

    @property
    def root(self) -> bytes:
        """The message's hashStruct."""
        return self._root

    def rehash(self, changes: Mapping[Path, bytes], type_hashes: Mapping[str, bytes] | None = None) -> bytes:
        """The message's hashStruct with the word at each changed path, and each struct's typeHash, replaced."""
        if not changes and not type_hashes:
            return self._root
        return self._word((), list(changes), changes, type_hashes or {})

    def _word(self, path: Path, below: list[Path], changes: Mapping[Path, bytes],
              type_hashes: Mapping[str, bytes]) -> bytes:
        if path in changes:
            return changes[path]
        node = self._nodes.get(path)
        if node is None:
            raise KeyError(path)  # pragma: no cover - a leaf is only reached through `changes`
        retyped = bool(type_hashes) and not node.structs.isdisjoint(type_hashes)
        if not below and not retyped:
            return node.word
        depth = len(path)
        words = list(node.words)
        groups: dict[str | int, list[Path]] = {}
        for changed in below:
            groups.setdefault(changed[depth], []).append(changed)
        for index, key in enumerate(node.keys):
            under = groups.get(key)
            if under is not None:
                words[index] = self._word((*path, key), under, changes, type_hashes)
            elif retyped:
                child = self._nodes.get((*path, key))
                if child is not None and not child.structs.isdisjoint(type_hashes):
                    words[index] = self._word((*path, key), [], changes, type_hashes)
        prefix = type_hashes.get(node.struct, node.prefix) if node.struct else node.prefix
        return keccak256(prefix + b"".join(words))


@dataclass(frozen=True)
class _Node:
    prefix: bytes
    keys: tuple[str | int, ...]
    words: list[bytes]
    word: bytes
    struct: str | None
    """The struct this node is a value of (None for an array)."""
    structs: frozenset[str]
    """Every struct with a value in this subtree: a new typeHash for one of them rehashes the node."""



__all__ = ["WordTree"]
