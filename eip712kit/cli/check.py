"""``check sera|renance-login|alura-login``: run a signature past a live server and show both verdicts.

``check sera`` reads the server's state (``/config`` for the domain, ``/health`` for the
executor_id, ``/system/time`` for the clock, ``/tokens`` for decimals), builds and signs an order
with it — or takes a ready request — POSTs ``/verify-signature`` and prints the request, the local
verdict (the reference verifier's own checks, :func:`eip712kit.server.checks.check_order_request`)
and the server's side by side. ``--set FIELD=VALUE`` changes a field *after* signing, to watch a
server refuse a broken request and say which field — the output lists what changed.

The login checks run Renance's and Alura's documented flows and say whether the server accepted
the signature; the token it returns is redacted unless ``--show-token``.

Exit codes: 0 accepted (and, for ``sera``, both verdicts agree), 1 refused or disagreeing,
2 bad input, 3 network or server error (unreachable, timeout, 5xx, still rate limited after the
retries, an answer that is not JSON).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import IO, Any

import click

from ..client import (
    ALURA_API,
    RENANCE_API,
    SERA_API,
    AluraClient,
    RenanceClient,
    Response,
    SeraClient,
    ServerVerdict,
)
from ..errors import Eip712KitError, NetworkError
from ..limits import load_json
from ..protocols import alura, renance, sera
from ..server.checks import Verdict, check_order_request
from ..typed_data import TypedData
from ._common import EXIT_INVALID, EXIT_OK, dumps, json_option, key_options, load_cli_key
from .sera import load_tokens, order_options, require, token_ref

_TIMEOUT_OPTION = click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
                               help="Seconds to wait for each HTTP answer.")
_RETRIES_OPTION = click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
                               help="Retries on 429/503, with exponential back-off.")


def _from_server(what: str, fn: Callable[[], Any]) -> Any:
    """Run a parser over a server's answer; its refusal is the server's fault (exit 3), not the user's."""
    try:
        return fn()
    except NetworkError:
        raise
    except Eip712KitError as exc:
        raise NetworkError(f"the server's {what} is not usable: {exc}", code="NETWORK_ERROR") from None


@click.group("check")
def check_group() -> None:
    """Check signatures against a live server (or the local verifier: eip712kit serve).

    \b
    Examples:
      eip712kit check sera --api http://127.0.0.1:8712/api/v1 --side bid --amount 1000.0 \\
          --price 1.085 --base EURC --quote USDC
      eip712kit check renance-login --api https://api.renance.xyz
      eip712kit check alura-login --api https://testnet-api.alura.fun
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
@click.option("--api", default=SERA_API, show_default=True, help="The Sera API base URL (with /api/v1).")
@order_options
@click.option("--request", "request_file", type=click.File("rb"),
              help="Send this ready /verify-signature body (JSON, signed) instead of building one.")
@click.option("--set", "overrides", multiple=True, metavar="FIELD=VALUE",
              help="Change a request field after signing (FIELD:=JSON for a non-string); repeatable.")
@_TIMEOUT_OPTION
@_RETRIES_OPTION
@key_options
@json_option
def check_sera(api: str, side: str | None, amount: str | None, price: str | None, base: str | None,
               quote: str | None, tokens_file: IO[bytes] | None, order_id: str | None, uuid_int: str | None,
               expiration: int | None, expires_in: int, rounding: str | None, request_file: IO[bytes] | None,
               overrides: tuple[str, ...], timeout: float, retries: int, as_json: bool) -> int:
    """Sign an order with the server's state, POST /verify-signature, compare both verdicts.

    \b
    Examples:
      eip712kit check sera --api http://127.0.0.1:8712/api/v1 \\
          --side bid --amount 1000.0 --price 1.085 --base EURC --quote USDC
      eip712kit check sera --api http://127.0.0.1:8712/api/v1 \\
          --side bid --amount 1000.0 --price 1.085 --base EURC --quote USDC --set amount=1000.5
      eip712kit check sera --request body.json --json

    The domain comes from GET /config, the executor_id from GET /health, the clock from
    GET /system/time (expiration = server time + --expires-in) and decimals from GET /tokens.
    """
    with SeraClient(api, timeout=timeout, retries=retries) as client:
        domain = _from_server("GET /config", lambda: sera.domain_from_config(client.config()))
        executor_id = client.executor_id()
        server_now = client.server_time()
        if tokens_file is not None:
            tokens = load_tokens(tokens_file)
        else:
            tokens = _from_server("GET /tokens", lambda: sera.TokenList.from_response(client.tokens()))
        if request_file is not None:
            if any(v is not None for v in (side, amount, price, base, quote, order_id, uuid_int, expiration)):
                raise click.UsageError("--request carries the order; drop the order options")
            signed = load_json(request_file.read())
            if not isinstance(signed, dict):
                raise click.BadParameter("the request file holds a JSON object", param_hint="--request")
        else:
            require(side=side, amount=amount, price=price, base=base, quote=quote)
            assert side is not None and base is not None and quote is not None
            key = load_cli_key()
            if expiration is None:
                expiration = sera.safe_expiration(server_now, expires_in)
            built = sera.build_order(
                side=side, amount=amount, price=price, base=token_ref(base, "--base"),
                quote=token_ref(quote, "--quote"), user=key.address, expiration=expiration, uuid_int=uuid_int,
                order_id=order_id if order_id is not None or uuid_int is not None else _new_uuid(),
                executor_id=executor_id, rounding=rounding, tokens=tokens, server_now=server_now,
            )
            signed = built.sign(key, domain).verify_signature_body()
        sent = _apply_overrides(signed, overrides)
        local = check_order_request(sent, domain=domain, tokens=tokens, executor_id=executor_id, now=server_now)
        response = client.verify_signature(sent)
        url = client.http.url("verify-signature")
    server = ServerVerdict.from_response(response)
    changes = _changes(signed, sent) if overrides else []
    agree = local.valid == server.valid
    state = {"chain_id": domain.chain_id, "verifying_contract": domain.verifying_contract,
             "executor_id": executor_id, "server_time": server_now, "clock_offset": server_now - int(time.time())}
    if as_json:
        click.echo(dumps({"request": {"method": "POST", "url": url, "body": sent}, "changed": changes,
                          "server_state": state, "local": local.to_dict(), "server": server.to_dict(),
                          "agree": agree, "accepted": local.valid and server.valid}))
    else:
        click.echo(_render_sera(url, sent, changes, state, local, server, agree))
    return EXIT_OK if (local.valid and server.valid) else EXIT_INVALID


def _new_uuid() -> str:
    import uuid

    return str(uuid.uuid4())


def _render_sera(url: str, sent: dict[str, Any], changes: list[dict[str, Any]], state: dict[str, Any],
                 local: Verdict, server: ServerVerdict, agree: bool) -> str:
    out = [f"server: chain {state['chain_id']}, contract {state['verifying_contract']}, executor_id "
           f"{state['executor_id']}, time {state['server_time']} (local clock {-state['clock_offset']:+d} s)",
           f"request: POST {url}", json.dumps(sent, indent=2, ensure_ascii=False)]
    for change in changes:
        out.append(f"changed after signing: {change['field']}: {json.dumps(change['signed'])} -> "
                   f"{json.dumps(change['sent'])}")
    width = 30
    out.append("")
    out.append(f"{'':10}{'local':<{width}}server (HTTP {server.status})")
    out.append(f"{'verdict':10}{_verdict_word(local.valid):<{width}}{_verdict_word(server.valid)}")
    out.append(f"{'code':10}{local.code or '-':<{width}}{server.code or '-'}")
    out.append(f"{'field':10}{local.field or '-':<{width}}{server.field or '-'}")
    if local.detail:
        out.append(f"local:  {local.detail}")
    if server.detail and not server.valid:
        out.append(f"server: {server.detail}")
    if local.valid and server.valid:
        out.append("result: accepted by both")
    elif agree:
        why = f" — field {local.field}" if local.field else ""
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
                  steps: list[dict[str, Any]], notes: list[str]) -> int:
    if response.status >= 500 or response.status == 429:
        raise NetworkError(f"the login call failed on the server: {response.describe()}", code="NETWORK_ERROR")
    body = response.body if isinstance(response.body, dict) else {}
    token = body.get(token_key)
    accepted = response.ok and isinstance(token, str) and bool(token)
    result: dict[str, Any] = {"accepted": accepted, "status": response.status, "steps": steps,
                              "notes": notes}
    if accepted:
        result["token"] = token if show_token else None
    else:
        result["answer"] = response.body if response.is_json else response.text[:300]
    if as_json:
        click.echo(dumps(result))
    else:
        for step in steps:
            click.echo(f"{step['method']} {step['url']} -> {step['status']}")
        for note in notes:
            click.echo(f"note: {note}")
        if accepted:
            click.echo(f"result: accepted — token {_token_shown(token, show_token)}")
        else:
            reason = response.describe() if response.ok else f"HTTP {response.status}: {response.text[:300]}"
            click.echo(f"result: refused — {reason}")
    return EXIT_OK if accepted else EXIT_INVALID


def _step(response: Response) -> dict[str, Any]:
    return {"method": response.method, "url": response.url, "status": response.status}


@check_group.command("renance-login")
@click.option("--api", default=RENANCE_API, show_default=True, help="The Renance base URL (without /api/v1).")
@click.option("--show-token", is_flag=True, help="Print the JWT the server returns (redacted by default).")
@_TIMEOUT_OPTION
@_RETRIES_OPTION
@key_options
@json_option
def check_renance_login(api: str, show_token: bool, timeout: float, retries: int, as_json: bool) -> int:
    """Run Renance's login flow: GET the nonce, sign its Login, POST /api/v1/auth/login.

    \b
    Examples:
      eip712kit check renance-login --api https://api.renance.xyz
      eip712kit check renance-login --api http://127.0.0.1:9000 --key-env BOT_KEY --json

    The typed data the server sends is checked (Login type, nonce, wallet) and signed as sent;
    a domain that differs from the documented XBlade Vault domain is reported.
    """
    key = load_cli_key()
    with RenanceClient(api, timeout=timeout, retries=retries) as client:
        nonce_request = renance.nonce_request(key.address)
        answer = client.http.get(nonce_request.path.lstrip("/")).expect()
        steps = [_step(answer)]
        challenge = _from_server("nonce response",
                                 lambda: renance.parse_nonce_response(answer.json_object(), address=key.address))
        typed = _from_server("typed_data", lambda: TypedData(answer.json_object()["typed_data"]))
        notes = [f"the server's domain differs from the documented one: {d}" for d in challenge.differences]
        prepared = challenge.request()
        if typed.digest() != prepared.digest(challenge.domain):
            raise NetworkError("the server's typed_data does not hash like the documented Login in its own "
                               "domain; refusing to sign something other than the documented message",
                               code="NETWORK_ERROR")
        signed = prepared.sign(key, challenge.domain)
        response = client.login(signed.body())
        steps.append(_step(response))
    return _login_result(response, "token", show_token, as_json, steps, notes)


@check_group.command("alura-login")
@click.option("--api", default=ALURA_API, show_default=True, help="The Alura base URL.")
@click.option("--referral-code", help="Sent as referralCode with the signature.")
@click.option("--show-token", is_flag=True, help="Print the access token the server returns (redacted by default).")
@_TIMEOUT_OPTION
@_RETRIES_OPTION
@key_options
@json_option
def check_alura_login(api: str, referral_code: str | None, show_token: bool, timeout: float, retries: int,
                      as_json: bool) -> int:
    """Run Alura's login flow: POST the challenge, personal_sign its message, POST the verify call.

    \b
    Examples:
      eip712kit check alura-login --api https://testnet-api.alura.fun
      eip712kit check alura-login --api http://127.0.0.1:9001 --json
    """
    key = load_cli_key()
    with AluraClient(api, timeout=timeout, retries=retries) as client:
        answer = client.challenge(alura.challenge_request(key.address).json or {}).expect()
        steps = [_step(answer)]
        challenge = _from_server("challenge", lambda: alura.parse_challenge(answer.json_object(),
                                                                            address=key.address))
        signature = challenge.sign(key)
        request = challenge.verify_request(signature, referral_code)
        response = client.verify(request.json or {})
        steps.append(_step(response))
    notes: list[str] = []
    if response.ok and isinstance(response.body, dict) and response.body.get("ok") is False:
        notes.append("the server answered ok: false")
        response = Response(response.method, response.url, response.status, {}, response.text, response.headers)
    return _login_result(response, "accessToken", show_token, as_json, steps, notes)


__all__ = ["check_group"]
