"""The renance suite: every Renance / XBlade Vault struct, on the documented domain and a served one."""

from __future__ import annotations

from typing import Any

from eip712kit.protocols import renance
from eip712kit.protocols.struct import Struct

from .common import (
    DEV0,
    DEV1,
    SERVER_NOW,
    UINT32_MAX,
    UINT256_MAX,
    GenerationError,
)
from .suite import Suite, struct_cases

RENANCE_NONCE_TYPED_DATA = {
    "types": {"EIP712Domain": renance.DOMAIN.types(), **renance.Login.types()},
    "primaryType": "Login",
    "domain": {**renance.DOMAIN.to_dict(), "chainId": 42161},
    "message": {"wallet": DEV0.lower(), "nonce": 918273, "timestamp": SERVER_NOW},
}
"""A GET /auth/nonce typed_data from a server on another chain (42161): the domain is taken from it."""


def build_renance(att: dict[str, Any]) -> Suite:
    s = Suite("renance", "Every Renance / XBlade Vault struct (Login, CreateOrder, CancelOrder, "
              "BatchCancelOrders) on the documented XBlade Vault domain and on a domain handed out by a "
              "server's GET /auth/nonce typed_data.", att)
    served, differences = renance.domain_from_typed_data(RENANCE_NONCE_TYPED_DATA)
    if not differences:
        raise GenerationError("the served domain was meant to differ from the documented one")
    domains = {"default": (renance.DOMAIN, "the documented XBlade Vault domain (Arbitrum Sepolia)"),
               "served": (served, "a domain served in GET /auth/nonce typed_data (" + "; ".join(differences) + ")")}
    z = "0x0000000000000000000000000000000000000000"
    twenty = ",".join(f"ord-{i:04d}" for i in range(20))
    values: dict[type[Struct], dict[str, dict[str, Any]]] = {
        renance.Login: {
            "typical": {"wallet": DEV0, "nonce": 918273, "timestamp": SERVER_NOW},
            "zero": {"wallet": z, "nonce": 0, "timestamp": 0},
            "maxima": {"wallet": DEV1, "nonce": str(UINT256_MAX), "timestamp": str(UINT256_MAX)},
            "large-nonce": {"wallet": DEV0, "nonce": "340282366920938463463374607431768211455",
                            "timestamp": SERVER_NOW},
        },
        renance.CreateOrder: {
            "limit-buy": {"wallet": DEV0, "symbol": "BTCUSDT", "side": "buy", "orderType": "limit",
                          "price": "65000.5", "amount": "0.001", "leverage": 1, "timestamp": SERVER_NOW},
            "limit-sell-leverage": {"wallet": DEV0, "symbol": "ETHUSDT", "side": "sell", "orderType": "limit",
                                    "price": "3012.34", "amount": "1.25", "leverage": 20, "timestamp": SERVER_NOW},
            "market-empty-price": {"wallet": DEV0, "symbol": "BTCUSDT", "side": "buy", "orderType": "market",
                                   "price": "", "amount": "0.5", "leverage": 1, "timestamp": SERVER_NOW},
            "leverage-max": {"wallet": DEV0, "symbol": "SOLUSDT", "side": "sell", "orderType": "limit",
                             "price": "150", "amount": "10", "leverage": UINT32_MAX, "timestamp": SERVER_NOW},
            "zero": {"wallet": z, "symbol": "", "side": "", "orderType": "", "price": "", "amount": "",
                     "leverage": 0, "timestamp": 0},
            "unicode": {"wallet": DEV0, "symbol": "币安币/USDT", "side": "buy", "orderType": "limit",
                        "price": "１２３", "amount": "0.1", "leverage": 1, "timestamp": SERVER_NOW},
            "trailing-zeros": {"wallet": DEV0, "symbol": "BTCUSDT", "side": "buy", "orderType": "limit",
                               "price": "65000.50", "amount": "0.0010", "leverage": 1, "timestamp": SERVER_NOW},
            "long-strings": {"wallet": DEV0, "symbol": "X" * 300, "side": "buy", "orderType": "limit",
                             "price": "1" * 80, "amount": "9" * 80, "leverage": 1, "timestamp": SERVER_NOW},
        },
        renance.CancelOrder: {
            "typical": {"wallet": DEV0, "orderId": "ord-20260329-000001", "timestamp": SERVER_NOW},
            "empty": {"wallet": DEV0, "orderId": "", "timestamp": SERVER_NOW},
            "unicode": {"wallet": DEV0, "orderId": "订单-✓", "timestamp": SERVER_NOW},
            "maxima": {"wallet": DEV0, "orderId": "x", "timestamp": str(UINT256_MAX)},
        },
        renance.BatchCancelOrders: {
            "one": {"wallet": DEV0, "orderIds": "ord-1", "timestamp": SERVER_NOW},
            "three": {"wallet": DEV0, "orderIds": "ord-1,ord-2,ord-3", "timestamp": SERVER_NOW},
            "twenty": {"wallet": DEV0, "orderIds": twenty, "timestamp": SERVER_NOW},
            "empty": {"wallet": DEV0, "orderIds": "", "timestamp": 0},
        },
    }
    struct_cases(s, values, domains, "renance", renance.DOMAIN)
    # The request builders sign exactly these structs: the body strings are the signed strings.
    built = renance.create_order(wallet=DEV0, symbol="BTCUSDT", side="buy", order_type="market", amount="0.5",
                                 timestamp=SERVER_NOW)
    s.struct("CreateOrder-built-market", "CreateOrder as the request builder makes it for a market order "
             f"(price convention: {renance.MARKET_PRICE!r}, see docs/protocols.md).", built.message, renance.DOMAIN)
    batch = renance.batch_cancel([f"ord-{i}" for i in range(5)], wallet=DEV0, timestamp=SERVER_NOW)
    s.struct("BatchCancelOrders-built", "BatchCancelOrders as the builder joins five ids with ','.",
             batch.message, renance.DOMAIN)
    return s
