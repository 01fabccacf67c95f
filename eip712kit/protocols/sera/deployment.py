"""Sera's documented deployment, pinned: the EIP-712 domain and the tokens of the document's example pair."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...base.errors import Eip712KitError, ProtocolError
from ...base.limits import DEFAULT_LIMITS, load_json
from ...base.parsers import parse_address, parse_int, to_checksum_address, uint_word
from ...core.domain import Domain
from .tokens import Token, TokenList

DOMAIN = Domain(
    name="Sera",
    version="1",
    chain_id=11155111,  # Sepolia
    verifying_contract="0xd0fc92d8eF9bE26D7288fCa1D6458f675e72B83a",
)
"""The documented deployment. The document asks clients to read chain and contract from ``GET /config``
(:func:`domain_from_config`); a signer compares what a server says with this before signing."""

SEPOLIA_TOKENS = TokenList((
    Token("0x08210F9170F89Ab7658F0B5E3fF39b0E03C594D4", 6, "EURC"),
    Token("0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238", 6, "USDC"),
))
"""The pair of the document's order example (EURC/USDC, both 6 decimals) as Circle's Sepolia test tokens:
the tokens a signer knows without asking a server, and the reference verifier's default book."""


def domain_from_config(config: Mapping[str, Any] | str | bytes) -> Domain:
    """The Sera domain of the current deployment, from a ``GET /config`` response.

    ``chain_id`` and ``sera_address`` are required (INVALID_CONFIG when missing); name and version
    are Sera's ``"Sera"`` / ``"1"``.
    """
    data = load_json(config, DEFAULT_LIMITS) if isinstance(config, (str, bytes, bytearray)) else config
    if not isinstance(data, Mapping):
        raise ProtocolError("a GET /config response is a JSON object", code="INVALID_CONFIG")
    for key in ("chain_id", "sera_address"):
        if data.get(key) in (None, ""):
            raise ProtocolError(
                f"the GET /config response has no {key!r}; it carries chain_id, sera_address, vault_address, "
                "sor_address",
                code="INVALID_CONFIG",
                path=key,
            )
    try:
        chain_id = parse_int(data["chain_id"])
        uint_word(chain_id, 256)
    except Eip712KitError as exc:
        raise exc.at("chain_id") from None
    try:
        contract = to_checksum_address(parse_address(data["sera_address"]))
    except Eip712KitError as exc:
        raise exc.at("sera_address") from None
    return Domain(name=DOMAIN.name, version=DOMAIN.version, chain_id=chain_id, verifying_contract=contract)


__all__ = ["DOMAIN", "SEPOLIA_TOKENS", "domain_from_config"]
