"""``uuid pack|unpack|check``: Sera's uuid_int bit-packer from the terminal
(:mod:`eip712kit.protocols.sera.uuid_int`)."""

from __future__ import annotations

import uuid as uuid_lib

import click

from ..base.errors import Eip712KitError
from ..protocols.sera import uuid_int
from ._common import EXIT_INVALID, EXIT_OK, emit, json_option


@click.group("uuid")
def uuid_group() -> None:
    """Pack, unpack and check Sera's uuid_int order numbers.

    The 256 bits: [255:252] executor_id | [251:124] UUID | [123:12] group_id | [11:0] leg_id.

    \b
    Examples:
      eip712kit uuid pack 00000000-0000-4000-8000-000000000001 --executor-id 0
      eip712kit uuid pack ID0 ID1 ID2 --executor-id 3        a virtual-liquidity batch
      eip712kit uuid unpack 6427948336465191935941739505432058208337171677044006212075520
      eip712kit uuid check 00000000-0000-4000-8000-000000000001 6427948336…
    """


@uuid_group.command("pack")
@click.argument("order_ids", nargs=-1)
@click.option("--executor-id", type=int, required=True, help="The executor id from GET /health (0 to 15).")
@click.option("--new", "new", is_flag=True, help="Pack a freshly generated UUID4 instead of ORDER_IDS.")
@json_option
def uuid_pack(order_ids: tuple[str, ...], executor_id: int, new: bool, as_json: bool) -> int:
    """Pack order ids into uuid_ints.

    One id is a standalone order; several are a virtual-liquidity (VL) batch.

    \b
    Examples:
      eip712kit uuid pack 00000000-0000-4000-8000-000000000001 --executor-id 0
        -> 6427948336465191935941739505432058208337171677044006212075520
      eip712kit uuid pack --new --executor-id 2 --json
      eip712kit uuid pack ID0 ID1 ID2 --executor-id 2   legs 0, 1, 2 sharing order 0's group

    A batch of several ids shares the group of the first and numbers its legs 0, 1, 2, …
    """
    if new:
        if order_ids:
            raise click.UsageError("--new generates the order id; drop the ORDER_IDS")
        order_ids = (str(uuid_lib.uuid4()),)
    if not order_ids:
        raise click.UsageError("give one ORDER_ID (standalone order), several (a VL batch), or --new")
    values = [uuid_int.pack(order_ids[0], executor_id)] if len(order_ids) == 1 else \
        uuid_int.pack_batch(list(order_ids), executor_id)
    results = [{"order_id": order_id, **uuid_int.unpack(value).to_dict()}
               for order_id, value in zip(order_ids, values, strict=True)]
    if as_json:
        emit(True, results[0] if len(results) == 1 else results, None)
    elif new:
        emit(False, None, f"{results[0]['uuid_int']}  (order_id {order_ids[0]})")
    else:
        emit(False, None, "\n".join(r["uuid_int"] for r in results))
    return EXIT_OK


@uuid_group.command("unpack")
@click.argument("value")
@json_option
def uuid_unpack(value: str, as_json: bool) -> int:
    """Split a uuid_int into executor id, UUID, group id and leg id.

    \b
    Example:
      eip712kit uuid unpack 6427948336465191935941739505432058208337171677044006212075520
    """
    fields = uuid_int.unpack(value)
    data = fields.to_dict()
    lines = [
        f"executor_id  {fields.executor_id}",
        f"uuid         {fields.uuid}  ({'UUID4' if data['is_uuid4'] else 'not a version-4 UUID'})",
        f"group_id     {fields.group_id}",
        f"leg_id       {fields.leg_id}",
        "standalone   " + ("yes (leg 0, group = the UUID's first 112 bits)" if fields.is_standalone
                           else "no (a virtual-liquidity leg, or fields that break the standalone rule)"),
    ]
    emit(as_json, data, "\n".join(lines))
    return EXIT_OK


@uuid_group.command("check")
@click.argument("order_id")
@click.argument("value")
@click.option("--executor-id", type=int, default=None, help="Also require this executor id (from GET /health).")
@json_option
def uuid_check(order_id: str, value: str, executor_id: int | None, as_json: bool) -> int:
    """Check that ORDER_ID and a uuid_int encode the same order.

    As the API checks it: exit 0 yes, 1 no.

    \b
    Example:
      eip712kit uuid check 00000000-0000-4000-8000-000000000001 \\
          6427948336465191935941739505432058208337171677044006212075520 --executor-id 0
    """
    # Malformed input (not a UUID, not an integer) is exit 2; what the API refuses (another order,
    # another executor, an order id that is not a UUID4) is "no".
    uuid_int.parse_uuid(order_id)
    fields = uuid_int.unpack(value)
    try:
        uuid_int.require_binding(order_id, value, executor_id=executor_id)
    except Eip712KitError as exc:
        if exc.code not in ("UUID_MISMATCH", "UUID_NOT_V4"):
            raise
        emit(as_json, {"valid": False, "code": exc.code, "reason": exc.message, **fields.to_dict()},
             f"mismatch: {exc.message} [{exc.code}]")
        return EXIT_INVALID
    emit(as_json, {"valid": True, **fields.to_dict()},
         f"match: uuid_int encodes order {fields.uuid} (executor {fields.executor_id}, leg {fields.leg_id}"
         + (", standalone)" if fields.is_standalone else ", not standalone)"))
    return EXIT_OK


__all__ = ["uuid_group"]
