"""``eip712kit conformance --api URL``: hold a live Sera-compatible ``/verify-signature`` to the rules.

The vectors check a signer; this checks a *verifier*. It reads the server's own state (``GET
/config`` for the domain, ``/health`` for the executor_id, ``/system/time`` for the clock,
``/tokens`` and ``/markets`` for a pair), signs one valid order with a PUBLIC development key, and
POSTs it together with copies broken in one way each (:data:`API_TAMPERS`): a field changed after
signing, another signer, another domain, a malleated signature, an expired order… A case passes
when the server accepts the valid order and refuses every broken one; the report says which it
wrongly accepted or refused, with the reference verifier's own verdict beside the server's.

All HTTP goes through :class:`eip712kit.client.SeraClient` (timeouts, retries, network errors in
the kit's terms); the server's answers are read with the client's ``parse_verdict``; the
expected verdicts come from the reference verifier (:func:`eip712kit.protocols.sera.verdicts.check_order_request`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..base.errors import Eip712KitError, ProtocolError
from ..core.keys import PrivateKey
from .runner import DEFAULT_TIMEOUT, Report
from .scoring import Outcome, Problem
from .vectors import Case, load_vectors

API_SUITE = "api"


@dataclass(frozen=True)
class Tamper:
    """One request to send: the valid order, or a copy broken in one way the server must notice."""

    name: str
    description: str
    make: Callable[[Any], dict[str, Any]]
    """Builds the body from the :class:`_ApiContext` (signed, then perhaps changed)."""
    valid: bool = False


@dataclass
class _ApiContext:
    """What one --api run knows: the server's state and the valid, signed order."""

    domain: Any
    executor_id: int
    server_now: int
    tokens: Any
    base: Any
    quote: Any
    key: PrivateKey
    other_key: PrivateKey
    built: Any = None
    body: dict[str, Any] = field(default_factory=dict)

    def build(self, **changes: Any) -> Any:
        from ..protocols import sera

        args: dict[str, Any] = {
            "side": "bid", "amount": "1", "price": "1", "from_address": self.base, "to_address": self.quote,
            "owner_address": self.key.address, "expiration": sera.safe_expiration(self.server_now),
            "order_id": _fresh_uuid4(), "executor_id": self.executor_id, "tokens": self.tokens,
        }
        args.update(changes)
        return sera.build_order(**args)

    def signed(self, built: Any, key: PrivateKey | None = None, domain: Any = None) -> dict[str, Any]:
        body: dict[str, Any] = built.with_signature(
            built.message.sign(key or self.key, domain or self.domain)).verify_signature_body()
        return body

    def changed(self, **fields: Any) -> dict[str, Any]:
        out = dict(self.body)
        out.update(fields)
        return out


def _fresh_uuid4() -> str:
    """A new order id per run: /verify-signature may remember order ids, and a live check must not collide."""
    return str(uuid.uuid4())


def _high_s(signature: str) -> str:
    from ..core.signature import SECP256K1_N, Signature

    sig = Signature.parse(signature)
    return Signature(sig.r, SECP256K1_N - sig.s, 1 - sig.y_parity).to_hex()


def _other_uuid_int(ctx: _ApiContext) -> str:
    from ..protocols.sera import uuid_int

    return str(uuid_int.pack(_fresh_uuid4(), ctx.executor_id))


API_TAMPERS: tuple[Tamper, ...] = (
    Tamper("valid", "A bid signed with the server's domain, executor_id and clock: must be accepted.",
           lambda ctx: ctx.body, valid=True),
    Tamper("amount-changed", "amount changed after signing.", lambda ctx: ctx.changed(amount="2")),
    Tamper("price-changed", "price changed after signing.", lambda ctx: ctx.changed(price="2")),
    Tamper("side-flipped", "side changed from bid to ask after signing.", lambda ctx: ctx.changed(side="ask")),
    Tamper("pair-swapped", "from_address and to_address swapped after signing.",
           lambda ctx: ctx.changed(from_address=ctx.body["to_address"], to_address=ctx.body["from_address"])),
    Tamper("owner-changed", "owner_address replaced by another wallet.",
           lambda ctx: ctx.changed(owner_address=ctx.other_key.address)),
    Tamper("expiration-changed", "expiration moved by one second after signing.",
           lambda ctx: ctx.changed(expiration=ctx.body["expiration"] + 1)),
    Tamper("order-id-changed", "order_id of another order (uuid_int kept).",
           lambda ctx: ctx.changed(order_id=_fresh_uuid4())),
    Tamper("uuid-int-changed", "uuid_int of another order (order_id kept).",
           lambda ctx: ctx.changed(uuid_int=_other_uuid_int(ctx))),
    Tamper("amount-precision", "an amount finer than any token's decimals, after signing.",
           lambda ctx: ctx.changed(amount="1.0000000000000000000001")),
    Tamper("other-signer", "the same order signed by another key, for this owner.",
           lambda ctx: ctx.signed(ctx.built, key=ctx.other_key)),
    Tamper("other-domain", "the same order signed for another chain id.",
           lambda ctx: ctx.signed(ctx.built, domain=ctx.domain.replace(chain_id=ctx.domain.chain_id + 1))),
    Tamper("high-s", "the malleated (high-s) twin of the valid signature.",
           lambda ctx: ctx.changed(signature=_high_s(ctx.body["signature"]))),
    Tamper("zero-signature", "a signature of 65 zero bytes.", lambda ctx: ctx.changed(signature="0x" + "00" * 65)),
    Tamper("no-signature", "the signature field left out.",
           lambda ctx: {k: v for k, v in ctx.body.items() if k != "signature"}),
    Tamper("expired", "signed properly, with an expiration 60 s before server time.",
           lambda ctx: ctx.signed(ctx.build(expiration=ctx.server_now - 60))),
    Tamper("too-far", "signed properly, with an expiration 365 days after server time.",
           lambda ctx: ctx.signed(ctx.build(expiration=ctx.server_now + 365 * 86400))),
    Tamper("wrong-executor", "signed properly, with a uuid_int packed for another executor_id.",
           lambda ctx: ctx.signed(ctx.build(executor_id=(ctx.executor_id + 1) % 16))),
)
"""What ``--api`` sends to ``POST /verify-signature``: one valid order and its broken variants."""


def _pick_pair(markets: Any, tokens: Any) -> tuple[Any, Any]:
    """The first listed market whose tokens are known, else the first two tokens."""
    rows = markets.get("markets") if isinstance(markets, Mapping) else markets
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, Mapping):
            continue
        for base_key, quote_key in (("base_address", "quote_address"), ("base", "quote")):
            try:
                return tokens.resolve(row[base_key]), tokens.resolve(row[quote_key])
            except (KeyError, Eip712KitError):
                continue
    if len(tokens.tokens) < 2:
        raise ProtocolError("GET /tokens lists fewer than two tokens: no pair to order on",
                            code="UNKNOWN_TOKEN", path="tokens")
    return tokens.tokens[0], tokens.tokens[1]


def development_keys() -> tuple[PrivateKey, PrivateKey]:
    """The PUBLIC development keys #0 and #1 (Hardhat/Anvil), as the bundled vectors carry them.

    /verify-signature only verifies: signing with keys that hold nothing and that anyone may use
    keeps a live check free of real key material.
    """
    keys: dict[str, str] = {}
    for vf in load_vectors():
        keys.update({name: k["private_key"] for name, k in vf.keys.items()})
    return PrivateKey.from_hex(keys["dev0"]), PrivateKey.from_hex(keys["dev1"])


def run_api(api: str, key: PrivateKey | None = None, other_key: PrivateKey | None = None, *,
            timeout: float = DEFAULT_TIMEOUT, retries: int = 3) -> Report:
    """POST a valid order and each :data:`API_TAMPERS` variant to the server's ``/api/v1/verify-signature``.

    The server's state comes from the server (GET /config, /health, /system/time, /tokens,
    /markets). A case passes when the server accepts the valid order, or refuses a broken one; the
    reference verifier's own verdict on each request is shown beside the server's.
    """
    from ..client import SeraClient, parse_verdict
    from ..protocols import sera
    from ..protocols.sera import endpoints
    from ..protocols.sera.verdicts import check_order_request

    if key is None or other_key is None:
        key, other_key = development_keys()
    started = time.perf_counter()
    outcomes: list[Outcome] = []
    with SeraClient(api, timeout=timeout, retries=retries) as client:
        tokens = sera.TokenList.from_response(client.tokens())
        base, quote = _pick_pair(client.markets(), tokens)
        ctx = _ApiContext(domain=sera.domain_from_config(client.config()), executor_id=client.executor_id(),
                          server_now=client.server_time(), tokens=tokens, base=base, quote=quote, key=key,
                          other_key=other_key)
        ctx.built = ctx.build(server_now=ctx.server_now)
        ctx.body = ctx.signed(ctx.built)
        for tamper in API_TAMPERS:
            t0 = time.perf_counter()
            body = tamper.make(ctx)
            case = Case(id=f"{API_SUITE}/{tamper.name}", suite=API_SUITE, kind="verify_signature",
                        input={"body": body}, expected={"valid": True} if tamper.valid else None,
                        error=None if tamper.valid else {"code": "refused"}, description=tamper.description)
            local = check_order_request(body, domain=ctx.domain, tokens=tokens, executor_id=ctx.executor_id,
                                        now=ctx.server_now)
            server = parse_verdict(client.verify_signature(body))
            said = f"server: {'valid' if server.valid else 'refused'}" + (
                f" {server.code or ''} {server.field or ''} {server.detail or ''}".rstrip() if not server.valid else "")
            reference = "valid" if local.valid else f"refused {local.code} ({local.field})"
            if local.valid != tamper.valid:  # the kit's own verifier disagrees with the case: a kit bug
                outcome = Outcome(case, "failed", [Problem("reference", message=(
                    f"the reference verifier says {reference}; this request was built to be "
                    f"{'valid' if tamper.valid else 'refused'}"))])
            elif server.valid == tamper.valid:
                outcome = Outcome(case, "passed", reason=f"{said}; reference: {reference}")
            elif server.valid:
                outcome = Outcome(case, "failed", [Problem("valid", message=(
                    f"the server wrongly accepted it; the reference verifier refuses it with {local.code} "
                    f"({local.field}): {local.detail}"))])
            else:
                outcome = Outcome(case, "failed", [Problem("valid", message=f"the server wrongly refused it ({said})")])
            outcome.seconds = time.perf_counter() - t0
            outcomes.append(outcome)
        url = client.http.url(endpoints.VERIFY_SIGNATURE)  # the URL every case above was posted to
    return Report(f"POST {url}", outcomes, [url], time.perf_counter() - started)


__all__ = ["API_SUITE", "API_TAMPERS", "Tamper", "development_keys", "run_api"]
