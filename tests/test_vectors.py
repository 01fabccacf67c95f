"""The golden vectors themselves: well-formed, reproducible, independently confirmed, and covering what they claim.

These tests do not trust the generator: they re-read the committed files, validate them against the
published JSON Schema, recompute every typed-data and personal_sign value with eth-account (through
tests/reference.py), and regenerate the files to prove the generator is deterministic.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections import Counter
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from eip712kit import conformance
from eip712kit.base.hashing import keccak256
from eip712kit.base.parsers import MAX_SAFE_INTEGER
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.reference import eth_account_parts, eth_account_sign_text, eth_account_sign_typed
from tools import attestations

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "vectors"
FILES = sorted(p for p in VECTORS.glob("*.json") if p.name not in ("schema.json", "attestations.json"))
DOCS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in FILES}
SCHEMA = json.loads((VECTORS / "schema.json").read_text(encoding="utf-8"))
CASES = [(doc, case) for doc in DOCS.values() for case in doc["cases"]]
ETH_ACCOUNT_DIGEST_PREFIX = b"\x19\x01"


def cases_of(kind: str, positive: bool = True) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(d, c) for d, c in CASES if c["kind"] == kind and ("expected" in c) == positive]


def test_every_file_follows_the_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for name, doc in DOCS.items():
        errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(doc)]
        assert not errors, f"{name}: {errors[:5]}"


def test_the_schema_catches_a_broken_case() -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    doc = copy.deepcopy(DOCS["core.json"])
    doc["cases"][0]["expected"]["digest"] = "0x1234"  # not 32 bytes
    doc["cases"][1]["error"] = {"code": "NOT_A_CODE"}  # both expected and error, and an unknown code
    doc["cases"][2]["input"]["typed_data"]["message"] = {"n": 2**60}  # a number JavaScript would round
    messages = [e.message for e in validator.iter_errors(doc)]
    assert len(messages) >= 3


def test_files_load_with_the_runner_and_ids_are_unique() -> None:
    files = conformance.load_vectors(VECTORS)
    assert {vf.suite for vf in files} == {d["suite"] for d in DOCS.values()}
    ids = [c.id for vf in files for c in vf.cases]
    assert len(ids) == len(set(ids))
    assert all(c.id.startswith(c.suite + "/") for vf in files for c in vf.cases)


def test_several_hundred_cases_of_every_kind() -> None:
    kinds = Counter(c["kind"] for _, c in CASES)
    assert len(CASES) >= 400
    assert set(kinds) == set(conformance.KINDS)
    assert sum(1 for _, c in CASES if "error" in c) >= 100


def test_only_public_development_keys_appear() -> None:
    public = dict(DEV_KEYS)

    def secrets(value: Any) -> list[str]:
        if isinstance(value, dict):
            found = [v for k, v in value.items() if k == "private_key" and isinstance(v, str)]
            return found + [s for v in value.values() for s in secrets(v)]
        if isinstance(value, list):
            return [s for v in value for s in secrets(v)]
        return []

    for name, doc in DOCS.items():
        assert set(secrets(doc)) <= set(public), name
        for key in doc["keys"].values():
            assert public[key["private_key"]] == key["address"], name
            assert key["note"].startswith("PUBLIC development key")


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    """A fresh generation, in a new process with its own hash seed, is byte-identical to the committed files.

    The committed files were generated at another time, by another process: equality rules out a
    clock, a random draw or a set's order leaking into a vector (``gen_vectors.py --check`` in CI
    says the same from the command line).
    """
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_vectors.py"), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONHASHSEED": "random"})
    assert result.returncode == 0, result.stderr
    # The files are stamped with the eth-account version that checked them. Another installed version
    # still recomputes (and must agree with) every value; only its stamp may differ.
    committed_stamp = next(a for d in DOCS.values() for a in d["attested_by"] if a.startswith("eth-account@"))
    installed_stamp = f"eth-account@{version('eth-account')}"
    fresh_files = sorted(p.name for p in tmp_path.iterdir())
    assert fresh_files == sorted(p.name for p in VECTORS.glob("*.json") if p.name != "attestations.json")
    for name in fresh_files:
        fresh = (tmp_path / name).read_text(encoding="utf-8").replace(installed_stamp, committed_stamp)
        assert fresh == (VECTORS / name).read_text(encoding="utf-8"), f"vectors/{name} is out of date"


@pytest.mark.parametrize(("doc", "case"), cases_of("typed_data"), ids=[c["id"] for _, c in cases_of("typed_data")])
def test_typed_data_cases_agree_with_eth_account(doc: dict[str, Any], case: dict[str, Any]) -> None:
    """Recompute every positive typed-data case eth-account can express; the rest need two Node attestations."""
    td = case["input"]["typed_data"]
    exp = case["expected"]
    if "eth-account" not in " ".join(case.get("attested_by", [])):
        node = [a for a in case.get("attested_by", []) if not a.startswith("eth-account")]
        assert len(node) >= 2 or not (VECTORS / "attestations.json").exists(), case["id"]
        pytest.skip("eth-account cannot express this document (see the case description)")
    separator, struct_hash = eth_account_parts(td)
    assert "0x" + separator.hex() == exp["domainSeparator"]
    assert "0x" + struct_hash.hex() == exp["structHash"]
    assert "0x" + keccak256(ETH_ACCOUNT_DIGEST_PREFIX + separator + struct_hash).hex() == exp["digest"]
    if "key" in case["input"]:
        key = doc["keys"][case["input"]["key"]]
        assert eth_account_sign_typed(td, key["private_key"]) == exp["signature"]
        assert exp["signer"] == key["address"]


@pytest.mark.parametrize(("doc", "case"), cases_of("personal_sign"),
                         ids=[c["id"] for _, c in cases_of("personal_sign")])
def test_personal_sign_cases_agree_with_eth_account(doc: dict[str, Any], case: dict[str, Any]) -> None:
    inp, exp = case["input"], case["expected"]
    message: str | bytes = bytes.fromhex(inp["message"][2:]) if inp["encoding"] == "hex" else inp["message"]
    if "key" in inp:
        key = doc["keys"][inp["key"]]
        assert eth_account_sign_text(message, key["private_key"]) == exp["signature"]
        assert exp["signer"] == key["address"]
    raw = message if isinstance(message, bytes) else message.encode("utf-8")
    assert "0x" + keccak256(b"\x19Ethereum Signed Message:\n" + str(len(raw)).encode() + raw).hex() == exp["digest"]


def test_sera_orders_hash_as_eth_account_hashes_their_order() -> None:
    from eip712kit.protocols import sera

    for doc, case in cases_of("sera_order"):
        exp = case["expected"]
        td = {"types": sera.Order.types(), "primaryType": "Order", "domain": exp["domain"], "message": exp["order"]}
        separator, struct_hash = eth_account_parts(td)
        assert ("0x" + separator.hex(), "0x" + struct_hash.hex()) == (exp["domainSeparator"], exp["structHash"])
        assert eth_account_sign_typed(td, doc["keys"][case["input"]["key"]]["private_key"]) == exp["signature"]


def test_the_documents_own_examples_hold() -> None:
    by_id = {c["id"]: c for _, c in CASES}
    # EIP-712's published Mail digest
    assert by_id["core/mail"]["expected"]["digest"] == (
        "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2")
    # Sera's uuid_int example
    assert by_id["uuid_int/seed-example"]["input"] == {
        "operation": "pack", "order_id": "00000000-0000-4000-8000-000000000001", "executor_id": 0}
    assert by_id["uuid_int/seed-example"]["expected"]["uuid_int"] == (
        "6427948336465191935941739505432058208337171677044006212075520")
    # Sera's bid example: 1000.0 EURC at 1.085 USDC, 6 decimals each
    order = by_id["sera_order/seed-bid"]["expected"]["order"]
    assert (order["fromAmount"], order["toAmount"]) == (1085000000, 1000000000)


def test_big_integers_travel_as_strings() -> None:
    """JavaScript reads JSON numbers as doubles: nothing beyond MAX_SAFE_INTEGER may be a number in a positive case."""
    def walk(value: Any, where: str) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, int):
            assert abs(value) <= MAX_SAFE_INTEGER, where
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]")
        elif isinstance(value, dict):
            for k, item in value.items():
                walk(item, f"{where}.{k}")

    for _, case in CASES:
        walk(case["input"], case["id"] + ".input")
        walk(case.get("expected"), case["id"] + ".expected")


def test_coverage_of_every_protocol_struct_and_domain() -> None:
    from eip712kit.protocols import renance, sera

    primary = Counter(c["input"]["typed_data"]["primaryType"] for _, c in cases_of("typed_data"))
    for struct in (*sera.STRUCTS, *renance.STRUCTS):
        assert primary[struct.primary_type] >= 4, struct.primary_type
    domains = {json.dumps(c["input"]["typed_data"]["domain"], sort_keys=True) for _, c in cases_of("typed_data")}
    assert json.dumps(sera.DOMAIN.to_dict(), sort_keys=True) in domains
    assert json.dumps(renance.DOMAIN.to_dict(), sort_keys=True) in domains
    assert sum(1 for d in domains if '"Sera"' in d) >= 2  # the default and at least one from /config


def test_negative_cases_name_their_refusal() -> None:
    from eip712kit.base.errors import CODES

    negatives = [c for _, c in CASES if "error" in c]
    assert {c["error"]["code"] for c in negatives} <= set(CODES)
    for must in ("EXECUTOR_ID_OUT_OF_RANGE", "TOO_MANY_LEGS", "UUID_INT_OUT_OF_RANGE", "UUID_INVALID",
                 "UUID_MISMATCH", "AMOUNT_PRECISION", "INVALID_SIDE", "INVALID_AMOUNT", "EXPIRATION_PAST",
                 "EXPIRATION_TOO_FAR", "EXPIRATION_MISSING", "TIMESTAMP_OUT_OF_WINDOW", "BAD_CHECKSUM"):
        assert any(c["error"]["code"] == must for c in negatives), must


@pytest.mark.skipif(not (VECTORS / "attestations.json").exists(), reason="no attestation recorded")
def test_attestation_record_matches_the_vectors() -> None:
    """Every probed case has a verdict of every recorded implementation, recorded on the case as it is now."""
    record = attestations.load(VECTORS / "attestations.json")
    assert (VECTORS / "attestations.json").read_text(encoding="utf-8") == attestations.dump(record)  # canonical
    surveyed = {f"{n}@{e['version']}" for n, e in record["implementations"].items()
                if e.get("role") == attestations.SURVEYED}
    assert len(surveyed) >= 4  # the libraries of tools/others: published in the matrix, never stamped
    for _, case in CASES:
        if not attestations.probed(case):
            continue
        fresh, stale = attestations.case_verdicts(record, case)
        assert not stale, f"{case['id']}: stale verdicts of {stale}: record them again (docs/vectors.md)"
        assert len(fresh) == len(record["implementations"]), f"{case['id']} lacks a verdict"
        if "expected" in case:
            # eth-account is recomputed above; the EVM hashes eip712kit's own encodeType strings
            independent = [a for a in case.get("attested_by", []) if not a.startswith(("eth-account@", "evm@"))]
            assert len(independent) >= 2, case["id"]  # ethers cannot express some documents; viem and eth-sig-util can
        else:
            assert len([v for v in fresh.values() if v in ("accepts", "refuses")]) >= 2, case["id"]
            stamped = set(case.get("accepted_by", [])) | set(case.get("refused_by", []))
            judged = {s for s, v in fresh.items() if v in ("accepts", "refuses")}
            assert judged - surveyed <= stamped, case["id"]  # every attester's verdict ...
            assert not stamped & surveyed, case["id"]  # ... and no surveyed library's
