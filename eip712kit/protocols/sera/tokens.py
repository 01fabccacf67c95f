"""Tokens as an order needs them: address, decimals and symbol, and a list to look them up in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ...base.errors import Eip712KitError, ProtocolError
from ...base.limits import DEFAULT_LIMITS, load_json
from ...base.parsers import parse_address, to_checksum_address
from ..amounts import parse_decimals


@dataclass(frozen=True)
class Token:
    """A token as an order needs it: address (kept in EIP-55 form), decimals, optional symbol."""

    address: str
    decimals: int
    symbol: str | None = None

    def __post_init__(self) -> None:
        try:
            raw = parse_address(self.address)
        except Eip712KitError as exc:
            raise exc.at("address") from None
        object.__setattr__(self, "address", to_checksum_address(raw))
        parse_decimals(self.decimals)
        if self.symbol is not None and type(self.symbol) is not str:
            raise ProtocolError("a token symbol is a string", code="INVALID_TOKEN", path="symbol")

    @property
    def label(self) -> str:
        return f"{self.symbol} ({self.address})" if self.symbol else self.address


class TokenList:
    """Known tokens (from ``GET /tokens``), looked up by exact symbol or by address (any case)."""

    def __init__(self, tokens: Iterable[Token], *, symbols: bool = True):
        self.tokens = tuple(tokens)
        self.symbols = symbols
        self._by_address = {t.address.lower(): t for t in self.tokens}
        self._addresses_only: TokenList | None = None if symbols else self

    def addresses_only(self) -> TokenList:
        """These tokens, looked up by address alone: a request names its tokens by address (``from_address``),
        so there a symbol is refused as the address it is not (INVALID_ADDRESS)."""
        if self._addresses_only is None:
            self._addresses_only = TokenList(self.tokens, symbols=False)
        return self._addresses_only

    @classmethod
    def from_response(cls, data: Any) -> TokenList:
        """From a list of ``{address, decimals, symbol}`` objects, or ``{"tokens": [...]}``.

        The document does not show the ``GET /tokens`` shape; these key names are the kit's
        reading of it (docs/protocols.md), and a response that differs is refused, not guessed at.
        """
        if isinstance(data, (str, bytes, bytearray)):
            data = load_json(data, DEFAULT_LIMITS)
        if isinstance(data, Mapping) and "tokens" in data:
            data = data["tokens"]
        if not isinstance(data, list):
            raise ProtocolError("a token list is a JSON array of {address, decimals, symbol}",
                                code="INVALID_TOKEN", path="tokens")
        tokens = []
        for index, item in enumerate(data):
            try:
                if not isinstance(item, Mapping) or "address" not in item or "decimals" not in item:
                    raise ProtocolError("each token needs address and decimals", code="INVALID_TOKEN")
                tokens.append(Token(item["address"], item["decimals"], item.get("symbol")))
            except Eip712KitError as exc:
                raise exc.at(index).at("tokens") from None
        return cls(tokens)

    def conflicts(self, pins: TokenList) -> list[str]:
        """One sentence per way this list (a server's) contradicts a pinned token.

        A pinned token is contradicted by a listed token at its address with other decimals, or by
        one with its symbol at another address. Tokens the pins do not mention are not conflicts.
        """
        out = []
        for pin in pins.tokens:
            listed = self._by_address.get(pin.address.lower())
            if listed is not None and listed.decimals != pin.decimals:
                out.append(f"{pin.label}: the server says {listed.decimals} decimals, pinned {pin.decimals}")
            if pin.symbol is not None:
                for other in self.tokens:
                    if other.symbol == pin.symbol and other.address != pin.address:
                        out.append(f"{pin.symbol}: the server lists it at {other.address}, pinned at {pin.address}")
        return out

    def pinned_by(self, pins: TokenList) -> TokenList:
        """This list with every pinned token taking the place of the listed one it matches (by address)."""
        pinned = {t.address for t in pins.tokens}
        return TokenList([*pins.tokens, *(t for t in self.tokens if t.address not in pinned)])

    def resolve(self, ref: Token | str, *, field: str = "token") -> Token:
        """A Token as given, or the listed token with this address or symbol (UNKNOWN_TOKEN if none).

        A list made by :meth:`addresses_only` takes no symbol: any other string must be an address."""
        if isinstance(ref, Token):
            return ref
        if type(ref) is str:
            if not self.symbols or (ref[:2] == "0x" and len(ref) == 42):
                try:
                    parse_address(ref)
                except Eip712KitError as exc:
                    raise exc.at(field) from None
                found = self._by_address.get(ref.lower())
                if found is not None:
                    return found
            else:
                matches = [t for t in self.tokens if t.symbol == ref]
                if len(matches) == 1:
                    return matches[0]
                if len(matches) > 1:
                    raise ProtocolError(f"symbol {ref!r} names {len(matches)} tokens; use the address",
                                        code="UNKNOWN_TOKEN", path=field)
        raise ProtocolError(
            f"{field} {ref!r} is not a known token"
            + (f" (known: {', '.join(t.symbol or t.address for t in self.tokens)})" if self.tokens
               else ": pass a Token(address, decimals) or a token list from GET /tokens"),
            code="UNKNOWN_TOKEN",
            path=field,
        )


NO_TOKENS = TokenList(())
"""The empty list: every token must then be given as a :class:`Token`."""


__all__ = ["NO_TOKENS", "Token", "TokenList"]
