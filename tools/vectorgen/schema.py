"""``vectors/schema.json``: the vector format as JSON Schema (draft 2020-12)."""

from __future__ import annotations

from typing import Any

from eip712kit import conformance
from eip712kit.base.parsers import MAX_SAFE_INTEGER
from eip712kit.conformance.features import known_tags
from eip712kit.protocols import sera


def build_schema() -> dict[str, Any]:
    """vectors/schema.json: the format as JSON Schema (draft 2020-12), error codes from errors.CODES."""
    from eip712kit.base.errors import CODES

    hex32 = {"type": "string", "pattern": "^0x[0-9a-fA-F]{64}$"}
    address = {"type": "string", "pattern": "^0x[0-9a-fA-F]{40}$"}
    signature = {"type": "string", "pattern": "^0x[0-9a-fA-F]{130}$",
                 "description": "65 bytes r ‖ s ‖ v with v 27 or 28 (0x1b/0x1c), low s"}
    dec = {"type": "string", "pattern": "^-?[0-9]+$", "description": "a decimal integer as a string"}
    uint = {"oneOf": [{"type": "integer", "minimum": 0, "maximum": MAX_SAFE_INTEGER},
                      {"type": "string", "pattern": "^[0-9]+$"}],
            "description": "an unsigned integer: a JSON number up to 2**53 - 1, a decimal string beyond"}
    implementations = {"type": "array", "items": {"type": "string", "pattern": "^@?[^@\\s]+@[^@\\s]+$"},
                       "uniqueItems": True, "description": "implementations as name@version"}
    features = {"type": "array", "uniqueItems": True,
                "items": {"enum": sorted(known_tags())},
                "description": "what the case exercises, sorted; derived from the case by "
                               "eip712kit.conformance.features (docs/vectors.md lists every tag). An --exec "
                               "adapter declares the tags it cannot handle; such cases are skipped by declaration"}
    positive_kind = {
        "typed_data": (
            {"type": "object", "required": ["typed_data"], "additionalProperties": False, "properties": {
                "typed_data": {"type": "object", "required": ["types", "primaryType", "domain", "message"],
                               "additionalProperties": False, "properties": {
                                   "types": {"type": "object", "additionalProperties": {
                                       "type": "array", "items": {
                                           "type": "object", "required": ["name", "type"],
                                           "additionalProperties": False,
                                           "properties": {"name": {"type": "string"}, "type": {"type": "string"}}}}},
                                   "primaryType": {"type": "string"},
                                   "domain": {"$ref": "#/$defs/jsSafe"},
                                   "message": {"$ref": "#/$defs/jsSafe"}}},
                "key": {"type": "string"}}},
            {"type": "object", "required": ["encodeType", "typeHash", "domainSeparator", "digest"],
             "additionalProperties": False, "properties": {
                 "encodeType": {"type": "object", "required": ["EIP712Domain"],
                                "additionalProperties": {"type": "string"}},
                 "typeHash": {"type": "object", "required": ["EIP712Domain"], "additionalProperties": hex32},
                 "domainSeparator": hex32, "structHash": hex32, "digest": hex32, "signature": signature,
                 "signer": address}},
        ),
        "personal_sign": (
            {"type": "object", "required": ["message", "encoding"], "additionalProperties": False, "properties": {
                "message": {"type": "string"}, "encoding": {"enum": ["utf8", "hex"]}, "key": {"type": "string"}}},
            {"type": "object", "required": ["digest"], "additionalProperties": False,
             "properties": {"digest": hex32, "signature": signature, "signer": address}},
        ),
        "uuid_int": (
            {"type": "object", "required": ["operation"], "additionalProperties": False, "properties": {
                "operation": {"enum": ["pack", "pack_batch", "pack_leg", "unpack", "check_binding"]},
                "order_id": {"type": "string"}, "order_ids": {"type": "array", "items": {"type": "string"}},
                "group_order_id": {"type": "string"}, "executor_id": {"type": "integer"},
                "leg_id": {"type": "integer"}, "uuid_int": dec}},
            {"type": "object", "additionalProperties": False, "minProperties": 1, "properties": {
                "uuid_int": dec, "uuid_ints": {"type": "array", "items": dec},
                "executor_id": {"type": "integer"}, "uuid": {"type": "string"}, "group_id": dec,
                "leg_id": {"type": "integer"}, "is_uuid4": {"type": "boolean"}, "standalone": {"type": "boolean"}}},
        ),
        "sera_order": (
            {"type": "object", "required": ["side", "amount", "price", "base", "quote", "user", "expiration"],
             "additionalProperties": False, "properties": {
                 "side": {"type": "string"}, "amount": {"type": "string"}, "price": {"type": "string"},
                 "base": {"$ref": "#/$defs/token"}, "quote": {"$ref": "#/$defs/token"}, "user": address,
                 "expiration": uint, "order_id": {"type": "string"}, "executor_id": {"type": "integer"},
                 "uuid_int": dec, "fee_bps": uint, "recipient": address, "initial_deposit_amount": uint,
                 "rounding": {"enum": ["down", "up", "half_even"]}, "server_now": uint,
                 "domain": {"$ref": "#/$defs/jsSafe"}, "key": {"type": "string"}}},
            {"type": "object", "required": ["order", "uuid_int", "domain", "domainSeparator", "structHash", "digest"],
             "additionalProperties": False, "properties": {
                 "order": {"type": "object", "additionalProperties": False,
                           "required": [n for n, _ in sera.Order.fields],
                           "properties": {n: (address if t == "address" else uint) for n, t in sera.Order.fields}},
                 "uuid_int": dec, "domain": {"$ref": "#/$defs/jsSafe"}, "domainSeparator": hex32,
                 "structHash": hex32, "digest": hex32, "signature": signature, "signer": address,
                 "body": {"type": "object", "description": "the POST /verify-signature (and /orders) body"}}},
        ),
        "time_window": (
            {"type": "object", "required": ["rule", "server_now"], "additionalProperties": False, "properties": {
                "rule": {"enum": list(conformance.TIME_WINDOW_RULES)}, "server_now": uint,
                "expiration": uint, "deadline": uint, "timestamp": uint}},
            {"type": "object", "required": ["accepted"], "additionalProperties": False,
             "properties": {"accepted": {"const": True}}},
        ),
    }
    kind_rules = []
    for kind, (inp, expected) in positive_kind.items():
        # one list of result fields: the runner refuses a result field the schema does not allow here
        assert tuple(expected["properties"]) == conformance.RESULT_FIELDS[kind], kind
        kind_rules.append({"if": {"required": ["expected"], "properties": {"kind": {"const": kind}}},
                           "then": {"properties": {"input": inp, "expected": expected}}})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:eip712kit:vectors:1",
        "title": f"eip712kit golden vectors ({conformance.FORMAT})",
        "description": "One vector file: a suite of cases, each an input and either every expected value or the "
                       "error an implementation must refuse the input with. Written by tools/gen_vectors.py; "
                       "explained in docs/vectors.md.",
        "type": "object",
        "required": ["format", "suite", "description", "keys", "cases"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": conformance.FORMAT},
            "suite": {"type": "string", "pattern": "^[a-z0-9_]+$"},
            "description": {"type": "string"},
            "generated_by": {"type": "string"},
            "attested_by": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1},
                            "description": "how many cases of this file each implementation attested"},
            "keys": {"type": "object", "additionalProperties": {"$ref": "#/$defs/key"}},
            "cases": {"type": "array", "items": {"$ref": "#/$defs/case"}},
        },
        "$defs": {
            "key": {"type": "object", "required": ["private_key", "address", "note"], "additionalProperties": False,
                    "properties": {"private_key": hex32, "address": address,
                                   "note": {"type": "string", "pattern": "^PUBLIC development key"}}},
            "token": {"type": "object", "required": ["address", "decimals"], "additionalProperties": False,
                      "properties": {"address": address, "decimals": {"type": "integer", "minimum": 0, "maximum": 255},
                                     "symbol": {"type": "string"}}},
            "jsSafe": {"description": "any JSON value whose numbers a JavaScript reader keeps exactly (|n| <= 2**53-1)",
                       "anyOf": [{"type": ["string", "boolean", "null"]},
                                 {"type": "number", "minimum": -MAX_SAFE_INTEGER, "maximum": MAX_SAFE_INTEGER},
                                 {"type": "array", "items": {"$ref": "#/$defs/jsSafe"}},
                                 {"type": "object", "additionalProperties": {"$ref": "#/$defs/jsSafe"}}]},
            "error": {"type": "object", "required": ["code"], "additionalProperties": False, "properties": {
                "code": {"enum": sorted(CODES)},
                "path": {"type": "string", "description": "JSON path of the offending value in the input"}}},
            "case": {
                "type": "object",
                "required": ["id", "kind", "input"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9_]+/[A-Za-z0-9_.$-]+$"},
                    "kind": {"enum": list(conformance.KINDS)},
                    "description": {"type": "string"},
                    "features": features,
                    "input": {"type": "object"},
                    "expected": {"type": "object"},
                    "error": {"$ref": "#/$defs/error"},
                    "attested_by": implementations,
                    "accepted_by": implementations,
                    "refused_by": implementations,
                },
                "oneOf": [{"required": ["expected"]}, {"required": ["error"]}],
                "allOf": kind_rules,
            },
        },
    }
