"""The sera suite: every Sera struct on the documented domain and on domains built from GET /config."""

from __future__ import annotations

import json
from typing import Any

from eip712kit.protocols import sera
from eip712kit.protocols.struct import Struct

from .common import (
    DEV0,
    DEV1,
    EURC,
    SEED_UUID_INT,
    SERVER_NOW,
    UINT48_MAX,
    UINT256_MAX,
    USDC,
    WETH,
    GenerationError,
    rand_address,
    rng,
)
from .suite import Suite, struct_cases

SERA_CONFIG = {"chain_id": 11155111, "sera_address": "0xd0fc92d8eF9bE26D7288fCa1D6458f675e72B83a",
               "vault_address": "0x3333333333333333333333333333333333333333",
               "sor_address": "0x4444444444444444444444444444444444444444"}
"""A GET /config response for the documented Sepolia deployment (the vault and SOR addresses are placeholders)."""
SERA_CONFIG_OTHER = {"chain_id": "42161", "sera_address": "0x5fbdb2315678afecb367f032d93f642f64180aa3",
                     "vault_address": "0x3333333333333333333333333333333333333333",
                     "sor_address": "0x4444444444444444444444444444444444444444"}
"""A hypothetical other deployment: chain id as a string, contract address in lower case."""


def build_sera(att: dict[str, Any]) -> Suite:
    s = Suite("sera", "Every Sera struct (ManageApiKey, Order, Intent, CancelOrder, CancelVLBatch, "
              "WithdrawIntent) with typical, zero, maximal, empty, unicode and long values, on the documented "
              "Sera domain and on domains built from GET /config responses.", att)
    domains = {
        "default": (sera.DOMAIN, "the documented Sera domain (Sepolia)"),
        "config": (sera.domain_from_config(SERA_CONFIG),
                   f"the domain built from GET /config {json.dumps(SERA_CONFIG)}"),
        "config-other": (sera.domain_from_config(SERA_CONFIG_OTHER),
                         f"the domain built from GET /config {json.dumps(SERA_CONFIG_OTHER)}"),
    }
    if domains["config"][0] != sera.DOMAIN:
        raise GenerationError("the documented /config response does not give the documented domain")
    z = "0x0000000000000000000000000000000000000000"
    values: dict[type[Struct], dict[str, dict[str, Any]]] = {
        sera.ManageApiKey: {
            "create": {"owner": DEV0, "action": "create", "timestamp": SERVER_NOW},
            "list": {"owner": DEV0, "action": "list", "timestamp": SERVER_NOW + 1},
            "revoke-key": {"owner": DEV0, "action": "revoke_sera_8f3a2b1c9d", "timestamp": SERVER_NOW},
            "revoke-all": {"owner": DEV0, "action": "revoke_all", "timestamp": SERVER_NOW},
            "zero": {"owner": z, "action": "", "timestamp": 0},
            "maxima": {"owner": DEV0, "action": "create", "timestamp": str(UINT256_MAX)},
            "unicode": {"owner": DEV0, "action": "revoke_キー✓", "timestamp": SERVER_NOW},
        },
        sera.Order: {
            "seed-bid": {"user": DEV0, "expiration": SERVER_NOW + 86400, "feeBps": 0, "recipient": z,
                         "fromToken": USDC, "toToken": EURC, "fromAmount": "1085000000", "toAmount": "1000000000",
                         "initialDepositAmount": 0, "uuid": str(SEED_UUID_INT)},
            "zero": {"user": z, "expiration": 0, "feeBps": 0, "recipient": z, "fromToken": z, "toToken": z,
                     "fromAmount": 0, "toAmount": 0, "initialDepositAmount": 0, "uuid": 0},
            "maxima": {"user": DEV0, "expiration": UINT48_MAX, "feeBps": UINT48_MAX, "recipient": DEV1,
                       "fromToken": WETH, "toToken": USDC, "fromAmount": str(UINT256_MAX),
                       "toAmount": str(UINT256_MAX), "initialDepositAmount": str(UINT256_MAX),
                       "uuid": str(UINT256_MAX)},
            "fee-recipient-deposit": {"user": DEV0, "expiration": SERVER_NOW + 3600, "feeBps": 30, "recipient": DEV1,
                                      "fromToken": EURC, "toToken": USDC, "fromAmount": 1000000000,
                                      "toAmount": 1085000000, "initialDepositAmount": 500000000,
                                      "uuid": str(SEED_UUID_INT + 1)},
        },
        sera.Intent: {
            "typical": {"taker": DEV0, "inputToken": USDC, "outputToken": WETH, "maxInputAmount": "3012340000",
                        "minOutputAmount": "990000000000000000", "recipient": DEV0, "initialDepositAmount": 0,
                        "uuid": str(SEED_UUID_INT), "deadline": SERVER_NOW + 120},
            "zero": {"taker": z, "inputToken": z, "outputToken": z, "maxInputAmount": 0, "minOutputAmount": 0,
                     "recipient": z, "initialDepositAmount": 0, "uuid": 0, "deadline": 0},
            "maxima": {"taker": DEV0, "inputToken": USDC, "outputToken": WETH, "maxInputAmount": str(UINT256_MAX),
                       "minOutputAmount": str(UINT256_MAX), "recipient": DEV1,
                       "initialDepositAmount": str(UINT256_MAX), "uuid": str(UINT256_MAX), "deadline": UINT48_MAX},
        },
        sera.CancelOrder: {
            "seed-uuid-int": {"owner": DEV0, "orderId": str(SEED_UUID_INT)},
            "zero": {"owner": z, "orderId": 0},
            "maxima": {"owner": DEV0, "orderId": str(UINT256_MAX)},
        },
        sera.CancelVLBatch: {
            "uuid-id": {"owner": DEV0, "vlBatchId": "5f0c6a2e-8d1b-4c3a-9e7f-0a1b2c3d4e5f"},
            "empty": {"owner": DEV0, "vlBatchId": ""},
            "unicode": {"owner": DEV0, "vlBatchId": "批次-β-🧪"},
            "long": {"owner": DEV0, "vlBatchId": "vl-" + "0123456789abcdef" * 64},
            "zero-owner": {"owner": z, "vlBatchId": "x"},
        },
        sera.WithdrawIntent: {
            "one-token": {"user": DEV0, "tokens": [USDC], "amounts": ["1000000"], "recipient": DEV0,
                          "deadline": SERVER_NOW + 600, "uuid": str(SEED_UUID_INT)},
            "two-tokens": {"user": DEV0, "tokens": [USDC, EURC], "amounts": [1, 2], "recipient": DEV1,
                           "deadline": SERVER_NOW + 600, "uuid": 7},
            "empty-arrays": {"user": DEV0, "tokens": [], "amounts": [], "recipient": DEV0,
                             "deadline": SERVER_NOW + 600, "uuid": 0},
            "long-arrays": {"user": DEV0, "tokens": [rand_address(rng(f"withdraw/{i}")) for i in range(50)],
                            "amounts": [str(10**i) for i in range(50)], "recipient": DEV0,
                            "deadline": SERVER_NOW + 600, "uuid": 1},
            "maxima": {"user": DEV0, "tokens": [WETH], "amounts": [str(UINT256_MAX)], "recipient": DEV0,
                       "deadline": str(UINT256_MAX), "uuid": str(UINT256_MAX)},
            "zero": {"user": z, "tokens": [z], "amounts": [0], "recipient": z, "deadline": 0, "uuid": 0},
        },
    }
    struct_cases(s, values, domains, "sera", sera.DOMAIN)
    return s
