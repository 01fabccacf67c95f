"""Sera: the EIP-712 structs, the documented deployment, and the rules a signed request must follow.

One module per concern, all pure (server time is a parameter, read it from ``GET /system/time``):

* :mod:`~.structs` — :class:`ManageApiKey`, :class:`Order`, :class:`Intent`, :class:`CancelOrder`,
  :class:`CancelVLBatch`, :class:`WithdrawIntent` (field order is part of the hash);
* :mod:`~.deployment` — the documented domain (:data:`DOMAIN`) and :func:`domain_from_config`;
* :mod:`~.endpoints` — every HTTP path, written once;
* :mod:`~.expiration` — the expiration / deadline window (:func:`require_expiration_window`,
  :func:`safe_expiration`);
* :mod:`~.api_keys` — API-key actions, the ±5-minute window and their requests;
* :mod:`~.tokens` and :mod:`~.orders` — tokens, and the order builder (:func:`build_order`): an
  order request's fields by their own names (``owner_address``, ``side``, decimal ``amount`` and
  ``price``, ``from_address``/``to_address`` the market's base and quote tokens, …) → the signed
  :class:`Order` with exact integer amounts and the ``/verify-signature`` / ``POST /orders`` bodies;
* :mod:`~.verdicts` — the verdict on a whole request (:func:`check_order_request`,
  :func:`require_manage_api_key`), which the reference verifier answers with;
* the uuid_int binding — :mod:`eip712kit.protocols.sera.uuid_int`.

Where the Sera document is silent, the choice made is listed in ``docs/protocols.md``.
"""

from typing import TYPE_CHECKING

from ...base.renamed import package_getattr
from . import api_keys, expiration, orders
from .api_keys import (
    API_KEY_ACTIONS,
    API_KEY_TIMESTAMP_WINDOW,
    MAX_ACTIVE_API_KEYS,
    REVOKE_PREFIX,
    api_key_action,
    api_key_request,
    manage_api_key,
    parse_action,
    parse_api_key,
    require_api_key_window,
    self_revoke_request,
)
from .deployment import DOMAIN, SEPOLIA_TOKENS, domain_from_config
from .endpoints import BASE_URL
from .expiration import (
    DEFAULT_BUFFER,
    DEFAULT_LIFETIME,
    EXPIRATION_MAX_AHEAD,
    parse_expiration,
    require_expiration_window,
    safe_expiration,
)
from .orders import SIDE_HINTS, SIDES, ZERO_ADDRESS, SeraOrder, build_order, cancel_order, intent_from_quote
from .structs import STRUCTS, CancelOrder, CancelVLBatch, Intent, ManageApiKey, Order, WithdrawIntent
from .tokens import NO_TOKENS, Token, TokenList

__all__ = [
    "API_KEY_ACTIONS",
    "API_KEY_TIMESTAMP_WINDOW",
    "BASE_URL",
    "DEFAULT_BUFFER",
    "DEFAULT_LIFETIME",
    "DOMAIN",
    "EXPIRATION_MAX_AHEAD",
    "MAX_ACTIVE_API_KEYS",
    "NO_TOKENS",
    "REVOKE_PREFIX",
    "SEPOLIA_TOKENS",
    "SIDES",
    "SIDE_HINTS",
    "STRUCTS",
    "ZERO_ADDRESS",
    "CancelOrder",
    "CancelVLBatch",
    "Intent",
    "ManageApiKey",
    "Order",
    "SeraOrder",
    "Token",
    "TokenList",
    "WithdrawIntent",
    "api_key_action",
    "api_key_request",
    "build_order",
    "cancel_order",
    "domain_from_config",
    "intent_from_quote",
    "manage_api_key",
    "parse_action",
    "parse_api_key",
    "parse_expiration",
    "require_api_key_window",
    "require_expiration_window",
    "safe_expiration",
    "self_revoke_request",
]

if not TYPE_CHECKING:  # the old names of the modules re-exported here, each warning as its module does
    __getattr__ = package_getattr(__name__, (api_keys, expiration, orders))
