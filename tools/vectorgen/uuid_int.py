"""The uuid_int suite: Sera's packed order id, checked against the document's formula written again here."""

from __future__ import annotations

import uuid
from typing import Any

from .common import (
    SEED_ORDER_ID,
    SEED_UUID_INT,
    UINT256_MAX,
    GenerationError,
    rand_uuid4,
    rng,
    seed_standalone,
    seed_vl,
)
from .suite import Suite


def build_uuid_int(att: dict[str, Any]) -> Suite:
    s = Suite("uuid_int", "Sera's uuid_int: [255:252] executor_id | [251:124] UUID | [123:12] group_id | "
              "[11:0] leg_id. Packing standalone orders and virtual-liquidity batches, unpacking, the "
              "order_id binding check, and every field at its extremes.", att)

    def pack(name: str, description: str, order_id: str, executor_id: int) -> None:
        def check(case_id: str, ours: dict[str, Any]) -> list[str]:
            if int(ours["uuid_int"]) != seed_standalone(order_id, executor_id):
                raise GenerationError(f"{case_id}: uuid_int differs from the document's formula")
            return []

        s.positive(name, "uuid_int", description,
                   {"operation": "pack", "order_id": order_id, "executor_id": executor_id}, check)

    pack("seed-example", "The Sera document's example: executor 0, order 00000000-0000-4000-8000-000000000001.",
         SEED_ORDER_ID, 0)
    if seed_standalone(SEED_ORDER_ID, 0) != SEED_UUID_INT:
        raise GenerationError("the document's example does not hold")
    s.cases[-1]["expected"]["uuid_int"] = str(SEED_UUID_INT)  # (equal, asserted above: the published value)
    pack("executor-max", "executor_id 15, the largest 4-bit value.", SEED_ORDER_ID, 15)
    pack("executor-1", "executor_id 1.", SEED_ORDER_ID, 1)
    pack("uuid-zero", "The all-zero UUID (not version 4; packing is about bits).",
         "00000000-0000-0000-0000-000000000000", 0)
    pack("uuid-max", "The all-ones UUID with executor 15: every bit of the top 252 set.",
         "ffffffff-ffff-ffff-ffff-ffffffffffff", 15)
    pack("uuid-uppercase", "A UUID in upper case packs to the same bits.", "5F0C6A2E-8D1B-4C3A-9E7F-0A1B2C3D4E5F", 3)
    r = rng("uuid_int/pack")
    for i in range(6):
        pack(f"random-{i}", "A seeded random UUID4 with a random executor.", rand_uuid4(r), r.randint(0, 15))

    def batch(name: str, description: str, order_ids: list[str], executor_id: int) -> None:
        def check(case_id: str, ours: dict[str, Any]) -> list[str]:
            want = [str(seed_vl(o, executor_id, leg, order_ids[0])) for leg, o in enumerate(order_ids)]
            if ours["uuid_ints"] != want:
                raise GenerationError(f"{case_id}: batch differs from the document's formula")
            return []

        s.positive(name, "uuid_int", description,
                   {"operation": "pack_batch", "order_ids": order_ids, "executor_id": executor_id}, check)

    r = rng("uuid_int/batch")
    for n in (1, 2, 3, 10, 40):
        batch(f"batch-{n}", f"A virtual-liquidity batch of {n} order(s): group from order 0, legs 0..{n - 1}.",
              [rand_uuid4(r) for _ in range(n)], r.randint(0, 15))
    batch("batch-seed-first", "A batch whose order 0 is the document's example order.",
          [SEED_ORDER_ID, "00000000-0000-4000-8000-000000000002"], 0)

    def leg(name: str, description: str, order_id: str, executor_id: int, leg_id: int, group_order_id: str) -> None:
        def check(case_id: str, ours: dict[str, Any]) -> list[str]:
            if int(ours["uuid_int"]) != seed_vl(order_id, executor_id, leg_id, group_order_id):
                raise GenerationError(f"{case_id}: leg differs from the document's formula")
            return []

        s.positive(name, "uuid_int", description, {"operation": "pack_leg", "order_id": order_id,
                                                   "executor_id": executor_id, "leg_id": leg_id,
                                                   "group_order_id": group_order_id}, check)

    leg("leg-max", "leg_id 4095, the largest 12-bit leg.", "00000000-0000-4000-8000-000000000fff", 2, 4095,
        SEED_ORDER_ID)
    leg("leg-0-own-group", "Leg 0 grouped under itself equals the standalone packing.", SEED_ORDER_ID, 0, 0,
        SEED_ORDER_ID)
    leg("leg-group-max", "A group from the all-ones UUID (group_id = 2**112 - 1).", SEED_ORDER_ID, 0, 7,
        "ffffffff-ffff-ffff-ffff-ffffffffffff")

    def unpack(name: str, description: str, value: int) -> None:
        def check(case_id: str, ours: dict[str, Any]) -> list[str]:
            fields = (value >> 252, (value >> 124) & (2**128 - 1), (value >> 12) & (2**112 - 1), value & 0xFFF)
            got = (ours["executor_id"], int(ours["uuid"].replace("-", ""), 16), int(ours["group_id"]),
                   ours["leg_id"])
            if got != fields:
                raise GenerationError(f"{case_id}: unpack differs from the layout's shifts")
            # standalone: the document's rule (leg 0, group = uuid >> 16); is_uuid4: the stdlib's reading
            standalone = fields[3] == 0 and fields[2] == fields[1] >> 16
            as_uuid = uuid.UUID(int=fields[1])
            if (ours["standalone"], ours["is_uuid4"]) != (standalone, as_uuid.variant == uuid.RFC_4122
                                                          and as_uuid.version == 4):
                raise GenerationError(f"{case_id}: standalone or is_uuid4 differs from the document's rule")
            return []

        s.positive(name, "uuid_int", description, {"operation": "unpack", "uuid_int": str(value)}, check)

    unpack("unpack-seed", "Unpack the document's example.", SEED_UUID_INT)
    unpack("unpack-zero", "Unpack 0: every field zero.", 0)
    unpack("unpack-max", "Unpack 2**256 - 1: every field at its maximum.", UINT256_MAX)
    unpack("unpack-executor-only", "Only the executor bits set.", 15 << 252)
    unpack("unpack-leg-only", "Only the leg bits set (4095).", 0xFFF)
    unpack("unpack-group-only", "Only the group bits set.", (2**112 - 1) << 12)
    unpack("unpack-batch-leg", "A leg of a batch: its group is not its own UUID's (not standalone).",
           seed_vl("00000000-0000-4000-8000-000000000002", 0, 1, SEED_ORDER_ID))
    unpack("unpack-standalone-leg-1", "Leg 1 with the order's own group: not standalone (a standalone order has "
           "leg_id 0).", seed_vl(SEED_ORDER_ID, 0, 1, SEED_ORDER_ID))
    unpack("unpack-standalone-group-plus-1", "Leg 0 with group_id = uuid >> 16, plus one: not standalone.",
           seed_standalone(SEED_ORDER_ID, 0, group_delta=1))
    unpack("unpack-standalone-group-minus-1", "Leg 0 with group_id = uuid >> 16, minus one: not standalone.",
           seed_standalone(SEED_ORDER_ID, 0, group_delta=-1))
    s.positive("check-binding-seed", "uuid_int",
               "order_id and uuid_int of the document's example encode the same order.",
               {"operation": "check_binding", "order_id": SEED_ORDER_ID, "uuid_int": str(SEED_UUID_INT)})
    s.positive("check-binding-executor", "uuid_int", "The binding check with the current executor_id given too.",
               {"operation": "check_binding", "order_id": SEED_ORDER_ID,
                            "uuid_int": str(seed_standalone(SEED_ORDER_ID, 9)), "executor_id": 9})
    s.positive("check-binding-leg", "uuid_int",
               "A batch leg binds to its own order_id (group and leg are not checked).",
               {"operation": "check_binding", "order_id": "00000000-0000-4000-8000-000000000002",
                            "uuid_int": str(seed_vl("00000000-0000-4000-8000-000000000002", 0, 1, SEED_ORDER_ID))})

    # negatives
    s.negative("executor-16", "uuid_int", "executor_id 16 does not fit 4 bits.",
               {"operation": "pack", "order_id": SEED_ORDER_ID, "executor_id": 16}, "EXECUTOR_ID_OUT_OF_RANGE",
               "executor_id")
    s.negative("executor-negative", "uuid_int", "executor_id -1.",
               {"operation": "pack", "order_id": SEED_ORDER_ID, "executor_id": -1}, "EXECUTOR_ID_OUT_OF_RANGE",
               "executor_id")
    s.negative("batch-executor-16", "uuid_int", "A batch with executor_id 16.",
               {"operation": "pack_batch", "order_ids": [SEED_ORDER_ID], "executor_id": 16},
               "EXECUTOR_ID_OUT_OF_RANGE", "executor_id")
    r = rng("uuid_int/too-many")
    s.negative("batch-4097-legs", "uuid_int", "4097 orders in one batch: legs are numbered in 12 bits (0..4095).",
               {"operation": "pack_batch", "order_ids": [rand_uuid4(r) for _ in range(4097)], "executor_id": 0},
               "TOO_MANY_LEGS", "order_ids")
    s.negative("leg-4096", "uuid_int", "leg_id 4096 does not fit 12 bits.",
               {"operation": "pack_leg", "order_id": SEED_ORDER_ID, "executor_id": 0, "leg_id": 4096,
                "group_order_id": SEED_ORDER_ID}, "TOO_MANY_LEGS", "leg_id")
    s.negative("batch-duplicate", "uuid_int", "The same order twice in one batch.",
               {"operation": "pack_batch", "order_ids": [SEED_ORDER_ID, SEED_ORDER_ID], "executor_id": 0},
               "DUPLICATE_ORDER_ID", "order_ids[1]")
    s.negative("unpack-2-256", "uuid_int", "2**256 is beyond 256 bits.",
               {"operation": "unpack", "uuid_int": str(2**256)}, "UUID_INT_OUT_OF_RANGE", "uuid_int")
    s.negative("unpack-negative", "uuid_int", "A negative uuid_int.",
               {"operation": "unpack", "uuid_int": "-1"}, "UUID_INT_OUT_OF_RANGE", "uuid_int")
    s.negative("unpack-not-a-number", "uuid_int", "A uuid_int that is not a decimal string.",
               {"operation": "unpack", "uuid_int": "12ab"}, "INVALID_INT", "uuid_int")
    for label, bad in (("no-hyphens", "00000000000040008000000000000001"),
                       ("braces", "{00000000-0000-4000-8000-000000000001}"),
                       ("urn", "urn:uuid:00000000-0000-4000-8000-000000000001"),
                       ("short", "00000000-0000-4000-8000-00000000001"),
                       ("non-hex", "0000000g-0000-4000-8000-000000000001"),
                       ("empty", ""), ("spaces", " 00000000-0000-4000-8000-000000000001")):
        s.negative(f"uuid-malformed-{label}", "uuid_int", f"A malformed UUID string ({label}).",
                   {"operation": "pack", "order_id": bad, "executor_id": 0}, "UUID_INVALID", "order_id")
    s.negative("batch-malformed", "uuid_int", "A malformed UUID inside a batch: the path names its index.",
               {"operation": "pack_batch", "order_ids": [SEED_ORDER_ID, "nope"], "executor_id": 0},
               "UUID_INVALID", "order_ids[1]")
    s.negative("binding-mismatch", "uuid_int", "order_id and uuid_int of different orders.",
               {"operation": "check_binding", "order_id": "00000000-0000-4000-8000-000000000002",
                "uuid_int": str(SEED_UUID_INT)}, "UUID_MISMATCH", "uuid_int")
    s.positive("check-binding-variant-b", "uuid_int", "A UUID4 whose variant digit is b (the top of 8..b) binds.",
               {"operation": "check_binding", "order_id": "00000000-0000-4000-b000-000000000001",
                "uuid_int": str(seed_standalone("00000000-0000-4000-b000-000000000001", 0))})
    for label, bad_id, what in (("version-1", "00000000-0000-1000-8000-000000000001", "a version-1 UUID"),
                                ("nil", "00000000-0000-0000-0000-000000000000", "the nil UUID"),
                                ("variant-c", "00000000-0000-4000-c000-000000000001",
                                 "version digit 4 but variant digit c (not RFC 4122)")):
        s.negative(f"binding-{label}", "uuid_int", f"The order id is {what}: Sera order ids are UUID4s.",
                   {"operation": "check_binding", "order_id": bad_id, "uuid_int": str(seed_standalone(bad_id, 0))},
                   "UUID_NOT_V4", "order_id")
    s.negative("binding-executor-mismatch", "uuid_int", "uuid_int packed with executor 0, current executor is 1.",
               {"operation": "check_binding", "order_id": SEED_ORDER_ID, "uuid_int": str(SEED_UUID_INT),
                "executor_id": 1}, "UUID_MISMATCH", "uuid_int")
    return s
