"""Sera's EIP-712 structs, field for field as the document lists them (the order is part of the hash)."""

from __future__ import annotations

from typing import Any

from ...base.errors import Eip712KitError, ProtocolError
from ..struct import Struct
from . import uuid_int as uuid_int_mod


class ManageApiKey(Struct):
    """Creates, lists or revokes read-only API keys; ``action`` is create, list, revoke_<api_key>, revoke_all."""

    fields = (("owner", "address"), ("action", "string"), ("timestamp", "uint256"))


class Order(Struct):
    """A limit order as the settlement contract sees it: what ``user`` spends and receives."""

    fields = (
        ("user", "address"),
        ("expiration", "uint48"),
        ("feeBps", "uint48"),
        ("recipient", "address"),
        ("fromToken", "address"),
        ("toToken", "address"),
        ("fromAmount", "uint256"),
        ("toAmount", "uint256"),
        ("initialDepositAmount", "uint256"),
        ("uuid", "uint256"),
    )


class Intent(Struct):
    """A swap intent: the ``route_params`` of ``POST /swap/quote``, signed exactly as returned."""

    fields = (
        ("taker", "address"),
        ("inputToken", "address"),
        ("outputToken", "address"),
        ("maxInputAmount", "uint256"),
        ("minOutputAmount", "uint256"),
        ("recipient", "address"),
        ("initialDepositAmount", "uint256"),
        ("uuid", "uint256"),
        ("deadline", "uint48"),
    )


class CancelOrder(Struct):
    """Cancels one order. ``orderId`` is the packed uuid_int (uint256), not the UUID string."""

    fields = (("owner", "address"), ("orderId", "uint256"))

    @classmethod
    def _explain(cls, field_name: str, value: Any, exc: Eip712KitError) -> Eip712KitError:
        if field_name == "orderId" and isinstance(value, str) and "-" in value:
            try:
                uuid_int_mod.parse_uuid(value)
            except Eip712KitError:
                return exc
            return ProtocolError(
                f"orderId {value} is the order's UUID string; CancelOrder signs the packed uuid_int "
                "(uuid_int.pack(order_id, executor_id), or the uuid_int the order was placed with)",
                code="INVALID_INT",
            )
        return exc


class CancelVLBatch(Struct):
    """Cancels a whole virtual-liquidity batch by its id."""

    fields = (("owner", "address"), ("vlBatchId", "string"))


class WithdrawIntent(Struct):
    """Withdraws ``amounts[i]`` of ``tokens[i]`` to ``recipient``."""

    fields = (
        ("user", "address"),
        ("tokens", "address[]"),
        ("amounts", "uint256[]"),
        ("recipient", "address"),
        ("deadline", "uint256"),
        ("uuid", "uint256"),
    )


STRUCTS: tuple[type[Struct], ...] = (ManageApiKey, Order, Intent, CancelOrder, CancelVLBatch, WithdrawIntent)


__all__ = ["STRUCTS", "CancelOrder", "CancelVLBatch", "Intent", "ManageApiKey", "Order", "WithdrawIntent"]
