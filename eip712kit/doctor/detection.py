"""Which protocol a document belongs to, and what the doctor knows of each protocol.

The documented domains and structs are read from the protocol modules (one source of truth); the
doctor uses them to recognise a document by its shape and to propose the values a client copies
from the wrong page (another protocol's name, contract or struct).
"""

from __future__ import annotations

from typing import Any

from ..base.errors import ProtocolError
from ..core.typed_data import TypedData
from ..protocols.registry import PROTOCOLS as DECLARED
from .findings import Fields

PROTOCOL_DOMAINS: dict[str, dict[str, Any]] = {p: domain.to_dict() for p, (domain, _) in DECLARED.items()}
"""The documented domains, by protocol: the values a client copies from the wrong page."""

PROTOCOL_STRUCTS: dict[str, tuple[tuple[str, Fields], ...]] = {
    p: tuple((s.primary_type, s.fields) for s in structs) for p, (_, structs) in DECLARED.items()
}
PROTOCOLS = tuple(PROTOCOL_DOMAINS)


def detect_protocol(td: TypedData, hint: str | None = None) -> str | None:
    """The protocol a document belongs to, by its shape — or the caller's hint.

    The domain decides first (its name or verifying contract is one a protocol documents); then
    the primary type with exactly a protocol struct's fields (Sera's and Renance's ``CancelOrder``
    differ in their fields, so the shape is unambiguous).
    """
    if hint is not None:
        if hint not in PROTOCOL_DOMAINS:
            raise ProtocolError(
                f"unknown protocol {hint!r}: the doctor knows {', '.join(PROTOCOLS)}",
                code="UNKNOWN_PROTOCOL",
                path="protocol",
            )
        return hint
    domain = td.domain
    for protocol, known in PROTOCOL_DOMAINS.items():
        name = domain.get("name")
        if isinstance(name, str) and name.lower() == str(known["name"]).lower():
            return protocol
        contract = domain.get("verifyingContract")
        if isinstance(contract, str) and contract.lower() == str(known["verifyingContract"]).lower():
            return protocol
    fields = td.schema.types.get(td.primary_type)
    for protocol, structs in PROTOCOL_STRUCTS.items():
        for name, declared in structs:
            if name == td.primary_type and fields == declared:
                return protocol
    return None


__all__ = ["PROTOCOLS", "PROTOCOL_DOMAINS", "PROTOCOL_STRUCTS", "detect_protocol"]
