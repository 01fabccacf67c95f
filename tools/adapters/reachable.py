"""Which struct names a typed_data result reports encodeType and typeHash for (standard library only).

The vectors' ``expected.encodeType`` has EIP712Domain and every struct reachable from primaryType
(docs/vectors.md); an adapter asks its library for exactly those. Choosing the names is not hashing:
what the library writes for each is what is compared.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_ARRAY_SUFFIX = re.compile(r"(\[[0-9]*\])+$")


def reported_type_names(types: Mapping[str, Any], primary: str) -> list[str]:
    """The structs reachable from ``primary`` (itself included), sorted, EIP712Domain left out."""
    if primary == "EIP712Domain":
        return []
    seen: set[str] = set()
    todo = [primary]
    while todo:
        name = _ARRAY_SUFFIX.sub("", str(todo.pop()))
        if name in seen or name == "EIP712Domain" or not isinstance(types.get(name), list):
            continue
        seen.add(name)
        todo.extend(field.get("type") for field in types[name] if isinstance(field, dict))
    return sorted(seen)


__all__ = ["reported_type_names"]
