"""Key material never leaves: not the key, not the mnemonic, not the keystore password.

Every command of ``eip712kit --help`` (and of each group's help) runs here with the secrets in its
environment; every command that takes a key runs with each key source — the default variable,
a named variable holding the key in upper case without ``0x``, a key file, an encrypted keystore
with its password in a variable, and a BIP-39 mnemonic in a variable. The library entry points
that take a key run too, and so do the error paths: malformed keys, a key file that is a keystore,
a wrong keystore password, a corrupt keystore, an invalid mnemonic or derivation path, a key that
signs as the wrong address. ``eip712kit serve`` answers signed requests and its SQLite files are
read back byte by byte.

What is searched, everywhere: stdout, stderr, log records at DEBUG (in-process) or the server's
log (subprocess), exception texts, reprs, ``to_dict()`` and formatted tracebacks, and every file
written under the working directory and ``$HOME`` (the key sources placed there on purpose
excepted). What counts as a leak: any 16-hex-digit stretch of the key, in any case, with or
without ``0x``; the raw 32 key bytes; the mnemonic or any four consecutive words of it; the
password (and the wrong one tried). A new command fails the enumeration test until it is either
run here with every key source or listed as key-free with the reason.

The key is the PUBLIC development key #0 (Hardhat/Anvil), derived from the PUBLIC development
mnemonic; the password is this test's own. Commands run in-process for speed (through
:func:`eip712kit.cli.run`, the console script's own exit-code mapping) and through the installed
script for the real process boundary.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import re
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from eth_account import Account

import eip712kit
from eip712kit import batch
from eip712kit.base.errors import Eip712KitError
from eip712kit.cli import run
from eip712kit.conformance import LibraryTarget
from eip712kit.core.keys import PrivateKey, as_private_key, load_key
from eip712kit.core.signature import SECP256K1_N, sign_digest
from eip712kit.protocols import alura, renance, sera
from tests.helpers.cli_runner import COMMAND, clean_env
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.examples import mail
from tests.helpers.login_servers import LiveServer, alura_app, renance_app
from tests.helpers.reference import eth_account_sign_text, eth_account_sign_typed
from tests.helpers.verifier_process import VerifierProcess

KEY, ADDRESS = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)
OTHER_ADDRESS = DEV_KEYS[1][1]
MNEMONIC = "test test test test test test test test test test test junk"  # PUBLIC development mnemonic -> KEY
PASSWORD = "keystore-password-of-the-PUBLIC-dev-key-7c2e"  # this test's own
WRONG_PASSWORD = "not-the-keystore-password-91ab"
NEAR_KEY = KEY[:-1] + "g"  # one digit short of a key, one non-hex
SHORT_KEY = KEY[:-1]
OVER_ORDER = f"0x{SECP256K1_N + 12345:064x}"
INVALID_MNEMONIC = " ".join(["test"] * 12)  # twelve valid words, wrong checksum
CHAIN_2 = 2


# --- what a leak looks like ---------------------------------------------------------------------

def _windows(text: str, size: int) -> set[str]:
    return {text[i:i + size] for i in range(len(text) - size + 1)}


HEX_SECRETS = [KEY[2:], NEAR_KEY[2:], SHORT_KEY[2:]]
HEX_WINDOWS = set().union(*(_windows(s.lower(), 16) for s in HEX_SECRETS)) | {OVER_ORDER[2:]}
WORDS = MNEMONIC.split()
PHRASES = [" ".join(WORDS[i:i + 4]) for i in range(len(WORDS) - 3)] + [INVALID_MNEMONIC]
PASSWORDS = [PASSWORD, WRONG_PASSWORD]
RAW_KEY = bytes.fromhex(KEY[2:])


def leaks(text: str) -> list[str]:
    """Which secrets ``text`` holds (named, never quoted: the report must not leak either)."""
    lowered = text.lower()
    found = []
    if any(window in lowered for window in HEX_WINDOWS):
        found.append("16+ hex digits of the private key")
    if any(phrase in " ".join(text.split()) for phrase in PHRASES):
        found.append("the mnemonic (4+ consecutive words)")
    found += [f"keystore password #{i}" for i, p in enumerate(PASSWORDS) if p in text]
    return found


def leaks_in_bytes(data: bytes) -> list[str]:
    found = leaks(data.decode("latin-1"))
    if RAW_KEY in data:
        found.append("the raw 32 key bytes")
    return found


def assert_clean(what: str, text: str) -> None:
    found = leaks(text)
    assert not found, f"{what} holds {', '.join(found)}"


# --- the lab: key sources, inputs, servers ------------------------------------------------------

_SPEC_MAIL = mail()
MAIL: dict[str, Any] = {  # the specification's Mail example (examples/mail.json), its EIP712Domain left to be derived
    **_SPEC_MAIL, "types": {k: v for k, v in _SPEC_MAIL["types"].items() if k != "EIP712Domain"}}
ORDER = ["--side", "bid", "--amount", "1000.0", "--price", "1.085", "--base", "EURC", "--quote", "USDC"]
USDC = "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238"
EURC = "0x08210F9170F89Ab7658F0B5E3fF39b0E03C594D4"


@dataclass
class Lab:
    root: Path
    verifier: VerifierProcess
    renance_url: str
    alura_url: str
    placed: set[Path] = field(default_factory=set)
    """Files that hold key material on purpose (the key sources); every other file is scanned."""

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def home(self) -> Path:
        return self.root / "home"

    def env(self, **extra: str) -> dict[str, str]:
        """Every secret in the environment, whatever the command: a command that dumped it would show."""
        return {"EIP712KIT_PRIVATE_KEY": KEY, "BOT_KEY": KEY[2:].upper(), "BOT_MNEMONIC": MNEMONIC,
                "KS_PASSWORD": PASSWORD, "HOME": str(self.home), **extra}

    def assert_no_file_leaks(self) -> None:
        """Every file under the lab: the working directory, $HOME, the verifier's SQLite file and WAL."""
        for path in self.root.rglob("*"):
            if path.is_file() and path not in self.placed:
                found = leaks_in_bytes(path.read_bytes())
                assert not found, f"{path.relative_to(self.root)} holds {', '.join(found)}"


@dataclass(frozen=True)
class Source:
    """Where the key comes from: the options that name it (the environment always holds everything)."""

    name: str
    args: tuple[str, ...]


SOURCES = [
    Source("default variable", ()),
    Source("named variable, upper case, no 0x", ("--key-env", "BOT_KEY")),
    Source("key file", ("--key-file", "key.txt")),
    Source("keystore", ("--keystore", "keystore.json", "--password-env", "KS_PASSWORD")),
    Source("mnemonic", ("--mnemonic-env", "BOT_MNEMONIC")),
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("key-leaks")
    (root / "work").mkdir()
    (root / "home").mkdir()
    with VerifierProcess(root / "verifier.sqlite3") as verifier, LiveServer(renance_app()) as ren, \
            LiveServer(alura_app()) as alu:
        lab = Lab(root, verifier, ren.url, alu.url)
        write = _writer(lab)
        write("key.txt", KEY + "\n", placed=True)
        write("keystore.json", json.dumps(Account.encrypt(KEY, PASSWORD, kdf="pbkdf2", iterations=2)), placed=True)
        write("near-key.txt", NEAR_KEY, placed=True)
        corrupt = Account.encrypt(KEY, PASSWORD, kdf="pbkdf2", iterations=2)
        corrupt["crypto"]["ciphertext"] = "00" + corrupt["crypto"]["ciphertext"][2:]
        write("corrupt-keystore.json", json.dumps(corrupt), placed=True)
        write("mail.json", json.dumps(MAIL))
        write("renance-domain.json", json.dumps(renance.DOMAIN.to_dict()))
        write("mails.jsonl", "\n".join(json.dumps(MAIL) for _ in range(3)) + "\n")
        write("challenge.json", json.dumps({"address": ADDRESS, "nonce": "n-1",
                                            "message": f"Sign in to Alura\nWallet: {ADDRESS}\nNonce: n-1"}))
        now = int(time.time())
        write("quote.json", json.dumps({"route_params": {
            "taker": ADDRESS, "inputToken": USDC, "outputToken": EURC, "maxInputAmount": "1085000000",
            "minOutputAmount": "1000000000", "recipient": ADDRESS, "initialDepositAmount": "0",
            "uuid": str(0x1234), "deadline": now + 3600}}))
        write("other-quote.json", json.dumps({"route_params": {
            "taker": OTHER_ADDRESS, "inputToken": USDC, "outputToken": EURC, "maxInputAmount": "1",
            "minOutputAmount": "1", "recipient": OTHER_ADDRESS, "initialDepositAmount": "0", "uuid": "1",
            "deadline": now + 3600}}))
        previous = Path.cwd()
        os.chdir(lab.work)  # in-process runs write, if they ever write, where the scan looks
        try:
            yield lab
        finally:
            os.chdir(previous)


def _writer(lab: Lab) -> Callable[..., None]:
    def write(name: str, text: str, placed: bool = False) -> None:
        path = lab.work / name
        path.write_text(text)
        if placed:
            lab.placed.add(path)

    return write


# --- running commands ---------------------------------------------------------------------------

@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str
    logs: str = ""

    def assert_clean(self, what: str) -> None:
        for name, text in (("stdout", self.stdout), ("stderr", self.stderr), ("log", self.logs)):
            assert_clean(f"{name} of {what}", text)


def in_process(lab: Lab, caplog: pytest.LogCaptureFixture, args: list[str], *, stdin: bytes = b"",
               env: dict[str, str] | None = None) -> Ran:
    caplog.clear()
    with caplog.at_level(logging.DEBUG), CliRunner().isolation(input=stdin, env=env or lab.env()) as (out, err, _):
        code = run(args)
        ran = Ran(code, out.getvalue().decode("utf-8", "backslashreplace"),
                  err.getvalue().decode("utf-8", "backslashreplace"), caplog.text)
    ran.assert_clean("eip712kit " + " ".join(args))
    lab.assert_no_file_leaks()
    return ran


def subprocess_run(lab: Lab, args: list[str], *, stdin: bytes = b"", env: dict[str, str] | None = None) -> Ran:
    done = subprocess.run([*COMMAND, *args], input=stdin, capture_output=True, timeout=60, cwd=lab.work,
                          env=clean_env(**(env or lab.env())))
    ran = Ran(done.returncode, done.stdout.decode("utf-8", "backslashreplace"),
              done.stderr.decode("utf-8", "backslashreplace"))
    ran.assert_clean("the script eip712kit " + " ".join(args))
    lab.assert_no_file_leaks()
    return ran


# --- every command ------------------------------------------------------------------------------

KEY_COMMANDS: dict[str, Callable[[Lab], list[str]]] = {
    "sign": lambda lab: ["sign", "mail.json", "--json"],
    "message sign": lambda lab: ["message", "sign", "--text", "hello", "--json"],
    "sera order": lambda lab: ["sera", "order", *ORDER, "--executor-id", "0", "--json"],
    "sera cancel": lambda lab: ["sera", "cancel", "--order-id", "00000000-0000-4000-8000-000000000001",
                                "--executor-id", "0", "--json"],
    "sera cancel-batch": lambda lab: ["sera", "cancel-batch", "--vl-batch-id", "vl-1", "--json"],
    "sera withdraw": lambda lab: ["sera", "withdraw", "--token", USDC, "--amount-units", "5000000", "--json"],
    "sera intent": lambda lab: ["sera", "intent", "quote.json", "--json"],
    "sera api-key": lambda lab: ["sera", "api-key", "create", "--label", "bot", "--json"],
    "renance login": lambda lab: ["renance", "login", "--nonce", "7", "--json"],
    "renance order": lambda lab: ["renance", "order", "--symbol", "BTCUSDT", "--side", "buy", "--type", "limit",
                                  "--amount", "0.001", "--price", "100000.00", "--json"],
    "renance cancel": lambda lab: ["renance", "cancel", "order_1", "order_2", "--json"],
    "alura login": lambda lab: ["alura", "login", "--challenge", "challenge.json", "--trust-server-text", "--json"],
    "check sera": lambda lab: ["check", "sera", "--api", lab.verifier.api, *ORDER, "--trust-server-domain",
                               "--trust-server-tokens", "--json"],
    "check renance-login": lambda lab: ["check", "renance-login", "--api", lab.renance_url, "--domain",
                                        "renance-domain.json", "--json"],
    "check alura-login": lambda lab: ["check", "alura-login", "--api", lab.alura_url, "--trust-server-text",
                                      "--json"],
}
"""Commands that load a key: each runs with every key source, and must succeed signing as ADDRESS."""

SIGNATURE = eth_account_sign_typed(MAIL, KEY)
OTHER_CHAIN_SIGNATURE = eth_account_sign_typed({**MAIL, "domain": {**MAIL["domain"], "chainId": CHAIN_2}}, KEY)
MESSAGE_SIGNATURE = eth_account_sign_text("hello", KEY)
UUID_INT = "6427948336465191935941739505432058208337171677044006212075520"
ADAPTER = Path(__file__).resolve().parent.parent / "tools" / "adapters" / "eip712kit_adapter.py"

KEY_FREE: dict[str, tuple[str, Callable[[Lab], list[str]]]] = {
    "hash": ("reads a document", lambda lab: ["hash", "mail.json", "--trace"]),
    "recover": ("reads a signature", lambda lab: ["recover", "mail.json", SIGNATURE, "--json"]),
    "verify": ("reads a signature", lambda lab: ["verify", "mail.json", SIGNATURE, ADDRESS, "--json"]),
    "message hash": ("hashes a message", lambda lab: ["message", "hash", "--text", "hello", "--json"]),
    "message recover": ("reads a signature", lambda lab: ["message", "recover", "--text", "hello",
                                                          MESSAGE_SIGNATURE]),
    "message verify": ("reads a signature", lambda lab: ["message", "verify", "--text", "hello", MESSAGE_SIGNATURE,
                                                         ADDRESS]),
    "uuid pack": ("packs ids", lambda lab: ["uuid", "pack", "00000000-0000-4000-8000-000000000001",
                                            "--executor-id", "0"]),
    "uuid unpack": ("unpacks a number", lambda lab: ["uuid", "unpack", UUID_INT]),
    "uuid check": ("compares ids", lambda lab: ["uuid", "check", "00000000-0000-4000-8000-000000000001", UUID_INT]),
    "doctor message": ("diagnoses a personal_sign signature, without a key",
                       lambda lab: ["doctor", "message", "--text", "hello!", MESSAGE_SIGNATURE, "--expect", ADDRESS,
                                    "--json"]),
    "doctor": ("diagnoses a signature made by the key, without it",
               lambda lab: ["doctor", "mail.json", OTHER_CHAIN_SIGNATURE, "--expect", ADDRESS, "--json",
                            "--time-budget", "2"]),
    "solidity": ("writes Solidity for a document; the harness holds values, never a key",
                 lambda lab: ["solidity", "mail.json", "--check-contract"]),
    # With the secrets in its environment conformance refuses to start an adapter (exit 2, naming them:
    # tests/test_adapter_hostile.py); the flag that accepts the risk runs it, and nothing may leak then either.
    "conformance": ("sends the vectors' PUBLIC development keys to an adapter, which must not echo them",
                    lambda lab: ["conformance", "--exec", f"{sys.executable} {ADAPTER}", "--junit", "conformance.xml",
                                 "--json", "--verbose", "--expose-env-keys-to-adapter"]),
}
"""Commands without key options. They still run with every secret in their environment."""

SERVE = "serve"  # run by test_serve_with_signed_requests
DEBUG = "debug"  # run by test_debug_page_refuses_keys_without_echoing_them


def help_text(args: list[str]) -> str:
    """``eip712kit ARGS --help`` in-process (:func:`eip712kit.cli.run`, what the script runs): some forty
    help pages, each a subprocess, took most of a minute; the text is the same."""
    with CliRunner().isolation(env=clean_env()) as (out, err, _):
        code = run([*args, "--help"])
        text, errors = out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")
    assert code == 0, errors
    return text


def commands_in_help() -> dict[str, str]:
    """Every runnable command path, as the installed script's help lists it, with its own help text."""
    found: dict[str, str] = {}

    def walk(path: list[str]) -> None:
        text = help_text(path)
        names = re.findall(r"^  ([a-z][a-z0-9-]*)  ", text.split("\nCommands:\n", 1)[1], re.M) \
            if "\nCommands:\n" in text else []
        if not names:
            found[" ".join(path)] = text
        for name in names:
            walk([*path, name])
        # a command with a mode its help points to (``eip712kit doctor message --help``) is a command too
        modes = re.findall(rf"eip712kit {re.escape(' '.join(path))} ([a-z][a-z0-9-]*) --help", text) if path else []
        for mode in modes:
            found[" ".join([*path, mode])] = help_text([*path, mode])

    walk([])
    return found


def test_every_command_is_checked_or_declared_key_free() -> None:
    commands = commands_in_help()
    assert set(commands) == set(KEY_COMMANDS) | set(KEY_FREE) | {SERVE, DEBUG}, (
        "a command is neither run with every key source (KEY_COMMANDS) nor listed as key-free (KEY_FREE)")
    takes_a_key = {path for path, text in commands.items() if "--key-env" in text}
    assert takes_a_key == set(KEY_COMMANDS), "a command with key options must be run with every key source"


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
@pytest.mark.parametrize("command", sorted(KEY_COMMANDS))
def test_key_commands_with_every_key_source(lab: Lab, caplog: pytest.LogCaptureFixture, command: str,
                                            source: Source) -> None:
    args = [*KEY_COMMANDS[command](lab), *source.args]
    ran = in_process(lab, caplog, args)
    assert ran.code == 0, ran.stdout + ran.stderr
    if not command.startswith("check"):
        assert ADDRESS in ran.stdout  # the key was loaded and signed as its address


@pytest.mark.parametrize("command", sorted(KEY_COMMANDS))
def test_key_commands_through_the_script(lab: Lab, command: str) -> None:
    ran = subprocess_run(lab, [*KEY_COMMANDS[command](lab), "--key-env", "BOT_KEY"])
    assert ran.code == 0, ran.stdout + ran.stderr


@pytest.mark.parametrize("source", SOURCES[2:], ids=lambda s: s.name)
def test_file_keystore_and_mnemonic_through_the_script(lab: Lab, source: Source) -> None:
    ran = subprocess_run(lab, ["sign", "--jsonl", "mails.jsonl", *source.args])
    assert ran.code == 0 and ran.stdout.count(SIGNATURE) == 3, ran.stdout + ran.stderr


@pytest.mark.parametrize("command", sorted(KEY_FREE))
def test_key_free_commands_with_the_secrets_in_their_environment(lab: Lab, caplog: pytest.LogCaptureFixture,
                                                                 command: str) -> None:
    _reason, make = KEY_FREE[command]
    for ran in (in_process(lab, caplog, make(lab)), subprocess_run(lab, make(lab))):
        assert ran.code in (0, 1), ran.stdout + ran.stderr


def test_conformance_against_a_verifier(lab: Lab, caplog: pytest.LogCaptureFixture) -> None:
    """``conformance --api`` signs orders with the vectors' PUBLIC development keys and POSTs them."""
    for ran in (in_process(lab, caplog, ["conformance", "--api", lab.verifier.api, "--json"]),
                subprocess_run(lab, ["conformance", "--api", lab.verifier.api])):
        assert ran.code == 0, ran.stdout + ran.stderr


# --- error paths --------------------------------------------------------------------------------

BAD_KEYS: dict[str, tuple[list[str], dict[str, str], str]] = {
    "a key with a non-hex digit": (["--key-env", "BAD"], {"BAD": NEAR_KEY}, "KEY_INVALID"),
    "a key one digit short": (["--key-env", "BAD"], {"BAD": SHORT_KEY}, "KEY_INVALID"),
    "a key past the curve order": (["--key-env", "BAD"], {"BAD": OVER_ORDER}, "KEY_INVALID"),
    "a key file with a non-hex digit": (["--key-file", "near-key.txt"], {}, "KEY_INVALID"),
    "a keystore given as a key file": (["--key-file", "keystore.json"], {}, "KEY_INVALID"),
    "a wrong keystore password": (["--keystore", "keystore.json", "--password-env", "WRONG"],
                                  {"WRONG": WRONG_PASSWORD}, "KEYSTORE_INVALID"),
    "a corrupt keystore": (["--keystore", "corrupt-keystore.json", "--password-env", "KS_PASSWORD"], {},
                           "KEYSTORE_INVALID"),
    "a keystore password variable not set": (["--keystore", "keystore.json", "--password-env", "UNSET"], {},
                                             "KEY_NOT_FOUND"),
    "an invalid mnemonic": (["--mnemonic-env", "BAD"], {"BAD": INVALID_MNEMONIC}, "MNEMONIC_INVALID"),
    "an invalid derivation path": (["--mnemonic-env", "BOT_MNEMONIC", "--path", "m/44'/60'/x"], {},
                                   "MNEMONIC_INVALID"),
    "two key sources": (["--key-file", "key.txt", "--mnemonic-env", "BOT_MNEMONIC"], {}, "KEY_NOT_FOUND"),
}


@pytest.mark.parametrize("case", sorted(BAD_KEYS))
def test_bad_key_sources_say_what_is_wrong_without_the_secret(lab: Lab, caplog: pytest.LogCaptureFixture,
                                                               case: str) -> None:
    options, env, code = BAD_KEYS[case]
    args = ["sign", "mail.json", *options, "--json"]
    for ran in (in_process(lab, caplog, args, env=lab.env(**env)),
                subprocess_run(lab, args, env=lab.env(**env, EIP712KIT_DEBUG="1"))):
        assert ran.code == 2 and f'"code":"{code}"' in ran.stdout, ran.stdout + ran.stderr
        assert "Traceback" not in ran.stderr


def test_a_key_that_signs_as_another_address_is_refused_by_address(lab: Lab, caplog: pytest.LogCaptureFixture) -> None:
    ran = in_process(lab, caplog, ["sera", "intent", "other-quote.json"])
    assert ran.code == 2 and "[KEY_MISMATCH]" in ran.stderr and OTHER_ADDRESS in ran.stderr


# --- the verifier answering signed requests -----------------------------------------------------

def stop(server: subprocess.Popen[bytes]) -> tuple[str, str]:
    """Ctrl-C a server; its stdout and stderr."""
    server.send_signal(signal.SIGINT)
    out, err = server.communicate(timeout=10)
    return out.decode("utf-8", "backslashreplace"), err.decode("utf-8", "backslashreplace")


def assert_server_output_clean(name: str, output: tuple[str, str], *, logged: str) -> None:
    """A server run at debug log level logged ``logged`` (so requests were recorded) and no secret."""
    out, err = output
    assert logged in err + out
    assert_clean(f"{name}'s stdout", out)
    assert_clean(f"{name}'s log", err)


def test_serve_with_signed_requests(lab: Lab, caplog: pytest.LogCaptureFixture) -> None:
    """A verifier at debug log level, run by a user who exported the key, answers CLI-signed requests."""
    db = lab.work / "serve.sqlite3"
    server = subprocess.Popen([*COMMAND, "serve", "--port", "0", "--db", str(db), "--log-level", "debug"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=lab.work, env=clean_env(**lab.env()))
    try:
        assert server.stdout is not None
        started = re.search(r"(http://\S+/api/v1)", server.stdout.readline().decode())
        assert started is not None
        api = started.group(1)

        def signed(*args: str, source: Source = SOURCES[0]) -> dict[str, Any]:
            ran = in_process(lab, caplog, [*args, *source.args, "--body"])
            assert ran.code == 0, ran.stderr
            body: dict[str, Any] = json.loads(ran.stdout)
            return body

        with httpx.Client(base_url=api, timeout=10) as http:
            created = [http.post("/api-keys", json=signed("sera", "api-key", "create", "--timestamp",
                                                           str(int(time.time()) + i), source=source))
                       for i, source in enumerate(SOURCES)]
            assert [c.status_code for c in created] == [201] * len(SOURCES)
            listed = http.get("/api-keys", params=signed("sera", "api-key", "list", "--query"))
            assert listed.json()["count"] == len(SOURCES)
            revoke = signed("sera", "api-key", "revoke", "--api-key", created[0].json()["api_key"],
                            source=SOURCES[3])
            assert http.post("/api-keys/revoke", json=revoke).status_code == 200
            assert http.post("/api-keys/revoke", json=revoke).status_code == 409
            verdict = http.post("/verify-signature", json=signed("sera", "order", *ORDER, "--executor-id", "0",
                                                                  source=SOURCES[4])).json()
            assert verdict["valid"] is True and verdict["signer"] == ADDRESS
    finally:
        output = stop(server)
    assert_server_output_clean("the server", output, logged="GET /api/v1/api-keys")
    written = [p for p in lab.work.iterdir() if p.name.startswith("serve.sqlite3")]
    assert db in written
    lab.assert_no_file_leaks()  # the SQLite file and its WAL included


def test_debug_page_refuses_keys_without_echoing_them(lab: Lab) -> None:
    """The debugger page's API, run by a user who exported every secret, sent a key every way it could be."""
    server = subprocess.Popen([*COMMAND, "debug", "--no-browser", "--log-level", "debug"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, cwd=lab.work, env=clean_env(**lab.env()))
    try:
        assert server.stdout is not None
        started = re.search(r"(http://127\.0\.0\.1:\d+/debug)", server.stdout.readline().decode())
        assert started is not None
        document = json.dumps(MAIL)
        bodies = [{"document": document, "privateKey": KEY}, {"document": document, "mnemonic": MNEMONIC},
                  {"document": document, "password": PASSWORD}, {"document": document, "signature": KEY},
                  {"document": document, "signature": KEY[2:].upper(), "expect": ADDRESS},
                  {"document": document, "signature": MNEMONIC, "expect": ADDRESS},
                  {"document": document, "signature": NEAR_KEY}, {"document": document, "expect": KEY},
                  {"document": KEY}, {"document": MNEMONIC}]
        with httpx.Client(timeout=30) as http:
            for body in bodies:
                for endpoint in ("inspect", "diagnose"):
                    answer = http.post(f"{started.group(1)}/api/{endpoint}", json=body)
                    assert answer.status_code < 500
                    assert_clean(f"the {endpoint} answer to {sorted(body)}", answer.text)
    finally:
        output = stop(server)
    assert_server_output_clean("the debug server", output, logged="POST /debug/api/inspect")
    lab.assert_no_file_leaks()


# --- the library --------------------------------------------------------------------------------

def _signed_things(key: PrivateKey | str | bytes) -> list[Any]:
    """What each signing entry point returns, for the key in one of its accepted forms."""
    built = sera.build_order(owner_address=ADDRESS, side="bid", amount="1000.0", price="1.085", from_address=EURC,
                             to_address=USDC, expiration=int(time.time()) + 3600,
                             order_id="00000000-0000-4000-8000-000000000001",
                             executor_id=0, tokens=sera.TokenList.from_response(
                                 [{"symbol": "EURC", "address": EURC, "decimals": 6},
                                  {"symbol": "USDC", "address": USDC, "decimals": 6}]))
    challenge = alura.parse_challenge({"address": ADDRESS, "nonce": "1", "message": f"hello {ADDRESS}, nonce 1"})
    login = renance.login_request(ADDRESS, 7, int(time.time()))
    return [
        eip712kit.sign_typed_data(MAIL, key),
        eip712kit.sign_message("hello", key),
        sign_digest(b"\x01" * 32, as_private_key(key)),
        batch.sign_many([MAIL, MAIL], key, processes=2),
        built.sign(key, sera.DOMAIN),
        built.message.sign(key, sera.DOMAIN),
        sera.api_key_request(ADDRESS, "create", int(time.time())).sign(key, sera.DOMAIN),
        login.sign(key, renance.DOMAIN),
        alura.sign_challenge(challenge, key),
        LibraryTarget().handle({"id": 1, "op": "typed_data", "input": {"typedData": MAIL, "private_key": KEY}}),
        LibraryTarget().handle({"id": 2, "op": "personal_sign", "input": {"message": "hello", "private_key": KEY}}),
    ]


def _shown(value: Any) -> str:
    """Every way a value is commonly turned into text: repr, str, and its to_dict / JSON form."""
    parts = [repr(value), str(value)]
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        parts.append(json.dumps(to_dict(), default=repr))
    if isinstance(value, (dict, list)):
        parts.append(json.dumps(value, default=repr))
    return "\n".join(parts)


@pytest.fixture
def key_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"EIP712KIT_PRIVATE_KEY": KEY, "BOT_MNEMONIC": MNEMONIC, "KS_PASSWORD": PASSWORD}.items():
        monkeypatch.setenv(name, value)


def test_library_key_sources_and_signers(lab: Lab, caplog: pytest.LogCaptureFixture, key_env: None) -> None:
    keystore = lab.work / "keystore.json"
    with caplog.at_level(logging.DEBUG):
        keys = {
            "from_hex": PrivateKey.from_hex(KEY),
            "from_hex, upper case without 0x": PrivateKey.from_hex(KEY[2:].upper()),
            "from bytes": PrivateKey(RAW_KEY),
            "from_env": PrivateKey.from_env(),
            "from_file": PrivateKey.from_file(lab.work / "key.txt"),
            "from_keystore, password": PrivateKey.from_keystore(keystore, password=PASSWORD),
            "from_keystore, password_env": PrivateKey.from_keystore(keystore, password_env="KS_PASSWORD"),
            "from_keystore, parsed JSON": PrivateKey.from_keystore(json.loads(keystore.read_text()), password=PASSWORD),
            "from_mnemonic": PrivateKey.from_mnemonic(MNEMONIC),
            "load_key, env": load_key(),
            "load_key, file": load_key(file=lab.work / "key.txt"),
            "load_key, keystore": load_key(keystore=keystore, password_env="KS_PASSWORD"),
            "load_key, mnemonic": load_key(mnemonic_env="BOT_MNEMONIC"),
            "as_private_key, hex": as_private_key(KEY),
            "as_private_key, bytes": as_private_key(RAW_KEY),
        }
        for name, key in keys.items():
            assert key.address == ADDRESS, name
            assert_clean(f"the text forms of the key {name}", _shown(key) + f"{key}{key!s:>80}")
            with pytest.raises(TypeError) as refused:
                pickle.dumps(key)
            assert_clean("the pickling refusal", str(refused.value))
        for form in (keys["from_hex"], KEY, KEY[2:].upper(), RAW_KEY):
            for value in _signed_things(form):
                assert_clean(f"a signed result ({type(value).__name__})", _shown(value))
    assert_clean("the log at DEBUG", caplog.text)
    lab.assert_no_file_leaks()


LIBRARY_ERRORS: dict[str, Callable[[Lab], Any]] = {
    "from_hex, a non-hex digit": lambda lab: PrivateKey.from_hex(NEAR_KEY),
    "from_hex, one digit short": lambda lab: PrivateKey.from_hex(SHORT_KEY),
    "from_hex, past the curve order": lambda lab: PrivateKey.from_hex(OVER_ORDER),
    "PrivateKey, 31 bytes": lambda lab: PrivateKey(RAW_KEY[:31]),
    "from_env, a non-hex digit": lambda lab: PrivateKey.from_env("BAD_KEY"),
    "from_file, a non-hex digit": lambda lab: PrivateKey.from_file(lab.work / "near-key.txt"),
    "from_file, a keystore": lambda lab: PrivateKey.from_file(lab.work / "keystore.json"),
    "from_keystore, wrong password": lambda lab: PrivateKey.from_keystore(lab.work / "keystore.json",
                                                                          password=WRONG_PASSWORD),
    "from_keystore, corrupt": lambda lab: PrivateKey.from_keystore(lab.work / "corrupt-keystore.json",
                                                                   password=PASSWORD),
    "from_keystore, not a keystore": lambda lab: PrivateKey.from_keystore({"crypto": PASSWORD}, password=PASSWORD),
    "from_mnemonic, bad checksum": lambda lab: PrivateKey.from_mnemonic(INVALID_MNEMONIC),
    "from_mnemonic, bad path": lambda lab: PrivateKey.from_mnemonic(MNEMONIC, path="m/44'/60'/x"),
    "as_private_key, a non-hex digit": lambda lab: as_private_key(NEAR_KEY),
    "sign_typed_data, a non-hex digit": lambda lab: eip712kit.sign_typed_data(MAIL, NEAR_KEY),
    "sign_message, past the curve order": lambda lab: eip712kit.sign_message("hello", OVER_ORDER),
    "Prepared.sign, another address's request": lambda lab: sera.api_key_request(
        OTHER_ADDRESS, "create", int(time.time())).sign(KEY, sera.DOMAIN),
}


@pytest.mark.parametrize("case", sorted(LIBRARY_ERRORS))
def test_library_errors_describe_the_key_never_show_it(lab: Lab, caplog: pytest.LogCaptureFixture,
                                                       monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    monkeypatch.setenv("BAD_KEY", NEAR_KEY)
    with caplog.at_level(logging.DEBUG), pytest.raises(Eip712KitError) as raised:
        LIBRARY_ERRORS[case](lab)
    exc = raised.value
    assert exc.code and exc.message
    formatted = "".join(traceback.format_exception(exc))  # what logging.exception would write
    assert_clean(f"the error of {case}", "\n".join([str(exc), repr(exc), json.dumps(exc.to_dict()), formatted]))
    assert_clean("the log at DEBUG", caplog.text)
    result = LibraryTarget().handle({"id": 1, "op": "typed_data", "input": {"typedData": MAIL,
                                                                            "private_key": NEAR_KEY}})
    assert_clean("a conformance answer to a bad key", json.dumps(result))


def test_no_exception_in_the_chain_quotes_the_mnemonic() -> None:
    with pytest.raises(Eip712KitError) as raised:
        PrivateKey.from_mnemonic(INVALID_MNEMONIC)
    chain: list[BaseException] = []
    exc: BaseException | None = raised.value
    while exc is not None and len(chain) < 10:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    assert_clean("the exception chain", "\n".join(repr(e) for e in chain))

