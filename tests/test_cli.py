"""The eip712kit command as a person and a pipeline use it: the installed script, in a subprocess.

Every expected digest and signature here comes from eth-account (tests/reference.py), never
from eip712kit itself. Keys are the PUBLIC development keys of tests/devkeys.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account

from eip712kit.core.signature import SECP256K1_N
from eip712kit.protocols.sera.uuid_int import pack
from tests.helpers.cli_runner import COMMAND, Runner, assert_no_key_material, clean_env, invoke
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.examples import mail
from tests.helpers.reference import eth_account_digest, eth_account_parts, eth_account_sign_text, eth_account_sign_typed

KEY0, ADDR0 = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)
KEY1, ADDR1 = DEV_KEYS[1]  # PUBLIC development key (Hardhat/Anvil account #1)
HARDHAT_MNEMONIC = "test test test test test test test test test test test junk"  # PUBLIC development mnemonic

MAIL: dict[str, Any] = mail()  # the EIP-712 specification's Mail example (examples/mail.json)


def sera_order(n: int) -> dict[str, Any]:
    return {
        "types": {"Order": [{"name": "user", "type": "address"}, {"name": "expiration", "type": "uint48"},
                            {"name": "feeBps", "type": "uint48"}, {"name": "recipient", "type": "address"},
                            {"name": "fromToken", "type": "address"}, {"name": "toToken", "type": "address"},
                            {"name": "fromAmount", "type": "uint256"}, {"name": "toAmount", "type": "uint256"},
                            {"name": "initialDepositAmount", "type": "uint256"}, {"name": "uuid", "type": "uint256"}]},
        "primaryType": "Order",
        "domain": {"name": "Sera", "version": "1", "chainId": 11155111,
                   "verifyingContract": "0xd0fc92d8eF9bE26D7288fCa1D6458f675e72B83a"},
        "message": {"user": ADDR0, "expiration": 1_900_000_000 + n, "feeBps": 0,
                    "recipient": "0x0000000000000000000000000000000000000000",
                    "fromToken": "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238",
                    "toToken": "0x08210F9170F89Ab7658F0B5E3fF39b0E03C594D4",
                    "fromAmount": str(1_085_000_000 + n), "toAmount": "1000000000", "initialDepositAmount": "0",
                    "uuid": str(pack(f"00000000-0000-4000-8000-{n:012x}", 0))},
    }


@pytest.fixture
def mail_file(tmp_path: Path) -> Path:
    path = tmp_path / "mail.json"
    path.write_text(json.dumps(MAIL))
    return path


def key_env(key: str = KEY0) -> dict[str, str]:
    return clean_env(EIP712KIT_PRIVATE_KEY=key)


def hex_of(digest: bytes) -> str:
    return "0x" + digest.hex()


# --- hash -------------------------------------------------------------------------------------

def test_hash_prints_the_digest_from_a_file_and_from_stdin(cli: Runner, mail_file: Path) -> None:
    expected = hex_of(eth_account_digest(MAIL))
    from_file = cli("hash", str(mail_file))
    from_stdin = cli("hash", "-", input=json.dumps(MAIL))
    assert (from_file.returncode, from_file.stdout.strip()) == (0, expected)
    assert (from_stdin.returncode, from_stdin.stdout.strip()) == (0, expected)


def test_hash_json_gives_separator_and_struct_hash(cli: Runner, mail_file: Path) -> None:
    result = cli("hash", str(mail_file), "--json")
    data = json.loads(result.stdout)
    separator, struct_hash = eth_account_parts(MAIL)
    assert data == {"primaryType": "Mail", "domainSeparator": hex_of(separator), "structHash": hex_of(struct_hash),
                    "digest": hex_of(eth_account_digest(MAIL))}


def test_hash_trace_prints_the_tree_and_its_json(cli: Runner, mail_file: Path) -> None:
    text = cli("hash", str(mail_file), "--trace")
    assert text.returncode == 0
    assert "encodeType  Mail(Person from,Person to,string contents)Person(string name,address wallet)" in text.stdout
    assert hex_of(eth_account_parts(MAIL)[0]) in text.stdout
    data = json.loads(cli("hash", str(mail_file), "--trace", "--json").stdout)
    assert data["digest"] == hex_of(eth_account_digest(MAIL))
    assert [f["name"] for f in data["message"]["fields"]] == ["from", "to", "contents"]


@pytest.mark.parametrize("document, code, path", [
    ("{not json", "INVALID_JSON", None),
    (json.dumps({**MAIL, "message": {**MAIL["message"], "to": {"name": "Bob", "wallet": "0x12"}}}),
     "INVALID_ADDRESS", "message.to.wallet"),
    (json.dumps({**MAIL, "types": {**MAIL["types"], "Mail": [{"name": "x", "type": "uint"}]}}),
     "UNKNOWN_TYPE", "types.Mail[0].type"),
])
def test_bad_documents_exit_2_with_code_and_path_and_no_traceback(cli: Runner, document: str, code: str,
                                                                   path: str | None) -> None:
    result = cli("hash", "-", input=document)
    assert result.returncode == 2
    assert f"[{code}]" in result.stderr and "Traceback" not in result.stderr
    if path:
        assert result.stderr.startswith(f"error: {path}: ")
    data = json.loads(cli("hash", "-", "--json", input=document).stdout)
    assert data["ok"] is False and data["error"]["code"] == code


def test_usage_errors_exit_2(cli: Runner) -> None:
    assert cli("hash").returncode == 2
    assert cli("hash", "--no-such-option", "x").returncode == 2
    assert cli("no-such-command").returncode == 2
    missing = cli("hash", "/nonexistent/doc.json")
    assert missing.returncode == 2 and "/nonexistent/doc.json" in missing.stderr


def test_oversized_document_is_refused_not_truncated(cli: Runner, mail_file: Path) -> None:
    result = cli("hash", str(mail_file), "--max-document-bytes", "100")
    assert result.returncode == 2 and "[LIMIT_EXCEEDED]" in result.stderr


# --- sign / recover / verify ------------------------------------------------------------------

def test_sign_matches_eth_account_and_never_shows_the_key(cli: Runner, mail_file: Path) -> None:
    result = cli("sign", str(mail_file), env=key_env())
    assert result.returncode == 0
    assert result.stdout.strip() == eth_account_sign_typed(MAIL, KEY0)
    as_json = cli("sign", str(mail_file), "--json", env=key_env())
    data = json.loads(as_json.stdout)
    assert data["signer"] == ADDR0 and data["signature"] == result.stdout.strip()
    assert data["digest"] == hex_of(eth_account_digest(MAIL))
    assert_no_key_material(result.stdout, result.stderr, as_json.stdout, as_json.stderr)


def test_sign_with_each_key_source(cli: Runner, mail_file: Path, tmp_path: Path) -> None:
    expected = eth_account_sign_typed(MAIL, KEY1)
    key_file = tmp_path / "dev1.key"
    key_file.write_text(KEY1 + "\n")  # PUBLIC development key
    keystore = tmp_path / "dev1.json"
    keystore.write_text(json.dumps(Account.encrypt(KEY1, "pw-for-tests", kdf="pbkdf2", iterations=2)))
    from_named_env = cli("sign", str(mail_file), "--key-env", "BOT_KEY", env=clean_env(BOT_KEY=KEY1))
    from_file = cli("sign", str(mail_file), "--key-file", str(key_file))
    from_keystore = cli("sign", str(mail_file), "--keystore", str(keystore), "--password-env", "KS_PW",
                        env=clean_env(KS_PW="pw-for-tests"))
    for result in (from_named_env, from_file, from_keystore):
        assert (result.returncode, result.stdout.strip()) == (0, expected), result.stderr
        assert_no_key_material(result.stdout, result.stderr)
        assert "pw-for-tests" not in result.stdout + result.stderr
    # Hardhat's public mnemonic: m/44'/60'/0'/0/1 is account #1
    from_mnemonic = cli("sign", str(mail_file), "--mnemonic-env", "WORDS", "--path", "m/44'/60'/0'/0/1",
                        env=clean_env(WORDS=HARDHAT_MNEMONIC))
    assert (from_mnemonic.returncode, from_mnemonic.stdout.strip()) == (0, expected), from_mnemonic.stderr


def test_key_problems_are_exit_2_without_the_key(cli: Runner, mail_file: Path, tmp_path: Path) -> None:
    missing = cli("sign", str(mail_file))
    assert missing.returncode == 2 and "[KEY_NOT_FOUND]" in missing.stderr and "EIP712KIT_PRIVATE_KEY" in missing.stderr
    wrong_password = tmp_path / "ks.json"
    wrong_password.write_text(json.dumps(Account.encrypt(KEY0, "right", kdf="pbkdf2", iterations=2)))
    refused = cli("sign", str(mail_file), "--keystore", str(wrong_password), "--password-env", "PW",
                  env=clean_env(PW="wrong"))
    assert refused.returncode == 2 and "[KEYSTORE_INVALID]" in refused.stderr
    truncated = cli("sign", str(mail_file), env=key_env(KEY0[:-2]))
    assert truncated.returncode == 2 and "[KEY_INVALID]" in truncated.stderr
    assert_no_key_material(truncated.stderr, truncated.stdout)
    both = cli("sign", str(mail_file), "--key-env", "A", "--key-file", str(wrong_password))
    assert both.returncode == 2
    orphan = cli("sign", str(mail_file), "--password-env", "PW", env=key_env())
    assert orphan.returncode == 2 and "--password-env goes with --keystore" in orphan.stderr


def test_no_option_takes_a_raw_key(cli: Runner, mail_file: Path) -> None:
    result = cli("sign", str(mail_file), "--key", KEY0)
    assert result.returncode == 2
    assert_no_key_material(result.stdout)


def test_recover_and_verify(cli: Runner, mail_file: Path) -> None:
    signature = eth_account_sign_typed(MAIL, KEY0)
    recovered = cli("recover", str(mail_file), signature)
    assert (recovered.returncode, recovered.stdout.strip()) == (0, ADDR0)
    valid = cli("verify", str(mail_file), signature, ADDR0)
    assert valid.returncode == 0 and valid.stdout.startswith("valid")
    other = cli("verify", str(mail_file), signature, ADDR1, "--json")
    data = json.loads(other.stdout)
    assert other.returncode == 1
    assert (data["valid"], data["code"], data["signer"]) == (False, "SIGNER_MISMATCH", ADDR0)
    malformed = cli("verify", str(mail_file), "0x1234", ADDR0)
    assert malformed.returncode == 1 and "[SIGNATURE_MALFORMED]" in malformed.stdout
    bad_address = cli("verify", str(mail_file), signature, ADDR1.lower()[:-1])
    assert bad_address.returncode == 2 and "[INVALID_ADDRESS]" in bad_address.stderr


def test_high_s_is_refused_unless_asked_for(cli: Runner, mail_file: Path) -> None:
    signature = bytes.fromhex(eth_account_sign_typed(MAIL, KEY0)[2:])
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    malleated = "0x" + (r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])).hex()  # 27 <-> 28
    refused = cli("recover", str(mail_file), malleated)
    assert refused.returncode == 2 and "[SIGNATURE_HIGH_S]" in refused.stderr
    allowed = cli("recover", str(mail_file), malleated, "--allow-high-s")
    assert allowed.stdout.strip() == ADDR0
    verdict = cli("verify", str(mail_file), malleated, ADDR0)
    assert verdict.returncode == 1 and "[SIGNATURE_HIGH_S]" in verdict.stdout


# --- --jsonl ----------------------------------------------------------------------------------

def test_hash_jsonl_one_result_per_line_errors_per_line(cli: Runner) -> None:
    docs = [sera_order(n) for n in range(5)]
    bad_chain = {**MAIL, "domain": {**MAIL["domain"], "chainId": "x"}}
    lines = [json.dumps(d) for d in docs[:2]] + ["{broken", "", json.dumps(bad_chain)]
    lines += [json.dumps(d) for d in docs[2:]]
    result = cli("hash", "--jsonl", "-", input="\n".join(lines) + "\n")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 2  # some lines were bad input
    assert [o["line"] for o in out] == [1, 2, 3, 5, 6, 7, 8]  # the blank line 4 is skipped
    assert out[2]["error"] == {"code": "INVALID_JSON", "path": None, "message": out[2]["error"]["message"]}
    assert out[3]["error"] == {"code": "INVALID_INT", "path": "domain.chainId",
                               "message": out[3]["error"]["message"]}
    assert out[2]["digest"] is None and out[3]["digest"] is None
    good = [o for o in out if o["error"] is None]
    assert [o["digest"] for o in good] == [hex_of(eth_account_digest(d)) for d in docs]
    clean = cli("hash", "--jsonl", "-", input="".join(json.dumps(d) + "\n" for d in docs))
    assert clean.returncode == 0 and len(clean.stdout.splitlines()) == 5


def test_jsonl_line_over_the_limit_is_reported_and_the_stream_goes_on(cli: Runner) -> None:
    small, big = json.dumps(sera_order(1)), json.dumps({**MAIL, "message": {**MAIL["message"], "contents": "x" * 5000}})
    result = cli("hash", "--jsonl", "-", "--max-document-bytes", "2000", input=f"{big}\n{small}\n")
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first == {"line": 1, "digest": None, "error": first["error"]}
    assert first["error"]["code"] == "LIMIT_EXCEEDED" and first["error"]["path"] is None
    assert second == {"line": 2, "digest": hex_of(eth_account_digest(sera_order(1))), "error": None}


def test_sign_recover_verify_jsonl_round_trip(cli: Runner, tmp_path: Path) -> None:
    docs = [sera_order(n) for n in range(4)]
    signed = cli("sign", "--jsonl", "-", input="".join(json.dumps(d) + "\n" for d in docs), env=key_env())
    signatures = [json.loads(line)["signature"] for line in signed.stdout.splitlines()]
    assert signatures == [eth_account_sign_typed(d, KEY0) for d in docs]
    assert_no_key_material(signed.stdout, signed.stderr)
    envelopes = [{"typedData": d, "signature": s} for d, s in zip(docs, signatures, strict=True)]
    recovered = cli("recover", "--jsonl", "-", input="".join(json.dumps(e) + "\n" for e in envelopes))
    assert [json.loads(line)["signer"] for line in recovered.stdout.splitlines()] == [ADDR0] * 4
    checks = [{**e, "address": ADDR0} for e in envelopes]
    checks[1]["address"] = ADDR1  # one mismatch
    verified = cli("verify", "--jsonl", "-", input="".join(json.dumps(c) + "\n" for c in checks))
    verdicts = [json.loads(line) for line in verified.stdout.splitlines()]
    assert verified.returncode == 1
    assert [v["valid"] for v in verdicts] == [True, False, True, True]
    assert verdicts[1]["code"] == "SIGNER_MISMATCH"
    # One line format: recover reads verify's lines (the address is not its business) ...
    recovered = cli("recover", "--jsonl", "-", input="".join(json.dumps(c) + "\n" for c in checks))
    assert recovered.returncode == 0
    assert [json.loads(line)["signer"] for line in recovered.stdout.splitlines()] == [ADDR0] * 4
    # ... and verify, given a line without the address it checks, says which command takes such lines.
    checks[2] = {"typedData": docs[2], "signature": signatures[2]}
    mixed = cli("verify", "--jsonl", "-", input="".join(json.dumps(c) + "\n" for c in checks))
    assert mixed.returncode == 2
    error = json.loads(mixed.stdout.splitlines()[2])["error"]
    assert error["path"] == "address" and "recover --jsonl needs none" in error["message"]


@pytest.mark.parametrize("command", [("hash",), ("hash", "--trace"), ("sign",), ("recover",), ("verify",)],
                         ids=" ".join)
def test_every_jsonl_result_line_of_a_command_has_the_same_keys(command: tuple[str, ...]) -> None:
    """Good lines, a negative verdict, a line that is not JSON, one that is not a document and one over
    the size limit: one shape, so a program reads every line alike (``error`` null, or the result keys null)."""
    doc = sera_order(1)
    signature = eth_account_sign_typed(doc, KEY0)
    good = {"typedData": doc, "signature": signature, "address": ADDR0} if command[0] in ("recover", "verify") else doc
    negative = {**good, "address": ADDR1} if command[0] == "verify" else good
    lines = [json.dumps(good), json.dumps(negative), "{not json", json.dumps({"typedData": {"types": {}}}),
             json.dumps(["a list"]), json.dumps({**MAIL, "message": {**MAIL["message"], "contents": "x" * 3000}})]
    result = invoke(command[0], "--jsonl", "-", *command[1:], "--max-document-bytes", "2500",
                    input="\n".join(lines) + "\n", env={"EIP712KIT_PRIVATE_KEY": KEY0})
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["line"] for o in out] == [1, 2, 3, 4, 5, 6] and result.exit_code == 2
    shapes = {tuple(o) for o in out}
    assert len(shapes) == 1, shapes
    keys = shapes.pop()
    assert keys[0] == "line" and keys[-1] == "error"
    assert out[0]["error"] is None and all(o["error"] is not None for o in out[2:])
    assert all(set(o["error"]) == {"code", "message", "path"} for o in out[2:])
    assert out[2]["error"]["code"] == "INVALID_JSON" and out[2]["error"]["path"] is None
    assert all(o[key] is None for o in out[2:] for key in keys[1:-1])


def test_jsonl_stops_quietly_when_the_reader_goes_away(tmp_path: Path) -> None:
    stream = tmp_path / "many.jsonl"
    stream.write_text("".join(json.dumps(sera_order(n)) + "\n" for n in range(3000)))
    pipeline = subprocess.run(
        ["bash", "-c", f"{' '.join(COMMAND)} hash --jsonl {stream} | head -n 1; echo status=${{PIPESTATUS[0]}}"],
        capture_output=True, text=True, env=clean_env(), timeout=60)
    assert pipeline.stdout.splitlines()[-1] == "status=0"
    assert "Traceback" not in pipeline.stderr and "Error" not in pipeline.stderr


# --- message ------------------------------------------------------------------------------------

def test_message_sign_recover_verify(cli: Runner, tmp_path: Path) -> None:
    challenge = "Welcome to Alura!\n\nWallet: " + ADDR0 + "\nNonce: 9f2c"
    path = tmp_path / "challenge.txt"
    path.write_bytes(challenge.encode())
    signed = cli("message", "sign", "--file", str(path), env=key_env())
    assert signed.stdout.strip() == eth_account_sign_text(challenge, KEY0)
    text = cli("message", "sign", "--text", "hello", env=key_env())
    assert text.stdout.strip() == eth_account_sign_text("hello", KEY0)
    raw = cli("message", "sign", "--text", "0x68656c6c6f", "--hex", env=key_env())
    assert raw.stdout.strip() == eth_account_sign_text(b"hello", KEY0)
    recovered = cli("message", "recover", "--file", "-", signed.stdout.strip(), input=challenge)
    assert recovered.stdout.strip() == ADDR0
    assert cli("message", "verify", "--file", str(path), signed.stdout.strip(), ADDR0).returncode == 0
    # one byte more (a trailing newline) is another message
    assert cli("message", "verify", "--file", "-", signed.stdout.strip(), ADDR0, input=challenge + "\n").returncode == 1
    assert cli("message", "sign", env=key_env()).returncode == 2


# --- uuid ---------------------------------------------------------------------------------------

SEED_ORDER_ID = "00000000-0000-4000-8000-000000000001"
SEED_UUID_INT = "6427948336465191935941739505432058208337171677044006212075520"


def test_uuid_pack_unpack_check_on_the_seed_example(cli: Runner) -> None:
    assert cli("uuid", "pack", SEED_ORDER_ID, "--executor-id", "0").stdout.strip() == SEED_UUID_INT
    fields = json.loads(cli("uuid", "unpack", SEED_UUID_INT, "--json").stdout)
    assert (fields["executor_id"], fields["uuid"], fields["leg_id"]) == (0, SEED_ORDER_ID, 0)
    assert fields["standalone"] is True
    assert fields["group_id"] == str(int(SEED_ORDER_ID.replace("-", ""), 16) >> 16)  # > 2**53: a string
    assert cli("uuid", "check", SEED_ORDER_ID, SEED_UUID_INT, "--executor-id", "0").returncode == 0
    other = cli("uuid", "check", "00000000-0000-4000-8000-000000000002", SEED_UUID_INT)
    assert other.returncode == 1 and "[UUID_MISMATCH]" in other.stdout
    assert cli("uuid", "check", SEED_ORDER_ID, SEED_UUID_INT, "--executor-id", "1").returncode == 1
    nil = cli("uuid", "check", "00000000-0000-0000-0000-000000000000", "0")  # well formed, but not a UUID4
    assert nil.returncode == 1 and "[UUID_NOT_V4]" in nil.stdout
    assert cli("uuid", "pack", "not-a-uuid", "--executor-id", "0").returncode == 2
    assert cli("uuid", "pack", SEED_ORDER_ID, "--executor-id", "16").returncode == 2


def test_uuid_pack_batch_shares_group_and_numbers_legs(cli: Runner) -> None:
    ids = [SEED_ORDER_ID, "11111111-2222-4333-8444-555555555555", "99999999-aaaa-4bbb-8ccc-dddddddddddd"]
    values = [int(v) for v in cli("uuid", "pack", *ids, "--executor-id", "3").stdout.split()]
    group = int(ids[0].replace("-", ""), 16) >> 16
    assert values == [(3 << 252) | (int(i.replace("-", ""), 16) << 124) | (group << 12) | leg
                      for leg, i in enumerate(ids)]


# --- exit 70 and help ------------------------------------------------------------------------

def test_an_internal_error_is_one_line_and_exit_70(mail_file: Path) -> None:
    # Break the command from the inside, as a bug would: the user sees a one-line report.
    script = ("import sys, eip712kit.cli.typed as t\n"
              "t.TypedData = None\n"
              "from eip712kit.cli import main\n"
              "sys.argv = ['eip712kit', 'hash', sys.argv[1]]\n"
              "main()\n")
    broken = subprocess.run([sys.executable, "-c", script, str(mail_file)], capture_output=True, text=True,
                            env=clean_env(), timeout=60)
    assert broken.returncode == 70
    assert "internal error (TypeError)" in broken.stderr and "Traceback" not in broken.stderr
    debug = subprocess.run([sys.executable, "-c", script, str(mail_file)], capture_output=True, text=True,
                           env=clean_env(EIP712KIT_DEBUG="1"), timeout=60)
    assert "Traceback" in debug.stderr


@pytest.mark.parametrize("command", [["hash"], ["sign"], ["recover"], ["verify"], ["message", "sign"],
                                     ["uuid", "pack"], ["sera", "order"], ["sera", "api-key"], ["renance", "order"],
                                     ["alura", "login"], ["check", "sera"], ["serve"]])
def test_each_help_teaches_by_example(cli: Runner, command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.returncode == 0
    assert "Example" in result.stdout and "eip712kit " + command[0] in result.stdout
