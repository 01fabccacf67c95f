"""``check sera|renance-login|alura-login``: run a signature past a live server and show both verdicts.

The signer decides; a server only informs. Each check reads the server's state, but signs only
what is pinned: the documented deployment (or ``--domain FILE``), pinned tokens (``--tokens FILE``,
and the documented deployment's own), and a login text that names its nonce and address, with
nothing unseen in it. The decisions are the kit's one trust policy (:mod:`eip712kit.protocols.trust`),
taken through the client (:mod:`eip712kit.client`) exactly as a program using it gets them. When a
server says otherwise, nothing is signed or sent: the command names each difference with both
values and exits 1, unless the user grants that trust by a flag that names it
(``--trust-server-domain``, ``--trust-server-tokens``, ``--trust-server-text``). Whatever is
signed is printed first — the domain, and every field in base units, with each token's symbol and
the decimals used. Every string a server sent (a symbol, a verdict's code or detail, an error body)
is shown with its control, bidi and zero-width characters escaped (``trust.visible``).

``check sera`` reads ``/config`` (the domain), ``/health`` (executor_id), ``/system/time`` (the
clock) and ``/tokens`` (decimals), builds and signs an order — or takes a ready request — POSTs
``/verify-signature`` and prints the local verdict (the reference verifier's own checks,
:func:`eip712kit.protocols.sera.verdicts.check_order_request`) beside the server's. ``--set
FIELD=VALUE`` changes a field *after* signing, to watch a server refuse a broken request.

The login checks run Renance's and Alura's documented flows and say whether the server accepted
the signature; the token it returns is redacted unless ``--show-token``.

``--api`` means the same for every check: the server's origin (``http://127.0.0.1:8712``); a URL
that ends in the protocol's documented prefix (``/api/v1``) names the same server.

Exit codes: 0 accepted (and, for ``sera``, both verdicts agree), 1 refused, disagreeing, or not
signed because the server differs from what is pinned, 2 bad input, 3 network or server error
(unreachable, past the deadline, 5xx, still rate limited after the retries, an answer that is not
usable JSON, too large, too deep, or absurd).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import IO, Any

import click

from ..base.errors import Eip712KitError, NetworkError
from ..base.limits import load_json
from ..client import AluraClient, RenanceClient, Response, SeraClient, parse_verdict
from ..core.domain import Domain
from ..protocols import alura, renance, sera
from ..protocols.sera.verdicts import Verdict, check_order_request
from ..protocols.trust import dumps as json_text
from ..protocols.trust import visible
from ._builders import signing_header, trust_server_domain_option, trust_server_tokens_option
from ._common import EXIT_INVALID, EXIT_OK, dumps, json_option, key_options, load_cli_key, text_to_sign
from .sera import load_tokens, order_options, require, token_ref

_TIMEOUT_OPTION = click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
                               help="Seconds each HTTP exchange may take, connecting and reading the whole answer.")
_RETRIES_OPTION = click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
                               help="Retries on 429/503, with exponential back-off.")
_API_HELP = "The server's origin, e.g. http://127.0.0.1:8712 (the documented /api/v1 may be included)."


def _domain_options(documented: Domain) -> Callable[[Any], Any]:
    def decorate(f: Any) -> Any:
        f = trust_server_domain_option(f)
        f = click.option("--domain", "domain_file", type=click.File("rb"),
                         help="Pin your own deployment: a JSON EIP-712 domain (name, version, chainId, "
                              f"verifyingContract) [default: the documented one, chain {documented.chain_id}].")(f)
        return f
    return decorate


def _pinned_domain(domain_file: IO[bytes] | None, documented: Domain) -> Domain:
    if domain_file is None:
        return documented
    try:
        return Domain.from_dict(load_json(domain_file.read()))
    except Eip712KitError as exc:
        raise exc.at("--domain") from None


@click.group("check")
def check_group() -> None:
    """Check signatures against a live server or eip712kit serve.

    The server is a deployment's API or the local verifier (eip712kit serve); each check signs
    locally, sends, and sets the server's verdict beside the kit's own.

    \b
    Examples:
      eip712kit check sera --api http://127.0.0.1:8712 --side bid --amount 1000.0 \\
          --price 1.085 --from-address EURC --to-address USDC
      eip712kit check renance-login --api https://api.renance.xyz
      eip712kit check alura-login --api https://testnet-api.alura.fun

    Nothing is signed that differs from what is pinned (the documented deployment, --domain,
    --tokens, a login text naming its nonce and address) unless a --trust-server-* flag says so.
    """


# --- sera ---------------------------------------------------------------------------------------

def _apply_overrides(body: dict[str, Any], overrides: tuple[str, ...]) -> dict[str, Any]:
    """``FIELD=TEXT`` sets a string, ``FIELD:=JSON`` a JSON value — after signing, on purpose."""
    out = dict(body)
    for item in overrides:
        name, sep, raw = item.partition("=")
        if not sep or not name.rstrip(":"):
            raise click.BadParameter(f"{item!r}: write FIELD=TEXT or FIELD:=JSON", param_hint="--set")
        value: Any = raw
        if name.endswith(":"):
            name = name[:-1]
            try:
                value = json.loads(raw)
            except ValueError:
                raise click.BadParameter(f"{item!r}: the part after := is not JSON", param_hint="--set") from None
        out[name] = value
    return out


def _changes(signed: dict[str, Any], sent: dict[str, Any]) -> list[dict[str, Any]]:
    names = list(signed) + [k for k in sent if k not in signed]
    return [{"field": k, "signed": signed.get(k), "sent": sent.get(k)} for k in names
            if signed.get(k) != sent.get(k) or (k in signed) != (k in sent)]


def _verdict_word(valid: bool) -> str:
    return "valid" if valid else "refused"


@check_group.command("sera")
@click.option("--api", default=sera.BASE_URL, show_default=True, help=_API_HELP)
@order_options
@click.option("--request", "request_file", type=click.File("rb"),
              help="Send this ready /verify-signature body (JSON, signed) instead of building one.")
@click.option("--set", "overrides", multiple=True, metavar="FIELD=VALUE",
              help="Change a request field after signing (FIELD:=JSON for a non-string); repeatable.")
@_domain_options(sera.DOMAIN)
@trust_server_tokens_option
@_TIMEOUT_OPTION
@_RETRIES_OPTION
@key_options
@json_option
def check_sera(api: str, side: str | None, amount: str | None, price: str | None, from_address: str | None,
               to_address: str | None, tokens_file: IO[bytes] | None, order_id: str | None, uuid_int: str | None,
               expiration: int | None, expires_in: int, rounding: str | None, request_file: IO[bytes] | None,
               overrides: tuple[str, ...], domain_file: IO[bytes] | None, trust_server_domain: bool,
               trust_server_tokens: bool, timeout: float, retries: int, as_json: bool) -> int:
    """Sign an order, POST it, compare both verdicts.

    The order is signed with the server's state (GET /config, /tokens, /system/time), POSTed to
    /api/v1/verify-signature, and the server's verdict is set beside the kit's own.

    \b
    Examples:
      eip712kit check sera --api http://127.0.0.1:8712 \\
          --side bid --amount 1000.0 --price 1.085 --from-address EURC --to-address USDC
      eip712kit check sera --api http://127.0.0.1:8712 \\
          --side bid --amount 1000.0 --price 1.085 --from-address EURC --to-address USDC --set amount=1000.5
      eip712kit check sera --request examples/verify_signature_body.json --json

    The executor_id comes from GET /health and the clock from GET /system/time (expiration =
    server time + --expires-in). The domain is the documented one (or --domain FILE): a GET /config
    that names another is refused unless --trust-server-domain. Token decimals come from GET
    /tokens, except where pinned (--tokens FILE, and the documented deployment's EURC and USDC):
    a server that contradicts a pin is refused unless --trust-server-tokens.
    """
    pinned = _pinned_domain(domain_file, sera.DOMAIN)
    with SeraClient(api, timeout=timeout, retries=retries) as client:
        decision = client.signing_domain(pinned, trust_server_domain=trust_server_domain)
        domain, notes = decision.domain, list(decision.notes)
        executor_id = client.executor_id()
        server_now = client.server_time()
        tokens = client.signing_tokens(domain, load_tokens(tokens_file), trust_server_tokens=trust_server_tokens)
        url = client.http.url(sera.endpoints.VERIFY_SIGNATURE)
        state = {"chain_id": domain.chain_id, "verifying_contract": domain.verifying_contract,
                 "executor_id": executor_id, "server_time": server_now,
                 "clock_offset": server_now - int(time.time())}
        signed_view: dict[str, Any] | None = None
        if request_file is not None:
            if any(v is not None for v in (side, amount, price, from_address, to_address, order_id, uuid_int,
                                           expiration)):
                raise click.UsageError("--request carries the order; drop the order options")
            signed = load_json(request_file.read())
            if not isinstance(signed, dict):
                raise click.BadParameter("the request file holds a JSON object", param_hint="--request")
        else:
            require(side=side, amount=amount, price=price, from_address=from_address, to_address=to_address)
            assert side is not None and from_address is not None and to_address is not None
            key = load_cli_key()
            if expiration is None:
                expiration = sera.safe_expiration(server_now, expires_in)
            base_token = tokens.resolve(token_ref(from_address, "--from-address"), field="from_address")
            quote_token = tokens.resolve(token_ref(to_address, "--to-address"), field="to_address")
            built = sera.build_order(
                owner_address=key.address, side=side, amount=amount, price=price,
                from_address=base_token, to_address=quote_token, expiration=expiration,
                order_id=order_id if order_id is not None or uuid_int is not None else _new_uuid(),
                uuid_int=uuid_int, executor_id=executor_id, rounding=rounding, server_now=server_now,
            )
            signed_view = signed_order_view(built.order, domain, (base_token, quote_token))
            if not as_json:  # shown before anything is sent, so a hung server cannot hide it
                click.echo(_render_signed(signed_view, notes))
            signed = built.sign(key, domain).verify_signature_body()
        sent = _apply_overrides(signed, overrides)
        local = check_order_request(sent, domain=domain, tokens=tokens, executor_id=executor_id, now=server_now)
        response = client.verify_signature(sent)
    server = parse_verdict(response)
    changes = _changes(signed, sent) if overrides else []
    agree = local.valid == server.valid
    if as_json:
        answer = {"status": response.status, "valid": server.valid, "code": server.code, "field": server.field,
                  "detail": server.detail, "body": response.body}
        click.echo(dumps({"server_state": state, "notes": notes, "signed": signed_view,
                          "request": {"method": "POST", "url": url, "body": sent}, "changed": changes,
                          "local": local.to_dict(), "server": answer, "agree": agree,
                          "accepted": local.valid and server.valid}))
    else:
        click.echo(_render_sera(url, sent, changes, state, local, (response.status, server), agree,
                                notes if signed_view is None else []))
    return EXIT_OK if (local.valid and server.valid) else EXIT_INVALID


def signed_order_view(order: sera.Order, domain: Domain, pair: tuple[sera.Token, sera.Token]) -> dict[str, Any]:
    """Exactly what is signed: the domain and every Order field (integers in base units, as decimal
    strings beyond 2**53 - 1), with each token's symbol and the decimals used."""
    view: dict[str, Any] = {"primaryType": "Order", "domain": domain.to_dict(), "message": order.to_message()}
    by_address = {token.address: token for token in pair}
    described = {}
    for field_name in ("fromToken", "toToken"):
        token = by_address[getattr(order, field_name)]
        described[field_name] = {"address": token.address, "symbol": token.symbol, "decimals": token.decimals}
    view["tokens"] = described
    return view


def _render_signed(view: dict[str, Any], notes: list[str]) -> str:
    out = signing_header(view, notes)
    tokens = view["tokens"]
    amounts = {"fromAmount": "fromToken", "toAmount": "toToken"}
    for name, value in view["message"].items():
        line = f"  {name:<21}{value}"
        if name in tokens:
            token = tokens[name]
            line += f"  ({_symbol(token) or 'no symbol'}, {token['decimals']} decimals)"
        elif name in amounts:
            token = tokens[amounts[name]]
            line += f"  base units (= {_in_units(int(value), token['decimals'])} {_symbol(token)})".rstrip()
        out.append(line)
    return "\n".join(out)


def _symbol(token: dict[str, Any]) -> str:
    """A token's symbol as a server named it, made visible: it is shown inside the line of a signed amount."""
    return visible(token["symbol"]) if token["symbol"] else ""


def _in_units(base_units: int, decimals: int) -> str:
    whole, fraction = divmod(base_units, 10**decimals)
    return f"{whole}.{str(fraction).zfill(decimals).rstrip('0') or '0'}" if decimals else str(whole)


def _new_uuid() -> str:
    import uuid

    return str(uuid.uuid4())


def _render_sera(url: str, sent: dict[str, Any], changes: list[dict[str, Any]], state: dict[str, Any],
                 local: Verdict, answer: tuple[int, Verdict], agree: bool, notes: list[str]) -> str:
    status, server = answer
    out = [*(f"note: {n}" for n in notes),
           f"server: chain {state['chain_id']}, contract {state['verifying_contract']}, executor_id "
           f"{state['executor_id']}, time {state['server_time']} (local clock {-state['clock_offset']:+d} s)",
           f"request: POST {visible(url)}", json_text(sent, indent=2)]
    for change in changes:
        out.append(f"changed after signing: {visible(change['field'])}: {json.dumps(change['signed'])} -> "
                   f"{json.dumps(change['sent'])}")
    width = 30
    out.append("")
    out.append(f"{'':10}{'local':<{width}}server (HTTP {status})")
    out.append(f"{'verdict':10}{_verdict_word(local.valid):<{width}}{_verdict_word(server.valid)}")
    out.append(f"{'code':10}{local.code or '-':<{width}}{visible(server.code or '-')}")
    out.append(f"{'field':10}{local.field or '-':<{width}}{visible(server.field or '-')}")
    if local.detail:
        out.append(f"local:  {visible(local.detail)}")
    if server.detail and not server.valid:
        out.append(f"server: {visible(server.detail)}")
    if local.valid and server.valid:
        out.append("result: accepted by both")
    elif agree:
        why = f" — field {visible(local.field)}" if local.field else ""
        if local.code == "SIGNER_MISMATCH" and changes:
            why = (" — the signature no longer matches the request: "
                   + ", ".join(c["field"] for c in changes) + " changed after signing")
        out.append("result: refused by both" + why)
    else:
        who = "the server refuses what the reference verifier accepts" if local.valid else \
            "the server accepts what the reference verifier refuses"
        out.append(f"result: DISAGREEMENT — {who}")
    return "\n".join(out)


# --- logins -------------------------------------------------------------------------------------

def _token_shown(token: Any, show: bool) -> str:
    if not isinstance(token, str):
        return "(no token in the answer)"
    if show:
        return token
    return f"received ({len(token)} characters, redacted; --show-token prints it)"


def _login_result(response: Response, token_key: str, show_token: bool, as_json: bool,
                  steps: list[dict[str, Any]], notes: list[str], signed: dict[str, Any]) -> int:
    if response.status >= 500 or response.status == 429:
        raise NetworkError(f"the login call failed on the server: {response.describe()}", code="NETWORK_ERROR")
    body = response.body if isinstance(response.body, dict) else {}
    token = body.get(token_key)
    accepted = response.ok and isinstance(token, str) and bool(token)
    result: dict[str, Any] = {"signed": signed, "accepted": accepted, "status": response.status, "steps": steps,
                              "notes": notes}
    if accepted:
        result["token"] = token if show_token else None
    else:
        result["answer"] = response.body if response.is_json else response.text[:300]
    if as_json:
        click.echo(dumps(result))
    else:
        for step in steps:
            click.echo(f"{step['method']} {visible(step['url'])} -> {step['status']}")
        for note in notes:
            click.echo(f"note: {visible(note)}")
        if accepted:
            click.echo(f"result: accepted — token {visible(_token_shown(token, show_token))}")
        else:
            reason = response.describe() if response.ok else f"HTTP {response.status}: {visible(response.text[:300])}"
            click.echo(f"result: refused — {reason}")
    return EXIT_OK if accepted else EXIT_INVALID


def _step(response: Response) -> dict[str, Any]:
    return {"method": response.method, "url": response.url, "status": response.status}


@check_group.command("renance-login")
@click.option("--api", default=renance.BASE_URL, show_default=True, help=_API_HELP)
@_domain_options(renance.DOMAIN)
@click.option("--show-token", is_flag=True, help="Print the JWT the server returns (redacted by default).")
@_TIMEOUT_OPTION
@_RETRIES_OPTION
@key_options
@json_option
def check_renance_login(api: str, domain_file: IO[bytes] | None, trust_server_domain: bool, show_token: bool,
                        timeout: float, retries: int, as_json: bool) -> int:
    """Run Renance's login flow against a server.

    GET the nonce, sign its Login, POST /api/v1/auth/login.

    \b
    Examples:
      eip712kit check renance-login --api https://api.renance.xyz
      eip712kit check renance-login --api http://127.0.0.1:9000 --key-env BOT_KEY --json

    The typed data the server sends is checked (Login type, nonce, wallet) and must be in the
    documented XBlade Vault domain (or --domain FILE); a server domain that differs is refused,
    nothing signed, unless --trust-server-domain. What is signed is printed first.
    """
    key = load_cli_key()
    pinned = _pinned_domain(domain_file, renance.DOMAIN)
    with RenanceClient(api, timeout=timeout, retries=retries) as client:
        plan = client.login_challenge(key.address, pinned, trust_server_domain=trust_server_domain)
        steps = [_step(plan.answer)]
        notes = list(plan.decision.notes)
        signed_view = plan.signed_view()
        if not as_json:
            click.echo(_render_typed(signed_view, notes))
        response = client.login(plan.sign(key).body())
        steps.append(_step(response))
    return _login_result(response, "token", show_token, as_json, steps, notes, signed_view)


@check_group.command("alura-login")
@click.option("--api", default=alura.BASE_URL, show_default=True, help=_API_HELP)
@click.option("--referral-code", help="Sent as referralCode with the signature.")
@click.option("--trust-server-text", is_flag=True,
              help="Sign the server's text even when it does not name the nonce and this address, holds a "
                   "control, bidi or zero-width character, or is a Sign-In-With-Ethereum text for another host.")
@click.option("--show-token", is_flag=True, help="Print the access token the server returns (redacted by default).")
@_TIMEOUT_OPTION
@_RETRIES_OPTION
@key_options
@json_option
def check_alura_login(api: str, referral_code: str | None, trust_server_text: bool, show_token: bool,
                      timeout: float, retries: int, as_json: bool) -> int:
    """Run Alura's login flow against a server.

    POST the challenge, personal_sign its message, POST the verify call.

    \b
    Examples:
      eip712kit check alura-login --api https://testnet-api.alura.fun
      eip712kit check alura-login --api http://127.0.0.1:9001 --json

    The exact text is printed before it is signed, every control, bidi and zero-width character
    in it escaped (\\u202e). A text that does not contain the challenge's nonce and this address,
    holds such a character, or is a Sign-In-With-Ethereum text whose domain is not the --api host,
    is refused (nothing signed or sent) unless --trust-server-text.
    """
    key = load_cli_key()
    with AluraClient(api, timeout=timeout, retries=retries) as client:
        plan = client.login_challenge(key.address)
        steps = [_step(plan.answer)]
        challenge = plan.challenge
        signed_view = {"method": "personal_sign", "encoding": "utf-8", "text": challenge.message,
                       "digest": "0x" + challenge.digest().hex()}
        if not as_json:
            click.echo(text_to_sign(challenge.message))
        signature = plan.sign(key, trust_server_text=trust_server_text)
        request = challenge.verify_request(signature, referral_code)
        response = client.verify(request.json or {})
        steps.append(_step(response))
    notes: list[str] = []
    if response.ok and isinstance(response.body, dict) and response.body.get("ok") is False:
        notes.append("the server answered ok: false")
        response = Response(response.method, response.url, response.status, {}, response.text, response.headers)
    return _login_result(response, "accessToken", show_token, as_json, steps, notes, signed_view)


def _render_typed(view: dict[str, Any], notes: list[str]) -> str:
    out = signing_header(view, notes)
    out.extend(f"  {name:<21}{value}" for name, value in view["message"].items())
    return "\n".join(out)


__all__ = ["check_group", "signed_order_view"]
