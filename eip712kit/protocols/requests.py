"""Request shapes: an HTTP call as data, and a signed struct waiting inside its request.

Builders in the protocol modules only describe requests (no I/O); a client sends them. A
:class:`Prepared` holds the signed struct, its signer and the request's fields in documented order,
so the signature can be made here or by a wallet elsewhere and checked before anything is sent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ..base import parsers
from ..base.errors import KeySourceError, ProtocolError
from ..base.renamed import module_getattr, warn_renamed
from ..core.api import Verification
from ..core.domain import DomainLike
from ..core.keys import KeyLike, PrivateKey, as_private_key
from ..core.signature import Signature
from .struct import Struct

_P = TypeVar("_P", bound="Prepared")


@dataclass(frozen=True)
class HttpRequest:
    """An HTTP call as data: method, path under the API's base URL, query parameters, JSON body.

    Builders here only describe requests (no I/O); a client sends them.
    """

    method: str
    path: str
    params: dict[str, str] | None = None
    json: dict[str, Any] | None = None

    def url(self, base_url: str) -> str:
        return base_url.rstrip("/") + self.path

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "path": self.path}
        if self.params is not None:
            out["params"] = dict(self.params)
        if self.json is not None:
            out["json"] = dict(self.json)
        return out


def signature_text(signature: Any) -> str:
    """The 0x + 130 hex form a body carries; a valid hex string is kept exactly as given."""
    parsed = Signature.parse(signature)  # validates; raises SIGNATURE_* codes
    if isinstance(signature, str) and len(signature) == 132:
        return signature
    return parsed.to_hex()


def parse_choice(value: Any, choices: tuple[str, ...], *, field: str, code: str,
                 hints: Mapping[str, str] | None = None) -> str:
    """``value`` if it is exactly one of ``choices``, the closed list of words a request field takes.

    A side or an order type travels (and for Renance is signed) as written, so another case is refused
    with a hint, never lowercased for the caller. ``hints`` adds a sentence for a word a caller may
    bring from elsewhere (Renance's ``buy`` at Sera, Sera's ``bid`` at Renance), looked up in lowercase.
    """
    if type(value) is str and value in choices:
        return value
    hint = ""
    if type(value) is str and value.lower() in choices:
        hint = f": write it lowercase, {value.lower()!r} (it is sent as written, never lowercased for you)"
    elif hints and type(value) is str and value.lower() in hints:
        hint = f" ({hints[value.lower()]})"
    raise ProtocolError(f"{field} {value!r} is not {' or '.join(choices)}{hint}", code=code, path=field)


def require_signer(key: KeyLike, signer: str) -> PrivateKey:
    """The loaded key, refused when it does not sign as the address the message names."""
    private_key = as_private_key(key)
    expected = parsers.to_checksum_address(parsers.parse_address(signer))
    if private_key.address != expected:
        raise KeySourceError(
            f"the key signs as {private_key.address} but this message is to be signed by {expected}: "
            "the server would refuse the signature; load that address's key or change the signer",
            code="KEY_MISMATCH",
        )
    return private_key


@dataclass(frozen=True)
class Prepared:
    """A request waiting for (or holding) its signature: the signed struct plus the request around it.

    ``fields`` are the request's fields in documented order, with ``"signature"`` at its place
    (None until signed). ``form`` says whether they travel as a JSON body or as query parameters.
    """

    message: Struct
    signer: str
    method: str
    path: str
    fields: Mapping[str, Any]
    form: str = "json"
    signature: str | None = None

    def digest(self, domain: DomainLike) -> bytes:
        return self.message.digest(domain)

    def to_typed_data(self, domain: DomainLike) -> dict[str, Any]:
        return self.message.to_typed_data(domain)

    def sign(self: _P, key: KeyLike, domain: DomainLike) -> _P:
        """A signed copy; a key that is not the message's signer is refused (KEY_MISMATCH)."""
        private_key = require_signer(key, self.signer)
        return dataclasses.replace(self, signature=self.message.sign(private_key, domain).to_hex())

    def with_signature(self: _P, signature: Any) -> _P:
        """A copy carrying a signature made elsewhere (a wallet, another signer); format-checked."""
        return dataclasses.replace(self, signature=signature_text(signature))

    def check(self, domain: DomainLike) -> Verification:
        """Whether the held signature is the signer's, over this message in ``domain``."""
        if self.signature is None:
            raise ProtocolError("nothing to check: the request is not signed yet", code="SIGNATURE_MISSING")
        return self.message.check(self.signature, self.signer, domain)

    def verify(self, domain: DomainLike) -> Verification:
        """The old name of :meth:`check` (it returns a Verification; ``verify_*`` answer yes or no)."""
        warn_renamed("Prepared.verify", "Prepared.check")
        return self.check(domain)

    def body(self) -> dict[str, Any]:
        """The request's fields with the signature in place."""
        if self.signature is None:
            raise ProtocolError(
                f"{self.method} {self.path} needs a signature: call sign(key, domain) or with_signature(sig)",
                code="SIGNATURE_MISSING",
            )
        return {k: (self.signature if k == "signature" else v) for k, v in self.fields.items()}

    def request(self, path: str | None = None) -> HttpRequest:
        body = self.body()
        if self.form == "query":
            return HttpRequest(self.method, path or self.path, params={k: str(v) for k, v in body.items()})
        return HttpRequest(self.method, path or self.path, json=body)


__all__ = ["HttpRequest", "Prepared", "parse_choice", "require_signer", "signature_text"]

if not TYPE_CHECKING:  # old names kept working, with a warning (base/renamed.py)
    __getattr__ = module_getattr(__name__, {"check_signer": "require_signer"}, globals())
