"""Domain mistakes: another chain id, contract, name or version; fields missing, added, reordered or mistyped.

Each hypothesis yields alternative domain separators; the engine combines each with the
document's struct hash (and later with every method and message variant). The candidate values
are the ones clients actually end up with: the protocols' own domains (from
:mod:`eip712kit.protocols`), the chains people deploy and test on, the signer's own address and
the addresses in the message pasted into the wrong field.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from ..encoding import parse_address, to_checksum_address
from ..errors import Eip712KitError
from ..signature import ZERO_ADDRESS
from ..typed_data import DOMAIN_FIELD_TYPES
from .context import PROTOCOL_DOMAINS, Context, Fields, canonical_fields, show
from .findings import Finding, Variant
from .registry import hypothesis

CHAIN_NAMES: dict[int, str] = {
    11155111: "Sepolia",
    421614: "Arbitrum Sepolia",
    1: "Ethereum mainnet",
    31337: "Hardhat/Anvil local",
    1337: "Ganache/geth dev",
    5: "Goerli",
    17000: "Holesky",
    560048: "Hoodi",
    10: "OP Mainnet",
    11155420: "OP Sepolia",
    8453: "Base",
    84532: "Base Sepolia",
    42161: "Arbitrum One",
    42170: "Arbitrum Nova",
    421613: "Arbitrum Goerli",
    137: "Polygon PoS",
    80002: "Polygon Amoy",
    80001: "Polygon Mumbai",
    1101: "Polygon zkEVM",
    56: "BNB Smart Chain",
    97: "BNB Smart Chain testnet",
    43114: "Avalanche C-Chain",
    43113: "Avalanche Fuji",
    100: "Gnosis",
    250: "Fantom",
    324: "zkSync Era",
    59144: "Linea",
    534352: "Scroll",
    81457: "Blast",
    0: "no chain (0)",
}
"""The chain ids tried, with names for sentences: the protocols' own first, then the common ones."""

VERSIONS = ("1", "1.0", "1.0.0", "v1", "V1", "2", "2.0", "v2", "0", "0.1", "0.1.0", "")
OTHER_NAMES = ("Renance", "XBlade", "XBladeVault", "Alura")


def chain_label(chain_id: int | None) -> str:
    if chain_id is None:
        return "absent"
    name = CHAIN_NAMES.get(chain_id)
    return f"{chain_id} ({name})" if name else str(chain_id)


def _ordered(values: Any) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if value not in out:
            out.append(value)
    return out


def chain_ids(ctx: Context) -> list[int]:
    """Candidate chain ids: the detected protocol's, the other protocols', then the common ones."""
    first = [PROTOCOL_DOMAINS[ctx.protocol]["chainId"]] if ctx.protocol else []
    return _ordered([*first, *(d["chainId"] for d in PROTOCOL_DOMAINS.values()), *CHAIN_NAMES])


def contracts(ctx: Context) -> list[str]:
    """Candidate verifying contracts: the protocols' own, the zero address, and addresses at hand."""
    first = [PROTOCOL_DOMAINS[ctx.protocol]["verifyingContract"]] if ctx.protocol else []
    at_hand = []
    for leaf in ctx.leaves():
        if leaf.type == "address":
            try:
                at_hand.append(to_checksum_address(parse_address(leaf.value)))
            except Eip712KitError:
                pass
    return _ordered([*first, *(d["verifyingContract"] for d in PROTOCOL_DOMAINS.values()), ZERO_ADDRESS,
                     ctx.expected, *at_hand])


def _case_variants(text: str) -> list[str]:
    return _ordered([text.lower(), text.upper(), text.title(), text.capitalize(), text.strip(), text + " ",
                     " " + text, text.replace(" ", ""), text.replace(" ", "-"), text.replace(" ", "_")])


def names(ctx: Context) -> list[str]:
    given = ctx.domain.get("name")
    own = _case_variants(given) if isinstance(given, str) else []
    known = [str(d["name"]) for d in PROTOCOL_DOMAINS.values()] + list(OTHER_NAMES)
    return _ordered([*own, *known, *(v for k in known for v in _case_variants(k)), ""])


def _like(ctx: Context, key: str, value: Any) -> Any:
    """A value written the way the document's domain type declares the field (number or string)."""
    declared = dict(ctx.domain_fields).get(key, DOMAIN_FIELD_TYPES.get(key))
    if declared == "string" and not isinstance(value, str):
        return str(value)
    return value


def _describe_domain_value(key: str, value: Any) -> str:
    if key == "chainId" and isinstance(value, int):
        return chain_label(value)
    return show(value)


@hypothesis("chain-id", "domain", "the domain's chainId replaced by each known chain id")
def other_chain_ids(ctx: Context) -> Iterator[Variant[bytes]]:
    if "chainId" not in ctx.domain:
        return
    given = ctx.domain_int("chainId")
    for chain_id in chain_ids(ctx):
        if chain_id == given:
            continue
        variant = ctx.domain_variant({**ctx.domain, "chainId": _like(ctx, "chainId", chain_id)}, Finding(
            "DOMAIN_CHAIN_ID",
            f"The signature was made for chainId {chain_label(chain_id)}, but the document's domain has "
            f"{chain_label(given)}: the wallet or client was set up for another network. Sign with chainId {given}"
            + (" (Sera: take chain_id from GET /config)." if ctx.protocol == "sera" else "."),
            field="domain.chainId", step="domain separator", signed_value=chain_id, given_value=given,
        ))
        if variant:
            yield variant


def _contract_finding(ctx: Context, contract: str) -> Finding:
    given = ctx.domain.get("verifyingContract")
    whose = [p for p, d in PROTOCOL_DOMAINS.items() if d["verifyingContract"].lower() == contract.lower()]
    label = f" ({whose[0]}'s documented contract)" if whose else (
        " (the zero address)" if contract == ZERO_ADDRESS else
        " (the signer's own address)" if contract == ctx.expected else " (an address from the message)")
    return Finding(
        "DOMAIN_VERIFYING_CONTRACT",
        f"The signature was made with verifyingContract {contract}{label}, but the document's domain has {given}. "
        "Sign with the contract the server verifies against"
        + (" (Sera: sera_address from GET /config)." if ctx.protocol == "sera" else "."),
        field="domain.verifyingContract", step="domain separator", signed_value=contract, given_value=given,
    )


@hypothesis("verifying-contract", "domain", "verifyingContract replaced by the protocols' contracts, zero, "
            "the signer and the message's addresses")
def other_contracts(ctx: Context) -> Iterator[Variant[bytes]]:
    if "verifyingContract" not in ctx.domain:
        return
    for contract in contracts(ctx):
        variant = ctx.domain_variant({**ctx.domain, "verifyingContract": contract}, _contract_finding(ctx, contract))
        if variant:
            yield variant


@hypothesis("domain-name", "domain", "the domain name in other cases and spellings, and other protocols' names")
def other_names(ctx: Context) -> Iterator[Variant[bytes]]:
    given = ctx.domain.get("name")
    if not isinstance(given, str):
        return
    for name in names(ctx):
        if name == given:
            continue
        variant = ctx.domain_variant({**ctx.domain, "name": name}, Finding(
            "DOMAIN_NAME",
            f"The signature was made with domain name {show(name)}, but the document has {show(given)}: the name "
            "is hashed byte for byte, so case, spaces and spelling all count. Sign with "
            f"{show(given)} exactly.",
            field="domain.name", step="domain separator", signed_value=name, given_value=given,
        ))
        if variant:
            yield variant


@hypothesis("domain-version", "domain", "the domain version as \"1\", \"1.0\", \"1.0.0\", \"v1\", \"2\" ...")
def other_versions(ctx: Context) -> Iterator[Variant[bytes]]:
    given = ctx.domain.get("version")
    if not isinstance(given, str):
        return
    for version in VERSIONS:
        if version == given:
            continue
        variant = ctx.domain_variant({**ctx.domain, "version": version}, Finding(
            "DOMAIN_VERSION",
            f"The signature was made with domain version {show(version)}, but the document has {show(given)}: "
            f"the version is a string hashed byte for byte. Sign with version {show(given)}.",
            field="domain.version", step="domain separator", signed_value=version, given_value=given,
        ))
        if variant:
            yield variant


def _field_names(fields: Fields) -> list[str]:
    return [n for n, _ in fields]


@hypothesis("domain-field-missing", "domain", "EIP712Domain without one or more of the document's fields")
def missing_fields(ctx: Context) -> Iterator[Variant[bytes]]:
    fields = ctx.domain_fields
    for size in range(len(fields) - 1, -1, -1):
        for kept in itertools.combinations(fields, size):
            missing = [n for n, _ in fields if (n, dict(fields)[n]) not in kept]
            variant = ctx.domain_variant(ctx.domain, Finding(
                "DOMAIN_FIELD_MISSING",
                f"The signer's EIP712Domain has no {', '.join(missing)}: it hashed the domain as "
                f"EIP712Domain({','.join(f'{t} {n}' for n, t in kept)}). Include every field of the document's "
                f"domain ({', '.join(_field_names(fields))}) — a library that builds the domain type from the "
                "keys it was given drops any key left out of its domain object.",
                field="types.EIP712Domain", step="domain separator (encodeType)",
                signed_value=_field_names(tuple(kept)), given_value=_field_names(fields),
            ), fields=tuple(kept))
            if variant:
                yield variant


def _candidates_for(ctx: Context, key: str) -> list[Any]:
    if key == "chainId":
        return chain_ids(ctx)
    if key == "verifyingContract":
        return contracts(ctx)
    if key == "name":
        return names(ctx)
    if key == "version":
        return list(VERSIONS)
    # salt: zero, or a chain id written as 32 bytes (the usual improvisations)
    return [bytes(32), *(c.to_bytes(32, "big") for c in chain_ids(ctx))]


def _insert(fields: Fields, added: dict[str, str]) -> Fields:
    order = list(DOMAIN_FIELD_TYPES)
    out = list(fields)
    for name, type_ in added.items():
        position = sum(1 for n, _ in out if n in order and order.index(n) < order.index(name))
        out.insert(position, (name, type_))
    return tuple(out)


@hypothesis("domain-field-added", "domain", "EIP712Domain with a field the document lacks (chainId, "
            "verifyingContract, name, version, salt) at each candidate value")
def added_fields(ctx: Context) -> Iterator[Variant[bytes]]:
    absent = [k for k in DOMAIN_FIELD_TYPES if k not in ctx.domain]
    for key in absent:
        fields = _insert(ctx.domain_fields, {key: DOMAIN_FIELD_TYPES[key]})
        for value in _candidates_for(ctx, key):
            variant = ctx.domain_variant({**ctx.domain, key: value}, Finding(
                "DOMAIN_FIELD_ADDED",
                f"The signer's domain has a {key} the document's domain lacks ({key} = "
                f"{_describe_domain_value(key, value)}). Either the document should carry it — the server's domain "
                f"may include it — or the client must leave it out.",
                field=f"domain.{key}", step="domain separator (encodeType)",
                signed_value={key: value}, given_value=None,
            ), fields=fields)
            if variant:
                yield variant
    if "chainId" in absent and "verifyingContract" in absent:
        fields = _insert(ctx.domain_fields, {"chainId": "uint256", "verifyingContract": "address"})
        for chain_id, contract in itertools.product(chain_ids(ctx)[:12], contracts(ctx)):
            variant = ctx.domain_variant({**ctx.domain, "chainId": chain_id, "verifyingContract": contract}, Finding(
                "DOMAIN_FIELD_ADDED",
                f"The signer's domain has chainId {chain_label(chain_id)} and verifyingContract {contract}, which "
                "the document's domain lacks: the server's domain probably has both — put them in the document.",
                field="domain", step="domain separator (encodeType)",
                signed_value={"chainId": chain_id, "verifyingContract": contract}, given_value=None,
            ), fields=fields)
            if variant:
                yield variant


@hypothesis("domain-field-order", "domain", "EIP712Domain's fields in every other order")
def reordered_fields(ctx: Context) -> Iterator[Variant[bytes]]:
    fields = ctx.domain_fields
    canonical = canonical_fields(_field_names(fields))
    orders = [canonical, *itertools.permutations(fields)]
    seen = {fields}
    for order in orders:
        order = tuple(order)
        if order in seen:
            continue
        seen.add(order)
        variant = ctx.domain_variant(ctx.domain, Finding(
            "DOMAIN_FIELD_ORDER",
            f"The signer's EIP712Domain lists its fields as ({', '.join(_field_names(order))}), the document as "
            f"({', '.join(_field_names(fields))}): field order is part of encodeType. "
            + ("Libraries that derive the domain type (ethers, viem, eth-account) use the canonical order "
               "name, version, chainId, verifyingContract, salt; declare EIP712Domain in that order."
               if order == canonical else "Declare EIP712Domain in the same order on both sides."),
            field="types.EIP712Domain", step="domain separator (encodeType)",
            signed_value=_field_names(order), given_value=_field_names(fields),
        ), fields=order)
        if variant:
            yield variant


def _retyped(fields: Fields, key: str, new_type: str) -> Fields:
    return tuple((n, new_type if n == key else t) for n, t in fields)


@hypothesis("verifying-contract-as-string", "domain", "verifyingContract declared as string (as given, "
            "lowercase, checksummed)")
def contract_as_string(ctx: Context) -> Iterator[Variant[bytes]]:
    given = ctx.domain.get("verifyingContract")
    if not isinstance(given, str) or dict(ctx.domain_fields).get("verifyingContract") != "address":
        return
    fields = _retyped(ctx.domain_fields, "verifyingContract", "string")
    try:
        checksummed = to_checksum_address(parse_address(given))
    except Eip712KitError:
        return
    for text in _ordered([given, given.lower(), checksummed]):
        variant = ctx.domain_variant({**ctx.domain, "verifyingContract": text}, Finding(
            "DOMAIN_VERIFYING_CONTRACT_AS_STRING",
            f"The signer declared verifyingContract as string and hashed the text {show(text)}; EIP-712 declares it "
            "address, encoded as a 32-byte word. Use the standard EIP712Domain type (or let the library derive it).",
            field="types.EIP712Domain.verifyingContract", step="domain separator (encodeType)",
            signed_value="string", given_value="address",
        ), fields=fields)
        if variant:
            yield variant


@hypothesis("chain-id-as-string", "domain", "chainId declared as string (decimal and hex text)")
def chain_id_as_string(ctx: Context) -> Iterator[Variant[bytes]]:
    given = ctx.domain_int("chainId")
    if given is None or dict(ctx.domain_fields).get("chainId") == "string":
        return
    fields = _retyped(ctx.domain_fields, "chainId", "string")
    for chain_id in _ordered([given, *chain_ids(ctx)]):
        for text in (str(chain_id), hex(chain_id)):
            variant = ctx.domain_variant({**ctx.domain, "chainId": text}, Finding(
                "DOMAIN_CHAIN_ID_AS_STRING",
                f"The signer declared chainId as string and hashed the text {show(text)}"
                + (f" (and for chain {chain_label(chain_id)}, not {chain_label(given)})" if chain_id != given else "")
                + "; EIP-712 declares chainId uint256, encoded as a number. Use the standard EIP712Domain type.",
                field="types.EIP712Domain.chainId", step="domain separator (encodeType)",
                signed_value=text, given_value=given,
            ), fields=fields, compose=chain_id == given)
            if variant:
                yield variant


@hypothesis("other-protocol-domain", "domain", "the whole domain of another protocol (Sera, XBlade Vault)")
def other_protocol_domain(ctx: Context) -> Iterator[Variant[bytes]]:
    for protocol, domain in PROTOCOL_DOMAINS.items():
        variant = ctx.domain_variant(domain, Finding(
            "DOMAIN_OF_OTHER_PROTOCOL",
            f"The signature was made with {protocol}'s documented domain ({show(domain)}), not the document's "
            f"({show(ctx.domain)}): the client is configured for the wrong API.",
            field="domain", step="domain separator", signed_value=domain, given_value=ctx.domain,
        ), fields=canonical_fields(list(domain)))
        if variant:
            yield variant


@hypothesis("chain-id-and-contract", "domain", "chainId and verifyingContract both replaced (known pairs)")
def chain_and_contract(ctx: Context) -> Iterator[Variant[bytes]]:
    if "chainId" not in ctx.domain or "verifyingContract" not in ctx.domain:
        return
    given_chain = ctx.domain_int("chainId")
    for chain_id, contract in itertools.product(chain_ids(ctx), contracts(ctx)):
        if chain_id == given_chain:
            continue
        domain = {**ctx.domain, "chainId": _like(ctx, "chainId", chain_id), "verifyingContract": contract}
        if ctx.separator_with({**ctx.domain, "verifyingContract": contract}) == ctx.separator:
            continue  # the same contract: a chain-id-only change, tried already
        variant = ctx.domain_variant(domain, Finding(
            "DOMAIN_CHAIN_ID",
            f"The signature was made for chainId {chain_label(chain_id)}, not {chain_label(given_chain)}.",
            field="domain.chainId", step="domain separator", signed_value=chain_id, given_value=given_chain,
        ), _contract_finding(ctx, contract), compose=False)
        if variant:
            yield variant


__all__ = ["CHAIN_NAMES", "VERSIONS", "chain_ids", "chain_label", "contracts", "names"]
