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

import json
import sys
from typing import Any

from eip712kit.conformance import LibraryTarget, wire_json


def answer(target: LibraryTarget, line: str) -> dict[str, Any]:
    try:
        request = json.loads(line)
    except ValueError as exc:
        return {"id": None, "error": {"code": "ADAPTER_ERROR", "message": f"request is not JSON: {exc}"}}
    if not isinstance(request, dict):
        return {"id": None, "error": {"code": "ADAPTER_ERROR", "message": "request is not a JSON object"}}
    return target.handle(request)


def main() -> None:
    target = LibraryTarget()
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(wire_json(answer(target, line)) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
