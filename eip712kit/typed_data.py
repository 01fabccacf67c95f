"""EIP-712 typed data: ``encodeType``, ``typeHash``, ``encodeData``, ``hashStruct``, domain separator, digest.

The shape follows the spec's own terms so the code can be held against EIP-712 line by line, and
the ``eth_signTypedData_v4`` behaviour of wallets (arrays, arrays of arrays, arrays of structs,
recursive structs).

Compile once, encode many: a :class:`Schema` is built from a ``types`` object once — the type graph
is validated then (unknown types, bad names, duplicate fields, cycles no finite value can satisfy)
and one hashing closure per struct is compiled. Schemas are cached by the shape of ``types``, so
hashing a second document of the same types does no parsing of type strings at all; domain
separators are cached by domain value.

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
* A struct value may not be ``null`` and may not omit or add fields (MetaMask encodes a missing
  struct as 32 zero bytes and ignores extra fields; silently signing something other than what the
  caller wrote is the mistake this kit exists to prevent).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from . import encoding
from .errors import DocumentError, Eip712KitError, TypeDefinitionError, ValueEncodingError
from .hashing import keccak256
from .limits import DEFAULT_LIMITS, Limits, load_json

Encoder = Callable[[Any], bytes]

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")
_FIELD_TYPE = re.compile(r"([A-Za-z_$][A-Za-z0-9_$]*)((?:\[(?:[1-9][0-9]*)?\])*)\Z")
_DIMENSION = re.compile(r"\[([0-9]*)\]")

DOMAIN_FIELD_TYPES: dict[str, str] = {
    "name": "string",
    "version": "string",
    "chainId": "uint256",
    "verifyingContract": "address",
    "salt": "bytes32",
}
"""The canonical EIP712Domain fields, in the order EIP-712 lists them."""

EMPTY_ARRAY_HASH = keccak256(b"")


# --- atomic types -----------------------------------------------------------------------------

def _atomic_encoder(type_name: str, limits: Limits = DEFAULT_LIMITS) -> Encoder | None:
    """The word encoder of an atomic type, or None when the name is not atomic."""
    if type_name == "address":
        return _encode_address
    if type_name == "bool":
        return encoding.bool_word
    if type_name == "string":
        return _sized(encoding.string_word, limits.max_string_bytes, "string")
    if type_name == "bytes":
        return _sized(encoding.dynamic_bytes_word, limits.max_string_bytes, "bytes")
    match = re.fullmatch(r"(u?int)([0-9]+)", type_name)
    if match:
        bits_text = match.group(2)
        bits = int(bits_text)
        if bits_text[0] == "0" or not 8 <= bits <= 256 or bits % 8:
            return None
        return _uint_encoder(bits) if match.group(1) == "uint" else _int_encoder(bits)
    match = re.fullmatch(r"bytes([0-9]+)", type_name)
    if match:
        size_text = match.group(1)
        size = int(size_text)
        if size_text[0] == "0" or not 1 <= size <= 32:
            return None
        return lambda value: encoding.fixed_bytes_word(value, size)
    return None


def _sized(encode: Encoder, limit: int, what: str) -> Encoder:
    """A string/bytes encoder that refuses values longer than the limit before hashing them."""
    # the most characters a value within the limit can have: 4 UTF-8 bytes per character at
    # best for text, so check the exact size only above limit // 4; two hex digits per byte
    text_cap = limit // 4 if what == "string" else 2 * limit + 2

    def encode_sized(value: Any) -> bytes:
        if (type(value) is str and len(value) > text_cap) or (isinstance(value, bytes) and len(value) > limit):
            size = len(value) if isinstance(value, bytes) or what == "bytes" else len(value.encode("utf-8", "replace"))
            if size > (limit if what == "string" or isinstance(value, bytes) else 2 * limit + 2):
                raise DocumentError(f"this {what} value is over the limit of {limit} bytes", code="LIMIT_EXCEEDED")
        return encode(value)

    return encode_sized


_ADDRESS_WORDS: dict[str, bytes] = {}


def _encode_address(value: Any) -> bytes:
    """address → its 32-byte word; validated words are remembered (the same few addresses recur)."""
    word = _ADDRESS_WORDS.get(value) if type(value) is str else None
    if word is None:
        word = encoding.address_word(value)
        if len(_ADDRESS_WORDS) >= 4096:
            _ADDRESS_WORDS.clear()
        _ADDRESS_WORDS[value] = word
    return word


def _uint_encoder(bits: int) -> Encoder:
    """uintN, with the common spellings (int, plain decimal string) handled inline."""
    limit = 1 << bits
    slow = encoding.uint_word

    def encode_uint(value: Any) -> bytes:
        kind = type(value)
        if kind is int:
            if 0 <= value < limit:
                return value.to_bytes(32, "big")  # type: ignore[no-any-return]
        elif kind is str and value.isascii() and value.isdigit() and len(value) <= 80:
            number = int(value)
            if number < limit:
                return number.to_bytes(32, "big")
        return slow(value, bits)  # every other spelling, and every error

    return encode_uint


def _int_encoder(bits: int) -> Encoder:
    low, high = -(1 << (bits - 1)), 1 << (bits - 1)
    slow = encoding.int_word

    def encode_int(value: Any) -> bytes:
        if type(value) is int and low <= value < high:
            return value.to_bytes(32, "big", signed=True)
        return slow(value, bits)

    return encode_int


def is_atomic(type_name: str) -> bool:
    return _atomic_encoder(type_name) is not None


def _near_miss(type_name: str) -> str:
    """A hint for the usual slips in atomic type names."""
    if type_name in ("uint", "int"):
        return f" (EIP-712 needs an explicit width: {type_name}256)"
    if type_name == "byte":
        return " (use bytes1)"
    if re.fullmatch(r"u?int[0-9]+|bytes[0-9]+", type_name):
        return " (uintN/intN need N a multiple of 8 from 8 to 256; bytesN needs N from 1 to 32)"
    return ""


def parse_field_type(type_text: str) -> tuple[str, list[int | None]]:
    """Split ``"Person[2][]"`` into ``("Person", [2, None])`` — dimensions innermost first."""
    match = _FIELD_TYPE.match(type_text)
    if not match:
        raise TypeDefinitionError(
            f"{type_text!r} is not a type: write an atomic type, a struct name, or either followed "
            "by [] or [N] (N >= 1)",
            code="UNKNOWN_TYPE",
        )
    dims: list[int | None] = [int(d) if d else None for d in _DIMENSION.findall(match.group(2))]
    return match.group(1), dims


# --- the compiled schema ----------------------------------------------------------------------

class Schema:
    """A validated, compiled ``types`` object.

    Holds the type graph as ``{struct: ((field, type), ...)}`` and one compiled hasher per struct.
    Build it with :func:`compile_types` to share the cache; constructing it directly always
    compiles.
    """

    def __init__(self, types: Any, *, limits: Limits = DEFAULT_LIMITS):
        self.types: dict[str, tuple[tuple[str, str], ...]] = _normalise_types(types, limits)
        self._deps: dict[str, set[str]] = {
            name: {parse_field_type(t)[0] for _, t in fields} & self.types.keys()
            for name, fields in self.types.items()
        }
        _check_encodable(self.types)
        self._encode_type: dict[str, str] = {}
        self._type_hash: dict[str, bytes] = {}
        self._hashers: dict[str, Encoder] = {}
        self._limits = limits
        for name in self.types:
            self.type_hash(name)
        for name in self.types:
            self._hashers[name] = self._compile_struct(name)
        # A private copy to recognise the same types again (see compile_types).
        self.source: dict[str, list[dict[str, str]]] = {
            name: [{"name": n, "type": t} for n, t in fields] for name, fields in self.types.items()
        }

    # -- the spec's functions --

    def encode_type(self, name: str) -> str:
        """``encodeType``: the struct's signature followed by its dependencies, sorted by name."""
        cached = self._encode_type.get(name)
        if cached is not None:
            return cached
        self._require(name)
        deps = sorted(self.dependencies(name) - {name})
        text = "".join(self._signature(t) for t in [name, *deps])
        self._encode_type[name] = text
        return text

    def type_hash(self, name: str) -> bytes:
        """``typeHash = keccak256(encodeType(name))``."""
        cached = self._type_hash.get(name)
        if cached is None:
            cached = keccak256(self.encode_type(name).encode("utf-8"))
            self._type_hash[name] = cached
        return cached

    def encode_data(self, name: str, value: Any) -> bytes:
        """``encodeData``: ``typeHash ‖ enc(field₁) ‖ … ‖ enc(fieldₙ)``, one 32-byte word each."""
        self._require(name)
        words = [self.type_hash(name)]
        fields = self.types[name]
        record = _check_record(value, fields)
        for field_name, field_type in fields:
            try:
                words.append(self.encode_field(field_type, record[field_name]))
            except Eip712KitError as exc:
                raise exc.at(field_name) from None
        return b"".join(words)

    def hash_struct(self, name: str, value: Any) -> bytes:
        """``hashStruct = keccak256(encodeData(name, value))``, through the compiled hasher."""
        hasher = self._hashers.get(name)
        if hasher is None:
            self._require(name)
        return hasher(value)  # type: ignore[misc]

    def encode_field(self, type_text: str, value: Any) -> bytes:
        """The 32-byte word of one value of any field type (atomic, struct or array)."""
        return self._field_encoder(type_text)(value)

    def dependencies(self, name: str) -> set[str]:
        """Every struct reachable from ``name``, including itself."""
        seen: set[str] = set()
        stack = [name]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(self._deps[current] - seen)
        return seen

    def primary_type(self) -> str:
        """The one struct no other struct references, as ethers derives it."""
        referenced = set().union(*(deps - {n} for n, deps in self._deps.items())) if self._deps else set()
        roots = [n for n in self.types if n not in referenced and n != "EIP712Domain"]
        if len(roots) != 1:
            raise TypeDefinitionError(
                "primaryType is missing and types has "
                + (f"{len(roots)} candidate roots ({', '.join(sorted(roots))})" if roots else "no root type")
                + ": add \"primaryType\" to the document",
                code="MISSING_PRIMARY_TYPE",
                path="primaryType",
            )
        return roots[0]

    # -- compilation --

    def _require(self, name: str) -> None:
        if name not in self.types:
            raise TypeDefinitionError(
                f"{name!r} is not a struct defined in types (defined: {', '.join(sorted(self.types)) or 'none'})",
                code="UNKNOWN_TYPE",
            )

    def _signature(self, name: str) -> str:
        return f"{name}({','.join(f'{t} {n}' for n, t in self.types[name])})"

    def _compile_struct(self, name: str) -> Encoder:
        fields = self.types[name]
        pairs = tuple((n, self._field_encoder(t)) for n, t in fields)
        count = len(fields)
        prefix = self._type_hash[name]
        join = b"".join

        def hash_struct(value: Any) -> bytes:
            if type(value) is not dict:
                value = _as_record(value)
            if len(value) != count:
                _check_record(value, fields)
            try:
                return keccak256(prefix + join([encode(value[field]) for field, encode in pairs]))
            except (KeyError, Eip712KitError):
                pass
            # The error path, taken once: find the field at fault and name it in the path.
            _check_record(value, fields)
            for field, encode in pairs:
                try:
                    encode(value[field])
                except Eip712KitError as exc:
                    raise exc.at(field) from None
            raise AssertionError("unreachable: a field failed and then passed")  # pragma: no cover

        return hash_struct

    def _field_encoder(self, type_text: str) -> Encoder:
        base, dims = parse_field_type(type_text)
        encoder = _atomic_encoder(base, self._limits)
        if encoder is None:
            hashers = self._hashers
            struct_name = base

            def encoder(value: Any) -> bytes:
                # Looked up at call time: a struct may refer to itself or to a later one.
                return hashers[struct_name](value)

        for size in dims:
            encoder = array_encoder(encoder, size, self._limits.max_array_length)
        return encoder


def array_encoder(inner: Encoder, size: int | None, max_length: int) -> Encoder:
    """``T[]`` / ``T[N]``: keccak256 of the elements' words (checked for shape, length and limit)."""
    def encode_array(value: Any) -> bytes:
        if type(value) is not list:
            if not isinstance(value, (list, tuple)):
                raise ValueEncodingError(
                    f"expected a JSON array{'' if size is None else f' of {size} elements'}, "
                    f"got {type(value).__name__}",
                    code="INVALID_ARRAY",
                )
        if size is not None and len(value) != size:
            raise ValueEncodingError(
                f"this fixed-size array needs exactly {size} elements, got {len(value)}",
                code="ARRAY_LENGTH",
            )
        if len(value) > max_length:
            raise DocumentError(
                f"array of {len(value)} elements exceeds the limit of {max_length}",
                code="LIMIT_EXCEEDED",
            )
        if not value:
            return EMPTY_ARRAY_HASH
        words = []
        for index, item in enumerate(value):
            try:
                words.append(inner(item))
            except Eip712KitError as exc:
                raise exc.at(index) from None
        return keccak256(b"".join(words))

    return encode_array


def _as_record(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    raise ValueEncodingError(
        f"expected a JSON object for this struct, got {'null' if value is None else type(value).__name__}",
        code="INVALID_STRUCT",
    )


def _check_record(value: Any, fields: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """Refuse a struct value with missing or extra fields, naming the first one."""
    record = value if type(value) is dict else _as_record(value)
    declared = {n for n, _ in fields}
    for field_name, field_type in fields:
        if field_name not in record:
            raise ValueEncodingError(
                f"missing field {field_name!r} ({field_type})", code="MISSING_FIELD", path=field_name
            )
    for key in record:
        if key not in declared:
            raise ValueEncodingError(
                f"field {key!r} is not declared in this struct (declared: {', '.join(n for n, _ in fields)})",
                code="EXTRA_FIELD",
                path=str(key),
            )
    return record


def _normalise_types(types: Any, limits: Limits) -> dict[str, tuple[tuple[str, str], ...]]:
    if not isinstance(types, Mapping):
        raise TypeDefinitionError("types must be a JSON object of struct definitions", path="types")
    if len(types) > limits.max_types:
        raise DocumentError(
            f"types defines {len(types)} structs, over the limit of {limits.max_types}",
            code="LIMIT_EXCEEDED",
            path="types",
        )
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for name, fields in types.items():
        if not isinstance(name, str) or not _IDENTIFIER.match(name):
            raise TypeDefinitionError(
                f"{name!r} is not a valid struct name (letters, digits, _ and $, not starting with a digit)",
                code="INVALID_TYPE_NAME",
                path=f"types.{name}",
            )
        if is_atomic(name):
            raise TypeDefinitionError(
                f"{name!r} is an atomic type and cannot be redefined as a struct",
                code="RESERVED_TYPE_NAME",
                path=f"types.{name}",
            )
        if not isinstance(fields, list):
            raise TypeDefinitionError(
                f"the definition of {name} must be a list of {{\"name\", \"type\"}} objects",
                path=f"types.{name}",
            )
        if len(fields) > limits.max_fields:
            raise DocumentError(
                f"struct {name} has {len(fields)} fields, over the limit of {limits.max_fields}",
                code="LIMIT_EXCEEDED",
                path=f"types.{name}",
            )
        seen: set[str] = set()
        normal: list[tuple[str, str]] = []
        for index, field in enumerate(fields):
            where = f"types.{name}[{index}]"
            if not isinstance(field, Mapping) or not isinstance(field.get("name"), str) or not isinstance(
                field.get("type"), str
            ):
                raise TypeDefinitionError(
                    "each field must be an object with string \"name\" and \"type\"", path=where
                )
            field_name, field_type = field["name"], field["type"]
            if not _IDENTIFIER.match(field_name):
                raise TypeDefinitionError(
                    f"{field_name!r} is not a valid field name", code="INVALID_TYPE_NAME", path=where + ".name"
                )
            if field_name in seen:
                raise TypeDefinitionError(
                    f"struct {name} declares the field {field_name!r} twice", code="DUPLICATE_FIELD", path=where
                )
            seen.add(field_name)
            normal.append((field_name, field_type))
        out[name] = tuple(normal)
    # Every field type must resolve; checked after all names are known so order does not matter.
    for name, fields in out.items():
        for index, (_, field_type) in enumerate(fields):
            try:
                base, _dims = parse_field_type(field_type)
            except TypeDefinitionError as exc:
                raise exc.at(f"types.{name}[{index}].type") from None
            if base not in out and not is_atomic(base):
                raise TypeDefinitionError(
                    f"type {base!r} is neither atomic nor defined in types{_near_miss(base)}",
                    code="UNKNOWN_TYPE",
                    path=f"types.{name}[{index}].type",
                )
    return out


def _check_encodable(types: dict[str, tuple[tuple[str, str], ...]]) -> None:
    """Refuse a cycle of references that every value must follow forever.

    A reference is *mandatory* when the field is the struct itself or a fixed-size array of it;
    a dynamic array can be empty, which ends the recursion. A cycle made only of mandatory
    references has no finite value, so no document of these types could ever be hashed.
    """
    mandatory: dict[str, set[str]] = {}
    for name, fields in types.items():
        edges = set()
        for _, field_type in fields:
            base, dims = parse_field_type(field_type)
            if base in types and all(d is not None for d in dims):
                edges.add(base)
        mandatory[name] = edges
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    for start in types:
        if state.get(start):
            continue
        stack: list[tuple[str, list[str]]] = [(start, sorted(mandatory[start]))]
        state[start] = 1
        path = [start]
        while stack:
            node, pending = stack[-1]
            if not pending:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            nxt = pending.pop()
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt]
                raise TypeDefinitionError(
                    f"{' -> '.join(cycle)} is a cycle of required struct fields: no finite value "
                    "exists; make one link a dynamic array (T[]) so it can end",
                    code="UNENCODABLE_CYCLE",
                    path=f"types.{nxt}",
                )
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, sorted(mandatory[nxt])))


# --- schema and domain caches -----------------------------------------------------------------

_SCHEMA_CACHE: dict[tuple[Any, ...], list[Schema]] = {}
_SCHEMA_CACHE_MAX = 256
_DOMAIN_SCHEMAS: dict[tuple[str, ...], Schema] = {}
_SEPARATOR_CACHE: dict[Any, bytes] = {}
_SEPARATOR_CACHE_MAX = 1024


def compile_types(types: Any, *, limits: Limits = DEFAULT_LIMITS) -> Schema:
    """The compiled :class:`Schema` of a ``types`` object, from the cache when seen before.

    Documents arrive freshly parsed, so the cache cannot key on identity. It buckets schemas by
    their struct names (cheap to hash) and confirms a hit by comparing the caller's ``types`` with
    the schema's private copy — a comparison CPython does in C, faster than building any key.
    """
    if limits is not DEFAULT_LIMITS or type(types) is not dict:
        return Schema(types, limits=limits)
    names = tuple(types)
    bucket = _SCHEMA_CACHE.get(names)
    if bucket is not None:
        for schema in bucket:
            if schema.source == types:
                return schema
    schema = Schema(types, limits=limits)
    if bucket is None:
        if len(_SCHEMA_CACHE) >= _SCHEMA_CACHE_MAX:
            del _SCHEMA_CACHE[next(iter(_SCHEMA_CACHE))]
        bucket = _SCHEMA_CACHE[names] = []
    if len(bucket) >= 8:
        bucket.pop()
    bucket.insert(0, schema)
    return schema


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
        cached = _SEPARATOR_CACHE.get(cache_key)
        if cached is not None:
            return cached
    try:
        separator = schema.hash_struct("EIP712Domain", domain)
    except Eip712KitError as exc:
        raise exc.at("domain") from None
    if cache_key is not None:
        if len(_SEPARATOR_CACHE) >= _SEPARATOR_CACHE_MAX:
            _SEPARATOR_CACHE.clear()
        _SEPARATOR_CACHE[cache_key] = separator
    return separator


def eip712_digest(separator: bytes, struct_hash: bytes | None) -> bytes:
    """``keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message))``."""
    return keccak256(b"\x19\x01" + separator + (struct_hash or b""))


# --- the document -----------------------------------------------------------------------------

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

    def hash_struct(self, name: str | None = None, value: Any = None) -> bytes:
        if name is None:
            return self.struct_hash()
        return self.schema.hash_struct(name, value)

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
    "parse_field_type",
]
