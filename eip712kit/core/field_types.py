"""Field types, parsed once: what ``"Person[2][]"`` is, for every walk over typed values.

EIP-712 names the type of a field by text: an atomic type (``uint48``, ``address``, ``string``), a
struct defined in the same ``types`` object, or either followed by array dimensions (``[]`` dynamic,
``[N]`` fixed). A :class:`FieldType` is that text parsed and resolved against the structs of one
``types`` object — its kind, for an array its element type and length, the struct it refers to, and
for an atomic type its word encoder. A :class:`~eip712kit.core.schema.Schema` resolves each of its
field types once (the shape of alloy's resolved ``DynSolType`` and of ethers' one encoder per type)
and everything that takes a value apart by its type reads these instead of the text: the compiled
encoder and the value readers (:func:`fold_type`), the trace and the doctor's word tree
(:func:`eip712kit.core.walk.walk`). :func:`parse_field_type` below is the only code in the kit that
reads a type's text.

Dimensions are read the way EIP-712 and Solidity write them, innermost first: ``Person[2][]`` is a
dynamic array whose elements are ``Person[2]``, fixed arrays of two ``Person`` values.

A generator of other source (Solidity struct declarations and hash functions, say) needs nothing
but a schema and these types::

    schema = compile_types(types)
    for name in sorted(schema.dependencies(primary)):          # every struct the primary type uses
        for field in schema.struct_fields(name):               # Field(name, type), in declared order
            t = field.type
            t.kind        # "atomic" | "struct" | "array"
            t.text        # "Person[2][]", exactly as declared
            t.base        # "Person": the innermost type's name (an atomic type or a struct)
            t.struct      # "Person" when the innermost type is a struct, else None
            t.element     # for an array: FieldType("Person[2]"), whose element is FieldType("Person")
            t.length      # for an array: 2 for T[2], None for T[]
        schema.encode_type(name), schema.type_hash(name)       # the strings and hashes to check against
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, TypeVar

from ..base.errors import TypeDefinitionError
from ..base.limits import DEFAULT_LIMITS, Limits
from .encoders import Encoder, atomic_encoder, near_miss

Kind = Literal["atomic", "struct", "array"]
"""What a value of a field type is: one atomic value, one struct value, or an array of elements."""

_FIELD_TYPE = r"([A-Za-z_$][A-Za-z0-9_$]*)((?:\[(?:[1-9][0-9]*)?\])*)\Z"
DIMENSION = r"\[([0-9]*)\]"
"""One array dimension of a field type: ``[]`` or ``[N]``."""

T = TypeVar("T")


def parse_field_type(type_text: str) -> tuple[str, tuple[int | None, ...]]:
    """Split ``"Person[2][]"`` into ``("Person", (2, None))`` — dimensions innermost first.

    The grammar only: whether the name is an atomic type or a struct is :func:`resolve_field_type`'s
    question. Raises UNKNOWN_TYPE for text that is no type at all (``uint256[0]``, ``T[ ]``).
    """
    match = re.match(_FIELD_TYPE, type_text) if isinstance(type_text, str) else None
    if not match:
        raise TypeDefinitionError(
            f"{type_text!r} is not a type: write an atomic type, a struct name, or either followed "
            "by [] or [N] (N >= 1)",
            code="UNKNOWN_TYPE",
        )
    dims = tuple(int(d) if d else None for d in re.findall(DIMENSION, match.group(2)))
    return match.group(1), dims


@dataclass(frozen=True, slots=True)
class FieldType:
    """One field type, parsed and resolved (see the module docstring for a walk over a schema's types).

    Two field types are equal when they read the same text the same way; the encoder is not compared.
    """

    text: str
    """The type as declared: ``"Person[2][]"``."""
    kind: Kind
    base: str
    """The innermost type's name: an atomic type (``uint48``) or a struct (``Person``)."""
    dims: tuple[int | None, ...]
    """Every array dimension, innermost first (``(2, None)`` for ``Person[2][]``); empty unless an array."""
    struct: str | None
    """The struct the innermost type is (``Person`` for ``Person``, ``Person[]`` and ``Person[2][]``), else None."""
    element: FieldType | None = field(default=None, compare=False)
    """For an array, the type of one element (``Person[2]`` for ``Person[2][]``); None otherwise."""
    encoder: Encoder | None = field(default=None, compare=False, repr=False)
    """For an atomic type, its word encoder (raises the kit's error, with no path); None otherwise."""

    @property
    def length(self) -> int | None:
        """For an array, its own length when fixed (``2`` for ``T[2]``); None for ``T[]`` and non-arrays."""
        return self.dims[-1] if self.dims else None

    @property
    def is_array(self) -> bool:
        return self.kind == "array"

    @property
    def suffix(self) -> str:
        """The array dimensions as written (``"[2][]"``); empty unless an array."""
        return self.text[len(self.base):]

    def with_base(self, base: str) -> str:
        """This type's text with another innermost name, dimensions kept: ``Person[]`` -> ``Persons[]``."""
        return base + self.suffix


class Field(NamedTuple):
    """One field of a struct: its name and its parsed type, in declared order (the order is hashed)."""

    name: str
    type: FieldType


def resolve_field_type(type_text: str, structs: Container[str] | None,
                       limits: Limits = DEFAULT_LIMITS) -> FieldType:
    """Parse ``type_text`` and resolve its innermost name as an atomic type or one of ``structs``.

    An atomic type gets its word encoder, sized by ``limits``. Raises UNKNOWN_TYPE (no path; the
    caller knows where the text came from) when the name is neither. ``structs=None`` reads a type
    with no ``types`` object at hand: every name that is not atomic is taken for a struct's.
    """
    base, dims = parse_field_type(type_text)
    encoder = atomic_encoder(base, limits)
    if encoder is None and structs is not None and base not in structs:
        raise TypeDefinitionError(
            f"type {base!r} is neither atomic nor defined in types{near_miss(base)}", code="UNKNOWN_TYPE"
        )
    struct = None if encoder is not None else base
    resolved = FieldType(base, "atomic" if struct is None else "struct", base, (), struct, None, encoder)
    for depth in range(1, len(dims) + 1):
        size = dims[depth - 1]
        resolved = FieldType(f"{resolved.text}[{'' if size is None else size}]", "array", base, dims[:depth],
                             struct, resolved)
    return resolved


def fold_type(type_: FieldType, atomic: Callable[[FieldType], T], struct: Callable[[FieldType], T],
              array: Callable[[FieldType, T], T]) -> T:
    """Build something per type, inside out: ``array(T[2][], array(T[2], struct(T)))``.

    What the schema compiles from a type (its encoder, its readers) is a fold over the type alone;
    what takes one *value* apart is :func:`eip712kit.core.walk.walk`. A struct is not entered here:
    a struct may refer to itself, so its fields are reached through the schema when needed.
    """
    if type_.element is not None:
        return array(type_, fold_type(type_.element, atomic, struct, array))
    return struct(type_) if type_.struct is not None else atomic(type_)


__all__ = [
    "DIMENSION",
    "Field",
    "FieldType",
    "Kind",
    "fold_type",
    "parse_field_type",
    "resolve_field_type",
]
