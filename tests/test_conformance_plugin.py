"""Adoption paths: feature tags, the JUnit report against the common XSD, the pytest plugin from an empty
directory, and eip712kit.conformance.testing with an in-process signer (examples/test_in_process_signer.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
import xmlschema

from eip712kit import conformance
from eip712kit.conformance import features

ROOT = Path(__file__).resolve().parent.parent
ADAPTER = ROOT / "tools" / "adapters" / "eip712kit_adapter.py"
XSD = Path(__file__).resolve().parent / "junit-10.xsd"


def test_every_bundled_case_carries_its_derived_tags() -> None:
    for vf in conformance.load_vectors():
        for case in vf.cases:
            assert list(case.features) == features.case_features(case.kind, case.input, case.error), case.id
            assert all(features.is_known(tag) for tag in case.features), case.id


@pytest.mark.parametrize(("case_id", "tags"), [
    ("core/recursive-mutual", {"recursive-types", "non-root-primary", "derived-domain-type"}),
    ("core/domain-declared-noncanonical", {"declared-domain-order"}),
    ("core/primary-eip712domain", {"primary-eip712domain"}),
    ("core/unused-type", {"unused-types"}),
    ("core/array-3-dims", {"arrays-of-arrays", "fixed-arrays", "negative-ints"}),
    ("negative/struct-extra-field", {"extra-field-refusal"}),
    ("negative/uint-whitespace", {"invalid-int-refusal", "padded-number-refusal"}),
    ("uuid_int/executor-16", {"executor-id-out-of-range-refusal"}),
])
def test_tags_name_what_a_case_exercises(case_id: str, tags: set[str]) -> None:
    case = next(c for vf in conformance.load_vectors() for c in vf.cases if c.id == case_id)
    assert tags <= set(case.features)


def test_tags_tolerate_any_malformed_input() -> None:
    for inp in ({}, {"typed_data": []}, {"typed_data": {"types": 5, "primaryType": 3}},
                {"typed_data": {"types": {"A": [{"name": "a", "type": "A[0]"}, 7]}, "primaryType": "A",
                                "message": {"a": [[]]}, "domain": []}}):
        features.case_features("typed_data", inp, {"code": "INVALID_DOCUMENT", "path": "types.A[1]"})
    assert features.refusal_tag("EXTRA_FIELD") == "extra-field-refusal"


def test_every_tag_is_documented() -> None:
    text = (ROOT / "docs" / "vectors.md").read_text(encoding="utf-8")
    missing = [tag for tag in features.FEATURES if f"`{tag}`" not in text]
    assert not missing, missing


def test_junit_is_valid_against_the_common_xsd(tmp_path: Path) -> None:
    schema = xmlschema.XMLSchema(str(XSD))
    files = conformance.load_vectors()
    cases = conformance.select(files, ids=["core/mail", "core/recursive-*", "alura/text-hello", "uuid_int/seed-*"])

    class Mixed:
        """Passes uuid_int, fails alura, refuses nothing; declares recursive types unsupported."""

        name = "mixed"

        def __init__(self) -> None:
            self.library = conformance.LibraryTarget()

        def handle(self, request: dict[str, object]) -> dict[str, object]:
            if request["op"] == "hello":
                return {"id": "hello", "result": {"unsupported": ["recursive-types"]}}
            if request["op"] == "personal_sign":
                return {"id": request["id"], "result": {"digest": "0x00"}}
            return self.library.handle(request)

        def close(self) -> None:
            pass

    expected = conformance.ExpectedFailures.parse("core/mail  a known bug that is fixed (xpass)\n")
    report = conformance.run(cases, Mixed(), expected_failures=expected)
    counts = report.counts()
    assert counts["failed"] and counts["passed"] and counts[conformance.DECLARED] and counts["xpass"]
    xml = conformance.render_junit(report)
    schema.validate(ElementTree.fromstring(xml))
    root = ElementTree.fromstring(xml)
    assert root.get("skipped") is None
    statuses = {tc.get("name"): tc.get("status") for tc in root.iter("testcase")}
    assert statuses["core/recursive-tree"] == conformance.DECLARED and statuses["core/mail"] == "xpass"


def _pytest(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=env)


def test_the_pytest_plugin_runs_every_case_from_an_empty_directory(tmp_path: Path) -> None:
    result = _pytest(["--eip712kit-exec", f'"{sys.executable}" "{ADAPTER}"'], tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    total = sum(len(vf.cases) for vf in conformance.load_vectors())
    assert f"{total} passed" in result.stdout.splitlines()[-1]


def test_the_pytest_plugin_skips_by_declaration_and_names_failures(tmp_path: Path) -> None:
    adapter = tmp_path / "eth.py"
    adapter.write_text(f"import runpy; runpy.run_path({str(ROOT / 'tools/adapters/eth_account_adapter.py')!r}, "
                       "run_name='__main__')\n")
    result = _pytest(["--eip712kit-exec", f'"{sys.executable}" "{adapter}"', "--eip712kit-suite", "core",
                      "-rs", "-k", "recursive or mail"], tmp_path)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "skipped by declaration" in result.stdout and "non-root-primary" in result.stdout
    unusable = _pytest(["--eip712kit-exec", "no-such-adapter-here"], tmp_path)
    assert unusable.returncode == 4 and "cannot be used" in unusable.stderr


def test_the_in_process_example_runs_the_vectors(tmp_path: Path) -> None:
    # run in the checkout, so pyproject's addopts apply: one process (-n 0) is what a small suite wants
    result = _pytest([str(ROOT / "examples" / "test_in_process_signer.py"), "-k", "core", "-n", "0"], ROOT)
    assert result.returncode == 0, result.stdout[-2000:]
    assert " passed" in result.stdout and "skipped" in result.stdout


def test_the_compatibility_matrix_is_up_to_date() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "compat_matrix.py"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
