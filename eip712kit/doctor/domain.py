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

from ..base.errors import Eip712KitError
from ..base.hashing import keccak256
from ..base.parsers import parse_address, to_checksum_address
from ..core.signature import ZERO_ADDRESS
from ..core.typed_data import DOMAIN_FIELD_TYPES
from .context import Context
from .detection import PROTOCOL_DOMAINS
from .edits import canonical_fields, retyped_fields
from .findings import Fields, Finding, Variant, show
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
"""Versions tried: the first two are tier 0, the next three tier 1, the rest tier 2."""
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


COMMON_CHAINS = 5
"""The first chain ids of :func:`chain_ids` (the protocols' own, mainnet, Hardhat/Anvil, Ganache) are tier 0."""
USUAL_CHAINS = 13
"""... the next ones (Goerli, Holesky, Hoodi, OP, Base, Arbitrum One and their testnets) tier 1, the rest 2."""


def chain_tier(index: int) -> int:
    return 0 if index < COMMON_CHAINS else 1 if index < USUAL_CHAINS else 2


def contracts(ctx: Context) -> list[str]:
    """Candidate verifying contracts: the protocols' own, the zero address, and addresses at hand."""
    first = [PROTOCOL_DOMAINS[ctx.protocol]["verifyingContract"]] if ctx.protocol else []
    at_hand = []
    for leaf in ctx.message.leaves():
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


def names(ctx: Context) -> list[tuple[str, int]]:
    """Candidate names with their tiers: the name's own case (0), its spacing and the protocols' names (1),
    "" (2), the protocols' names in other forms (3)."""
    given = ctx.domain.values.get("name")
    own = _case_variants(given) if isinstance(given, str) else []
    known = [str(d["name"]) for d in PROTOCOL_DOMAINS.values()] + list(OTHER_NAMES)
    tiers: dict[str, int] = {}
    for index, name in enumerate(own):
        tiers.setdefault(name, 0 if index < 4 else 1)
    for name in known:
        tiers.setdefault(name, 1)
    tiers.setdefault("", 2)
    for name in (v for k in known for v in _case_variants(k)):
        tiers.setdefault(name, 3)
    return list(tiers.items())


def _like(ctx: Context, key: str, value: Any) -> Any:
    """A value written the way the document's domain type declares the field (number or string)."""
    declared = dict(ctx.domain.fields).get(key, DOMAIN_FIELD_TYPES.get(key))
    if declared == "string" and not isinstance(value, str):
        return str(value)
    return value


def _describe_domain_value(key: str, value: Any) -> str:
    if key == "chainId" and isinstance(value, int):
        return chain_label(value)
    return show(value)


@hypothesis("chain-id", "domain", "the domain's chainId replaced by each known chain id", tier=0)
def other_chain_ids(ctx: Context) -> Iterator[Variant[bytes] | None]:
    if "chainId" not in ctx.domain.values:
        return
    given = ctx.domain.int_value("chainId")
    for index, chain_id in enumerate(chain_ids(ctx)):
        if chain_id == given:
            continue
        yield ctx.domain.variant({**ctx.domain.values, "chainId": _like(ctx, "chainId", chain_id)}, Finding(
            "DOMAIN_CHAIN_ID",
            f"The signature was made for chainId {chain_label(chain_id)}, but the document's domain has "
            f"{chain_label(given)}: the wallet or client was set up for another network. Put chainId {given} in the "
            "domain object you sign (ethers/viem: domain.chainId; MetaMask checks it against the connected network, "
            "so switch with wallet_switchEthereumChain)"
            + ("; Sera: take chain_id from GET /config." if ctx.protocol == "sera" else "."),
            field="domain.chainId", step="domain separator", signed_value=chain_id, given_value=given,
        ), tier=chain_tier(index))


def _contract_finding(ctx: Context, contract: str) -> Finding:
    given = ctx.domain.values.get("verifyingContract")
    whose = [p for p, d in PROTOCOL_DOMAINS.items() if d["verifyingContract"].lower() == contract.lower()]
    label = f" ({whose[0]}'s documented contract)" if whose else (
        " (the zero address)" if contract == ZERO_ADDRESS else
        " (the signer's own address)" if contract == ctx.expected else " (an address from the message)")
    return Finding(
        "DOMAIN_VERIFYING_CONTRACT",
        f"The signature was made with verifyingContract {contract}{label}, but the document's domain has {given}. "
        "Set domain.verifyingContract to the contract the server verifies against"
        + (" (Sera: sera_address from GET /config)." if ctx.protocol == "sera" else "."),
        field="domain.verifyingContract", step="domain separator", signed_value=contract, given_value=given,
    )


def contract_tier(ctx: Context, contract: str) -> int:
    """The protocols' own contracts are tier 0, the zero address and the signer 1, the message's addresses 2."""
    if any(d["verifyingContract"].lower() == contract.lower() for d in PROTOCOL_DOMAINS.values()):
        return 0
    return 1 if contract in (ZERO_ADDRESS, ctx.expected) else 2


@hypothesis("verifying-contract", "domain", "verifyingContract replaced by the protocols' contracts, zero, "
            "the signer and the message's addresses", tier=0)
def other_contracts(ctx: Context) -> Iterator[Variant[bytes] | None]:
    if "verifyingContract" not in ctx.domain.values:
        return
    for contract in contracts(ctx):
        yield ctx.domain.variant({**ctx.domain.values, "verifyingContract": contract}, _contract_finding(ctx, contract),
                                     tier=contract_tier(ctx, contract))


@hypothesis("domain-name", "domain", "the domain name in other cases and spellings, and other protocols' names",
            tier=0)
def other_names(ctx: Context) -> Iterator[Variant[bytes] | None]:
    given = ctx.domain.values.get("name")
    if not isinstance(given, str):
        return
    for name, tier in names(ctx):
        if name == given:
            continue
        yield ctx.domain.variant({**ctx.domain.values, "name": name}, Finding(
            "DOMAIN_NAME",
            f"The signature was made with domain name {show(name)}, but the document has {show(given)}: the name "
            "is hashed byte for byte, so case, spaces and spelling all count. Set domain.name to "
            f"{show(given)} exactly (copy it from the API's typed data, not from its prose).",
            field="domain.name", step="domain separator", signed_value=name, given_value=given,
        ), tier=tier)


@hypothesis("domain-version", "domain", "the domain version as \"1\", \"1.0\", \"1.0.0\", \"v1\", \"2\" ...",
            tier=0)
def other_versions(ctx: Context) -> Iterator[Variant[bytes] | None]:
    given = ctx.domain.values.get("version")
    if not isinstance(given, str):
        return
    for index, version in enumerate(VERSIONS):
        if version == given:
            continue
        yield ctx.domain.variant({**ctx.domain.values, "version": version}, Finding(
            "DOMAIN_VERSION",
            f"The signature was made with domain version {show(version)}, but the document has {show(given)}: "
            f"the version is a string hashed byte for byte. Set domain.version to {show(given)} (a string, not a "
            "number).",
            field="domain.version", step="domain separator", signed_value=version, given_value=given,
        ), tier=0 if index < 2 else 1 if index < 5 else 2)


def _field_names(fields: Fields) -> list[str]:
    return [n for n, _ in fields]


def _declare_domain(fields: Fields) -> str:
    return "[" + ", ".join(f'{{name: "{n}", type: "{t}"}}' for n, t in fields) + "]"


def _missing_finding(fields: Fields, kept: Fields) -> Finding:
    missing = [n for n, _ in fields if (n, dict(fields)[n]) not in kept]
    if not kept:
        sentence = (
            "The signer hashed the domain as EIP712Domain() — no fields at all. That is what MetaMask's "
            "eth_signTypedData_v4 (eth-sig-util V4) does with ethers-style types that leave EIP712Domain out: "
            "ethers and viem derive the domain type from the domain object, MetaMask hashes only the EIP712Domain "
            "declared in types. Declare it in the types you send to the wallet: "
            f"types.EIP712Domain = {_declare_domain(fields)}."
        )
    else:
        sentence = (
            f"The signer's EIP712Domain has no {', '.join(missing)}: it hashed the domain as "
            f"EIP712Domain({','.join(f'{t} {n}' for n, t in kept)}). Give the domain object every key "
            f"({', '.join(_field_names(fields))}) — ethers, viem and eth-account build the type from the keys "
            "present, so a key left out (or undefined) disappears — and, when you declare EIP712Domain in types "
            f"(MetaMask hashes the declared one), declare it as {_declare_domain(fields)}."
        )
    return Finding("DOMAIN_FIELD_MISSING", sentence, field="types.EIP712Domain",
                   step="domain separator (encodeType)", signed_value=_field_names(kept),
                   given_value=_field_names(fields))


@hypothesis("domain-field-missing", "domain", "EIP712Domain without one or more of the document's fields (or "
            "with none: MetaMask given ethers-style types)", tier=0)
def missing_fields(ctx: Context) -> Iterator[Variant[bytes] | None]:
    fields = ctx.domain.fields
    for size in range(len(fields) - 1, -1, -1):
        dropped = len(fields) - size
        tier = 0 if dropped == 1 or size == 0 else 1 if dropped == 2 else 2
        for kept in itertools.combinations(fields, size):
            yield ctx.domain.variant(ctx.domain.values, _missing_finding(fields, tuple(kept)), fields=tuple(kept),
                                         tier=tier)


def _candidates_for(ctx: Context, key: str) -> list[Any]:
    if key == "chainId":
        return chain_ids(ctx)
    if key == "verifyingContract":
        return contracts(ctx)
    if key == "name":
        return [name for name, _ in names(ctx)]
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
            "verifyingContract, name, version, salt) at each candidate value", tier=1)
def added_fields(ctx: Context) -> Iterator[Variant[bytes] | None]:
    absent = [k for k in DOMAIN_FIELD_TYPES if k not in ctx.domain.values]
    for key in absent:
        fields = _insert(ctx.domain.fields, {key: DOMAIN_FIELD_TYPES[key]})
        for index, value in enumerate(_candidates_for(ctx, key)):
            yield ctx.domain.variant({**ctx.domain.values, key: value}, Finding(
                "DOMAIN_FIELD_ADDED",
                f"The signer's domain has a {key} the document's domain lacks ({key} = "
                f"{_describe_domain_value(key, value)}). Either the document should carry it — the server's domain "
                f"may include it — or delete domain.{key} from the object you sign (and from types.EIP712Domain).",
                field=f"domain.{key}", step="domain separator (encodeType)",
                signed_value={key: value}, given_value=None,
            ), fields=fields, tier=1 if index < 2 else 3)
    if "chainId" in absent and "verifyingContract" in absent:
        fields = _insert(ctx.domain.fields, {"chainId": "uint256", "verifyingContract": "address"})
        for chain_id, contract in itertools.product(chain_ids(ctx)[:12], contracts(ctx)):
            yield ctx.domain.variant({**ctx.domain.values, "chainId": chain_id, "verifyingContract": contract}, Finding(
                "DOMAIN_FIELD_ADDED",
                f"The signer's domain has chainId {chain_label(chain_id)} and verifyingContract {contract}, which "
                "the document's domain lacks: the server's domain probably has both — put them in the document.",
                field="domain", step="domain separator (encodeType)",
                signed_value={"chainId": chain_id, "verifyingContract": contract}, given_value=None,
            ), fields=fields, tier=3)


@hypothesis("domain-field-order", "domain", "EIP712Domain's fields in every other order", tier=0)
def reordered_fields(ctx: Context) -> Iterator[Variant[bytes] | None]:
    fields = ctx.domain.fields
    canonical = canonical_fields(_field_names(fields))
    orders = [canonical, *itertools.permutations(fields)]
    seen = {fields}
    for order in orders:
        order = tuple(order)
        if order in seen:
            continue
        seen.add(order)
        yield ctx.domain.variant(ctx.domain.values, Finding(
            "DOMAIN_FIELD_ORDER",
            f"The signer's EIP712Domain lists its fields as ({', '.join(_field_names(order))}), the document as "
            f"({', '.join(_field_names(fields))}): field order is part of encodeType. "
            + ("Libraries that derive the domain type (ethers, viem, eth-account) use the canonical order "
               "name, version, chainId, verifyingContract, salt, and MetaMask hashes the order declared in types: "
               "declare types.EIP712Domain in the canonical order on both sides."
               if order == canonical else "Declare EIP712Domain in the same order on both sides."),
            field="types.EIP712Domain", step="domain separator (encodeType)",
            signed_value=_field_names(order), given_value=_field_names(fields),
        ), fields=order, tier=0 if order == canonical else 3)


@hypothesis("verifying-contract-as-string", "domain", "verifyingContract declared as string (as given, "
            "lowercase, checksummed)", tier=2)
def contract_as_string(ctx: Context) -> Iterator[Variant[bytes] | None]:
    given = ctx.domain.values.get("verifyingContract")
    if not isinstance(given, str) or dict(ctx.domain.fields).get("verifyingContract") != "address":
        return
    fields = retyped_fields(ctx.domain.fields, "verifyingContract", "string")
    try:
        checksummed = to_checksum_address(parse_address(given))
    except Eip712KitError:
        return
    for text in _ordered([given, given.lower(), checksummed]):
        yield ctx.domain.variant({**ctx.domain.values, "verifyingContract": text}, Finding(
            "DOMAIN_VERIFYING_CONTRACT_AS_STRING",
            f"The signer declared verifyingContract as string and hashed the text {show(text)}; EIP-712 declares it "
            "address, encoded as a 32-byte word. Use the standard EIP712Domain type (or let the library derive it).",
            field="types.EIP712Domain.verifyingContract", step="domain separator (encodeType)",
            signed_value="string", given_value="address",
        ), fields=fields)


@hypothesis("chain-id-as-string", "domain", "chainId declared as string (decimal and hex text)", tier=2)
def chain_id_as_string(ctx: Context) -> Iterator[Variant[bytes] | None]:
    given = ctx.domain.int_value("chainId")
    if given is None or dict(ctx.domain.fields).get("chainId") == "string":
        return
    fields = retyped_fields(ctx.domain.fields, "chainId", "string")
    for chain_id in _ordered([given, *chain_ids(ctx)]):
        for text in (str(chain_id), hex(chain_id)):
            yield ctx.domain.variant({**ctx.domain.values, "chainId": text}, Finding(
                "DOMAIN_CHAIN_ID_AS_STRING",
                f"The signer declared chainId as string and hashed the text {show(text)}"
                + (f" (and for chain {chain_label(chain_id)}, not {chain_label(given)})" if chain_id != given else "")
                + "; EIP-712 declares chainId uint256, encoded as a number. Use the standard EIP712Domain type.",
                field="types.EIP712Domain.chainId", step="domain separator (encodeType)",
                signed_value=text, given_value=given,
            ), fields=fields, compose=chain_id == given, tier=2 if chain_id == given else 3)


@hypothesis("other-protocol-domain", "domain", "the whole domain of another protocol (Sera, XBlade Vault)", tier=1)
def other_protocol_domain(ctx: Context) -> Iterator[Variant[bytes] | None]:
    for protocol, domain in PROTOCOL_DOMAINS.items():
        yield ctx.domain.variant(domain, Finding(
            "DOMAIN_OF_OTHER_PROTOCOL",
            f"The signature was made with {protocol}'s documented domain ({show(domain)}), not the document's "
            f"({show(ctx.domain.values)}): the client is configured for the wrong API. Take the domain from this API's "
            "own typed data (Sera: GET /config; Renance: the typed_data of GET /api/v1/auth/nonce).",
            field="domain", step="domain separator", signed_value=domain, given_value=ctx.domain.values,
        ), fields=canonical_fields(list(domain)))


@hypothesis("chain-id-and-contract", "domain", "chainId and verifyingContract both replaced (known pairs)", tier=3)
def chain_and_contract(ctx: Context) -> Iterator[Variant[bytes] | None]:
    if "chainId" not in ctx.domain.values or "verifyingContract" not in ctx.domain.values:
        return
    given_chain = ctx.domain.int_value("chainId")
    for chain_id, contract in itertools.product(chain_ids(ctx), contracts(ctx)):
        if chain_id == given_chain:
            continue
        domain = {**ctx.domain.values, "chainId": _like(ctx, "chainId", chain_id), "verifyingContract": contract}
        if ctx.domain.separator_with({**ctx.domain.values, "verifyingContract": contract}) == ctx.domain.separator:
            continue  # the same contract: a chain-id-only change, tried already
        yield ctx.domain.variant(domain, Finding(
            "DOMAIN_CHAIN_ID",
            f"The signature was made for chainId {chain_label(chain_id)}, not {chain_label(given_chain)}.",
            field="domain.chainId", step="domain separator", signed_value=chain_id, given_value=given_chain,
        ), _contract_finding(ctx, contract), compose=False)


def _salts(ctx: Context) -> list[tuple[str, bytes]]:
    """Salts clients improvise: zero, a chain id as a word, keccak of the name, the contract as a word."""
    out: list[tuple[str, bytes]] = [("zero", bytes(32))]
    given_chain = ctx.domain.int_value("chainId")
    out += [(f"chain id {chain_label(c)} as a 32-byte word", c.to_bytes(32, "big"))
            for c in _ordered([*([given_chain] if given_chain is not None else []), *chain_ids(ctx)[:COMMON_CHAINS]])]
    name = ctx.domain.values.get("name")
    if isinstance(name, str):
        out.append((f"keccak256 of the name {show(name)}", keccak256(name.encode("utf-8"))))
    contract = ctx.domain.values.get("verifyingContract")
    if isinstance(contract, str):
        try:
            out.append(("the verifying contract as a 32-byte word", bytes(12) + parse_address(contract)))
        except Eip712KitError:
            pass
    return out


@hypothesis("domain-salt", "domain", "the domain's salt replaced by zero, a chain id, keccak256(name) or the "
            "contract as a 32-byte word", tier=1)
def other_salts(ctx: Context) -> Iterator[Variant[bytes] | None]:
    given = ctx.domain.values.get("salt")
    if given is None or dict(ctx.domain.fields).get("salt") != "bytes32":
        return
    for index, (label, salt) in enumerate(_salts(ctx)):
        yield ctx.domain.variant({**ctx.domain.values, "salt": "0x" + salt.hex()}, Finding(
            "DOMAIN_SALT",
            f"The signature was made with salt 0x{salt.hex()} ({label}), but the document's domain has {show(given)}. "
            "Set domain.salt to the document's 32 bytes exactly (a hex string of 64 digits after 0x).",
            field="domain.salt", step="domain separator", signed_value="0x" + salt.hex(), given_value=given,
        ), tier=1 if index < 2 else 2)


__all__ = ["CHAIN_NAMES", "VERSIONS", "chain_ids", "chain_label", "chain_tier", "contracts", "names"]
