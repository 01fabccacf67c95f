"""The one trust policy (eip712kit.protocols.trust): what a server's domain, tokens and text may be signed as.

Every command that signs — found by walking the command tree, not listed by hand — is either held to
the policy (it reads server material: a live answer or a saved one) and refuses a foreign server by
default, or signs only what its user typed, and says why. The same walk runs over the clients'
public methods. A new signing command or client method fails here until it is placed.
"""

from __future__ import annotations

import inspect
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from eip712kit import client as client_module
from eip712kit.base.errors import TrustError
from eip712kit.cli import COMMANDS, cli
from eip712kit.client import AluraClient, ApiClient, RenanceClient, SeraClient
from eip712kit.core.domain import Domain
from eip712kit.protocols import alura, renance, sera, trust
from eip712kit.protocols.sera import endpoints
from tests.helpers.cli_runner import Runner, assert_no_key_material, clean_env
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.hostile_server import SERA_ORDER, hostile_server
from tests.helpers.login_servers import LiveServer, renance_app

KEY, ADDRESS = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)
ENV = clean_env(EIP712KIT_PRIVATE_KEY=KEY)
FOREIGN = Domain(name="Sera", version="1", chain_id=1, verifying_contract="0x000000000000000000000000000000000000dEaD")
FOREIGN_RENANCE = renance.DOMAIN.replace(chain_id=31337)
TIMEOUT = ("--timeout", "5", "--retries", "0")

# --- the policy itself ---------------------------------------------------------------------------------


def test_a_domain_that_differs_is_refused_with_both_values_unless_trusted() -> None:
    assert trust.decide_domain(sera.DOMAIN, sera.DOMAIN) == trust.Decision(sera.DOMAIN)
    assert trust.decide_domain(sera.DOMAIN, None) == trust.Decision(sera.DOMAIN)
    with pytest.raises(TrustError) as info:
        trust.decide_domain(sera.DOMAIN, FOREIGN, source="GET /config")
    assert info.value.code == "DOMAIN_MISMATCH"
    assert "chainId: 1 differs from the pinned 11155111" in info.value.message
    assert "Nothing was signed or sent" in info.value.message and "--trust-server-domain" in info.value.message
    granted = trust.decide_domain(sera.DOMAIN, FOREIGN, trust_server_domain=True)
    assert granted.domain == FOREIGN
    assert granted.notes[0].startswith("signing for the server's domain (--trust-server-domain): chainId: 1")


def test_tokens_a_saved_list_contradicts_are_refused_and_the_documented_ones_stay_pinned() -> None:
    usdc = sera.SEPOLIA_TOKENS.tokens[1]
    lying = sera.TokenList([sera.Token(usdc.address, 18, "USDC"), sera.Token("0x" + "77" * 20, 18, "WETH")])
    with pytest.raises(TrustError) as info:
        trust.sera_token_pins(sera.DOMAIN, lying)
    assert info.value.code == "TOKEN_MISMATCH" and "the server says 18 decimals, pinned 6" in info.value.message
    trusted = trust.sera_token_pins(sera.DOMAIN, lying, trust_server_tokens=True)
    assert trusted.resolve("USDC").decimals == 18
    # On another chain the documented tokens are no pins: the list is the user's.
    assert trust.sera_token_pins(FOREIGN, lying).resolve("USDC").decimals == 18
    honest = sera.TokenList([sera.Token("0x" + "77" * 20, 18, "WETH")])
    pins = trust.sera_token_pins(sera.DOMAIN, honest)
    assert pins.resolve("WETH").decimals == 18 and pins.resolve("USDC").decimals == 6


@pytest.mark.parametrize("hidden", ["\u202e", "\u2066", "\u200b", "\ufeff", "\u2028", "\x9b", "\x1b[2J", "\r"])
def test_a_login_text_holding_an_unseen_character_is_refused_unless_trusted(hidden: str) -> None:
    text = f"Welcome\n\nWallet: {ADDRESS}\nNonce: n1\nI agree{hidden} to the terms"
    problems = trust.text_problems(text, nonce="n1", address=ADDRESS)
    assert len(problems) == 1 and "characters a person does not see as themselves" in problems[0]
    assert f"U+{ord(hidden[0]):04X}" in problems[0]
    with pytest.raises(TrustError) as info:
        trust.require_login_text(text, nonce="n1", address=ADDRESS)
    assert info.value.code == "CHALLENGE_MISMATCH"
    trust.require_login_text(text, nonce="n1", address=ADDRESS, trust_server_text=True)
    assert trust.text_problems(text.replace(hidden, ""), nonce="n1", address=ADDRESS) == []


def test_a_sign_in_text_behind_a_leading_space_is_still_held_to_its_host() -> None:
    text = (f" app.uniswap.org wants you to sign in with your Ethereum account:\n{ADDRESS}\n\nURI: https://app.uniswap.org"
            "\nNonce: n1")
    problems = trust.text_problems(text, nonce="n1", address=ADDRESS, api_url="https://testnet-api.alura.fun")
    assert any("not for the API's host" in p for p in problems)


# --- walking every signing command --------------------------------------------------------------------

def _walk(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            yield from _walk(sub, (*path, name))
    else:
        yield path, command


def _params(command: click.Command) -> set[str]:
    return {p.name for p in command.params if p.name}


SERVER_MATERIAL = {"api", "config_file", "tokens_file", "challenge_file", "quote_file", "request_file"}
"""Parameters through which a server's words enter a command: a live API, or a saved answer."""


def signing_commands() -> dict[str, click.Command]:
    """Every command that can sign with a key: it takes the key options."""
    found = {}
    for name in COMMANDS:
        top = cli.get_command(click.Context(cli), name)
        assert top is not None
        for path, command in _walk(top, (name,)):
            if any(p.name in ("key_env", "key_file") for p in command.params) or "key_env" in _params(command):
                found[" ".join(path)] = command
    return found


USER_MATERIAL_ONLY = {
    "sign": "signs the typed-data document its user gives, as given (no pin to compare a document with)",
    "message sign": "signs the text or bytes its user gives",
    "renance order": "builds the order from its user's options; the domain is the documented or the options'",
    "renance cancel": "builds the cancel from its user's order ids",
}


def _write(tmp: Path, name: str, value: Any) -> str:
    path = tmp / name
    path.write_text(json.dumps(value), encoding="utf-8")
    return str(path)


def _foreign_config(tmp: Path) -> str:
    return _write(tmp, "config.json", {"chain_id": 1, "sera_address": "0x000000000000000000000000000000000000dEaD"})


def _foreign_nonce(tmp: Path) -> str:
    typed = renance.Login(wallet=ADDRESS, nonce=7, timestamp=1_767_225_600).to_typed_data(FOREIGN_RENANCE)
    return _write(tmp, "nonce.json", {"nonce": 7, "typed_data": typed})


def _siwe_challenge(tmp: Path) -> str:
    text = (f"app.uniswap.org wants you to sign in with your Ethereum account:\n{ADDRESS}\n\n"
            "URI: https://app.uniswap.org\nVersion: 1\nChain ID: 1\nNonce: n-1")
    return _write(tmp, "challenge.json", {"address": ADDRESS, "nonce": "n-1", "message": text})


def _quote(tmp: Path) -> str:
    route = {"taker": ADDRESS, "inputToken": "0x" + "11" * 20, "outputToken": "0x" + "22" * 20,
             "maxInputAmount": "1000", "minOutputAmount": "990", "recipient": ADDRESS, "initialDepositAmount": "0",
             "uuid": "1", "deadline": int(time.time()) + 3600}
    return _write(tmp, "quote.json", {"route_params": route})


def _lying_tokens(tmp: Path) -> str:
    return _write(tmp, "tokens.json", {"tokens": [
        {"symbol": "EURC", "address": sera.SEPOLIA_TOKENS.tokens[0].address, "decimals": 6},
        {"symbol": "USDC", "address": sera.SEPOLIA_TOKENS.tokens[1].address, "decimals": 18}]})


# Each command held to the policy: (the arguments that hand it a foreign server, the refusal's code, the flag
# that grants the trust). "{api}" is a live server that names a foreign deployment; a file is a saved answer.
HELD: dict[str, list[tuple[Callable[[Path], list[str]], str, str]]] = {
    "check sera": [(lambda tmp: ["check", "sera", *SERA_ORDER, "--api", "{sera-foreign-domain}"],
                    "DOMAIN_MISMATCH", "--trust-server-domain"),
                   (lambda tmp: ["check", "sera", *SERA_ORDER, "--api", "{sera-foreign-decimals}"],
                    "TOKEN_MISMATCH", "--trust-server-tokens")],
    "check renance-login": [(lambda tmp: ["check", "renance-login", "--api", "{renance-foreign}"],
                             "DOMAIN_MISMATCH", "--trust-server-domain")],
    "check alura-login": [(lambda tmp: ["check", "alura-login", "--api", "{alura-other-host}"],
                           "CHALLENGE_MISMATCH", "--trust-server-text")],
    "sera order": [(lambda tmp: ["sera", "order", *SERA_ORDER, "--executor-id", "0", "--config", _foreign_config(tmp)],
                    "DOMAIN_MISMATCH", "--trust-server-domain"),
                   (lambda tmp: ["sera", "order", *SERA_ORDER, "--executor-id", "0", "--tokens", _lying_tokens(tmp)],
                    "TOKEN_MISMATCH", "--trust-server-tokens")],
    "sera cancel": [(lambda tmp: ["sera", "cancel", "--uuid-int", "1", "--config", _foreign_config(tmp)],
                     "DOMAIN_MISMATCH", "--trust-server-domain")],
    "sera cancel-batch": [(lambda tmp: ["sera", "cancel-batch", "--vl-batch-id", "b1", "--config",
                                        _foreign_config(tmp)], "DOMAIN_MISMATCH", "--trust-server-domain")],
    "sera withdraw": [(lambda tmp: ["sera", "withdraw", "--token", "0x" + "11" * 20, "--amount-units", "5",
                                    "--config", _foreign_config(tmp)], "DOMAIN_MISMATCH", "--trust-server-domain")],
    "sera intent": [(lambda tmp: ["sera", "intent", _quote(tmp), "--config", _foreign_config(tmp)],
                     "DOMAIN_MISMATCH", "--trust-server-domain")],
    "sera api-key": [(lambda tmp: ["sera", "api-key", "list", "--config", _foreign_config(tmp)],
                      "DOMAIN_MISMATCH", "--trust-server-domain")],
    "renance login": [(lambda tmp: ["renance", "login", "--challenge", _foreign_nonce(tmp)],
                       "DOMAIN_MISMATCH", "--trust-server-domain")],
    "alura login": [(lambda tmp: ["alura", "login", "--challenge", _siwe_challenge(tmp)],
                     "CHALLENGE_MISMATCH", "--trust-server-text")],
}


def test_every_signing_command_is_placed_and_each_one_reading_a_server_has_its_trust_flags() -> None:
    commands = signing_commands()
    assert set(commands) == set(HELD) | set(USER_MATERIAL_ONLY), "place a new signing command in HELD or " \
                                                                  "USER_MATERIAL_ONLY (tests/test_trust.py)"
    for name, command in commands.items():
        reads_server = bool(_params(command) & SERVER_MATERIAL)
        assert reads_server == (name in HELD), name
        flags = {p for p in _params(command) if p.startswith("trust_server_")}
        wanted = {flag.removeprefix("--").replace("-", "_") for _, _, flag in HELD.get(name, [])}
        assert flags == wanted, (name, flags)


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    """The live servers the checks are pointed at, by the placeholder HELD uses."""
    with hostile_server("foreign-domain") as domain, hostile_server("foreign-decimals") as decimals, \
            hostile_server("siwe-other-host") as other_host, \
            LiveServer(renance_app(domain=FOREIGN_RENANCE, served_domain=FOREIGN_RENANCE)) as foreign_renance:
        yield {"{sera-foreign-domain}": domain.url, "{sera-foreign-decimals}": decimals.url,
               "{alura-other-host}": other_host.url, "{renance-foreign}": foreign_renance.url}


CASES = [(name, i) for name, cases in HELD.items() for i in range(len(cases))]


@pytest.mark.parametrize("name, index", CASES, ids=[f"{n} #{i}" for n, i in CASES])
def test_every_signing_command_refuses_a_foreign_server_unless_the_flag_grants_it(
        cli: Runner, servers: dict[str, str], tmp_path: Path, name: str, index: int) -> None:
    make_args, code, flag = HELD[name][index]
    args = [servers.get(a, a) for a in make_args(tmp_path)]
    live = "--api" in args
    refused = cli(*args, *(TIMEOUT if live else ()), env=ENV)
    assert refused.returncode == 1, refused.stderr
    assert f"[{code}]" in refused.stderr and flag in refused.stderr, refused.stderr
    assert "Nothing was signed" in refused.stderr
    assert refused.stdout == "" or "signature" not in refused.stdout  # shown, maybe; never signed
    granted = cli(*args, *(TIMEOUT if live else ()), flag, "--json", env=ENV)
    assert granted.returncode == 0, granted.stderr
    assert_no_key_material(refused.stdout, refused.stderr, granted.stdout, granted.stderr)
    if code == "DOMAIN_MISMATCH":  # the grant is never silent
        assert "signing for the server's domain (--trust-server-domain)" in granted.stdout + granted.stderr


def test_a_refused_live_check_sends_nothing(tmp_path: Path, cli: Runner) -> None:
    with hostile_server("foreign-domain") as server:
        result = cli("check", "sera", *SERA_ORDER, *TIMEOUT, "--api", server.url, env=ENV)
        received = list(server.received)
    assert result.returncode == 1 and not any(method == "POST" for method, _ in received)


def test_a_saved_config_that_matches_the_pin_is_signed_and_said_on_stderr_with_body(cli: Runner,
                                                                                     tmp_path: Path) -> None:
    config = _write(tmp_path, "config.json", {"chain_id": sera.DOMAIN.chain_id,
                                              "sera_address": sera.DOMAIN.verifying_contract})
    result = cli("sera", "cancel", "--uuid-int", "1", "--config", config, "--body", env=ENV)
    assert result.returncode == 0, result.stderr
    assert "signing CancelOrder (EIP-712) in domain 'Sera' v1, chain 11155111" in result.stderr
    assert json.loads(result.stdout)["signature"].startswith("0x")


# --- the clients walk the same policy -------------------------------------------------------------------

TRANSPORT_ONLY = {
    "SeraClient": {"health", "executor_id", "server_time", "config", "tokens", "markets", "verify_signature",
                   "create_api_key", "list_api_keys", "revoke_api_key", "revoke_all_api_keys", "self_revoke_api_key",
                   "verify_api_key"},
    "RenanceClient": {"nonce", "login"},
    "AluraClient": {"challenge", "verify"},
}
"""Methods that send what their caller built and return the server's answer: nothing in them is signed."""

DECIDING = {
    "SeraClient": {"signing_domain", "signing_tokens"},
    "RenanceClient": {"login_challenge", "log_in"},
    "AluraClient": {"login_challenge", "log_in"},
}
"""Methods that read what will be signed: each is driven against a foreign server below."""


def _public_methods(cls: type[ApiClient]) -> set[str]:
    base = set(dir(ApiClient))
    return {name for name, _ in inspect.getmembers(cls, inspect.isfunction) if not name.startswith("_")
            and name not in base}


@pytest.mark.parametrize("cls", [SeraClient, RenanceClient, AluraClient], ids=lambda c: c.__name__)
def test_every_client_method_is_placed(cls: type[ApiClient]) -> None:
    assert _public_methods(cls) == TRANSPORT_ONLY[cls.__name__] | DECIDING[cls.__name__]
    assert not TRANSPORT_ONLY[cls.__name__] & DECIDING[cls.__name__]
    assert cls.__name__ in client_module.__all__


def test_the_sera_client_refuses_a_foreign_deployment_and_foreign_decimals() -> None:
    with hostile_server("foreign-domain") as server, SeraClient(server.url, retries=0) as client:
        with pytest.raises(TrustError) as info:
            client.signing_domain()
        assert info.value.code == "DOMAIN_MISMATCH"
        decision = client.signing_domain(trust_server_domain=True)
        assert decision.domain.chain_id == 1 and decision.notes
        assert client.signing_domain(FOREIGN) == trust.Decision(FOREIGN)  # the user's own pin
    with hostile_server("foreign-decimals") as server, SeraClient(server.url, retries=0) as client:
        with pytest.raises(TrustError) as info:
            client.signing_tokens(sera.DOMAIN)
        assert info.value.code == "TOKEN_MISMATCH"
        assert client.signing_tokens(sera.DOMAIN, trust_server_tokens=True).resolve("USDC").decimals == 18
        received = list(server.received)
    assert ("POST", endpoints.VERIFY_SIGNATURE) not in received


def test_the_renance_client_refuses_a_foreign_domain_and_sends_nothing() -> None:
    with LiveServer(renance_app(served_domain=FOREIGN_RENANCE, domain=FOREIGN_RENANCE)) as server, \
            RenanceClient(server.url, retries=0) as client:
        for call in (lambda: client.login_challenge(ADDRESS), lambda: client.log_in(KEY)):
            with pytest.raises(TrustError) as info:
                call()
            assert info.value.code == "DOMAIN_MISMATCH"
        plan = client.login_challenge(ADDRESS, trust_server_domain=True)
        assert plan.decision.domain == FOREIGN_RENANCE and plan.signed_view()["domain"]["chainId"] == 31337
        assert client.log_in(KEY, trust_server_domain=True).status == 200
        assert client.log_in(KEY, FOREIGN_RENANCE).status == 200  # pinned by the caller: no trust needed


def test_the_alura_client_refuses_a_text_for_another_host_and_sends_nothing() -> None:
    with hostile_server("siwe-other-host") as server, AluraClient(server.url, retries=0) as client:
        with pytest.raises(TrustError) as info:
            client.log_in(KEY)
        assert info.value.code == "CHALLENGE_MISMATCH"
        with pytest.raises(TrustError):
            client.login_challenge(ADDRESS).sign(KEY)
        assert not any(path == alura.VERIFY_PATH for _, path in server.received)
        assert client.log_in(KEY, trust_server_text=True).status == 200
