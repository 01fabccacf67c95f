"""``message hash|sign|recover|verify``: EIP-191 ``personal_sign``, the signature Alura's login asks for.

The message is taken exactly as given — from ``--text`` or from ``--file`` (``-`` for stdin) — with
no newline added or removed: a challenge signed with one byte more or less is another message.
``--hex`` reads the text as ``0x`` bytes instead of characters.

``--no-hash`` (sign, recover, verify) takes the message as a 32-byte digest to sign as it is, with
no prefix — cast's ``--no-hash``. Signing a bare digest signs whatever produced it (a transaction
hash, a permit), so it is never implied: only the flag does it, and ``sign`` warns on stderr each
time. Without the flag, a 32-byte ``--hex`` message is personal_signed (prefix added), with a note
on stderr saying so, since that is the mistake of signing a digest with personal_sign.
"""

from __future__ import annotations

from typing import IO

import click

from ..base.errors import Eip712KitError
from ..base.parsers import parse_hex_bytes
from ..core.api import check_digest
from ..core.messages import hash_message, message_bytes
from ..core.signature import recover_digest, sign_digest
from ._common import EXIT_INVALID, EXIT_OK, emit, json_option, key_options, load_cli_key, read_input

NO_HASH_WARNING = (
    "warning: --no-hash signs these 32 bytes as they are, with no EIP-191 or EIP-712 prefix: the signature "
    "is valid for whatever produced that digest (a transaction, a permit), so sign only a digest you computed"
)
DIGEST_NOTE = (
    "note: personal_sign of 32 bytes: the EIP-191 prefix is added before signing. If they are an EIP-712 "
    "digest, sign the document instead (eip712kit sign FILE); to sign them as they are, add --no-hash"
)


def _message_options(f: click.decorators.FC) -> click.decorators.FC:
    f = click.option("--hex", "is_hex", is_flag=True, help="The message is 0x-hex bytes, not text.")(f)
    f = click.option("--file", "file", type=click.File("rb"), help="Read the message from a file (- for stdin).")(f)
    f = click.option("--text", "text", help="The message itself.")(f)
    return f


def _no_hash_option(f: click.decorators.FC) -> click.decorators.FC:
    return click.option("--no-hash", "no_hash", is_flag=True,
                        help="The message is a 32-byte 0x-hex digest, used as is: no EIP-191 prefix, no hashing.")(f)


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


def _digest(message: str | bytes, is_hex: bool, no_hash: bool = False) -> bytes:
    if no_hash:
        return _bare_digest(message)
    return hash_message(message, hex=is_hex and isinstance(message, str))


def _bare_digest(message: str | bytes) -> bytes:
    """The 32 bytes of a ``--no-hash`` message (0x-hex from --text or --file), or a usage error saying why not.

    Surrounding whitespace is dropped (a file of hex usually ends in a newline): a digest is hex, not text.
    """
    try:
        text = message if isinstance(message, str) else message.decode("ascii")
        raw = parse_hex_bytes(text.strip())
    except (Eip712KitError, UnicodeDecodeError):
        raise click.BadParameter("with --no-hash the message is a 0x-hex digest of 32 bytes (64 hex digits)",
                                 param_hint="--text/--file") from None
    if len(raw) != 32:
        raise click.BadParameter(f"with --no-hash the message is a 32-byte digest, not {len(raw)} bytes",
                                 param_hint="--text/--file")
    return raw


def _summary(message: str | bytes, is_hex: bool, digest: bytes, no_hash: bool = False) -> dict[str, object]:
    if no_hash:
        return {"messageBytes": 32, "digest": "0x" + digest.hex(), "noHash": True}
    body = message_bytes(message, hex=is_hex and isinstance(message, str))
    return {"messageBytes": len(body), "digest": "0x" + digest.hex()}


@click.group("message")
def message_group() -> None:
    """EIP-191 personal_sign of a message (Alura's login challenge).

    \b
    Examples:
      eip712kit message hash --text "hello"
      eip712kit message sign --text "hello"
      eip712kit message sign --file challenge.txt --json
      eip712kit message verify --file challenge.txt 0xSIG 0xADDRESS
    """


@message_group.command("hash")
@_message_options
@json_option
def message_hash(text: str | None, file: IO[bytes] | None, is_hex: bool, as_json: bool) -> int:
    """Print the EIP-191 personal_sign digest of a message.

    The digest is what a wallet signs for personal_sign.

    \b
    Examples:
      eip712kit message hash --text "hello"
      eip712kit message hash --hex --text 0x68656c6c6f --json
      printf '%s' "$CHALLENGE" | eip712kit message hash --file -

    The digest is keccak256("\\x19Ethereum Signed Message:\\n" + length + message), the length in
    decimal bytes — cast's `cast hash-message`, eth-account's `_hash_eip191_message(encode_defunct(...))`.
    """
    message = _message(text, file, is_hex)
    digest = _digest(message, is_hex)
    emit(as_json, _summary(message, is_hex, digest), "0x" + digest.hex())
    return EXIT_OK


@message_group.command("sign")
@_message_options
@_no_hash_option
@key_options
@json_option
def message_sign(text: str | None, file: IO[bytes] | None, is_hex: bool, no_hash: bool, as_json: bool) -> int:
    """Sign a message with personal_sign.

    With --no-hash, the message is a bare 32-byte digest, signed as it is.

    \b
    Examples:
      eip712kit message sign --text "Sign in to Alura: nonce 42"
      printf '%s' "$CHALLENGE" | eip712kit message sign --file - --key-env BOT_KEY
      eip712kit message sign --no-hash --text 0x<64 hex digits>   (warns: no prefix)
    """
    message = _message(text, file, is_hex)
    digest = _digest(message, is_hex, no_hash)
    key = load_cli_key()
    if no_hash:
        click.echo(NO_HASH_WARNING, err=True)
    elif is_hex and len(message_bytes(message, hex=isinstance(message, str))) == 32:
        click.echo(DIGEST_NOTE, err=True)
    sig = sign_digest(digest, key)
    emit(as_json, {**sig.to_dict(), "signer": key.address, **_summary(message, is_hex, digest, no_hash)},
         sig.to_hex())
    return EXIT_OK


@message_group.command("recover")
@_message_options
@_no_hash_option
@click.argument("signature")
@click.option("--allow-high-s", is_flag=True, help="Recover a high-s (malleated) signature too, for diagnosis.")
@json_option
def message_recover(text: str | None, file: IO[bytes] | None, is_hex: bool, no_hash: bool, signature: str,
                    allow_high_s: bool, as_json: bool) -> int:
    """Print the address that personal_signed a message.

    \b
    Example:
      eip712kit message recover --text "hello" 0x1b2c…(130 hex digits)
    """
    message = _message(text, file, is_hex)
    digest = _digest(message, is_hex, no_hash)
    try:
        signer = recover_digest(digest, signature, allow_high_s=allow_high_s)
    except Eip712KitError as exc:
        raise exc.at("SIGNATURE") from None
    emit(as_json, {"signer": signer, **_summary(message, is_hex, digest, no_hash)}, signer)
    return EXIT_OK


@message_group.command("verify")
@_message_options
@_no_hash_option
@click.argument("signature")
@click.argument("address")
@json_option
def message_verify(text: str | None, file: IO[bytes] | None, is_hex: bool, no_hash: bool, signature: str,
                   address: str, as_json: bool) -> int:
    """Check a personal_sign signature: exit 0 valid, 1 invalid.

    Valid when SIGNATURE is ADDRESS's personal_sign of the message.

    \b
    Example:
      eip712kit message verify --text "hello" 0x1b2c… 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
    """
    message = _message(text, file, is_hex)
    digest = _digest(message, is_hex, no_hash)
    try:
        verification = check_digest(digest, signature, address)
    except Eip712KitError as exc:
        raise exc.at("ADDRESS") from None
    text_out = (f"valid: signed by {verification.signer}" if verification.valid
                else f"invalid: {verification.reason} [{verification.code}]")
    emit(as_json, {**verification.to_dict(), **_summary(message, is_hex, digest, no_hash)}, text_out)
    return EXIT_OK if verification.valid else EXIT_INVALID


__all__ = ["message_group"]
