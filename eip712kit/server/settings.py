"""What the reference verifier claims about its deployment: domain, executor, tokens, markets.

The defaults describe Sera's documented Sepolia deployment (chain 11155111, the Sera contract of
the documents) and a one-market book — EURC/USDC, both 6 decimals, the pair of the document's
order example — using Circle's Sepolia test-token addresses. They are the local verifier's own
data, not a copy of the live ``GET /tokens``; a JSON file given to ``eip712kit serve --config``
replaces any of them::

    {"chain_id": 11155111, "sera_address": "0x…", "vault_address": "0x…", "sor_address": "0x…",
     "tokens": [{"symbol": "EURC", "address": "0x…", "decimals": 6}, …],
     "markets": [{"base": "EURC", "quote": "USDC"}]}

The real API's response shapes for ``/tokens`` and ``/markets`` are not documented; the shapes
served here are this kit's (documented in docs/server.md) and the client reads them back.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..base.errors import Eip712KitError, ProtocolError
from ..base.parsers import parse_address, to_checksum_address
from ..core.domain import Domain
from ..protocols import sera

DEFAULT_MARKETS: tuple[dict[str, str], ...] = ({"base": "EURC", "quote": "USDC"},)

MAX_BODY_BYTES = 64 * 1024
"""Largest request body accepted (413 beyond): a signed order or API-key call is well under 1 KiB."""


@dataclass(frozen=True)
class Market:
    base: sera.Token
    quote: sera.Token

    @property
    def symbol(self) -> str:
        return f"{self.base.symbol or self.base.address}/{self.quote.symbol or self.quote.address}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "base_address": self.base.address,
            "quote_address": self.quote.address,
            "base_symbol": self.base.symbol,
            "quote_symbol": self.quote.symbol,
            "base_decimals": self.base.decimals,
            "quote_decimals": self.quote.decimals,
        }


@dataclass
class ServerSettings:
    executor_id: int = 0
    chain_id: int = sera.DOMAIN.chain_id or 11155111
    sera_address: str = sera.DOMAIN.verifying_contract or ""
    vault_address: str | None = None
    sor_address: str | None = None
    tokens: sera.TokenList = sera.SEPOLIA_TOKENS
    markets: tuple[Market, ...] = ()
    max_body_bytes: int = MAX_BODY_BYTES
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        if not 0 <= self.executor_id <= 15:
            raise ProtocolError(f"executor_id {self.executor_id} does not fit in 4 bits (0 to 15)",
                                code="EXECUTOR_ID_OUT_OF_RANGE", path="executor_id")
        if not self.markets:
            self.markets = tuple(_market(self.tokens, m) for m in DEFAULT_MARKETS) if _has_defaults(
                self.tokens) else ()
        self.domain: Domain = sera.domain_from_config(self.config())
        self._pairs = {(m.base.address, m.quote.address): m for m in self.markets}

    @classmethod
    def from_config(cls, data: Mapping[str, Any], **overrides: Any) -> ServerSettings:
        """Settings from a ``--config`` JSON object; unknown keys are refused."""
        known = {"chain_id", "sera_address", "vault_address", "sor_address", "tokens", "markets", "executor_id"}
        for key in data:
            if key not in known:
                raise ProtocolError(f"unknown setting {key!r} (known: {', '.join(sorted(known))})",
                                    code="INVALID_CONFIG", path=str(key))
        values: dict[str, Any] = {k: data[k] for k in ("chain_id", "executor_id") if k in data}
        for key in ("sera_address", "vault_address", "sor_address"):
            if data.get(key) is not None:
                try:
                    values[key] = to_checksum_address(parse_address(data[key]))
                except Eip712KitError as exc:
                    raise exc.at(key) from None
        tokens = sera.TokenList.from_response(data["tokens"]) if "tokens" in data else None
        if tokens is not None:
            values["tokens"] = tokens
        book = tokens or sera.SEPOLIA_TOKENS
        if "markets" in data:
            if not isinstance(data["markets"], list):
                raise ProtocolError("markets is a list of {base, quote}", code="INVALID_CONFIG", path="markets")
            markets = []
            for index, item in enumerate(data["markets"]):
                try:
                    markets.append(_market(book, item))
                except Eip712KitError as exc:
                    raise exc.at(index).at("markets") from None
            values["markets"] = tuple(markets)
        values.update(overrides)
        return cls(**values)

    def now(self) -> int:
        return int(self.clock())

    def config(self) -> dict[str, Any]:
        """The ``GET /config`` body."""
        return {
            "chain_id": self.chain_id,
            "sera_address": self.sera_address,
            "vault_address": self.vault_address,
            "sor_address": self.sor_address,
        }

    def market(self, base: sera.Token, quote: sera.Token) -> Market | None:
        return self._pairs.get((base.address, quote.address))

    def tokens_body(self) -> dict[str, Any]:
        return {"tokens": [{"symbol": t.symbol, "address": t.address, "decimals": t.decimals}
                           for t in self.tokens.tokens]}

    def markets_body(self) -> dict[str, Any]:
        return {"markets": [m.to_dict() for m in self.markets]}


def _has_defaults(tokens: sera.TokenList) -> bool:
    symbols = {t.symbol for t in tokens.tokens}
    return all(m["base"] in symbols and m["quote"] in symbols for m in DEFAULT_MARKETS)


def _market(tokens: sera.TokenList, item: Any) -> Market:
    if not isinstance(item, Mapping) or set(item) != {"base", "quote"}:
        raise ProtocolError("a market is {\"base\": symbol or address, \"quote\": symbol or address}",
                            code="INVALID_CONFIG")
    base = tokens.resolve(item["base"], field="base")
    quote = tokens.resolve(item["quote"], field="quote")
    if base.address == quote.address:
        raise ProtocolError("a market's base and quote differ", code="INVALID_CONFIG", path="quote")
    return Market(base, quote)


__all__ = ["DEFAULT_MARKETS", "MAX_BODY_BYTES", "Market", "ServerSettings"]
