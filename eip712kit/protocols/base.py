"""The one base every protocol struct is declared on, the EIP-712 domain value, and request shapes.

A protocol struct is a few declarative lines::

    class CancelOrder(Struct):
        fields = (("owner", "address"), ("orderId", "uint256"))

The class is compiled once, when it is defined: its field types go through the core's
:func:`~eip712kit.typed_data.compile_types` (so a typo in a type fails at import, with the core's
error), ``encodeType`` and ``typeHash`` are computed and kept, and one word encoder per field is
built from the core's strict encoders (:mod:`eip712kit.encoding`) and limits. An instance
validates its values once, at construction, into their 32-byte words and its ``hashStruct``;
after that a digest is one keccak over the cached domain separator, and no JSON document is ever
built on that path. Field values are read back from the words (and the caller's input) only when
asked for.
:meth:`Struct.to_typed_data` gives the standard document for everything else (the CLI, vectors,
other wallets), and the tests hold both paths to the same digest, and to eth-account's.

Structs here hold EIP-712 values only: the protocols' *rules* (sides, windows, actions) live in
the protocol modules' builders, so a struct can also express a value a server should refuse —
which is what a negative conformance vector needs.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, TypeVar

from .. import encoding
from ..api import Verification, verify_digest
from ..errors import (
    DocumentError,
    Eip712KitError,
    KeySourceError,
    ProtocolError,
    TypeDefinitionError,
    ValueEncodingError,
)
from ..hashing import keccak256
from ..keys import PrivateKey, as_private_key
from ..limits import DEFAULT_LIMITS
from ..signature import Signature, recover_digest, sign_digest
from ..typed_data import (
    DOMAIN_FIELD_TYPES,
    array_encoder,
    compile_types,
    derived_domain_type,
    domain_separator,
    is_atomic,
    parse_field_type,
)

MAX_SAFE_JSON_INT = 2**53 - 1
"""Largest integer a JavaScript client reads from JSON without losing digits; larger ones travel as strings."""


def json_int(value: int) -> int | str:
    """An int as JSON carries it safely: a number up to 2**53-1 in magnitude, a decimal string beyond."""
    return value if -MAX_SAFE_JSON_INT <= value <= MAX_SAFE_JSON_INT else str(value)


# --- the domain -------------------------------------------------------------------------------

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
    _prefix: bytes = field(init=False, repr=False, compare=False)  # 0x1901 ‖ separator

    def __post_init__(self) -> None:
        def fail(exc: Eip712KitError, key: str) -> Eip712KitError:
            return exc.at(key).at("domain")

        for key in ("name", "version"):
            value = getattr(self, key)
            if value is not None:
                try:
                    encoding.string_bytes(value)
                except Eip712KitError as exc:
                    raise fail(exc, key) from None
        if self.chain_id is not None:
            try:
                chain_id = encoding.parse_int(self.chain_id)
                encoding.uint_word(chain_id, 256)
            except Eip712KitError as exc:
                raise fail(exc, "chainId") from None
            object.__setattr__(self, "chain_id", chain_id)
        if self.verifying_contract is not None:
            try:
                raw = encoding.parse_address(self.verifying_contract)
            except Eip712KitError as exc:
                raise fail(exc, "verifyingContract") from None
            object.__setattr__(self, "verifying_contract", encoding.to_checksum_address(raw))
        if self.salt is not None:
            try:
                salt = encoding.parse_hex_bytes(self.salt)
                encoding.fixed_bytes_word(salt, 32)
            except Eip712KitError as exc:
                raise fail(exc, "salt") from None
            object.__setattr__(self, "salt", salt)
        object.__setattr__(self, "_separator", domain_separator(self.to_dict()))
        object.__setattr__(self, "_prefix", b"\x19\x01" + self._separator)

    @classmethod
    def from_dict(cls, domain: Mapping[str, Any]) -> Domain:
        """A Domain from EIP-712 keys (``chainId``, ``verifyingContract``); unknown keys are refused."""
        if not isinstance(domain, Mapping):
            raise ValueEncodingError("domain must be a JSON object", code="INVALID_STRUCT", path="domain")
        derived_domain_type(domain)  # refuses keys outside the five EIP712Domain fields
        return cls(**{attr: domain[key] for key, attr in _DOMAIN_ATTRS if key in domain})

    def to_dict(self) -> dict[str, Any]:
        """The domain as EIP-712 JSON (only the fields present; salt as 0x-hex)."""
        out: dict[str, Any] = {}
        for key, attr in _DOMAIN_ATTRS:
            value = getattr(self, attr)
            if value is None:
                continue
            if key == "chainId":
                value = json_int(value)
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

    def replace(self, **changes: Any) -> Domain:
        return dataclasses.replace(self, **changes)

    def differences(self, other: Domain) -> list[str]:
        """One sentence per field where ``other`` differs from this domain (addresses compared by value)."""
        out = []
        mine, theirs = self.to_dict(), other.to_dict()
        for key, _attr in _DOMAIN_ATTRS:
            if mine.get(key) != theirs.get(key):
                out.append(
                    f"{key}: {_show(theirs.get(key))} differs from the documented {_show(mine.get(key))}"
                )
        return out


def _show(value: Any) -> str:
    return "absent" if value is None else repr(value)


DomainLike = Domain | Mapping[str, Any]


def as_domain(domain: DomainLike) -> Domain:
    """A :class:`Domain` from a Domain or a plain dict with EIP-712 keys."""
    return domain if isinstance(domain, Domain) else Domain.from_dict(domain)


def separator_of(domain: DomainLike) -> bytes:
    """The domain separator of a Domain (precomputed) or a dict (through the core's cache)."""
    if isinstance(domain, Domain):
        return domain._separator
    if not isinstance(domain, Mapping):
        raise ValueEncodingError("domain must be a Domain or a JSON object", code="INVALID_STRUCT", path="domain")
    derived_domain_type(domain)  # refuses keys outside the five EIP712Domain fields
    return domain_separator(domain)


# --- field codecs -----------------------------------------------------------------------------

# A field's codec is three functions. ``encode`` turns a caller's value into its 32-byte word — the
# only one on the hot path, and it applies the core's rules (eip712kit.encoding) and limits.
# ``read(given, word)`` gives the value back as a reader wants it (EIP-55 address, int, tuple) and
# ``to_json(given, word)`` in JSON-safe form; both run only when asked, from the stored input and
# word, so construction does no work for them.
Encode = Callable[[Any], bytes]
Read = Callable[[Any, bytes], Any]

_ADDRESS_PAD = bytes(12)
_MAX_STRING_BYTES = DEFAULT_LIMITS.max_string_bytes
_MAX_ARRAY_LENGTH = DEFAULT_LIMITS.max_array_length

# Orders repeat the same few addresses (user, tokens, zero recipient): remember each validated
# string's word. Bounded, so hostile input cannot grow it.
_ADDRESS_WORDS: dict[str, bytes] = {}
_ADDRESS_WORDS_MAX = 4096


def _address_encode(value: Any) -> bytes:
    if type(value) is str:
        word = _ADDRESS_WORDS.get(value)
        if word is not None:
            return word
    word = _ADDRESS_PAD + encoding.parse_address(value)  # the core's rules (form, checksum) decide
    if len(_ADDRESS_WORDS) >= _ADDRESS_WORDS_MAX:
        _ADDRESS_WORDS.clear()
    _ADDRESS_WORDS[value] = word
    return word


Builder = Callable[[dict[str, Any]], tuple[list[Any], bytes]]


def _compile_builder(fields: tuple[tuple[str, str], ...], encoders: tuple[Encode, ...], type_hash: bytes) -> Builder:
    """One straight-line function per struct: read every field, encode it, join the words.

    Generated once per class because a Python call per field is most of a struct's construction
    cost: uintN fields with an int, and addresses already seen, are encoded inline; every other
    value goes through the field's encoder (which applies the core's rules and raises). The source
    holds only indices and names bound here — never a field name or any other declared text.
    """
    namespace: dict[str, Any] = {"A": _ADDRESS_WORDS, "H": type_hash, "join": b"".join}
    lines = ["def build(values):"]
    for index, (field_name, field_type) in enumerate(fields):
        namespace[f"n{index}"] = field_name
        namespace[f"e{index}"] = encoders[index]
        lines.append(f"    g{index} = values[n{index}]")
        if field_type.startswith("uint") and "[" not in field_type:
            namespace[f"L{index}"] = 1 << int(field_type[4:])
            lines.append(f"    if type(g{index}) is int and 0 <= g{index} < L{index}:")
            lines.append(f"        w{index} = g{index}.to_bytes(32, 'big')")
            lines.append("    else:")
            lines.append(f"        w{index} = e{index}(g{index})")
        elif field_type == "address":
            lines.append(f"    w{index} = A.get(g{index}) if type(g{index}) is str else None")
            lines.append(f"    if w{index} is None:")
            lines.append(f"        w{index} = e{index}(g{index})")
        else:
            lines.append(f"    w{index} = e{index}(g{index})")
    given = ", ".join(f"g{i}" for i in range(len(fields)))
    words = ", ".join(["H", *(f"w{i}" for i in range(len(fields)))])
    lines.append(f"    return [{given}], join(({words},))")
    exec("\n".join(lines), namespace)  # generated from indices only, see above
    return namespace["build"]  # type: ignore[no-any-return]


def _address_read(_given: Any, word: bytes) -> str:
    return encoding.to_checksum_address(word[12:])


def _too_long(what: str) -> DocumentError:
    return DocumentError(f"this {what} value is over the limit of {_MAX_STRING_BYTES} bytes", code="LIMIT_EXCEEDED")


def _string_encode(value: Any) -> bytes:
    if type(value) is str and len(value) > _MAX_STRING_BYTES:  # at least that many UTF-8 bytes
        raise _too_long("string")
    raw = encoding.string_bytes(value)
    if len(raw) > _MAX_STRING_BYTES:
        raise _too_long("string")
    return keccak256(raw)


def _bytes_encode(value: Any) -> bytes:
    if isinstance(value, str) and len(value) > 2 * _MAX_STRING_BYTES + 2:
        raise _too_long("bytes")
    raw = encoding.parse_hex_bytes(value)
    if len(raw) > _MAX_STRING_BYTES:
        raise _too_long("bytes")
    return keccak256(raw)


def _bytes_read(given: Any, _word: bytes) -> bytes:
    return encoding.parse_hex_bytes(given)


def _hex_json(read: Read) -> Read:
    return lambda given, word: "0x" + read(given, word).hex()


def _given(given: Any, _word: bytes) -> Any:
    return given


def _uint_encoder(bits: int) -> Encode:
    limit = 1 << bits

    def encode(value: Any) -> bytes:
        # The common spellings (an int, a plain decimal string) inline; every other spelling and
        # every error through the core's uint_word.
        kind = type(value)
        if kind is int:
            if 0 <= value < limit:
                return value.to_bytes(32, "big")  # type: ignore[no-any-return]
        elif kind is str and len(value) <= 78 and value.isascii() and value.isdigit():
            number = int(value)
            if number < limit:
                return number.to_bytes(32, "big")
        return encoding.uint_word(value, bits)

    return encode


def _uint_read(_given: Any, word: bytes) -> int:
    return int.from_bytes(word, "big")


def _int_encoder(bits: int) -> Encode:
    low, high = -(1 << (bits - 1)), 1 << (bits - 1)

    def encode(value: Any) -> bytes:
        if type(value) is int and low <= value < high:
            return value.to_bytes(32, "big", signed=True)
        return encoding.int_word(value, bits)

    return encode


def _int_read(_given: Any, word: bytes) -> int:
    return int.from_bytes(word, "big", signed=True)


def _int_json(read: Read) -> Read:
    return lambda given, word: json_int(read(given, word))


def _fixed_bytes_codec(size: int) -> tuple[Encode, Read]:
    def encode(value: Any) -> bytes:
        return encoding.fixed_bytes_word(value, size)

    def read(_given: Any, word: bytes) -> bytes:
        return word[:size]

    return encode, read


def _array_codec(inner: Encode, inner_read: Read, inner_json: Read, size: int | None) -> tuple[Encode, Read, Read]:
    encode = array_encoder(inner, size, _MAX_ARRAY_LENGTH)  # the core's, so both paths agree

    def read(given: Any, _word: bytes) -> tuple[Any, ...]:
        return tuple(inner_read(item, inner(item)) for item in given)

    def to_json(given: Any, _word: bytes) -> list[Any]:
        return [inner_json(item, inner(item)) for item in given]

    return encode, read, to_json


def _frozen(value: Any) -> Any:
    """Arrays as nested tuples and bytes as bytes, so a caller mutating theirs cannot change a hashed struct."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return value


def field_codec(type_text: str) -> tuple[Encode, Read, Read]:
    """``(encode, read, to_json)`` for one field type: atomic types and arrays of them."""
    base, dims = parse_field_type(type_text)
    encode: Encode
    read: Read = _given
    to_json: Read = _given
    if base == "address":
        encode, read, to_json = _address_encode, _address_read, _address_read
    elif base == "string":
        encode = _string_encode
    elif base == "bool":
        encode = encoding.bool_word
    elif base == "bytes":
        encode, read = _bytes_encode, _bytes_read
        to_json = _hex_json(read)
    else:
        match = re.fullmatch(r"(u?int|bytes)([0-9]+)", base)
        if not match or not is_atomic(base):
            raise TypeDefinitionError(
                f"{type_text!r}: a declared protocol struct holds atomic types and arrays of them, "
                "not nested structs",
                code="UNKNOWN_TYPE",
            )
        kind, width = match.group(1), int(match.group(2))
        if kind == "uint":
            encode, read = _uint_encoder(width), _uint_read
            to_json = _int_json(read)
        elif kind == "int":
            encode, read = _int_encoder(width), _int_read
            to_json = _int_json(read)
        else:
            encode, read = _fixed_bytes_codec(width)
            to_json = _hex_json(read)
    for size in dims:
        encode, read, to_json = _array_codec(encode, read, to_json, size)
    return encode, read, to_json


# --- the declared struct ----------------------------------------------------------------------

_S = TypeVar("_S", bound="Struct")
_P = TypeVar("_P", bound="Prepared")


class _StructMeta(type):
    """Gives every struct class ``__slots__ = ()`` and compiles its declaration once."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> _StructMeta:
        namespace.setdefault("__slots__", ())
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        if "fields" in namespace:
            cls._compile()  # type: ignore[attr-defined]
        return cls


class Struct(metaclass=_StructMeta):
    """Base of the declared protocol structs (see the module docstring).

    Construct with keyword arguments named as the EIP-712 fields; every value is validated with
    the core's rules, and an error names its path (``message.fromAmount``). Field values read back
    as attributes (addresses in EIP-55 form).
    """

    __slots__ = ("_data", "_given", "_hash")

    fields: ClassVar[tuple[tuple[str, str], ...]]
    """``((field name, EIP-712 type), ...)`` in the documented order — the order is part of the hash."""
    primary_type: ClassVar[str]
    """The struct's EIP-712 name; the class name unless the class sets it."""

    _names: ClassVar[tuple[str, ...]]
    _encoders: ClassVar[tuple[tuple[str, Encode], ...]]
    _encode_fns: ClassVar[tuple[Encode, ...]]
    _reads: ClassVar[tuple[Read, ...]]
    _jsons: ClassVar[tuple[Read, ...]]
    _to_freeze: ClassVar[tuple[int, ...]]
    _plan: ClassVar[tuple[tuple[str, ...], Builder, tuple[int, ...]]]
    """What construction needs, fetched in one attribute lookup."""
    _encode_type: ClassVar[str]
    _type_hash: ClassVar[bytes]
    _types_json: ClassVar[list[dict[str, str]]]

    _given: tuple[Any, ...]
    """The caller's values (arrays and bytes frozen); read back through each field's codec."""
    _data: bytes
    """``encodeData``: the type hash and one 32-byte word per field."""
    _hash: bytes

    @classmethod
    def _compile(cls) -> None:
        name = cls.__dict__.get("primary_type", cls.__name__)
        cls.primary_type = name
        types_json = [{"name": n, "type": t} for n, t in cls.fields]
        try:
            schema = compile_types({name: types_json})
        except Eip712KitError as exc:
            raise TypeDefinitionError(f"struct {name} is declared wrongly: {exc}", code=exc.code) from None
        cls._encode_type = schema.encode_type(name)
        cls._type_hash = schema.type_hash(name)
        cls._types_json = types_json
        cls._names = tuple(n for n, _ in cls.fields)
        codecs = [field_codec(t) for _, t in cls.fields]
        cls._encoders = tuple(zip(cls._names, (c[0] for c in codecs), strict=True))
        cls._encode_fns = tuple(c[0] for c in codecs)
        cls._reads = tuple(c[1] for c in codecs)
        cls._jsons = tuple(c[2] for c in codecs)
        cls._to_freeze = tuple(i for i, (_, t) in enumerate(cls.fields) if "[" in t or t.startswith("bytes"))
        cls._plan = (cls._names, _compile_builder(cls.fields, cls._encode_fns, cls._type_hash), cls._to_freeze)
        for index, field_name in enumerate(cls._names):
            if hasattr(Struct, field_name) or field_name.startswith("_"):
                raise TypeDefinitionError(
                    f"field {field_name!r} of {name} would shadow a Struct attribute", code="INVALID_TYPE_NAME"
                )
            setattr(cls, field_name, property(_field_getter(index), doc=f"{field_name} ({cls.fields[index][1]})"))

    # -- the spec's class-level values --

    @classmethod
    def encode_type(cls) -> str:
        """``encodeType``, e.g. ``CancelOrder(address owner,uint256 orderId)``."""
        return cls._encode_type

    @classmethod
    def type_hash(cls) -> bytes:
        """``typeHash = keccak256(encodeType)``, computed once per class."""
        return cls._type_hash

    @classmethod
    def types(cls) -> dict[str, list[dict[str, str]]]:
        """The struct's ``types`` entry (without ``EIP712Domain``)."""
        return {cls.primary_type: [dict(f) for f in cls._types_json]}

    # -- construction --

    def __init__(self, _root: str = "message", /, **values: Any) -> None:
        # The hot path of every struct: two comprehensions, no per-field bookkeeping. Which field
        # failed is worked out only when one did. ``_root`` (positional-only, internal) names the
        # object in error paths; from_message passes it.
        names, build, to_freeze = self._plan
        if len(values) != len(names):
            self._shape_error(values, _root)
        try:
            given, data = build(values)
        except KeyError:
            self._shape_error(values, _root)
        except Eip712KitError:
            self._raise_field_error([values[name] for name in names], _root)
        for index in to_freeze:
            given[index] = _frozen(given[index])
        self._given = tuple(given)
        self._data = data
        self._hash = keccak256(data)

    @classmethod
    def _raise_field_error(cls, given: list[Any], root: str) -> NoReturn:
        for (field_name, encode), value in zip(cls._encoders, given, strict=True):
            try:
                encode(value)
            except Eip712KitError as exc:
                raise cls._explain(field_name, value, exc).at(field_name).at(root) from None
        raise AssertionError("an encoder failed once and not again")  # pragma: no cover

    def _read(self, index: int) -> Any:
        start = 32 * (index + 1)
        return self._reads[index](self._given[index], self._data[start:start + 32])

    @classmethod
    def from_message(cls: type[_S], message: Mapping[str, Any], *, root: str = "message") -> _S:
        """An instance from a ``message`` object keyed by the EIP-712 field names.

        ``root`` names the object in error paths (``message.fromAmount`` by default).
        """
        if not isinstance(message, Mapping):
            raise ValueEncodingError(
                f"a {cls.primary_type} message is a JSON object, not {type(message).__name__}",
                code="INVALID_STRUCT",
                path=root,
            )
        for key in message:
            if type(key) is not str:
                raise ValueEncodingError(f"field names are strings, not {key!r}", code="EXTRA_FIELD",
                                         path=f"{root}.{key}")
        return cls(root, **message)

    @classmethod
    def _shape_error(cls, values: Mapping[str, Any], root: str = "message") -> NoReturn:
        for field_name, field_type in cls.fields:
            if field_name not in values:
                raise ValueEncodingError(
                    f"{cls.primary_type} needs {field_name!r} ({field_type})",
                    code="MISSING_FIELD",
                    path=f"{root}.{field_name}",
                )
        extra = next(str(k) for k in values if k not in cls._names)
        raise ValueEncodingError(
            f"{cls.primary_type} has no field {extra!r} (its fields: {', '.join(cls._names)})",
            code="EXTRA_FIELD",
            path=f"{root}.{extra}",
        )

    @classmethod
    def _explain(cls, field_name: str, value: Any, exc: Eip712KitError) -> Eip712KitError:
        """Hook for a struct to say more about a classic mistake in one field (error path only)."""
        return exc

    def replace(self: _S, **changes: Any) -> _S:
        """A copy with some fields changed (validated like a new instance)."""
        values = dict(zip(self._names, self._values_as_input(), strict=True))
        values.update(changes)
        return type(self)(**values)

    def _values_as_input(self) -> list[Any]:
        return [self._read(i) for i in range(len(self._names))]

    # -- hashing --

    def encode_data(self) -> bytes:
        """``encodeData``: ``typeHash ‖ enc(field₁) ‖ … ‖ enc(fieldₙ)``."""
        return self._data

    def struct_hash(self) -> bytes:
        """``hashStruct = keccak256(encodeData)``, computed at construction."""
        return self._hash

    def digest(self, domain: DomainLike) -> bytes:
        """``keccak256(0x1901 ‖ domainSeparator ‖ hashStruct)``: what a wallet signs."""
        if type(domain) is Domain:
            return keccak256(domain._prefix + self._hash)
        return keccak256(b"\x19\x01" + separator_of(domain) + self._hash)

    # -- JSON --

    def to_message(self) -> dict[str, Any]:
        """The message object, JSON-safe (EIP-55 addresses; ints beyond 2**53-1 as decimal strings)."""
        data, given = self._data, self._given
        return {n: to_json(given[i], data[32 * (i + 1):32 * (i + 2)])
                for i, (n, to_json) in enumerate(zip(self._names, self._jsons, strict=True))}

    def to_typed_data(self, domain: DomainLike) -> dict[str, Any]:
        """The standard ``{types, primaryType, domain, message}`` document, ``EIP712Domain`` included."""
        dom = as_domain(domain)
        return {
            "types": {"EIP712Domain": dom.types(), **self.types()},
            "primaryType": self.primary_type,
            "domain": dom.to_dict(),
            "message": self.to_message(),
        }

    # -- signatures --

    def sign(self, key: PrivateKey | str, domain: DomainLike) -> Signature:
        """Sign the digest (RFC 6979, low-s) with a key or a hex private key."""
        return sign_digest(self.digest(domain), as_private_key(key))

    def recover(self, signature: Any, domain: DomainLike, *, allow_high_s: bool = False) -> str:
        """The EIP-55 address that made ``signature`` over this struct in ``domain``."""
        return recover_digest(self.digest(domain), signature, allow_high_s=allow_high_s)

    def verify(self, signature: Any, address: str, domain: DomainLike) -> Verification:
        """Whether ``address`` made ``signature`` (low-s, non-zero signer); says why not."""
        return verify_digest(self.digest(domain), signature, address)

    # -- value semantics --

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._data == self._data

    def __hash__(self) -> int:
        return hash(self._hash)

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(self._names, self._values_as_input(), strict=True))
        return f"{type(self).__name__}({shown})"

    if TYPE_CHECKING:  # field attributes are generated per class

        def __getattr__(self, name: str) -> Any: ...


def _field_getter(index: int) -> Callable[[Struct], Any]:
    def get(self: Struct) -> Any:
        return self._read(index)

    return get


# --- time -------------------------------------------------------------------------------------

def unix_time(value: Any, field: str) -> int:
    """A non-negative whole number of seconds (int or decimal string), or an error at ``field``."""
    try:
        number = encoding.parse_int(value)
    except Eip712KitError as exc:
        raise exc.at(field) from None
    if number < 0:
        raise ValueEncodingError(f"{field} {number} is negative: times are Unix seconds",
                                 code="INT_OUT_OF_RANGE", path=field)
    return number


def check_timestamp_window(timestamp: Any, server_now: Any, window: int, *, field: str = "timestamp") -> int:
    """``timestamp`` if it is within ``window`` seconds of ``server_now`` either way (inclusive)."""
    signed = unix_time(timestamp, field)
    now = unix_time(server_now, "server_now")
    if abs(signed - now) > window:
        direction = "ahead of" if signed > now else "behind"
        raise ProtocolError(
            f"{field} {signed} is {abs(signed - now)} s {direction} server time {now}; the server accepts "
            f"±{window} s: take the timestamp from the server's clock and sign again",
            code="TIMESTAMP_OUT_OF_WINDOW",
            path=field,
        )
    return signed


# --- requests ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class HttpRequest:
    """An HTTP call as data: method, path under the API's base URL, query parameters, JSON body.

    Builders here only describe requests (no I/O); a client sends them.
    """

    method: str
    path: str
    params: dict[str, str] | None = None
    json: dict[str, Any] | None = None

    def url(self, base_url: str) -> str:
        return base_url.rstrip("/") + self.path

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "path": self.path}
        if self.params is not None:
            out["params"] = dict(self.params)
        if self.json is not None:
            out["json"] = dict(self.json)
        return out


def signature_text(signature: Any) -> str:
    """The 0x + 130 hex form a body carries; a valid hex string is kept exactly as given."""
    parsed = Signature.parse(signature)  # validates; raises SIGNATURE_* codes
    if isinstance(signature, str) and len(signature) == 132:
        return signature
    return parsed.to_hex()


def check_signer(key: PrivateKey | str, signer: str) -> PrivateKey:
    """The loaded key, refused when it does not sign as the address the message names."""
    private_key = as_private_key(key)
    expected = encoding.to_checksum_address(encoding.parse_address(signer))
    if private_key.address != expected:
        raise KeySourceError(
            f"the key signs as {private_key.address} but this message is to be signed by {expected}: "
            "the server would refuse the signature; load that address's key or change the signer",
            code="KEY_MISMATCH",
        )
    return private_key


@dataclass(frozen=True)
class Prepared:
    """A request waiting for (or holding) its signature: the signed struct plus the request around it.

    ``fields`` are the request's fields in documented order, with ``"signature"`` at its place
    (None until signed). ``form`` says whether they travel as a JSON body or as query parameters.
    """

    message: Struct
    signer: str
    method: str
    path: str
    fields: Mapping[str, Any]
    form: str = "json"
    signature: str | None = None

    def digest(self, domain: DomainLike) -> bytes:
        return self.message.digest(domain)

    def to_typed_data(self, domain: DomainLike) -> dict[str, Any]:
        return self.message.to_typed_data(domain)

    def sign(self: _P, key: PrivateKey | str, domain: DomainLike) -> _P:
        """A signed copy; a key that is not the message's signer is refused (KEY_MISMATCH)."""
        private_key = check_signer(key, self.signer)
        return dataclasses.replace(self, signature=self.message.sign(private_key, domain).to_hex())

    def with_signature(self: _P, signature: Any) -> _P:
        """A copy carrying a signature made elsewhere (a wallet, another signer); format-checked."""
        return dataclasses.replace(self, signature=signature_text(signature))

    def verify(self, domain: DomainLike) -> Verification:
        """Whether the held signature is the signer's, over this message in ``domain``."""
        if self.signature is None:
            raise ProtocolError("nothing to verify: the request is not signed yet", code="SIGNATURE_MISSING")
        return self.message.verify(self.signature, self.signer, domain)

    def body(self) -> dict[str, Any]:
        """The request's fields with the signature in place."""
        if self.signature is None:
            raise ProtocolError(
                f"{self.method} {self.path} needs a signature: call sign(key, domain) or with_signature(sig)",
                code="SIGNATURE_MISSING",
            )
        return {k: (self.signature if k == "signature" else v) for k, v in self.fields.items()}

    def request(self, path: str | None = None) -> HttpRequest:
        body = self.body()
        if self.form == "query":
            return HttpRequest(self.method, path or self.path, params={k: str(v) for k, v in body.items()})
        return HttpRequest(self.method, path or self.path, json=body)


__all__ = [
    "MAX_SAFE_JSON_INT",
    "Domain",
    "DomainLike",
    "HttpRequest",
    "Prepared",
    "Struct",
    "as_domain",
    "check_signer",
    "check_timestamp_window",
    "field_codec",
    "json_int",
    "separator_of",
    "signature_text",
    "unix_time",
]
