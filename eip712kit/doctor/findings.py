"""The vocabulary of a diagnosis: the catalogue of causes, a finding, and a candidate variant.

A *finding* is one confirmed difference between what the document says and what was signed —
its stable ``code`` (the catalogue below), a sentence a person can act on, where it sits (a JSON
``field`` path and/or a hashing ``step``) and the value that was signed versus the value given.

A *variant* is what a hypothesis proposes before it is confirmed: one alternative domain
separator, struct hash, signing method, digest or signature reading, with the findings it would
mean. Nothing becomes a finding in a :class:`~eip712kit.doctor.Diagnosis` unless recovering the
signature over the variant's digest gives the expected address.

A variant may also carry its *edit* — what the mistaken client changed, as data (a domain value,
a message value at a path, a declared type) — so the engine can apply two or three edits of the
same layer together ("name sera *and* no version", "BUY *and* toFixed(2)") without a hypothesis
for every product.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..base.parsers import json_int

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
    "DOMAIN_SALT": "the domain was signed with another salt",
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
    "NUMBER_ROUNDED": "a decimal number inside a string was rounded to fewer places before signing (toFixed)",
    "STRING_CASE": "a string value was signed in another letter case (BUY vs buy vs Buy)",
    "STRING_SYNONYM": "a string value was signed as a synonym (bid for buy, ask for sell ...)",
    "ADDRESS_CASE_IN_STRING": "an address inside a string field was signed in another letter case",
    "V3_FIELD_OMITTED": "a field was left out of encodeData, as eth_signTypedData_v3 does with undefined values",
    "V3_ARRAY_ABI_ENCODED": "an array was ABI-encoded in place (v3-style) instead of hashed as EIP-712 requires",
    "ARRAY_OF_STRUCTS_ENCODE_DATA": "an array of structs was hashed over encodeData, not hashStruct, of its items",
    "V3_ARRAYS_DROPPED": "every array was left out (nested ones too), as a client does to get past signTypedData_v3",
    "VALUES_SWAPPED": "the values of two fields of the same type were swapped (fromToken/toToken, price/amount ...)",
    "STRUCT_NAME": "a struct or the primaryType was signed under another name (Orders, Order for CreateOrder)",
    "OTHER_STRUCT": "another endpoint's struct of the same field types was signed (CancelOrder for BatchCancelOrders)",
    "TYPE_WITHOUT_WIDTH": "an integer field was declared uint/int without a width and hashed as that literal text",
    "STRUCT_FIELD_ADDED": "the signer's struct has a field the document's lacks (nonce, timestamp ...)",
    "STRUCT_FIELD_MISSING": "the signer's struct lacks a field the document's has (in its type and its data)",
    "ID_LIST_FORMAT": "a list of ids inside a string was joined otherwise (\", \" for \",\", a JSON array)",
    "CLOCK_SKEW": "a unix time was signed a few seconds off the document's (another clock, a second Date.now())",
    # Sera
    "UUID_STRING_AS_UUID_INT": "Sera: the order's UUID (string or 128-bit integer) was signed where uuid_int belongs",
    "UUID_INT_EXECUTOR_ID": "Sera: the uuid_int was packed with another executor_id",
    "UUID_INT_LAYOUT": "Sera: the uuid_int was packed with another group/leg layout",
    # personal_sign texts (doctor message)
    "MESSAGE_HEX_AS_BYTES": "a 0x-hex text was signed as the bytes it spells, not as its characters",
    "MESSAGE_HEX_AS_TEXT": "the text's hex (or hex bytes) was signed as characters, not as the bytes it spells",
    "MESSAGE_TRAILING_NEWLINE": "the signed text has a trailing newline more or less than the message",
    "MESSAGE_LINE_ENDINGS": "the signed text has other line endings (CRLF for LF or back)",
    "MESSAGE_WHITESPACE": "the signed text was trimmed or its whitespace changed",
    "MESSAGE_NONCE": "the signed text carries another nonce (an earlier challenge's)",
    "MESSAGE_ADDRESS": "the signed text carries the address in another form or another address",
    "MESSAGE_JSON_QUOTED": "the text was signed as a JSON string (quoted, escaped) or inside the challenge's JSON",
    "MESSAGE_HASH_SIGNED": "the text's keccak256 was signed (raw or with personal_sign) instead of the text",
}


def render_path(root: str, path: Sequence[str | int]) -> str:
    """``("legs", 2, "amount")`` under ``message`` -> ``message.legs[2].amount``: a finding's ``field``."""
    out = root
    for seg in path:
        out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else seg)
    return out


def show(value: Any) -> str:
    """A value as it appears in JSON, for a finding's sentence."""
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, int) else str(value)
    return text if len(text) <= 90 else text[:87] + "..."


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


REMOVED: Any = object()
"""A message edit's value meaning "this key is not in the signed message" (a field left out)."""

Path = tuple[str | int, ...]
Fields = tuple[tuple[str, str], ...]
Types = dict[str, Fields]


@dataclass(frozen=True)
class DomainEdit:
    """What a domain variant changed: some domain values and/or the declared EIP712Domain fields."""

    values: dict[str, Any] = field(default_factory=dict)
    fields: Fields | None = None
    """The signer's EIP712Domain fields, when they differ from the document's."""


@dataclass(frozen=True)
class MessageEdit:
    """What a message variant changed: values at paths, and/or the declared types and primary type.

    ``words`` caches the 32-byte word of each changed value under the document's own types, so
    that combining value edits rehashes only the changed structs (see ``MessageContext.merge``).
    A *retype* — a declaration change that keeps every word (``uint256`` for ``uint48``, a literal
    ``uint``) — carries the new ``type_hashes`` instead and the ``retyped`` (struct, field) pairs,
    whose values must then not change too.
    """

    values: tuple[tuple[Path, Any], ...] = ()
    types: Types | None = None
    primary: str | None = None
    words: dict[Path, bytes] | None = None
    type_hashes: dict[str, bytes] | None = None
    retyped: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class TextEdit:
    """What a personal_sign text variant changed: the text (``transform``) or how it was hashed (``method``).

    Transforms of one combination apply in ``phase`` order: what the text says (a nonce, an
    address), then its whitespace and line endings, then how it was encoded (hex, JSON).
    """

    transform: Callable[[str], str | bytes] | None = None
    method: Callable[[bytes], bytes] | None = None
    phase: int = 0


Edit = DomainEdit | MessageEdit | TextEdit


@dataclass(frozen=True)
class Variant(Generic[T]):
    """One alternative a hypothesis proposes: a separator, struct hash, method, digest or signature.

    ``compose=False`` keeps a variant out of the combinations (used for the long tails, such as
    the 999 millisecond remainders, whose products would crowd out likelier pairs). ``tier``
    overrides the hypothesis's (see :mod:`.registry`); ``edit`` lets the engine combine it with
    another variant of the same layer.
    """

    value: T
    findings: tuple[Finding, ...]
    compose: bool = True
    tier: int | None = None
    edit: Edit | None = None


__all__ = ["CAUSES", "REMOVED", "DomainEdit", "Edit", "Fields", "Finding", "MessageEdit", "Path", "TextEdit",
           "Types", "Variant", "json_safe", "render_path", "show"]
