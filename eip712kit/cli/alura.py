"""``alura login``: sign Alura's login challenge with personal_sign (:mod:`eip712kit.protocols.alura`)."""

from __future__ import annotations

import json
from typing import IO

import click

from ..base.errors import Eip712KitError
from ..base.limits import load_json
from ..core.signature import Signature
from ..protocols import alura
from ._builders import Signer, signing_options
from ._common import EXIT_INVALID, EXIT_OK, text_to_sign


@click.group("alura")
def alura_group() -> None:
    """Alura's EVM login: sign the challenge with personal_sign.

    The challenge message is signed as EIP-191 personal_sign, after the text is checked to name its
    nonce and your address.

    \b
    Example:
      curl -s -X POST $API/auth/evm/challenge -H 'Content-Type: application/json' \\
          -d '{"address":"0xf39F…"}' | eip712kit alura login --challenge - --body
    """


@alura_group.command("login")
@click.option("--challenge", "challenge_file", type=click.File("rb"), required=True,
              help="The POST /auth/evm/challenge response {address, nonce, message} (JSON; - for stdin).")
@click.option("--referral-code", help="Sent as referralCode in the verify body.")
@click.option("--api", default=alura.BASE_URL, show_default=True,
              help="The API the challenge came from: a Sign-In-With-Ethereum text must be for its host.")
@click.option("--trust-server-text", is_flag=True,
              help="Sign the text even when it does not name the nonce and this address, holds a control, "
                   "bidi or zero-width character, or is a Sign-In-With-Ethereum text for another host (you trust "
                   "this server's text).")
@signing_options
def alura_login(challenge_file: IO[bytes], referral_code: str | None, api: str, trust_server_text: bool,
                address: str | None, unsigned: bool, external_signature: str | None, as_json: bool,
                body_only: bool) -> int:
    """Sign a login challenge; print the POST /auth/evm/verify body.

    \b
    Example:
      eip712kit alura login --challenge challenge.json
      -> {"request": {"method": "POST", "path": "/auth/evm/verify",
                      "json": {"address": …, "signature": …}}, "message": …, "digest": …}

    The message is signed exactly as the server sent it (UTF-8 text, never read as hex), only
    for the wallet the challenge names, and only when it names the challenge's nonce and address,
    holds no control, bidi or zero-width character (a clause could hide behind one), and, for a
    Sign-In-With-Ethereum text, is for the --api host — unless --trust-server-text. The text is
    printed with every such character escaped (on stderr with --body).
    """
    signer = Signer.from_options(address, unsigned, external_signature)
    try:
        challenge = alura.parse_challenge(load_json(challenge_file.read()), address=signer.address)
    except Eip712KitError as exc:
        raise exc.at("--challenge") from None
    verification = None
    signature: str | None = None
    if body_only:
        click.echo(text_to_sign(challenge.message), err=True)
    if signer.key is not None:
        signature = challenge.sign(signer.key, api_url=api, trust_text=trust_server_text).to_hex()
    elif signer.external is not None:
        signature = Signature.parse(signer.external).to_hex()
        verification = challenge.check(signer.external)
    body: dict[str, object] = {"address": challenge.address, "signature": signature}
    if signature is not None:
        request = challenge.verify_request(signature, referral_code).to_dict()
        body = dict(request["json"])
    else:
        if referral_code is not None:
            body["referralCode"] = referral_code
        request = {"method": "POST", "path": alura.VERIFY_PATH, "json": body}
    out = {"request": request, "message": challenge.message, "nonce": challenge.nonce,
           "digest": "0x" + challenge.digest().hex(), "signer": challenge.address, "signature": signature}
    if verification is not None:
        out["verification"] = verification.to_dict()
    if body_only:
        click.echo(json.dumps(body, ensure_ascii=False, separators=(",", ":")))
    else:
        click.echo(json.dumps(out, ensure_ascii=False, **({"separators": (",", ":")} if as_json else {"indent": 2})))
    if verification is not None and not verification.valid:
        click.echo(f"warning: the given signature does not verify: {verification.reason} [{verification.code}]",
                   err=True)
        return EXIT_INVALID
    return EXIT_OK


__all__ = ["alura_group"]
