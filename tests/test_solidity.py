"""``eip712kit solidity``: Solidity that computes what eip712kit computes, proven on the EVM itself.

The first tests read the generated source (no node needed). The rest compile it with solc-js, deploy it
on anvil and compare what the contract returns with eip712kit (tools/evm.py); they are skipped, with
the reason, when tools/node/node_modules is not installed (``cd tools/node && npm ci``). Every positive
golden vector is held to the EVM in CI by ``python tools/attest_exec.py --check``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eip712kit import TypedData, hash_message, sign_message, sign_typed_data
from eip712kit.solidity import harness_source, library_source, personal_harness_source, reserved
from eip712kit.solidity.literals import literal, string_literal
from eip712kit.solidity.names import constant_name
from tests.helpers.cli_runner import Runner
from tests.helpers.devkeys import DEV_KEY, DEV_KEYS
from tests.helpers.examples import EXAMPLES
from tools.evm import Evm, EvmError, unavailable

ROOT = Path(__file__).resolve().parent.parent
MAIL = json.loads((EXAMPLES / "mail.json").read_text(encoding="utf-8"))
SERA_ORDER = json.loads((EXAMPLES / "sera_order.json").read_text(encoding="utf-8"))
CORE = {c["id"]: c for c in json.loads((ROOT / "vectors" / "core.json").read_text(encoding="utf-8"))["cases"]}
DEV0_ADDRESS = DEV_KEYS[0][1]

# Names Solidity refuses or that would shadow what the generated code uses; none of them changes a hash.
KEYWORDS_DOC: dict[str, Any] = {
    "types": {
        "block": [{"name": "type", "type": "string"}, {"name": "contract", "type": "address"},
                  {"name": "type_", "type": "uint8"}],
        "hash": [{"name": "from", "type": "block"}, {"name": "value", "type": "block[]"},
                 {"name": "$amt", "type": "int16"}, {"name": "memory", "type": "bytes"},
                 {"name": "ufixed", "type": "bool"}],
    },
    "primaryType": "hash",
    "domain": {"name": "words \u202e reversed \u2066", "chainId": 5},
    "message": {
        "from": {"type": "a \"quoted\" \\ line\nbreak", "contract": "0x0000000000000000000000000000000000000000",
                 "type_": 7},
        "value": [{"type": "caf\u00e9 \u2713 \U0001f600", "contract": DEV0_ADDRESS.lower(), "type_": 255}],
        "$amt": "-32768", "memory": "0x00ff", "ufixed": True,
    },
}


def test_the_library_holds_the_type_strings_a_hash_per_struct_and_the_digest() -> None:
    source = library_source(MAIL["types"], MAIL["primaryType"], MAIL["domain"])
    assert 'keccak256("Mail(Person from,Person to,string contents)Person(string name,address wallet)")' in source
    assert 'keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")' \
        in source
    for signature in ("function hash(Person memory value)", "function hash(Mail memory value)",
                      "function hash(EIP712Domain memory value)", "function digest(Mail memory value)",
                      "function domainSeparator()"):
        assert signature in source
    assert "contract " not in source  # the harness only with --check-contract
    assert 'domain.verifyingContract = 0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC;' in source  # EIP-55, as solc wants


def test_reserved_names_get_an_underscore_and_the_header_says_so() -> None:
    source = harness_source(KEYWORDS_DOC)
    assert "struct block_ {" in source and "struct hash_ {" in source
    assert "string type_;" in source and "uint8 type__;" in source and "address contract_;" in source
    assert "int16 $amt;" in source and "bool ufixed_;" in source  # $ is a Solidity identifier character
    assert "// struct 'block' is block_ here" in source and "// field of block 'type' is type_ here" in source
    # the hashed type strings keep the EIP-712 names
    assert "hash(block from,block[] value,int16 $amt,bytes memory,bool ufixed)block(string type,address " \
           "contract,uint8 type_)" in source


@pytest.mark.parametrize(("name", "expected"), [("uint", True), ("int72", True), ("bytes7", True), ("fixed8x1", True),
                                                ("ether", True), ("Mail", False), ("from", False), ("$x", False)])
def test_reserved(name: str, expected: bool) -> None:
    assert reserved(name) is expected


def test_constant_names() -> None:
    assert constant_name("ManageApiKey") == "MANAGE_API_KEY"
    assert constant_name("EIP712Domain") == "EIP712_DOMAIN"
    assert constant_name("$Pay_1") == "$PAY_1"


def test_literals_read_back_as_the_same_bytes() -> None:
    assert string_literal('a "b" \\ c\n') == '"a \\"b\\" \\\\ c\\n"'
    assert string_literal("caf\u00e9") == 'unicode"caf\u00e9"'
    assert string_literal("\u202e") == 'string(hex"e280ae")'  # solc refuses unbalanced direction overrides
    assert literal("address", "0x" + "00" * 20) == "address(0)"
    assert literal("int8", -128) == "-128"
    assert literal("bytes4", b"\x01\x02\x03\x04") == 'hex"01020304"'
    assert literal("bool", False) == "false"


def test_a_wide_struct_is_hashed_in_groups_of_words() -> None:
    doc = CORE["core/uint-widths-max"]["input"]["typed_data"]
    source = harness_source(doc)
    assert source.count("abi.encode(\n") == 3 and "bytes.concat(" in source  # 33 words: 12 + 12 + 9


def test_recursive_types_get_one_array_hash_each() -> None:
    source = harness_source(CORE["core/recursive-mutual"]["input"]["typed_data"])
    assert source.count("function hash(Pong[] memory value)") == 1
    assert source.count("function hash(Ping[] memory value)") <= 1


def test_cli_needs_a_document_or_a_struct(cli: Runner) -> None:
    assert cli("solidity").returncode == 2
    result = cli("solidity", "--struct", "sera.Order", "--check-contract")
    assert result.returncode == 2 and "give FILE too" in result.stderr
    result = cli("solidity", "--struct", "sera.Nope")
    assert result.returncode == 2 and "sera.Order" in result.stderr


def test_cli_refuses_a_document_that_does_not_sign_the_struct(cli: Runner) -> None:
    result = cli("solidity", str(EXAMPLES / "mail.json"), "--struct", "sera.Order")
    assert result.returncode == 2
    assert "INVALID_TYPES" in result.stderr and "primaryType is 'Mail'" in result.stderr


def test_cli_declared_struct_on_its_documented_domain(cli: Runner) -> None:
    result = cli("solidity", "--struct", "sera.Order")
    assert result.returncode == 0, result.stderr
    assert "library Eip712Order {" in result.stdout and 'domain.name = "Sera";' in result.stdout


# -- on the EVM ----------------------------------------------------------------------------------

EVM_MISSING = unavailable()
on_the_evm = pytest.mark.skipif(EVM_MISSING is not None, reason=f"the EVM is not available: {EVM_MISSING}")


@pytest.fixture(scope="module")
def evm() -> Iterator[Evm]:
    with Evm() as machine:
        yield machine


def onchain(evm: Evm, source: str, doc: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    calls: list[Any] = ["digest", "domainSeparator"]
    if doc["primaryType"] != "EIP712Domain":
        calls.append("structHash")
    if key is not None:
        calls.append(("recover", [str(sign_typed_data(doc, key))]))
    values = evm.run(source, calls)
    assert evm.last_warnings == [], evm.last_warnings  # compiles as is, and cleanly
    return values


def expected(doc: dict[str, Any]) -> dict[str, Any]:
    td = TypedData(doc)
    out = {"digest": "0x" + td.digest().hex(), "domainSeparator": "0x" + td.domain_separator().hex()}
    if doc["primaryType"] != "EIP712Domain":
        out["structHash"] = "0x" + td.struct_hash().hex()
    return out


@on_the_evm
def test_mail_on_the_evm(evm: Evm) -> None:
    values = onchain(evm, harness_source(MAIL), MAIL, DEV_KEY)
    assert values.pop("recover") == DEV0_ADDRESS
    assert values == expected(MAIL)
    assert values["digest"] == "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"  # EIP-712's


@on_the_evm
@pytest.mark.parametrize("args", [[], ["--struct", "sera.Order"]], ids=["document", "declared-struct"])
def test_sera_order_from_the_cli_on_the_evm(cli: Runner, evm: Evm, args: list[str]) -> None:
    path = str(EXAMPLES / "sera_order.json")
    result = cli("solidity", path, "--check-contract", *args)
    assert result.returncode == 0, result.stderr
    digest = cli("hash", path).stdout.strip()
    values = onchain(evm, result.stdout, SERA_ORDER, DEV_KEY)
    assert values["digest"] == digest == expected(SERA_ORDER)["digest"]
    assert values["recover"] == DEV0_ADDRESS


@on_the_evm
@pytest.mark.parametrize("case_id", [
    "core/struct-arrays", "core/struct-arrays-empty", "core/array-3-dims", "core/array-fixed-of-dynamic",
    "core/array-dynamic-of-fixed", "core/array-bytes3-fixed", "core/atoms-maxima", "core/atoms-minima",
    "core/bytes-len-0", "core/int-widths-min", "core/uint-widths-max", "core/recursive-tree",
    "core/recursive-mutual", "core/domain-empty", "core/domain-declared-noncanonical-salt-first",
    "core/primary-eip712domain", "core/names-dollar-underscore", "core/string-emoji", "core/string-rtl",
])
def test_documents_with_arrays_bytes_and_nested_structs_on_the_evm(evm: Evm, case_id: str) -> None:
    case = CORE[case_id]
    doc = case["input"]["typed_data"]
    values = onchain(evm, harness_source(doc), doc, DEV_KEY)
    assert values.pop("recover") == DEV0_ADDRESS
    assert values == expected(doc)
    assert values["digest"] == case["expected"]["digest"]


@on_the_evm
def test_reserved_names_and_awkward_strings_on_the_evm(evm: Evm) -> None:
    values = onchain(evm, harness_source(KEYWORDS_DOC), KEYWORDS_DOC)
    assert values == expected(KEYWORDS_DOC)


@on_the_evm
def test_the_harness_tells_a_changed_value(evm: Evm) -> None:
    changed = copy.deepcopy(MAIL)
    changed["message"]["contents"] = "Hello, Bob?"
    values = evm.run(harness_source(changed), ["digest", ("recover", [str(sign_typed_data(MAIL, DEV_KEY))])])
    assert values["digest"] != expected(MAIL)["digest"]
    assert values["recover"] != DEV0_ADDRESS  # the original signature does not recover over another digest


@on_the_evm
@pytest.mark.parametrize("message", [b"hello", b"", bytes(range(256)) * 4], ids=["hello", "empty", "1024-bytes"])
def test_personal_sign_on_the_evm(evm: Evm, message: bytes) -> None:
    values = evm.run(personal_harness_source(message), ["digest", ("recover", [str(sign_message(message, DEV_KEY))])])
    assert values == {"digest": "0x" + hash_message(message).hex(), "recover": DEV0_ADDRESS}


@on_the_evm
def test_a_compile_error_is_reported_not_hidden(evm: Evm) -> None:
    with pytest.raises(EvmError) as caught:
        evm.run("pragma solidity ^0.8.4; contract Eip712KitCheck { function digest() external {", ["digest"])
    assert caught.value.code == "COMPILE_ERROR"
