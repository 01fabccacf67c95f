"""Adoption paths: feature tags, the JUnit report against the common XSD, the pytest plugin from an empty
directory, and eip712kit.conformance.testing with an in-process signer (examples/test_in_process_signer.py)."""

from __future__ import annotations

import inspect
import json
import os
import re
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
    ("core/array-3-dims", {"arrays-of-arrays", "fixed-arrays", "negative-ints", "atomic-arrays"}),
    ("core/encode-type-order", {"array-only-structs", "struct-arrays"}),
    ("negative/struct-extra-field", {"extra-field-refusal"}),
    ("negative/uint-whitespace", {"invalid-int-refusal", "padded-number-refusal"}),
    ("uuid_int/executor-16", {"executor-id-out-of-range-refusal"}),
])
def test_tags_name_what_a_case_exercises(case_id: str, tags: set[str]) -> None:
    case = next(c for vf in conformance.load_vectors() for c in vf.cases if c.id == case_id)
    assert tags <= set(case.features)


def _doc(fields: dict[str, list[tuple[str, str]]]) -> dict[str, object]:
    types = {name: [{"name": n, "type": t} for n, t in fs] for name, fs in fields.items()}
    return {"typed_data": {"types": types, "primaryType": "Mail", "domain": {}, "message": {}}}


@pytest.mark.parametrize(("fields", "present", "absent"), [
    # the failure classes first honest runs of other libraries found (tools/others), each a tag an adapter can declare
    ({"Mail": [("ids", "uint256[]")]}, {"atomic-arrays"}, {"struct-arrays", "arrays-of-arrays"}),
    ({"Mail": [("grid", "uint8[][]")]}, {"atomic-arrays", "arrays-of-arrays"}, set()),
    ({"Mail": [("to", "Person[]")], "Person": [("name", "string")]}, {"struct-arrays", "array-only-structs"},
     {"atomic-arrays"}),
    ({"Mail": [("to", "Person[]"), ("from", "Person")], "Person": [("name", "string")]}, {"struct-arrays"},
     {"array-only-structs"}),
    ({"Mail": [("kids", "Mail[]")]}, {"recursive-types", "struct-arrays"}, {"array-only-structs"}),
    ({"Mail": [("a", "A"), ("b", "B")], "B": [("a", "A")], "A": [("x", "uint8")]}, {"shared-structs"}, set()),
    ({"Mail": [("from", "Person"), ("to", "Person")], "Person": [("name", "string")]}, {"nested-structs"},
     {"shared-structs"}),
])
def test_every_failure_class_of_the_trial_is_a_tag(fields: dict[str, list[tuple[str, str]]], present: set[str],
                                                   absent: set[str]) -> None:
    tags = set(features.case_features("typed_data", _doc(fields)))
    assert present <= tags and not absent & tags, tags


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
    result = _pytest(["--eip712kit-exec", f'"{sys.executable}" "{ADAPTER}"', "-o", "console_output_style=classic",
                      "--junitxml", "report.xml"], tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    files = conformance.load_vectors()
    total = sum(len(vf.cases) for vf in files)
    assert f"{total} passed" in result.stdout.splitlines()[-1]
    root = ElementTree.parse(tmp_path / "report.xml").getroot()
    classnames = {tc.get("classname") for tc in root.iter("testcase")}
    assert classnames == {f"eip712kit.{vf.suite}" for vf in files}  # one per suite, not one for all
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["adapter.name"] == "eip712kit" and props["vectors.format"] == conformance.FORMAT
    assert "eip712kit conformance: OK; eip712kit " in result.stdout


def test_the_pytest_plugin_counts_what_it_collected(tmp_path: Path) -> None:
    result = _pytest(["--eip712kit-exec", f'"{sys.executable}" "{ADAPTER}"', "--eip712kit-suite", "alura",
                      "--collect-only"], tmp_path)
    assert "26 tests collected" in result.stdout, result.stdout[-500:]
    verbose = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--eip712kit-exec",
                              f'"{sys.executable}" "{ADAPTER}"', "--eip712kit-suite", "alura"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=300)
    assert "collected 26 items" in verbose.stdout, verbose.stdout[:800]


def test_the_pytest_plugin_takes_the_commands_options_with_the_same_meaning(tmp_path: Path) -> None:
    helptext = " ".join(_pytest(["--help"], tmp_path).stdout.split())
    for option in conformance.RUN_OPTIONS:
        assert f"{option.pytest}" in helptext and " ".join(option.help.split()[:6]) in helptext, option.name
    eth = f'"{sys.executable}" "{ROOT / "tools" / "adapters" / "eth_account_adapter.py"}"'
    # every case skipped by declaration: the run has shown nothing, and fails as the command's does
    nothing = _pytest(["--eip712kit-exec", eth, "--eip712kit-suite", "uuid_int"], tmp_path)
    assert nothing.returncode == 1 and "no case passed" in nothing.stdout
    no_skips = _pytest(["--eip712kit-exec", eth, "--eip712kit-case", "uuid_int/seed-*",
                        "--eip712kit-case", "alura/text-*", "--eip712kit-no-skips"], tmp_path)
    assert no_skips.returncode == 1 and "--eip712kit-no-skips was given" in no_skips.stdout
    assert "passed" in no_skips.stdout.splitlines()[-1] and "failed" in no_skips.stdout.splitlines()[-1]
    lenient = _pytest(["--eip712kit-exec", f'"{sys.executable}" "{ADAPTER}"', "--eip712kit-case", "core/mail",
                       "--eip712kit-lenient", "--eip712kit-loose-codes", "--eip712kit-scrub-env", "SOME_TOKEN"],
                      tmp_path)
    assert lenient.returncode == 0, lenient.stdout[-1000:]


def test_the_pytest_plugin_writes_a_baseline(tmp_path: Path) -> None:
    flip = tmp_path / "flip.py"
    flip.write_text(f"""
import sys
sys.path.insert(0, {str(ADAPTER.parent)!r})
from eip712kit_adapter import answer
from eip712kit.conformance import LibraryTarget, wire_json
target = LibraryTarget()
for line in sys.stdin:
    response = answer(target, line)
    if "core/mail" in line and "digest" in response.get("result", {{}}):
        response["result"]["digest"] = "0x" + "00" * 32
    print(wire_json(response), flush=True)
""", encoding="utf-8")
    args = ["--eip712kit-exec", f'"{sys.executable}" "{flip}"', "--eip712kit-case", "core/mail*",
            "--eip712kit-case", "alura/text-*"]
    first = _pytest([*args, "--eip712kit-write-baseline", "known.txt"], tmp_path)
    assert first.returncode == 0 and "xfailed" in first.stdout.splitlines()[-1], first.stdout[-1500:]
    listed = [line.split()[0] for line in (tmp_path / "known.txt").read_text().splitlines() if line[:1] != "#"]
    assert "core/mail" in listed and all(case.startswith("core/mail") for case in listed)
    again = _pytest([*args, "--eip712kit-expect-failures", "known.txt"], tmp_path)
    assert again.returncode == 0 and again.stdout.splitlines()[-1].startswith(f"13 passed, {len(listed)} xfailed")


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


# --- a new adapter's first honest run -------------------------------------------------------------

STAND_IN = '''
"""A stand-in for "your library" in docs/vectors.md's Python skeleton, backed by eip712kit."""
from eip712kit import TypedData, __version__
from eip712kit.core.messages import hash_message as _hash_message
from eip712kit.core.signature import sign_digest


def hash_typed_data(doc):
    return TypedData(doc).digest()


def hash_message(data):
    return _hash_message(data)


def sign(digest, key):
    return sign_digest(digest, key).to_bytes()
'''


def _python_skeleton() -> str:
    text = (ROOT / "docs" / "vectors.md").read_text(encoding="utf-8")
    return text.split("```python\n#!/usr/bin/env python3\n", 1)[1].split("```", 1)[0]


def test_the_python_adapter_skeleton_of_the_docs_runs_green(tmp_path: Path) -> None:
    (tmp_path / "my_signer.py").write_text(STAND_IN, encoding="utf-8")
    (tmp_path / "my_adapter.py").write_text(_python_skeleton(), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "eip712kit", "conformance", "--exec",
                             f'"{sys.executable}" my_adapter.py', "--suite", "core", "--suite", "alura",
                             "--suite", "negative", "--json"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300)
    report = json.loads(result.stdout)
    assert result.returncode == 0, [c for c in report.get("cases", []) if c["status"] == "failed"][:3]
    assert report["adapter"]["name"] == "my-signer" and report["totals"]["passed"] == 236
    assert report["totals"][conformance.DECLARED] == 0  # typed_data and personal_sign: every case of these suites


def test_the_docs_say_what_the_runner_does() -> None:
    text = " ".join((ROOT / "docs" / "vectors.md").read_text(encoding="utf-8").split())
    restarts = inspect.signature(conformance.ExecTarget).parameters["max_restarts"].default
    assert f"restarted at most {restarts} times in a row: after the {restarts + 1}th consecutive failure" in text
    listed = text.split("`--json` prints `{", 1)[1].split("}`.", 1)[0]
    target = conformance.LibraryTarget()
    cases = conformance.select(conformance.load_vectors(), ids=["core/mail"])
    report = conformance.run(cases, target, expected_failures=conformance.ExpectedFailures())
    for key in conformance.render_json(report):
        assert re.search(rf"(^|[{{ ]){key}[?:,]", listed), key
    for option in conformance.RUN_OPTIONS:
        assert f"`{option.cli}" in text or option.name in ("vectors", "suite", "case", "timeout"), option.name
