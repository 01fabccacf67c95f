"""Other libraries' results (tools/others): each classified bug holds on its smallest document, every failure
in the record is classified, and the adapters' helpers translate without repairing.

The libraries themselves are not installed in the test environment (they need CPython 3.10 and their own
node_modules): what they answered is in tools/others/findings.json (``got``) and the record, and
``python tools/others/findings.py --check`` (CI) runs them again. Here eip712kit and eth-account hash each
bug's document, and must agree with each other and with the recorded ``expected``, against the library.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from eth_account.messages import encode_typed_data
from eth_utils import keccak

from eip712kit import TypedData
from eip712kit.conformance import features

ROOT = Path(__file__).resolve().parent.parent
FINDINGS = json.loads((ROOT / "tools" / "others" / "findings.json").read_text(encoding="utf-8"))
BUGS = [(name, f) for name, library in FINDINGS.items() for f in library["findings"] if f["class"] == "bug"]
sys.path.insert(0, str(ROOT / "tools" / "adapters"))
sys.path.insert(0, str(ROOT))

import exec_protocol  # noqa: E402

from tools import compat_matrix  # noqa: E402


def _eth_account_digest(doc: dict[str, Any]) -> str:
    signable = encode_typed_data(full_message=doc)
    return "0x" + bytes(keccak(b"\x19" + signable.version + signable.header + signable.body)).hex()


@pytest.mark.parametrize(("name", "finding"), BUGS, ids=[f"{n}:{f['tags'][0]}" for n, f in BUGS])
def test_each_bug_is_shown_by_its_smallest_document(name: str, finding: dict[str, Any]) -> None:
    doc = finding["document"]
    ours = "0x" + TypedData(doc).digest().hex()
    assert ours == _eth_account_digest(doc) == finding["expected"]
    assert finding["got"] != ours  # the library refused it, or gave another digest
    assert set(finding["tags"]) <= set(features.case_features("typed_data", {"typed_data": doc}))


def test_the_libraries_are_recorded_and_every_failure_is_classified() -> None:
    entries, status, tags = compat_matrix.verdicts()
    assert set(FINDINGS) <= set(entries)
    for name, library in FINDINGS.items():
        _, _, unclassified = compat_matrix.classify(name, entries[name], library["findings"], status, tags)
        assert unclassified == [], (name, unclassified)
        declared = {t for f in library["findings"] if f["class"] == "unsupported" for t in f["tags"]}
        assert declared <= set(entries[name]["unsupported"]), name  # the adapters read findings.json
    languages = {entry["language"] for entry in entries.values()}
    assert len(entries) >= 11 and {"JavaScript", "Python"} <= languages


def test_a_failure_no_finding_explains_is_left_unclassified() -> None:
    entries, status, tags = compat_matrix.verdicts()
    name = "eip-712"
    findings = [f for f in FINDINGS[name]["findings"] if "recursive-types" not in f["tags"]]
    _, _, unclassified = compat_matrix.classify(name, entries[name], findings, status, tags)
    assert "core/recursive-tree" in unclassified


def test_an_adapter_translates_and_never_repairs() -> None:
    fields = [("a", "uint256"), ("b", "int8[]"), ("c", "bytes2"), ("s", "S")]
    doc = {"types": {"M": [{"name": n, "type": t} for n, t in fields], "S": [{"name": "x", "type": "uint8"}]},
           "primaryType": "M", "domain": {"chainId": "0x01"},
           "message": {"a": "115792089237316195423570985008687907853269984665640564039457584007913129639935",
                       "b": ["-1", " 2", "1e3", 4], "c": "0x0102", "s": {"x": "0x0f"}}}
    out = exec_protocol.native_values(exec_protocol.with_domain_type(doc), fixed_bytes=True)
    assert out["message"] == {"a": 2**256 - 1, "b": [-1, " 2", "1e3", 4], "c": b"\x01\x02", "s": {"x": 15}}
    assert out["types"]["EIP712Domain"] == [{"name": "chainId", "type": "uint256"}] and out["domain"] == {"chainId": 1}
    declared = {**doc, "types": {**doc["types"], "EIP712Domain": [{"name": "name", "type": "string"}]}}
    assert exec_protocol.with_domain_type(declared)["types"]["EIP712Domain"] == [{"name": "name", "type": "string"}]
