"""A ``types`` object, validated once and compiled: ``encodeType``, ``typeHash``, ``encodeData``, ``hashStruct``.

Compile once, encode many (ethers' ``TypedDataEncoder`` habit): a :class:`Schema` is built from a
``types`` object once — the type graph is validated then (unknown types, bad names, duplicate
fields, cycles no finite value can satisfy) and each struct is compiled into a
:class:`StructCodec`: its type hash bound in, one encoder closure per field, one ``b"".join`` and one
keccak per value. This is the only code in the kit that turns values into words: JSON documents
(:class:`~eip712kit.core.typed_data.TypedData`) and declared protocol structs
(:class:`~eip712kit.protocols.struct.Struct`) both hash through it.

Schemas are cached by the shape of ``types`` (:func:`compile_types`), so a second document of the
same types does no parsing of type strings at all.

A struct value may not be ``null`` and may not omit or add fields (MetaMask encodes a missing struct
as 32 zero bytes and ignores extra fields; silently signing something other than what the caller
wrote is the mistake this kit exists to prevent).
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

from ..base.caches import BoundedCache
from ..base.errors import DocumentError, Eip712KitError, TypeDefinitionError, ValueEncodingError
from ..base.hashing import keccak256
from ..base.limits import DEFAULT_LIMITS, Limits
from .atomic import Encoder, Reader, atomic_encoder, atomic_json, atomic_reader, is_atomic, near_miss, parse_field_type
from .type_graph import Fields, check_encodable, normalise_types

EMPTY_ARRAY_HASH = keccak256(b"")

if sys.version_info >= (3, 11):
    _call = operator.call
else:  # pragma: no cover - Python 3.10
    def _call(function: Callable[[Any], bytes], value: Any) -> bytes:
        return function(value)



# --- one compiled struct --------------------------------------------------------------------------

class StructCodec:
    """One struct of a schema, compiled: its fields, ``typeHash`` and one encoder per field.

    Values travel as a tuple in field order (``values_of(record)`` takes them out of a dict in one C
    call); ``encode_values`` is ``encodeData`` and ``hash_values`` is ``hashStruct``. Which field
    failed is worked out only after something did (:meth:`field_error`), so the success path
    carries no bookkeeping.
    """

    __slots__ = ("encoders", "fields", "hash_values", "leaf", "name", "names", "type_hash", "values_of")

    def __init__(self, name: str, fields: Fields, type_hash: bytes, encoders: tuple[Encoder, ...]):
        self.name = name
        self.fields = fields
        self.names = tuple(n for n, _ in fields)
        self.type_hash = type_hash
        self.encoders = encoders
        self.values_of: Callable[[Mapping[str, Any]], tuple[Any, ...]] = _getter(self.names)
        self.leaf = all(is_atomic(parse_field_type(t)[0]) for _, t in fields)
        """Whether every field is atomic (or an array of atomic values): no value can recurse."""
        self.hash_values: Callable[[Sequence[Any]], bytes] = _compile_hash_values(encoders, type_hash, self.leaf)

    def encode_values(self, values: Sequence[Any]) -> bytes:
        """``encodeData``: ``typeHash ‖ enc(value₁) ‖ … ‖ enc(valueₙ)``."""
        try:
            words = [encode(value) for encode, value in zip(self.encoders, values, strict=True)]
            return b"".join([self.type_hash, *words])
        except Eip712KitError:
            self.field_error(values)

    def field_error(self, values: Sequence[Any]) -> NoReturn:
        """Raise the first field's error with its name in the path (after an encoder failed)."""
        index, exc = self.first_error(values)
        raise exc.at(self.names[index]) from None

    def first_error(self, values: Sequence[Any]) -> tuple[int, Eip712KitError]:
        """The index of the first field whose value does not encode, and its error (no path yet)."""
        for index, (encode, value) in enumerate(zip(self.encoders, values, strict=True)):
            try:
                encode(value)
            except Eip712KitError as exc:
                return index, exc
        raise AssertionError(f"a field of {self.name} failed to encode and then passed")  # pragma: no cover


def _getter(keys: tuple[Any, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """``record -> (record[key₁], …)`` as one C call; itemgetter returns a bare value for one key."""
    if len(keys) > 1:
        return operator.itemgetter(*keys)
    if keys:
        only = keys[0]
        return lambda record: (record[only],)
    return lambda record: ()


def _compile_hash_values(encoders: tuple[Encoder, ...], type_hash: bytes,
                         leaf: bool) -> Callable[[Sequence[Any]], bytes]:
    """``hashStruct`` of values in field order: one keccak over the type hash and each field's word.

    A leaf struct (atomic fields only) calls its encoders from one C-level ``map``, the cheapest
    loop. A struct that refers to structs iterates in Python instead: a value can nest as deep as
    the caller built it, and Python-to-Python calls keep that recursion off the C stack, so the
    interpreter's recursion limit ends it (LIMIT_EXCEEDED) rather than a stack overflow.
    """
    join = b"".join
    if leaf:

        def hash_leaf(values: Sequence[Any]) -> bytes:
            return keccak256(join((type_hash, *map(_call, encoders, values))))

        return hash_leaf

    def hash_nested(values: Sequence[Any]) -> bytes:
        return keccak256(join([type_hash, *[encode(value) for encode, value in zip(encoders, values, strict=True)]]))

    return hash_nested


# --- the schema ---------------------------------------------------------------------------------

class Schema:
    """A validated, compiled ``types`` object.

    Holds the type graph as ``{struct: ((field, type), ...)}`` and one :class:`StructCodec` per
    struct. Build it with :func:`compile_types` to share the cache; constructing it directly always
    compiles.
    """

    def __init__(self, types: Any, *, limits: Limits = DEFAULT_LIMITS):
        self.types: dict[str, Fields] = normalise_types(types, limits)
        self._deps: dict[str, set[str]] = {
            name: {parse_field_type(t)[0] for _, t in fields} & self.types.keys()
            for name, fields in self.types.items()
        }
        check_encodable(self.types)
        self._limits = limits
        self._encode_type: dict[str, str] = {}
        self._field_encoders: BoundedCache[str, Encoder] = BoundedCache(1024)
        self._codecs: dict[str, StructCodec] = {}
        self._hashers: dict[str, Encoder] = {}
        for name, fields in self.types.items():
            type_hash = keccak256(self.encode_type(name).encode("utf-8"))
            self._codecs[name] = StructCodec(name, fields, type_hash, tuple(self._field_encoder(t) for _, t in fields))
        for name in self.types:
            self._hashers[name] = self._compile_hasher(self._codecs[name])
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
        return self.codec(name).type_hash

    def encode_data(self, name: str, value: Any) -> bytes:
        """``encodeData``: ``typeHash ‖ enc(field₁) ‖ … ‖ enc(fieldₙ)``, one 32-byte word each."""
        codec = self.codec(name)
        record = _check_record(value, codec.fields)
        return codec.encode_values(codec.values_of(record))

    def hash_struct(self, name: str, value: Any) -> bytes:
        """``hashStruct = keccak256(encodeData(name, value))``, through the compiled hasher."""
        hasher = self._hashers.get(name)
        if hasher is None:
            self._require(name)
        return hasher(value)  # type: ignore[misc]

    def encode_field(self, type_text: str, value: Any) -> bytes:
        """The 32-byte word of one value of any field type (atomic, struct or array)."""
        return self._field_encoder(type_text)(value)

    def codec(self, name: str) -> StructCodec:
        """The compiled struct ``name`` (UNKNOWN_TYPE when types does not define it)."""
        codec = self._codecs.get(name)
        if codec is None:
            self._require(name)
        return codec  # type: ignore[return-value]

    def reader(self, type_text: str) -> Reader:
        """Canonical Python value of an accepted value of ``type_text``: ints, EIP-55 addresses,
        bytes, and tuples for arrays (immutable, so a hashed value cannot change under its hash)."""
        return self._value_function(type_text, atomic_reader, tuple)

    def json_writer(self, type_text: str) -> Reader:
        """Canonical JSON value: like :meth:`reader`, with 0x-hex bytes, big integers as decimal
        strings and lists for arrays."""
        return self._value_function(type_text, atomic_json, list)

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
                f"{name!r} is not a struct defined in types (defined: {', '.join(sorted(self.types)) or 'none'})"
                + near_miss(name),
                code="UNKNOWN_TYPE",
            )

    def _signature(self, name: str) -> str:
        return f"{name}({','.join(f'{t} {n}' for n, t in self.types[name])})"

    def _compile_hasher(self, codec: StructCodec) -> Encoder:
        """``hashStruct`` of a JSON object: the shape checked by its size, the values by the codec."""
        fields, count = codec.fields, len(codec.fields)
        values_of, hash_values = codec.values_of, codec.hash_values

        def hash_struct(value: Any) -> bytes:
            if type(value) is not dict:
                value = _as_record(value)
            if len(value) != count:
                _check_record(value, fields)
            try:
                return hash_values(values_of(value))
            except KeyError:  # same size, other keys: the shape check names the field
                _check_record(value, fields)
                raise AssertionError("unreachable: a field was missing and then present") from None  # pragma: no cover
            except Eip712KitError:
                pass
            codec.field_error(values_of(value))

        return hash_struct

    def _field_encoder(self, type_text: str) -> Encoder:
        """The encoder of a field type, compiled once per schema and type text."""
        encoder = self._field_encoders.get(type_text)
        if encoder is not None:
            return encoder
        base, dims = parse_field_type(type_text)
        encoder = atomic_encoder(base, self._limits)
        if encoder is None:
            if base not in self.types:
                raise TypeDefinitionError(
                    f"type {base!r} is neither atomic nor defined in types{near_miss(base)}", code="UNKNOWN_TYPE"
                )
            hashers = self._hashers
            struct_name = base

            def encoder(value: Any) -> bytes:
                # Looked up at call time: a struct may refer to itself or to a later one.
                return hashers[struct_name](value)

        for size in dims:
            encoder = array_encoder(encoder, size, self._limits.max_array_length, leaf=is_atomic(base))
        return self._field_encoders.put(type_text, encoder)

    def _value_function(self, type_text: str, atomic: Callable[[str], Reader],
                        sequence: Callable[[Any], Any]) -> Reader:
        base, dims = parse_field_type(type_text)
        read: Reader
        if is_atomic(base):
            read = atomic(base)
        else:
            fields = self.codec(base).fields

            def read(value: Any) -> Any:
                functions = [(n, self._value_function(t, atomic, sequence)) for n, t in fields]
                return {n: f(value[n]) for n, f in functions}

        for _ in dims:
            read = _each(read, sequence)
        return read


def _each(read: Reader, sequence: Callable[[Any], Any]) -> Reader:
    return lambda value: sequence(read(item) for item in value)


def array_encoder(inner: Encoder, size: int | None, max_length: int, *, leaf: bool = False) -> Encoder:
    """``T[]`` / ``T[N]``: keccak256 of the elements' words (checked for shape, length and limit).

    ``leaf`` says the elements hold no struct, so they cannot recurse and may be encoded from a
    C-level ``map`` (see :func:`_compile_hash_values` for why structs iterate in Python).
    """
    join = b"".join

    def encode_array(value: Any) -> bytes:
        if type(value) is not list and not isinstance(value, (list, tuple)):
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
        try:
            return keccak256(join(map(inner, value) if leaf else [inner(item) for item in value]))
        except Eip712KitError:
            pass
        for index, item in enumerate(value):  # the error path: name the element at fault
            try:
                inner(item)
            except Eip712KitError as exc:
                raise exc.at(index) from None
        raise AssertionError("unreachable: an element failed and then passed")  # pragma: no cover

    return encode_array


# --- shape checks ---------------------------------------------------------------------------------

def _as_record(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    raise ValueEncodingError(
        f"expected a JSON object for this struct, got {'null' if value is None else type(value).__name__}",
        code="INVALID_STRUCT",
    )


def _check_record(value: Any, fields: Fields) -> dict[str, Any]:
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


# --- the schema cache -----------------------------------------------------------------------------

_SCHEMAS: BoundedCache[tuple[str, ...], list[Schema]] = BoundedCache(256)
_BUCKET_SIZE = 8


def compile_types(types: Any, *, limits: Limits = DEFAULT_LIMITS) -> Schema:
    """The compiled :class:`Schema` of a ``types`` object, from the cache when seen before.

    Documents arrive freshly parsed, so the cache cannot key on identity. It buckets schemas by
    their struct names (cheap to hash) and confirms a hit by comparing the caller's ``types`` with
    the schema's private copy — a comparison CPython does in C, faster than building any key.
    """
    if limits is not DEFAULT_LIMITS or type(types) is not dict:
        return Schema(types, limits=limits)
    names = tuple(types)
    bucket = _SCHEMAS.get(names)
    if bucket is not None:
        for schema in bucket:
            if schema.source == types:
                return schema
    schema = Schema(types, limits=limits)
    if bucket is None:
        bucket = _SCHEMAS.put(names, [])
    if len(bucket) >= _BUCKET_SIZE:
        bucket.pop()
    bucket.insert(0, schema)
    return schema


__all__ = [
    "EMPTY_ARRAY_HASH",
    "Schema",
    "StructCodec",
    "array_encoder",
    "compile_types",
]
