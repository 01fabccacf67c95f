"""What the protocol builder commands share: who signs, with which domain, and how the result prints.

A builder prints one JSON object — the ready-to-send ``request`` (method, path, body or query),
the ``typedData`` that was signed, its ``digest``, the ``signer`` and the ``signature`` — indented
for reading, on one line with ``--json``, or only the request body with ``--body`` (for ``curl -d @-``).

Signing modes: with a key (the key options; the message's address defaults to the key's), with
``--unsigned`` (no key: the body carries ``"signature": null`` and the typed data is there to sign
elsewhere — ``--address`` is then required), or with ``--signature SIG`` made elsewhere (a
hardware wallet), which is checked against the message and reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from ..base.errors import Eip712KitError
from ..base.parsers import parse_address, to_checksum_address
from ..core.api import Verification, check_digest
from ..core.domain import Domain
from ..core.keys import PrivateKey
from ..core.signature import Signature
from ..protocols import trust
from ..protocols.requests import HttpRequest, Prepared
from ..protocols.struct import Struct
from ._common import EXIT_INVALID, EXIT_OK, json_option, key_options, load_cli_key

F = TypeVar("F", bound=Callable[..., Any])


def signing_options(f: F) -> F:
    """Key options plus ``--address``, ``--unsigned`` and ``--signature``, and the output options."""
    f = click.option("--body", "body_only", is_flag=True, help="Print only the request body (JSON).")(f)
    f = json_option(f)
    f = click.option("--signature", "external_signature", metavar="SIG",
                     help="Attach a signature made elsewhere (checked and reported) instead of signing.")(f)
    f = click.option("--unsigned", is_flag=True,
                     help="Do not sign: print the typed data to sign elsewhere (needs --address).")(f)
    f = click.option("--address", metavar="ADDRESS",
                     help="The signing wallet [default: the key's address].")(f)
    return key_options(f)


@dataclass
class Signer:
    """Who signs a built message, resolved from the options."""

    address: str
    key: PrivateKey | None
    external: str | None

    @classmethod
    def from_options(cls, address: str | None, unsigned: bool, external_signature: str | None) -> Signer:
        if unsigned and external_signature is not None:
            raise click.UsageError("--unsigned and --signature exclude each other")
        key = None
        if not unsigned and external_signature is None:
            key = load_cli_key()
        if address is None:
            if key is None:
                raise click.UsageError("--address is needed when no key signs (--unsigned or --signature)")
            return cls(key.address, key, external_signature)
        try:
            checked = to_checksum_address(parse_address(address))
        except Eip712KitError as exc:
            raise exc.at("--address") from None
        return cls(checked, key, external_signature)


def now_or(timestamp: int | None) -> int:
    return int(time.time()) if timestamp is None else timestamp


@dataclass
class Built:
    """A signed (or unsigned) message and the request around it, ready to print."""

    message: Struct
    domain: Domain
    signer: str
    signature: str | None
    request: HttpRequest | None
    verification: Verification | None = None
    extra: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.request is not None:
            out["request"] = self.request.to_dict()
        out["typedData"] = self.message.to_typed_data(self.domain)
        out["digest"] = "0x" + self.message.digest(self.domain).hex()
        out["signer"] = self.signer
        out["signature"] = self.signature
        if self.verification is not None:
            out["verification"] = self.verification.to_dict()
        if self.extra:
            out.update(self.extra)
        return out

    def body(self) -> Any:
        if self.request is None:
            return {"message": self.message.to_message(), "signature": self.signature}
        return self.request.json if self.request.json is not None else self.request.params


def sign_prepared(prepared: Prepared, domain: Domain, signer: Signer, request_path: str | None = None,
                  extra: dict[str, Any] | None = None) -> Built:
    """Sign (or attach, or leave unsigned) a protocol builder's request."""
    verification = None
    if signer.key is not None:
        prepared = prepared.sign(signer.key, domain)
    elif signer.external is not None:
        prepared = prepared.with_signature(signer.external)
        verification = prepared.check(domain)
    if prepared.signature is not None:
        request = prepared.request(request_path)
    else:
        fields = dict(prepared.fields)
        request = (HttpRequest(prepared.method, request_path or prepared.path,
                               params={k: "" if v is None else str(v) for k, v in fields.items()})
                   if prepared.form == "query" else HttpRequest(prepared.method, request_path or prepared.path,
                                                                 json=fields))
    return Built(prepared.message, domain, prepared.signer, prepared.signature, request, verification, extra)


def sign_struct(message: Struct, domain: Domain, signer: Signer, request: Callable[[str | None], HttpRequest | None]
                = lambda sig: None, extra: dict[str, Any] | None = None) -> Built:
    """Sign a bare struct (no documented request around it, or one the caller builds from the signature)."""
    verification = None
    signature: str | None = None
    if signer.key is not None:
        signature = message.sign(signer.key, domain).to_hex()
    elif signer.external is not None:
        signature = Signature.parse(signer.external).to_hex()
        verification = check_digest(message.digest(domain), signer.external, signer.address)
    return Built(message, domain, signer.address, signature, request(signature), verification, extra)


def signing_header(view: dict[str, Any], notes: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The notes (each trust granted), then what is signed and in which domain: the first lines shown."""
    domain = view["domain"]
    version = trust.visible(str(domain.get("version")))
    return [*(f"note: {trust.visible(n)}" for n in notes),
            f"signing {view['primaryType']} (EIP-712) in domain {domain.get('name')!r} v{version}, "
            f"chain {domain.get('chainId')}, contract {domain.get('verifyingContract')}:"]


def emit_built(built: Built, as_json: bool, body_only: bool, decision: trust.Decision | None = None) -> int:
    """Print a built request; ``decision`` when its domain came from a server's answer (a saved file).

    The decision's notes (each trust the user granted) go to stderr; with ``--body``, which prints
    only the body, so does the line naming the domain signed in — what is signed is always shown.
    """
    if decision is not None:
        header = signing_header({"primaryType": built.message.primary_type, "domain": built.domain.to_dict()},
                                decision.notes)
        for line in header if body_only else header[:-1]:
            click.echo(line, err=True)
    if body_only:
        click.echo(trust.dumps(built.body()))
    elif as_json:
        click.echo(trust.dumps(built.to_dict()))
    else:
        click.echo(trust.dumps(built.to_dict(), indent=2))
    if built.verification is not None and not built.verification.valid:
        click.echo(f"warning: the given signature does not verify: {built.verification.reason} "
                   f"[{built.verification.code}]", err=True)
        return EXIT_INVALID
    return EXIT_OK


def trust_server_domain_option(f: F) -> F:
    """``--trust-server-domain``: the one flag that lets a server's domain (live or saved) be signed for."""
    return click.option("--trust-server-domain", is_flag=True,
                        help="Sign for the domain the server names (live, or in a saved answer) even when it "
                             "differs from the pinned one.")(f)


def trust_server_tokens_option(f: F) -> F:
    """``--trust-server-tokens``: the one flag that lets a server's token list contradict a pinned token."""
    return click.option("--trust-server-tokens", is_flag=True,
                        help="Use the server's token list (GET /tokens, live or saved) even where it contradicts a "
                             "pinned token (address, decimals).")(f)


def domain_options(default: Domain) -> Callable[[F], F]:
    """``--chain-id`` and ``--verifying-contract`` to override a protocol's documented domain."""
    def decorate(f: F) -> F:
        f = click.option("--verifying-contract", metavar="ADDRESS",
                         help=f"Domain verifyingContract [default: {default.verifying_contract}].")(f)
        f = click.option("--chain-id", type=int, help=f"Domain chainId [default: {default.chain_id}].")(f)
        return f
    return decorate


def domain_from_options(default: Domain, chain_id: int | None, verifying_contract: str | None) -> Domain:
    changes: dict[str, Any] = {}
    if chain_id is not None:
        changes["chain_id"] = chain_id
    if verifying_contract is not None:
        changes["verifying_contract"] = verifying_contract
    try:
        return default.replace(**changes) if changes else default
    except Eip712KitError as exc:
        raise exc.at("--chain-id" if "chainId" in exc.path else "--verifying-contract") from None


__all__ = [
    "Built",
    "Signer",
    "domain_from_options",
    "domain_options",
    "emit_built",
    "now_or",
    "sign_prepared",
    "sign_struct",
    "signing_header",
    "signing_options",
    "trust_server_domain_option",
    "trust_server_tokens_option",
]
