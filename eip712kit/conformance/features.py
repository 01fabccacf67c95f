"""Feature tags: what a golden case exercises, derived from its content, so a signer can declare what it cannot do.

Every case carries ``"features": [...]`` (sorted). The generator writes them with :func:`case_features`,
the runner reads them (and derives them, with the same function, for a file written without them),
and an ``--exec`` adapter names the tags it cannot handle in its handshake; a case carrying one of
those is *skipped by declaration*, never passed. The compatibility matrix (``docs/compatibility.md``)
is drawn per tag.

This module is the one place a tag is named and defined (:data:`FEATURES`); the Node tools read the
tags from the vectors and never derive them. The rules look only at the case (its kind, input and
expected error) and tolerate any malformed input, since negative cases are malformed on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from ..base.errors import CODES
from ..base.parsers import LONE_SURROGATE, MAX_SAFE_INTEGER
from ..core.domain import DOMAIN_FIELD_TYPES
from ..core.field_types import DIMENSION

FEATURES: dict[str, str] = {
    # -- the shape of a typed-data document: where implementations differ in what they can express --
    "derived-domain-type": "types has no EIP712Domain: the domain type is derived from the domain's keys in "
                           "canonical order",
    "declared-domain-order": "types declares an EIP712Domain that differs from the canonical derivation "
                             "(another order, or other fields): the declaration is hashed as written",
    "primary-eip712domain": "primaryType is EIP712Domain: keccak256(0x1901 ‖ domainSeparator) is signed, "
                            "with no message hash",
    "non-root-primary": "primaryType is referenced by another struct in types, so it is not the root",
    "unused-types": "types holds structs not reachable from primaryType; they take no part in the hash",
    "recursive-types": "a struct reachable from primaryType is reachable from itself (Node[] children, "
                       "Ping ↔ Pong)",
    "empty-domain": "the domain has no field at all (EIP712Domain())",
    "salt-in-domain": "the domain carries a bytes32 salt",
    "string-chain-id": "domain.chainId written as a string (decimal or 0x-hex), not a JSON number",
    # -- types and values --
    "nested-structs": "a struct has a field whose type is another struct (or an array of one)",
    "struct-arrays": "an array whose elements are structs (each element is hashStruct-ed, then the hashes "
                     "concatenated)",
    "array-only-structs": "a struct reachable from primaryType only through array fields (Person[] but never "
                          "Person): encodeType must still list it",
    "shared-structs": "a struct referred to by two or more of the structs reachable from primaryType (Group → "
                      "Person and Mail → Person): encodeType lists it once",
    "atomic-arrays": "an array whose base type is atomic (uint256[], bytes32[2], string[], uint8[][]): the "
                     "elements are encoded, concatenated and hashed",
    "fixed-arrays": "an array type of fixed size, T[N]",
    "arrays-of-arrays": "an array type with two or more dimensions, T[][] or T[N][]",
    "empty-arrays": "an array value with no element",
    "dynamic-bytes": "a field of type bytes (hashed, not padded)",
    "negative-ints": "an intN value below zero (two's complement word)",
    "big-integers": "an integer beyond 2**53 - 1, written as a decimal string",
    "hex-integers": "an integer value written as a 0x-hex string",
    "max-safe-number": "an integer written as the JSON number ±(2**53 - 1), the largest a double holds exactly",
    "dollar-identifiers": "a struct or field name containing $ (a valid identifier)",
    "non-ascii-strings": "a string (or personal_sign text) with characters beyond ASCII, hashed as UTF-8",
    "hash-only": "a positive typed_data or personal_sign case with no key: only the hashes are compared, so an "
                 "implementation with no public hash function has nothing to show",
    # -- personal_sign --
    "personal-hex": "a personal_sign message given as 0x-hex bytes (encoding hex)",
    "hexlike-text": "personal_sign text that looks like 0x-hex but must be signed as its UTF-8 characters",
    "empty-message": "a personal_sign message of zero bytes",
    # -- Sera's order builder --
    "amount-rounding": "a sera_order that names a rounding mode for amounts finer than the token",
    "expiration-window": "a sera_order whose expiration is checked against a given server time",
    # -- refusals, beyond <code>-refusal (see REFUSAL_SUFFIX) --
    "lone-surrogate-refusal": "the input holds a lone UTF-16 surrogate, which has no UTF-8 form: refuse it, "
                              "do not replace it with U+FFFD",
    "unprefixed-address-refusal": "an address written without 0x: refuse it",
    "unprefixed-hex-refusal": "hex bytes written without 0x: refuse them",
    "padded-number-refusal": "an integer string with surrounding whitespace: refuse it, do not trim",
    "int-alias-refusal": "the type uint or int without a width (Solidity's alias, not an EIP-712 type)",
    "zero-length-array-refusal": "the array type T[0], which no value can fill",
    "number-coercion-refusal": "a JSON number where a string, bytes or an address is declared: refuse it, do not "
                               "convert it",
    "null-value-refusal": "null where a value is declared: refuse it, do not read it as zero, false or empty",
    "document-extra-key-refusal": "a typed-data document with a top-level key other than types, primaryType, "
                                  "domain and message (a typo must not be ignored)",
}
"""Every tag a rule of this module can give, with its meaning (docs/vectors.md lists the same)."""

REFUSAL_SUFFIX = "-refusal"
"""A negative case also carries ``<its error code, lower-case, _ as ->-refusal``: the strictness it tests
(``EXTRA_FIELD`` → ``extra-field-refusal``). Those tags are named by the error catalogue, not listed above."""

_ARRAY_SUFFIX = r"((?:\[[0-9]*\])+)\Z"
_HEX_DIGITS = r"[0-9a-fA-F]+\Z"
_HEX_TEXT = r"0x[0-9a-fA-F]*\Z"
_INT_TYPE = r"(u?)int([0-9]*)\Z"
_PATH_TOKEN = r"([^.\[\]]+)|\[([0-9]+)\]"
DOCUMENT_KEYS = ("types", "primaryType", "domain", "message")


def refusal_tag(code: str) -> str:
    """The tag a negative case with this error code carries: ``EXTRA_FIELD`` → ``extra-field-refusal``."""
    return code.lower().replace("_", "-") + REFUSAL_SUFFIX


@cache
def known_tags() -> frozenset[str]:
    """Every tag this module can give: the :data:`FEATURES` and ``<code>-refusal`` for every catalogued code."""
    return frozenset(FEATURES) | {refusal_tag(code) for code in CODES}


def is_known(tag: str) -> bool:
    """Whether a tag is one this module can give (:func:`known_tags`)."""
    return tag in known_tags()


def _split(type_text: Any) -> tuple[str, list[int | None]]:
    """``"Person[2][]"`` → ``("Person", [2, None])``, leniently: malformed types come back as written."""
    if not isinstance(type_text, str):
        return "", []
    match = re.search(_ARRAY_SUFFIX, type_text)
    if not match:
        return type_text, []
    dims = [int(d) if d else None for d in re.findall(DIMENSION, match.group(1))]
    return type_text[: match.start()], dims


def _struct_types(doc: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
    types = doc.get("types")
    if not isinstance(types, Mapping):
        return {}
    return {name: [f for f in fields if isinstance(f, Mapping)] for name, fields in types.items()
            if isinstance(name, str) and isinstance(fields, list)}


def _refs(fields: list[Mapping[str, Any]], structs: Mapping[str, Any]) -> Iterator[str]:
    for f in fields:
        base, _ = _split(f.get("type"))
        if base in structs:
            yield base


def _field_types(fields: list[Mapping[str, Any]]) -> list[Any]:
    return [f.get("type") for f in fields]


def _reachable(structs: Mapping[str, list[Mapping[str, Any]]], root: str) -> set[str]:
    seen: set[str] = set()
    todo = [root] if root in structs else []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(_refs(structs[name], structs))
    return seen


def _values(type_text: Any, value: Any, structs: Mapping[str, list[Mapping[str, Any]]],
            depth: int = 0) -> Iterator[tuple[str, Any]]:
    """Every (atomic type, value) pair of a value of ``type_text``, and ``("[]", [])`` for empty arrays."""
    if depth > 64:
        return
    base, dims = _split(type_text)
    if dims:
        if isinstance(value, list):
            if not value:
                yield "[]", value
            inner = type_text[: type_text.rindex("[")] if isinstance(type_text, str) else ""
            for item in value:
                yield from _values(inner, item, structs, depth + 1)
        return
    if base in structs and base != "EIP712Domain":
        if isinstance(value, Mapping):
            for f in structs[base]:
                name = f.get("name")
                if isinstance(name, str) and name in value:
                    yield from _values(f.get("type"), value[name], structs, depth + 1)
        return
    yield base, value


def _typed_data_features(doc: Any) -> set[str]:
    tags: set[str] = set()
    if not isinstance(doc, Mapping):
        return tags
    structs = _struct_types(doc)
    primary = doc.get("primaryType")
    domain = doc.get("domain") if isinstance(doc.get("domain"), Mapping) else {}
    assert isinstance(domain, Mapping)
    declared = structs.get("EIP712Domain")
    derived = [{"name": k, "type": t} for k, t in DOMAIN_FIELD_TYPES.items() if k in domain]
    if isinstance(doc.get("types"), Mapping) and "EIP712Domain" not in doc["types"]:
        tags.add("derived-domain-type")
    elif declared is not None and [dict(f) for f in declared] != derived:
        tags.add("declared-domain-order")
    if primary == "EIP712Domain":
        tags.add("primary-eip712domain")
    if isinstance(doc.get("domain"), Mapping):
        if not domain:
            tags.add("empty-domain")
        if "salt" in domain:
            tags.add("salt-in-domain")
        if isinstance(domain.get("chainId"), str):
            tags.add("string-chain-id")
    others = {n: f for n, f in structs.items() if n != "EIP712Domain"}
    if isinstance(primary, str) and primary in others:
        reachable = _reachable(others, primary)
        if any(primary in _refs(fields, others) for name, fields in others.items() if name != primary):
            tags.add("non-root-primary")
        if set(others) - reachable:
            tags.add("unused-types")
        if any(name in set().union(*(_reachable(others, r) for r in _refs(others[name], others)))
               for name in reachable):
            tags.add("recursive-types")
        through_arrays = {base for name in reachable for base, dims in map(_split, _field_types(others[name]))
                          if base in others and dims}
        directly = {base for name in reachable for base, dims in map(_split, _field_types(others[name]))
                    if base in others and not dims}
        if through_arrays - directly - {primary}:
            tags.add("array-only-structs")
        parents: dict[str, set[str]] = {}
        for name in reachable:
            for ref in _refs(others[name], others):
                parents.setdefault(ref, set()).add(name)
        if any(len(referrers) > 1 for referrers in parents.values()):
            tags.add("shared-structs")
        for name in reachable:
            if "$" in name or any("$" in str(f.get("name", "")) for f in others[name]):
                tags.add("dollar-identifiers")
            for f in others[name]:
                base, dims = _split(f.get("type"))
                if base in others:
                    tags.add("nested-structs")
                    if dims:
                        tags.add("struct-arrays")
                elif dims:
                    tags.add("atomic-arrays")
                if any(d is not None for d in dims):
                    tags.add("fixed-arrays")
                if len(dims) >= 2:
                    tags.add("arrays-of-arrays")
                if base == "bytes":
                    tags.add("dynamic-bytes")
        values = list(_values(primary, doc.get("message"), others))
    else:
        values = []
    domain_fields: list[Mapping[str, Any]] = list(declared) if declared is not None else list(derived)
    domain_structs = {"EIP712Domain": domain_fields}
    values += list(_values("EIP712Domain", domain, domain_structs))
    for atomic, value in values:
        tags |= _value_features(atomic, value)
    return tags


def _value_features(atomic: str, value: Any) -> set[str]:
    tags: set[str] = set()
    if atomic == "[]":
        tags.add("empty-arrays")
    elif atomic == "string" and isinstance(value, str) and not value.isascii():
        tags.add("non-ascii-strings")
    else:
        match = re.match(_INT_TYPE, atomic)
        if match and match.group(2):
            number: int | None = None
            if type(value) is int:
                number = value
            elif isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value):
                number = int(value)
            elif isinstance(value, str) and re.match(_HEX_TEXT, value) and len(value) > 2:
                tags.add("hex-integers")
                number = int(value, 16)
            if number is not None and number < 0 and not match.group(1):
                tags.add("negative-ints")
            if number is not None and abs(number) > MAX_SAFE_INTEGER:
                tags.add("big-integers")
            if type(value) is int and abs(value) == MAX_SAFE_INTEGER:
                tags.add("max-safe-number")
    return tags


def _personal_features(inp: Mapping[str, Any]) -> set[str]:
    tags: set[str] = set()
    message, encoding = inp.get("message"), inp.get("encoding", "utf8")
    if not isinstance(message, str):
        return tags
    if encoding == "hex":
        tags.add("personal-hex")
        if message in ("0x", "0X"):
            tags.add("empty-message")
    else:
        if re.match(_HEX_TEXT, message) and len(message) > 2:
            tags.add("hexlike-text")
        if not message.isascii():
            tags.add("non-ascii-strings")
        if message == "":
            tags.add("empty-message")
    return tags


def value_at(root: Any, path: str) -> tuple[bool, Any]:
    """The value a JSON path (``message.to.wallet``, ``order_ids[1]``) names in ``root``: (found, value)."""
    node = root
    for key, index in re.findall(_PATH_TOKEN, path):
        if key:
            if not isinstance(node, Mapping) or key not in node:
                return False, None
            node = node[key]
        else:
            if not isinstance(node, list) or int(index) >= len(node):
                return False, None
            node = node[int(index)]
    return True, node


def _contains_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return re.search(LONE_SURROGATE, value) is not None
    if isinstance(value, Mapping):
        return any(_contains_lone_surrogate(k) or _contains_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_lone_surrogate(v) for v in value)
    return False


def _refusal_features(kind: str, inp: Mapping[str, Any], error: Mapping[str, Any]) -> set[str]:
    code = str(error.get("code", ""))
    tags = {refusal_tag(code)} if code else set()
    if _contains_lone_surrogate(inp):
        tags.add("lone-surrogate-refusal")
    path = error.get("path")
    if not isinstance(path, str):
        return tags
    root = inp.get("typed_data") if kind == "typed_data" else inp
    found, value = value_at(root, path)
    if kind == "typed_data" and "." not in path and "[" not in path and path not in DOCUMENT_KEYS:
        tags.add("document-extra-key-refusal")
    if found and value is None:
        tags.add("null-value-refusal")
    number = type(value) is int or isinstance(value, float)  # a JSON float is a JsonNumber
    if found and number and code in ("INVALID_HEX", "INVALID_STRING", "INVALID_ADDRESS", "INVALID_MESSAGE"):
        tags.add("number-coercion-refusal")
    if not found or not isinstance(value, str):
        return tags
    if re.match(_HEX_DIGITS, value) and not value.lower().startswith("0x"):
        if code == "INVALID_ADDRESS":
            tags.add("unprefixed-address-refusal")
        elif code == "INVALID_HEX":
            tags.add("unprefixed-hex-refusal")
    if code == "INVALID_INT" and value != value.strip():
        tags.add("padded-number-refusal")
    if code == "UNKNOWN_TYPE":
        base, dims = _split(value)
        if base in ("uint", "int"):
            tags.add("int-alias-refusal")
        if 0 in dims:
            tags.add("zero-length-array-refusal")
    return tags


def case_features(kind: str, inp: Any, error: Mapping[str, Any] | None = None) -> list[str]:
    """The sorted feature tags of one case: what its input exercises, and for a negative case what it refuses."""
    tags: set[str] = set()
    if not isinstance(inp, Mapping):
        return []
    if kind == "typed_data":
        tags |= _typed_data_features(inp.get("typed_data"))
    elif kind == "personal_sign":
        tags |= _personal_features(inp)
    elif kind == "sera_order":
        if inp.get("rounding") is not None:
            tags.add("amount-rounding")
        if inp.get("server_now") is not None:
            tags.add("expiration-window")
    if error is not None:
        tags |= _refusal_features(kind, inp, error)
    elif kind in ("typed_data", "personal_sign") and inp.get("key") is None:
        tags.add("hash-only")
    return sorted(tags)


__all__ = [
    "DOCUMENT_KEYS",
    "FEATURES",
    "REFUSAL_SUFFIX",
    "case_features",
    "is_known",
    "known_tags",
    "refusal_tag",
    "value_at",
]
