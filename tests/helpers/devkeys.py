"""PUBLIC development keys — the Hardhat/Anvil default accounts, published in their docs.

They hold no funds and must never be used for any. They are the only keys that may appear in
this repository: tests, vectors and examples sign with them so every result is reproducible.
"""

from __future__ import annotations

from typing import NamedTuple


class DevKey(NamedTuple):
    """A PUBLIC development key and its address (unpacks as ``key, address``)."""

    private_key: str
    address: str


DEV_KEYS: list[DevKey] = [
    DevKey(
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    ),
    DevKey(
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    ),
    DevKey(
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    ),
]
DEV_KEY, DEV_ADDRESS = DEV_KEYS[0]

__all__ = ["DEV_ADDRESS", "DEV_KEY", "DEV_KEYS", "DevKey"]
