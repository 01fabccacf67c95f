"""The message's encoded words, kept so a variant rehashes only what it changed.

The message's 32-byte words are encoded once into a :class:`WordTree` (one node per struct and
array value); a changed value re-encodes one word and rehashes only the structs on its path up to
the root — for a flat Sera ``Order`` one keccak instead of ten field encodings. A new typeHash for
some structs (a field declared otherwise) rehashes only the nodes with a value of those structs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.schema import Schema, hash_array_words, hash_struct_words
from ..core.walk import Visit, walk
from .findings import Path


class WordTree:
    """The message's encoded words, one node per struct or array value, for cheap partial rehashing.

    A node holds its prefix (a struct's typeHash, nothing for an array), the 32-byte word of each
    child in order, and its own word (the struct's hashStruct, the array's keccak). :meth:`rehash`
    takes new words at some paths (and new typeHashes for some structs) and recomputes only the
    nodes above them. The tree is built by the core's walk (:func:`eip712kit.core.walk.walk`).
    """

    __slots__ = ("_nodes", "_root")

    def __init__(self, schema: Schema, primary: str, message: Any):
        self._nodes: dict[Path, _Node] = {}
        self._root = walk(schema, primary, message, _Builder(schema, self._nodes))

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
        return node.hash(words, type_hashes)


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

    def hash(self, words: Sequence[bytes], type_hashes: Mapping[str, bytes]) -> bytes:
        """This node's word over ``words`` (a struct's typeHash replaced when ``type_hashes`` has it)."""
        prefix = type_hashes.get(self.struct, self.prefix) if self.struct else self.prefix
        return _node_word(self.struct, prefix, words)


def _node_word(struct: str | None, prefix: bytes, words: Sequence[bytes]) -> bytes:
    """A struct value's hashStruct (``prefix`` its typeHash) or, with no struct, an array's word."""
    return hash_array_words(words) if struct is None else hash_struct_words(prefix, words)


class _Builder:
    """The walk's visitor: an atomic value's word, a struct's or array's node (kept) and word."""

    def __init__(self, schema: Schema, nodes: dict[Path, _Node]):
        self.schema = schema
        self.nodes = nodes

    def atomic(self, at: Visit) -> bytes:
        return self.schema.encode_field(at.type.text, at.value)

    def struct(self, at: Visit, fields: Sequence[tuple[str, bytes]]) -> bytes:
        return self._node(at.path, self.schema.type_hash(at.type.base), fields, at.type.base)

    def array(self, at: Visit, items: Sequence[bytes]) -> bytes:
        return self._node(at.path, b"", list(enumerate(items)), None)

    def _node(self, path: Path, prefix: bytes, children: Sequence[tuple[str | int, bytes]], struct: str | None
              ) -> bytes:
        keys = tuple(key for key, _ in children)
        words = [word for _, word in children]
        structs = {struct} if struct else set()
        for key in keys:
            child = self.nodes.get((*path, key))
            if child is not None:
                structs |= child.structs
        word = _node_word(struct, prefix, words)
        self.nodes[path] = _Node(prefix, keys, words, word, struct, frozenset(structs))
        return word


__all__ = ["WordTree"]
