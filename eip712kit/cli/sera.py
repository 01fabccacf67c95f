"""``sera order|cancel|cancel-batch|withdraw|intent|api-key``: Sera requests, built and signed.

Every rule comes from :mod:`eip712kit.protocols.sera` (sides, exact amounts, the uuid_int binding,
the expiration window, API-key actions); this module only turns options into its arguments.
Offline by design: times come from the local clock unless given (``--now``, ``--timestamp``) —
``eip712kit check sera`` is the command that reads them from a live server.

A saved server answer is held to the same trust policy as a live one
(:mod:`eip712kit.protocols.trust`): a ``--config FILE`` naming another deployment than the pinned
one (documented, or ``--chain-id``/``--verifying-contract``) is refused unless
``--trust-server-domain``, and a ``--tokens FILE`` contradicting the documented tokens unless
``--trust-server-tokens``.
"""

from __future__ import annotations

import uuid as uuid_lib
from typing import IO, Any

import click

from ..base.errors import Eip712KitError, ProtocolError
from ..base.limits import load_json
from ..protocols import sera, trust
from ._builders import (
    Signer,
    domain_from_options,
    emit_built,
    now_or,
    sign_prepared,
    sign_struct,
    signing_options,
    trust_server_domain_option,
    trust_server_tokens_option,
)


def sera_domain_options(f: Any) -> Any:
    f = trust_server_domain_option(f)
    f = click.option("--config", "config_file", type=click.File("rb"),
                     help="A saved GET /config answer (JSON): its chain_id and sera_address must be the pinned "
                          "domain's, unless --trust-server-domain.")(f)
    f = click.option("--verifying-contract", metavar="ADDRESS",
                     help=f"Pin the domain's verifyingContract [default: {sera.DOMAIN.verifying_contract}].")(f)
    f = click.option("--chain-id", type=int, help=f"Pin the domain's chainId [default: {sera.DOMAIN.chain_id}].")(f)
    return f


def _domain(chain_id: int | None, verifying_contract: str | None, config_file: IO[bytes] | None,
            trust_server_domain: bool) -> trust.Decision:
    """The pinned domain (documented, or the options'), held against a saved GET /config when given."""
    pinned = domain_from_options(sera.DOMAIN, chain_id, verifying_contract)
    if config_file is None:
        return trust.Decision(pinned)
    try:
        offered = sera.domain_from_config(config_file.read())
    except Eip712KitError as exc:
        raise exc.at("--config") from None
    return trust.decide_domain(pinned, offered, trust_server_domain=trust_server_domain, source="the --config file")


def load_tokens(tokens_file: IO[bytes] | None) -> sera.TokenList | None:
    """The token list of ``--tokens FILE`` (a GET /tokens answer), or None without the option."""
    if tokens_file is None:
        return None
    try:
        return sera.TokenList.from_response(tokens_file.read())
    except Eip712KitError as exc:
        raise exc.at("--tokens") from None


def token_ref(text: str, option: str) -> sera.Token | str:
    """``SYMBOL``, ``ADDRESS`` (looked up in the token list) or ``ADDRESS:DECIMALS`` (given here)."""
    if ":" not in text:
        return text
    address, _, decimals = text.partition(":")
    if not (decimals.isascii() and decimals.isdigit()):
        raise click.BadParameter(f"{text!r}: write SYMBOL, ADDRESS or ADDRESS:DECIMALS", param_hint=option)
    try:
        return sera.Token(address, int(decimals))
    except Eip712KitError as exc:
        raise exc.at(option) from None


def order_options(f: Any) -> Any:
    """The order request's own fields, by the request's names (``--base``/``--quote`` are kept as the
    second names of ``--from-address``/``--to-address``), shared with ``eip712kit check sera``."""
    for option in reversed([
        click.option("--side", type=click.Choice(list(sera.SIDES)),
                     help="bid buys the base token with the quote token; ask sells the base token."),
        click.option("--amount", help="Base-token amount, a decimal string (e.g. 1000.0)."),
        click.option("--price", help="Quote per base, a decimal string (e.g. 1.085)."),
        click.option("--from-address", "--base", "from_address", metavar="TOKEN",
                     help="The market's base token, whichever the side: SYMBOL, ADDRESS or ADDRESS:DECIMALS."),
        click.option("--to-address", "--quote", "to_address", metavar="TOKEN",
                     help="The market's quote token: SYMBOL, ADDRESS or ADDRESS:DECIMALS."),
        click.option("--tokens", "tokens_file", type=click.File("rb"),
                     help="A GET /tokens answer (JSON) to look symbols up in; it may not contradict the documented "
                          "deployment's tokens unless --trust-server-tokens."),
        click.option("--order-id", help="The order's UUID [default: a new UUID4]."),
        click.option("--uuid-int", help="The packed uuid_int, if already known (checked against --order-id)."),
        click.option("--expiration", type=int, help="Unix time the order expires [default: now + --expires-in]."),
        click.option("--expires-in", type=int, default=sera.DEFAULT_LIFETIME, show_default=True,
                     help="Lifetime in seconds, when --expiration is not given."),
        click.option("--rounding", type=click.Choice(["down", "up", "half_even"]),
                     help="Round amounts that do not fit a token's decimals (default: refuse them)."),
    ]):
        f = option(f)
    return f


def _shown(server_file: IO[bytes] | None, decision: trust.Decision) -> trust.Decision | None:
    """The decision to print beside the output when a saved server answer went into what is signed."""
    return decision if server_file is not None else None


def require(**values: Any) -> None:
    missing = [name for name, value in values.items() if value is None]
    if missing:
        raise click.UsageError("missing " + ", ".join("--" + m.replace("_", "-") for m in missing))


@click.group("sera")
def sera_group() -> None:
    """Build and sign every Sera request that takes a signature.

    Orders, intents, cancels, withdrawals and API-key calls. The domain is Sera, version 1, on
    Sepolia (as GET /config says) unless --config, --chain-id or --verifying-contract say otherwise.

    \b
    Examples:
      eip712kit sera order --side bid --amount 1000.0 --price 1.085 --from-address EURC --to-address USDC \\
          --order-id 00000000-0000-4000-8000-000000000001 --executor-id 0
      eip712kit sera api-key create --label "trading bot"
      eip712kit sera cancel --uuid-int 6427948336465191935941739505432058208337171677044006212075520
    """


@sera_group.command("order")
@order_options
@click.option("--executor-id", type=int, default=None, help="The executor id from GET /health (to pack uuid_int).")
@click.option("--now", type=int, default=None, help="Server time to build from [default: the local clock].")
@sera_domain_options
@trust_server_tokens_option
@signing_options
def sera_order(side: str | None, amount: str | None, price: str | None, from_address: str | None,
               to_address: str | None,
               tokens_file: IO[bytes] | None, order_id: str | None, uuid_int: str | None, expiration: int | None,
               expires_in: int, rounding: str | None, executor_id: int | None, now: int | None,
               chain_id: int | None, verifying_contract: str | None, config_file: IO[bytes] | None,
               trust_server_domain: bool, trust_server_tokens: bool, address: str | None, unsigned: bool,
               external_signature: str | None, as_json: bool, body_only: bool) -> int:
    """A signed limit order and its POST /orders body.

    The body is also what POST /verify-signature takes.

    \b
    Example (the Sera document's order: bid 1000.0 EURC at 1.085 USDC):
      eip712kit sera order --side bid --amount 1000.0 --price 1.085 --from-address EURC --to-address USDC \\
          --order-id 00000000-0000-4000-8000-000000000001 --executor-id 0
      -> fromAmount 1085000000 (USDC spent), toAmount 1000000000 (EURC received)

    The options are the request's fields: --from-address is the market's base token and
    --to-address its quote token, whichever the side (--base and --quote are their second names).

    Amounts must fit the tokens' decimals exactly unless --rounding names a mode. A --config or
    --tokens file (a saved server answer) that differs from the pinned domain or the documented
    tokens is refused, nothing signed, unless --trust-server-domain / --trust-server-tokens.
    """
    require(side=side, amount=amount, price=price, from_address=from_address, to_address=to_address)
    assert side is not None and from_address is not None and to_address is not None
    if uuid_int is None and executor_id is None:
        raise click.UsageError("give --executor-id (from GET /health) to pack the uuid_int, or --uuid-int")
    decision = _domain(chain_id, verifying_contract, config_file, trust_server_domain)
    domain = decision.domain
    given = load_tokens(tokens_file)
    tokens = sera.SEPOLIA_TOKENS if given is None else trust.sera_token_pins(
        domain, given, trust_server_tokens=trust_server_tokens)
    signer = Signer.from_options(address, unsigned, external_signature)
    server_now = now_or(now)
    if expiration is None:
        expiration = sera.safe_expiration(server_now, expires_in)
    if order_id is None and uuid_int is None:
        order_id = str(uuid_lib.uuid4())
    built = sera.build_order(
        owner_address=signer.address, side=side, amount=amount, price=price,
        from_address=token_ref(from_address, "--from-address"), to_address=token_ref(to_address, "--to-address"),
        expiration=expiration, order_id=order_id, uuid_int=uuid_int,
        executor_id=executor_id, rounding=rounding, tokens=tokens, server_now=server_now,
    )
    return emit_built(sign_prepared(built, domain, signer), as_json, body_only,
                      _shown(config_file or tokens_file, decision))


@sera_group.command("cancel")
@click.option("--uuid-int", help="The order's packed uuid_int (CancelOrder signs this, not the UUID).")
@click.option("--order-id", help="The order's UUID: with --executor-id to pack it, or to check --uuid-int.")
@click.option("--executor-id", type=int, default=None, help="The executor id the order was packed with.")
@sera_domain_options
@signing_options
def sera_cancel(uuid_int: str | None, order_id: str | None, executor_id: int | None, chain_id: int | None,
                verifying_contract: str | None, config_file: IO[bytes] | None, trust_server_domain: bool,
                address: str | None, unsigned: bool, external_signature: str | None, as_json: bool,
                body_only: bool) -> int:
    """A signed CancelOrder (orderId is the packed uuid_int).

    \b
    Examples:
      eip712kit sera cancel --uuid-int 6427948336465191935941739505432058208337171677044006212075520
      eip712kit sera cancel --order-id 00000000-0000-4000-8000-000000000001 --executor-id 0
    """
    from ..protocols.sera import uuid_int as uuid_int_mod

    if uuid_int is None:
        if order_id is None or executor_id is None:
            raise click.UsageError("give --uuid-int, or --order-id with --executor-id")
        uuid_int = str(uuid_int_mod.pack(order_id, executor_id))
    decision = _domain(chain_id, verifying_contract, config_file, trust_server_domain)
    domain = decision.domain
    signer = Signer.from_options(address, unsigned, external_signature)
    message = sera.cancel_order(signer.address, uuid_int, order_id=order_id)
    return emit_built(sign_struct(message, domain, signer), as_json, body_only, _shown(config_file, decision))


@sera_group.command("cancel-batch")
@click.option("--vl-batch-id", required=True, help="The virtual-liquidity batch id.")
@sera_domain_options
@signing_options
def sera_cancel_batch(vl_batch_id: str, chain_id: int | None, verifying_contract: str | None,
                      config_file: IO[bytes] | None, trust_server_domain: bool, address: str | None, unsigned: bool,
                      external_signature: str | None, as_json: bool, body_only: bool) -> int:
    """A signed CancelVLBatch.

    \b
    Example:
      eip712kit sera cancel-batch --vl-batch-id vl-2024-0001
    """
    decision = _domain(chain_id, verifying_contract, config_file, trust_server_domain)
    domain = decision.domain
    signer = Signer.from_options(address, unsigned, external_signature)
    message = sera.CancelVLBatch(owner=signer.address, vlBatchId=vl_batch_id)
    return emit_built(sign_struct(message, domain, signer), as_json, body_only, _shown(config_file, decision))


@sera_group.command("withdraw")
@click.option("--token", "tokens", multiple=True, required=True, metavar="ADDRESS",
              help="A token to withdraw (repeat; pairs with --amount-units in order).")
@click.option("--amount-units", "amounts", multiple=True, required=True, metavar="UNITS",
              help="Amount of the matching --token in base units (an integer, e.g. 1000000 for 1 USDC).")
@click.option("--recipient", help="Where the tokens go [default: the signer].")
@click.option("--deadline", type=int, help="Unix deadline [default: now + --expires-in].")
@click.option("--expires-in", type=int, default=sera.DEFAULT_LIFETIME, show_default=True,
              help="Seconds until the deadline, when --deadline is not given.")
@click.option("--uuid", "uuid_value", help="The withdrawal's uint256 uuid [default: a random UUID4's 128 bits].")
@click.option("--now", type=int, default=None, help="Server time to build from [default: the local clock].")
@sera_domain_options
@signing_options
def sera_withdraw(tokens: tuple[str, ...], amounts: tuple[str, ...], recipient: str | None, deadline: int | None,
                  expires_in: int, uuid_value: str | None, now: int | None, chain_id: int | None,
                  verifying_contract: str | None, config_file: IO[bytes] | None, trust_server_domain: bool,
                  address: str | None, unsigned: bool, external_signature: str | None, as_json: bool,
                  body_only: bool) -> int:
    """A signed WithdrawIntent.

    Amounts are in base units, one per token.

    \b
    Example:
      eip712kit sera withdraw --token 0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238 --amount-units 5000000
    """
    if len(tokens) != len(amounts):
        raise click.UsageError(f"{len(tokens)} --token but {len(amounts)} --amount-units: give one amount per token")
    decision = _domain(chain_id, verifying_contract, config_file, trust_server_domain)
    domain = decision.domain
    signer = Signer.from_options(address, unsigned, external_signature)
    if deadline is None:
        deadline = sera.safe_expiration(now_or(now), expires_in)
    message = sera.WithdrawIntent(
        user=signer.address, tokens=list(tokens), amounts=list(amounts), recipient=recipient or signer.address,
        deadline=deadline, uuid=uuid_value if uuid_value is not None else uuid_lib.uuid4().int,
    )
    return emit_built(sign_struct(message, domain, signer), as_json, body_only, _shown(config_file, decision))


@sera_group.command("intent")
@click.argument("quote_file", type=click.File("rb"))
@click.option("--now", type=int, default=None, help="Server time for the deadline check [default: local clock].")
@sera_domain_options
@signing_options
def sera_intent(quote_file: IO[bytes], now: int | None, chain_id: int | None, verifying_contract: str | None,
                config_file: IO[bytes] | None, trust_server_domain: bool, address: str | None, unsigned: bool,
                external_signature: str | None, as_json: bool, body_only: bool) -> int:
    """Sign the Intent of a POST /swap/quote response.

    Its route_params are signed exactly as the server returned them.

    \b
    Example:
      curl -s -X POST $API/swap/quote -d @quote-request.json | eip712kit sera intent -
    """
    data = load_json(quote_file.read())
    if not isinstance(data, dict):
        raise ProtocolError("a swap quote is a JSON object (with route_params)", code="INVALID_DOCUMENT")
    intent = sera.intent_from_quote(data, server_now=now_or(now))
    decision = _domain(chain_id, verifying_contract, config_file, trust_server_domain)
    domain = decision.domain
    signer = Signer.from_options(address or intent.taker, unsigned, external_signature)
    if signer.key is not None and signer.key.address != intent.taker:
        raise ProtocolError(f"the quote's taker is {intent.taker} but the key signs as {signer.key.address}",
                            code="KEY_MISMATCH", path="route_params.taker")
    return emit_built(sign_struct(intent, domain, signer), as_json, body_only, decision)  # a quote is a server's


@sera_group.command("api-key")
@click.argument("action", type=click.Choice(["create", "list", "revoke", "revoke-all"]))
@click.option("--api-key", "api_key", help="The key to revoke (revoke only).")
@click.option("--label", help="A label for the new key (create only).")
@click.option("--timestamp", type=int, default=None, help="Signed timestamp [default: now]; ±5 min of server time.")
@click.option("--query", "as_query", is_flag=True, help="Build the query-parameter form (GET/DELETE /api-keys).")
@sera_domain_options
@signing_options
def sera_api_key(action: str, api_key: str | None, label: str | None, timestamp: int | None, as_query: bool,
                 chain_id: int | None, verifying_contract: str | None, config_file: IO[bytes] | None,
                 trust_server_domain: bool, address: str | None, unsigned: bool, external_signature: str | None,
                 as_json: bool, body_only: bool) -> int:
    """A signed ManageApiKey request.

    ACTION is create, list, revoke or revoke-all.

    \b
    Examples:
      eip712kit sera api-key create --label "trading bot"
      eip712kit sera api-key list --query
      eip712kit sera api-key revoke --api-key sera_0123abcd
      eip712kit sera api-key revoke-all --body | curl -s -X POST $API/api-keys/revoke-all \\
          -H 'Content-Type: application/json' -d @-
    """
    kind = "revoke_all" if action == "revoke-all" else action
    signed_action = sera.api_key_action(kind, api_key) if kind == "revoke" else sera.api_key_action(kind)
    decision = _domain(chain_id, verifying_contract, config_file, trust_server_domain)
    domain = decision.domain
    signer = Signer.from_options(address, unsigned, external_signature)
    prepared = sera.api_key_request(signer.address, signed_action, now_or(timestamp),
                                    form="query" if as_query else "body", label=label)
    return emit_built(sign_prepared(prepared, domain, signer), as_json, body_only, _shown(config_file, decision))


__all__ = ["load_tokens", "order_options", "sera_group", "token_ref"]
