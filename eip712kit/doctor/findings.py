"""The vocabulary of a diagnosis: the catalogue of causes, a finding, and a candidate variant.

A *finding* is one confirmed difference between what the document says and what was signed —
its stable ``code`` (the catalogue below), a sentence a person can act on, where it sits (a JSON
``field`` path and/or a hashing ``step``) and the value that was signed versus the value given.

A *variant* is what a hypothesis proposes before it is confirmed: one alternative domain
separator, struct hash, signing method, digest or signature reading, with the findings it would
mean. Nothing becomes a finding in a :class:`~eip712kit.doctor.Diagnosis` unless recovering the
signature over the variant's digest gives the expected address.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..encoding import json_int

# The catalogue: cause code -> what it means. docs/doctor.md lists every code with an example;
# a test checks that every code a hypothesis can emit is here and documented there.
CAUSES: dict[str, str] = {
    # outcomes that are not a mistake
    "UNEXPLAINED": "no hypothesis reproduced a digest that recovers the expected address",
    # signature encoding
    "SIGNATURE_V_0_1": "v is written as 0/1; verifiers that call ecrecover need 27/28",
    "SIGNATURE_COMPACT": "the signature is the 64-byte EIP-2098 compact form",
    "SIGNATURE_HIGH_S": "s is in the upper half of the curve order (malleated); EIP-2 verifiers refuse it",
    "SIGNATURE_V_PARITY": "v has the wrong parity: it recovers with 27 and 28 swapped",
    "SIGNATURE_V_EIP155": "v is an EIP-155 transaction value (chainId*2+35+parity), not 27/28",
    "SIGNATURE_COMPACT_WITH_V": "a compact signature (parity in the top bit of s) was sent with a v byte appended",
    # signing method
    "PERSONAL_SIGN_OF_DIGEST": "the EIP-712 digest was signed with personal_sign / geth eth_sign (EIP-191 prefix)",
    "PERSONAL_SIGN_OF_DIGEST_HEX": "the digest's hex text, not its 32 bytes, was signed with personal_sign",
    "PERSONAL_SIGN_OF_JSON": "the typed-data JSON text was signed with personal_sign",
    "PERSONAL_SIGN_OF_STRUCT_HASH": "the struct hash was signed with personal_sign",
    "PERSONAL_SIGN_OF_PREIMAGE": "the 66-byte 0x1901 preimage was signed with personal_sign instead of its hash",
    "STRUCT_HASH_SIGNED": "hashStruct(message) was signed without the 0x1901 prefix and domain separator",
    "DIGEST_WITHOUT_1901": "the digest was computed as keccak256(domainSeparator ‖ hashStruct) without 0x1901",
    "DIGEST_WITHOUT_DOMAIN": "the digest was computed as keccak256(0x1901 ‖ hashStruct) without the domain separator",
    "DIGEST_HASHED_TWICE": "the signer hashed the digest again with keccak256 before signing",
    "DIGEST_SHA256": "the signer hashed the digest with SHA-256 before signing (coincurve's default hasher)",
    # domain
    "DOMAIN_CHAIN_ID": "the domain was signed with another chainId",
    "DOMAIN_VERIFYING_CONTRACT": "the domain was signed with another verifyingContract",
    "DOMAIN_NAME": "the domain was signed with another name (case, spelling, another protocol's name)",
    "DOMAIN_VERSION": "the domain was signed with another version (\"1\" vs \"1.0\" vs \"v1\" ...)",
    "DOMAIN_FIELD_MISSING": "the signer's EIP712Domain lacks a field the document's domain has",
    "DOMAIN_FIELD_ADDED": "the signer's EIP712Domain has a field the document's domain lacks",
    "DOMAIN_FIELD_ORDER": "the signer's EIP712Domain lists the same fields in another order",
    "DOMAIN_VERIFYING_CONTRACT_AS_STRING": "the signer declared verifyingContract as string, not address",
    "DOMAIN_CHAIN_ID_AS_STRING": "the signer declared chainId as string, not uint256",
    "DOMAIN_OF_OTHER_PROTOCOL": "the signature was made with another protocol's whole domain",
    # message values and types
    "TYPE_WIDTH": "a field was declared with another integer type (uint256 vs uint48 ...)",
    "FIELD_ORDER": "the signer declared the struct's fields in another order",
    "FIELD_NAME": "the signer spelled a field name differently (orderType vs order_type ...)",
    "NUMBER_AS_STRING": "an integer field was declared and signed as a decimal string",
    "MILLISECONDS_FOR_SECONDS": "a unix time was signed in milliseconds where seconds belong",
    "SECONDS_FOR_MILLISECONDS": "a unix time was signed in seconds where milliseconds belong",
    "HUMAN_AMOUNT_AS_BASE_UNITS": "a human amount was signed where base units (10^decimals) belong",
    "BASE_UNITS_AS_HUMAN_AMOUNT": "base units were signed in a string where the human decimal amount belongs",
    "AMOUNT_DECIMALS": "an amount was scaled with the wrong number of decimals (6/8/18)",
    "NUMBER_FORMAT": "a decimal number inside a string was written differently (\"100000\" vs \"100000.00\")",
    "STRING_CASE": "a string value was signed in another letter case (BUY vs buy vs Buy)",
    "STRING_SYNONYM": "a string value was signed as a synonym (bid for buy, ask for sell ...)",
    "ADDRESS_CASE_IN_STRING": "an address inside a string field was signed in another letter case",
    "V3_FIELD_OMITTED": "a field was left out of encodeData, as eth_signTypedData_v3 does with undefined values",
    "V3_ARRAY_ABI_ENCODED": "an array was ABI-encoded in place (v3-style) instead of hashed as EIP-712 requires",
    "ARRAY_OF_STRUCTS_ENCODE_DATA": "an array of structs was hashed over encodeData, not hashStruct, of its items",
    # Sera
    "UUID_STRING_AS_UUID_INT": "Sera: the order's UUID (string or 128-bit integer) was signed where uuid_int belongs",
    "UUID_INT_EXECUTOR_ID": "Sera: the uuid_int was packed with another executor_id",
    "UUID_INT_LAYOUT": "Sera: the uuid_int was packed with another group/leg layout",
}


def json_safe(value: Any) -> Any:
    """A value as JSON carries it: bytes as 0x-hex, ints beyond 2**53 as decimal strings."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, float)):
        return value
    if isinstance(value, int):
        return json_int(value)
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    return str(value)


@dataclass(frozen=True)
class Finding:
    """One confirmed difference between the document and what was signed."""

    code: str
    sentence: str
    field: str | None = None
    """JSON path in the document (``domain.chainId``, ``message.orderId``, ``types.Order[1].type``)."""
    step: str | None = None
    """The hashing or signing step that differs (``domain separator``, ``typeHash``, ``signing method``)."""
    signed_value: Any = None
    given_value: Any = None

    def __post_init__(self) -> None:
        if self.code not in CAUSES:  # a typo in a cause is a bug in the doctor
            raise AssertionError(f"unknown cause code {self.code!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "sentence": self.sentence,
            "field": self.field,
            "step": self.step,
            "signed_value": json_safe(self.signed_value),
            "given_value": json_safe(self.given_value),
        }


T = TypeVar("T")


@dataclass(frozen=True)
class Variant(Generic[T]):
    """One alternative a hypothesis proposes: a separator, struct hash, method, digest or signature.

    ``compose=False`` keeps a variant out of the pairwise search (used for the long tails, such
    as the 999 millisecond remainders, whose products would crowd out likelier pairs).
    """

    value: T
    findings: tuple[Finding, ...]
    compose: bool = True


__all__ = ["CAUSES", "Finding", "Variant", "json_safe"]
