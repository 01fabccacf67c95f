"""Sera's identifier mistakes: the UUID signed where the packed ``uuid_int`` belongs, or a stale packing.

Sera signs ``CancelOrder.orderId`` and ``Order/Intent/WithdrawIntent.uuid`` as the packed
``uuid_int`` (executor id, UUID bits, group id, leg id — :mod:`eip712kit.protocols.sera.uuid_int`). A client
that has only the order's UUID string signs that string (declaring the field ``string``) or the
UUID read as a 128-bit integer; a client that cached ``executor_id`` packs with the old one.

The hypotheses apply by shape — a ``uint256`` field named ``orderId`` or ``uuid`` whose value
unpacks to a UUID — or to every such field when the document is a Sera one (detected or hinted).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..base.errors import Eip712KitError
from ..protocols.sera import uuid_int
from .context import Context
from .edits import retyped
from .findings import Finding, Variant
from .leaves import int_leaves
from .message_context import Leaf
from .registry import hypothesis

ID_FIELDS = ("orderId", "uuid")


def _uuid_leaves(ctx: Context) -> Iterator[tuple[Leaf, int, uuid_int.UuidInt]]:
    for leaf, number in int_leaves(ctx):
        if leaf.type != "uint256" or number >> uuid_int.UUID_SHIFT == 0:
            continue
        if leaf.field not in ID_FIELDS and ctx.protocol != "sera":
            continue
        try:
            fields = uuid_int.unpack(number)
        except Eip712KitError:
            continue
        yield leaf, number, fields


@hypothesis("uuid-as-uuid-int", "message", "Sera: the order's UUID (its string, or its 128-bit integer) where "
            "the packed uuid_int belongs", tier=0)
def uuid_for_uuid_int(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for leaf, number, fields in _uuid_leaves(ctx):
        bits = uuid_int.parse_uuid(fields.uuid)
        howto = (f"Sign {leaf.field} as the uint256 uuid_int.pack(order_id, executor_id) — for this order executor "
                 f"{fields.executor_id}, group {fields.group_id}, leg {fields.leg_id}.")
        yield ctx.message.value_variant([(leaf.path, bits)], Finding(
            "UUID_STRING_AS_UUID_INT",
            f"{leaf.where} was signed as {bits} — the order's UUID {fields.uuid} read as a 128-bit integer "
            f"(BigInt('0x' + uuid)) — where the packed uuid_int {number} belongs. {howto}",
            field=leaf.where, step="encodeData", signed_value=bits, given_value=number,
        ))
        if len(leaf.path) != 1:
            continue  # retyping is only unambiguous for a direct field of the primary struct
        types = retyped(ctx.message.types(), leaf.struct, leaf.field, "string")
        for index, text in enumerate(dict.fromkeys((fields.uuid, fields.uuid.upper(), fields.uuid.replace("-", ""),
                                                    str(number)))):
            is_uuid = text != str(number)
            yield ctx.message.types_variant(types, Finding(
                "UUID_STRING_AS_UUID_INT" if is_uuid else "NUMBER_AS_STRING",
                (f"{leaf.where} was declared string and signed as the UUID text \"{text}\" where the packed uuid_int "
                 f"{number} (uint256) belongs. {howto}") if is_uuid else
                (f"{leaf.where} was declared string and signed as the decimal text of the uuid_int; the field is "
                 "uint256 — declare it uint256 and sign the number."),
                field=leaf.where, step="typeHash (encodeType) and encodeData",
                signed_value=text, given_value=number,
            ), changes=[(leaf.path, text)], tier=0 if index == 0 else 1)


@hypothesis("uuid-int-executor", "message", "Sera: the uuid_int packed with each other executor_id (0-15), or "
            "without group/leg", tier=1)
def other_packings(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for leaf, number, fields in _uuid_leaves(ctx):
        bits = uuid_int.parse_uuid(fields.uuid)
        for executor in range(uuid_int.MAX_EXECUTOR_ID + 1):
            if executor == fields.executor_id:
                continue
            signed = uuid_int.pack_fields(executor, bits, fields.group_id, fields.leg_id)
            yield ctx.message.value_variant([(leaf.path, signed)], Finding(
                "UUID_INT_EXECUTOR_ID",
                f"{leaf.where} was packed with executor_id {executor}, the document's with {fields.executor_id} "
                f"(same UUID {fields.uuid}): the client used a stale executor id. Read the current one from "
                "GET /health right before packing.",
                field=leaf.where, step="encodeData", signed_value=signed, given_value=number,
            ), tier=2 if executor < 4 else 3)
        standalone_group = bits >> uuid_int.GROUP_FROM_UUID_SHIFT
        for group, leg, what in ((0, 0, "without group_id and leg_id"),
                                 (standalone_group, 0, "as a standalone order (its own group, leg 0)")):
            if (group, leg) == (fields.group_id, fields.leg_id):
                continue
            signed = uuid_int.pack_fields(fields.executor_id, bits, group, leg)
            yield ctx.message.value_variant([(leaf.path, signed)], Finding(
                "UUID_INT_LAYOUT",
                f"{leaf.where} was packed {what}: {signed}, where the document has {number} (group "
                f"{fields.group_id}, leg {fields.leg_id}). Pack with uuid_int.pack / pack_batch so group and leg "
                "follow Sera's layout.",
                field=leaf.where, step="encodeData", signed_value=signed, given_value=number,
            ), tier=1)


__all__ = ["ID_FIELDS"]
