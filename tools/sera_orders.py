#!/usr/bin/env python3
"""Write N distinct signed Sera orders as JSONL: the input of the ``--jsonl`` benchmarks.

    python tools/sera_orders.py 100000 orders.jsonl                 # typed-data documents (hash --jsonl)
    python tools/sera_orders.py 100000 signed.jsonl --kind recover  # {"typedData", "signature"} lines
    python tools/sera_orders.py 100000 checks.jsonl --kind verify   # ... and "address"

Each order is the benchmark's Sera ``Order`` (``examples/sera_order.json``) with its own uuid and
fromAmount, signed with the PUBLIC development key #0 of ``tests/helpers/devkeys.py``. Such files are
generated when needed, never committed (100,000 orders are about 100 MB).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eip712kit.core.batch import sign_many  # noqa: E402
from eip712kit.core.keys import PrivateKey  # noqa: E402
from tests.helpers.devkeys import DEV_KEY  # noqa: E402  (PUBLIC development key)
from tests.helpers.examples import order_document  # noqa: E402

KINDS = ("hash", "recover", "verify")
_CHUNK = 10_000


def orders(count: int) -> Iterator[dict[str, Any]]:
    """``count`` distinct Sera order documents."""
    for n in range(count):
        document = order_document(uuid=n)
        document["message"]["fromAmount"] = str(1_000_000 + n)
        yield document


def lines(count: int, kind: str) -> Iterator[str]:
    """The JSONL lines ``kind --jsonl`` reads, ``count`` of them (signed a chunk at a time, on every core)."""
    key = PrivateKey.from_hex(DEV_KEY)
    documents = orders(count)
    while chunk := [document for _, document in zip(range(_CHUNK), documents, strict=False)]:
        if kind == "hash":
            items: list[Any] = chunk
        else:
            signatures = sign_many(chunk, key, processes=0)
            items = [{"typedData": d, "signature": s.to_hex()} for d, s in zip(chunk, signatures, strict=True)]
            if kind == "verify":
                items = [{**item, "address": key.address} for item in items]
        for item in items:
            yield json.dumps(item, separators=(",", ":"))


def write(path: Path, count: int, kind: str) -> None:
    with path.open("w", encoding="utf-8") as out:
        for line in lines(count, kind):
            out.write(line + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/sera_orders.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="how many orders")
    parser.add_argument("output", type=Path, help="the JSONL file to write")
    parser.add_argument("--kind", choices=KINDS, default="hash", help="what the lines are for [hash]")
    args = parser.parse_args(argv)
    write(args.output, args.count, args.kind)
    return 0


if __name__ == "__main__":
    sys.exit(main())
