"""Edits of a document's parts, as a mistaken client makes them: a value replaced, a key removed or
renamed at a path of the message, the domain's fields in canonical order, one struct's declaration
rewritten in an encodeType.

Message edits copy only the path they change: a hypothesis builds hundreds of variants of one
message, and they share everything else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..core.typed_data import DOMAIN_FIELD_TYPES, Schema
from .findings import Fields, Path, Types


def related(a: Path, b: Path) -> bool:
    """One path is the other or lies inside it: edits at both cannot both apply."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def replace_at(node: Any, path: Path, value: Any) -> Any:
    """A copy of ``node`` with the value at ``path`` replaced (or added, for a new last key)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, list):
        copy_list = list(node)
        copy_list[head] = replace_at(node[head], rest, value)  # type: ignore[index]
        return copy_list
    copy_dict = dict(node)
    copy_dict[head] = replace_at(node[head] if rest else node.get(head), rest, value)
    return copy_dict


def remove_at(node: Any, path: Path) -> Any:
    """A copy of ``node`` without the key at ``path``."""
    head, rest = path[0], path[1:]
    if isinstance(node, list):
        copy_list = list(node)
        copy_list[head] = remove_at(node[head], rest)  # type: ignore[index]
        return copy_list
    if not rest:
        return {k: v for k, v in node.items() if k != head}
    copy_dict = dict(node)
    copy_dict[head] = remove_at(node[head], rest)
    return copy_dict


def rename_at(node: Any, path: Path, new_key: str) -> Any:
    """A copy of ``node`` with the key at ``path`` renamed ``new_key``, in its place among the keys."""
    head, rest = path[0], path[1:]
    if isinstance(node, list):
        copy_list = list(node)
        copy_list[head] = rename_at(node[head], rest, new_key)  # type: ignore[index]
        return copy_list
    if not rest:
        return {(new_key if k == head else k): v for k, v in node.items()}
    copy_dict = dict(node)
    copy_dict[head] = rename_at(node[head], rest, new_key)
    return copy_dict


def retyped_fields(fields: Fields, field: str, new_type: str) -> Fields:
    """``fields`` with ``field`` declared as ``new_type`` (order and every other field kept)."""
    return tuple((n, new_type if n == field else t) for n, t in fields)


def retyped(types: Types, struct: str, field: str, new_type: str) -> Types:
    """A copy of ``types`` with ``struct.field`` declared as ``new_type``."""
    return {**types, struct: retyped_fields(types[struct], field, new_type)}


def canonical_fields(keys: Sequence[str]) -> Fields:
    """The derived EIP712Domain fields for these keys, in canonical order."""
    return tuple((k, t) for k, t in DOMAIN_FIELD_TYPES.items() if k in keys)


_SIGNATURE = r"[A-Za-z_$][A-Za-z0-9_$]*\([^()]*\)"


def encode_type_with(schema: Schema, name: str, struct: str, signature: str) -> str:
    """``encodeType(name)`` with ``struct``'s own signature text replaced (``uint nonce`` for ``uint256 nonce``).

    For declared types the core cannot compile (a width-less ``uint`` is not an EIP-712 type, but
    eth-account hashes it literally): the document's encodeType is taken from the core and only
    the one struct's segment is rewritten, so the dependency order stays the core's.
    """
    old = re.findall(_SIGNATURE, schema.encode_type(struct))[0]
    return "".join(signature if segment == old else segment
                   for segment in re.findall(_SIGNATURE, schema.encode_type(name)))


__all__ = ["canonical_fields", "encode_type_with", "related", "remove_at", "rename_at", "replace_at", "retyped",
           "retyped_fields"]
