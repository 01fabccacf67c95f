"""The typed-data document: ``{types, primaryType, domain, message}`` validated, hashed once, and shown.

The input is the standard JSON document MetaMask, ethers, viem, eth-account and Foundry all use,
following ``eth_signTypedData_v4`` (arrays, arrays of arrays, arrays of structs, recursive structs).
A :class:`TypedData` compiles its ``types`` through the cached :class:`~eip712kit.core.schema.Schema`,
hashes the domain (:mod:`eip712kit.core.domain`) and the message once, at construction.

Conventions where wallets and libraries differ (each pinned by a golden vector):

* ``types`` without ``EIP712Domain``: the domain type is derived from the domain's keys in the
  canonical order name, version, chainId, verifyingContract, salt (as ethers and viem do); a key
  outside those five is refused.
* ``types`` with ``EIP712Domain``: it is used as declared — its field order and any custom fields
  are part of the hash (as MetaMask does); the domain must then have exactly those fields.
* ``primaryType`` absent: derived as the one struct no other struct references (as ethers does);
  refused when that is ambiguous.
* ``primaryType`` ``"EIP712Domain"``: the digest is ``keccak256(0x1901 ‖ domainSeparator)`` with
  no struct hash, as MetaMask's eth-sig-util computes it; ``message`` must then be empty.
* A struct value may not be ``null`` and may not omit or add fields (see :mod:`eip712kit.core.schema`).

The spec's other functions live where they are defined — :mod:`eip712kit.core.encoders` (atomic words),
:mod:`eip712kit.core.schema` (``encodeType``, ``typeHash``, ``encodeData``, ``hashStruct``) and
:mod:`eip712kit.core.domain` — and are re-exported here, the module most callers know.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..base.errors import DocumentError, Eip712KitError, TypeDefinitionError
from ..base.limits import DEFAULT_LIMITS, Limits, load_json
from .domain import DOMAIN_FIELD_TYPES, derived_domain_type, domain_separator, eip712_digest
from .encoders import is_atomic
from .schema import Schema, array_encoder, compile_types


class TypedData:
    """A typed-data document, validated and hashed once at construction.

    Accepts the standard ``{types, primaryType, domain, message}`` JSON as a dict, a JSON string or
    bytes. Every value is checked when the object is built, so an instance that exists is one
    whose digest is well defined.
    """

    __slots__ = ("_digest", "_separator", "_struct_hash", "domain", "message", "primary_type", "schema")

    def __init__(self, document: Mapping[str, Any] | str | bytes, *, limits: Limits = DEFAULT_LIMITS):
        doc = load_json(document, limits) if isinstance(document, (str, bytes, bytearray)) else document
        if type(doc) is not dict or len(doc) != 4 or "primaryType" not in doc or "types" not in doc \
                or "domain" not in doc or "message" not in doc:
            self._check_shape(doc)
        self._hash(doc, limits)

    @staticmethod
    def _check_shape(doc: Any) -> None:
        if not isinstance(doc, Mapping):
            raise DocumentError(
                "a typed-data document must be a JSON object with types, primaryType, domain and message",
                code="INVALID_DOCUMENT",
            )
        for key in ("types", "domain", "message"):
            if key not in doc:
                raise DocumentError(
                    f"the document has no {key!r}: typed data needs types, primaryType, domain and message",
                    code="INVALID_DOCUMENT",
                    path=key,
                )
        extra = set(doc) - {"types", "primaryType", "domain", "message"}
        if extra:
            raise DocumentError(
                f"unexpected top-level key {sorted(map(str, extra))[0]!r}: a typed-data document has only "
                "types, primaryType, domain and message",
                code="INVALID_DOCUMENT",
                path=str(sorted(map(str, extra))[0]),
            )

    def _hash(self, doc: Mapping[str, Any], limits: Limits) -> None:
        self.schema = compile_types(doc["types"], limits=limits)
        primary = doc.get("primaryType")
        if primary is None:
            primary = self.schema.primary_type()
        elif not isinstance(primary, str) or primary not in self.schema.types:
            raise TypeDefinitionError(
                f"primaryType {primary!r} is not a struct defined in types",
                code="UNKNOWN_TYPE",
                path="primaryType",
            )
        self.primary_type: str = primary
        self.domain: Mapping[str, Any] = doc["domain"]
        self.message: Any = doc["message"]
        self._separator = domain_separator(self.domain, self.schema)
        if primary == "EIP712Domain":
            if self.message not in ({}, None):
                raise DocumentError(
                    "with primaryType EIP712Domain only the domain is signed: message must be {}",
                    code="INVALID_DOCUMENT",
                    path="message",
                )
            self._struct_hash: bytes | None = None
        else:
            try:
                self._struct_hash = self.schema.hash_struct(primary, self.message)
            except Eip712KitError as exc:
                raise exc.at("message") from None
            except RecursionError:  # only reachable from Python objects; JSON text is depth-checked first
                raise DocumentError("the message nests too deeply to hash", code="LIMIT_EXCEEDED",
                                    path="message") from None
        self._digest = eip712_digest(self._separator, self._struct_hash)

    # The spec's intermediates, defaulting to the primary type and the message.

    def encode_type(self, name: str | None = None) -> str:
        return self.schema.encode_type(name or self.primary_type)

    def type_hash(self, name: str | None = None) -> bytes:
        return self.schema.type_hash(name or self.primary_type)

    def encode_data(self, name: str | None = None, value: Any = None) -> bytes:
        if name is None:
            name, value = self.primary_type, self.message
        return self.schema.encode_data(name, value)

    def struct_hash(self) -> bytes:
        """``hashStruct(primaryType, message)`` (empty for primaryType ``EIP712Domain``)."""
        return self._struct_hash or b""

    def domain_separator(self) -> bytes:
        return self._separator

    def digest(self) -> bytes:
        return self._digest

    def domain_types(self) -> list[dict[str, str]]:
        """The EIP712Domain fields in effect: declared, or derived from the domain's keys."""
        declared = self.schema.types.get("EIP712Domain")
        if declared is not None:
            return [{"name": n, "type": t} for n, t in declared]
        return derived_domain_type(self.domain)

    def to_dict(self) -> dict[str, Any]:
        """The document in standard form, with ``EIP712Domain`` spelled out."""
        types = {name: [{"name": n, "type": t} for n, t in fields] for name, fields in self.schema.types.items()}
        types.setdefault("EIP712Domain", self.domain_types())
        return {
            "types": types,
            "primaryType": self.primary_type,
            "domain": dict(self.domain),
            "message": self.message,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)

    def __repr__(self) -> str:
        return f"TypedData(primaryType={self.primary_type!r}, digest=0x{self._digest.hex()})"


__all__ = [
    "DOMAIN_FIELD_TYPES",
    "Schema",
    "TypedData",
    "array_encoder",
    "compile_types",
    "derived_domain_type",
    "domain_separator",
    "eip712_digest",
    "is_atomic",
]
