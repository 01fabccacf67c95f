"""Live checks over real HTTP on loopback: ``eip712kit check …`` against ``eip712kit serve`` and the
local Renance and Alura login servers (tests/login_servers.py), which verify with the library."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data

from eip712kit.protocols import renance, sera
from eip712kit.server.app import create_app
from eip712kit.server.settings import ServerSettings
from tests.helpers.cli_runner import Runner, assert_no_key_material, clean_env
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.login_servers import LiveServer, alura_app, failing_verify_sera_app, renance_app
from tests.helpers.verifier_process import VerifierProcess

KEY0, ADDR0 = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)
KEY1, ADDR1 = DEV_KEYS[1]  # PUBLIC development key (Hardhat/Anvil account #1)
ORDER = ["--side", "bid", "--amount", "1000.0", "--price", "1.085", "--base", "EURC", "--quote", "USDC"]


def env(key: str = KEY0) -> dict[str, str]:
    return clean_env(EIP712KIT_PRIVATE_KEY=key)


def check_sera(cli: Runner, api: str, *args: str, key: str = KEY0) -> tuple[int, dict[str, Any]]:
    result = cli("check", "sera", "--api", api, *args, "--json", env=env(key))
    assert "Traceback" not in result.stderr
    assert_no_key_material(result.stdout, result.stderr)
    return result.returncode, json.loads(result.stdout) if result.stdout else {}


# --- check sera against eip712kit serve ---------------------------------------------------------

def test_a_signed_order_is_accepted_by_both(cli: Runner, verifier: VerifierProcess) -> None:
    code, report = check_sera(cli, verifier.api, *ORDER)
    assert code == 0 and report["accepted"] is True and report["agree"] is True
    body = report["request"]["body"]
    assert report["server"] == {"status": 200, "valid": True, "code": None, "field": None, "detail": None,
                                "body": report["server"]["body"]}
    assert report["server"]["body"]["owner_address"] == ADDR0
    # The request is what the document describes, and its signature is eth-account's own over the
    # Order the protocol builder derives (the seed's amounts: 1085000000 USDC for 1000000000 EURC).
    assert list(body) == ["owner_address", "side", "amount", "price", "from_address", "to_address", "order_id",
                          "uuid_int", "signature", "expiration"]
    order = sera.Order(user=ADDR0, expiration=body["expiration"], feeBps=0, recipient=sera.ZERO_ADDRESS,
                       fromToken=body["to_address"], toToken=body["from_address"], fromAmount=1085000000,
                       toAmount=1000000000, initialDepositAmount=0, uuid=int(body["uuid_int"]))
    typed = order.to_typed_data(sera.DOMAIN)
    expected = Account.sign_message(encode_typed_data(full_message=typed), KEY0).signature
    assert body["signature"] == "0x" + bytes(expected).hex()


def test_the_human_report_shows_request_and_both_verdicts(cli: Runner, verifier: VerifierProcess) -> None:
    result = cli("check", "sera", "--api", verifier.api, *ORDER, "--set", "amount=1000.5", env=env())
    assert result.returncode == 1
    assert f"request: POST {verifier.api}/verify-signature" in result.stdout
    assert 'changed after signing: amount: "1000.0" -> "1000.5"' in result.stdout
    assert "SIGNER_MISMATCH" in result.stdout
    assert "result: refused by both — the signature no longer matches the request: amount changed after signing" \
        in result.stdout


@pytest.mark.parametrize("override, code, field", [
    ("expiration:=5", "EXPIRATION_PAST", "expiration"),
    (f"expiration:={2**40}", "EXPIRATION_TOO_FAR", "expiration"),
    ("amount=1000.0000001", "AMOUNT_PRECISION", "amount"),
    ("side=buy", "INVALID_SIDE", "side"),
    ("order_id=00000000-0000-4000-8000-0000000000ff", "UUID_MISMATCH", "uuid_int"),
    ("to_address=0x08210F9170F89Ab7658F0B5E3fF39b0E03C594D4", "UNKNOWN_MARKET", "from_address"),
    ("owner_address=0x70997970c51812dc3a010c7d01b50e0d17dc79c8", "SIGNER_MISMATCH", "signature"),
])
def test_a_field_broken_after_signing_is_named_by_the_verifier(cli: Runner, verifier: VerifierProcess, override: str,
                                                                 code: str, field: str) -> None:
    exit_code, report = check_sera(cli, verifier.api, *ORDER, "--set", override)
    assert exit_code == 1
    assert (report["server"]["valid"], report["server"]["code"], report["server"]["field"]) == (False, code, field)
    local = report["local"]
    if code == "UNKNOWN_MARKET":  # the local side has no market list for a remote server: it sees the signature
        assert local["valid"] is False
    else:
        assert (local["code"], local["field"]) == (code, field)
    assert [c["field"] for c in report["changed"]] == [override.split("=")[0].rstrip(":")]


def test_a_ready_request_file_is_checked_as_is(cli: Runner, verifier: VerifierProcess, tmp_path: Path) -> None:
    config = json.loads(cli("sera", "order", *ORDER, "--executor-id", "0", "--body", env=env()).stdout)
    path = tmp_path / "body.json"
    path.write_text(json.dumps(config))
    result = cli("check", "sera", "--api", verifier.api, "--request", str(path), "--json")  # no key needed
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["request"]["body"] == config


def test_another_key_signing_for_the_owner_is_refused(cli: Runner, verifier: VerifierProcess, tmp_path: Path) -> None:
    unsigned = json.loads(cli("sera", "order", *ORDER, "--executor-id", "0", "--unsigned", "--address", ADDR0,
                              "--json").stdout)
    forged = Account.sign_message(encode_typed_data(full_message=unsigned["typedData"]), KEY1).signature
    path = tmp_path / "forged.json"
    path.write_text(json.dumps({**unsigned["request"]["json"], "signature": "0x" + bytes(forged).hex()}))
    result = cli("check", "sera", "--api", verifier.api, "--request", str(path), "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert report["server"]["code"] == report["local"]["code"] == "SIGNER_MISMATCH"
    assert f"recovers to {ADDR1}, not {ADDR0}" in report["server"]["detail"]


def test_network_failures_exit_3(cli: Runner) -> None:
    unreachable = cli("check", "sera", "--api", "http://127.0.0.1:9/api/v1", *ORDER, "--timeout", "2", env=env())
    assert unreachable.returncode == 3
    assert "could not reach http://127.0.0.1:9/api/v1/config" in unreachable.stderr
    assert "[NETWORK_ERROR]" in unreachable.stderr and "Traceback" not in unreachable.stderr


def test_a_server_error_exits_3(cli: Runner) -> None:
    with LiveServer(failing_verify_sera_app(create_app(ServerSettings()))) as server:
        result = cli("check", "sera", "--api", server.url + "/api/v1", *ORDER, "--retries", "0", env=env())
    assert result.returncode == 3
    assert "did not give a verdict" in result.stderr and "-> 500" in result.stderr


def test_a_server_naming_another_deployment_is_refused_unless_trusted_or_pinned(cli: Runner, tmp_path: Path) -> None:
    other_contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    config = tmp_path / "settings.json"
    config.write_text(json.dumps({"chain_id": 31337, "sera_address": other_contract}))
    pin = tmp_path / "domain.json"
    pin.write_text(json.dumps({"name": "Sera", "version": "1", "chainId": 31337, "verifyingContract": other_contract}))
    with VerifierProcess(None, "--executor-id", "7", "--config", str(config)) as process:
        refused = cli("check", "sera", "--api", process.api, *ORDER, env=env())
        trusted_code, trusted = check_sera(cli, process.api, *ORDER, "--trust-server-domain")
        pinned_code, pinned = check_sera(cli, process.api, *ORDER, "--domain", str(pin))
    # The signer decides: by default nothing is signed or sent, and both values of each field are named.
    assert refused.returncode == 1 and refused.stdout == ""
    assert "chainId: 31337 differs from the pinned 11155111" in refused.stderr
    assert f"verifyingContract: {other_contract!r} differs from the pinned" in refused.stderr
    assert "[DOMAIN_MISMATCH]" in refused.stderr and "--trust-server-domain" in refused.stderr
    for code, report in ((trusted_code, trusted), (pinned_code, pinned)):
        assert code == 0, report
        assert report["server_state"]["chain_id"] == 31337 and report["server_state"]["executor_id"] == 7
        assert report["signed"]["domain"]["chainId"] == 31337
        assert int(report["request"]["body"]["uuid_int"]) >> 252 == 7
    assert trusted["notes"] and not pinned["notes"]


# --- login flows ----------------------------------------------------------------------------------

def test_renance_login_is_accepted_and_the_token_redacted(cli: Runner) -> None:
    with LiveServer(renance_app()) as server:
        result = cli("check", "renance-login", "--api", server.url, env=env())
        shown = cli("check", "renance-login", "--api", server.url, "--show-token", "--json", env=env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "result: accepted" in result.stdout and "redacted" in result.stdout and "jwt." not in result.stdout
    data = json.loads(shown.stdout)
    assert data["accepted"] is True and data["token"].startswith("jwt.")
    assert [s["status"] for s in data["steps"]] == [200, 200]
    assert_no_key_material(result.stdout, result.stderr, shown.stdout)


def test_renance_login_with_another_domain_is_refused_unless_trusted(cli: Runner) -> None:
    local_chain = renance.DOMAIN.replace(chain_id=31337)
    with LiveServer(renance_app(domain=local_chain)) as server:
        refused = cli("check", "renance-login", "--api", server.url, "--json", env=env())
        result = cli("check", "renance-login", "--api", server.url, "--json", "--trust-server-domain", env=env())
    assert refused.returncode == 1 and "chainId: 31337 differs from the pinned 421614" in refused.stderr
    assert json.loads(refused.stdout)["error"]["code"] == "DOMAIN_MISMATCH"
    data = json.loads(result.stdout)
    assert result.returncode == 0 and data["accepted"] is True
    assert data["notes"] == ["signing for the server's domain (--trust-server-domain): chainId: 31337 differs from "
                             "the pinned 421614"]
    assert data["signed"]["domain"]["chainId"] == 31337 and data["signed"]["message"]["wallet"] == ADDR0


def test_renance_login_with_a_reordered_domain_type_is_refused_even_when_trusted(cli: Runner) -> None:
    """Same domain values, another EIP712Domain type: no flag signs it, and the refusal offers none."""
    with LiveServer(renance_app(reversed_domain_type=True)) as server:
        for trust in ((), ("--trust-server-domain",)):
            result = cli("check", "renance-login", "--api", server.url, "--json", *trust, env=env())
            assert result.returncode == 1, result.stderr
            assert json.loads(result.stdout)["error"]["code"] == "DOMAIN_MISMATCH"
            assert "non-canonical form" in result.stderr and "--trust-server-domain" not in result.stderr


def test_renance_login_refused_when_the_server_checks_another_domain_than_it_serves(cli: Runner) -> None:
    with LiveServer(renance_app(served_domain=renance.DOMAIN.replace(chain_id=1))) as server:
        result = cli("check", "renance-login", "--api", server.url, "--trust-server-domain", env=env())
    assert result.returncode == 1
    assert "result: refused — HTTP 403" in result.stdout and "SIGNATURE_INVALID" in result.stdout


def test_a_renance_refusal_is_reported_as_refused(cli: Runner) -> None:
    with LiveServer(renance_app(lie_about_nonce=True)) as server:
        result = cli("check", "renance-login", "--api", server.url, env=env())
    # The typed_data and the top-level nonce agree (both lie), so the kit signs; the server, which
    # checks its real nonce, refuses: the refusal is reported as such, not as success.
    assert result.returncode == 1 and "refused" in result.stdout


def test_alura_login_is_accepted_even_after_rate_limiting(cli: Runner) -> None:
    # The back-off schedule itself is asserted with an injected sleep in test_client.py; here, by
    # count, that the two 429s were answered and retried past (no wall-time bound).
    app = alura_app(rate_limited_first=2)
    with LiveServer(app) as server:
        result = cli("check", "alura-login", "--api", server.url, "--json", env=env())
    data = json.loads(result.stdout)
    assert result.returncode == 0 and data["accepted"] is True and data["token"] is None
    assert app.state.rate_limited == {"limited": 2}


def test_alura_login_always_rate_limited_or_broken_exits_3(cli: Runner) -> None:
    with LiveServer(alura_app(always_rate_limited=True)) as server:
        limited = cli("check", "alura-login", "--api", server.url, "--retries", "1", env=env())
    assert limited.returncode == 3 and "429" in limited.stderr and "rate limited" in limited.stderr
    with LiveServer(alura_app(fail_verify=True)) as server:
        broken = cli("check", "alura-login", "--api", server.url, "--retries", "0", env=env())
    assert broken.returncode == 3 and "-> 500" in broken.stderr


def test_alura_challenge_is_signed_byte_for_byte(cli: Runner) -> None:
    # A trailing newline and non-ASCII text are part of the message: signed exactly as sent.
    with LiveServer(alura_app(message_tail=" — ünïcode\n")) as server:
        exact = cli("check", "alura-login", "--api", server.url, "--json", env=env(KEY1))
    assert exact.returncode == 0 and json.loads(exact.stdout)["accepted"] is True
    # A server that verifies another text than it sent refuses: reported as refused, exit 1.
    with LiveServer(alura_app(message_tail="\n", verify_as=str.rstrip)) as server:
        refused = cli("check", "alura-login", "--api", server.url, env=env(KEY1))
    assert refused.returncode == 1 and "result: refused — HTTP 401" in refused.stdout
