"""``eip712kit doctor`` at the command line: the report, ``--json``, and the exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli_runner import invoke
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.doctor_cases import EXPIRATION, renance_order, sera_cancel, sera_order, sign_typed, with_change

KEY, ADDRESS = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)
OTHER_KEY, _ = DEV_KEYS[1]  # PUBLIC development key (account #1)


@pytest.fixture()
def cancel_file(tmp_path: Path) -> Path:
    path = tmp_path / "cancel.json"
    path.write_text(json.dumps(sera_cancel(), indent=2))
    return path


def doctor(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = invoke("doctor", *args, input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_a_valid_signature_exits_0(cancel_file: Path) -> None:
    code, out, _ = doctor(str(cancel_file), sign_typed(sera_cancel()), "--expect", ADDRESS)
    assert code == 0 and out.startswith("VALID")


def test_a_diagnosed_signature_exits_1_and_names_the_cause(cancel_file: Path) -> None:
    wrong = with_change(sera_cancel(), "domain", "chainId", 1)
    code, out, _ = doctor(str(cancel_file), sign_typed(wrong), "--expect", ADDRESS)
    assert code == 1
    assert "cause     DOMAIN_CHAIN_ID" in out and "field   domain.chainId" in out
    assert "signed  1" in out and "given   11155111" in out


def test_json_for_programs(cancel_file: Path) -> None:
    wrong = with_change(sera_cancel(), "domain", "chainId", 31337)
    code, out, _ = doctor(str(cancel_file), sign_typed(wrong), "--expect", ADDRESS, "--json")
    data = json.loads(out)
    assert code == 1 and data["cause"] == "DOMAIN_CHAIN_ID" and data["signed_value"] == 31337
    assert data["search"]["complete"] is True


def test_the_document_from_stdin() -> None:
    doc = sera_order()
    wrong = with_change(doc, "message", "expiration", EXPIRATION * 1000)
    code, out, _ = doctor("-", sign_typed(wrong), "--expect", ADDRESS, "--json", stdin=json.dumps(doc))
    assert code == 1 and json.loads(out)["cause"] == "MILLISECONDS_FOR_SECONDS"


def test_an_unexplained_signature_exits_1_and_lists_what_was_tried() -> None:
    doc = renance_order()
    # A budget no machine reaches: the outcome (a complete search) must not depend on the machine's speed.
    code, out, _ = doctor("-", sign_typed(doc, OTHER_KEY), "--expect", ADDRESS, "--time-budget", "3600",
                          stdin=json.dumps(doc))
    assert code == 1 and "cause     UNEXPLAINED" in out and "tried:" in out
    assert "chain-id" in out and "domain × message" in out and "(complete:" in out


def test_the_protocol_hint_and_the_budget_options() -> None:
    doc = renance_order()
    code, out, _ = doctor("-", sign_typed(doc, OTHER_KEY), "--expect", ADDRESS, "--protocol", "renance",
                          "--max-candidates", "10", "--json", stdin=json.dumps(doc))
    data = json.loads(out)
    assert code == 1 and data["protocol"] == "renance" and data["search"]["candidates"] == 10
    assert data["search"]["complete"] is False


@pytest.mark.parametrize(("args", "message"), [
    (["0x1234", "--expect", ADDRESS], "SIGNATURE_MALFORMED"),
    (["SIG", "--expect", "0xabc"], "INVALID_ADDRESS"),
])
def test_bad_input_exits_2_with_the_code(cancel_file: Path, args: list[str], message: str) -> None:
    args = [sign_typed(sera_cancel()) if a == "SIG" else a for a in args]
    code, out, err = doctor(str(cancel_file), *args)
    assert code == 2 and message in err and err.startswith("error: ")
    code, out, err = doctor(str(cancel_file), *args, "--json")
    assert code == 2 and json.loads(out)["error"]["code"] == message


def test_a_malformed_document_exits_2() -> None:
    code, _, err = doctor("-", sign_typed(sera_cancel()), "--expect", ADDRESS, stdin="{\"types\": ")
    assert code == 2 and "INVALID_JSON" in err


def test_a_missing_expect_is_a_usage_error(cancel_file: Path) -> None:
    code, _, err = doctor(str(cancel_file), sign_typed(sera_cancel()))
    assert code == 2 and "--expect" in err


def test_the_installed_command(cancel_file: Path) -> None:
    script = shutil.which("eip712kit") or str(Path(sys.executable).with_name("eip712kit"))
    if not Path(script).exists():
        pytest.skip("the eip712kit console script is not installed")
    wrong = with_change(sera_cancel(), "domain", "chainId", 1)
    done = subprocess.run([script, "doctor", str(cancel_file), sign_typed(wrong), "--expect", ADDRESS, "--json"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["cause"] == "DOMAIN_CHAIN_ID"


# --- doctor message: personal_sign texts --------------------------------------------------------

CHALLENGE_TEXT = "Sign in to Alura\nNonce: 8812"


def sign_text(text: str, key: str = KEY) -> str:
    from eth_account import Account
    from eth_account.messages import encode_defunct

    return "0x" + Account.sign_message(encode_defunct(text=text), key).signature.hex()


@pytest.fixture()
def challenge_file(tmp_path: Path) -> Path:
    path = tmp_path / "challenge.json"
    path.write_text(json.dumps({"address": ADDRESS, "nonce": "8812", "message": CHALLENGE_TEXT}))
    return path


def test_message_valid_exits_0() -> None:
    code, out, _ = doctor("message", "--text", CHALLENGE_TEXT, sign_text(CHALLENGE_TEXT), "--expect", ADDRESS)
    assert code == 0 and out.startswith("VALID     the signature verifies for this message")


def test_message_diagnosed_from_a_file_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "challenge.txt"
    path.write_bytes(CHALLENGE_TEXT.encode())
    code, out, _ = doctor("message", "--file", str(path), sign_text(CHALLENGE_TEXT + "\n"), "--expect", ADDRESS)
    assert code == 1 and "cause     MESSAGE_TRAILING_NEWLINE" in out and "printf" in out


def test_message_from_an_alura_challenge_with_json(challenge_file: Path) -> None:
    signature = sign_text(CHALLENGE_TEXT.replace("8812", "8811"))
    code, out, _ = doctor("message", "--challenge", str(challenge_file), signature, "--json")
    data = json.loads(out)
    assert code == 1 and data["kind"] == "message" and data["cause"] == "MESSAGE_NONCE"
    assert data["protocol"] == "alura" and data["expected"] == ADDRESS and data["search"]["complete"] is True


def test_message_with_an_earlier_nonce_option() -> None:
    signature = sign_text(CHALLENGE_TEXT.replace("8812", "7001"))
    code, out, _ = doctor("message", "--text", CHALLENGE_TEXT, signature, "--expect", ADDRESS, "--nonce", "7001",
                          "--json")
    assert code == 1 and json.loads(out)["signed_value"] == "7001"


def test_message_from_stdin_unexplained_lists_what_was_tried() -> None:
    code, out, _ = doctor("message", "--file", "-", sign_text(CHALLENGE_TEXT, OTHER_KEY), "--expect", ADDRESS,
                          "--time-budget", "3600", stdin=CHALLENGE_TEXT)
    assert code == 1 and "cause     UNEXPLAINED" in out and "text-trailing-newline" in out
    assert "(complete: every hypothesis and combination was tried)" in out


@pytest.mark.parametrize(("args", "code_text"), [
    (["--text", "hi", "0x1234", "--expect", ADDRESS], "SIGNATURE_MALFORMED"),
    (["--text", "hi", "SIG", "--expect", "0xabc"], "INVALID_ADDRESS"),
    (["--hex", "--text", "0xzz", "SIG", "--expect", ADDRESS], "INVALID_HEX"),
])
def test_message_bad_input_exits_2_with_the_code(args: list[str], code_text: str) -> None:
    args = [sign_text("hi") if a == "SIG" else a for a in args]
    code, out, err = doctor("message", *args)
    assert code == 2 and code_text in err and err.startswith("error: ")
    code, out, err = doctor("message", *args, "--json")
    assert code == 2 and json.loads(out)["error"]["code"] == code_text


@pytest.mark.parametrize("args", [["SIG", "--expect", ADDRESS], ["--text", "a", "--file", "-", "SIG", "--expect",
                                                                  ADDRESS], ["--text", "a", "SIG"]])
def test_message_usage_errors_exit_2(args: list[str]) -> None:
    code, _, err = doctor("message", *[sign_text("a") if a == "SIG" else a for a in args], stdin="a")
    assert code == 2 and err.startswith("error: ") and err.rstrip().endswith("[INVALID_USAGE]")


def test_message_help_is_its_own() -> None:
    code, out, _ = doctor("message", "--help")
    assert code == 0 and "Usage: eip712kit doctor message" in out and "--challenge" in out
    code, out, _ = doctor("--help")
    assert code == 0 and "doctor message --help" in out


def test_message_with_several_confirmed_explanations_lists_them_ranked(tmp_path: Path) -> None:
    path = tmp_path / "challenge.txt"
    path.write_bytes((CHALLENGE_TEXT + "\n").encode())
    code, out, _ = doctor("message", "--file", str(path), sign_text(CHALLENGE_TEXT), "--expect", ADDRESS)
    assert code == 1 and "cause     MESSAGE_TRAILING_NEWLINE" in out
    assert "other explanations of the same digest" in out and "  1. MESSAGE_WHITESPACE" in out
