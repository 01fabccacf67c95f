"""A ``types`` object, validated once and compiled: ``encodeType``, ``typeHash``, ``encodeData``, ``hashStruct``.

Compile once, encode many (ethers' ``TypedDataEncoder`` habit): a :class:`Schema` is built from a
``types`` object once — the type graph is validated then (unknown types, bad names, duplicate
fields, cycles no finite value can satisfy) and each struct is compiled into a
:class:`StructCodec`: its type hash bound in, one encoder closure per field, one ``b"".join`` and one
keccak per value. This is the only code in the kit that turns values into words: JSON documents
(:class:`~eip712kit.core.typed_data.TypedData`) and declared protocol structs
(:class:`~eip712kit.protocols.struct.Struct`) both hash through it.

Each field type is parsed once, when the schema is built, into a
:class:`~eip712kit.core.field_types.FieldType` (:meth:`Schema.field_type`, :meth:`Schema.struct_fields`);
schemas are cached by the shape of ``types`` (:func:`compile_types`), so a second document of the
same types does no parsing of type strings at all.

``hashStruct``'s formula is written here once (:func:`hash_struct_words`, with
:func:`hash_array_words` for an array's word); every walk that hashes — the trace, the doctor's word
tree and its variants — composes words through them, and the compiled hashers below are the same
formula unrolled for speed (``tests/test_fast_paths.py`` holds the two equal).

A struct value may not be ``null`` and may not omit or add fields (MetaMask encodes a missing struct
as 32 zero bytes and ignores extra fields; silently signing something other than what the caller
wrote is the mistake this kit exists to prevent).
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NoReturn

from ..base.caches import BoundedCache
from ..base.errors import DocumentError, Eip712KitError, TypeDefinitionError, ValueEncodingError
from ..base.hashing import keccak256
from ..base.limits import DEFAULT_LIMITS, Limits, nests_deeper
from .encoders import Encoder, JsonWriter, Reader, atomic_json_writer, atomic_reader, near_miss
from .field_types import Field, FieldType, fold_type, resolve_field_type
from .type_graph import Fields, normalise_types, require_encodable, resolve_types

EMPTY_ARRAY_HASH = keccak256(b"")
"""The word of an empty array: keccak256 of no words."""

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

    __slots__ = ("encoders", "field_types", "fields", "hash_values", "leaf", "name", "names", "type_hash",
                 "values_of")

    def __init__(self, name: str, fields: tuple[Field, ...], type_hash: bytes, encoders: tuple[Encoder, ...]):
        self.name = name
        self.fields: Fields = tuple((f.name, f.type.text) for f in fields)
        self.field_types = fields
        """The fields with their parsed types (:class:`~eip712kit.core.field_types.Field`)."""
        self.names = tuple(f.name for f in fields)
        self.type_hash = type_hash
        self.encoders = encoders
        self.values_of: Callable[[Mapping[str, Any]], tuple[Any, ...]] = _getter(self.names)
        self.leaf = all(f.type.struct is None for f in fields)
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


def type_hash_of(encode_type: str) -> bytes:
    """``typeHash = keccak256(encodeType)``: of the schema's own encodeType, or of one a variant rewrote."""
    return keccak256(encode_type.encode("utf-8"))


def hash_struct_words(type_hash: bytes, words: Iterable[bytes]) -> bytes:
    """``hashStruct`` from its parts: ``keccak256(typeHash ‖ enc(value₁) ‖ … ‖ enc(valueₙ))``.

    The formula, written once for every walk that composes words itself (the trace, the doctor's
    word tree, a variant that encodes a field otherwise); the compiled hashers unroll it.
    """
    return keccak256(type_hash + b"".join(words))


def hash_array_words(words: Iterable[bytes]) -> bytes:
    """An array's word: ``keccak256(enc(item₁) ‖ … ‖ enc(itemₙ))`` (:data:`EMPTY_ARRAY_HASH` when empty)."""
    return keccak256(b"".join(words))


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
        self._struct_fields = resolve_types(self.types, limits)
        self._deps: dict[str, set[str]] = {
            name: {f.type.struct for f in fields if f.type.struct is not None}
            for name, fields in self._struct_fields.items()
        }
        require_encodable(self._struct_fields)
        self._limits = limits
        self._encode_type: dict[str, str] = {}
        self._field_types: BoundedCache[str, FieldType] = BoundedCache(1024)
        self._field_encoders: BoundedCache[str, Encoder] = BoundedCache(1024)
        self._codecs: dict[str, StructCodec] = {}
        self._hashers: dict[str, Encoder] = {}
        for name, fields in self._struct_fields.items():
            type_hash = type_hash_of(self.encode_type(name))
            for f in fields:
                self._field_types.put(f.type.text, f.type)
            encoders = tuple(self._field_encoder(f.type.text) for f in fields)
            self._codecs[name] = StructCodec(name, fields, type_hash, encoders)
        for name in self.types:
            self._hashers[name] = self._compile_hasher(self._codecs[name])
        self._levels = _levels(self._struct_fields, self._deps)
        # Structs whose values may nest past the limit, once: hash_struct asks on every call.
        self._deep = frozenset(name for name in self.types if self._nests_past_limit(self.field_type(name)))
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
        if name in self._deep:
            self._require_depth(value)
        record = _check_record(value, codec.fields)
        return codec.encode_values(codec.values_of(record))

    def hash_struct(self, name: str, value: Any) -> bytes:
        """``hashStruct = keccak256(encodeData(name, value))``, through the compiled hasher."""
        hasher = self._hashers.get(name)
        if hasher is None:
            self._require(name)
        if name in self._deep:
            self._require_depth(value)
        return hasher(value)  # type: ignore[misc]

    def encode_field(self, type_text: str, value: Any) -> bytes:
        """The 32-byte word of one value of any field type (atomic, struct or array)."""
        encoder = self._field_encoder(type_text)
        if self._nests_past_limit(self.field_type(type_text)):
            self._require_depth(value)
        return encoder(value)

    def require_depth(self, type_: FieldType | str, value: Any) -> None:
        """Refuse (LIMIT_EXCEEDED) a value nested deeper than ``Limits.max_depth``, if values of this type can be.

        The encoders and walks recurse as the value nests; JSON text is measured before it is
        parsed, a program's own values here (see :func:`~eip712kit.base.limits.nests_deeper` for why
        the recursion limit is no bound). Types that cannot nest past the limit cost nothing.
        """
        if self._nests_past_limit(self.field_type(type_) if isinstance(type_, str) else type_):
            self._require_depth(value)

    def _nests_past_limit(self, type_: FieldType) -> bool:
        """Whether a value of ``type_`` can hold more levels of objects and arrays than ``Limits.max_depth``."""
        return len(type_.dims) + (self._levels[type_.struct] if type_.struct else 0) > self._limits.max_depth

    def codec(self, name: str) -> StructCodec:
        """The compiled struct ``name`` (UNKNOWN_TYPE when types does not define it)."""
        codec = self._codecs.get(name)
        if codec is None:
            self._require(name)
        return codec  # type: ignore[return-value]

    def field_type(self, type_text: str) -> FieldType:
        """``type_text`` parsed and resolved against this schema's structs, once per text.

        Any type text may be asked (``uint128[]`` that no field declares); UNKNOWN_TYPE when its name
        is neither atomic nor a struct of this schema.
        """
        type_ = self._field_types.get(type_text)
        if type_ is None:
            type_ = self._field_types.put(type_text, resolve_field_type(type_text, self.types, self._limits))
        return type_

    def struct_fields(self, name: str) -> tuple[Field, ...]:
        """The struct's fields with their parsed types, in declared order (UNKNOWN_TYPE when not defined)."""
        fields = self._struct_fields.get(name)
        if fields is None:
            self._require(name)
        return fields  # type: ignore[return-value]

    def reader(self, type_text: str) -> Reader:
        """Canonical Python value of an accepted value of ``type_text``: ints, EIP-55 addresses,
        bytes, and tuples for arrays (immutable, so a hashed value cannot change under its hash)."""
        return self._value_function(self.field_type(type_text), atomic_reader, tuple)

    def json_writer(self, type_text: str) -> JsonWriter:
        """Canonical JSON value: like :meth:`reader`, with 0x-hex bytes, big integers as decimal
        strings and lists for arrays."""
        return self._value_function(self.field_type(type_text), atomic_json_writer, list)

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

    def _require_depth(self, value: Any) -> None:
        if nests_deeper(value, self._limits.max_depth):
            raise DocumentError(f"the value nests deeper than {self._limits.max_depth} levels of objects and "
                                "arrays (Limits.max_depth)", code="LIMIT_EXCEEDED")

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
        """The encoder of a field type, compiled once per schema and type text (a fold over its type)."""
        encoder = self._field_encoders.get(type_text)
        if encoder is not None:
            return encoder
        max_length = self._limits.max_array_length
        encoder = fold_type(
            self.field_type(type_text),
            atomic=_atomic_encoder,
            struct=self._struct_encoder,
            array=lambda type_, inner: array_encoder(inner, type_.length, max_length, leaf=type_.struct is None),
        )
        return self._field_encoders.put(type_text, encoder)

    def _struct_encoder(self, type_: FieldType) -> Encoder:
        hashers = self._hashers
        struct_name = type_.base

        def encode_struct(value: Any) -> bytes:
            # Looked up at call time: a struct may refer to itself or to a later one.
            return hashers[struct_name](value)

        return encode_struct

    def _value_function(self, type_: FieldType, atomic: Callable[[str], Reader],
                        sequence: Callable[[Any], Any]) -> Reader:
        """A reader (or JSON writer) of ``type_``: a fold over the type, struct fields reached when first read."""

        def struct(struct_type: FieldType) -> Reader:
            functions: list[tuple[str, Reader]] = []

            def read(value: Any) -> Any:
                if not functions:  # built on first use: a struct may refer to itself
                    functions.extend((f.name, self._value_function(f.type, atomic, sequence))
                                     for f in self.struct_fields(struct_type.base))
                return {n: f(value[n]) for n, f in functions}

            return read

        return fold_type(type_, atomic=lambda t: atomic(t.base), struct=struct,
                         array=lambda _t, read: _each(read, sequence))


def _atomic_encoder(type_: FieldType) -> Encoder:
    assert type_.encoder is not None  # every atomic FieldType is resolved with its encoder
    return type_.encoder


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


def _levels(struct_fields: Mapping[str, tuple[Field, ...]], deps: Mapping[str, set[str]]) -> dict[str, float]:
    """How many levels of objects and arrays a value of each struct can hold: the struct's object, then per
    field its array dimensions and the levels of its struct; ``inf`` for a struct that is, or reaches, a
    recursive one. Dependencies (``deps``: the structs each one's fields name) first, in Kahn's order, so no
    recursion over the type graph."""
    waiting = {name: set(names) for name, names in deps.items()}
    users: dict[str, list[str]] = {name: [] for name in struct_fields}
    for name, names in waiting.items():
        for dep in names:
            users[dep].append(name)
    ready = [name for name, names in waiting.items() if not names]
    levels: dict[str, float] = {}
    while ready:
        name = ready.pop()
        levels[name] = 1 + max((len(f.type.dims) + (levels[f.type.struct] if f.type.struct else 0)
                                for f in struct_fields[name]), default=0)
        for user in users[name]:
            waiting[user].discard(name)
            if not waiting[user]:
                ready.append(user)
    return {name: levels.get(name, float("inf")) for name in struct_fields}


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
    "hash_array_words",
    "hash_struct_words",
    "type_hash_of",
]
