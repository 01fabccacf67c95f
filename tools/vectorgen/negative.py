"""The negative suite: typed-data documents and personal_sign inputs every implementation must refuse."""

from __future__ import annotations

from typing import Any

from .common import (
    DOMAIN_TYPE_FULL,
    MAIL_DOMAIN,
    MAIL_MESSAGE,
    MAIL_TYPES,
    doc_of,
    simple,
)
from .suite import Suite


def build_negative(att: dict[str, Any]) -> Suite:
    s = Suite("negative", "Typed-data documents and personal_sign inputs that must be refused, each with "
              "the error code and JSON path eip712kit refuses them with. accepted_by lists independent "
              "implementations that sign them anyway (a stricter kit policy, see docs/vectors.md).", att)
    dom = {"name": "eip712kit", "version": "1", "chainId": 1}

    def field(name: str, t: str, value: Any, code: str, description: str) -> None:
        s.typed_error(name, description, simple(t, value), code, "message.value")

    # integers
    field("uint8-overflow", "uint8", 256, "INT_OUT_OF_RANGE", "256 does not fit uint8.")
    field("uint256-overflow", "uint256", str(2**256), "INT_OUT_OF_RANGE", "2**256 does not fit uint256.")
    field("uint48-overflow", "uint48", str(2**48), "INT_OUT_OF_RANGE", "2**48 does not fit uint48 (Sera expiration).")
    field("uint32-overflow", "uint32", 2**32, "INT_OUT_OF_RANGE", "2**32 does not fit uint32 (Renance leverage).")
    field("uint-negative", "uint256", -1, "INT_OUT_OF_RANGE", "A uint cannot be negative.")
    field("uint-negative-string", "uint64", "-5", "INT_OUT_OF_RANGE", "A negative decimal string for a uint.")
    field("int8-underflow", "int8", -129, "INT_OUT_OF_RANGE", "-129 does not fit int8.")
    field("int8-overflow", "int8", 128, "INT_OUT_OF_RANGE", "128 does not fit int8.")
    field("int256-underflow", "int256", str(-(2**255) - 1), "INT_OUT_OF_RANGE", "-2**255-1 does not fit int256.")
    field("uint-fraction", "uint256", 1.5, "INVALID_INT", "A JSON number with a fraction is not an integer.")
    field("uint-exponent-string", "uint256", "1e3", "INVALID_INT", "Exponent notation is not an integer string.")
    field("uint-empty-string", "uint256", "", "INVALID_INT", "An empty string is not an integer.")
    field("uint-whitespace", "uint256", " 1", "INVALID_INT", "Whitespace around digits is refused, not trimmed.")
    field("uint-bool", "uint256", True, "INVALID_INT", "true is not an integer.")
    field("uint-null", "uint256", None, "INVALID_INT", "null is not an integer (no silent zero).")
    field("uint-hex-bad-digit", "uint256", "0xg1", "INVALID_INT", "0xg1 is not hex.")
    field("uint-unsafe-float", "uint256", 1e21, "INVALID_INT", "A float beyond 2**53 has lost digits already.")
    # addresses
    field("address-bad-checksum", "address", "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "BAD_CHECKSUM",
          "A mixed-case address whose EIP-55 checksum is wrong (one letter's case flipped).")
    field("address-short", "address", "0x1234", "INVALID_ADDRESS", "An address of 2 bytes.")
    field("address-long", "address", "0x" + "11" * 21, "INVALID_ADDRESS", "An address of 21 bytes.")
    field("address-no-prefix", "address", "11" * 20, "INVALID_ADDRESS", "40 hex digits without 0x.")
    field("address-number", "address", 1, "INVALID_ADDRESS", "A JSON number is not an address.")
    field("address-empty", "address", "", "INVALID_ADDRESS", "An empty string is not an address.")
    field("address-non-hex", "address", "0x" + "zz" * 20, "INVALID_ADDRESS", "Non-hex digits.")
    # bytes
    field("bytes4-short", "bytes4", "0x010203", "BYTES_LENGTH", "bytes4 given 3 bytes: no silent padding.")
    field("bytes4-long", "bytes4", "0x0102030405", "BYTES_LENGTH", "bytes4 given 5 bytes: no silent truncation.")
    field("bytes32-empty", "bytes32", "0x", "BYTES_LENGTH", "bytes32 given no bytes.")
    field("bytes-odd-digits", "bytes", "0x123", "INVALID_HEX", "An odd number of hex digits.")
    field("bytes-no-prefix", "bytes", "1234", "INVALID_HEX", "Hex without 0x.")
    field("bytes-number", "bytes", 5, "INVALID_HEX", "A JSON number is not bytes.")
    field("bytes1-non-hex", "bytes1", "0xzz", "INVALID_HEX", "Non-hex digits.")
    # bool, string
    field("bool-string", "bool", "true", "INVALID_BOOL", "The string \"true\" is not a bool.")
    field("bool-number", "bool", 1, "INVALID_BOOL", "1 is not a bool.")
    field("bool-null", "bool", None, "INVALID_BOOL", "null is not false.")
    field("string-number", "string", 5, "INVALID_STRING", "A number is not a string.")
    field("string-null", "string", None, "INVALID_STRING", "null is not an empty string.")
    field("string-lone-surrogate", "string", "\ud800", "INVALID_STRING",
          "A lone UTF-16 surrogate has no UTF-8 encoding.")
    # arrays
    field("array-not-array", "uint256[]", 5, "INVALID_ARRAY", "A number where an array is declared.")
    field("array-object", "uint256[]", {"0": 1}, "INVALID_ARRAY", "An object where an array is declared.")
    field("array-fixed-short", "uint256[3]", [1, 2], "ARRAY_LENGTH", "uint256[3] given 2 elements.")
    field("array-fixed-long", "uint256[2]", [1, 2, 3], "ARRAY_LENGTH", "uint256[2] given 3 elements.")
    s.typed_error("array-element-bad", "The error path names the element.", simple("uint8[]", [1, 2, 300]),
                  "INT_OUT_OF_RANGE", "message.value[2]")
    s.typed_error("array-nested-element-bad", "The error path names the element of the inner array.",
                  simple("uint8[][]", [[1], [2, -1]]), "INT_OUT_OF_RANGE", "message.value[1][1]")
    # struct values
    s.typed_error("struct-missing-field", "A struct value without one of its declared fields.",
                  doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN, {"from": MAIL_MESSAGE["from"], "to": MAIL_MESSAGE["to"]}),
                  "MISSING_FIELD", "message.contents")
    s.typed_error("struct-extra-field", "A struct value with an undeclared field: refused, not ignored.",
                  doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN, {**MAIL_MESSAGE, "cc": "Eve"}), "EXTRA_FIELD",
                  "message.cc")
    s.typed_error("struct-nested-missing", "A nested struct value missing a field.",
                  doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN, {**MAIL_MESSAGE, "to": {"name": "Bob"}}),
                  "MISSING_FIELD", "message.to.wallet")
    s.typed_error("struct-null", "null where a struct is declared (no silent zero word).",
                  doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN, {**MAIL_MESSAGE, "to": None}), "INVALID_STRUCT",
                  "message.to")
    s.typed_error("struct-string", "A string where a struct is declared.",
                  doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN, {**MAIL_MESSAGE, "to": "Bob"}), "INVALID_STRUCT",
                  "message.to")
    s.typed_error("nested-bad-address", "The error path walks into the nested struct.",
                  doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN,
                         {**MAIL_MESSAGE, "from": {"name": "Cow", "wallet": "0x1234"}}),
                  "INVALID_ADDRESS", "message.from.wallet")
    s.typed_error("message-not-object", "The message is an array.", doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN, []),
                  "INVALID_STRUCT", "message")
    # types
    s.typed_error("type-unknown", "A field type that is neither atomic nor defined.",
                  doc_of({"M": [{"name": "x", "type": "Missing"}]}, "M", dom, {"x": 1}), "UNKNOWN_TYPE",
                  "types.M[0].type")
    s.typed_error("type-uint-alias", "uint without a width is not an EIP-712 type.",
                  doc_of({"M": [{"name": "x", "type": "uint"}]}, "M", dom, {"x": 1}), "UNKNOWN_TYPE",
                  "types.M[0].type")
    s.typed_error("type-uint7", "uint7 is not a width EIP-712 allows.",
                  doc_of({"M": [{"name": "x", "type": "uint7"}]}, "M", dom, {"x": 1}), "UNKNOWN_TYPE",
                  "types.M[0].type")
    s.typed_error("type-bytes33", "bytes33 does not exist.",
                  doc_of({"M": [{"name": "x", "type": "bytes33"}]}, "M", dom, {"x": "0x00"}), "UNKNOWN_TYPE",
                  "types.M[0].type")
    s.typed_error("type-array-zero", "A fixed array of size 0 is not a type.",
                  doc_of({"M": [{"name": "x", "type": "uint8[0]"}]}, "M", dom, {"x": []}), "UNKNOWN_TYPE",
                  "types.M[0].type")
    s.typed_error("type-duplicate-field", "A struct declaring the same field twice.",
                  doc_of({"M": [{"name": "x", "type": "uint8"}, {"name": "x", "type": "uint16"}]}, "M", dom,
                         {"x": 1}), "DUPLICATE_FIELD", "types.M[1]")
    s.typed_error("type-reserved-name", "A struct named like an atomic type.",
                  doc_of({"uint256": [{"name": "x", "type": "uint8"}], "M": [{"name": "y", "type": "uint8"}]},
                         "M", dom, {"y": 1}), "RESERVED_TYPE_NAME", "types.uint256")
    s.typed_error("type-bad-name", "A struct name with a space.",
                  doc_of({"My Type": [{"name": "x", "type": "uint8"}]}, "My Type", dom, {"x": 1}),
                  "INVALID_TYPE_NAME", "types.My Type")
    s.typed_error("type-unencodable-cycle", "A struct that contains itself directly: no finite value exists.",
                  doc_of({"Loop": [{"name": "next", "type": "Loop"}]}, "Loop", dom, {"next": {}}),
                  "UNENCODABLE_CYCLE", "types.Loop")
    s.typed_error("primary-undefined", "primaryType names no struct in types.",
                  doc_of(MAIL_TYPES, "Letter", MAIL_DOMAIN, MAIL_MESSAGE), "UNKNOWN_TYPE", "primaryType")
    # domains
    s.typed_error("domain-unknown-key", "A domain key outside the five EIP712Domain fields, with no declared type.",
                  doc_of(MAIL_TYPES, "Mail", {**MAIL_DOMAIN, "chain": 1}, MAIL_MESSAGE), "INVALID_DOMAIN",
                  "domain.chain")
    s.typed_error("domain-bad-contract", "A verifyingContract with a bad checksum.",
                  doc_of(MAIL_TYPES, "Mail", {**MAIL_DOMAIN, "verifyingContract":
                                              "0xCCCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"}, MAIL_MESSAGE),
                  "BAD_CHECKSUM", "domain.verifyingContract")
    s.typed_error("domain-chainid-negative", "chainId -1.",
                  doc_of(MAIL_TYPES, "Mail", {**MAIL_DOMAIN, "chainId": -1}, MAIL_MESSAGE), "INT_OUT_OF_RANGE",
                  "domain.chainId")
    s.typed_error("domain-salt-short", "A salt of 31 bytes.",
                  doc_of(MAIL_TYPES, "Mail", {"name": "x", "salt": "0x" + "11" * 31}, MAIL_MESSAGE),
                  "BYTES_LENGTH", "domain.salt")
    s.typed_error("domain-declared-missing-value", "EIP712Domain declares version but the domain has none.",
                  doc_of({"EIP712Domain": DOMAIN_TYPE_FULL[:2], **MAIL_TYPES}, "Mail", {"name": "x"},
                         MAIL_MESSAGE), "MISSING_FIELD", "domain.version")
    s.typed_error("domain-not-object", "The domain is a string.", doc_of(MAIL_TYPES, "Mail", "Ether Mail",
                                                                          MAIL_MESSAGE), "INVALID_STRUCT", "domain")
    # document shape
    s.typed_error("document-no-types", "A document without types.",
                  {"primaryType": "Mail", "domain": MAIL_DOMAIN, "message": MAIL_MESSAGE}, "INVALID_DOCUMENT",
                  "types")
    s.typed_error("document-no-message", "A document without message.",
                  {"types": MAIL_TYPES, "primaryType": "Mail", "domain": MAIL_DOMAIN}, "INVALID_DOCUMENT",
                  "message")
    s.typed_error("document-extra-key", "An unknown top-level key (a typo of primaryType).",
                  {**doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN, MAIL_MESSAGE), "primarytype": "Mail"},
                  "INVALID_DOCUMENT", "primarytype")
    s.typed_error("document-array", "A document that is an array.", [MAIL_TYPES], "INVALID_DOCUMENT", None)
    s.typed_error("primary-eip712domain-with-message", "primaryType EIP712Domain with a non-empty message.",
                  doc_of({"EIP712Domain": DOMAIN_TYPE_FULL[:4]}, "EIP712Domain", MAIL_DOMAIN, {"x": 1}),
                  "INVALID_DOCUMENT", "message")

    # personal_sign
    s.personal_error("personal-odd-hex", "encoding hex with an odd number of digits.", "0x123", "hex",
                     "INVALID_HEX", "message")
    s.personal_error("personal-hex-no-prefix", "encoding hex without 0x.", "1234", "hex", "INVALID_HEX", "message")
    s.personal_error("personal-not-string", "A message that is a number.", 42, "utf8", "INVALID_MESSAGE", "message")
    s.personal_error("personal-lone-surrogate", "Text with a lone surrogate has no UTF-8 form.", "a\udc00b", "utf8",
                     "INVALID_STRING", "message")
    return s
