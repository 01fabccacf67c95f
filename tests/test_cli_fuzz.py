"""Hostile input to the command line: whatever arrives, the exit code is 0, 1 or 2 and nothing crashes.

The commands that read untrusted input — ``hash``, ``sign``, ``recover``, ``verify``, ``message
recover|verify``, ``uuid unpack|check|pack``, the builders, and the ``--jsonl`` streams — get random
stdin (bytes, near-JSON, random JSON, valid documents with one node replaced) and random
arguments (lone surrogates included: that is how a shell hands over bytes that are not UTF-8).
Allowed: exit 0 (a result), 1 (a negative verdict) or 2 (the kit's own error, with a message).
Never 70 (an internal error), never a traceback, never silence on failure.

Most runs are in-process through :func:`eip712kit.cli.run` — the same function the console script
calls, so the exit-code mapping is the real one — inside click's ``CliRunner`` isolation, for
speed; a few go through the installed script in a subprocess. Examples per hypothesis test: 20 in
the default run; under ``pytest -m fuzz`` ``EIP712KIT_FUZZ_EXAMPLES`` (default 100). ``pytest -s -n 0``
prints what was run and for how long.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck
from hypothesis import strategies as st

from eip712kit.cli import run
from tests.helpers.cli_runner import COMMAND, assert_no_key_material, clean_env
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.fuzzing import fuzzed
from tests.helpers.reference import eth_account_sign_typed
from tests.helpers.strategies import documents, node_paths, replaced

KEY0, ADDR0 = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)
EXAMPLES = int(os.environ.get("EIP712KIT_FUZZ_EXAMPLES", "100"))
FUZZ: dict[str, Any] = {"quick": min(20, EXAMPLES), "full": EXAMPLES, "database": None,
                        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
"""20 examples per test in the default run; ``EIP712KIT_FUZZ_EXAMPLES`` under ``pytest -m fuzz``."""
ALLOWED_EXITS = {0, 1, 2}

TALLY: Counter[str] = Counter()
SECONDS: Counter[str] = Counter()


@dataclass
class Outcome:
    code: int
    stdout: bytes
    stderr: bytes

    @property
    def text(self) -> str:
        return (self.stdout + self.stderr).decode("utf-8", "backslashreplace")


def cli(*args: str, stdin: bytes = b"", env: dict[str, str] | None = None, tally: str) -> Outcome:
    """``eip712kit ARGS`` in-process, with the console script's exit codes; checks the outcome rules."""
    runner = CliRunner()
    started = time.perf_counter()
    with runner.isolation(input=stdin, env={"EIP712KIT_PRIVATE_KEY": None, "EIP712KIT_DEBUG": None,
                                            **(env or {})}) as (out, err, _mixed):
        code = run(list(args))
        outcome = Outcome(code, out.getvalue(), err.getvalue())
    SECONDS[tally] += time.perf_counter() - started
    TALLY[tally] += 1
    assert_outcome(outcome, args)
    return outcome


def assert_outcome(outcome: Outcome, args: tuple[str, ...] | list[str]) -> None:
    where = f"eip712kit {' '.join(map(repr, args))[:300]} -> {outcome.code}\n{outcome.text[-1500:]}"
    assert outcome.code in ALLOWED_EXITS, where
    assert "Traceback" not in outcome.text and "eip712kit: internal error" not in outcome.text, where
    if outcome.code == 2:  # a refusal says why: on stderr, or in the result lines of a --jsonl stream
        assert outcome.stderr.strip() or b'"error"' in outcome.stdout, where
    assert_no_key_material(outcome.text)


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    started = time.perf_counter()
    yield
    lines = [f"CLI fuzz: {sum(TALLY.values())} runs in {time.perf_counter() - started:.1f} s "
             f"(EIP712KIT_FUZZ_EXAMPLES={EXAMPLES})"]
    lines += [f"  {name:<30} {count:>6} runs {SECONDS[name]:6.2f} s" for name, count in sorted(TALLY.items())]
    print("\n" + "\n".join(lines))


# --- strategies ---------------------------------------------------------------------------------

any_text = st.text(st.characters(exclude_categories=()), max_size=40)
"""Any code point, lone surrogates included (what ``surrogateescape`` makes of non-UTF-8 argv bytes)."""
arg_text = st.text(st.characters(exclude_categories=(), exclude_characters="\x00"), max_size=40)
"""What a process can receive as an argument: anything but NUL, which ends a C string."""
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**300), 2**300), st.floats(allow_nan=False, allow_infinity=False),
    any_text,
    st.sampled_from(["", "0x", "0x00", "-1", "1e3", "uint256", "Person[]", "bytes32", "EIP712Domain", ADDR0,
                     "0x" + "ab" * 20, "0x" + "ff" * 65, str(2**256), "1" * 80]),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(any_text, children, max_size=4)),
    max_leaves=16,
)
near_json = st.lists(st.one_of(
    st.sampled_from(['{', '}', '[', ']', ',', ':', '"', '\\', '\\u', '\\ud800', '\\udc00', 'null', 'true',
                     'NaN', '1e999', '-0', '"types"', '"primaryType"', '"domain"', '"message"', '"typedData"',
                     '"signature"', '"address"', '\n', '\r\n', ' ']),
    st.text("0123456789", min_size=1, max_size=400), st.integers(4000, 6000).map(lambda n: "1" * n),
    st.text(max_size=6),
), max_size=40).map("".join)
signatures = st.one_of(
    arg_text, st.sampled_from(["0x", "0x" + "00" * 65, "0x" + "ff" * 65, "0x" + "ab" * 64, "0x" + "1b" * 65]),
    st.binary(min_size=64, max_size=65).map(lambda b: "0x" + b.hex()),
)
addresses = st.one_of(arg_text, st.sampled_from([ADDR0, ADDR0.lower(), ADDR0.upper(), "0x" + "00" * 20, "0x12"]))


def encoded(value: Any) -> bytes:
    """JSON with escapes, so a lone surrogate travels as ``\\udXXX`` the way a careless writer sends it."""
    return json.dumps(value).encode("ascii")


@st.composite
def mutated_documents(draw: Any) -> dict[str, Any]:
    """A valid random document with one node (anywhere, keys of ``types`` included) replaced."""
    doc = draw(documents(max_structs=3))
    path = draw(st.sampled_from([p for p in node_paths(doc) if p]))
    return replaced(doc, path, draw(json_values))


stdin_documents = st.one_of(
    st.binary(max_size=300),
    near_json.map(lambda t: t.encode("utf-8", "surrogatepass")),
    json_values.map(encoded),
    documents(max_structs=3).map(encoded),
    mutated_documents().map(encoded),
)


# --- typed data: hash, sign, recover, verify ----------------------------------------------------

@fuzzed(stdin_documents, st.sampled_from([(), ("--json",), ("--trace",), ("--trace", "--json")]), **FUZZ)
def test_hash_of_anything_on_stdin(stdin: bytes, flags: tuple[str, ...]) -> None:
    cli("hash", "-", *flags, stdin=stdin, tally="hash")


@fuzzed(stdin_documents, st.sampled_from([(), ("--json",), ("--compact",)]), **FUZZ)
def test_sign_of_anything_on_stdin(stdin: bytes, flags: tuple[str, ...]) -> None:
    cli("sign", "-", *flags, stdin=stdin, env={"EIP712KIT_PRIVATE_KEY": KEY0}, tally="sign")


@fuzzed(stdin_documents, signatures, addresses, st.booleans(), **FUZZ)
def test_recover_and_verify_with_any_arguments(stdin: bytes, signature: str, address: str, as_json: bool) -> None:
    flags = ("--json",) if as_json else ()
    cli("recover", "-", signature, *flags, stdin=stdin, tally="recover")
    cli("verify", "-", signature, address, *flags, stdin=stdin, tally="verify")


@fuzzed(documents(max_structs=3), st.data(), **FUZZ)
def test_a_valid_signature_with_one_argument_broken(doc: dict[str, Any], data: st.DataObject) -> None:
    signature = eth_account_sign_typed(doc, KEY0)
    signature = data.draw(st.sampled_from([signature, signature.upper(), signature[:-2], signature + "00",
                                           signature[:-2] + "1c", data.draw(signatures)]))
    address = data.draw(st.sampled_from([ADDR0, ADDR0.lower(), DEV_KEYS[1][1], data.draw(addresses)]))
    outcome = cli("verify", "-", signature, address, stdin=encoded(doc), tally="verify (signed)")
    if (signature, address) == (eth_account_sign_typed(doc, KEY0), ADDR0):
        assert outcome.code == 0, outcome.text


# --- --jsonl streams ----------------------------------------------------------------------------

@st.composite
def jsonl_streams(draw: Any, envelope: tuple[str, ...]) -> bytes:
    """Lines of valid envelopes, broken envelopes, garbage, blank lines and CRLF endings."""
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["document", "garbage", "blank", "value"]))
        if kind == "document":
            doc = draw(documents(max_structs=2) | mutated_documents())
            if envelope:
                doc = {"typedData": doc, **{k: draw(signatures if k == "signature" else addresses) for k in envelope}}
            lines.append(encoded(doc))
        elif kind == "garbage":
            lines.append(draw(st.binary(max_size=80)).replace(b"\n", b""))
        elif kind == "blank":
            lines.append(b"   ")
        else:
            lines.append(encoded(draw(json_values)))
    ending = draw(st.sampled_from([b"\n", b"\r\n"]))
    return ending.join(lines) + draw(st.sampled_from([b"", ending]))


@fuzzed(jsonl_streams(()), st.sampled_from([(), ("--trace",), ("--max-document-bytes", "64")]), **FUZZ)
def test_hash_jsonl_streams(stream: bytes, flags: tuple[str, ...]) -> None:
    outcome = cli("hash", "--jsonl", "-", *flags, stdin=stream, tally="hash --jsonl")
    assert_one_result_per_line(stream, outcome)


@fuzzed(jsonl_streams(("signature",)) | jsonl_streams(("signature", "address")), **FUZZ)
def test_recover_jsonl_streams(stream: bytes) -> None:
    assert_one_result_per_line(stream, cli("recover", "--jsonl", "-", stdin=stream, tally="recover --jsonl"))


@fuzzed(jsonl_streams(("signature", "address")), **FUZZ)
def test_verify_jsonl_streams(stream: bytes) -> None:
    assert_one_result_per_line(stream, cli("verify", "--jsonl", "-", stdin=stream, tally="verify --jsonl"))


@fuzzed(jsonl_streams(()), **FUZZ)
def test_sign_jsonl_streams(stream: bytes) -> None:
    outcome = cli("sign", "--jsonl", "-", stdin=stream, env={"EIP712KIT_PRIVATE_KEY": KEY0}, tally="sign --jsonl")
    assert_one_result_per_line(stream, outcome)


def assert_one_result_per_line(stream: bytes, outcome: Outcome) -> None:
    """Each non-blank input line gets exactly one JSON result line carrying its line number."""
    expected = [n for n, line in enumerate(stream.split(b"\n"), 1) if line.strip()]
    results = [json.loads(line) for line in outcome.stdout.splitlines()]
    assert [r["line"] for r in results] == expected, outcome.text
    assert len({tuple(r) for r in results}) <= 1, outcome.text  # every line has the same keys, in the same order
    if any(r["error"] is not None for r in results):
        assert outcome.code == 2, outcome.text  # the exit code reports the worst line
    else:
        assert outcome.code in (0, 1), outcome.text


# --- personal_sign messages ---------------------------------------------------------------------

@fuzzed(arg_text, signatures, addresses, st.booleans(), **FUZZ)
def test_message_recover_and_verify_with_any_text(text: str, signature: str, address: str, is_hex: bool) -> None:
    flags = ("--hex",) if is_hex else ()
    cli("message", "recover", "--text", text, signature, *flags, tally="message recover")
    cli("message", "verify", "--text", text, signature, address, *flags, tally="message verify")


@fuzzed(st.binary(max_size=300), signatures, st.booleans(), **FUZZ)
def test_message_recover_from_any_stdin(stdin: bytes, signature: str, is_hex: bool) -> None:
    flags = ("--hex",) if is_hex else ()
    cli("message", "recover", "--file", "-", signature, *flags, stdin=stdin, tally="message recover --file")


# --- uuid_int -----------------------------------------------------------------------------------

uuid_values = st.one_of(arg_text, st.integers(-(2**260), 2**260).map(str), st.sampled_from(
    ["6427948336465191935941739505432058208337171677044006212075520", "0x1", "-0", "1" * 100, " 1", "1_000"]))
order_ids = st.one_of(arg_text, st.uuids().map(str), st.sampled_from(["00000000-0000-4000-8000-000000000001",
                                                                     "{00000000-0000-4000-8000-000000000001}"]))


@fuzzed(uuid_values, order_ids, st.one_of(st.none(), st.integers(-3, 20)), st.booleans(), **FUZZ)
def test_uuid_commands_with_any_arguments(value: str, order_id: str, executor: int | None, as_json: bool) -> None:
    flags = ("--json",) if as_json else ()
    executor_flags = () if executor is None else ("--executor-id", str(executor))
    cli("uuid", "unpack", value, *flags, tally="uuid unpack")
    cli("uuid", "check", order_id, value, *executor_flags, *flags, tally="uuid check")
    cli("uuid", "pack", order_id, *(executor_flags or ("--executor-id", "0")), *flags, tally="uuid pack")


# --- random argument lists ----------------------------------------------------------------------

COMMAND_LINES = [
    ("hash",), ("sign",), ("recover",), ("verify",), ("message", "sign"), ("message", "recover"),
    ("message", "verify"), ("uuid", "pack"), ("uuid", "unpack"), ("uuid", "check"), ("sera", "order"),
    ("sera", "cancel"), ("sera", "cancel-batch"), ("sera", "withdraw"), ("sera", "intent"), ("sera", "api-key"),
    ("renance", "login"), ("renance", "order"), ("renance", "cancel"), ("alura", "login"), ("message",), ("uuid",),
    ("sera",), ("renance",), ("alura",), (),
]
"""Everything that runs offline. ``check``, ``serve`` and ``conformance --exec/--api`` talk to other
processes, and ``doctor`` searches for seconds: they are fuzzed through their inputs elsewhere."""
OPTION_WORDS = [
    "--json", "--trace", "--jsonl", "--compact", "--hex", "--text", "--file", "-", "--body", "--unsigned",
    "--address", "--signature", "--side", "bid", "ask", "--amount", "--price", "--base", "--quote", "EURC", "USDC",
    "--order-id", "--uuid-int", "--executor-id", "--expiration", "--expires-in", "--rounding", "down", "--now",
    "--chain-id", "--verifying-contract", "--config", "--tokens", "--token", "--amount-units", "--deadline",
    "--uuid", "--vl-batch-id", "create", "list", "revoke", "revoke-all", "--api-key", "--label", "--timestamp",
    "--query", "--nonce", "--challenge", "--symbol", "--type", "limit", "market", "buy", "sell", "--leverage",
    "--market-price", "--null-market-price", "--referral-code", "--key-env", "--key-file", "--keystore",
    "--password-env", "--mnemonic-env", "--path", "--max-document-bytes", "--max-depth", "--max-array-length",
    "--allow-high-s", "--new", "--help", "0", "1", "-1", "1000.0", "1.085", "1e3", "99999999999999999999999",
    ADDR0, "0x12", "00000000-0000-4000-8000-000000000001", "/nonexistent", "/dev/null", ".",
]
argument_lists = st.lists(st.sampled_from(OPTION_WORDS) | arg_text, max_size=10)


@fuzzed(st.sampled_from(COMMAND_LINES), argument_lists, st.binary(max_size=100) | documents(max_structs=2).map(encoded),
       st.booleans(), **FUZZ)
def test_random_argument_lists(command: tuple[str, ...], words: list[str], stdin: bytes, with_key: bool) -> None:
    env = {"EIP712KIT_PRIVATE_KEY": KEY0} if with_key else {}
    cli(*command, *words, stdin=stdin, env=env, tally="random arguments")


# --- through the installed console script -------------------------------------------------------

def script(args: list[str | bytes], stdin: bytes = b"", env: dict[str, str] | None = None) -> Outcome:
    started = time.perf_counter()
    done = subprocess.run([*COMMAND, *args], input=stdin, capture_output=True, timeout=60,
                          env=clean_env(**(env or {})))
    SECONDS["console script"] += time.perf_counter() - started
    TALLY["console script"] += 1
    outcome = Outcome(done.returncode, done.stdout, done.stderr)
    assert_outcome(outcome, [a if isinstance(a, str) else repr(a) for a in args])
    return outcome


NESTED = {"types": {"M": [{"name": "x", "type": "string"}]}, "primaryType": "M", "domain": {}, "message": {"x": "a"}}


@pytest.mark.parametrize("args, stdin", [
    (["hash", "-"], b""),
    (["hash", "-"], b"\xff\xfe\x00garbage"),
    (["hash", "-"], b"[" * 100_000),
    (["hash", "-"], b'{"types": {"M": [{"name": "n", "type": "uint256"}]}, "message": {"n": ' + b"1" * 5000 + b"}}"),
    (["hash", "-"], b'{"a": "' + b"x" * 10_000_000 + b'"}'),
    (["hash", "-", "--json"], encoded({**NESTED, "types": {"\ud800": []}})),
    (["hash", "-", "--json"], encoded({**NESTED, "message": {"x": "\udc00"}})),
    (["hash", "--jsonl", "-", "--json"], b"{}\n" + b"x" * 2_000_000 + b"\n\xff\n"),
    (["hash", "--jsonl", "-"], encoded({**NESTED, "types": {"\ud800": []}}) + b"\n"),
    (["recover", "--jsonl", "-"], encoded({"typedData": NESTED, "signature": "\udc80"}) + b"\n"),
    ([b"verify", b"-", b"0x\xff\xfe", b"0x\xc3"], encoded(NESTED)),
    ([b"message", b"recover", b"--text", b"\xff\xfe", b"0x" + b"1b" * 65], b""),
    ([b"uuid", b"unpack", b"\xed\xa0\x80"], b""),
    (["uuid", "check", "x" * 100_000, "1"], b""),
    (["hash", "/dev/null"], b""),
    (["hash", "."], b""),
], ids=lambda v: repr(v)[:40])
def test_nasty_inputs_through_the_console_script(args: list[str | bytes], stdin: bytes) -> None:
    outcome = script(args, stdin)
    assert outcome.code in (1, 2)


@fuzzed(st.sampled_from([["hash", "-"], ["verify", "-", "0x" + "1b" * 65, ADDR0], ["hash", "--jsonl", "-"]]),
        stdin_documents, quick=2, full=max(5, EXAMPLES // 20), database=None)
def test_random_stdin_through_the_console_script(args: list[str], stdin: bytes) -> None:
    script([*args], stdin)
