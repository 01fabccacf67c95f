"""The EIP-712 domain: its type, its separator, and :class:`Domain`, the value protocols pin.

``domainSeparator = hashStruct(EIP712Domain, domain)``. When a document's ``types`` lacks
``EIP712Domain`` the type is derived from the domain's keys in the canonical order name, version,
chainId, verifyingContract, salt (as ethers and viem do) and a key outside those five is refused;
when ``types`` declares it, it is used as declared — its field order and any custom fields are part
of the hash (as MetaMask does).

The final digest is ``keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message))``; with
``primaryType: EIP712Domain`` there is no message hash (MetaMask's eth-sig-util computes it so).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..base import parsers
from ..base.caches import BoundedCache
from ..base.errors import Eip712KitError, TypeDefinitionError, ValueEncodingError
from ..base.hashing import keccak256
from .schema import Schema

DOMAIN_FIELD_TYPES: dict[str, str] = {
    "name": "string",
    "version": "string",
    "chainId": "uint256",
    "verifyingContract": "address",
    "salt": "bytes32",
}
"""The canonical EIP712Domain fields, in the order EIP-712 lists them."""

_DOMAIN_SCHEMAS: dict[tuple[str, ...], Schema] = {}  # at most 2**5 subsets of the five fields
_SEPARATORS: BoundedCache[Any, bytes] = BoundedCache(1024)


def derived_domain_type(domain: Mapping[str, Any]) -> list[dict[str, str]]:
    """The ``EIP712Domain`` fields implied by a domain's keys, in canonical order."""
    for key in domain:
        if key not in DOMAIN_FIELD_TYPES:
            raise TypeDefinitionError(
                f"{key!r} is not an EIP712Domain field (name, version, chainId, verifyingContract, "
                "salt); declare EIP712Domain in types to use custom domain fields",
                code="INVALID_DOMAIN",
                path=f"domain.{key}",
            )
    return [{"name": k, "type": t} for k, t in DOMAIN_FIELD_TYPES.items() if k in domain]


def _domain_schema(domain: Mapping[str, Any]) -> Schema:
    key = tuple(k for k in DOMAIN_FIELD_TYPES if k in domain)
    schema = _DOMAIN_SCHEMAS.get(key)
    if schema is None or len(key) != len(domain):
        schema = Schema({"EIP712Domain": derived_domain_type(domain)})
        _DOMAIN_SCHEMAS[key] = schema
    return schema


def domain_separator(domain: Any, schema: Schema | None = None) -> bytes:
    """``hashStruct(EIP712Domain, domain)`` with the declared or the derived domain type.

    Pass ``schema`` when the document's ``types`` declares ``EIP712Domain``; without it, or when
    the schema has no ``EIP712Domain``, the type is derived from the domain's keys.
    """
    if not isinstance(domain, Mapping):
        raise ValueEncodingError("domain must be a JSON object", code="INVALID_STRUCT", path="domain")
    if schema is None or "EIP712Domain" not in schema.types:
        schema = _domain_schema(domain)
    try:
        # value types are part of the key: True == 1 and 1.0 == 1, but only 1 is a valid chainId
        cache_key: Any = (schema, tuple(domain.items()), tuple(map(type, domain.values())))
        hash(cache_key)
    except TypeError:
        cache_key = None
    if cache_key is not None:
        cached = _SEPARATORS.get(cache_key)
        if cached is not None:
            return cached
    try:
        separator = schema.hash_struct("EIP712Domain", domain)
    except Eip712KitError as exc:
        raise exc.at("domain") from None
    if cache_key is not None:
        _SEPARATORS.put(cache_key, separator)
    return separator


DIGEST_PREFIX = b"\x19\x01"
"""EIP-191's ``0x19`` and its version byte ``0x01`` (structured data): the first bytes of every EIP-712 preimage."""


def signing_preimage(separator: bytes, struct_hash: bytes | None = None) -> bytes:
    """What an EIP-712 digest hashes: ``0x1901 ‖ domainSeparator ‖ hashStruct(message)``, written once.

    Without a struct hash (``primaryType: EIP712Domain``) it is ``0x1901 ‖ domainSeparator`` — also
    the prefix a :class:`Domain` keeps, so a digest there is one concatenation and one keccak.
    """
    return DIGEST_PREFIX + separator + struct_hash if struct_hash else DIGEST_PREFIX + separator


def eip712_digest(separator: bytes, struct_hash: bytes | None) -> bytes:
    """``keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message))``: what a wallet signs."""
    return keccak256(signing_preimage(separator, struct_hash))


# --- the domain as a value ------------------------------------------------------------------------

_DOMAIN_ATTRS = (("name", "name"), ("version", "version"), ("chainId", "chain_id"),
                 ("verifyingContract", "verifying_contract"), ("salt", "salt"))


@dataclass(frozen=True)
class Domain:
    """An EIP-712 domain: any subset of name, version, chainId, verifyingContract, salt.

    Values are validated at construction (errors carry paths like ``domain.chainId``) and the
    domain separator is computed once. ``verifying_contract`` is kept in EIP-55 form and ``salt``
    as 32 bytes; the domain type is always the canonical one derived from the fields present.
    """

    name: str | None = None
    version: str | None = None
    chain_id: int | None = None
    verifying_contract: str | None = None
    salt: bytes | None = None
    _separator: bytes = field(init=False, repr=False, compare=False)
    digest_prefix: bytes = field(init=False, repr=False, compare=False)
    """``0x1901 ‖ domainSeparator`` (:func:`signing_preimage` without a struct hash): a digest is
    ``keccak256(digest_prefix ‖ hashStruct)``."""

    def __post_init__(self) -> None:
        def fail(exc: Eip712KitError, key: str) -> Eip712KitError:
            return exc.at(key).at("domain")

        for key in ("name", "version"):
            value = getattr(self, key)
            if value is not None:
                try:
                    parsers.string_bytes(value)
                except Eip712KitError as exc:
                    raise fail(exc, key) from None
        if self.chain_id is not None:
            try:
                chain_id = parsers.parse_int(self.chain_id)
                parsers.uint_word(chain_id, 256)
            except Eip712KitError as exc:
                raise fail(exc, "chainId") from None
            object.__setattr__(self, "chain_id", chain_id)
        if self.verifying_contract is not None:
            try:
                raw = parsers.parse_address(self.verifying_contract)
            except Eip712KitError as exc:
                raise fail(exc, "verifyingContract") from None
            object.__setattr__(self, "verifying_contract", parsers.to_checksum_address(raw))
        if self.salt is not None:
            try:
                salt = parsers.parse_hex_bytes(self.salt)
                parsers.fixed_bytes_word(salt, 32)
            except Eip712KitError as exc:
                raise fail(exc, "salt") from None
            object.__setattr__(self, "salt", salt)
        object.__setattr__(self, "_separator", domain_separator(self.to_dict()))
        object.__setattr__(self, "digest_prefix", signing_preimage(self._separator))

    @classmethod
    def from_dict(cls, domain: Mapping[str, Any]) -> Domain:
        """A Domain from EIP-712 keys (``chainId``, ``verifyingContract``); unknown keys are refused."""
        if not isinstance(domain, Mapping):
            raise ValueEncodingError("domain must be a JSON object", code="INVALID_STRUCT", path="domain")
        derived_domain_type(domain)  # refuses keys outside the five EIP712Domain fields
        return cls(**{attr: domain[key] for key, attr in _DOMAIN_ATTRS if key in domain})

    def to_dict(self) -> dict[str, Any]:
        """The domain as EIP-712 JSON (only the fields present; salt as 0x-hex, a big chainId as a string)."""
        out: dict[str, Any] = {}
        for key, attr in _DOMAIN_ATTRS:
            value = getattr(self, attr)
            if value is None:
                continue
            if key == "chainId":
                value = parsers.json_int(value)
            elif key == "salt":
                value = "0x" + value.hex()
            out[key] = value
        return out

    def types(self) -> list[dict[str, str]]:
        """The ``EIP712Domain`` fields of this domain, in canonical order."""
        return [{"name": k, "type": DOMAIN_FIELD_TYPES[k]} for k, attr in _DOMAIN_ATTRS
                if getattr(self, attr) is not None]

    def separator(self) -> bytes:
        """``hashStruct(EIP712Domain, domain)``, computed once."""
        return self._separator

    def digest(self, struct_hash: bytes) -> bytes:
        """``keccak256(0x1901 ‖ domainSeparator ‖ struct_hash)``: what a wallet signs."""
        return eip712_digest(self._separator, struct_hash)

    def replace(self, **changes: Any) -> Domain:
        return dataclasses.replace(self, **changes)

    def differences(self, other: Domain) -> list[str]:
        """One sentence per field where ``other`` (a server's) differs from this domain (the pinned one)."""
        out = []
        mine, theirs = self.to_dict(), other.to_dict()
        for key, _attr in _DOMAIN_ATTRS:
            if mine.get(key) != theirs.get(key):
                out.append(
                    f"{key}: {_show(theirs.get(key))} differs from the pinned {_show(mine.get(key))}"
                )
        return out


def _show(value: Any) -> str:
    return "absent" if value is None else repr(value)


DomainLike = Domain | Mapping[str, Any]


def as_domain(domain: DomainLike) -> Domain:
    """A :class:`Domain` from a Domain or a plain dict with EIP-712 keys."""
    return domain if isinstance(domain, Domain) else Domain.from_dict(domain)


def separator_of(domain: DomainLike) -> bytes:
    """The domain separator of a Domain (precomputed) or a dict (through the cache)."""
    if isinstance(domain, Domain):
        return domain._separator
    if not isinstance(domain, Mapping):
        raise ValueEncodingError("domain must be a Domain or a JSON object", code="INVALID_STRUCT", path="domain")
    derived_domain_type(domain)  # refuses keys outside the five EIP712Domain fields
    return domain_separator(domain)


__all__ = [
    "DIGEST_PREFIX",
    "DOMAIN_FIELD_TYPES",
    "Domain",
    "DomainLike",
    "as_domain",
    "derived_domain_type",
    "domain_separator",
    "eip712_digest",
    "separator_of",
    "signing_preimage",
]
