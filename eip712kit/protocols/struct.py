"""Declared structs: a protocol's EIP-712 struct in a few lines, hashed by the core's compiled schema.

::

    class CancelOrder(Struct):
        fields = (("owner", "address"), ("orderId", "uint256"))

The declaration is compiled once, when the class is defined, into the core's
:class:`~eip712kit.core.schema.Schema` (so a typo in a type fails at import, with the core's error). The
class is a thin facade over that schema's :class:`~eip712kit.core.schema.StructCodec` — alloy's
``SolStruct``-over-resolver shape: ``encode_type``, ``type_hash``, ``encode_data``,
``struct_hash`` and ``digest`` all come from the same encoders a JSON document goes through, so
there is one encoder in the kit and the two paths cannot drift. An instance validates and hashes its
values once, at construction; a digest is then one keccak over the domain's cached separator, and
no JSON document is built on that path. :meth:`Struct.to_typed_data` gives the standard document
for everything else (the CLI, vectors, other wallets).

Structs hold EIP-712 values only: the protocols' *rules* (sides, windows, actions) live in the
protocol modules' builders, so a struct can also express a value a server should refuse — which is
what a negative conformance vector needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, TypeVar

from ..base.errors import Eip712KitError, TypeDefinitionError, ValueEncodingError
from ..base.hashing import keccak256
from ..base.renamed import warn_renamed
from ..core.api import Verification, check_digest
from ..core.domain import Domain, DomainLike, as_domain, eip712_digest, separator_of
from ..core.encoders import JsonWriter, Reader
from ..core.field_types import resolve_field_type
from ..core.keys import KeyLike
from ..core.schema import Schema, StructCodec, compile_types
from ..core.signature import Signature, recover_digest, sign_digest

_S = TypeVar("_S", bound="Struct")


def _frozen(value: Any) -> Any:
    """Arrays as nested tuples and bytes as bytes, so a caller mutating theirs cannot change a hashed struct."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return value


class _StructMeta(type):
    """Gives every struct class ``__slots__ = ()`` and compiles its declaration once."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> _StructMeta:
        namespace.setdefault("__slots__", ())
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        if "fields" in namespace:
            cls._declare()  # type: ignore[attr-defined]
        return cls


class Struct(metaclass=_StructMeta):
    """Base of the declared protocol structs (see the module docstring).

    Construct with keyword arguments named as the EIP-712 fields; every value is validated with
    the core's rules, and an error names its path (``message.fromAmount``). Field values read back
    as attributes in canonical form (EIP-55 addresses, ints, bytes, tuples for arrays).
    """

    __slots__ = ("_given", "_hash")

    fields: ClassVar[tuple[tuple[str, str], ...]]
    """``((field name, EIP-712 type), ...)`` in the documented order — the order is part of the hash."""
    primary_type: ClassVar[str]
    """The struct's EIP-712 name; the class name unless the class sets it."""

    _schema: ClassVar[Schema]
    _codec: ClassVar[StructCodec]
    _readers: ClassVar[tuple[Reader, ...]]
    _jsons: ClassVar[tuple[JsonWriter, ...]]
    _plan: ClassVar[tuple[int, Callable[[Mapping[str, Any]], tuple[Any, ...]], Callable[[Any], bytes],
                          tuple[int, ...]]]
    """What construction needs, fetched in one attribute lookup: field count, the codec's value
    getter and hasher, and the fields whose values are frozen (arrays, bytes)."""

    _given: tuple[Any, ...]
    """The caller's values in field order (arrays and bytes frozen); read back through the schema."""
    _hash: bytes

    @classmethod
    def _declare(cls) -> None:
        name = cls.__dict__.get("primary_type", cls.__name__)
        cls.primary_type = name
        for field_name, field_type in cls.fields:
            if not isinstance(field_type, str) or resolve_field_type(field_type, None).struct is not None:
                raise TypeDefinitionError(
                    f"struct {name} is declared wrongly: {field_name} is {field_type!r}; a declared struct "
                    "holds atomic types and arrays of them, not nested structs",
                    code="UNKNOWN_TYPE",
                )
        try:
            schema = compile_types({name: [{"name": n, "type": t} for n, t in cls.fields]})
        except Eip712KitError as exc:
            raise TypeDefinitionError(f"struct {name} is declared wrongly: {exc}", code=exc.code) from None
        codec = schema.codec(name)
        cls._schema, cls._codec = schema, codec
        cls._readers = tuple(schema.reader(t) for _, t in cls.fields)
        cls._jsons = tuple(schema.json_writer(t) for _, t in cls.fields)
        to_freeze = tuple(i for i, (_, t) in enumerate(cls.fields) if "[" in t or t.startswith("bytes"))
        cls._plan = (len(codec.names), codec.values_of, codec.hash_values, to_freeze)
        for index, field_name in enumerate(codec.names):
            if hasattr(Struct, field_name) or field_name.startswith("_"):
                raise TypeDefinitionError(
                    f"field {field_name!r} of {name} would shadow a Struct attribute", code="INVALID_TYPE_NAME"
                )
            setattr(cls, field_name, property(_field_getter(index), doc=f"{field_name} ({cls.fields[index][1]})"))

    # -- the spec's class-level values --

    @classmethod
    def encode_type(cls) -> str:
        """``encodeType``, e.g. ``CancelOrder(address owner,uint256 orderId)``."""
        return cls._schema.encode_type(cls.primary_type)

    @classmethod
    def type_hash(cls) -> bytes:
        """``typeHash = keccak256(encodeType)``, computed once per class."""
        return cls._codec.type_hash

    @classmethod
    def types(cls) -> dict[str, list[dict[str, str]]]:
        """The struct's ``types`` entry (without ``EIP712Domain``)."""
        return {cls.primary_type: [{"name": n, "type": t} for n, t in cls.fields]}

    # -- construction --

    def __init__(self, _root: str = "message", /, **values: Any) -> None:
        # The hot path of every struct: the codec's getter and hasher, no per-field bookkeeping.
        # Which field failed is worked out only when one did. ``_root`` (positional-only,
        # internal) names the object in error paths; from_message passes it.
        count, values_of, hash_values, to_freeze = self._plan
        if len(values) != count:
            self._shape_error(values, _root)
        try:
            given = values_of(values)
            self._hash = hash_values(given)
        except KeyError:
            self._shape_error(values, _root)
        except Eip712KitError:
            self._raise_field_error(values_of(values), _root)
        if to_freeze:
            frozen = list(given)
            for index in to_freeze:
                frozen[index] = _frozen(frozen[index])
            given = tuple(frozen)
        self._given = given

    @classmethod
    def _raise_field_error(cls, given: tuple[Any, ...], root: str) -> NoReturn:
        index, exc = cls._codec.first_error(given)
        field_name = cls._codec.names[index]
        raise cls._explain(field_name, given[index], exc).at(field_name).at(root) from None

    def _read(self, index: int) -> Any:
        return self._readers[index](self._given[index])

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
        extra = next(str(k) for k in values if k not in cls._codec.names)
        raise ValueEncodingError(
            f"{cls.primary_type} has no field {extra!r} (its fields: {', '.join(cls._codec.names)})",
            code="EXTRA_FIELD",
            path=f"{root}.{extra}",
        )

    @classmethod
    def _explain(cls, field_name: str, value: Any, exc: Eip712KitError) -> Eip712KitError:
        """Hook for a struct to say more about a classic mistake in one field (error path only)."""
        return exc

    def replace(self: _S, **changes: Any) -> _S:
        """A copy with some fields changed (validated like a new instance)."""
        values = dict(zip(self._codec.names, self._values_as_input(), strict=True))
        values.update(changes)
        return type(self)(**values)

    def _values_as_input(self) -> list[Any]:
        return [self._read(i) for i in range(len(self._given))]

    # -- hashing --

    def encode_data(self) -> bytes:
        """``encodeData``: ``typeHash ‖ enc(field₁) ‖ … ‖ enc(fieldₙ)``."""
        return self._codec.encode_values(self._given)

    def struct_hash(self) -> bytes:
        """``hashStruct = keccak256(encodeData)``, computed at construction."""
        return self._hash

    def digest(self, domain: DomainLike) -> bytes:
        """``keccak256(0x1901 ‖ domainSeparator ‖ hashStruct)``: what a wallet signs."""
        if type(domain) is Domain:
            return keccak256(domain.digest_prefix + self._hash)
        return eip712_digest(separator_of(domain), self._hash)

    # -- JSON --

    def to_message(self) -> dict[str, Any]:
        """The message object, JSON-safe (EIP-55 addresses; ints beyond 2**53-1 as decimal strings)."""
        return {n: write(value) for n, write, value in zip(self._codec.names, self._jsons, self._given, strict=True)}

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

    def sign(self, key: KeyLike, domain: DomainLike) -> Signature:
        """Sign the digest (RFC 6979, low-s) with a key or a hex private key."""
        return sign_digest(self.digest(domain), key)

    def recover(self, signature: Any, domain: DomainLike, *, allow_high_s: bool = False) -> str:
        """The EIP-55 address that made ``signature`` over this struct in ``domain``."""
        return recover_digest(self.digest(domain), signature, allow_high_s=allow_high_s)

    def check(self, signature: Any, address: str, domain: DomainLike) -> Verification:
        """Whether ``address`` made ``signature`` (low-s, non-zero signer); says why not."""
        return check_digest(self.digest(domain), signature, address)

    def verify(self, signature: Any, address: str, domain: DomainLike) -> Verification:
        """The old name of :meth:`check` (it returns a Verification; ``verify_*`` answer yes or no)."""
        warn_renamed("Struct.verify", "Struct.check")
        return self.check(signature, address, domain)

    # -- value semantics --

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._hash == self._hash

    def __hash__(self) -> int:
        return hash(self._hash)

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(self._codec.names, self._values_as_input(), strict=True))
        return f"{type(self).__name__}({shown})"

    if TYPE_CHECKING:  # field attributes are generated per class

        def __getattr__(self, name: str) -> Any: ...


def _field_getter(index: int) -> Callable[[Struct], Any]:
    def get(self: Struct) -> Any:
        return self._read(index)

    return get


__all__ = ["Struct"]
