"""The ``types`` object checked as a graph, before anything is compiled from it.

Names are identifiers and not atomic type names, each struct's fields are ``{name, type}`` objects
with no name twice, every field type resolves (an atomic type, or a struct defined in ``types``,
either with array dimensions: :func:`resolve_types`, once per type text), and no cycle of required
references exists that no finite value could satisfy. Sizes are held to the
:class:`~eip712kit.base.limits.Limits`. Each refusal names the place in ``types``
(``types.Mail[1].type``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..base.errors import DocumentError, TypeDefinitionError
from ..base.limits import Limits
from ..base.renamed import module_getattr
from .encoders import is_atomic
from .field_types import Field, FieldType, resolve_field_type

Fields = tuple[tuple[str, str], ...]
"""A struct's fields as ``((name, type), ...)``, in declared order (the order is part of the hash)."""

_IDENTIFIER = r"[A-Za-z_$][A-Za-z0-9_$]*\Z"


def normalise_types(types: Any, limits: Limits) -> dict[str, Fields]:
    if not isinstance(types, Mapping):
        raise TypeDefinitionError("types must be a JSON object of struct definitions", path="types")
    if len(types) > limits.max_types:
        raise DocumentError(
            f"types defines {len(types)} structs, over the limit of {limits.max_types}",
            code="LIMIT_EXCEEDED",
            path="types",
        )
    out: dict[str, Fields] = {}
    for name, fields in types.items():
        if not isinstance(name, str) or not re.match(_IDENTIFIER, name):
            raise TypeDefinitionError(
                f"{name!r} is not a valid struct name (letters, digits, _ and $, not starting with a digit)",
                code="INVALID_TYPE_NAME",
                path=f"types.{name}",
            )
        if is_atomic(name):
            raise TypeDefinitionError(
                f"{name!r} is an atomic type and cannot be redefined as a struct",
                code="RESERVED_TYPE_NAME",
                path=f"types.{name}",
            )
        if not isinstance(fields, list):
            raise TypeDefinitionError(
                f"the definition of {name} must be a list of {{\"name\", \"type\"}} objects",
                path=f"types.{name}",
            )
        if len(fields) > limits.max_fields:
            raise DocumentError(
                f"struct {name} has {len(fields)} fields, over the limit of {limits.max_fields}",
                code="LIMIT_EXCEEDED",
                path=f"types.{name}",
            )
        seen: set[str] = set()
        normal: list[tuple[str, str]] = []
        for index, field in enumerate(fields):
            where = f"types.{name}[{index}]"
            if not isinstance(field, Mapping) or not isinstance(field.get("name"), str) or not isinstance(
                field.get("type"), str
            ):
                raise TypeDefinitionError(
                    "each field must be an object with string \"name\" and \"type\"", path=where
                )
            field_name, field_type = field["name"], field["type"]
            if not re.match(_IDENTIFIER, field_name):
                raise TypeDefinitionError(
                    f"{field_name!r} is not a valid field name", code="INVALID_TYPE_NAME", path=where + ".name"
                )
            if field_name in seen:
                raise TypeDefinitionError(
                    f"struct {name} declares the field {field_name!r} twice", code="DUPLICATE_FIELD", path=where
                )
            seen.add(field_name)
            normal.append((field_name, field_type))
        out[name] = tuple(normal)
    return out


def resolve_types(types: dict[str, Fields], limits: Limits) -> dict[str, tuple[Field, ...]]:
    """Every struct's fields with their types parsed and resolved, each distinct type text once.

    Checked after all names are known, so the order of the structs does not matter; a type that
    does not resolve is refused with its place (``types.Mail[1].type``).
    """
    parsed: dict[str, FieldType] = {}
    out: dict[str, tuple[Field, ...]] = {}
    for name, fields in types.items():
        resolved = []
        for index, (field_name, field_type) in enumerate(fields):
            type_ = parsed.get(field_type)
            if type_ is None:
                try:
                    type_ = parsed[field_type] = resolve_field_type(field_type, types, limits)
                except TypeDefinitionError as exc:
                    raise exc.at(f"types.{name}[{index}].type") from None
            resolved.append(Field(field_name, type_))
        out[name] = tuple(resolved)
    return out


def require_encodable(types: Mapping[str, tuple[Field, ...]]) -> None:
    """Refuse a cycle of references that every value must follow forever.

    A reference is *mandatory* when the field is the struct itself or a fixed-size array of it;
    a dynamic array can be empty, which ends the recursion. A cycle made only of mandatory
    references has no finite value, so no document of these types could ever be hashed.
    """
    mandatory: dict[str, set[str]] = {}
    for name, fields in types.items():
        mandatory[name] = {f.type.struct for f in fields
                           if f.type.struct is not None and None not in f.type.dims}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    for start in types:
        if state.get(start):
            continue
        stack: list[tuple[str, list[str]]] = [(start, sorted(mandatory[start]))]
        state[start] = 1
        path = [start]
        while stack:
            node, pending = stack[-1]
            if not pending:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            nxt = pending.pop()
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt]
                raise TypeDefinitionError(
                    f"{' -> '.join(cycle)} is a cycle of required struct fields: no finite value "
                    "exists; make one link a dynamic array (T[]) so it can end",
                    code="UNENCODABLE_CYCLE",
                    path=f"types.{nxt}",
                )
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, sorted(mandatory[nxt])))


__all__ = ["Fields", "normalise_types", "require_encodable", "resolve_types"]

if not TYPE_CHECKING:  # old names kept working, with a warning (base/renamed.py)
    __getattr__ = module_getattr(__name__, {"check_encodable": "require_encodable"}, globals())
