"""``message sign|recover|verify``: EIP-191 ``personal_sign``, the signature Alura's login asks for.

The message is taken exactly as given — from ``--text`` or from ``--file`` (``-`` for stdin) — with
no newline added or removed: a challenge signed with one byte more or less is another message.
``--hex`` reads the text as ``0x`` bytes instead of characters.
"""

from __future__ import annotations

from typing import IO

import click

from ..api import check_message
from ..errors import Eip712KitError
from ..messages import hash_message, message_bytes
from ..signature import recover_digest, sign_digest
from ._common import EXIT_INVALID, EXIT_OK, emit, json_option, key_options, load_cli_key, read_input


def _message_options(f: click.decorators.FC) -> click.decorators.FC:
    f = click.option("--hex", "is_hex", is_flag=True, help="The message is 0x-hex bytes, not text.")(f)
    f = click.option("--file", "file", type=click.File("rb"), help="Read the message from a file (- for stdin).")(f)
    f = click.option("--text", "text", help="The message itself.")(f)
    return f


def _message(text: str | None, file: IO[bytes] | None, is_hex: bool) -> str | bytes:
    if (text is None) == (file is None):
        raise click.UsageError("give the message with exactly one of --text or --file")
    if text is not None:
        return text
    assert file is not None
    raw = read_input(file)
    if is_hex:
        try:
            return raw.decode("ascii")
        except UnicodeDecodeError:
            raise click.BadParameter("--hex needs 0x-hex text in the file", param_hint="--file") from None
    return raw


def _digest(message: str | bytes, is_hex: bool) -> bytes:
    return hash_message(message, hex=is_hex and isinstance(message, str))


def _summary(message: str | bytes, is_hex: bool, digest: bytes) -> dict[str, object]:
    body = message_bytes(message, hex=is_hex and isinstance(message, str))
    return {"messageBytes": len(body), "digest": "0x" + digest.hex()}


@click.group("message")
def message_group() -> None:
    """EIP-191 personal_sign of a message (Alura's login challenge).

    \b
    Examples:
      eip712kit message sign --text "hello"
      eip712kit message sign --file challenge.txt --json
      eip712kit message verify --file challenge.txt 0xSIG 0xADDRESS
    """


@message_group.command("sign")
@_message_options
@key_options
@json_option
def message_sign(text: str | None, file: IO[bytes] | None, is_hex: bool, as_json: bool) -> int:
    """Sign a message with personal_sign.

    \b
    Examples:
      eip712kit message sign --text "Sign in to Alura: nonce 42"
      printf '%s' "$CHALLENGE" | eip712kit message sign --file - --key-env BOT_KEY
    """
    message = _message(text, file, is_hex)
    digest = _digest(message, is_hex)
    key = load_cli_key()
    sig = sign_digest(digest, key)
    emit(as_json, {**sig.to_dict(), "signer": key.address, **_summary(message, is_hex, digest)}, sig.to_hex())
    return EXIT_OK


@message_group.command("recover")
@_message_options
@click.argument("signature")
@click.option("--allow-high-s", is_flag=True, help="Recover a high-s (malleated) signature too, for diagnosis.")
@json_option
def message_recover(text: str | None, file: IO[bytes] | None, is_hex: bool, signature: str,
                    allow_high_s: bool, as_json: bool) -> int:
    """Print the address that personal_signed a message.

    \b
    Example:
      eip712kit message recover --text "hello" 0x1b2c…(130 hex digits)
    """
    message = _message(text, file, is_hex)
    digest = _digest(message, is_hex)
    try:
        signer = recover_digest(digest, signature, allow_high_s=allow_high_s)
    except Eip712KitError as exc:
        raise exc.at("SIGNATURE") from None
    emit(as_json, {"signer": signer, **_summary(message, is_hex, digest)}, signer)
    return EXIT_OK


@message_group.command("verify")
@_message_options
@click.argument("signature")
@click.argument("address")
@json_option
def message_verify(text: str | None, file: IO[bytes] | None, is_hex: bool, signature: str, address: str,
                   as_json: bool) -> int:
    """Check that SIGNATURE is ADDRESS's personal_sign of a message: exit 0 valid, 1 invalid.

    \b
    Example:
      eip712kit message verify --text "hello" 0x1b2c… 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
    """
    message = _message(text, file, is_hex)
    digest = _digest(message, is_hex)
    try:
        verdict = check_message(message, signature, address, hex=is_hex and isinstance(message, str))
    except Eip712KitError as exc:
        raise exc.at("ADDRESS") from None
    text_out = (f"valid: signed by {verdict.signer}" if verdict.valid
                else f"invalid: {verdict.reason} [{verdict.code}]")
    emit(as_json, {**verdict.to_dict(), **_summary(message, is_hex, digest)}, text_out)
    return EXIT_OK if verdict.valid else EXIT_INVALID


__all__ = ["message_group"]
