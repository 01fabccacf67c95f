"""The message's values by kind, and a variant with one of them changed: what the value hypotheses share.

:mod:`.times`, :mod:`.values` and :mod:`.sera` recognise a value by its shape (an integer in the
range of unix seconds, a short word, a decimal string) before they propose what a mistaken client
signed instead; :func:`leaf_variant` is that one changed value, rehashed through the word tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..base.errors import Eip712KitError
from ..base.parsers import parse_int
from ..core.encoders import INTEGER_TYPE
from .context import Context
from .findings import Finding, Variant
from .message_context import Leaf


def int_leaves(ctx: Context) -> Iterator[tuple[Leaf, int]]:
    """Every integer value of the message (any uintN/intN field), with its value as an int."""
    for leaf in ctx.message.leaves():
        if re.match(INTEGER_TYPE, leaf.type):
            try:
                yield leaf, parse_int(leaf.value)
            except Eip712KitError:
                continue


def string_leaves(ctx: Context) -> Iterator[Leaf]:
    """Every string value of the message."""
    for leaf in ctx.message.leaves():
        if leaf.type == "string" and isinstance(leaf.value, str):
            yield leaf


def leaf_variant(ctx: Context, leaf: Leaf, value: Any, finding: Finding, compose: bool = True,
                 tier: int | None = None) -> Variant[bytes] | None:
    """The message with ``value`` at ``leaf``'s path (None when it does not encode or changes nothing)."""
    return ctx.message.value_variant([(leaf.path, value)], finding, compose=compose, tier=tier)


__all__ = ["int_leaves", "leaf_variant", "string_leaves"]
