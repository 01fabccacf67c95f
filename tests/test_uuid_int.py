"""Sera's uuid_int: the seed's example, the layout's properties, and what is refused."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eip712kit import Eip712KitError, uuid_int
from eip712kit.protocols.sera.uuid_int import (
    UuidInt,
    is_uuid4,
    pack,
    pack_batch,
    pack_fields,
    pack_leg,
    require_binding,
    unpack,
)

SEED_ORDER_ID = "00000000-0000-4000-8000-000000000001"
SEED_UUID_INT = 6427948336465191935941739505432058208337171677044006212075520  # from the Sera document


def seed_standalone(order_id: str, executor_id: int) -> int:
    """The document's encodeStandaloneUuid, transcribed line by line (stdlib UUID parsing)."""
    raw = uuid.UUID(order_id).int
    group = raw >> 16
    return (executor_id << 252) | (raw << 124) | (group << 12)


def seed_vl(order_id: str, executor_id: int, leg_id: int, group_order_id: str) -> int:
    """The document's encodeVlUuid, transcribed line by line."""
    raw = uuid.UUID(order_id).int
    group = uuid.UUID(group_order_id).int >> 16
    return (executor_id << 252) | (raw << 124) | (group << 12) | leg_id


uuids = st.uuids(version=4).map(str)  # order ids are UUID4s (require_binding refuses others)
any_uuid_text = st.uuids(version=None).map(str) | st.uuids().map(lambda u: str(u).upper())
executors = st.integers(0, 15)


def test_the_seed_example_holds_exactly() -> None:
    assert pack(SEED_ORDER_ID, 0) == SEED_UUID_INT
    fields = unpack(str(SEED_UUID_INT))  # it travels as a decimal string
    assert fields == UuidInt(executor_id=0, uuid=SEED_ORDER_ID, group_id=int("0000000000004000800000000000", 16),
                             leg_id=0)
    assert fields.is_standalone
    assert fields.value == SEED_UUID_INT
    assert require_binding(SEED_ORDER_ID, SEED_UUID_INT, executor_id=0) == fields
    assert is_uuid4(SEED_ORDER_ID)


@given(order_id=any_uuid_text, executor_id=executors)
def test_pack_is_the_documents_formula_and_unpacks_back(order_id: str, executor_id: int) -> None:
    value = pack(order_id, executor_id)
    assert value == seed_standalone(order_id, executor_id)
    assert 0 <= value < 2**256
    fields = unpack(value)
    assert (fields.executor_id, fields.uuid, fields.leg_id) == (executor_id, order_id.lower(), 0)
    assert fields.group_id == uuid.UUID(order_id).int >> 16
    assert fields.is_standalone
    assert fields.value == value == int(fields)


@given(executor_id=executors, bits=st.integers(0, 2**128 - 1), group=st.integers(0, 2**112 - 1),
       leg=st.integers(0, 4095))
def test_fields_never_overlap(executor_id: int, bits: int, group: int, leg: int) -> None:
    value = pack_fields(executor_id, bits, group, leg)
    parts = [executor_id << 252, bits << 124, group << 12, leg]
    assert value == sum(parts)  # OR equals SUM only when no two fields share a bit
    unpacked = unpack(value)
    assert (unpacked.executor_id, uuid.UUID(unpacked.uuid).int, unpacked.group_id, unpacked.leg_id) == (
        executor_id, bits, group, leg)
    # changing one field moves only that field's bits
    assert unpack(pack_fields(executor_id, bits, group, leg ^ 1)).group_id == group


@given(st.integers(0, 2**256 - 1))
def test_unpack_makes_what_the_constructor_makes(value: int) -> None:
    # unpack sets the fields of a checked number directly; the constructor validates and packs them
    unpacked = unpack(value)
    built = UuidInt(unpacked.executor_id, unpacked.uuid.upper(), unpacked.group_id, unpacked.leg_id)
    assert unpacked == built and repr(unpacked) == repr(built)
    assert (unpacked.value, unpacked.is_standalone, unpacked.to_dict()) == (built.value, built.is_standalone,
                                                                            built.to_dict())
    assert unpacked.value == value == unpack(str(value)).value


def test_the_field_masks_tile_256_bits() -> None:
    masks = [(2**4 - 1) << uuid_int.EXECUTOR_SHIFT, (2**128 - 1) << uuid_int.UUID_SHIFT,
             (2**112 - 1) << uuid_int.GROUP_SHIFT, 2**12 - 1]
    assert sum(masks) == 2**256 - 1
    for i, a in enumerate(masks):
        for b in masks[i + 1:]:
            assert a & b == 0


@settings(max_examples=50)
@given(order_ids=st.lists(uuids, min_size=1, max_size=30, unique=True), executor_id=executors)
def test_batch_legs_share_order_zeros_group(order_ids: list[str], executor_id: int) -> None:
    values = pack_batch(order_ids, executor_id)
    assert len(values) == len(order_ids)
    group = uuid.UUID(order_ids[0]).int >> 16
    for leg, (order_id, value) in enumerate(zip(order_ids, values, strict=True)):
        fields = unpack(value)
        assert (fields.executor_id, fields.uuid, fields.group_id, fields.leg_id) == (
            executor_id, order_id, group, leg)
        assert value == seed_vl(order_id, executor_id, leg, order_ids[0])
        assert value == pack_leg(order_id, executor_id, leg, order_ids[0])
        require_binding(order_id, value)
    assert values[0] == pack(order_ids[0], executor_id)  # leg 0 is order 0 packed on its own


def test_batch_sizes() -> None:
    ids = [str(uuid.UUID(int=(i << 64) | 0x4000_0000_0000_8000)) for i in range(1, 4098)]
    assert len(pack_batch(ids[:4096], 1)) == 4096  # legs 0 … 4095
    with pytest.raises(Eip712KitError) as info:
        pack_batch(ids, 1)
    assert (info.value.code, info.value.path) == ("TOO_MANY_LEGS", "order_ids")
    assert pack_batch([], 1) == []
    with pytest.raises(Eip712KitError) as info:
        pack_batch([ids[0], ids[1], ids[0].upper()], 1)
    assert (info.value.code, info.value.path) == ("DUPLICATE_ORDER_ID", "order_ids[2]")
    with pytest.raises(Eip712KitError) as info:
        pack_batch([ids[0], "nope"], 1)
    assert (info.value.code, info.value.path) == ("UUID_INVALID", "order_ids[1]")


@pytest.mark.parametrize(
    "text",
    [
        "00000000000040008000000000000001",  # no hyphens
        "{00000000-0000-4000-8000-000000000001}",
        "urn:uuid:00000000-0000-4000-8000-000000000001",
        "00000000-0000-4000-8000-00000000000g",
        "0000000-00000-4000-8000-000000000001",  # wrong grouping
        " 00000000-0000-4000-8000-000000000001",
        "00000000-0000-4000-8000-000000000001\n",
        "",
        12345,
        None,
    ],
)
def test_malformed_uuids_are_refused(text: object) -> None:
    with pytest.raises(Eip712KitError) as info:
        pack(text, 0)  # type: ignore[arg-type]
    assert (info.value.code, info.value.path) == ("UUID_INVALID", "order_id")
    assert not is_uuid4(text)


@given(u=st.uuids(version=None))
def test_is_uuid4_agrees_with_the_stdlib(u: uuid.UUID) -> None:
    assert is_uuid4(str(u)) == (u.variant == uuid.RFC_4122 and u.version == 4)
    assert is_uuid4(str(u).upper()) == is_uuid4(str(u))


def test_uppercase_uuids_are_accepted_and_read_back_lowercase() -> None:
    assert pack(SEED_ORDER_ID.upper().replace("X", "x"), 0) == SEED_UUID_INT
    assert unpack(SEED_UUID_INT).uuid == SEED_ORDER_ID
    assert UuidInt(0, SEED_ORDER_ID.upper(), 0, 0).uuid == SEED_ORDER_ID
    assert not is_uuid4("00000000-0000-1000-8000-000000000001")  # version 1
    assert not is_uuid4("00000000-0000-4000-c000-000000000001")  # variant 110x (Microsoft)


@pytest.mark.parametrize(
    ("call", "code", "path"),
    [
        (lambda: pack(SEED_ORDER_ID, 16), "EXECUTOR_ID_OUT_OF_RANGE", "executor_id"),
        (lambda: pack(SEED_ORDER_ID, -1), "EXECUTOR_ID_OUT_OF_RANGE", "executor_id"),
        (lambda: pack(SEED_ORDER_ID, True), "INVALID_INT", "executor_id"),
        (lambda: pack_batch([SEED_ORDER_ID], 99), "EXECUTOR_ID_OUT_OF_RANGE", "executor_id"),
        (lambda: unpack(2**256), "UUID_INT_OUT_OF_RANGE", "uuid_int"),
        (lambda: unpack(-1), "UUID_INT_OUT_OF_RANGE", "uuid_int"),
        (lambda: unpack("12.5"), "INVALID_INT", "uuid_int"),
        (lambda: unpack("0x01"), "INVALID_INT", "uuid_int"),  # the API sends decimal only
        (lambda: unpack(" 1"), "INVALID_INT", "uuid_int"),
        (lambda: unpack(True), "INVALID_INT", "uuid_int"),
        (lambda: pack_leg(SEED_ORDER_ID, 0, 4096, SEED_ORDER_ID), "TOO_MANY_LEGS", "leg_id"),
        (lambda: pack_fields(0, 2**128, 0, 0), "UUID_INT_OUT_OF_RANGE", "uuid"),
        (lambda: pack_fields(0, 0, 2**112, 0), "UUID_INT_OUT_OF_RANGE", "group_id"),
        (lambda: UuidInt(0, SEED_ORDER_ID, 0, -1), "UUID_INT_OUT_OF_RANGE", "leg_id"),
    ],
)
def test_out_of_range_values_are_refused(call: object, code: str, path: str) -> None:
    with pytest.raises(Eip712KitError) as info:
        call()  # type: ignore[operator]
    assert (info.value.code, info.value.path) == (code, path)


def test_binding_mismatches() -> None:
    other = "00000000-0000-4000-8000-000000000002"
    with pytest.raises(Eip712KitError) as info:
        require_binding(other, SEED_UUID_INT)
    assert (info.value.code, info.value.path) == ("UUID_MISMATCH", "uuid_int")
    assert SEED_ORDER_ID in info.value.message and other in info.value.message
    with pytest.raises(Eip712KitError) as info:
        require_binding(SEED_ORDER_ID, SEED_UUID_INT, executor_id=3)
    assert info.value.code == "UUID_MISMATCH"
    # a batch leg binds to its own order id, though its group is another order's
    legs = pack_batch([other, SEED_ORDER_ID], 2)
    fields = require_binding(SEED_ORDER_ID, str(legs[1]), executor_id=2)
    assert not fields.is_standalone


# --- the document's order rules: a UUID4 order id; a standalone order has leg 0 and its own group --

V4_VARIANT_B = "00000000-0000-4000-b000-000000000001"


@pytest.mark.parametrize(("order_id", "accepted"), [
    (SEED_ORDER_ID, True),                                 # version 4, variant 8 (the document's example)
    (V4_VARIANT_B, True),                                  # version 4, variant b: the other end of 10xx
    ("00000000-0000-1000-8000-000000000001", False),       # version 1
    ("00000000-0000-5000-8000-000000000001", False),       # version 5
    ("00000000-0000-0000-0000-000000000000", False),       # the nil UUID
    ("ffffffff-ffff-ffff-ffff-ffffffffffff", False),       # all ones (version f)
    ("00000000-0000-4000-7000-000000000001", False),       # version 4 digit, variant 0xxx (NCS)
    ("00000000-0000-4000-c000-000000000001", False),       # version 4 digit, variant 110x (Microsoft)
])
def test_an_order_id_must_be_a_version_4_uuid(order_id: str, accepted: bool) -> None:
    value = pack(order_id, 0)  # the bit layout itself takes any UUID ...
    assert unpack(value).uuid == order_id
    if accepted:  # ... the binding check holds the order to the document's "UUID4"
        assert require_binding(order_id, value, standalone=True).value == value
        assert uuid_int.parse_uuid4(order_id.upper()) == int(order_id.replace("-", ""), 16)
        return
    for call in (lambda: require_binding(order_id, value), lambda: uuid_int.parse_uuid4(order_id)):
        with pytest.raises(Eip712KitError) as info:
            call()
        assert (info.value.code, info.value.path) == ("UUID_NOT_V4", "order_id")
        assert order_id in info.value.message


@pytest.mark.parametrize(("leg", "group_delta", "code"), [
    (0, 0, None),                     # leg 0, group = uuid >> 16: standalone
    (1, 0, "UUID_NOT_STANDALONE"),    # leg 1
    (4095, 0, "UUID_NOT_STANDALONE"),
    (0, 1, "UUID_NOT_STANDALONE"),    # group off by one, either way
    (0, -1, "UUID_NOT_STANDALONE"),
])
def test_a_standalone_order_has_leg_0_and_its_own_group(leg: int, group_delta: int, code: str | None) -> None:
    bits = int(SEED_ORDER_ID.replace("-", ""), 16)
    value = pack_fields(4, bits, (bits >> 16) + group_delta, leg)
    fields = unpack(value)
    assert fields.is_standalone is (code is None)
    require_binding(SEED_ORDER_ID, value, executor_id=4)  # not asked: a batch leg binds to its own order id
    if code is None:
        assert require_binding(SEED_ORDER_ID, value, executor_id=4, standalone=True) == fields
        assert value == pack(SEED_ORDER_ID, 4)
        return
    with pytest.raises(Eip712KitError) as info:
        require_binding(SEED_ORDER_ID, value, executor_id=4, standalone=True)
    assert (info.value.code, info.value.path) == (code, "uuid_int")
    assert ("leg_id" if leg else "group_id") in info.value.message


def test_a_batch_leg_carries_order_zeros_group() -> None:
    order0, order1 = SEED_ORDER_ID, "11111111-2222-4333-8444-555555555555"  # another group
    legs = pack_batch([order0, order1], 2)
    assert require_binding(order1, legs[1], group_order_id=order0).leg_id == 1
    assert require_binding(order0, legs[0], group_order_id=order0, standalone=True).leg_id == 0
    with pytest.raises(Eip712KitError) as info:  # grouped under another batch's order 0
        require_binding(order1, legs[1], group_order_id=order1)
    assert (info.value.code, info.value.path) == ("UUID_MISMATCH", "uuid_int")
    with pytest.raises(Eip712KitError) as info:
        require_binding(order1, legs[1], standalone=True)
    assert info.value.code == "UUID_NOT_STANDALONE"
