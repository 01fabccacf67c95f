#!/usr/bin/env python3
"""The reference ``--exec`` adapter: eip712kit itself behind the JSON-lines protocol.

    eip712kit conformance --exec "python tools/adapters/eip712kit_adapter.py"

It answers every op of the vector format (typed_data, personal_sign, uuid_int, sera_order,
time_window) with eip712kit's own error codes, so it passes every case with no flag. Its point is
to be read: it is the whole protocol in a dozen lines — one JSON request per line in, one JSON
response per line out, in order, flushed, until stdin closes — and a template for wrapping a
signer that is not this one (see eth_account_adapter.py for one that is not).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from eip712kit.conformance import LibraryTarget, wire_json

sys.path.insert(0, str(Path(__file__).resolve().parent))
from exec_protocol import parse_line


def answer(target: LibraryTarget, line: str) -> dict[str, Any]:
    request, refused = parse_line(line)
    return target.handle(request) if request is not None else refused or {}


def main() -> None:
    target = LibraryTarget()
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(wire_json(answer(target, line)) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
