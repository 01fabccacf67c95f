"""Sera's HTTP endpoints, written once: the builders, the client and the reference verifier all use these.

Paths are whole, as the document's base URL ``https://api.sera.cx/api/v1`` plus each endpoint
gives them; a client joins them to the server's origin (``--api`` accepts the origin with or
without the ``/api/v1`` prefix).
"""

from __future__ import annotations

BASE_URL = "https://api.sera.cx/api/v1"
"""The documented base URL."""
API_PREFIX = "/api/v1"

HEALTH = API_PREFIX + "/health"
SYSTEM_TIME = API_PREFIX + "/system/time"
TOKENS = API_PREFIX + "/tokens"
MARKETS = API_PREFIX + "/markets"
CONFIG = API_PREFIX + "/config"
SWAP_QUOTE = API_PREFIX + "/swap/quote"
VERIFY_SIGNATURE = API_PREFIX + "/verify-signature"
ORDERS = API_PREFIX + "/orders"
API_KEYS = API_PREFIX + "/api-keys"
API_KEYS_LIST = API_KEYS + "/list"
API_KEYS_REVOKE = API_KEYS + "/revoke"
API_KEYS_REVOKE_ALL = API_KEYS + "/revoke-all"
API_KEYS_SELF_REVOKE = API_KEYS + "/self-revoke"
API_KEYS_VERIFY = API_KEYS + "/verify"

__all__ = [
    "API_KEYS",
    "API_KEYS_LIST",
    "API_KEYS_REVOKE",
    "API_KEYS_REVOKE_ALL",
    "API_KEYS_SELF_REVOKE",
    "API_KEYS_VERIFY",
    "API_PREFIX",
    "BASE_URL",
    "CONFIG",
    "HEALTH",
    "MARKETS",
    "ORDERS",
    "SWAP_QUOTE",
    "SYSTEM_TIME",
    "TOKENS",
    "VERIFY_SIGNATURE",
]
