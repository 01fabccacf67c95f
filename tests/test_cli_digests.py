"""``message hash``, signing a bare digest only with ``--no-hash``, and big integers as strings in every ``--json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import _hash_eip191_message, encode_defunct

from eip712kit.base.parsers import MAX_SAFE_INTEGER
from eip712kit.core.signature import recover_digest, sign_digest
from tests.helpers.cli_runner import Runner, assert_no_key_material, clean_env
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.examples import EXAMPLES
from tests.helpers.verifier_process import VerifierProcess

KEY, ADDRESS = DEV_KEYS[0]  # PUBLIC development key (Hardhat #0)
DIGEST = "0x" + "5a" * 32


def keyed() -> dict[str, str]:
    return clean_env(EIP712KIT_PRIVATE_KEY=KEY)


@pytest.mark.parametrize(("args", "expected"), [
    (["--text", "hello"], encode_defunct(text="hello")),
    (["--text", "ünïcode\n"], encode_defunct(text="ünïcode\n")),
    (["--hex", "--text", "0x68656c6c6f00"], encode_defunct(hexstr="0x68656c6c6f00")),
], ids=["text", "unicode", "hex"])
def test_message_hash_is_the_eip191_digest(cli: Runner, args: list[str], expected: Any) -> None:
    digest = "0x" + bytes(_hash_eip191_message(expected)).hex()
    plain = cli("message", "hash", *args)
    assert (plain.returncode, plain.stdout.strip()) == (0, digest)
    as_json = json.loads(cli("message", "hash", *args, "--json").stdout)
    assert as_json == {"messageBytes": len(expected.body), "digest": digest}


def test_message_hash_reads_a_file_as_is(cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "challenge.txt"
    path.write_bytes(b"Sign in\r\n")  # the CRLF is part of the message
    result = cli("message", "hash", "--file", str(path))
    assert result.stdout.strip() == "0x" + bytes(_hash_eip191_message(encode_defunct(primitive=b"Sign in\r\n"))).hex()


def test_no_hash_signs_the_digest_as_is_and_warns(cli: Runner) -> None:
    result = cli("message", "sign", "--no-hash", "--text", DIGEST, "--json", env=keyed())
    assert result.returncode == 0
    data = json.loads(result.stdout)
    expected = sign_digest(bytes.fromhex(DIGEST[2:]), KEY)
    assert data["signature"] == expected.to_hex() and data["digest"] == DIGEST and data["noHash"] is True
    assert Account.unsafe_sign_hash(bytes.fromhex(DIGEST[2:]), KEY).signature == expected  # eth-account agrees
    assert "warning: --no-hash signs these 32 bytes as they are" in result.stderr
    assert_no_key_material(result.stdout, result.stderr)


def test_without_no_hash_a_digest_is_personal_signed_with_a_note(cli: Runner) -> None:
    result = cli("message", "sign", "--hex", "--text", DIGEST, env=keyed())
    assert result.returncode == 0 and "warning" not in result.stderr and "add --no-hash" in result.stderr
    signed = result.stdout.strip()
    assert signed == Account.sign_message(encode_defunct(hexstr=DIGEST), KEY).signature.to_0x_hex()
    assert recover_digest(bytes.fromhex(DIGEST[2:]), signed) != ADDRESS  # not a signature of the bare digest
    assert cli("message", "sign", "--text", "hello", env=keyed()).stderr == ""  # text: no note


def test_no_hash_recover_and_verify(cli: Runner, tmp_path: Path) -> None:
    signature = sign_digest(bytes.fromhex(DIGEST[2:]), KEY).to_hex()
    recovered = cli("message", "recover", "--no-hash", "--text", DIGEST, signature)
    assert (recovered.returncode, recovered.stdout.strip(), recovered.stderr) == (0, ADDRESS, "")
    path = tmp_path / "digest.txt"
    path.write_text(DIGEST + "\n")  # a file of hex: the newline is not part of a digest
    verified = cli("message", "verify", "--no-hash", "--file", str(path), signature, ADDRESS, "--json")
    assert verified.returncode == 0 and json.loads(verified.stdout)["valid"] is True
    assert cli("message", "verify", "--text", DIGEST, signature, ADDRESS).returncode == 1  # that was no personal_sign


@pytest.mark.parametrize("text", ["0x1234", "hello", DIGEST + "00", "0x" + "zz" * 32])
def test_no_hash_takes_only_a_32_byte_hex_digest(cli: Runner, text: str) -> None:
    result = cli("message", "sign", "--no-hash", "--text", text, env=keyed())
    assert result.returncode == 2 and "--no-hash" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == "" and "warning" not in result.stderr  # refused before anything is signed


# --- big integers in --json -----------------------------------------------------------------------

SEED_ORDER = "00000000-0000-4000-8000-000000000001"
SEED_UUID_INT = "6427948336465191935941739505432058208337171677044006212075520"
CANCEL_SIGNATURE = ("0x697c9350a4c506ab07873f928552a6f84b7bd02d23303deccc227f0c392f4a6229f39dc64dd369c4ff052a943798"
                    "e195c1b2a768dbf03dd347c3f419306c80f21b")  # examples/cancel.json with orderId signed as a string
JSON_COMMANDS: list[list[str]] = [
    ["uuid", "pack", SEED_ORDER, "--executor-id", "15"],
    ["uuid", "unpack", SEED_UUID_INT],
    ["uuid", "check", SEED_ORDER, SEED_UUID_INT],
    ["hash", str(EXAMPLES / "cancel.json")],
    ["hash", str(EXAMPLES / "cancel.json"), "--trace"],
    ["sign", str(EXAMPLES / "sera_order.json")],
    ["verify", str(EXAMPLES / "cancel.json"), CANCEL_SIGNATURE, ADDRESS],
    ["message", "hash", "--text", "hello"],
    ["sera", "order", "--side", "bid", "--amount", "1000.0", "--price", "1.085", "--base", "EURC", "--quote", "USDC",
     "--order-id", SEED_ORDER, "--executor-id", "15", "--now", "1767225600"],
    ["sera", "cancel", "--order-id", SEED_ORDER, "--executor-id", "15"],
    ["sera", "withdraw", "--token", "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238", "--amount-units", str(10**30),
     "--now", "1767225600"],
    ["renance", "login", "--nonce", str(2**200), "--timestamp", "1767225600"],
    ["alura", "login", "--challenge", str(EXAMPLES / "challenge.json")],
    ["doctor", str(EXAMPLES / "cancel.json"), CANCEL_SIGNATURE, "--expect", ADDRESS],
]


def big_numbers(value: Any, path: str = "$") -> list[str]:
    """Paths of JSON numbers a JavaScript reader would round (beyond ±(2**53 - 1))."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [path] if abs(value) > MAX_SAFE_INTEGER else []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in big_numbers(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in big_numbers(v, f"{path}[{i}]")]
    return []


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=lambda a: " ".join(a[:2]) + ("-trace" if "--trace" in a else ""))
def test_json_output_carries_big_integers_as_strings(cli: Runner, args: list[str]) -> None:
    result = cli(*args, "--json", env=keyed())
    assert result.returncode in (0, 1), result.stderr
    assert big_numbers(json.loads(result.stdout)) == []


def test_the_scan_sees_a_big_number() -> None:
    assert big_numbers({"a": [1, 2**53], "b": str(2**60), "c": True}) == ["$.a[1]"]


def test_a_digest_given_to_sign_is_refused_with_the_explicit_way(cli: Runner) -> None:
    result = cli("sign", "-", input=DIGEST + "\n", env=keyed())
    assert result.returncode == 2 and result.stdout == ""
    assert "32-byte digest, not a typed-data document" in result.stderr and "--no-hash" in result.stderr


def test_json_of_the_conformance_report_and_a_live_check_carries_big_integers_as_strings(
        cli: Runner, verifier: VerifierProcess) -> None:
    report = cli("conformance", "--json")
    assert report.returncode == 0 and big_numbers(json.loads(report.stdout)) == []
    check = cli("check", "sera", "--api", verifier.api, "--side", "bid", "--amount", "1000.0", "--price", "1.085",
                "--base", "EURC", "--quote", "USDC", "--json", env=keyed())
    assert check.returncode == 0, check.stderr
    assert big_numbers(json.loads(check.stdout)) == []


def test_sera_order_options_are_the_requests_field_names(cli: Runner) -> None:
    # --from-address/--to-address are the request's names; --base/--quote, their second names, say the same order.
    order = ["sera", "order", "--side", "bid", "--amount", "1000.0", "--price", "1.085", "--order-id", SEED_ORDER,
             "--executor-id", "15", "--now", "1767225600", "--expiration", "1767312000", "--body"]
    by_request_names = cli(*order, "--from-address", "EURC", "--to-address", "USDC", env=keyed())
    by_market_words = cli(*order, "--base", "EURC", "--quote", "USDC", env=keyed())
    assert by_request_names.returncode == 0, by_request_names.stderr
    assert by_request_names.stdout == by_market_words.stdout
    body = json.loads(by_request_names.stdout)
    assert (body["from_address"], body["to_address"]) == ("0x08210F9170F89Ab7658F0B5E3fF39b0E03C594D4",
                                                          "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238")
    missing = cli(*order, "--from-address", "EURC", env=keyed())
    assert missing.returncode == 2 and "missing --to-address" in missing.stderr
