"""The conformance runner: the library passes its own vectors, adapters pass through --exec, and a broken
signer is told exactly which field is wrong.

Adapters used here: tools/adapters/eip712kit_adapter.py (eip712kit behind the JSON-lines protocol),
tools/adapters/eth_account_adapter.py (eth-account: another signer), tools/node/signer-adapter.mjs
(ethers, when node and its node_modules are present), and small misbehaving scripts written per test.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from eip712kit import conformance
from tests.helpers import cli_runner

ROOT = Path(__file__).resolve().parent.parent
ADAPTERS = ROOT / "tools" / "adapters"
NODE_ADAPTER = ROOT / "tools" / "node" / "signer-adapter.mjs"
PY = sys.executable


def invoke(*args: str) -> Any:
    return cli_runner.invoke("conformance", *args)


def script(tmp_path: Path, name: str, body: str) -> str:
    """Write a small adapter script and return the command line that runs it."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return f'"{PY}" "{path}"'


# --- the library against its own vectors ----------------------------------------------------------


def test_the_library_passes_every_bundled_vector() -> None:
    files = conformance.load_vectors()
    cases = conformance.select(files)
    report = conformance.run(cases, conformance.LibraryTarget())
    assert report.counts() == {**dict.fromkeys(conformance.STATUSES, 0), "passed": len(cases)}
    assert len(cases) >= 400


def test_no_arguments_prints_a_summary_per_suite_and_exits_0() -> None:
    result = invoke()
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    suites = {vf.suite for vf in conformance.load_vectors()}
    for suite in suites:
        assert any(line.split()[:1] == [suite] and line.split()[2:4] == ["0", "0"] for line in lines), suite
    assert lines[-1].startswith("OK: ")


def test_json_report(tmp_path: Path) -> None:
    result = invoke("--suite", "uuid_int", "--json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["ok"] is True and report["verdict"] is None
    assert report["suites"] == {"uuid_int": report["totals"]}
    assert {c["status"] for c in report["cases"]} == {"passed"}
    assert all(c["id"].startswith("uuid_int/") for c in report["cases"])


def test_junit_report(tmp_path: Path) -> None:
    junit = tmp_path / "report.xml"
    result = invoke("--suite", "alura", "--suite", "time_window", "--junit", str(junit))
    assert result.exit_code == 0
    root = ElementTree.parse(junit).getroot()
    assert root.tag == "testsuites"
    assert sorted(s.get("name") for s in root) == ["alura", "time_window"]
    total = sum(int(s.get("tests", "0")) for s in root)
    assert total == int(root.get("tests", "-1")) == len(root.findall(".//testcase"))
    assert root.findall(".//failure") == []


def test_selection_by_case_glob_and_listing() -> None:
    result = invoke("--case", "sera/Order-*", "--json")
    ids = [c["id"] for c in json.loads(result.output)["cases"]]
    assert ids and all(i.startswith("sera/Order-") for i in ids)
    listing = invoke("--list")
    assert listing.exit_code == 0 and "negative" in listing.output and "total" in listing.output


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    assert invoke("--suite", "nope").exit_code == 2
    assert invoke("--case", "nothing/*").exit_code == 2
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format": "eip712kit-vectors/1", "suite": "x", "keys": {}, "cases": [
        {"id": "x/a", "kind": "typed_data", "input": {}, "expected": {}, "error": {"code": "INVALID_INT"}}]}))
    result = invoke("--vectors", str(broken))
    assert result.exit_code == 2
    assert "needs exactly one of expected and error [VECTOR_INVALID]" in result.output


def test_vector_files_are_checked_on_load() -> None:
    base = {"format": "eip712kit-vectors/1", "suite": "s", "keys": {}, "cases": []}
    ok_case = {"id": "s/a", "kind": "personal_sign", "input": {"message": "x"}, "expected": {"digest": "0x00"}}
    bad_docs = {
        "format": {**base, "format": "eip712kit-vectors/2"},
        "cases[1].id": {**base, "cases": [ok_case, ok_case]},
        "cases[0].input.key": {**base, "cases": [{**ok_case, "input": {"message": "x", "key": "nokey"}}]},
        "cases[0].input.n": {**base, "cases": [{**ok_case, "input": {"n": 2**60}}]},
    }
    for where, doc in bad_docs.items():
        with pytest.raises(conformance.VectorError) as info:
            conformance.parse_vector_file(doc)
        assert info.value.path == where
        assert info.value.code == "VECTOR_INVALID"


# --- scoring ------------------------------------------------------------------------------------


def case(**kw: Any) -> conformance.Case:
    fields: dict[str, Any] = {"id": "s/c", "suite": "s", "kind": "typed_data", "input": {}, "expected": None,
                              "error": None}
    fields.update(kw)
    return conformance.Case(**fields)


def test_score_compares_hex_without_case_and_integers_by_value() -> None:
    c = case(kind="sera_order", expected={"digest": "0xABCD", "order": {"fromAmount": "1085000000", "uuid": 7}})
    assert conformance.score(c, {"result": {"digest": "0xabcd", "order": {"fromAmount": 1085000000,
                                                                            "uuid": "7"}}}).status == "passed"
    bad = conformance.score(c, {"result": {"digest": "0xabcd", "order": {"fromAmount": 1085000001, "uuid": 7}}})
    assert bad.status == "failed"
    assert [(p.field, p.expected, p.got) for p in bad.problems] == [("order.fromAmount", "1085000000", 1085000001)]


def test_score_lists_unreported_fields_and_needs_at_least_one() -> None:
    c = case(expected={"digest": "0x01", "signature": "0x02"})
    partial = conformance.score(c, {"result": {"digest": "0x01"}})
    assert partial.status == "passed" and partial.unreported == ["signature"]
    nothing = conformance.score(c, {"result": {"structHash": "0x03"}})
    assert nothing.status == "failed" and "none of the expected fields" in nothing.problems[0].message


def test_a_result_field_no_case_can_expect_is_refused_not_ignored() -> None:
    # a misspelt field would otherwise just turn its check off: digest passes, encodeTypes is never compared
    c = case(expected={"digest": "0x01", "encodeType": {"Mail": "Mail()"}})
    typo = conformance.score(c, {"result": {"digest": "0x01", "encodeTypes": {"Mail": "Mail(string x)"}}})
    assert typo.status == "failed"
    assert typo.problems[0].message == (
        "'encodeTypes' is no field of a typed_data result (a misspelt field would turn its check off); the fields "
        "are encodeType, typeHash, domainSeparator, structHash, digest, signature, signer")


def test_score_of_refusals() -> None:
    negative = case(error={"code": "BAD_CHECKSUM", "path": "message.value"}, accepted_by=("ethers@6.17.0",))
    strict, loose = conformance.Policy(), conformance.Policy(loose_codes=True)
    assert conformance.score(negative, {"error": {"code": "BAD_CHECKSUM"}}).status == "passed"
    assert conformance.score(negative, {"error": {"code": "BAD_CHECKSUM", "path": "message.value"}}).status == "passed"
    wrong_path = conformance.score(negative, {"error": {"code": "BAD_CHECKSUM", "path": "domain"}})
    assert [p.field for p in wrong_path.problems] == ["error.path"]
    wrong_code = conformance.score(negative, {"error": {"code": "INVALID", "message": "ethers: bad address"}}, strict)
    assert wrong_code.status == "failed" and wrong_code.problems[0].describe().startswith("error.code: expected")
    assert conformance.score(negative, {"error": {"code": "INVALID"}}, loose).status == "passed"
    accepted = conformance.score(negative, {"result": {"digest": "0x01"}})
    assert accepted.status == "failed" and "must be refused with BAD_CHECKSUM" in accepted.problems[0].message
    forgiven = conformance.score(negative, {"result": {"digest": "0x01"}}, conformance.Policy(lenient=True))
    assert forgiven.status == "skipped" and "ethers@6.17.0" in forgiven.reason
    nobody_accepts = case(error={"code": "BAD_CHECKSUM"})
    assert conformance.score(nobody_accepts, {"result": {}}, conformance.Policy(lenient=True)).status == "failed"
    unsupported = conformance.score(negative, {"error": {"code": "UNSUPPORTED", "message": "no bytes4"}})
    assert unsupported.status == "skipped"
    refused_valid = conformance.score(case(expected={"digest": "0x01"}), {"error": {"code": "INVALID_INT"}})
    assert refused_valid.status == "failed" and "refused a valid input" in refused_valid.problems[0].message


def test_requests_carry_the_private_key_not_its_name() -> None:
    c = case(input={"message": "hi", "encoding": "utf8", "key": "dev0"}, kind="personal_sign", expected={})
    keys = {"dev0": {"private_key": "0x" + "11" * 32, "address": "0x" + "22" * 20}}
    assert conformance.request_for(c, keys) == {
        "id": "s/c", "op": "personal_sign",
        "input": {"message": "hi", "encoding": "utf8", "private_key": "0x" + "11" * 32}}


def test_lone_surrogates_travel_as_escapes() -> None:
    line = conformance.wire_json({"s": "a\ud800b"})
    line.encode("utf-8")  # would raise on a raw surrogate
    assert json.loads(line) == {"s": "a\ud800b"}


# --- adapters through --exec --------------------------------------------------------------------


def test_the_eip712kit_adapter_passes_every_case_with_no_flag() -> None:
    result = invoke("--exec", f'"{PY}" "{ADAPTERS / "eip712kit_adapter.py"}"', "--json")
    report = json.loads(result.output)
    assert result.exit_code == 0, [c for c in report["cases"] if c["status"] != "passed"][:3]
    assert report["totals"]["failed"] == report["totals"]["skipped"] == report["totals"][conformance.DECLARED] == 0
    assert report["handshake"]["name"] == "eip712kit" and report["handshake"]["unsupported"] == []


def test_the_eth_account_adapter_passes_with_no_flag_by_declaring_its_limits() -> None:
    command_line = f'"{PY}" "{ADAPTERS / "eth_account_adapter.py"}"'
    result = invoke("--exec", command_line, "--json")
    report = json.loads(result.output)
    assert result.exit_code == 0, [c for c in report["cases"] if c["status"] == "failed"][:3]
    assert report["handshake"]["error_codes"] == "generic" and report["policy"]["loose_codes"] is True
    assert report["suites"]["core"]["passed"] >= 120
    uuid_cases = sum(1 for vf in conformance.load_vectors() for case in vf.cases if case.suite == "uuid_int")
    assert report["suites"]["uuid_int"][conformance.DECLARED] == uuid_cases  # not eth-account's op: never passed
    reasons = {c["id"]: c.get("reason", "") for c in report["cases"]}
    assert "primary-eip712domain" in reasons["core/primary-eip712domain"]
    # The same adapter with its declaration ignored: its limits show up as failures.
    files = conformance.load_vectors()
    with conformance.ExecTarget(command_line) as target:
        blind = conformance.run(conformance.select(files, ["negative"]), target,
                                declaration=conformance.NOTHING_DECLARED)
    assert blind.counts()["failed"] > 0


@pytest.mark.skipif(shutil.which("node") is None or not (ROOT / "tools/node/node_modules").is_dir(),
                    reason="node or tools/node/node_modules is missing (cd tools/node && npm ci)")
def test_the_ethers_adapter_passes_with_no_flag() -> None:
    result = invoke("--exec", f'node "{NODE_ADAPTER}"', "--json")
    report = json.loads(result.output)
    assert result.exit_code == 0, [c for c in report["cases"] if c["status"] == "failed"][:3]
    for suite in ("core", "sera", "renance", "alura"):
        assert report["suites"][suite]["failed"] == 0 and report["suites"][suite]["passed"] > 0
    declared = {c["id"]: c["reason"] for c in report["cases"] if c["status"] == conformance.DECLARED}
    assert "recursive-types" in declared["core/recursive-tree"]
    assert report["handshake"]["name"] == "ethers"


FLIP_DIGEST = """
import sys
sys.path.insert(0, {adapters!r})
from eip712kit_adapter import answer
from eip712kit.conformance import LibraryTarget, wire_json

target = LibraryTarget()
for line in sys.stdin:
    response = answer(target, line)
    digest = response.get("result", {{}}).get("digest")
    if digest:  # one flipped byte: the classic "almost the right hash"
        response["result"]["digest"] = digest[:-2] + "{{:02x}}".format(int(digest[-2:], 16) ^ 0xFF)
    print(wire_json(response), flush=True)
"""


def test_a_broken_adapter_fails_with_a_readable_diff(tmp_path: Path) -> None:
    command_line = script(tmp_path, "flip.py", FLIP_DIGEST.format(adapters=str(ADAPTERS)))
    result = invoke("--exec", command_line, "--case", "core/mail")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    at = lines.index("FAIL core/mail [typed_data] The EIP-712 specification's Mail example; its digest is the "
                     "published one.")
    expected = "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"
    assert lines[at + 1].strip() == f"digest: expected {expected}"
    assert lines[at + 2].strip() == f"got {expected[:-2]}2d"
    assert not any("signature" in line for line in lines)  # only the field that differs is reported
    assert lines[-1].startswith("FAILED: 0 passed, 1 failed")


GREET_THEN = """
import json, sys
hello = json.loads(sys.stdin.readline())
print(json.dumps({{"id": hello["id"], "error": {{"code": "UNSUPPORTED", "message": "no handshake"}}}}), flush=True)
{body}
"""


def test_a_hung_adapter_fails_each_case_clearly_and_is_restarted(tmp_path: Path) -> None:
    hang = script(tmp_path, "hang.py", GREET_THEN.format(body="sys.stdin.readline()\nimport time\ntime.sleep(60)"))
    files = conformance.load_vectors()
    cases = conformance.select(files, ids=["alura/text-hello", "alura/text-empty"])
    with conformance.ExecTarget(hang, timeout=0.5) as target:
        report = conformance.run(cases, target)
        restarts = target.restarts
    assert [o.status for o in report.outcomes] == ["failed", "failed"]
    assert all("no response within 0.5 s" in o.problems[0].message for o in report.outcomes)
    assert restarts == 1  # stopped after the first case, started (and greeted) again for the second


def test_a_crashing_adapter_is_reported_with_its_stderr(tmp_path: Path) -> None:
    crash = script(tmp_path, "crash.py", GREET_THEN.format(
        body='sys.stdin.readline()\nsys.stderr.write("adapter: out of cheese\\n")\nsys.exit(3)'))
    report = json.loads(invoke("--exec", crash, "--case", "alura/text-*", "--json").output)
    messages = [c["problems"][0]["message"] for c in report["cases"]]
    assert "exit status 3" in messages[0] and "out of cheese" in messages[0]
    # After max_restarts consecutive failures the adapter is not started again.
    assert "not restarting it again" in messages[-1]


VIOLATIONS = [
    ('for line in sys.stdin:\n    print("hello", flush=True)\n', "not JSON"),
    ('for line in sys.stdin:\n    print(\'{"id": "other", "result": {}}\', flush=True)\n', "answered id 'other'"),
    ('for line in sys.stdin:\n    print("[1]", flush=True)\n', "not an object"),
]


@pytest.mark.parametrize(("body", "message"), VIOLATIONS)
def test_protocol_violations_fail_the_case(tmp_path: Path, body: str, message: str) -> None:
    adapter = script(tmp_path, "bad.py", GREET_THEN.format(body=body))
    report = json.loads(invoke("--exec", adapter, "--case", "alura/text-hello", "--json").output)
    assert report["cases"][0]["status"] == "failed"
    assert message in report["cases"][0]["problems"][0]["message"]


@pytest.mark.parametrize(("body", "message"), VIOLATIONS)
def test_protocol_violations_at_the_handshake_are_bad_usage(tmp_path: Path, body: str, message: str) -> None:
    result = invoke("--exec", script(tmp_path, "bad.py", "import sys\n" + body), "--case", "alura/text-hello")
    assert result.exit_code == 2
    assert "at the handshake, before any case" in result.output and message in result.output


def test_a_missing_adapter_is_bad_usage_in_one_sentence(tmp_path: Path) -> None:
    result = invoke("--exec", "no-such-adapter-command --flag")
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "no such command" in lines[0]
    missing = invoke("--exec", f'"{PY}" -c "import no_such_module_here"')
    assert missing.exit_code == 2 and "a package is missing" in missing.output


def test_declared_tags_and_ops_are_skipped_never_sent(tmp_path: Path) -> None:
    log = tmp_path / "seen.txt"
    adapter = script(tmp_path, "declares.py", f"""
        import json, sys
        sys.path.insert(0, {str(ADAPTERS)!r})
        from eip712kit_adapter import answer
        from eip712kit.conformance import LibraryTarget, wire_json
        target = LibraryTarget()
        seen = open({str(log)!r}, "w")
        for line in sys.stdin:
            request = json.loads(line)
            seen.write(request["id"] + "\\n"); seen.flush()
            if request["op"] == "hello":
                assert request["input"]["protocol"] == "eip712kit-exec/2"
                reply = {{"id": "hello", "result": {{"name": "t", "version": "1", "ops": ["typed_data"],
                         "unsupported": ["recursive-types"], "error_codes": "eip712kit"}}}}
            else:
                reply = answer(target, line)
            print(wire_json(reply), flush=True)
    """)
    result = invoke("--exec", adapter, "--case", "core/recursive-*", "--case", "core/mail", "--case",
                    "alura/text-hello", "--json")
    report = json.loads(result.output)
    assert result.exit_code == 0
    status = {c["id"]: c["status"] for c in report["cases"]}
    assert status["core/mail"] == "passed" and status["core/recursive-tree"] == conformance.DECLARED
    assert status["alura/text-hello"] == conformance.DECLARED
    assert log.read_text().split() == ["hello", "core/mail"]
    text = invoke("--exec", adapter, "--case", "core/recursive-*", "--case", "core/mail", "-v").output
    assert "DECL core/recursive-tree [typed_data] the target declares unsupported: recursive-types" in text
    assert "skipped by declaration" in text.splitlines()[-1]


def test_expected_failures_are_xfail_and_a_passing_one_fails_the_run(tmp_path: Path) -> None:
    command_line = script(tmp_path, "flip.py", FLIP_DIGEST.format(adapters=str(ADAPTERS)))
    known = tmp_path / "known.txt"
    known.write_text("# known bugs\ncore/mail*   digest off by one byte (issue 1)\nalura/text-hello  not a bug\n")
    result = invoke("--exec", command_line, "--case", "core/mail*", "--case", "uuid_int/seed-example",
                    "--expect-failures", str(known), "--json")
    report = json.loads(result.output)
    assert result.exit_code == 0, report["totals"]
    assert report["totals"]["passed"] == 1 and report["totals"]["xfail"] >= 4 and report["totals"]["failed"] == 0
    assert report["expected_failures"]["unused"] == ["alura/text-hello"]
    passing = invoke("--exec", f'"{PY}" "{ADAPTERS / "eip712kit_adapter.py"}"', "--case", "core/mail",
                     "--expect-failures", str(known))
    assert passing.exit_code == 1 and "XPASS core/mail" in passing.output
    no_reason = tmp_path / "bad.txt"
    no_reason.write_text("core/mail\n")
    assert invoke("--case", "core/mail", "--expect-failures", str(no_reason)).exit_code == 2


def test_the_adapter_never_sees_key_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dump = tmp_path / "env.json"
    spy = script(tmp_path, "spy.py", f"""
        import json, os, sys
        json.dump(dict(os.environ), open({str(dump)!r}, "w"))
        for line in sys.stdin:
            request = json.loads(line)
            print(json.dumps({{"id": request["id"], "error": {{"code": "UNSUPPORTED", "message": "spy"}}}}), flush=True)
    """)
    secrets = {"EIP712KIT_PRIVATE_KEY": "0x" + "11" * 32, "EIP712KIT_MNEMONIC": "test test junk",
               "EIP712KIT_KEYSTORE_PASSWORD": "pw", "BOT_PRIVATE_KEY": "0x22", "my_wallet_mnemonic": "m",
               "DEPLOYER_PASSPHRASE": "p", "CUSTOM_SIGNER_SECRET": "s"}
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HARMLESS_SETTING", "kept")
    refused = invoke("--exec", spy, "--case", "alura/text-hello", "--scrub-env", "CUSTOM_SIGNER_SECRET")
    assert refused.exit_code == 2 and not dump.exists()  # the runner's own environment holds them
    invoke("--exec", spy, "--case", "alura/text-hello", "--scrub-env", "CUSTOM_SIGNER_SECRET",
           "--expose-env-keys-to-adapter")
    seen = json.loads(dump.read_text())
    assert not set(secrets) & set(seen), set(secrets) & set(seen)
    assert not any(value in seen.values() for value in secrets.values())
    assert seen["HARMLESS_SETTING"] == "kept" and seen.get("PATH") == os.environ["PATH"]


def test_an_adapter_that_supports_nothing_does_not_pass(tmp_path: Path) -> None:
    nothing = script(tmp_path, "nothing.py", """
        import json, sys
        for line in sys.stdin:
            request = json.loads(line)
            print(json.dumps({"id": request["id"], "error": {"code": "UNSUPPORTED", "message": "no"}}), flush=True)
    """)
    result = invoke("--exec", nothing, "--suite", "alura")
    assert result.exit_code == 1
    assert "no case passed" in result.output
    some = invoke("--exec", f'"{PY}" "{ADAPTERS / "eth_account_adapter.py"}"', "--suite", "alura", "--suite",
                  "uuid_int", "--no-skips")  # uuid_int: skipped by declaration, which --no-skips counts
    assert some.exit_code == 1 and "skipped and --no-skips" in some.output


def test_junit_names_the_failing_field(tmp_path: Path) -> None:
    junit = tmp_path / "broken.xml"
    command_line = script(tmp_path, "flip.py", FLIP_DIGEST.format(adapters=str(ADAPTERS)))
    invoke("--exec", command_line, "--case", "core/mail*", "--junit", str(junit))
    failures = ElementTree.parse(junit).getroot().findall(".//failure")
    assert failures and all(f.get("message", "").startswith("digest: expected") for f in failures)


def test_bundled_vectors_are_the_repository_vectors() -> None:
    bundled = conformance.bundled_vectors()
    names = sorted(p.name for p in bundled.glob("*.json"))
    assert names == sorted(p.name for p in (ROOT / "vectors").glob("*.json"))
    for name in names:
        assert (bundled / name).read_bytes() == (ROOT / "vectors" / name).read_bytes()


HELLO_THEN_LIBRARY = """
import json, sys
sys.path.insert(0, {adapters!r})
from eip712kit_adapter import answer
from eip712kit.conformance import LibraryTarget, wire_json
target = LibraryTarget()
for line in sys.stdin:
    if json.loads(line)["op"] == "hello":
        print(json.dumps({{"id": "hello", "result": {hello}}}), flush=True)
    else:
        print(wire_json(answer(target, line)), flush=True)
"""


@pytest.mark.parametrize(("hello", "sentence"), [
    ({"unsupported": ["recursive-type"]},
     "names the unsupported feature tag 'recursive-type' (did you mean 'recursive-types'?), which is not known; "
     "the feature tags are derived-domain-type, "),
    ({"unsupported": ["extra-fields-refusal"]}, "(did you mean 'extra-field-refusal'?)"),
    ({"unsuported": ["recursive-types"]}, "names the result field 'unsuported' (did you mean 'unsupported'?), "
                                          "which is not known; a handshake result has only name, version, ops, "
                                          "unsupported, error_codes"),
    ({"ops": ["typed-data"]}, "names the op 'typed-data' (did you mean 'typed_data'?), which is not known; the ops "
                              "are typed_data, personal_sign, uuid_int, sera_order, time_window"),
])
def test_a_misspelt_handshake_is_refused_in_one_sentence(tmp_path: Path, hello: dict[str, Any],
                                                         sentence: str) -> None:
    adapter = script(tmp_path, "typo.py", HELLO_THEN_LIBRARY.format(adapters=str(ADAPTERS), hello=repr(hello)))
    result = invoke("--exec", adapter, "--case", "core/mail")
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and sentence in lines[0], lines


def test_a_tag_the_vectors_carry_is_known_even_when_this_runner_does_not_define_it(tmp_path: Path) -> None:
    doc = json.loads((ROOT / "vectors" / "core.json").read_text(encoding="utf-8"))
    doc["cases"] = [dict(c, features=[*c["features"], "future-tag"]) for c in doc["cases"] if c["id"] == "core/mail"]
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(doc), encoding="utf-8")
    adapter = script(tmp_path, "future.py", HELLO_THEN_LIBRARY.format(
        adapters=str(ADAPTERS), hello=repr({"unsupported": ["future-tag"]})))
    result = invoke("--exec", adapter, "--vectors", str(newer), "--json")
    assert json.loads(result.output)["cases"][0]["status"] == conformance.DECLARED


def test_a_run_that_skips_everything_says_failed_once_and_never_ok(tmp_path: Path) -> None:
    result = invoke("--exec", f'"{PY}" "{ADAPTERS / "eth_account_adapter.py"}"', "--suite", "uuid_int")
    assert result.exit_code == 1
    last = result.output.splitlines()[-1]
    assert last.startswith("FAILED: 0 passed, 0 failed, 0 skipped, 57 skipped by declaration in ")
    assert "no case passed: every selected case was skipped" in last
    assert "OK" not in result.output.split() and result.output.count("FAILED") == 1


def test_reports_name_the_adapter_and_the_vectors(tmp_path: Path) -> None:
    junit = tmp_path / "eth.xml"
    result = invoke("--exec", f'"{PY}" "{ADAPTERS / "eth_account_adapter.py"}"', "--case", "core/mail", "--json",
                    "--junit", str(junit))
    report = json.loads(result.output)
    import eth_account

    assert report["adapter"]["name"] == "eth-account" and report["adapter"]["version"] == eth_account.__version__
    files = {vf.suite: vf for vf in conformance.load_vectors()}
    assert report["vectors"]["format"] == conformance.FORMAT and report["vectors"]["eip712kit"]
    assert report["vectors"]["files"] == {"core": hashlib.sha256((ROOT / "vectors" / "core.json").read_bytes())
                                          .hexdigest()} == {"core": files["core"].sha256}
    root = ElementTree.parse(junit).getroot()
    assert root.get("name") == f"eip712kit conformance: eth-account {eth_account.__version__}"
    props = {p.get("name"): p.get("value") for p in root.find("testsuite/properties") or []}
    assert props["adapter.name"] == "eth-account" and props["vectors.sha256"] == report["vectors"]["sha256"]
    other = invoke("--exec", f'"{PY}" "{ADAPTERS / "eth_account_adapter.py"}"', "--case", "core/mail*", "--json")
    assert json.loads(other.output)["vectors"]["sha256"] == report["vectors"]["sha256"]  # the same files


def test_write_baseline_then_ci_fails_only_on_a_change(tmp_path: Path) -> None:
    flip = script(tmp_path, "flip.py", FLIP_DIGEST.format(adapters=str(ADAPTERS)))
    cases = ["--case", "core/mail*", "--case", "alura/text-*", "--case", "uuid_int/seed-example"]  # uuid_int passes
    known = tmp_path / "known.txt"
    first = invoke("--exec", flip, *cases, "--write-baseline", str(known))
    assert first.exit_code == 0 and "XFAIL" not in first.output and "FAIL core" not in first.output
    lines = [line for line in known.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    flipped = [line.split()[0] for line in lines]
    assert "core/mail" in flipped and all(c.startswith(("core/mail", "alura/text-")) for c in flipped)
    mail = next(line for line in lines if line.startswith("core/mail "))
    assert mail.startswith("core/mail  baseline: digest: expected 0xbe609aee"), mail
    assert ", got 0xbe609aee" in mail and "eip712kit " in known.read_text().splitlines()[0]
    again = invoke("--exec", flip, *cases, "--expect-failures", str(known))
    assert again.exit_code == 0 and "0 failed" in again.output.splitlines()[-1]
    # the signer is fixed: every baselined case now passes, and CI says so (strict xpass)
    fixed = invoke("--exec", f'"{PY}" "{ADAPTERS / "eip712kit_adapter.py"}"', *cases, "--expect-failures", str(known))
    assert fixed.exit_code == 1 and "XPASS core/mail" in fixed.output
    # rewriting the baseline with the old one keeps its reasons and drops what passes now
    known.write_text(known.read_text().replace("baseline: digest", "issue 7: digest"), encoding="utf-8")
    newer = tmp_path / "newer.txt"
    invoke("--exec", flip, "--case", "core/mail", *cases[4:], "--expect-failures", str(known),
           "--write-baseline", str(newer))
    kept = [line for line in newer.read_text().splitlines() if not line.startswith("#")]
    assert kept == [next(line for line in known.read_text().splitlines() if line.startswith("core/mail "))]
    invoke("--exec", f'"{PY}" "{ADAPTERS / "eip712kit_adapter.py"}"', *cases, "--expect-failures", str(known),
           "--write-baseline", str(newer))
    assert [line for line in newer.read_text().splitlines() if not line.startswith("#")] == []
