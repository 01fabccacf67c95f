"""Sera's verdicts on signed requests, as pure functions of a request and the server's state.

:func:`check_order_request` is what ``POST /verify-signature`` answers, and what ``eip712kit check
sera`` computes locally to show beside a live server's verdict. It applies Sera's rules through the
protocol builder's rules (:func:`~eip712kit.protocols.sera.orders.parse_order_request`, the part of
:func:`~eip712kit.protocols.sera.build_order` that reads a request into its Order), which take the
request's fields by their own names — never a second copy of its rules, and no table between the two vocabularies — in
the order a person fixing a request wants to hear about problems: the shape of the body, then each
field (owner, side, tokens and market, amounts, expiration window, order_id/uuid_int binding and
executor), and last the signature. The first refusal is the verdict, with a stable ``code``, the
request ``field`` it concerns (the builder's error path) and a sentence. A live server's answer to
the same question is read into the same :class:`Verdict` (``eip712kit.client.parse_verdict``).

:func:`require_manage_api_key` does the same for the signed API-key calls (action, ±5-minute window,
signature by ``owner_address``); replay and the 10-key limit need state and live in the
verifier's store (:mod:`eip712kit.server.store`).

Pure Sera rules, so they live with the protocol: the reference verifier (``eip712kit serve``) answers
with them, and the CLI and the conformance runner compute them locally, without the server extra.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...base.errors import Eip712KitError
from ...base.parsers import parse_address, to_checksum_address
from ...base.renamed import module_getattr
from ...core.api import check_digest
from ...core.domain import Domain
from .api_keys import manage_api_key, parse_action, require_api_key_window
from .orders import (
    DEFAULT_FEE_BPS,
    DEFAULT_INITIAL_DEPOSIT_AMOUNT,
    DEFAULT_RECIPIENT,
    MarketCheck,
    parse_order_request,
)
from .tokens import TokenList

ORDER_REQUEST_FIELDS = ("owner_address", "side", "amount", "price", "from_address", "to_address", "order_id",
                        "uuid_int", "signature", "expiration")
"""The ``POST /verify-signature`` body, in the documented order."""

SIGNER_MISMATCH_HINT = (
    ": the Order that key signed differs from the one built from this request in a field the body carries "
    "(side, amount, price, from_address/to_address, expiration, uuid_int), or in one it does not carry, "
    f"which this verifier fills as the document's example does (feeBps {DEFAULT_FEE_BPS}, recipient "
    f"{DEFAULT_RECIPIENT}, initialDepositAmount {DEFAULT_INITIAL_DEPOSIT_AMOUNT}), or in the domain (chain id, "
    "contract from GET /config); or another key signed it"
)
"""Appended to SIGNER_MISMATCH: a server cannot know which field the signer saw, so it names every candidate."""

@dataclass(frozen=True)
class Verdict:
    """Accepted, or refused with a code, the request field concerned and a sentence."""

    valid: bool
    code: str | None = None
    detail: str | None = None
    field: str | None = None
    signer: str | None = None
    digest: bytes | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"valid": self.valid}
        if not self.valid:
            out.update(code=self.code, detail=self.detail, field=self.field)
        if self.signer is not None:
            out["signer"] = self.signer
        if self.digest is not None:
            out["digest"] = "0x" + self.digest.hex()
        return out

    @classmethod
    def refuse(cls, exc: Eip712KitError, field: str | None = None, **extra: Any) -> Verdict:
        return cls(False, exc.code, exc.message, field if field is not None else request_field(exc), **extra)


def request_field(exc: Eip712KitError) -> str | None:
    """The request field an error concerns: its path's first name (the builder takes the request's names;
    ``message.expiration``, from the signed Order, is ``expiration``)."""
    parts = [p for p in re.split(r"[.\[]", exc.path) if p and p != "message"]
    return parts[0] if parts else None


def shape_refusal(body: Any, fields: tuple[str, ...], optional: tuple[str, ...] = ()) -> Verdict | None:
    """A refusal when ``body`` is not an object with exactly ``fields`` (plus any of ``optional``)."""
    if not isinstance(body, Mapping):
        return Verdict(False, "INVALID_REQUEST", f"the body is a JSON object with {', '.join(fields)}", None)
    for name in fields:
        if body.get(name) is None:
            return Verdict(False, "MISSING_FIELD", f"the request has no {name!r}", name)
    if len(body) == len(fields):  # it holds every field, so nothing else
        return None
    for name in body:
        if name not in fields and name not in optional:
            return Verdict(False, "EXTRA_FIELD",
                           f"{name!r} is not a field of this request (fields: {', '.join(fields + optional)})",
                           str(name))
    return None


def check_order_request(
    body: Any,
    *,
    domain: Domain,
    tokens: TokenList,
    executor_id: int | None,
    now: int,
    is_market: MarketCheck | None = None,
) -> Verdict:
    """The verdict on a ``/verify-signature`` body (the same ten fields as ``POST /orders``).

    ``executor_id`` is the server's current one (``None`` skips that check); ``is_market`` says
    whether a base/quote pair is listed (``None`` skips it).

    The body names no batch, so the order is held to the document's rules for a standalone limit
    order: ``order_id`` a version-4 UUID, ``uuid_int`` with leg 0 and the order's own group. The
    Order fields the body does not carry are the builder's defaults (the document's example:
    feeBps 0, recipient the zero address, initialDepositAmount 0).

    The builder takes the request's fields by their own names, so its error is the verdict as it is:
    its path is the request field.
    """
    refusal = shape_refusal(body, ORDER_REQUEST_FIELDS)
    if refusal is not None:
        return refusal
    try:
        parsed = parse_order_request(
            owner_address=body["owner_address"], side=body["side"], amount=body["amount"], price=body["price"],
            from_address=body["from_address"], to_address=body["to_address"], expiration=body["expiration"],
            order_id=body["order_id"], uuid_int=body["uuid_int"],
            executor_id=executor_id, tokens=tokens.addresses_only(), is_market=is_market, server_now=now,
        )
    except Eip712KitError as exc:
        return Verdict.refuse(exc)
    digest = parsed.order.digest(domain)
    owner = parsed.owner
    verification = check_digest(digest, body["signature"], owner)
    if not verification.valid:
        detail = verification.reason or "the signature is not valid"
        if verification.code == "SIGNER_MISMATCH":
            detail += SIGNER_MISMATCH_HINT
        return Verdict(False, verification.code, detail, "signature", verification.signer, digest)
    return Verdict(True, signer=verification.signer, digest=digest)


# --- API keys ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SignedAction:
    """A ManageApiKey request that passed every stateless check."""

    owner: str
    action: str
    timestamp: int
    digest: bytes


API_KEY_FIELDS = ("owner_address", "action", "timestamp", "signature")


class ApiKeyRefusal(Exception):
    def __init__(self, status: int, verdict: Verdict):
        super().__init__(verdict.detail)
        self.status = status
        self.verdict = verdict


def require_manage_api_key(
    fields: Mapping[str, Any],
    *,
    expected_action: str,
    domain: Domain,
    now: int,
    optional: tuple[str, ...] = (),
    required: tuple[str, ...] = (),
) -> SignedAction:
    """The checked action, or :class:`ApiKeyRefusal` with the status to answer (400 or 401).

    ``expected_action`` is what the endpoint does (``create``, ``list``, ``revoke_<api_key>``,
    ``revoke_all``); a body signed for another action is refused, so a signature made to list
    keys cannot revoke them.
    """
    refusal = shape_refusal(fields, API_KEY_FIELDS + required, optional)
    if refusal is not None:
        raise ApiKeyRefusal(400, refusal)
    try:
        owner = to_checksum_address(parse_address(fields["owner_address"]))
    except Eip712KitError as exc:
        raise ApiKeyRefusal(400, Verdict.refuse(exc, "owner_address")) from None
    action = fields["action"]
    try:
        parse_action(action)
    except Eip712KitError as exc:
        raise ApiKeyRefusal(400, Verdict.refuse(exc, "action")) from None
    if action != expected_action:
        raise ApiKeyRefusal(400, Verdict(False, "INVALID_ACTION",
                                         f"action {action!r} is signed, but this endpoint does {expected_action!r}",
                                         "action"))
    try:
        timestamp = require_api_key_window(fields["timestamp"], now)
        message = manage_api_key(owner, action, timestamp)
    except Eip712KitError as exc:
        raise ApiKeyRefusal(400, Verdict.refuse(exc, "timestamp")) from None
    digest = message.digest(domain)
    verification = check_digest(digest, fields["signature"], owner)
    if not verification.valid:
        raise ApiKeyRefusal(401, Verdict(False, verification.code, verification.reason, "signature",
                                         verification.signer, digest))
    return SignedAction(owner, action, timestamp, digest)


__all__ = [
    "API_KEY_FIELDS",
    "ORDER_REQUEST_FIELDS",
    "SIGNER_MISMATCH_HINT",
    "ApiKeyRefusal",
    "SignedAction",
    "Verdict",
    "check_order_request",
    "request_field",
    "require_manage_api_key",
    "shape_refusal",
]

if not TYPE_CHECKING:  # old names kept working, with a warning (base/renamed.py)
    __getattr__ = module_getattr(__name__, {
        "check_body_shape": "shape_refusal",
        "check_manage_api_key": "require_manage_api_key",
    }, globals())
