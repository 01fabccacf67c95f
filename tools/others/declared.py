"""What an adapter of this folder declares unsupported: the ``unsupported`` findings of findings.json (stdlib only).

findings.json is the one place a library's limits are written, with the reason: the adapters read
their handshake's ``unsupported`` from it, and tools/compat_matrix.py prints the reasons.
"""

from __future__ import annotations

import json
from pathlib import Path

FINDINGS = Path(__file__).resolve().parent / "findings.json"


def declared(name: str) -> list[str]:
    """The feature tags ``name`` declares unsupported, sorted."""
    findings = json.loads(FINDINGS.read_text(encoding="utf-8"))[name]["findings"]
    return sorted({tag for f in findings if f["class"] == "unsupported" for tag in f["tags"]})
