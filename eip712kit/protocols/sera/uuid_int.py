"""Sera's ``uuid_int``: one uint256 that binds an order's UUID to its executor, group and leg.

Sera orders carry two identifiers — ``order_id``, the human-readable UUID string, and ``uuid_int``,
the decimal uint256 signed in ``Order.uuid`` (and in ``CancelOrder.orderId``) — and the API refuses
an order whose two identifiers do not encode the same order. The layout, most significant bit
first::

    [255:252] executor_id (4) | [251:124] the UUID's 128 bits | [123:12] group_id (112) | [11:0] leg_id (12)

A standalone limit order has ``leg_id = 0`` and ``group_id`` = the first 112 bits of its own UUID
(``uuid >> 16``). A virtual-liquidity batch shares the ``group_id`` of its order 0 and numbers its
legs 0, 1, 2, … — so leg 0 of a batch packs to exactly what order 0 would pack to on its own.

UUIDs are accepted in the canonical hyphenated 8-4-4-4-12 form only (either case); braces, URNs
and bare hex are refused rather than guessed at.

Two layers, kept apart on purpose. Packing and unpacking (:func:`pack`, :func:`pack_fields`,
:func:`unpack`) are the bit layout and nothing more: they take any 128 bits, so a tool can show
what a malformed uuid_int holds. The *order* rules the Sera document states are checked where an
order is bound to its uuid_int (:func:`require_binding`, which the order builder and the reference
verifier use): the order id is a version-4 UUID ("order_id: 人類可讀的 UUID4 字串"; UUID_NOT_V4),
and a standalone order has ``leg_id = 0`` and ``group_id = uuid >> 16`` (UUID_NOT_STANDALONE).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...base.errors import Eip712KitError, ProtocolError
from ...base.parsers import DECIMAL_INTEGER, json_int, parse_int
from ...base.renamed import module_getattr, warn_renamed

EXECUTOR_BITS = 4
UUID_BITS = 128
GROUP_BITS = 112
LEG_BITS = 12

LEG_SHIFT = 0
GROUP_SHIFT = LEG_BITS  # 12
UUID_SHIFT = GROUP_SHIFT + GROUP_BITS  # 124
EXECUTOR_SHIFT = UUID_SHIFT + UUID_BITS  # 252

MAX_EXECUTOR_ID = (1 << EXECUTOR_BITS) - 1
MAX_LEGS = 1 << LEG_BITS  # leg ids 0 … 4095
GROUP_FROM_UUID_SHIFT = UUID_BITS - GROUP_BITS  # group_id = uuid >> 16
_UUID_MASK = (1 << UUID_BITS) - 1
_GROUP_MASK = (1 << GROUP_BITS) - 1
_LEG_MASK = (1 << LEG_BITS) - 1

_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_DECIMAL_TEXT = re.compile(DECIMAL_INTEGER)


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_uuid(text: Any) -> int:
    """The 128 bits of a UUID written ``xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`` (either case)."""
    if type(text) is not str or not _UUID_TEXT.match(text):
        raise ProtocolError(
            f"{_describe(text)} is not a UUID: write 32 hex digits grouped 8-4-4-4-12 with hyphens, "
            "e.g. 00000000-0000-4000-8000-000000000001",
            code="UUID_INVALID",
        )
    return int(text.replace("-", ""), 16)


def format_uuid(bits: int) -> str:
    """The canonical lowercase hyphenated form of 128 bits."""
    if not 0 <= bits < 1 << UUID_BITS:
        raise ProtocolError(f"{bits} does not fit the 128 bits of a UUID", code="UUID_INT_OUT_OF_RANGE")
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _is_uuid4_bits(bits: int) -> bool:
    return (bits >> 76) & 0xF == 4 and (bits >> 62) & 0b11 == 0b10


def is_uuid4(text: Any) -> bool:
    """Whether ``text`` is a well-formed RFC 4122 version-4 UUID (version nibble 4, variant 10xx).

    A malformed string is simply not a UUID4: this is a question, not a validation.
    """
    try:
        bits = parse_uuid(text)
    except ProtocolError:
        return False
    return _is_uuid4_bits(bits)


def parse_uuid4(order_id: Any, *, path: str = "order_id") -> int:
    """The bits of ``order_id``, refused unless it is a version-4 UUID (UUID_NOT_V4).

    The Sera document calls ``order_id`` a UUID4 string. Version 4 is the version nibble (the
    first digit of the third group) and the RFC 4122 variant ``10xx`` (the first digit of the
    fourth group is 8, 9, a or b); the nil UUID, a time-based version 1 and the all-ones UUID are
    not orders. ``path`` names the request field the UUID came from.
    """
    bits = _uuid_at(order_id, path)
    if not _is_uuid4_bits(bits):
        text = format_uuid(bits)
        version = (bits >> 76) & 0xF
        if bits == 0:
            what = "the nil UUID"
        elif version != 4:
            what = f"a version-{version} UUID (the first digit of its third group is {text[14]})"
        else:
            what = f"not of the RFC 4122 variant (the first digit of its fourth group is {text[19]}, not 8, 9, a or b)"
        raise ProtocolError(
            f"order id {text} is {what}: Sera order ids are version-4 UUIDs; make one with "
            "uuid.uuid4() (Python) or crypto.randomUUID() (JavaScript)",
            code="UUID_NOT_V4",
            path=path,
        )
    return bits


def _executor(executor_id: Any) -> int:
    try:
        value = parse_int(executor_id)
    except Eip712KitError as exc:
        raise exc.at("executor_id") from None
    if not 0 <= value <= MAX_EXECUTOR_ID:
        raise ProtocolError(
            f"executor_id {value} does not fit in 4 bits (0 to {MAX_EXECUTOR_ID}); read the current one "
            "from GET /health",
            code="EXECUTOR_ID_OUT_OF_RANGE",
            path="executor_id",
        )
    return value


def pack_fields(executor_id: int, uuid_bits: int, group_id: int, leg_id: int) -> int:
    """Compose a uuid_int from its four fields, each checked against its bit width."""
    executor = _executor(executor_id)
    for name, value, bits in (("uuid", uuid_bits, UUID_BITS), ("group_id", group_id, GROUP_BITS),
                              ("leg_id", leg_id, LEG_BITS)):
        if type(value) is not int or not 0 <= value < 1 << bits:
            too_many = name == "leg_id" and type(value) is int and value >= 0
            code = "TOO_MANY_LEGS" if too_many else "UUID_INT_OUT_OF_RANGE"
            raise ProtocolError(f"{name} {value!r} does not fit in {bits} bits", code=code, path=name)
    return (executor << EXECUTOR_SHIFT) | (uuid_bits << UUID_SHIFT) | (group_id << GROUP_SHIFT) | leg_id


def _uuid_at(order_id: Any, path: str) -> int:
    try:
        return parse_uuid(order_id)
    except Eip712KitError as exc:
        raise exc.at(path) from None


def pack(order_id: str, executor_id: int) -> int:
    """The uuid_int of a standalone limit order: ``leg_id = 0``, ``group_id = uuid >> 16``."""
    bits = _uuid_at(order_id, "order_id")
    return pack_fields(executor_id, bits, bits >> GROUP_FROM_UUID_SHIFT, 0)


def pack_leg(order_id: str, executor_id: int, leg_id: int, group_order_id: str) -> int:
    """The uuid_int of one leg of a virtual-liquidity batch whose order 0 is ``group_order_id``."""
    bits = _uuid_at(order_id, "order_id")
    group = _uuid_at(group_order_id, "group_order_id") >> GROUP_FROM_UUID_SHIFT
    if type(leg_id) is not int or not 0 <= leg_id < MAX_LEGS:
        raise ProtocolError(
            f"leg_id {leg_id!r} is not a leg number from 0 to {MAX_LEGS - 1}",
            code="TOO_MANY_LEGS" if type(leg_id) is int and leg_id >= 0 else "UUID_INT_OUT_OF_RANGE",
            path="leg_id",
        )
    return pack_fields(executor_id, bits, group, leg_id)


def pack_batch(order_ids: Iterable[str], executor_id: int) -> list[int]:
    """The uuid_ints of a virtual-liquidity batch: one group (from order 0), legs 0, 1, 2, ….

    The same order id twice in one batch is refused (DUPLICATE_ORDER_ID): the API binds each
    ``order_id`` to one ``uuid_int``, and two legs cannot be the same order.
    """
    if isinstance(order_ids, (str, bytes)):
        raise ProtocolError(
            "order_ids is a list of UUID strings, not one string", code="UUID_INVALID", path="order_ids"
        )
    ids = list(order_ids)
    if len(ids) > MAX_LEGS:
        raise ProtocolError(
            f"a virtual-liquidity batch numbers its legs in 12 bits: at most {MAX_LEGS} orders, got {len(ids)}",
            code="TOO_MANY_LEGS",
            path="order_ids",
        )
    executor = _executor(executor_id)
    seen: dict[int, int] = {}
    bits_list = []
    for index, order_id in enumerate(ids):
        try:
            bits = parse_uuid(order_id)
        except Eip712KitError as exc:
            raise exc.at(index).at("order_ids") from None
        if bits in seen:
            raise ProtocolError(
                f"order id {format_uuid(bits)} appears twice in the batch (legs {seen[bits]} and {index}); "
                "each leg is its own order with its own UUID",
                code="DUPLICATE_ORDER_ID",
                path=f"order_ids[{index}]",
            )
        seen[bits] = index
        bits_list.append(bits)
    if not bits_list:
        return []
    group = bits_list[0] >> GROUP_FROM_UUID_SHIFT
    head = (executor << EXECUTOR_SHIFT) | (group << GROUP_SHIFT)
    return [head | (bits << UUID_SHIFT) | leg for leg, bits in enumerate(bits_list)]


@dataclass(frozen=True)
class UuidInt:
    """The four fields of a uuid_int (``uuid`` in canonical lowercase form)."""

    executor_id: int
    uuid: str
    group_id: int
    leg_id: int
    _bits: int = field(init=False, repr=False, compare=False)
    """The UUID's 128 bits, parsed once (a verifier asks for them several times per order)."""
    _value: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Validates every field and normalises the UUID's case, so a UuidInt always packs.
        bits = parse_uuid(self.uuid)
        object.__setattr__(self, "uuid", format_uuid(bits))
        object.__setattr__(self, "_bits", bits)
        object.__setattr__(self, "_value", pack_fields(self.executor_id, bits, self.group_id, self.leg_id))

    @property
    def value(self) -> int:
        """The packed uint256."""
        return self._value

    def __int__(self) -> int:
        return self.value

    @property
    def is_standalone(self) -> bool:
        """Whether the fields follow the standalone rule (leg 0, group = the UUID's first 112 bits)."""
        return self.leg_id == 0 and self.group_id == self._bits >> GROUP_FROM_UUID_SHIFT

    def require_standalone(self) -> None:
        """Refuse (UUID_NOT_STANDALONE) unless leg_id is 0 and group_id is the UUID's first 112 bits.

        The Sera document's rule for an ordinary limit order. Only a leg of a virtual-liquidity
        batch may carry another group or a leg number (:func:`require_binding` with
        ``group_order_id``).
        """
        own_group = self._bits >> GROUP_FROM_UUID_SHIFT
        if self.leg_id != 0:
            raise ProtocolError(
                f"uuid_int carries leg_id {self.leg_id}: a standalone order has leg_id 0 (only the legs of a "
                "virtual-liquidity batch are numbered); pack it with uuid_int.pack(order_id, executor_id)",
                code="UUID_NOT_STANDALONE",
                path="uuid_int",
            )
        if self.group_id != own_group:
            raise ProtocolError(
                f"uuid_int carries group_id {self.group_id}, but a standalone order's group_id is the first 112 "
                f"bits of its own UUID ({own_group} = uuid >> 16); pack it with uuid_int.pack(order_id, executor_id)",
                code="UUID_NOT_STANDALONE",
                path="uuid_int",
            )

    def check_standalone(self) -> None:
        """The old name of :meth:`require_standalone`."""
        warn_renamed("UuidInt.check_standalone", "UuidInt.require_standalone")
        self.require_standalone()

    def to_dict(self) -> dict[str, Any]:
        return {
            "uuid_int": str(self.value),
            "executor_id": self.executor_id,
            "uuid": self.uuid,
            "group_id": json_int(self.group_id),  # 112 bits: a decimal string above 2**53, as JSON readers need
            "leg_id": self.leg_id,
            "is_uuid4": is_uuid4(self.uuid),
            "standalone": self.is_standalone,
        }




def _uuid_int_value(value: Any) -> int:
    """A uuid_int from an int or the decimal string it travels as (hex is refused: the API never sends it)."""
    if type(value) is str and not _DECIMAL_TEXT.match(value):
        raise ProtocolError(
            f"uuid_int {_describe(value)} is not a decimal string: the API sends it as base-10 digits",
            code="INVALID_INT",
            path="uuid_int",
        )
    try:
        number = parse_int(value)
    except Eip712KitError as exc:
        raise exc.at("uuid_int") from None
    if not 0 <= number < 1 << 256:
        raise ProtocolError(
            f"uuid_int {number} is outside 0 to 2**256-1", code="UUID_INT_OUT_OF_RANGE", path="uuid_int"
        )
    return number


def unpack(value: int | str) -> UuidInt:
    """Split a uuid_int (an int, or the decimal string it travels as) into executor id, UUID, group id and leg id."""
    number = _uuid_int_value(value)
    # Every field cut from a number already checked to be 256 bits fits its width, so the fields are
    # set as they are, not validated again by __init__ (which would format the UUID, parse it back and
    # repack it: most of a verifier's uuid_int check).
    fields = object.__new__(UuidInt)
    bits = (number >> UUID_SHIFT) & _UUID_MASK
    vars(fields).update(executor_id=number >> EXECUTOR_SHIFT, uuid=format_uuid(bits),
                        group_id=(number >> GROUP_SHIFT) & _GROUP_MASK, leg_id=number & _LEG_MASK, _bits=bits,
                        _value=number)
    return fields


def require_binding(
    order_id: str,
    uuid_int: int | str,
    *,
    executor_id: int | None = None,
    standalone: bool = False,
    group_order_id: str | None = None,
) -> UuidInt:
    """The API's check that ``order_id`` and ``uuid_int`` encode the same order; returns the fields.

    ``order_id`` must be a version-4 UUID (UUID_NOT_V4) and the UUID bits inside ``uuid_int``
    must equal it (UUID_MISMATCH otherwise). When ``executor_id`` is given (from ``GET /health``)
    it must match too. Group and leg are checked only when the caller says what the order is:
    ``standalone=True`` for an ordinary limit order (leg 0, its own group: UUID_NOT_STANDALONE),
    or ``group_order_id`` for a leg of the virtual-liquidity batch whose order 0 that is (the
    group must be that order's first 112 bits: UUID_MISMATCH). Neither: a batch leg legitimately
    carries another order's group, so only the UUID and executor are compared.
    """
    bits = parse_uuid4(order_id)
    fields = unpack(uuid_int)
    if fields._bits != bits:
        raise ProtocolError(
            f"uuid_int encodes order {fields.uuid}, not order_id {format_uuid(bits)}: pack the uuid_int "
            "from this order_id (uuid_int.pack) or send the order_id it was packed from",
            code="UUID_MISMATCH",
            path="uuid_int",
        )
    if executor_id is not None and fields.executor_id != _executor(executor_id):
        raise ProtocolError(
            f"uuid_int carries executor_id {fields.executor_id}, not the current {executor_id}: "
            "pack it again with the executor_id from GET /health",
            code="UUID_MISMATCH",
            path="uuid_int",
        )
    if standalone:
        fields.require_standalone()
    if group_order_id is not None:
        group = _uuid_at(group_order_id, "group_order_id") >> GROUP_FROM_UUID_SHIFT
        if fields.group_id != group:
            raise ProtocolError(
                f"uuid_int carries group_id {fields.group_id}, not {group}, the first 112 bits of the batch's "
                f"order 0 ({format_uuid(_uuid_at(group_order_id, 'group_order_id'))}): pack the batch with "
                "uuid_int.pack_batch",
                code="UUID_MISMATCH",
                path="uuid_int",
            )
    return fields


__all__ = [
    "EXECUTOR_SHIFT",
    "GROUP_FROM_UUID_SHIFT",
    "GROUP_SHIFT",
    "LEG_SHIFT",
    "MAX_EXECUTOR_ID",
    "MAX_LEGS",
    "UUID_SHIFT",
    "UuidInt",
    "format_uuid",
    "is_uuid4",
    "pack",
    "pack_batch",
    "pack_fields",
    "pack_leg",
    "parse_uuid",
    "parse_uuid4",
    "require_binding",
    "unpack",
]

if not TYPE_CHECKING:  # old names kept working, with a warning (base/renamed.py)
    __getattr__ = module_getattr(__name__, {
        "check_binding": "require_binding",
        "check_uuid4": "parse_uuid4",
    }, globals())
