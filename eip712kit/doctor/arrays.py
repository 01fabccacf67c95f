"""Array mistakes: v3-style in-place ABI encoding, and arrays of structs hashed over encodeData.

EIP-712 encodes an array as ``keccak256`` of its items' words concatenated (each struct item as
its ``hashStruct``). Two older readings survive in hand-written and pre-v4 encoders:

* **v3-style** — MetaMask's ``eth_signTypedData_v3`` (eth-sig-util ``SignTypedDataVersion.V3``)
  refuses arrays outright ("Arrays are unimplemented in encodeData; use V4 extension"). Encoders
  modelled on its ``encodeData`` that do not refuse pass the array's own type and value straight
  to the ABI encoder (``rawEncode([..., 'address[]', ...], [...])``), so ``encodeData`` carries
  an offset in the array's word and the length and items in a tail — an ABI encoding, not an
  EIP-712 one. Reproduced here with eth-abi.
* **encodeData items** — the spec's sentence "the concatenated encodeData of their contents" read
  literally for arrays of structs: each item contributes its full ``encodeData`` (type hash and
  words) instead of its 32-byte ``hashStruct``.

And what V3 itself does with a value that is ``undefined``: it skips the field in ``encodeData``
while ``typeHash`` still lists it. A client that removes one field (a misspelled key) is
``v3-field-omitted``; a real V3 client that strips *every* array so V3 stops refusing — nested
ones too (WithdrawIntent's ``tokens`` and ``amounts``, Mail's ``to`` and ``from.wallets``) — is
``v3-arrays-dropped``, which also tries the arrays deleted from the types as well.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from eth_abi.abi import encode as abi_encode

from ..base.errors import Eip712KitError
from ..base.hashing import keccak256
from ..base.parsers import parse_address, parse_hex_bytes, parse_int
from ..core.field_types import Field, FieldType
from ..core.schema import Schema, hash_array_words, hash_struct_words
from ..core.walk import Visit, walk
from .context import Context
from .findings import REMOVED, Finding, Path, Types, Variant, render_path
from .registry import hypothesis


class _Skip(Exception):
    """The variant does not apply to this value (an array of structs under the ABI reading)."""


def _abi_item(base: str, value: Any) -> Any:
    if base == "address":
        return parse_address(value)
    if base.startswith(("uint", "int")):
        return parse_int(value)
    if base == "bool":
        if not isinstance(value, bool):
            raise _Skip
        return value
    if base.startswith("bytes"):
        return parse_hex_bytes(value)
    if base == "string":
        if not isinstance(value, str):
            raise _Skip
        return value
    raise _Skip


def _abi_value(type_: FieldType, value: Any) -> Any:
    if type_.element is None:
        return _abi_item(type_.base, value)
    if not isinstance(value, list):
        raise _Skip
    return [_abi_value(type_.element, item) for item in value]


def _array_fields(schema: Schema, name: str) -> list[tuple[str, Field]]:
    """Every array field of ``name`` and of the structs it uses: (struct, field), structs by name."""
    return [(s, f) for s in sorted(schema.dependencies(name)) for f in schema.struct_fields(s) if f.type.is_array]


class _V3Abi:
    """hashStruct with every array of atomic values ABI-encoded in place: (ABI type, ABI value) per value."""

    def __init__(self, schema: Schema):
        self.schema = schema

    def atomic(self, at: Visit) -> tuple[str, Any]:
        return "bytes32", self.schema.encode_field(at.type.text, at.value)

    def array(self, at: Visit, items: Sequence[tuple[str, Any]]) -> tuple[str, Any]:
        if at.type.struct is not None:
            raise _Skip
        return at.type.text, _abi_value(at.type, at.value)

    def struct(self, at: Visit, fields: Sequence[tuple[str, tuple[str, Any]]]) -> tuple[str, Any]:
        types = ["bytes32", *(abi_type for _, (abi_type, _) in fields)]
        values = [self.schema.type_hash(at.type.base), *(abi_value for _, (_, abi_value) in fields)]
        return "bytes32", keccak256(abi_encode(types, values))


def v3_hash_struct(schema: Schema, name: str, value: Any) -> bytes:
    """hashStruct with every array of atomic values ABI-encoded in place, as a v3-style encoder does."""
    word: bytes = walk(schema, name, value, _V3Abi(schema))[1]
    return word


class _EncodeDataItems:
    """Each value's word, and a struct's encodeData: an array of structs hashes its items' encodeData."""

    def __init__(self, schema: Schema):
        self.schema = schema

    def atomic(self, at: Visit) -> tuple[bytes, bytes | None]:
        return self.schema.encode_field(at.type.text, at.value), None

    def struct(self, at: Visit, fields: Sequence[tuple[str, tuple[bytes, bytes | None]]]) -> tuple[bytes, bytes]:
        encode_data = self.schema.type_hash(at.type.base) + b"".join(word for _, (word, _) in fields)
        return keccak256(encode_data), encode_data  # hashStruct is keccak256(encodeData)

    def array(self, at: Visit, items: Sequence[tuple[bytes, bytes | None]]) -> tuple[bytes, None]:
        assert at.type.element is not None
        if at.type.element.kind == "struct":
            return hash_array_words([encode_data or b"" for _, encode_data in items]), None
        return hash_array_words([word for word, _ in items]), None


def encode_data_items_hash_struct(schema: Schema, name: str, value: Any) -> bytes:
    """hashStruct with arrays of structs hashed over their items' encodeData."""
    return walk(schema, name, value, _EncodeDataItems(schema))[0]


@hypothesis("v3-array-abi", "message", "arrays of atomic values ABI-encoded in place (v3-style encodeData)", tier=1)
def v3_abi_arrays(ctx: Context) -> Iterator[Variant[bytes] | None]:
    if ctx.message.primary == "EIP712Domain":
        return
    arrays = [(s, f) for s, f in _array_fields(ctx.message.schema, ctx.message.primary) if f.type.struct is None]
    if not arrays:
        return
    try:
        struct_hash = v3_hash_struct(ctx.message.schema, ctx.message.primary, ctx.message.value)
    except (_Skip, Eip712KitError, KeyError, TypeError, ValueError, OverflowError):
        return
    names = ", ".join(f"{s}.{f.name} ({f.type.text})" for s, f in arrays)
    yield ctx.message.variant(struct_hash, Finding(
        "V3_ARRAY_ABI_ENCODED",
        f"The array field(s) {names} were ABI-encoded in place (offset, length and items inside encodeData), the "
        "way an encoder modelled on eth_signTypedData_v3 does — MetaMask's V3 itself refuses arrays. EIP-712 (v4) "
        "encodes an array as keccak256 of its items' 32-byte words: sign with eth_signTypedData_v4.",
        field=", ".join(f"types.{s}.{f.name}" for s, f in arrays), step="encodeData (arrays)",
        signed_value="abi.encode(array) in place", given_value="keccak256(concat(encoded items))",
    ))


@hypothesis("array-of-structs-encode-data", "message", "arrays of structs hashed over each item's encodeData "
            "instead of its hashStruct", tier=1)
def encode_data_struct_arrays(ctx: Context) -> Iterator[Variant[bytes] | None]:
    if ctx.message.primary == "EIP712Domain":
        return
    arrays = [(s, f) for s, f in _array_fields(ctx.message.schema, ctx.message.primary) if f.type.struct is not None]
    if not arrays:
        return
    try:
        struct_hash = encode_data_items_hash_struct(ctx.message.schema, ctx.message.primary, ctx.message.value)
    except (Eip712KitError, KeyError, TypeError):
        return
    names = ", ".join(f"{s}.{f.name}" for s, f in arrays)
    yield ctx.message.variant(struct_hash, Finding(
        "ARRAY_OF_STRUCTS_ENCODE_DATA",
        f"The array(s) of structs {names} were hashed over the concatenated encodeData of their items (type hash and "
        "words of each) instead of each item's 32-byte hashStruct — a literal reading of the EIP's wording that "
        "wallets do not follow. Hash each item with hashStruct, then keccak256 the concatenation.",
        field=", ".join(f"types.{s}.{f.name}" for s, f in arrays), step="encodeData (arrays of structs)",
        signed_value="keccak256(concat(encodeData(item)))", given_value="keccak256(concat(hashStruct(item)))",
    ))


# --- eth_signTypedData_v3 skipping undefined values ----------------------------------------------

@hypothesis("v3-field-omitted", "message", "each primary-struct field left out of encodeData (v3 skips undefined "
            "values; typeHash unchanged)", tier=1)
def v3_omitted_fields(ctx: Context) -> Iterator[Variant[bytes] | None]:
    fields = ctx.message.fields
    if fields is None:
        return
    try:
        words = [ctx.message.schema.encode_field(t, ctx.message.value[n]) for n, t in fields]
    except (Eip712KitError, KeyError):
        return
    type_hash = ctx.message.schema.type_hash(ctx.message.primary)
    for index, (field, ftype) in enumerate(fields):
        struct_hash = hash_struct_words(type_hash, [w for i, w in enumerate(words) if i != index])
        yield ctx.message.variant(struct_hash, Finding(
            "V3_FIELD_OMITTED",
            f"{render_path('message', (field,))} ({ftype}) was left out of encodeData while typeHash still lists it: "
            "eth_signTypedData_v3 (eth-sig-util V3) silently skips a field whose value is undefined — typically a "
            "misspelled key, or an array removed because V3 refuses arrays. Send the field under its exact name and "
            "sign with eth_signTypedData_v4.",
            field=render_path("message", (field,)), step="encodeData", signed_value=None,
            given_value=ctx.message.value.get(field),
        ))


class _V3Skip:
    """Each value's word, with every array field left out of its struct's words (an array's own word unused)."""

    def __init__(self, schema: Schema):
        self.schema = schema

    def atomic(self, at: Visit) -> bytes:
        return self.schema.encode_field(at.type.text, at.value)

    def struct(self, at: Visit, fields: Sequence[tuple[str, bytes]]) -> bytes:
        declared = self.schema.struct_fields(at.type.base)
        words = [word for f, (_, word) in zip(declared, fields, strict=True) if not f.type.is_array]
        return hash_struct_words(self.schema.type_hash(at.type.base), words)

    def array(self, at: Visit, items: Sequence[bytes]) -> bytes:
        return b""


def v3_skip_hash_struct(schema: Schema, name: str, value: Any) -> bytes:
    """hashStruct as eth_signTypedData_v3 computes it once every array value is gone (undefined):
    typeHash over the full type, words of the other fields only, nested structs the same way."""
    return walk(schema, name, value, _V3Skip(schema))


def _array_paths(ctx: Context) -> list[Path]:
    """Where the array values sit in the message (outside other arrays, which go as a whole)."""
    out: list[Path] = []
    for path, struct, _value in ctx.message.struct_values():
        if any(isinstance(seg, int) for seg in path):
            continue  # a struct inside an array: the array is dropped whole
        out += [(*path, f.name) for f in ctx.message.schema.struct_fields(struct) if f.type.is_array]
    return out


@hypothesis("v3-arrays-dropped", "message", "every array left out at once, nested ones too (a client getting past "
            "V3's refusal): typeHash kept, or the arrays deleted from the types as well", tier=0)
def v3_arrays_dropped(ctx: Context) -> Iterator[Variant[bytes] | None]:
    if ctx.message.primary == "EIP712Domain":
        return
    arrays = _array_fields(ctx.message.schema, ctx.message.primary)
    paths = _array_paths(ctx)
    if not arrays or not paths:
        return
    names = ", ".join(render_path("message", p) for p in paths)
    try:
        struct_hash = v3_skip_hash_struct(ctx.message.schema, ctx.message.primary, ctx.message.value)
    except (Eip712KitError, KeyError, TypeError):
        struct_hash = None
    yield ctx.message.variant(struct_hash, Finding(
        "V3_ARRAYS_DROPPED",
        f"Every array was left out of the signed message — {names} — and eth_signTypedData_v3 (eth-sig-util V3) "
        "skipped them as undefined while the typeHash still lists them: the way a client gets past V3's 'Arrays "
        "are unimplemented in encodeData'. Keep the arrays and sign with eth_signTypedData_v4 "
        "(SignTypedDataVersion.V4), which hashes them.",
        field=names, step="encodeData (arrays)", signed_value=None,
        given_value=[render_path("message", p) for p in paths],
    ))
    types: Types = {n: tuple(f for f in fs if not ctx.message.schema.field_type(f[1]).is_array)
                    for n, fs in ctx.message.types().items()}
    yield ctx.message.types_variant(types, Finding(
        "V3_ARRAYS_DROPPED",
        f"Every array field was deleted from the types and the message — {names} — so that "
        "eth_signTypedData_v3 would accept the rest. The server hashes them: keep every field and sign with "
        "eth_signTypedData_v4.",
        field=", ".join(f"types.{s}.{f.name}" for s, f in arrays), step="typeHash (encodeType) and encodeData",
        signed_value=None, given_value=[render_path("message", p) for p in paths],
    ), changes=[(p, REMOVED) for p in paths], tier=1)


__all__ = ["encode_data_items_hash_struct", "v3_hash_struct", "v3_skip_hash_struct"]
