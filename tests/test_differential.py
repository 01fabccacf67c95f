"""Differential fuzzing against eth-account, and a written verdict on every disagreement.

On valid documents the two must agree byte for byte (also in test_typed_data.py). On invalid ones
eth-account is more forgiving than the EIP-712 JSON form allows; where it accepts what we refuse,
the table below says which is right and why. A disagreement of any other kind fails the test.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st

from eip712kit import Eip712KitError, TypedData
from tests.helpers.fuzzing import fuzzed
from tests.helpers.reference import eth_account_digest
from tests.helpers.strategies import documents, node_paths, replaced

# Codes with which we refuse what eth-account accepts. Every one is a case where eth-account would
# sign something other than what the caller wrote (see test_documented_disagreements).
STRICTER = {"INVALID_STRING", "INVALID_HEX", "INVALID_STRUCT", "INVALID_BOOL", "BYTES_LENGTH", "ARRAY_LENGTH",
            "MISSING_FIELD", "EXTRA_FIELD", "BAD_CHECKSUM", "INVALID_INT", "INVALID_ADDRESS"}

plausible_values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 2**256 + 5), st.just({}), st.lists(st.integers(0, 3), max_size=3),
    st.sampled_from(["", "0x", "0x00", "0x0001", "abc", "true", "false", "0", "1", "-1", "0x" + "ab" * 20,
                     "0xAbcdef0123456789abcdef0123456789abcdef01", "0x" + "11" * 32, "0x" + "11" * 31, 1.0, 1.5]),
)


@fuzzed(documents(max_structs=2), st.data(), quick=100, full=800, suppress_health_check=list(HealthCheck))
def test_mutated_documents_agree_or_disagree_only_as_documented(doc: dict[str, Any], data: st.DataObject) -> None:
    paths = [p for p in node_paths(doc) if len(p) >= 2 and p[0] in ("message", "domain")]
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    value = data.draw(plausible_values)
    mutated = replaced(doc, path, value)
    ours: bytes | Eip712KitError
    try:
        ours = TypedData(mutated).digest()
    except Eip712KitError as exc:
        ours = exc
    try:
        theirs: bytes | None = eth_account_digest(mutated)
    except Exception:
        theirs = None
    if isinstance(ours, bytes) and theirs is not None:
        assert ours == theirs, "both accept the document but hash it differently"
    elif isinstance(ours, Eip712KitError) and theirs is not None:
        assert ours.code in STRICTER, f"we refuse with {ours.code} what eth-account accepts: document it"
    elif isinstance(ours, bytes):
        # the one thing we accept that eth-account refuses: a whole-number float for an integer
        assert isinstance(value, float) and value.is_integer()


ONE = {"types": {"T": [{"name": "v", "type": "uint8"}]}, "primaryType": "T", "domain": {}, "message": {"v": 1}}


def field(type_text: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(ONE)
    doc["types"]["T"][0]["type"] = type_text
    doc["message"]["v"] = value
    return doc


# (case, document, our code, why we are right)
DISAGREEMENTS = [
    ("null string", field("string", None), "INVALID_STRING",
     "eth-account encodes null as a zero word (not even keccak of the empty string): the signer "
     "signs a value no JSON string could produce"),
    ("null bytes", field("bytes", None), "INVALID_HEX", "same as null string"),
    ("text in bytes", field("bytes", "hello"), "INVALID_HEX",
     "eth-account hashes non-hex text as UTF-8; ethers and viem refuse it, and a typo in hex would "
     "silently become text"),
    ("short bytesN", field("bytes4", "0x01"), "BYTES_LENGTH",
     "eth-account right-pads to 4 bytes; ethers refuses. Padding hides a truncated value"),
    ("bool from string", field("bool", "false"), "INVALID_BOOL",
     "eth-account treats 'false', '0' and '' as false and every other value as true: {} and 'no' "
     "sign as true"),
    ("fixed array too short", field("uint8[3]", [1]), "ARRAY_LENGTH",
     "eth-account does not check the length of a fixed-size array at all; EIP-712 encodes T[3] as "
     "exactly three elements"),
    ("null struct", {"types": {"T": [{"name": "p", "type": "P"}], "P": [{"name": "x", "type": "uint8"}]},
                     "primaryType": "T", "domain": {}, "message": {"p": None}}, "INVALID_STRUCT",
     "eth-account (and MetaMask v4) encode a null struct as a zero word; the message then says nothing "
     "about that struct, which is never what a trading API means"),
    ("extra field", {**ONE, "message": {"v": 1, "w": 2}}, "EXTRA_FIELD",
     "eth-account ignores fields the type does not declare; a client that adds one believes it signed "
     "it, and did not"),
]


@pytest.mark.parametrize(("case", "doc", "code", "why"), DISAGREEMENTS, ids=[d[0] for d in DISAGREEMENTS])
def test_documented_disagreements(case: str, doc: dict[str, Any], code: str, why: str) -> None:
    eth_account_digest(doc)  # eth-account accepts it ...
    with pytest.raises(Eip712KitError) as err:  # ... and we refuse it, for the reason given
        TypedData(doc)
    assert err.value.code == code
    assert code in STRICTER


def test_whole_float_is_the_one_thing_we_accept_and_eth_account_refuses() -> None:
    # A JSON client (JavaScript) cannot tell 1 from 1.0; refusing it would refuse valid wallets' output.
    with pytest.raises(Exception):  # noqa: B017 - eth-account raises eth_abi's EncodingTypeError
        eth_account_digest(field("uint8", 1.0))
    assert TypedData(field("uint8", 1.0)).digest() == TypedData(field("uint8", 1)).digest()
