"""Solidity for EIP-712: what a verifying contract computes, written from a document or a declared struct.

* :mod:`.source` — the walk over the parsed field types that writes the library (structs, type hashes,
  ``hash`` functions, the domain separator, the digest) and the ``Eip712KitCheck`` harness;
* :mod:`.names` — EIP-712 names as Solidity identifiers (reserved words renamed, no hash changed);
* :mod:`.literals` — canonical values as Solidity literals.

The output is source text for solc; nothing here runs it. ``eip712kit solidity`` is the command.
"""

from .names import constant_name, reserved
from .source import (
    CHECK_CONTRACT,
    PRAGMA,
    Renamed,
    harness_source,
    library_source,
    personal_harness_source,
)

__all__ = [
    "CHECK_CONTRACT",
    "PRAGMA",
    "Renamed",
    "constant_name",
    "harness_source",
    "library_source",
    "personal_harness_source",
    "reserved",
]
