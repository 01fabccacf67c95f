"""The example documents in ``examples/``, loaded afresh for each caller.

``examples/`` holds each example once (the EIP-712 specification's Mail, the benchmark's Sera
``Order``); tests and tools load them from there instead of keeping copies. Each call returns a new
object, so a test that changes its document cannot change another test's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def load_example(name: str) -> dict[str, Any]:
    """``examples/NAME`` as a new dict."""
    document: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return document


def mail() -> dict[str, Any]:
    """The EIP-712 specification's Mail example (published digest 0xbe609aee…57bd2)."""
    return load_example("mail.json")


def order_document(uuid: int | None = None) -> dict[str, Any]:
    """The Sera ``Order`` the benchmark signs; ``uuid`` replaces its uuid to make distinct documents."""
    document = load_example("sera_order.json")
    if uuid is not None:
        document["message"]["uuid"] = str(uuid)
    return document


__all__ = ["EXAMPLES", "load_example", "mail", "order_document"]
