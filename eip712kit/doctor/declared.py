"""What the signer declared differently: types, widths, names, field order, struct names, extra fields.

These mistakes move the typeHash (``encodeType`` is part of every struct hash) and sometimes the
words: ``uint256`` declared where the API says ``uint48``; ``uint`` without a width (eth-account
hashes the literal ``uint``, ethers maps it to ``uint256``); fields declared in another order or
two of them swapped; a field named ``order_type`` for ``orderType``; the struct called ``Orders``,
or ``Order`` where Renance names it ``CreateOrder``; Renance's ``CancelOrder`` signed for the
batch endpoint's ``BatchCancelOrders``; an extra ``nonce`` field; a field left out. Each variant
goes through the core's :class:`~eip712kit.core.typed_data.Schema` (or, for the one spelling the core
cannot compile, rewrites only the struct's ``encodeType`` segment), so a confirmed variant is the
document with exactly that declaration changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..base.errors import Eip712KitError
from ..base.parsers import parse_int
from ..core.encoders import INTEGER_TYPE
from ..core.schema import Schema
from .context import Context
from .detection import PROTOCOL_STRUCTS
from .edits import retyped
from .findings import REMOVED, Fields, Finding, Path, Types, Variant, render_path
from .registry import hypothesis
from .times import time_leaves

WIDTHS = (256, 128, 64, 48, 32, 96, 112, 160, 40, 24, 16, 8, 56, 72, 80, 88, 104, 120, 136, 144, 152, 168, 176,
          184, 192, 200, 208, 216, 224, 232, 240, 248)
"""Integer widths tried, the usual ones first (256 is tier 0, 128/64/48/32 tier 2, the rest tier 3)."""


def _width_tier(bits: int) -> int:
    return 0 if bits == 256 else 2 if bits in (128, 64, 48, 32) else 3


def _int_fields(ctx: Context) -> Iterator[tuple[str, int, str, str, str, int]]:
    """Every integer field of every reachable struct: struct, index, name, type, kind, bits."""
    for struct in ctx.message.reachable():
        for index, field in enumerate(ctx.message.schema.struct_fields(struct)):
            match = re.match(INTEGER_TYPE, field.type.base)
            if match:
                yield struct, index, field.name, field.type.text, match.group(1), int(match.group(2))


@hypothesis("type-width", "message", "each integer field declared with another width or signedness", tier=0)
def other_widths(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for struct, index, field, ftype, kind, bits in _int_fields(ctx):
        base = f"{kind}{bits}"
        options = [(f"{'int' if kind == 'uint' else 'uint'}{bits}", 2)]
        options += [(f"{kind}{w}", _width_tier(w)) for w in WIDTHS if w != bits]
        for option, tier in options:
            new_type = option + ftype[len(base):]
            ethers = (f" (ethers also maps a width-less `{kind}` to {kind}256, so a client that declared `{kind}` "
                      "signs this)" if option == f"{kind}256" else "")
            yield ctx.message.retype_variant(struct, field, new_type, Finding(
                "TYPE_WIDTH",
                f"The signer declared {struct}.{field} as {new_type}, the document as {ftype}{ethers}. The value is "
                "the same, but the declared type is part of encodeType, so the typeHash differs. Declare "
                f"{field} as {ftype} in your types, exactly as the API documents it.",
                field=f"types.{struct}[{index}].type", step="typeHash (encodeType)",
                signed_value=new_type, given_value=ftype,
            ), tier=tier)


@hypothesis("type-without-width", "message", "an integer field declared uint/int without a width, hashed as that "
            "literal (eth-account)", tier=2)
def types_without_width(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for struct, index, field, ftype, kind, bits in _int_fields(ctx):
        literal = kind + ftype[len(f"{kind}{bits}"):]  # uint48[] -> uint[]: the value encodes as 256 bits
        yield ctx.message.retype_variant(struct, field, literal, Finding(
            "TYPE_WITHOUT_WIDTH",
            f"The signer declared {struct}.{field} as `{literal}` with no width, and its library hashed that literal "
            f"text into encodeType (eth-account does; ethers maps it to {kind}256). The value encodes the same, the "
            f"typeHash does not. Declare {field} as {ftype}.",
            field=f"types.{struct}[{index}].type", step="typeHash (encodeType)", signed_value=literal,
            given_value=ftype,
        ), checked=False)


def _order_finding(struct: str, order: Fields, fields: Fields, why: str) -> Finding:
    return Finding(
        "FIELD_ORDER",
        f"The signer declared {struct}'s fields as ({', '.join(n for n, _ in order)}), the document as "
        f"({', '.join(n for n, _ in fields)}): field order is part of the hash. {why}",
        field=f"types.{struct}", step="typeHash (encodeType) and encodeData",
        signed_value=[n for n, _ in order], given_value=[n for n, _ in fields],
    )


@hypothesis("field-order", "message", "the struct's fields in alphabetical or message-key order", tier=1)
def other_field_orders(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for struct in ctx.message.reachable():
        fields = ctx.message.schema.types[struct]
        orders = [tuple(sorted(fields))]
        if struct == ctx.message.primary and isinstance(ctx.message.value, dict):
            by_key = [f for k in ctx.message.value for f in fields if f[0] == k]
            if len(by_key) == len(fields):
                orders.insert(0, tuple(by_key))
        for order in orders:
            if order == fields:
                continue
            yield ctx.message.types_variant({**ctx.message.types(), struct: order}, _order_finding(
                struct, order, fields, "Declare the fields in the documented order — a client that builds types from "
                "a dict, an object's keys or sorted keys loses it."))


@hypothesis("field-swap", "message", "two fields of a struct swapped in the type definition: any two of the same "
            "type, or two neighbours", tier=2)
def swapped_fields(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for struct in ctx.message.reachable():
        fields = ctx.message.schema.types[struct]
        for i in range(len(fields)):
            for j in range(i + 1, len(fields)):
                if fields[i][1] != fields[j][1] and j != i + 1:
                    continue
                order = list(fields)
                order[i], order[j] = order[j], order[i]
                same = fields[i][1] == fields[j][1]
                yield ctx.message.types_variant({**ctx.message.types(), struct: tuple(order)}, _order_finding(
                    struct, tuple(order), fields,
                    f"{fields[i][0]} and {fields[j][0]} trade places in the signer's type: declare them in the "
                    "documented order (copy the types from the API, do not retype them)."), tier=2 if same else 3)


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


@hypothesis("field-name", "message", "each primary-struct field name in snake_case / camelCase", tier=2)
def other_field_names(ctx: Context) -> Iterator[Variant[bytes] | None]:
    message = ctx.message
    fields, primary = message.fields, message.primary
    if fields is None:
        return
    for index, (field, _type) in enumerate(fields):
        for new_name in dict.fromkeys((_snake(field), _camel(field), field.lower())):
            if new_name == field or any(new_name == n for n, _ in fields):
                continue
            types = {**message.types(), primary: tuple((new_name if n == field else n, t) for n, t in fields)}
            yield message.types_variant(types, Finding(
                "FIELD_NAME",
                f"The signer named the field {new_name!r} where the document has {field!r} (in {primary}): field "
                "names are part of encodeType. A request body may use one spelling (order_type) while the signed "
                "struct uses another (orderType); declare the struct's spelling in types and use it as the message "
                "key.",
                field=f"types.{primary}[{index}].name", step="typeHash (encodeType)",
                signed_value=new_name, given_value=field,
            ), changes=[((field,), REMOVED), ((new_name,), message.value[field])])


@hypothesis("number-as-string", "message", "each integer field of the primary struct declared string, value "
            "as decimal text", tier=2)
def numbers_as_strings(ctx: Context) -> Iterator[Variant[bytes] | None]:
    message = ctx.message
    primary = message.primary
    if primary == "EIP712Domain":
        return
    for index, (field, ftype) in enumerate(message.schema.types[primary]):
        if not re.match(INTEGER_TYPE, ftype):
            continue
        try:
            number = parse_int(message.value[field])
        except (Eip712KitError, KeyError, TypeError):
            continue
        yield message.types_variant(retyped(message.types(), primary, field, "string"), Finding(
            "NUMBER_AS_STRING",
            f"The signer declared {primary}.{field} as string and signed the text \"{number}\"; the document "
            f"declares {ftype}. Declare it {ftype} in your types and pass the number (a decimal string or a "
            "bigint/int is fine as the value).",
            field=f"types.{primary}[{index}].type", step="typeHash (encodeType) and encodeData",
            signed_value="string", given_value=ftype,
        ), changes=[((field,), str(number))])


# --- struct names -------------------------------------------------------------------------------

def _renamed(schema: Schema, types: Types, old: str, new: str) -> Types:
    """The types (of ``schema``) with struct ``old`` called ``new``, every reference to it (arrays too) renamed."""
    def retype(type_text: str) -> str:
        type_ = schema.field_type(type_text)
        return type_.with_base(new) if type_.base == old else type_text
    return {(new if name == old else name): tuple((n, retype(t)) for n, t in fields) for name, fields in types.items()}


def _known_struct_names() -> list[str]:
    return list(dict.fromkeys(name for structs in PROTOCOL_STRUCTS.values() for name, _ in structs))


def _other_names(struct: str) -> list[tuple[str, int]]:
    """Names a client gives a struct by mistake: plural/singular, the protocols' names (tier 1), case (tier 2)."""
    out: dict[str, int] = {}
    out[struct[:-1] if struct.endswith("s") else struct + "s"] = 1
    for name in _known_struct_names():
        out.setdefault(name, 1)
    for name in (struct.lower(), struct.upper(), struct[:1].lower() + struct[1:], struct[:1].upper() + struct[1:]):
        out.setdefault(name, 2)
    out.pop(struct, None)
    return list(out.items())


@hypothesis("struct-renamed", "message", "a struct or the primaryType under another name: plural/singular (Orders), "
            "another protocol's struct name (Order for CreateOrder), another case", tier=1)
def renamed_structs(ctx: Context) -> Iterator[Variant[bytes] | None]:
    types = ctx.message.types()
    for struct in ctx.message.reachable():
        for name, tier in _other_names(struct):
            if name in types or not re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", name):
                continue
            primary = name if struct == ctx.message.primary else None
            what = "primaryType" if primary else f"the struct {struct}"
            yield ctx.message.types_variant(_renamed(ctx.message.schema, types, struct, name), Finding(
                "STRUCT_NAME",
                f"The signer called {what} {name!r} where the document says {struct!r}: the struct's name is the "
                "first word of encodeType, so the typeHash differs while every value is right. Use the API's name"
                + (f" (primaryType: \"{struct}\" and types.{struct})." if primary else f" (types.{struct})."),
                field="primaryType" if primary else f"types.{struct}", step="typeHash (encodeType)",
                signed_value=name, given_value=struct,
            ), primary=primary, tier=tier)


@hypothesis("other-struct", "message", "another endpoint's struct with the same field types signed (Renance "
            "CancelOrder sent to the batch endpoint's BatchCancelOrders)", tier=1)
def other_structs(ctx: Context) -> Iterator[Variant[bytes] | None]:
    message = ctx.message
    fields, primary = message.fields, message.primary
    if fields is None:
        return
    shape = tuple(t for _, t in fields)
    for protocol, structs in PROTOCOL_STRUCTS.items():
        for name, declared in structs:
            if tuple(t for _, t in declared) != shape or (name, declared) == (primary, fields):
                continue
            if name != primary and name in message.schema.types:
                continue
            types = {n: fs for n, fs in message.types().items() if n != primary}
            types[name] = declared
            changes: list[tuple[Path, Any]] = []
            for (old, _), (new, _) in zip(fields, declared, strict=True):
                if old != new:
                    changes += [((old,), REMOVED), ((new,), message.value[old])]
            yield message.types_variant(types, Finding(
                "OTHER_STRUCT",
                f"The signature is over {protocol}'s {name}({', '.join(f'{t} {n}' for n, t in declared)}), not the "
                f"document's {primary}({', '.join(f'{t} {n}' for n, t in fields)}): the same values signed as "
                "another endpoint's struct — the request went to an endpoint whose struct differs from the one the "
                f"client signed. Sign {primary} for this endpoint.",
                field="primaryType", step="typeHash (encodeType)", signed_value=name, given_value=primary,
            ), changes=changes, primary=name)


# --- fields added or missing --------------------------------------------------------------------

def _extra_fields(ctx: Context) -> list[tuple[str, str, Any, str]]:
    """(name, type, value, label) of fields a client adds by habit, with the values it would give them."""
    out: list[tuple[str, str, Any, str]] = [("nonce", "uint256", 0, "0"), ("nonce", "uint256", 1, "1")]
    for leaf, number in time_leaves(ctx):
        for name in ("timestamp", "deadline", "nonce"):
            out.append((name, "uint256", number, f"{leaf.where}'s value"))
    chain_id = ctx.domain.int_value("chainId")
    if chain_id is not None:
        out.append(("chainId", "uint256", chain_id, "the domain's chainId"))
    return out


@hypothesis("field-added", "message", "the primary struct with an extra field (nonce, timestamp, deadline, chainId) "
            "appended or prepended", tier=2)
def added_fields(ctx: Context) -> Iterator[Variant[bytes] | None]:
    message = ctx.message
    fields, primary = message.fields, message.primary
    if fields is None:
        return
    names = {n for n, _ in fields}
    for name, type_text, value, label in _extra_fields(ctx):
        if name in names:
            continue
        for position in (len(fields), 0):  # appended, or put first: where a copied field lands
            declared = (*fields[:position], (name, type_text), *fields[position:])
            where = "last" if position == len(fields) else "first"
            yield message.types_variant({**message.types(), primary: declared}, Finding(
                "STRUCT_FIELD_ADDED",
                f"The signer's {primary} has an extra field `{type_text} {name}` ({where}, value {label}: {value}) "
                f"that the document's lacks — often copied from another struct of the API. Remove {name} from your "
                f"{primary} type and message, or, if the server expects it, put it in the document.",
                field=f"types.{primary}", step="typeHash (encodeType) and encodeData",
                signed_value=[n for n, _ in declared], given_value=[n for n, _ in fields],
            ), changes=[((name,), value)], tier=2 if position == len(fields) else 3)


@hypothesis("field-dropped", "message", "a struct without one of its fields, in its type and its data", tier=2)
def dropped_fields(ctx: Context) -> Iterator[Variant[bytes] | None]:
    instances: dict[str, list[Path]] = {}
    for path, struct, _value in ctx.message.struct_values():
        instances.setdefault(struct, []).append(path)
    for struct, paths in instances.items():
        fields = ctx.message.schema.types[struct]
        if len(fields) < 2:
            continue
        for index, (field, ftype) in enumerate(fields):
            declared = tuple(f for f in fields if f[0] != field)
            yield ctx.message.types_variant({**ctx.message.types(), struct: declared}, Finding(
                "STRUCT_FIELD_MISSING",
                f"The signer's {struct} has no `{ftype} {field}`: it was left out of both the type and the data "
                f"({render_path('message', (*paths[0], field))}). Declare every field of {struct} as the API does "
                "and fill it in.",
                field=f"types.{struct}[{index}]", step="typeHash (encodeType) and encodeData",
                signed_value=[n for n, _ in declared], given_value=[n for n, _ in fields],
            ), changes=[((*path, field), REMOVED) for path in paths])


__all__ = ["WIDTHS"]
