"""Solidity names for EIP-712 names: the same identifier where Solidity allows it, a trailing ``_`` where not.

EIP-712 identifiers (``[A-Za-z_$][A-Za-z0-9_$]*``) are Solidity identifiers too, ``$`` included; what
Solidity forbids is its keywords, its elementary type names and units, and — for a struct, whose name
shares a scope with everything the generated library declares — its global builtins and the
generator's own names. Neither a struct's nor a field's Solidity name enters a hash (the type hash is
the literal ``encodeType`` string), so renaming one changes no digest; the source says which were renamed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

KEYWORDS = frozenset("""
    abstract address after alias anonymous apply as assembly auto bool break byte bytes calldata case catch
    constant constructor continue contract copyof days default define delete do else emit enum ether event
    external fallback false final finney for function gwei hex hours if immutable implements import in indexed
    inline interface internal is let library macro mapping match memory minutes modifier mutable new null of
    override partial payable pragma private promise public pure receive reference relocatable return returns
    sealed seconds sizeof static storage string struct super supports switch szabo this true try type typedef
    typeof unchecked unicode using var view virtual weeks wei while years _
""".split())
"""Solidity's keywords, reserved words and units: never an identifier."""

BUILTINS = frozenset("""
    abi addmod assert blobhash block blockhash ecrecover gasleft keccak256 msg mulmod now require revert
    ripemd160 selfdestruct sha256 tx
""".split())
"""Global names the generated source uses or that a type name must not shadow."""

_ELEMENTARY = re.compile(r"(u?int[0-9]*|bytes[0-9]*|u?fixed([0-9]+x[0-9]+)?)\Z")


def reserved(name: str) -> bool:
    """Whether Solidity refuses ``name`` as an identifier (a keyword or an elementary type name)."""
    return name in KEYWORDS or bool(_ELEMENTARY.match(name))


def unique(name: str, taken: set[str], avoid: Iterable[str] = ()) -> str:
    """``name``, or ``name_``, ``name__``, ... : the first that is not reserved, not in ``avoid`` and not taken.

    The chosen name is added to ``taken``.
    """
    blocked = set(avoid)
    candidate = name
    while reserved(candidate) or candidate in blocked or candidate in taken:
        candidate += "_"
    taken.add(candidate)
    return candidate


def constant_name(struct: str) -> str:
    """``ManageApiKey`` -> ``MANAGE_API_KEY``: a struct's name as an upper-case constant stem."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", struct)
    return spaced.upper()


__all__ = ["BUILTINS", "KEYWORDS", "constant_name", "reserved", "unique"]
