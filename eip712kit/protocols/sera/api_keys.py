"""Read-only API keys: the signed ``ManageApiKey`` actions, their ±5-minute window, and their requests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...base.errors import ProtocolError
from ...base.renamed import module_getattr
from ..requests import HttpRequest, Prepared
from ..windows import require_in_window
from . import endpoints
from .structs import ManageApiKey

API_KEY_TIMESTAMP_WINDOW = 300
"""ManageApiKey timestamps are accepted within ±5 minutes of server time (boundary included)."""
API_KEY_ACTIONS = ("create", "list", "revoke_all")
REVOKE_PREFIX = "revoke_"
MAX_ACTIVE_API_KEYS = 10


def require_api_key_window(timestamp: Any, server_now: Any) -> int:
    """``timestamp`` if within ±300 s of ``server_now`` (TIMESTAMP_OUT_OF_WINDOW otherwise)."""
    return require_in_window(timestamp, server_now, API_KEY_TIMESTAMP_WINDOW)


def parse_api_key(api_key: Any, field: str = "api_key") -> str:
    if type(api_key) is not str or not api_key or any(c.isspace() for c in api_key):
        raise ProtocolError(
            f"{field} {api_key!r} is not an API key: a non-empty string without spaces (e.g. sera_...)",
            code="INVALID_ACTION",
            path=field,
        )
    return api_key


def parse_action(action: Any) -> str:
    """``action`` if it is ``create``, ``list``, ``revoke_all`` or ``revoke_<api_key>``."""
    if type(action) is str and (action in API_KEY_ACTIONS or action.startswith(REVOKE_PREFIX)):
        if action.startswith(REVOKE_PREFIX) and action != "revoke_all":
            parse_api_key(action[len(REVOKE_PREFIX):], "action")
        return action
    raise ProtocolError(
        f"action {action!r} is not an API-key action: use create, list, revoke_all or revoke_<api_key>",
        code="INVALID_ACTION",
        path="action",
    )


def api_key_action(kind: str, api_key: str | None = None) -> str:
    """The signed action string: ``api_key_action("revoke", "sera_x")`` → ``"revoke_sera_x"``."""
    if kind == "revoke":
        return REVOKE_PREFIX + parse_api_key(api_key)
    if api_key is not None:
        raise ProtocolError(f"{kind} takes no api_key; only revoke does", code="INVALID_ACTION", path="api_key")
    return parse_action(kind)


def manage_api_key(owner: str, action: str, timestamp: int) -> ManageApiKey:
    """The ManageApiKey message, with the action checked."""
    return ManageApiKey(owner=owner, action=parse_action(action), timestamp=timestamp)


def api_key_request(
    owner: str,
    action: str,
    timestamp: int,
    *,
    form: str = "body",
    label: str | None = None,
    server_now: int | None = None,
) -> Prepared:
    """The request for an API-key action, ready to sign.

    ``form="body"`` gives the JSON-body endpoint (``POST /api-keys``, ``/api-keys/list``,
    ``/api-keys/revoke``, ``/api-keys/revoke-all``); ``form="query"`` the signed-query-parameter one
    (``GET /api-keys`` for list, ``DELETE /api-keys`` for revoke). ``label`` is for create only.
    With ``server_now`` the timestamp window is checked too.
    """
    message = manage_api_key(owner, action, timestamp)
    if server_now is not None:
        require_api_key_window(timestamp, server_now)
    if form not in ("body", "query"):
        raise ProtocolError(f"form {form!r} is body or query", code="INVALID_ACTION", path="form")
    if label is not None and action != "create":
        raise ProtocolError("label is sent only when creating a key", code="INVALID_ACTION", path="label")
    owner_address = message.owner
    ts = message.timestamp
    fields: dict[str, Any]
    if action == "create" or action == "revoke_all":
        if form == "query":
            raise ProtocolError(f"{action} is sent as a JSON body only", code="INVALID_ACTION", path="form")
        fields = {"owner_address": owner_address, "action": action, "timestamp": ts, "signature": None}
        if label is not None:
            if type(label) is not str:
                raise ProtocolError("label is a string", code="INVALID_ACTION", path="label")
            fields["label"] = label
        path = endpoints.API_KEYS if action == "create" else endpoints.API_KEYS_REVOKE_ALL
        return Prepared(message, owner_address, "POST", path, fields)
    if action == "list":
        fields = {"owner_address": owner_address, "action": action, "timestamp": ts, "signature": None}
        if form == "query":
            return Prepared(message, owner_address, "GET", endpoints.API_KEYS, fields, form="query")
        return Prepared(message, owner_address, "POST", endpoints.API_KEYS_LIST, fields)
    api_key = action[len(REVOKE_PREFIX):]
    if form == "query":
        fields = {"owner_address": owner_address, "api_key": api_key, "action": action, "timestamp": ts,
                  "signature": None}
        return Prepared(message, owner_address, "DELETE", endpoints.API_KEYS, fields, form="query")
    fields = {"owner_address": owner_address, "action": action, "timestamp": ts, "signature": None,
              "api_key": api_key}
    return Prepared(message, owner_address, "POST", endpoints.API_KEYS_REVOKE, fields)


def self_revoke_request(api_key: str) -> HttpRequest:
    """``POST /api-keys/self-revoke``: no signature; the client adds the key's own Bearer header."""
    return HttpRequest("POST", endpoints.API_KEYS_SELF_REVOKE, json={"api_key": parse_api_key(api_key)})


__all__ = [
    "API_KEY_ACTIONS",
    "API_KEY_TIMESTAMP_WINDOW",
    "MAX_ACTIVE_API_KEYS",
    "REVOKE_PREFIX",
    "api_key_action",
    "api_key_request",
    "manage_api_key",
    "parse_action",
    "parse_api_key",
    "require_api_key_window",
    "self_revoke_request",
]

if not TYPE_CHECKING:  # old names kept working, with a warning (base/renamed.py)
    __getattr__ = module_getattr(__name__, {
        "check_action": "parse_action",
        "check_api_key": "parse_api_key",
        "check_api_key_timestamp": "require_api_key_window",
    }, globals())
