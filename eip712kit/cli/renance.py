"""``renance login|order|cancel``: Renance / XBlade Vault requests, built and signed.

Every rule comes from :mod:`eip712kit.protocols.renance`: lowercase side and order type, price and
amount signed as the exact strings the body carries, the market-order price convention, ids joined
with ``,`` in chunks of at most 20, the ±30-second timestamp window.
"""

from __future__ import annotations

from typing import IO

import click

from ..base.errors import Eip712KitError, TrustError
from ..base.limits import load_json
from ..protocols import renance, trust
from ._builders import (
    Built,
    Signer,
    domain_from_options,
    domain_options,
    emit_built,
    now_or,
    sign_prepared,
    signing_options,
    trust_server_domain_option,
)
from ._common import EXIT_OK


@click.group("renance")
def renance_group() -> None:
    """Build and sign Renance / XBlade Vault requests.

    The domain is XBlade Vault's on Arbitrum Sepolia unless --chain-id and --verifying-contract
    say otherwise.

    \b
    Examples:
      eip712kit renance login --challenge nonce.json
      eip712kit renance order --symbol BTCUSDT --side buy --type limit --amount 0.001 \\
          --price 100000.00 --leverage 50
      eip712kit renance cancel order_123456 order_123457
    """


@renance_group.command("login")
@click.option("--challenge", "challenge_file", type=click.File("rb"),
              help="A saved GET /api/v1/auth/nonce/{address} answer (JSON): its Login is signed once its "
                   "typed_data is checked against the pinned domain.")
@click.option("--nonce", type=int, help="The nonce, when there is no --challenge file.")
@click.option("--timestamp", type=int, help="The Login timestamp [default: now; with --challenge, the server's].")
@domain_options(renance.DOMAIN)
@trust_server_domain_option
@signing_options
def renance_login(challenge_file: IO[bytes] | None, nonce: int | None, timestamp: int | None, chain_id: int | None,
                  verifying_contract: str | None, trust_server_domain: bool, address: str | None, unsigned: bool,
                  external_signature: str | None, as_json: bool, body_only: bool) -> int:
    """A signed Login and its POST /api/v1/auth/login body.

    \b
    Examples:
      curl -s $API/api/v1/auth/nonce/0xf39f… > nonce.json
      eip712kit renance login --challenge nonce.json --body
      eip712kit renance login --nonce 12345 --timestamp 1704537600

    With --challenge, the typed data the server sent is checked (Login type, nonce, wallet, and that
    it hashes like the documented Login) and must be in the pinned domain: the documented XBlade
    Vault one, or --chain-id/--verifying-contract. A domain that differs is refused, nothing signed,
    unless --trust-server-domain.
    """
    signer = Signer.from_options(address, unsigned, external_signature)
    pinned = domain_from_options(renance.DOMAIN, chain_id, verifying_contract)
    if challenge_file is None:
        if nonce is None:
            raise click.UsageError("give --challenge (the nonce response) or --nonce")
        prepared = renance.login_request(signer.address, nonce, now_or(timestamp))
        return emit_built(sign_prepared(prepared, pinned, signer), as_json, body_only)
    if nonce is not None or timestamp is not None:
        raise click.UsageError("--challenge carries the nonce and timestamp; drop --nonce/--timestamp")
    try:
        challenge = renance.parse_nonce_response(load_json(challenge_file.read()), address=signer.address,
                                                 pinned=pinned)
        decision = trust.decide_login_domain(challenge, pinned, trust_server_domain=trust_server_domain,
                                             source="the --challenge file's typed_data")
    except TrustError:
        raise
    except Eip712KitError as exc:
        raise exc.at("--challenge") from None
    extra = {"notes": list(decision.notes)} if decision.notes else None
    built = sign_prepared(challenge.request(), decision.domain, signer, extra=extra)
    return emit_built(built, as_json, body_only, decision)


@renance_group.command("order")
@click.option("--symbol", required=True, help="The pair, e.g. BTCUSDT.")
@click.option("--side", required=True, type=click.Choice(list(renance.SIDES)), help="buy or sell.")
@click.option("--type", "order_type", required=True, type=click.Choice(list(renance.ORDER_TYPES)),
              help="limit or market.")
@click.option("--amount", required=True, help="Amount as the decimal string to send, e.g. 0.001.")
@click.option("--price", help="Price as the decimal string to send (required for limit).")
@click.option("--leverage", type=int, default=renance.DEFAULT_LEVERAGE, show_default=True, help="Leverage.")
@click.option("--market-price", default=renance.MARKET_PRICE, show_default=True,
              help="What a market order without --price signs as its price (the kit's convention: empty).")
@click.option("--null-market-price", is_flag=True,
              help="Send JSON null as a market order's price (the signed string stays --market-price).")
@click.option("--timestamp", type=int, help="Signed timestamp [default: now]; ±30 s of server time.")
@domain_options(renance.DOMAIN)
@signing_options
def renance_order(symbol: str, side: str, order_type: str, amount: str, price: str | None, leverage: int,
                  market_price: str, null_market_price: bool, timestamp: int | None, chain_id: int | None,
                  verifying_contract: str | None, address: str | None, unsigned: bool,
                  external_signature: str | None, as_json: bool, body_only: bool) -> int:
    """A signed CreateOrder and its POST /api/v1/orders body.

    \b
    Examples:
      eip712kit renance order --symbol BTCUSDT --side buy --type limit --amount 0.001 \\
          --price 100000.00 --leverage 50
      eip712kit renance order --symbol BTCUSDT --side sell --type market --amount 0.5 --body
    """
    signer = Signer.from_options(address, unsigned, external_signature)
    prepared = renance.create_order(
        wallet=signer.address, symbol=symbol, side=side, order_type=order_type, amount=amount,
        timestamp=now_or(timestamp), price=price, leverage=leverage, market_price=market_price,
        null_market_price=null_market_price,
    )
    domain = domain_from_options(renance.DOMAIN, chain_id, verifying_contract)
    return emit_built(sign_prepared(prepared, domain, signer), as_json, body_only)


@renance_group.command("cancel")
@click.argument("order_ids", nargs=-1, required=True)
@click.option("--timestamp", type=int, help="Signed timestamp [default: now]; ±30 s of server time.")
@domain_options(renance.DOMAIN)
@signing_options
def renance_cancel(order_ids: tuple[str, ...], timestamp: int | None, chain_id: int | None,
                   verifying_contract: str | None, address: str | None, unsigned: bool,
                   external_signature: str | None, as_json: bool, body_only: bool) -> int:
    """Signed BatchCancelOrders for POST /api/v1/orders/batch.

    One request per 20 ids.

    \b
    Examples:
      eip712kit renance cancel order_123456
      eip712kit renance cancel order_1 order_2 order_3 --body

    More than 20 ids print one request per chunk of 20 (one JSON object per line with --json/--body).
    """
    signer = Signer.from_options(address, unsigned, external_signature)
    if signer.external is not None and len(order_ids) > renance.MAX_BATCH_CANCEL:
        raise click.UsageError("--signature signs one request: give at most 20 ids")
    domain = domain_from_options(renance.DOMAIN, chain_id, verifying_contract)
    ts = now_or(timestamp)
    built: list[Built] = [
        sign_prepared(renance.batch_cancel(chunk, wallet=signer.address, timestamp=ts), domain, signer)
        for chunk in renance.chunk_order_ids(list(order_ids))
    ]
    code = EXIT_OK
    for item in built:
        code = max(code, emit_built(item, as_json, body_only))
    return code


__all__ = ["renance_group"]
