"""One walk over a typed value: the value taken apart by its parsed type, children before parents.

Every tool that needs a value's parts — the trace (each word of a digest), the doctor's word tree
(words kept for partial rehashing), its list of atomic values and struct values, the variants that
hash an array some other way — walks the value the same way: an array is its elements (of its
element type), a struct is its fields (of their declared types), an atomic value is a leaf. That
descent is written here once; what each tool makes of the parts is a :class:`Visitor` of three
methods, called children first (a fold)::

    class Words:
        def atomic(self, at):         return at.type.encoder(at.value)
        def struct(self, at, fields): return hash_struct_words(schema.type_hash(at.type.base), [w for _, w in fields])
        def array(self, at, items):   return hash_array_words(items)

    walk(schema, "Mail", message, Words()) == schema.hash_struct("Mail", message)

Each call gets a :class:`Visit`: the parsed type (:class:`~eip712kit.core.field_types.FieldType`), the
value, its path from the root (``("legs", 2, "amount")``) and the struct field that declares it.
Before entering an array or a struct the walk checks the value's shape with the core's own error
(not a list, a fixed array of the wrong length, a missing or extra field), and an error raised
below gets the path segment of each level on its way out — so a visitor raises without knowing
where it is, as the encoders do.

:func:`type_at` is the same descent over the types alone: the declared type at a path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from ..base.errors import Eip712KitError
from .field_types import FieldType
from .schema import Schema

Path = tuple[str | int, ...]
"""Where a value sits under the root: field names and array indexes, outermost first."""

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Visit:
    """One value met by the walk, and where it is."""

    type: FieldType
    value: Any
    path: Path
    field: tuple[str, str] | None
    """The ``(struct, field)`` that declares the value — an array's elements share their array's —
    or None for the root."""


class Visitor(Protocol[R]):
    """What a walk makes of a value, inside out (see the module docstring)."""

    def atomic(self, at: Visit) -> R:
        """An atomic value."""
        ...

    def struct(self, at: Visit, fields: Sequence[tuple[str, R]]) -> R:
        """A struct value, with each field's name and result in declared order."""
        ...

    def array(self, at: Visit, items: Sequence[R]) -> R:
        """An array value, with each element's result in order."""
        ...


def walk(schema: Schema, type_: FieldType | str, value: Any, visitor: Visitor[R], path: Path = (),
         field: tuple[str, str] | None = None) -> R:
    """Fold ``value`` of type ``type_`` (parsed, or its text) through ``visitor``, children first."""
    if isinstance(type_, str):
        type_ = schema.field_type(type_)
    if not path:  # the walk's root: recursion below follows the value, so its depth is bounded first
        schema.require_depth(type_, value)
    at = Visit(type_, value, path, field)
    element = type_.element
    if element is not None:
        if not isinstance(value, (list, tuple)) or (type_.length is not None and len(value) != type_.length):
            schema.encode_field(type_.text, value)  # the core refuses the shape with its own sentence
        items = []
        for index, item in enumerate(value):
            try:
                items.append(walk(schema, element, item, visitor, (*path, index), field))
            except Eip712KitError as exc:
                raise exc.at(index) from None
        return visitor.array(at, items)
    if type_.struct is not None:
        name = type_.base
        fields = schema.struct_fields(name)
        if not isinstance(value, Mapping) or len(value) != len(fields) or any(f.name not in value for f in fields):
            schema.encode_data(name, value)  # the core names the missing or extra field
        results = []
        for f in fields:
            try:
                results.append((f.name, walk(schema, f.type, value[f.name], visitor, (*path, f.name), (name, f.name))))
            except Eip712KitError as exc:
                raise exc.at(f.name) from None
        return visitor.struct(at, results)
    return visitor.atomic(at)


def type_at(schema: Schema, root: FieldType | str, path: Sequence[str | int]) -> FieldType | None:
    """The declared type of the value at ``path`` under a value of ``root`` (None if no value can be there)."""
    type_ = schema.field_type(root) if isinstance(root, str) else root
    for segment in path:
        if type_.element is not None:
            if not isinstance(segment, int):
                return None
            type_ = type_.element
        elif type_.struct is not None and isinstance(segment, str):
            found = next((f.type for f in schema.struct_fields(type_.base) if f.name == segment), None)
            if found is None:
                return None
            type_ = found
        else:
            return None
    return type_


__all__ = ["Path", "Visit", "Visitor", "type_at", "walk"]
