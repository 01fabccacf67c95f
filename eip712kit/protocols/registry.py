"""The declared protocol structs and documented domains, by name: ``sera.Order``, ``renance.Login``.

One table for every command that takes a declared struct by name (``eip712kit solidity --struct
sera.Order``): the structs are each protocol module's ``STRUCTS`` and the domain its pinned
``DOMAIN``, so a new struct or a moved deployment is picked up without a second list.
"""

from __future__ import annotations

from ..base.errors import ProtocolError
from ..core.domain import Domain
from . import renance, sera
from .struct import Struct

PROTOCOLS: dict[str, tuple[Domain, tuple[type[Struct], ...]]] = {
    "sera": (sera.DOMAIN, sera.STRUCTS),
    "renance": (renance.DOMAIN, renance.STRUCTS),
}
"""Each protocol's documented domain and declared structs."""


def struct_names() -> list[str]:
    """Every declared struct as ``protocol.Struct``, in declaration order."""
    return [f"{p}.{s.primary_type}" for p, (_, structs) in PROTOCOLS.items() for s in structs]


def declared_struct(name: str) -> tuple[type[Struct], Domain]:
    """The struct class and its protocol's documented domain for ``protocol.Struct``."""
    protocol, _, struct = name.partition(".")
    entry = PROTOCOLS.get(protocol)
    found = [s for s in entry[1] if s.primary_type == struct] if entry else []
    if not found:
        raise ProtocolError(
            f"{name!r} is not a declared struct; write protocol.Struct, one of: {', '.join(struct_names())}",
            code="UNKNOWN_PROTOCOL" if entry is None else "UNKNOWN_TYPE",
            path="struct",
        )
    return found[0], entry[0]  # type: ignore[index]


__all__ = ["PROTOCOLS", "declared_struct", "struct_names"]
