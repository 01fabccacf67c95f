"""The attestation record: several recorders, each replacing only its own entries, one canonical text.

The format is tools/attestations.py's (docs/vectors.md, "Attestation"); tools/node/lib/record.mjs writes
the same bytes, which tests/test_vectors.py holds the committed record to. The judge every exec-adapter
verdict goes through is tools/attest_exec.py's, run here against a stand-in target.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from eip712kit.conformance import AdapterFailure, Declaration
from tools import attestations
from tools.attest_exec import judge

ROOT = Path(__file__).resolve().parent.parent
CORE = {c["id"]: c for c in json.loads((ROOT / "vectors" / "core.json").read_text(encoding="utf-8"))["cases"]}
NEGATIVE = {c["id"]: c for c in json.loads((ROOT / "vectors" / "negative.json").read_text(encoding="utf-8"))["cases"]}
MAIL = CORE["core/mail"]
KEYS = json.loads((ROOT / "vectors" / "core.json").read_text(encoding="utf-8"))["keys"]
A_NEGATIVE = next(c for c in NEGATIVE.values() if all(t.endswith("-refusal") for t in c["features"]))


def entry(recorder: str, cases: dict[str, str], version: str = "1.0.0") -> dict[str, Any]:
    return {"version": version, "language": "Lang", "api": "f()", "recorder": recorder, "runtime": "x 1",
            "unsupported": [], "cases": cases}


def test_fingerprints_tie_a_verdict_to_the_case_as_it_is() -> None:
    assert attestations.fingerprint(MAIL) == MAIL["expected"]["digest"][:18]
    fp = attestations.fingerprint(A_NEGATIVE)
    assert fp.startswith("0x") and len(fp) == 18 and fp != attestations.fingerprint({**A_NEGATIVE, "input": {}})


def test_a_recorder_replaces_only_its_own_entries() -> None:
    record = attestations.merge(attestations.empty(), {"a": entry("node", {"core/mail": "pass 0x1"}),
                                                       "b": entry("py", {"core/mail": "differs 0x1"})})
    again = attestations.merge(record, {"a": entry("node", {"core/mail": "refuses 0x1"}, "2.0.0")})
    assert again["implementations"]["b"] == record["implementations"]["b"]
    assert again["implementations"]["a"]["version"] == "2.0.0"
    with pytest.raises(attestations.RecordError, match="recorded by py"):
        attestations.merge(record, {"b": entry("node", {})})


def test_the_canonical_text_round_trips_and_refuses_another_format() -> None:
    record = attestations.merge(attestations.empty(), {"z": entry("py", {"b": "pass 0x1", "a": "pass 0x2"})})
    text = attestations.dump(record)
    assert attestations.dump(attestations.parse(text)) == text
    assert text.index('"a"') < text.index('"b"')  # keys sorted at every level, as JSON.stringify(sortKeysDeep)
    with pytest.raises(attestations.RecordError, match="eip712kit-attestations/2"):
        attestations.parse('{"cases": {}, "implementations": {}}')


def test_stale_verdicts_are_not_stamped() -> None:
    fresh = attestations.verdict("pass", MAIL)
    record = attestations.merge(attestations.empty(), {
        "good": entry("a", {"core/mail": fresh}),
        "old": entry("b", {"core/mail": "pass 0xdeadbeefdeadbeef"}),
        "bad": entry("c", {"core/mail": attestations.verdict("differs", MAIL, "digest")}),
    })
    stamps, stale = attestations.stamps(record, MAIL)
    assert stamps == {"attested_by": ["good@1.0.0"]} and stale == ["old@1.0.0"]
    negative = attestations.merge(attestations.empty(), {
        "x": entry("a", {A_NEGATIVE["id"]: attestations.verdict("accepts", A_NEGATIVE)}),
        "y": entry("b", {A_NEGATIVE["id"]: attestations.verdict("refuses", A_NEGATIVE, "ignored on a negative")}),
    })
    assert attestations.stamps(negative, A_NEGATIVE)[0] == {"accepted_by": ["x@1.0.0"], "refused_by": ["y@1.0.0"]}
    assert negative["implementations"]["y"]["cases"][A_NEGATIVE["id"]].count(" ") == 1  # no note on a negative


def test_a_note_is_one_short_printable_line() -> None:
    text = attestations.verdict("refuses", MAIL, "boom\n\x1b[31mred\x1b[0m " + "x" * 500)
    status, _, note = attestations.parse_verdict(text)
    assert status == "refuses" and "\n" not in note and "\x1b" not in note and len(note) == attestations.NOTE_LIMIT


def test_check_reports_changed_verdicts_but_not_the_runtime() -> None:
    record = attestations.merge(attestations.empty(), {"a": entry("p", {"core/mail": "pass 0x1"})})
    same = {**entry("p", {"core/mail": "pass 0x1"}), "runtime": "x 2"}
    assert attestations.differences(record, {"a": same}) == []
    changed = attestations.differences(record, {"a": entry("p", {"core/mail": "differs 0x1"}, "1.1.0")})
    assert any("version" in line for line in changed) and any("core/mail" in line for line in changed)


class StandIn:
    """A target that answers every request with one fixed response (or fails)."""

    name = "stand-in"

    def __init__(self, response: dict[str, Any] | None):
        self.response = response
        self.sent: list[dict[str, Any]] = []

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        self.sent.append(request)
        if self.response is None:
            raise AdapterFailure("no answer within 1 s")
        return {"id": request["id"], **self.response}

    def close(self) -> None:
        pass


DECLARED = Declaration(name="x", ops=frozenset({"typed_data", "personal_sign"}),
                       unsupported=frozenset({"recursive-types", *A_NEGATIVE["features"]}), answered=True)
"""Declares a structural tag and every tag of A_NEGATIVE (only ``…-refusal`` ones): laxer than eip712kit."""


@pytest.mark.parametrize(("case", "response", "status"), [
    (MAIL, {"result": {"digest": MAIL["expected"]["digest"]}}, "pass"),
    (MAIL, {"result": {"digest": "0x" + "00" * 32}}, "differs"),
    (MAIL, {"result": {}}, "not-expressible"),
    (MAIL, {"error": {"code": "UNSUPPORTED", "message": "no"}}, "not-expressible"),
    (MAIL, {"error": {"code": "INVALID", "message": "no"}}, "refuses"),
    (MAIL, None, "refuses"),
    (A_NEGATIVE, {"result": {}}, "accepts"),  # its -refusal tags are declared, and it is probed anyway
    (A_NEGATIVE, {"error": {"code": "INVALID", "message": "no"}}, "refuses"),
], ids=["pass", "differs", "nothing", "unsupported", "refuses", "adapter-failure", "accepts", "refuses-negative"])
def test_the_judge(case: dict[str, Any], response: dict[str, Any] | None, status: str) -> None:
    target = StandIn(response)
    got, note = judge(case, KEYS, target, DECLARED)  # type: ignore[arg-type]
    assert got == status
    if status in ("differs", "refuses") and case.get("error") is None:
        assert note
    assert target.sent[0]["input"].get("private_key") == KEYS["dev0"]["private_key"] or case is A_NEGATIVE


def test_a_declared_structural_tag_is_not_sent() -> None:
    recursive = next(c for c in CORE.values() if "recursive-types" in c["features"] and "expected" in c)
    target = StandIn({"result": {}})
    assert judge(recursive, KEYS, target, DECLARED) == ("not-expressible", "")  # type: ignore[arg-type]
    assert target.sent == []


def test_a_sera_order_case_is_attested_as_its_order_document() -> None:
    doc = json.loads((ROOT / "vectors" / "sera_order.json").read_text(encoding="utf-8"))
    case = next(c for c in doc["cases"] if "expected" in c)
    request, expected = attestations.request_and_expected(case, doc["keys"])
    assert request["op"] == "typed_data" and request["input"]["typed_data"]["primaryType"] == "Order"
    assert set(expected or {}) == set(attestations.SERA_ORDER_FIELDS)


def test_the_exec_recorder_records_eth_account_into_a_copy(tmp_path: Path) -> None:
    copy = tmp_path / "attestations.json"
    copy.write_text((ROOT / "vectors" / "attestations.json").read_text(encoding="utf-8"), encoding="utf-8")
    before = attestations.load(copy)
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "attest_exec.py"), "--check", "--only",
                             "eth-account", "--file", str(copy)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "eth-account@" in result.stdout and "pass 269" in result.stdout
    assert attestations.load(copy) == before  # --check writes nothing


def test_an_adapter_whose_install_is_missing_is_skipped_by_name_only_when_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tools import attest_exec

    registry = tmp_path / "attesters.json"
    registry.write_text(json.dumps({"absent": {"exec": "no-such-adapter", "language": "Python", "api": "-",
                                               "needs": "tools/no-such-dir/.venv", "install": "run install.sh"}}))
    monkeypatch.setattr(attest_exec, "REGISTRY", registry)
    copy = tmp_path / "attestations.json"
    copy.write_text((ROOT / "vectors" / "attestations.json").read_text(encoding="utf-8"), encoding="utf-8")
    assert attest_exec.main(["--check", "--skip-missing", "--file", str(copy)]) == 0
    assert "SKIPPED absent: tools/no-such-dir/.venv is not installed (run install.sh)" in capsys.readouterr().out
    assert attest_exec.main(["--check", "--file", str(copy)]) == 2  # not asked: a usage error, naming the install
