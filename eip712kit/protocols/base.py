"""The one base every protocol struct is declared on, the EIP-712 domain value, and request shapes.

A protocol struct is a few declarative lines::

    class CancelOrder(Struct):
        fields = (("owner", "address"), ("orderId", "uint256"))

The class is compiled once, when it is defined: its field types go through the core's
:func:`~eip712kit.typed_data.compile_types` (so a typo in a type fails at import, with the core's
error), ``encodeType`` and ``typeHash`` are computed and kept, and one value parser per field is
built from the core's strict encoders (:mod:`eip712kit.encoding`). An instance validates its
values once, at construction, into their 32-byte words and its ``hashStruct``; after that a digest
is two keccak calls' worth of work at most, and no JSON document is ever built on that path.
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
from ..errors import Eip712KitError, KeySourceError, ProtocolError, TypeDefinitionError, ValueEncodingError
from ..hashing import keccak256
from ..keys import PrivateKey, as_private_key
from ..signature import Signature, recover_digest, sign_digest
from ..typed_data import DOMAIN_FIELD_TYPES, compile_types, domain_separator, parse_field_type

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

    @classmethod
    def from_dict(cls, domain: Mapping[str, Any]) -> Domain:
        """A Domain from EIP-712 keys (``chainId``, ``verifyingContract``); unknown keys are refused."""
        if not isinstance(domain, Mapping):
            raise ValueEncodingError("domain must be a JSON object", code="INVALID_STRUCT", path="domain")
        for key in domain:
            if key not in DOMAIN_FIELD_TYPES:
                raise TypeDefinitionError(
                    f"{key!r} is not an EIP712Domain field (name, version, chainId, verifyingContract, salt)",
                    code="INVALID_DOMAIN",
                    path=f"domain.{key}",
                )
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
    for key in domain:
        if key not in DOMAIN_FIELD_TYPES:
            raise TypeDefinitionError(
                f"{key!r} is not an EIP712Domain field (name, version, chainId, verifyingContract, salt)",
                code="INVALID_DOMAIN",
                path=f"domain.{key}",
            )
    return domain_separator(domain)


# --- field codecs -----------------------------------------------------------------------------

# A codec turns a caller's value into (stored value, 32-byte word); ``out`` turns the stored value
# into what a reader wants (EIP-55 addresses, ints, tuples) and ``to_json`` into JSON-safe form.
Parse = Callable[[Any], tuple[Any, bytes]]
Out = Callable[[Any], Any]

_ADDRESS_PAD = bytes(12)


# Orders repeat the same few addresses (user, tokens, zero recipient): remember each validated
# string's (raw, word) pair. Bounded, so hostile input cannot grow it.
_ADDRESS_WORDS: dict[str, tuple[bytes, bytes]] = {}
_ADDRESS_WORDS_MAX = 4096


def _address_parse(value: Any) -> tuple[Any, bytes]:
    if type(value) is str:
        hit = _ADDRESS_WORDS.get(value)
        if hit is not None:
            return hit
    raw = encoding.parse_address(value)  # the core's rules (checksum, form) decide
    pair = (raw, _ADDRESS_PAD + raw)
    if type(value) is str:
        if len(_ADDRESS_WORDS) >= _ADDRESS_WORDS_MAX:
            _ADDRESS_WORDS.clear()
        _ADDRESS_WORDS[value] = pair
    return pair


def _address_out(raw: bytes) -> str:
    return encoding.to_checksum_address(raw)


def _string_parse(value: Any) -> tuple[Any, bytes]:
    return value, keccak256(encoding.string_bytes(value))


def _bool_parse(value: Any) -> tuple[Any, bytes]:
    return value, encoding.bool_word(value)


def _bytes_parse(value: Any) -> tuple[Any, bytes]:
    raw = encoding.parse_hex_bytes(value)
    return raw, keccak256(raw)


def _hex_out(raw: bytes) -> str:
    return "0x" + raw.hex()


def _same(value: Any) -> Any:
    return value


def _uint_parse(bits: int) -> Parse:
    limit = 1 << bits

    def parse(value: Any) -> tuple[Any, bytes]:
        # A plain in-range int is the common case and needs no parsing; anything else (strings,
        # bools, floats, out of range) goes through the core's rules and errors.
        if type(value) is int and 0 <= value < limit:
            return value, value.to_bytes(32, "big")
        number = encoding.parse_int(value)
        return number, encoding.uint_word(number, bits)

    return parse


def _int_parse(bits: int) -> Parse:
    def parse(value: Any) -> tuple[Any, bytes]:
        number = encoding.parse_int(value)
        return number, encoding.int_word(number, bits)

    return parse


def _fixed_bytes_parse(size: int) -> Parse:
    def parse(value: Any) -> tuple[Any, bytes]:
        raw = encoding.parse_hex_bytes(value)
        return raw, encoding.fixed_bytes_word(raw, size)

    return parse


def _array_codec(inner: Parse, inner_out: Out, inner_json: Out, size: int | None) -> tuple[Parse, Out, Out]:
    def parse(value: Any) -> tuple[Any, bytes]:
        if not isinstance(value, (list, tuple)):
            raise ValueEncodingError(
                f"expected a JSON array{'' if size is None else f' of {size} elements'}, got {type(value).__name__}",
                code="INVALID_ARRAY",
            )
        if size is not None and len(value) != size:
            raise ValueEncodingError(
                f"this fixed-size array needs exactly {size} elements, got {len(value)}", code="ARRAY_LENGTH"
            )
        stored = []
        words = []
        for index, item in enumerate(value):
            try:
                item_stored, word = inner(item)
            except Eip712KitError as exc:
                raise exc.at(index) from None
            stored.append(item_stored)
            words.append(word)
        return tuple(stored), keccak256(b"".join(words))

    def out(stored: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(inner_out(item) for item in stored)

    def to_json(stored: tuple[Any, ...]) -> list[Any]:
        return [inner_json(item) for item in stored]

    return parse, out, to_json


def _int_json(value: int) -> int | str:
    return json_int(value)


def field_codec(type_text: str) -> tuple[Parse, Out, Out]:
    """``(parse, out, to_json)`` for one field type: atomic types and arrays of them."""
    base, dims = parse_field_type(type_text)
    parse: Parse
    out: Out = _same
    to_json: Out = _same
    if base == "address":
        parse, out, to_json = _address_parse, _address_out, _address_out
    elif base == "string":
        parse = _string_parse
    elif base == "bool":
        parse = _bool_parse
    elif base == "bytes":
        parse, out, to_json = _bytes_parse, _same, _hex_out
    else:
        match = re.fullmatch(r"(u?int|bytes)([0-9]+)", base)
        if not match:
            raise TypeDefinitionError(
                f"{type_text!r}: a declared protocol struct holds atomic types and arrays of them, "
                "not nested structs",
                code="UNKNOWN_TYPE",
            )
        kind, width = match.group(1), int(match.group(2))
        if kind == "uint":
            parse, to_json = _uint_parse(width), _int_json
        elif kind == "int":
            parse, to_json = _int_parse(width), _int_json
        else:
            parse, to_json = _fixed_bytes_parse(width), _hex_out
    for size in dims:
        parse, out, to_json = _array_codec(parse, out, to_json, size)
    return parse, out, to_json


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

    __slots__ = ("_data", "_hash", "_values")

    fields: ClassVar[tuple[tuple[str, str], ...]]
    """``((field name, EIP-712 type), ...)`` in the documented order — the order is part of the hash."""
    primary_type: ClassVar[str]
    """The struct's EIP-712 name; the class name unless the class sets it."""

    _names: ClassVar[tuple[str, ...]]
    _parsers: ClassVar[tuple[tuple[str, Parse], ...]]
    _outs: ClassVar[tuple[Out, ...]]
    _jsons: ClassVar[tuple[Out, ...]]
    _encode_type: ClassVar[str]
    _type_hash: ClassVar[bytes]
    _types_json: ClassVar[list[dict[str, str]]]

    _values: tuple[Any, ...]
    _data: bytes
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
        cls._parsers = tuple(zip(cls._names, (c[0] for c in codecs), strict=True))
        cls._outs = tuple(c[1] for c in codecs)
        cls._jsons = tuple(c[2] for c in codecs)
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

    def __init__(self, **values: Any) -> None:
        self._fill(values, "message")

    def _fill(self, values: Mapping[str, Any], root: str) -> None:
        parsers = self._parsers
        if len(values) != len(parsers):
            self._shape_error(values, root)
        stored: list[Any] = []
        words = [self._type_hash]
        keep, add = stored.append, words.append
        field_name = ""
        # One try around the loop (not one per field): this is the hot path of every struct.
        try:
            for field_name, parse in parsers:
                item, word = parse(values[field_name])
                keep(item)
                add(word)
        except KeyError:
            self._shape_error(values, root)
        except Eip712KitError as exc:
            raise self._explain(field_name, values[field_name], exc).at(field_name).at(root) from None
        data = b"".join(words)
        self._values = tuple(stored)
        self._data = data
        self._hash = keccak256(data)

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
        instance = cls.__new__(cls)
        instance._fill(message, root)
        return instance

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
        return [out(v) for out, v in zip(self._outs, self._values, strict=True)]

    # -- hashing --

    def encode_data(self) -> bytes:
        """``encodeData``: ``typeHash ‖ enc(field₁) ‖ … ‖ enc(fieldₙ)``."""
        return self._data

    def struct_hash(self) -> bytes:
        """``hashStruct = keccak256(encodeData)``, computed at construction."""
        return self._hash

    def digest(self, domain: DomainLike) -> bytes:
        """``keccak256(0x1901 ‖ domainSeparator ‖ hashStruct)``: what a wallet signs."""
        return keccak256(b"\x19\x01" + separator_of(domain) + self._hash)

    # -- JSON --

    def to_message(self) -> dict[str, Any]:
        """The message object, JSON-safe (EIP-55 addresses; ints beyond 2**53-1 as decimal strings)."""
        return {n: to_json(v) for n, to_json, v in zip(self._names, self._jsons, self._values, strict=True)}

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
        return type(self)._outs[index](self._values[index])

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
