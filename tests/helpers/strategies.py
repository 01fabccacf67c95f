"""Hypothesis strategies for random EIP-712 documents, shared by the core and differential tests.

A document is built as a DAG of structs S0 → S1 → … so that S0 is the one root (eth-account derives
the primary type and insists it is unique); every atomic type, fixed and dynamic arrays and arrays of
arrays appear; values are drawn in range and in every accepted spelling (int, decimal string, hex
string; lowercase or checksummed addresses).
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from eip712kit.base.parsers import to_checksum_address

NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
field_names = st.text(NAME_CHARS, min_size=1, max_size=8)

atomic_types = st.one_of(
    st.sampled_from(["address", "bool", "string", "bytes"]),
    st.integers(1, 32).map(lambda n: f"uint{8 * n}"),
    st.integers(1, 32).map(lambda n: f"int{8 * n}"),
    st.integers(1, 32).map(lambda n: f"bytes{n}"),
)
dimensions = st.lists(st.one_of(st.none(), st.integers(1, 3)), max_size=2)


def _dims_suffix(dims: list[int | None]) -> str:
    return "".join("[]" if d is None else f"[{d}]" for d in dims)


@st.composite
def type_graphs(draw: Any, max_structs: int = 4) -> tuple[dict[str, list[dict[str, str]]], str]:
    count = draw(st.integers(1, max_structs))
    names = draw(st.lists(st.text(NAME_CHARS, min_size=1, max_size=6).map(lambda s: "T" + s),
                          min_size=count, max_size=count, unique=True))
    types: dict[str, list[dict[str, str]]] = {}
    referenced = set()
    for index, name in enumerate(names):
        fnames = draw(st.lists(field_names, min_size=1, max_size=5, unique=True))
        fields = []
        for fname in fnames:
            later = names[index + 1:]
            if later and draw(st.booleans()):
                base = draw(st.sampled_from(later))
                referenced.add(base)
            else:
                base = draw(atomic_types)
            fields.append({"name": fname, "type": base + _dims_suffix(draw(dimensions))})
        types[name] = fields
    # every struct but the first must be referenced, so the first is the unique root
    for index, name in enumerate(names[1:], start=1):
        if name not in referenced:
            parent = names[draw(st.integers(0, index - 1))]
            extra = "ref" + str(index)
            if all(f["name"] != extra for f in types[parent]):
                types[parent].append({"name": extra, "type": name})
                referenced.add(name)
    return types, names[0]


def int_spellings(n: int) -> st.SearchStrategy[Any]:
    options: list[Any] = [st.just(n), st.just(str(n))]
    if n >= 0:
        options.append(st.just(hex(n)))
    return st.one_of(*options)


def address_values() -> st.SearchStrategy[str]:
    return st.binary(min_size=20, max_size=20).flatmap(
        lambda raw: st.sampled_from(["0x" + raw.hex(), to_checksum_address(raw)])
    )


def value_for(draw: Any, type_text: str, types: dict[str, list[dict[str, str]]], depth: int = 0) -> Any:
    if type_text.endswith("]"):
        inner, _, dim = type_text[:-1].rpartition("[")
        length = int(dim) if dim else draw(st.integers(0, 3 if depth < 3 else 0))
        return [value_for(draw, inner, types, depth + 1) for _ in range(length)]
    if type_text in types:
        return {f["name"]: value_for(draw, f["type"], types, depth + 1) for f in types[type_text]}
    if type_text == "address":
        return draw(address_values())
    if type_text == "bool":
        return draw(st.booleans())
    if type_text == "string":
        return draw(st.text(max_size=20))
    if type_text == "bytes":
        return "0x" + draw(st.binary(max_size=40)).hex()
    if type_text.startswith("uint"):
        bits = int(type_text[4:])
        return draw(st.integers(0, 2**bits - 1).flatmap(int_spellings))
    if type_text.startswith("int"):
        bits = int(type_text[3:])
        return draw(st.integers(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1).flatmap(int_spellings))
    size = int(type_text[5:])
    return "0x" + draw(st.binary(min_size=size, max_size=size)).hex()


DOMAIN_VALUES: dict[str, Any] = {
    "name": st.text(max_size=12),
    "version": st.text("0123456789.", max_size=5),
    "chainId": st.integers(0, 2**256 - 1),
    "verifyingContract": address_values(),
    "salt": st.binary(min_size=32, max_size=32).map(lambda b: "0x" + b.hex()),
}
DOMAIN_TYPES = {"name": "string", "version": "string", "chainId": "uint256",
                "verifyingContract": "address", "salt": "bytes32"}


@st.composite
def domains(draw: Any) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(list(DOMAIN_VALUES)), unique=True))
    return {k: draw(DOMAIN_VALUES[k]) for k in keys}


@st.composite
def documents(draw: Any, max_structs: int = 4) -> dict[str, Any]:
    """A random standard typed-data document that eth-account can also hash."""
    types, primary = draw(type_graphs(max_structs))
    domain = draw(domains())
    if draw(st.booleans()):
        types = {"EIP712Domain": [{"name": k, "type": DOMAIN_TYPES[k]} for k in DOMAIN_TYPES if k in domain],
                 **types}
    message = value_for(draw, primary, types)
    return {"types": types, "primaryType": primary, "domain": domain, "message": message}


def node_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a JSON value (``()`` for the root), for tests that replace one node."""
    out = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            out.extend(node_paths(child, (*prefix, key)))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            out.extend(node_paths(child, (*prefix, index)))
    return out


def replaced(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A deep copy of ``doc`` with the node at ``path`` (not the root) replaced by ``value``."""
    out = copy.deepcopy(doc)
    target = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return out
