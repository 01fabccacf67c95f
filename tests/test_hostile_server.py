"""Against a hostile server, the checks refuse to sign what is not pinned and always end, with exit 3 for a fault.

Each test runs the real command line against one mode of :mod:`tests.helpers.hostile_server` and
asserts the exit code, the one sentence on stderr (with its code), that nothing was signed and sent
when the kit had to refuse, and — for the huge answers — that memory stayed bounded. Wall time is
not asserted: each run has a hang guard (the subprocess timeout), and ``tools/hostile_report.py``
prints the time each mode took.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eip712kit.protocols import alura
from eip712kit.protocols.sera import endpoints
from tests.helpers.cli_runner import assert_no_key_material, clean_env
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.hostile_server import SERA_ORDER, Outcome, run_against

KEY, ADDRESS = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)
ENV = clean_env(EIP712KIT_PRIVATE_KEY=KEY)
TIMEOUT = ("--timeout", "2", "--retries", "0")


def check_sera(mode: str, tmp_path: Path, *extra: str) -> Outcome:
    outcome = run_against(mode, "check", "sera", *SERA_ORDER, *TIMEOUT, *extra, env=ENV, tmp=tmp_path)
    assert "Traceback" not in outcome.stderr and outcome.code != 70, outcome.stderr
    assert_no_key_material(outcome.stdout, outcome.stderr)
    return outcome


def one_error_line(outcome: Outcome) -> str:
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), outcome.stderr
    return lines[0]


def test_an_honest_server_is_signed_for_and_the_signed_base_units_are_shown(tmp_path: Path) -> None:
    outcome = check_sera("honest", tmp_path)
    assert outcome.code == 0, outcome.stderr
    assert "fromAmount           1085000000  base units (= 1085.0 USDC)" in outcome.stdout
    assert "toAmount             1000000000  base units (= 1000.0 EURC)" in outcome.stdout
    assert "chain 11155111, contract 0xd0fc92d8eF9bE26D7288fCa1D6458f675e72B83a" in outcome.stdout
    # what is signed is shown before the server's verdict
    assert outcome.stdout.index("signing Order (EIP-712)") < outcome.stdout.index("result: accepted by both")
    assert outcome.posted(endpoints.VERIFY_SIGNATURE)


@pytest.mark.parametrize("mode, code, says", [
    ("foreign-domain", "DOMAIN_MISMATCH", "chainId: 1 differs from the pinned 11155111"),
    ("foreign-decimals", "TOKEN_MISMATCH", "the server says 18 decimals, pinned 6"),
    ("foreign-symbol", "TOKEN_MISMATCH", "USDC: the server lists it at 0xaAaAaAaa"),
])
def test_a_server_that_differs_from_the_pins_gets_nothing_signed(tmp_path: Path, mode: str, code: str,
                                                                  says: str) -> None:
    outcome = check_sera(mode, tmp_path)
    line = one_error_line(outcome)
    assert outcome.code == 1 and f"[{code}]" in line and says in line and "Nothing was signed or sent" in line
    assert not any(method == "POST" for method, _ in outcome.received)
    assert outcome.stdout == ""


def test_trust_is_granted_only_by_the_flag_that_names_it(tmp_path: Path) -> None:
    domain = check_sera("foreign-domain", tmp_path, "--trust-server-domain")
    decimals = check_sera("foreign-decimals", tmp_path, "--trust-server-tokens")
    assert domain.code == 0 and "note: signing for the server's domain (--trust-server-domain)" in domain.stdout
    # With the server's 18 decimals trusted, the base units signed are shown as what they are.
    assert decimals.code == 0 and "fromAmount           1085000000000000000000  base units" in decimals.stdout


@pytest.mark.parametrize("mode", ["trickled-body", "endless-body", "headers-only"])
def test_a_slow_or_endless_answer_ends_at_the_deadline(tmp_path: Path, mode: str) -> None:
    outcome = check_sera(mode, tmp_path)
    line = one_error_line(outcome)
    assert outcome.code == 3 and "timed out after 2 s" in line and "[NETWORK_ERROR]" in line
    assert not any(method == "POST" for method, _ in outcome.received)


@pytest.mark.parametrize("mode, says", [
    ("huge-body", "over the 4,194,304-byte limit (it goes on past that)"),
    ("huge-declared", "over the 4,194,304-byte limit (it declares 419,430,400 bytes)"),
])
def test_a_huge_answer_is_refused_with_bounded_memory(tmp_path: Path, mode: str, says: str) -> None:
    outcome = check_sera(mode, tmp_path)
    line = one_error_line(outcome)
    assert outcome.code == 3 and says in line and "[SERVER_ERROR]" in line
    assert 0 < outcome.max_rss_kib < 160 * 1024  # a 400 MiB answer; the process stays far below it


@pytest.mark.parametrize("mode, says", [
    ("gzip-bomb", "over the 4,194,304-byte limit (its gzip content inflates past that)"),
    ("deflate-bomb", "over the 4,194,304-byte limit (its deflate content inflates past that)"),
    ("raw-deflate-bomb", "over the 4,194,304-byte limit (its deflate content inflates past that)"),
    ("br-bomb", "cannot be read: its content coding br is not one this kit decodes"),
    ("stacked-gzip", "cannot be read: it is compressed 2 times over (gzip, gzip)"),
    ("unknown-coding", "cannot be read: its content coding x-hostile is not one this kit decodes"),
])
def test_a_compressed_bomb_or_an_unknown_coding_is_refused_with_bounded_memory(tmp_path: Path, mode: str,
                                                                              says: str) -> None:
    """1 GiB behind a megabyte (or 841 bytes of brotli, or 2.5 KB of gzip twice): refused past the cap, not read.

    Before the transport decoded answers itself, the one-layer bombs peaked at 158 MiB and ``gzip, gzip``
    at 2,080 MiB (exit 70 under a 3 GB address-space limit).
    """
    outcome = check_sera(mode, tmp_path)
    line = one_error_line(outcome)
    assert outcome.code == 3 and says in line and "[SERVER_ERROR]" in line
    assert 0 < outcome.max_rss_kib < 100 * 1024
    assert not any(method == "POST" for method, _ in outcome.received)


def test_an_honest_answer_compressed_once_is_read(tmp_path: Path) -> None:
    outcome = check_sera("honest-gzip", tmp_path)
    assert outcome.code == 0, outcome.stderr
    assert outcome.posted(endpoints.VERIFY_SIGNATURE)


@pytest.mark.parametrize("mode, says", [
    ("nan-time", "NaN is not valid JSON"),
    ("infinity-time", "Infinity is not valid JSON"),
    ("1e300-time", "1e+300, which is not a plausible Unix time"),
    ("arabic-digit-time", "clock '١٧٠٠٠٠٠٠٠٠' is written in digits other than ASCII 0-9"),
    ("deep-json", "nests deeper than 64 levels"),
    ("bad-json", "not valid JSON: Expecting value"),
    ("wrong-content-type", "its content type is text/html, not application/json"),
])
def test_a_malformed_or_absurd_answer_is_a_server_error(tmp_path: Path, mode: str, says: str) -> None:
    outcome = check_sera(mode, tmp_path)
    line = one_error_line(outcome)
    assert outcome.code == 3 and says in line and "[SERVER_ERROR]" in line
    assert not any(method == "POST" for method, _ in outcome.received)


# --- Alura: the server's text ---------------------------------------------------------------------

def check_alura(mode: str, tmp_path: Path, *extra: str) -> Outcome:
    outcome = run_against(mode, "check", "alura-login", *TIMEOUT, *extra, env=ENV, tmp=tmp_path)
    assert "Traceback" not in outcome.stderr and outcome.code != 70, outcome.stderr
    assert_no_key_material(outcome.stdout, outcome.stderr)
    return outcome


def test_an_honest_challenge_is_shown_then_signed(tmp_path: Path) -> None:
    outcome = check_alura("honest", tmp_path)
    assert outcome.code == 0, outcome.stderr
    assert f'text to sign (personal_sign, UTF-8): "Welcome to Alura!\\n\\nWallet: {ADDRESS}' in outcome.stdout
    assert outcome.posted(alura.VERIFY_PATH)


@pytest.mark.parametrize("mode, says", [
    ("siwe-other-host", "Sign-In-With-Ethereum text for 'app.uniswap.org', not for the API's host '127.0.0.1:"),
    ("no-nonce", "does not contain the nonce 'n-7f3a'"),
])
def test_a_login_text_for_another_site_or_without_its_nonce_is_not_signed(tmp_path: Path, mode: str,
                                                                         says: str) -> None:
    outcome = check_alura(mode, tmp_path)
    line = one_error_line(outcome)
    assert outcome.code == 1 and says in line and "[CHALLENGE_MISMATCH]" in line
    assert "text to sign (personal_sign, UTF-8)" in outcome.stdout  # shown, then refused
    assert not outcome.posted(alura.VERIFY_PATH)
    trusted = check_alura(mode, tmp_path, "--trust-server-text")
    assert trusted.code == 0 and trusted.posted(alura.VERIFY_PATH)
