"""``hash``, ``sign``, ``recover`` and ``verify`` of EIP-712 typed-data documents, one or a stream."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import fields
from typing import IO, Any

import click

from ..base.errors import DocumentError, Eip712KitError
from ..base.limits import Limits, load_json
from ..core.api import Verification, check_typed_data
from ..core.signature import recover_digest, sign_digest
from ..core.typed_data import TypedData
from ._common import (
    EXIT_INVALID,
    EXIT_OK,
    current_limits,
    dumps,
    emit,
    json_option,
    key_options,
    limits_options,
    load_cli_key,
    read_input,
)
from .stream import LineHandler, jobs_option, refuse_jobs_without_jsonl, run_stream

_FILE = click.File("rb")


_BARE_DIGEST = rb"\s*0x[0-9a-fA-F]{64}\s*\Z"


def _document(stream: IO[bytes], limits: Limits) -> TypedData:
    raw = read_input(stream, limits)
    try:
        return TypedData(raw, limits=limits)
    except DocumentError as exc:
        # A digest where a document belongs: say how to sign one, which only ever happens on purpose.
        if exc.code == "INVALID_JSON" and re.match(_BARE_DIGEST, raw):
            raise DocumentError(
                "this is a 32-byte digest, not a typed-data document; to sign a bare digest as it is, say so: "
                "eip712kit message sign --no-hash --text 0x<digest>",
                code="INVALID_JSON",
            ) from None
        raise


def _stream(stream: IO[bytes], handler: LineHandler, limits: Limits, keys: tuple[str, ...], jobs: int = 1) -> int:
    out = sys.stdout.buffer
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):
        interactive = False
    return run_stream(stream, out, handler, limits, keys, flush_each=interactive, jobs=jobs).exit_code


SIGNED_LINE = '{"typedData": {…}, "signature": "0x…", "address": "0x…"}'
"""The one line format of ``recover --jsonl`` and ``verify --jsonl`` (a file of signed documents feeds both):
verify checks ``address``; recover needs none and ignores one."""


def _envelope(line: bytes, limits: Limits, command: str) -> tuple[TypedData, dict[str, Any]]:
    """A ``--jsonl`` line of recover/verify, :data:`SIGNED_LINE`; verify needs its ``address``."""
    required = ("typedData", "signature", *(("address",) if command == "verify" else ()))
    obj = load_json(line, limits)
    if not isinstance(obj, Mapping):
        raise DocumentError(f"each line is a JSON object {SIGNED_LINE}", code="INVALID_DOCUMENT")
    for key in required:
        if key not in obj:
            why = " (verify checks the signer against it; recover --jsonl needs none)" if key == "address" else ""
            raise DocumentError(f"the line has no {key!r}{why}: each line is {SIGNED_LINE}",
                                code="INVALID_DOCUMENT", path=key)
    for key in obj:
        if key not in ("typedData", "signature", "address"):
            raise DocumentError(f"unexpected key {key!r}: each line is {SIGNED_LINE}", code="INVALID_DOCUMENT",
                                path=key)
    try:
        td = TypedData(obj["typedData"], limits=limits)
    except Eip712KitError as exc:
        raise exc.at("typedData") from None
    return td, dict(obj)


def _digests(td: TypedData) -> dict[str, Any]:
    struct_hash = td.struct_hash()
    return {
        "primaryType": td.primary_type,
        "domainSeparator": "0x" + td.domain_separator().hex(),
        "structHash": "0x" + struct_hash.hex() if struct_hash else None,
        "digest": "0x" + td.digest().hex(),
    }


# --- hash -------------------------------------------------------------------------------------

@click.command("hash")
@click.argument("file", type=_FILE)
@click.option("--trace", is_flag=True, help="Show every intermediate: encodeType, typeHash, each field's word, "
              "struct hashes down the tree, array element hashes, domain separator, digest.")
@click.option("--jsonl", is_flag=True, help="FILE holds one document per line; print one JSON result per line.")
@jobs_option
@json_option
@limits_options
def hash_command(file: IO[bytes], trace: bool, jsonl: bool, jobs: int, as_json: bool) -> int:
    """Print the EIP-712 digest of a typed-data document.

    FILE is the document, or - for stdin.

    \b
    Examples:
      eip712kit hash order.json
      eip712kit hash order.json --trace
      eip712kit hash - --json < order.json
      eip712kit hash --jsonl docs.jsonl        -> {"line":1,"digest":"0x…"} per line
      eip712kit hash --jsonl docs.jsonl -j 0   the same, on every core

    The document is the standard {types, primaryType, domain, message} JSON that MetaMask,
    ethers, viem, eth-account and Foundry use.
    """
    limits = current_limits()
    if jsonl:
        if trace:
            from ..core.trace import trace_typed_data

            def handle(line: bytes) -> tuple[str, bool]:
                return '"trace":' + dumps(trace_typed_data(TypedData(line, limits=limits)).to_dict()), True
        else:
            def handle(line: bytes) -> tuple[str, bool]:
                return '"digest":"0x' + TypedData(line, limits=limits).digest().hex() + '"', True

        return _stream(file, handle, limits, ("trace",) if trace else ("digest",), jobs)
    refuse_jobs_without_jsonl()
    td = _document(file, limits)
    if trace:
        from ..core.trace import trace_typed_data

        traced = trace_typed_data(td)
        emit(as_json, traced.to_dict(), traced.render())
    else:
        emit(as_json, _digests(td), "0x" + td.digest().hex())
    return EXIT_OK


# --- sign -------------------------------------------------------------------------------------

@click.command("sign")
@click.argument("file", type=_FILE)
@click.option("--compact", is_flag=True, help="Print the 64-byte EIP-2098 form instead of 65-byte r‖s‖v.")
@click.option("--jsonl", is_flag=True, help="FILE holds one document per line; print one JSON result per line.")
@key_options
@json_option
@limits_options
def sign_command(file: IO[bytes], compact: bool, jsonl: bool, as_json: bool) -> int:
    """Sign a typed-data document as eth_signTypedData_v4 does.

    Deterministic (RFC 6979) and low-s, so the same key and document give the same signature.

    \b
    Examples:
      export EIP712KIT_PRIVATE_KEY=...          (or --key-file, --keystore, --mnemonic-env)
      eip712kit sign order.json
      eip712kit sign order.json --json         signature, r, s, v, signer, digest
      eip712kit sign --key-env BOT_KEY --jsonl orders.jsonl

    The key never appears in any output.
    """
    limits = current_limits()
    key = load_cli_key()
    if jsonl:
        def handle(line: bytes) -> tuple[str, bool]:
            digest = TypedData(line, limits=limits).digest()
            sig = sign_digest(digest, key)
            text = sig.to_compact() if compact else sig.to_hex()
            return f'"digest":"0x{digest.hex()}","signature":"{text}"', True

        return _stream(file, handle, limits, ("digest", "signature"))
    td = _document(file, limits)
    sig = sign_digest(td.digest(), key)
    text = sig.to_compact() if compact else sig.to_hex()
    emit(as_json, {**sig.to_dict(), "signer": key.address, **_digests(td)}, text)
    return EXIT_OK


# --- recover ----------------------------------------------------------------------------------

@click.command("recover")
@click.argument("file", type=_FILE)
@click.argument("signature", required=False)
@click.option("--allow-high-s", is_flag=True, help="Recover a high-s (malleated) signature too, for diagnosis.")
@click.option("--jsonl", is_flag=True,
              help=f"FILE holds one {SIGNED_LINE} per line (verify's lines; the address is optional and not used); "
                   "no SIGNATURE argument.")
@jobs_option
@json_option
@limits_options
def recover_command(file: IO[bytes], signature: str | None, allow_high_s: bool, jsonl: bool, jobs: int,
                    as_json: bool) -> int:
    """Print the address that signed a typed-data document.

    \b
    Examples:
      eip712kit recover order.json 0x1b2c…(130 hex digits)
      eip712kit recover --jsonl signed.jsonl   lines: {"typedData": {...}, "signature": "0x…"[, "address": …]}
    """
    limits = current_limits()
    if jsonl:
        if signature is not None:
            raise click.UsageError("with --jsonl each line carries its signature; drop the SIGNATURE argument")

        def handle(line: bytes) -> tuple[str, bool]:
            td, obj = _envelope(line, limits, "recover")
            try:
                signer = recover_digest(td.digest(), obj["signature"], allow_high_s=allow_high_s)
            except Eip712KitError as exc:
                raise exc.at("signature") from None
            return f'"signer":"{signer}"', True

        return _stream(file, handle, limits, ("signer",), jobs)
    refuse_jobs_without_jsonl()
    if signature is None:
        raise click.UsageError("missing argument SIGNATURE (or use --jsonl)")
    td = _document(file, limits)
    signer = recover_digest(td.digest(), signature, allow_high_s=allow_high_s)
    emit(as_json, {"signer": signer, **_digests(td)}, signer)
    return EXIT_OK


# --- verify -----------------------------------------------------------------------------------

@click.command("verify")
@click.argument("file", type=_FILE)
@click.argument("signature", required=False)
@click.argument("address", required=False)
@click.option("--jsonl", is_flag=True, help=f"FILE holds one {SIGNED_LINE} per line (recover reads the same "
              "lines); no SIGNATURE or ADDRESS argument.")
@jobs_option
@json_option
@limits_options
def verify_command(file: IO[bytes], signature: str | None, address: str | None, jsonl: bool, jobs: int,
                   as_json: bool) -> int:
    """Check that ADDRESS signed a typed-data document: exit 0 or 1.

    Exit 0 when SIGNATURE over FILE was made by ADDRESS (valid), 1 when not (invalid).

    \b
    Examples:
      eip712kit verify order.json 0x1b2c… 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
      eip712kit verify --jsonl batch.jsonl --json
      eip712kit verify --jsonl batch.jsonl --jobs 2

    Valid means well formed, low-s (EIP-2) and recovering to ADDRESS, which is not the zero address.
    A malformed or high-s signature is invalid (exit 1); a malformed document or ADDRESS is bad
    input (exit 2).
    """
    limits = current_limits()
    if jsonl:
        if signature is not None or address is not None:
            raise click.UsageError("with --jsonl each line carries its signature and address; drop the arguments")

        def handle(line: bytes) -> tuple[str, bool]:
            td, obj = _envelope(line, limits, "verify")
            try:
                verdict = check_typed_data(td, obj["signature"], obj["address"])
            except Eip712KitError as exc:
                raise exc.at("address") from None
            return dumps(verdict.to_dict())[1:-1], verdict.valid

        return _stream(file, handle, limits, tuple(field.name for field in fields(Verification)), jobs)
    refuse_jobs_without_jsonl()
    if signature is None or address is None:
        raise click.UsageError("missing argument " + ("SIGNATURE and ADDRESS" if signature is None else "ADDRESS")
                               + " (or use --jsonl)")
    td = _document(file, limits)
    try:
        verdict = check_typed_data(td, signature, address)
    except Eip712KitError as exc:
        raise exc.at("ADDRESS") from None
    text = (f"valid: signed by {verdict.signer}" if verdict.valid
            else f"invalid: {verdict.reason} [{verdict.code}]")
    emit(as_json, {**verdict.to_dict(), **_digests(td)}, text)
    return EXIT_OK if verdict.valid else EXIT_INVALID


__all__ = ["hash_command", "recover_command", "sign_command", "verify_command"]
