"""The doctor names each mistake from a real signature of the wrong thing.

Every broken signature here is made the way the mistaken client makes it — eth-account signing
a document with the wrong value, ``personal_sign`` of the digest, a raw-hash signer over a
hand-built digest (eth-abi words and eth-utils keccak, as the Renance document computes them) —
with a PUBLIC development key, never with the doctor's own code. The doctor then gets the *right*
document and the expected address, and must name the cause: its digest must be the one that was
signed.

Tests assert candidates and outcomes, never wall time: the budget runs on an injected clock. A
frozen clock (the budget never runs out) makes every search here deterministic; a ticking clock
shows the budget stopping a search.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import re
from collections.abc import Callable
from typing import Any

import coincurve
import pytest
from eth_abi import encode as abi_encode
from eth_account.messages import encode_typed_data
from eth_keys import keys as eth_keys
from eth_keys.constants import SECPK1_N  # the curve order, from an implementation other than ours
from eth_utils import keccak
from hypothesis import HealthCheck
from hypothesis import strategies as st

from eip712kit import Eip712KitError, TypedData, uuid_int
from eip712kit.base.hashing import keccak256
from eip712kit.core.signature import Recoverer, Signature, recover_public_key
from eip712kit.doctor import CAUSES, HYPOTHESES, SEARCH_ORDER, Diagnosis, diagnose
from eip712kit.doctor.domain import CHAIN_NAMES
from eip712kit.doctor.registry import LAYERS, TYPED_LAYERS, search_order
from eip712kit.protocols import renance, sera
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.doctor_cases import (
    DOMAIN_TYPE,
    EXPIRATION,
    ORDER_ID,
    USDC,
    UUID_INT,
    document,
    renance_order,
    sera_cancel,
    sera_order,
    sera_withdraw,
    sign_hash,
    sign_personal,
    sign_typed,
    with_change,
)
from tests.helpers.fuzzing import fuzzed
from tests.helpers.strategies import documents

KEY, ADDRESS = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)
OTHER_KEY, OTHER_ADDRESS = DEV_KEYS[1]  # PUBLIC development key (account #1)


def struct_hash(doc: dict[str, Any]) -> bytes:
    return bytes(encode_typed_data(full_message=copy.deepcopy(doc)).body)


def separator(doc: dict[str, Any]) -> bytes:
    return bytes(encode_typed_data(full_message=copy.deepcopy(doc)).header)


def digest(doc: dict[str, Any]) -> bytes:
    return keccak(b"\x19\x01" + separator(doc) + struct_hash(doc))


def domain_by_hand(fields: list[tuple[str, str]], values: dict[str, Any]) -> bytes:
    """A domain separator as the Renance document computes one: keccak of each string, ABI words."""
    type_hash = keccak(text=f"EIP712Domain({','.join(f'{t} {n}' for n, t in fields)})")
    words = [keccak(text=values[n]) if t == "string" else values[n] for n, t in fields]
    return keccak(abi_encode(["bytes32"] + ["bytes32" if t == "string" else t for _, t in fields],
                             [type_hash, *words]))


def frozen() -> float:
    """A clock that never moves: the budget never stops the search, so results are deterministic."""
    return 0.0


def ticking(step: float = 0.001) -> Callable[[], float]:
    """A clock that moves ``step`` seconds each time it is read (the engine reads it once per candidate)."""
    counter = itertools.count()
    return lambda: next(counter) * step


SEARCH_LIMIT = 20_000
"""No diagnosis here needs more candidates than this; a full Sera Order search is well under it."""


def diagnosed(doc: Any, signature: str, expect: str = ADDRESS, **options: Any) -> Diagnosis:
    result = diagnose(doc, signature, expect, clock=frozen, **options)
    assert result.stopped is None and result.candidates < SEARCH_LIMIT
    return result


# --- the documents themselves agree with eth-account ------------------------------------------

@pytest.mark.parametrize("make", [sera_order, sera_cancel, sera_withdraw, renance_order])
def test_the_documents_hash_as_eth_account_hashes_them(make: Any) -> None:
    doc = make()
    assert TypedData(doc).digest() == digest(doc)


# --- outcomes -----------------------------------------------------------------------------------

def test_a_correct_signature_is_valid_with_no_cause() -> None:
    doc = sera_cancel()
    result = diagnosed(doc, sign_typed(doc))
    assert result.valid and result.cause is None and result.findings == ()
    assert result.signer == ADDRESS and result.signed_digest == digest(doc)


def test_a_signature_by_another_key_is_unexplained_with_what_was_tried() -> None:
    doc = sera_order()
    result = diagnosed(doc, sign_typed(doc, OTHER_KEY))
    assert not result.valid and result.cause == "UNEXPLAINED" and result.findings == ()
    assert result.signer == OTHER_ADDRESS
    assert result.complete and result.stopped is None
    names = [t.name for t in result.tried]
    assert {h.name for h in HYPOTHESES if h.layer in TYPED_LAYERS} <= set(names)
    assert {"domain × message", "domain × domain", "message × message", "domain × domain × message"} <= set(names)
    assert result.candidates == 1 + sum(t.candidates for t in result.tried) > 1000
    assert "another key" in result.sentence and "complete" in result.sentence


def test_the_search_stops_at_its_budget_and_says_so() -> None:
    doc = sera_order()
    result = diagnose(doc, sign_typed(doc, OTHER_KEY), ADDRESS, max_candidates=50, clock=frozen)
    assert result.cause == "UNEXPLAINED" and not result.complete
    assert result.candidates == 50 and "candidate cap" in (result.stopped or "")
    assert "stopped" in result.sentence


def test_the_time_budget_bounds_the_search() -> None:
    # The clock advances 1 ms per read: a 50 ms budget allows a few dozen reads, so the search stops
    # early — and says so — whatever the machine's speed.
    doc = sera_order()
    result = diagnose(doc, sign_typed(doc, OTHER_KEY), ADDRESS, time_budget=0.05, clock=ticking())
    assert not result.complete and result.stopped == "the time budget"
    assert result.cause == "UNEXPLAINED" and result.candidates < 50
    assert "before it was complete" in result.sentence


def test_the_full_search_of_a_sera_order_is_complete_and_bounded() -> None:
    # The budget is about candidates: a complete Order search (every single, pair and triple) fits in
    # SEARCH_LIMIT recoveries, which the default budget covers with margin (docs/doctor.md has the times).
    doc = sera_order()
    result = diagnose(doc, sign_typed(doc, OTHER_KEY), ADDRESS, clock=frozen)
    assert result.complete and result.cause == "UNEXPLAINED"
    assert 5_000 < result.candidates < 15_000


# --- domain -------------------------------------------------------------------------------------

@pytest.mark.parametrize("chain_id", [1, 421614, 31337, 8453, 11155420, 84532, 17000])
def test_another_chain_id(chain_id: int) -> None:
    doc = sera_cancel()
    wrong = with_change(doc, "domain", "chainId", chain_id)
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "DOMAIN_CHAIN_ID" and not result.valid
    assert (result.field, result.signed_value, result.given_value) == ("domain.chainId", chain_id, 11155111)
    assert result.step == "domain separator"
    assert result.signed_digest == digest(wrong)


def test_another_verifying_contract() -> None:
    doc = sera_order()
    wrong = with_change(doc, "domain", "verifyingContract", renance.DOMAIN.verifying_contract)
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "DOMAIN_VERIFYING_CONTRACT" and result.field == "domain.verifyingContract"
    assert result.signed_value == renance.DOMAIN.verifying_contract
    assert "renance" in result.sentence


@pytest.mark.parametrize("name", ["sera", "SERA", "XBlade Vault", "Sera "])
def test_another_name(name: str) -> None:
    doc = sera_cancel()
    result = diagnosed(doc, sign_typed(with_change(doc, "domain", "name", name)))
    assert result.cause == "DOMAIN_NAME" and (result.signed_value, result.given_value) == (name, "Sera")


@pytest.mark.parametrize("version", ["1.0", "v1", "1.0.0", "2"])
def test_another_version(version: str) -> None:
    doc = renance_order()
    result = diagnosed(doc, sign_typed(with_change(doc, "domain", "version", version)))
    assert result.cause == "DOMAIN_VERSION" and result.signed_value == version


def test_a_field_missing_from_the_signers_domain() -> None:
    doc = sera_cancel()
    wrong = copy.deepcopy(doc)
    del wrong["domain"]["verifyingContract"]
    wrong["types"]["EIP712Domain"] = DOMAIN_TYPE[:3]
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "DOMAIN_FIELD_MISSING"
    assert result.signed_value == ["name", "version", "chainId"]
    assert "verifyingContract" in result.sentence


def test_a_field_added_to_the_signers_domain() -> None:
    doc = sera_cancel()
    del doc["domain"]["chainId"]
    doc["types"]["EIP712Domain"] = [f for f in DOMAIN_TYPE if f["name"] != "chainId"]
    wrong = sera_cancel()  # the signer's domain still has chainId 11155111
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "DOMAIN_FIELD_ADDED" and result.field == "domain.chainId"
    assert result.signed_value == {"chainId": 11155111}


def test_domain_fields_in_the_canonical_order_where_the_server_declares_another() -> None:
    # The server declares EIP712Domain as (version, name, chainId, verifyingContract), as MetaMask
    # honours; eth-account derives the canonical order and so signs something else.
    doc = sera_cancel()
    doc["types"]["EIP712Domain"] = [DOMAIN_TYPE[1], DOMAIN_TYPE[0], *DOMAIN_TYPE[2:]]
    result = diagnosed(doc, sign_typed(sera_cancel()))
    assert result.cause == "DOMAIN_FIELD_ORDER"
    assert result.signed_value == ["name", "version", "chainId", "verifyingContract"]


def test_a_hand_written_domain_with_fields_reordered() -> None:
    doc = sera_cancel()
    order = [("name", "string"), ("chainId", "uint256"), ("verifyingContract", "address"), ("version", "string")]
    signed = keccak(b"\x19\x01" + domain_by_hand(order, doc["domain"]) + struct_hash(doc))
    result = diagnosed(doc, sign_hash(signed))
    assert result.cause == "DOMAIN_FIELD_ORDER" and result.signed_digest == signed
    assert result.signed_value == ["name", "chainId", "verifyingContract", "version"]


def test_verifying_contract_declared_as_string() -> None:
    doc = renance_order()
    fields = [("name", "string"), ("version", "string"), ("chainId", "uint256"), ("verifyingContract", "string")]
    values = {**doc["domain"], "verifyingContract": doc["domain"]["verifyingContract"].lower()}
    signed = keccak(b"\x19\x01" + domain_by_hand(fields, values) + struct_hash(doc))
    result = diagnosed(doc, sign_hash(signed))
    assert result.cause == "DOMAIN_VERIFYING_CONTRACT_AS_STRING" and result.signed_digest == signed
    assert (result.signed_value, result.given_value) == ("string", "address")


def test_chain_id_declared_as_string() -> None:
    doc = sera_order()
    fields = [("name", "string"), ("version", "string"), ("chainId", "string"), ("verifyingContract", "address")]
    values = {**doc["domain"], "chainId": "11155111"}
    signed = keccak(b"\x19\x01" + domain_by_hand(fields, values) + struct_hash(doc))
    result = diagnosed(doc, sign_hash(signed))
    assert result.cause == "DOMAIN_CHAIN_ID_AS_STRING" and result.signed_value == "11155111"


def test_another_protocols_whole_domain() -> None:
    doc = sera_cancel()
    wrong = copy.deepcopy(doc)
    wrong["domain"] = renance.DOMAIN.to_dict()
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "DOMAIN_OF_OTHER_PROTOCOL" and result.signed_value == renance.DOMAIN.to_dict()


# --- method -------------------------------------------------------------------------------------

def test_personal_sign_of_the_digest_bytes() -> None:
    doc = sera_order()
    result = diagnosed(doc, sign_personal(digest(doc)))
    assert result.cause == "PERSONAL_SIGN_OF_DIGEST" and result.step == "signing method"


def test_eth_sign_of_the_raw_digest_as_geth_does_it() -> None:
    # geth's eth_sign prefixes "\x19Ethereum Signed Message:\n32" to the 32 bytes: the same digest.
    doc = renance_order()
    prefixed = keccak(b"\x19Ethereum Signed Message:\n32" + digest(doc))
    result = diagnosed(doc, sign_hash(prefixed))
    assert result.cause == "PERSONAL_SIGN_OF_DIGEST" and "eth_sign" in result.sentence


def test_eth_sign_of_the_raw_digest_by_a_signer_that_hashes_its_input() -> None:
    doc = renance_order()
    signature = eth_keys.PrivateKey(bytes.fromhex(KEY[2:])).sign_msg(digest(doc))  # keccak(digest) signed
    result = diagnosed(doc, signature.to_hex())
    assert result.cause == "DIGEST_HASHED_TWICE"


def test_coincurves_default_sha256_hasher() -> None:
    doc = sera_cancel()
    raw = coincurve.PrivateKey(bytes.fromhex(KEY[2:])).sign_recoverable(digest(doc))  # sha256(digest) signed
    result = diagnosed(doc, "0x" + raw.hex())
    assert result.cause == "DIGEST_SHA256" and "SIGNATURE_V_0_1" in result.causes


@pytest.mark.parametrize("text", ["0x{}", "{}"])
def test_personal_sign_of_the_digest_as_hex_text(text: str) -> None:
    doc = sera_cancel()
    result = diagnosed(doc, sign_personal(text.format(digest(doc).hex())))
    assert result.cause == "PERSONAL_SIGN_OF_DIGEST_HEX"


@pytest.mark.parametrize("dumps", [
    lambda d: json.dumps(d, separators=(",", ":")),
    lambda d: json.dumps(d, indent=2),
    lambda d: json.dumps(d, indent=4),
])
def test_personal_sign_of_the_json_text(dumps: Any) -> None:
    doc = renance_order()
    result = diagnosed(doc, sign_personal(dumps(doc)))
    assert result.cause == "PERSONAL_SIGN_OF_JSON"


def test_personal_sign_of_the_json_text_exactly_as_the_file_holds_it() -> None:
    text = json.dumps(sera_cancel(), indent=3) + "\n"
    result = diagnosed(text, sign_personal(text))
    assert result.cause == "PERSONAL_SIGN_OF_JSON" and "exactly as given" in result.sentence


def test_the_struct_hash_signed_without_0x1901_and_domain() -> None:
    doc = sera_order()
    result = diagnosed(doc, sign_hash(struct_hash(doc)))
    assert result.cause == "STRUCT_HASH_SIGNED" and result.step == "digest"


def test_the_digest_without_its_0x1901_prefix() -> None:
    doc = sera_order()
    result = diagnosed(doc, sign_hash(keccak(separator(doc) + struct_hash(doc))))
    assert result.cause == "DIGEST_WITHOUT_1901"


def test_the_digest_without_the_domain_separator() -> None:
    doc = sera_cancel()
    result = diagnosed(doc, sign_hash(keccak(b"\x19\x01" + struct_hash(doc))))
    assert result.cause == "DIGEST_WITHOUT_DOMAIN"


def test_personal_sign_of_the_struct_hash() -> None:
    doc = renance_order()
    result = diagnosed(doc, sign_personal(struct_hash(doc)))
    assert result.cause == "PERSONAL_SIGN_OF_STRUCT_HASH"


def test_personal_sign_of_the_unhashed_preimage() -> None:
    doc = renance_order()
    result = diagnosed(doc, sign_personal(b"\x19\x01" + separator(doc) + struct_hash(doc)))
    assert result.cause == "PERSONAL_SIGN_OF_PREIMAGE"


# --- arrays (v3-style) --------------------------------------------------------------------------

WITHDRAW_TYPE = ("WithdrawIntent(address user,address[] tokens,uint256[] amounts,address recipient,uint256 deadline,"
                 "uint256 uuid)")


def test_v3_style_arrays_abi_encoded_in_place() -> None:
    doc = sera_withdraw()
    m = doc["message"]
    encoded = abi_encode(
        ["bytes32", "address", "address[]", "uint256[]", "address", "uint256", "uint256"],
        [keccak(text=WITHDRAW_TYPE), m["user"], m["tokens"], [int(a) for a in m["amounts"]], m["recipient"],
         m["deadline"], int(m["uuid"])],
    )
    signed = keccak(b"\x19\x01" + separator(doc) + keccak(encoded))
    result = diagnosed(doc, sign_hash(signed))
    assert result.cause == "V3_ARRAY_ABI_ENCODED" and result.signed_digest == signed
    assert "WithdrawIntent.tokens" in (result.field or "")


def test_v3_leaving_an_undefined_field_out_of_encode_data() -> None:
    doc = sera_withdraw()
    m = doc["message"]
    words = abi_encode(  # encodeData without `amounts`: eth_signTypedData_v3 skips an undefined value
        ["bytes32", "address", "bytes32", "address", "uint256", "uint256"],
        [keccak(text=WITHDRAW_TYPE), m["user"], keccak(b"".join(bytes(12) + bytes.fromhex(t[2:]) for t in m["tokens"])),
         m["recipient"], m["deadline"], int(m["uuid"])],
    )
    signed = keccak(b"\x19\x01" + separator(doc) + keccak(words))
    result = diagnosed(doc, sign_hash(signed))
    assert result.cause == "V3_FIELD_OMITTED" and result.field == "message.amounts"


def test_an_array_of_structs_hashed_over_encode_data() -> None:
    doc = {
        "types": {"EIP712Domain": DOMAIN_TYPE, "Person": [{"name": "name", "type": "string"},
                                                          {"name": "wallet", "type": "address"}],
                  "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person[]"},
                           {"name": "contents", "type": "string"}]},
        "primaryType": "Mail",
        "domain": sera.DOMAIN.to_dict(),
        "message": {"from": {"name": "Cow", "wallet": ADDRESS},
                    "to": [{"name": "Bob", "wallet": OTHER_ADDRESS}, {"name": "Eve", "wallet": USDC}],
                    "contents": "Hello, Bob!"},
    }
    person_type = keccak(text="Person(string name,address wallet)")

    def person_data(p: dict[str, str]) -> bytes:
        return abi_encode(["bytes32", "bytes32", "address"], [person_type, keccak(text=p["name"]), p["wallet"]])

    m = doc["message"]
    words = abi_encode(["bytes32", "bytes32", "bytes32", "bytes32"], [
        keccak(text="Mail(Person from,Person[] to,string contents)Person(string name,address wallet)"),
        keccak(person_data(m["from"])),
        keccak(b"".join(person_data(p) for p in m["to"])),  # encodeData of items, not their hashStruct
        keccak(text=m["contents"]),
    ])
    signed = keccak(b"\x19\x01" + separator(doc) + keccak(words))
    assert TypedData(doc).digest() == digest(doc)
    result = diagnosed(doc, sign_hash(signed))
    assert result.cause == "ARRAY_OF_STRUCTS_ENCODE_DATA"


# --- values -------------------------------------------------------------------------------------

def test_milliseconds_where_seconds_belong() -> None:
    doc = sera_order()
    result = diagnosed(doc, sign_typed(with_change(doc, "message", "expiration", EXPIRATION * 1000)))
    assert result.cause == "MILLISECONDS_FOR_SECONDS" and result.field == "message.expiration"
    assert (result.signed_value, result.given_value) == (EXPIRATION * 1000, EXPIRATION)


def test_milliseconds_with_a_remainder_where_seconds_belong() -> None:
    doc = renance_order()
    signed_ms = 1704537600 * 1000 + 437  # Date.now() at the moment of signing
    result = diagnosed(doc, sign_typed(with_change(doc, "message", "timestamp", signed_ms)))
    assert result.cause == "MILLISECONDS_FOR_SECONDS" and result.signed_value == signed_ms


def test_seconds_where_milliseconds_belong() -> None:
    doc = {"types": {"EIP712Domain": DOMAIN_TYPE, "Ping": [{"name": "wallet", "type": "address"},
                                                           {"name": "timestampMs", "type": "uint256"}]},
           "primaryType": "Ping", "domain": sera.DOMAIN.to_dict(),
           "message": {"wallet": ADDRESS, "timestampMs": 1704537600437}}
    result = diagnosed(doc, sign_typed(with_change(doc, "message", "timestampMs", 1704537600)))
    assert result.cause == "SECONDS_FOR_MILLISECONDS" and result.signed_value == 1704537600


def test_a_human_amount_where_base_units_belong() -> None:
    doc = sera_order()  # 1085 USDC (6 decimals) is 1085000000 base units
    result = diagnosed(doc, sign_typed(with_change(doc, "message", "fromAmount", 1085)))
    assert result.cause == "HUMAN_AMOUNT_AS_BASE_UNITS" and result.field == "message.fromAmount"
    assert (result.signed_value, result.given_value) == (1085, 1085000000)


def test_an_amount_scaled_with_18_decimals_for_a_6_decimal_token() -> None:
    doc = sera_order()
    result = diagnosed(doc, sign_typed(with_change(doc, "message", "toAmount", 1000 * 10**18)))
    assert result.cause == "AMOUNT_DECIMALS" and result.signed_value == 1000 * 10**18


def test_base_units_in_a_string_where_the_human_amount_belongs() -> None:
    doc = renance_order()
    result = diagnosed(doc, sign_typed(with_change(doc, "message", "amount", "1000000000000000")))
    assert result.cause == "BASE_UNITS_AS_HUMAN_AMOUNT" and result.signed_value == "1000000000000000"


def test_a_decimal_string_formatted_differently() -> None:
    doc = renance_order()
    result = diagnosed(doc, sign_typed(with_change(doc, "message", "price", "100000")))
    assert result.cause == "NUMBER_FORMAT" and (result.signed_value, result.given_value) == ("100000", "100000.00")


@pytest.mark.parametrize(("field", "value"), [("side", "BUY"), ("side", "Buy"), ("orderType", "LIMIT"),
                                              ("orderType", "Limit")])
def test_the_case_of_side_or_order_type(field: str, value: str) -> None:
    doc = renance_order()
    result = diagnosed(doc, sign_typed(with_change(doc, "message", field, value)))
    assert result.cause == "STRING_CASE" and result.field == f"message.{field}" and result.signed_value == value


def test_side_and_order_type_both_upper_case() -> None:
    doc = renance_order()
    wrong = copy.deepcopy(doc)
    wrong["message"].update(side="BUY", orderType="LIMIT", symbol="BTCUSDT")
    result = diagnosed(doc, sign_typed(wrong))
    assert result.causes == ("STRING_CASE", "STRING_CASE")
    assert [f.field for f in result.findings] == ["message.side", "message.orderType"]


def test_a_side_synonym() -> None:
    doc = renance_order()
    result = diagnosed(doc, sign_typed(with_change(doc, "message", "side", "bid")))
    assert result.cause == "STRING_SYNONYM" and result.signed_value == "bid"


def test_an_address_lowercased_inside_a_string() -> None:
    doc = {"types": {"EIP712Domain": DOMAIN_TYPE, "Login": [{"name": "wallet", "type": "address"},
                                                            {"name": "statement", "type": "string"}]},
           "primaryType": "Login", "domain": renance.DOMAIN.to_dict(),
           "message": {"wallet": ADDRESS, "statement": f"Sign in as {ADDRESS} to Renance"}}
    wrong = with_change(doc, "message", "statement", f"Sign in as {ADDRESS.lower()} to Renance")
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "ADDRESS_CASE_IN_STRING" and result.signed_value == wrong["message"]["statement"]


@pytest.mark.parametrize(("field", "declared"), [("expiration", "uint256"), ("feeBps", "uint16"),
                                                 ("fromAmount", "uint128")])
def test_a_field_declared_with_another_width(field: str, declared: str) -> None:
    doc = sera_order()
    wrong = copy.deepcopy(doc)
    for f in wrong["types"]["Order"]:
        if f["name"] == field:
            given_type, f["type"] = f["type"], declared
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "TYPE_WIDTH" and (result.signed_value, result.given_value) == (declared, given_type)
    assert result.field is not None and result.field.startswith("types.Order[")


def test_a_field_named_as_the_request_body_names_it() -> None:
    doc = renance_order()
    wrong = copy.deepcopy(doc)
    wrong["types"]["CreateOrder"][3]["name"] = "order_type"
    wrong["message"] = {("order_type" if k == "orderType" else k): v for k, v in doc["message"].items()}
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "FIELD_NAME" and (result.signed_value, result.given_value) == ("order_type", "orderType")


def test_struct_fields_declared_in_alphabetical_order() -> None:
    doc = renance_order()
    wrong = copy.deepcopy(doc)
    wrong["types"]["CreateOrder"] = sorted(doc["types"]["CreateOrder"], key=lambda f: f["name"])
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "FIELD_ORDER"
    assert result.signed_value == sorted(f["name"] for f in doc["types"]["CreateOrder"])


def test_an_integer_field_declared_as_a_string() -> None:
    doc = renance_order()
    wrong = copy.deepcopy(doc)
    wrong["types"]["CreateOrder"][6]["type"] = "string"
    wrong["message"]["leverage"] = "50"
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "NUMBER_AS_STRING" and (result.signed_value, result.given_value) == ("string", "uint32")


def test_a_salt_in_the_signers_domain() -> None:
    doc = sera_cancel()
    wrong = copy.deepcopy(doc)
    wrong["domain"]["salt"] = "0x" + (11155111).to_bytes(32, "big").hex()
    wrong["types"]["EIP712Domain"] = [*DOMAIN_TYPE, {"name": "salt", "type": "bytes32"}]
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "DOMAIN_FIELD_ADDED" and result.field == "domain.salt"


# --- Sera identifiers ---------------------------------------------------------------------------

def test_the_uuid_as_a_128_bit_integer_where_uuid_int_belongs() -> None:
    doc = sera_cancel()
    bits = int(ORDER_ID.replace("-", ""), 16)  # BigInt('0x' + uuid)
    result = diagnosed(doc, sign_typed(with_change(doc, "message", "orderId", bits)))
    assert result.cause == "UUID_STRING_AS_UUID_INT" and result.field == "message.orderId"
    assert (result.signed_value, result.given_value) == (bits, UUID_INT)


def test_the_uuid_string_where_uuid_int_belongs() -> None:
    doc = sera_cancel()
    wrong = copy.deepcopy(doc)
    wrong["types"]["CancelOrder"][1]["type"] = "string"
    wrong["message"]["orderId"] = ORDER_ID
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "UUID_STRING_AS_UUID_INT" and result.signed_value == ORDER_ID


def test_a_uuid_int_packed_with_a_stale_executor_id() -> None:
    doc = sera_order()
    stale = uuid_int.pack(ORDER_ID, 3)
    result = diagnosed(doc, sign_typed(with_change(doc, "message", "uuid", stale)))
    assert result.cause == "UUID_INT_EXECUTOR_ID" and result.signed_value == stale


def test_a_uuid_int_packed_without_group_and_leg() -> None:
    doc = sera_cancel()
    bare = int(ORDER_ID.replace("-", ""), 16) << uuid_int.UUID_SHIFT  # executor 0, group 0, leg 0
    result = diagnosed(doc, sign_typed(with_change(doc, "message", "orderId", bare)))
    assert result.cause == "UUID_INT_LAYOUT" and result.signed_value == bare


# --- signature encoding -------------------------------------------------------------------------

def _parts(signature: str) -> tuple[int, int, int]:
    raw = bytes.fromhex(signature[2:])
    return int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:64], "big"), raw[64]


def _hex(r: int, s: int, v: int | None) -> str:
    return "0x" + r.to_bytes(32, "big").hex() + s.to_bytes(32, "big").hex() + ("" if v is None else f"{v:02x}")


def test_v_as_0_or_1_is_valid_but_named() -> None:
    doc = sera_cancel()
    r, s, v = _parts(sign_typed(doc))
    result = diagnosed(doc, _hex(r, s, v - 27))
    assert result.valid and result.cause == "SIGNATURE_V_0_1"
    assert result.canonical_signature == _hex(r, s, v)


def test_a_high_s_signature_is_invalid_and_named() -> None:
    doc = sera_cancel()
    r, s, v = _parts(sign_typed(doc))
    result = diagnosed(doc, _hex(r, SECPK1_N - s, 55 - v))
    assert not result.valid and result.cause == "SIGNATURE_HIGH_S"
    assert result.canonical_signature == _hex(r, s, v)


def test_the_compact_form_is_valid_but_named() -> None:
    doc = sera_cancel()
    r, s, v = _parts(sign_typed(doc))
    result = diagnosed(doc, _hex(r, ((v - 27) << 255) | s, None))
    assert result.valid and result.cause == "SIGNATURE_COMPACT"


def test_a_compact_signature_with_v_appended() -> None:
    # Only a signature with yParity 1 has the top bit of its compact s set: pick such an order.
    for executor in range(16):
        doc = with_change(sera_cancel(), "message", "orderId", uuid_int.pack(ORDER_ID, executor))
        r, s, v = _parts(sign_typed(doc))
        if v == 28:
            break
    result = diagnosed(doc, _hex(r, (1 << 255) | s, 28))
    assert not result.valid and result.cause == "SIGNATURE_COMPACT_WITH_V"
    assert result.canonical_signature == _hex(r, s, 28)


def test_v_with_the_wrong_parity() -> None:
    doc = sera_cancel()
    r, s, v = _parts(sign_typed(doc))
    result = diagnosed(doc, _hex(r, s, 55 - v))
    assert result.cause == "SIGNATURE_V_PARITY" and result.signed_value == v


def test_an_eip155_transaction_v() -> None:
    doc = sera_cancel()
    r, s, v = _parts(sign_typed(doc))
    result = diagnosed(doc, _hex(r, s, 35 + 2 * 1 + v - 27))
    assert not result.valid and result.cause == "SIGNATURE_V_EIP155"


# --- two mistakes at once -----------------------------------------------------------------------

def test_another_chain_id_and_v_as_0_or_1() -> None:
    doc = sera_order()
    r, s, v = _parts(sign_typed(with_change(doc, "domain", "chainId", 1)))
    result = diagnosed(doc, _hex(r, s, v - 27))
    assert result.causes == ("DOMAIN_CHAIN_ID", "SIGNATURE_V_0_1") and not result.valid


def test_personal_sign_of_a_digest_made_for_another_chain() -> None:
    doc = renance_order()
    result = diagnosed(doc, sign_personal(digest(with_change(doc, "domain", "chainId", 42161))))
    assert result.causes == ("DOMAIN_CHAIN_ID", "PERSONAL_SIGN_OF_DIGEST")
    assert result.sentence.startswith("2 mistakes together.")


def test_milliseconds_and_another_chain_id() -> None:
    doc = sera_order()
    wrong = with_change(with_change(doc, "domain", "chainId", 31337), "message", "expiration", EXPIRATION * 1000)
    result = diagnosed(doc, sign_typed(wrong))
    assert result.causes == ("DOMAIN_CHAIN_ID", "MILLISECONDS_FOR_SECONDS")


@fuzzed(quick=4, full=40, chain_id=st.sampled_from(sorted(set(CHAIN_NAMES) - {421614})),
        key=st.sampled_from(DEV_KEYS))
def test_any_known_chain_id_with_any_dev_key(chain_id: int, key: tuple[str, str]) -> None:
    doc = renance_order()
    doc["message"]["wallet"] = key[1]
    result = diagnosed(doc, sign_typed(with_change(doc, "domain", "chainId", chain_id), key[0]), key[1])
    assert result.cause == "DOMAIN_CHAIN_ID" and result.signed_value == chain_id


def test_a_domain_only_document() -> None:
    doc = {"types": {"EIP712Domain": DOMAIN_TYPE}, "primaryType": "EIP712Domain", "domain": sera.DOMAIN.to_dict(),
           "message": {}}
    wrong = keccak(b"\x19\x01" + domain_by_hand([(f["name"], f["type"]) for f in DOMAIN_TYPE],
                                                 {**doc["domain"], "chainId": 1}))
    result = diagnosed(doc, sign_hash(wrong))
    assert result.cause == "DOMAIN_CHAIN_ID" and result.signed_digest == wrong


@fuzzed(quick=8, full=100, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], doc=documents())
def test_any_document_gets_an_answer_and_never_a_traceback(doc: dict[str, Any]) -> None:
    """Random documents of every shape (recursive structs, nested arrays, any domain subset)."""
    assert diagnose(doc, sign_typed(doc), ADDRESS, clock=frozen).valid
    foreign = sign_hash(keccak(b"no document at all"))
    result = diagnose(doc, foreign, ADDRESS, max_candidates=1500, clock=frozen)
    assert result.cause == "UNEXPLAINED" and result.findings == ()  # never a false claim
    json.dumps(result.to_dict())


# --- round two: fields swapped, renamed, widened, added, dropped -------------------------------

def renance_struct(struct: Any, message: dict[str, Any]) -> dict[str, Any]:
    return document(struct, {"wallet": ADDRESS, **message, "timestamp": 1704537600}, domain=renance.DOMAIN)


def renance_batch_cancel() -> dict[str, Any]:
    return renance_struct(renance.BatchCancelOrders, {"orderIds": "ord_1,ord_2,ord_3"})


def retyped(doc: dict[str, Any], struct: str, field: str, new_type: str) -> dict[str, Any]:
    changed = copy.deepcopy(doc)
    for f in changed["types"][struct]:
        if f["name"] == field:
            f["type"] = new_type
    return changed


@pytest.mark.parametrize(("a", "b"), [("fromToken", "toToken"), ("fromAmount", "toAmount")])
def test_values_swapped_between_two_fields_of_the_same_type(a: str, b: str) -> None:
    doc = sera_order()
    wrong = copy.deepcopy(doc)
    wrong["message"][a], wrong["message"][b] = doc["message"][b], doc["message"][a]
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "VALUES_SWAPPED" and result.field == f"message.{a}"
    assert result.signed_value == {a: doc["message"][b], b: doc["message"][a]}
    assert result.signed_digest == digest(wrong)


def test_a_bid_built_as_an_ask_swaps_tokens_and_amounts_together() -> None:
    doc = sera_order()
    wrong = copy.deepcopy(doc)
    for a, b in (("fromToken", "toToken"), ("fromAmount", "toAmount")):
        wrong["message"][a], wrong["message"][b] = doc["message"][b], doc["message"][a]
    result = diagnosed(doc, sign_typed(wrong))
    assert result.causes == ("VALUES_SWAPPED", "VALUES_SWAPPED")
    assert [f.field for f in result.findings] == ["message.fromToken", "message.fromAmount"]
    assert "bid" in result.sentence


def test_price_and_amount_swapped() -> None:
    doc = renance_order()
    wrong = copy.deepcopy(doc)
    wrong["message"]["price"], wrong["message"]["amount"] = doc["message"]["amount"], doc["message"]["price"]
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "VALUES_SWAPPED" and result.field == "message.price"


def test_two_fields_swapped_in_the_type_definition() -> None:
    doc = sera_order()
    wrong = copy.deepcopy(doc)
    fields = wrong["types"]["Order"]
    fields[4], fields[5] = fields[5], fields[4]  # toToken declared before fromToken, values by name
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "FIELD_ORDER" and result.signed_value == [f["name"] for f in fields]
    assert "fromToken and toToken" in result.sentence


@pytest.mark.parametrize(("doc_factory", "new_name"), [(sera_order, "Orders"), (renance_order, "Order")])
def test_the_primary_type_under_another_name(doc_factory: Any, new_name: str) -> None:
    doc = doc_factory()
    old = doc["primaryType"]
    wrong = copy.deepcopy(doc)
    wrong["types"][new_name] = wrong["types"].pop(old)
    wrong["primaryType"] = new_name
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "STRUCT_NAME" and (result.signed_value, result.given_value) == (new_name, old)
    assert result.field == "primaryType"


def test_a_single_cancel_signed_for_the_batch_endpoint() -> None:
    doc = renance_struct(renance.BatchCancelOrders, {"orderIds": "ord_1"})
    wrong = renance_struct(renance.CancelOrder, {"orderId": "ord_1"})  # CancelOrder sent to /orders/batch
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "OTHER_STRUCT" and (result.signed_value, result.given_value) == (
        "CancelOrder", "BatchCancelOrders")


def test_uint_without_width_hashed_literally_by_eth_account() -> None:
    doc = renance_struct(renance.Login, {"nonce": 7})
    result = diagnosed(doc, sign_typed(retyped(doc, "Login", "nonce", "uint")))  # eth-account keeps "uint nonce"
    assert result.cause == "TYPE_WITHOUT_WIDTH" and (result.signed_value, result.given_value) == ("uint", "uint256")


def test_uint_without_width_mapped_to_uint256_as_ethers_does() -> None:
    # ethers v6 normalises a width-less `uint` to uint256 before hashing: the same bytes as declaring uint256.
    doc = sera_order()
    result = diagnosed(doc, sign_typed(retyped(doc, "Order", "expiration", "uint256")))
    assert result.cause == "TYPE_WIDTH" and result.signed_value == "uint256" and "ethers" in result.sentence


def test_an_extra_nonce_field() -> None:
    doc = renance_order()
    wrong = copy.deepcopy(doc)
    wrong["types"]["CreateOrder"].append({"name": "nonce", "type": "uint256"})
    wrong["message"]["nonce"] = 0
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "STRUCT_FIELD_ADDED" and result.signed_value[-1] == "nonce"


def test_a_field_left_out_of_type_and_data() -> None:
    doc = sera_order()
    wrong = copy.deepcopy(doc)
    wrong["types"]["Order"] = [f for f in doc["types"]["Order"] if f["name"] != "feeBps"]
    del wrong["message"]["feeBps"]
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "STRUCT_FIELD_MISSING" and "feeBps" not in result.signed_value


def test_another_salt() -> None:
    doc = sera_cancel()
    doc["types"]["EIP712Domain"] = [*DOMAIN_TYPE, {"name": "salt", "type": "bytes32"}]
    doc["domain"]["salt"] = "0x" + keccak(text="sera-salt").hex()
    wrong = with_change(doc, "domain", "salt", "0x" + bytes(32).hex())
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "DOMAIN_SALT" and result.signed_value == "0x" + bytes(32).hex()


# --- round two: eth_signTypedData_v3 dropping every array ---------------------------------------

MAIL_TYPES = {
    "EIP712Domain": DOMAIN_TYPE,
    "Person": [{"name": "name", "type": "string"}, {"name": "wallets", "type": "address[]"}],
    "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person[]"},
             {"name": "contents", "type": "string"}],
}


def mail() -> dict[str, Any]:
    return {"types": copy.deepcopy(MAIL_TYPES), "primaryType": "Mail", "domain": sera.DOMAIN.to_dict(),
            "message": {"from": {"name": "Cow", "wallets": [ADDRESS, USDC]},
                        "to": [{"name": "Bob", "wallets": [OTHER_ADDRESS]}], "contents": "Hello, Bob!"}}


def test_v3_dropping_both_arrays_of_a_withdraw_intent() -> None:
    doc = sera_withdraw()
    m = doc["message"]
    words = abi_encode(  # V3: typeHash of the full type, no word for tokens or amounts (undefined, skipped)
        ["bytes32", "address", "address", "uint256", "uint256"],
        [keccak(text=WITHDRAW_TYPE), m["user"], m["recipient"], m["deadline"], int(m["uuid"])],
    )
    signed = keccak(b"\x19\x01" + separator(doc) + keccak(words))
    result = diagnosed(doc, sign_hash(signed))
    assert result.cause == "V3_ARRAYS_DROPPED" and result.signed_digest == signed
    assert result.field == "message.tokens, message.amounts"


def test_v3_dropping_nested_arrays_too() -> None:
    doc = mail()
    person = "Person(string name,address[] wallets)"
    mail_type = keccak(text="Mail(Person from,Person[] to,string contents)" + person)
    sender = keccak(abi_encode(["bytes32", "bytes32"], [keccak(text=person), keccak(text="Cow")]))  # no wallets
    words = abi_encode(["bytes32", "bytes32", "bytes32"], [mail_type, sender, keccak(text="Hello, Bob!")])  # no to
    signed = keccak(b"\x19\x01" + separator(doc) + keccak(words))
    assert TypedData(doc).digest() == digest(doc)
    result = diagnosed(doc, sign_hash(signed))
    assert result.cause == "V3_ARRAYS_DROPPED" and "message.to" in (result.field or "")
    assert "message.from.wallets" in (result.field or "")


def test_every_array_deleted_from_types_and_message() -> None:
    doc = mail()
    wrong = copy.deepcopy(doc)
    wrong["types"]["Person"] = wrong["types"]["Person"][:1]
    wrong["types"]["Mail"] = [f for f in wrong["types"]["Mail"] if f["name"] != "to"]
    del wrong["message"]["to"], wrong["message"]["from"]["wallets"]
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "V3_ARRAYS_DROPPED" and result.step == "typeHash (encodeType) and encodeData"


def test_several_confirmed_explanations_are_all_reported_and_ranked() -> None:
    # One array only: V3 dropping every array and V3 omitting that one field sign the same bytes.
    doc = {"types": {"EIP712Domain": DOMAIN_TYPE, "Batch": [{"name": "owner", "type": "address"},
                                                            {"name": "ids", "type": "uint256[]"}]},
           "primaryType": "Batch", "domain": sera.DOMAIN.to_dict(), "message": {"owner": ADDRESS, "ids": [1, 2]}}
    type_hash = keccak(text="Batch(address owner,uint256[] ids)")
    signed = keccak(b"\x19\x01" + separator(doc) + keccak(abi_encode(["bytes32", "address"], [type_hash, ADDRESS])))
    result = diagnosed(doc, sign_hash(signed))
    assert result.cause == "V3_ARRAYS_DROPPED"
    assert [tuple(f.code for f in alt) for alt in result.alternatives] == [("V3_FIELD_OMITTED",)]
    assert "1 other explanation gives this very digest" in result.sentence
    assert result.to_dict()["alternatives"][0]["causes"] == ["V3_FIELD_OMITTED"]


# --- round two: values a little off -------------------------------------------------------------

@pytest.mark.parametrize("delta", [7, -42, 60])
def test_a_timestamp_a_few_seconds_off(delta: int) -> None:
    doc = renance_order()
    result = diagnosed(doc, sign_typed(with_change(doc, "message", "timestamp", 1704537600 + delta)))
    assert result.cause == "CLOCK_SKEW" and result.signed_value == 1704537600 + delta


@pytest.mark.parametrize(("signed", "label"), [("ord_1, ord_2, ord_3", "\", \""),
                                               ('["ord_1","ord_2","ord_3"]', "JSON array")])
def test_order_ids_joined_otherwise(signed: str, label: str) -> None:
    doc = renance_batch_cancel()
    result = diagnosed(doc, sign_typed(with_change(doc, "message", "orderIds", signed)))
    assert result.cause == "ID_LIST_FORMAT" and result.signed_value == signed and label in result.sentence


def test_order_ids_sent_as_an_array_declared_string_array() -> None:
    doc = renance_batch_cancel()
    wrong = retyped(doc, "BatchCancelOrders", "orderIds", "string[]")
    wrong["message"]["orderIds"] = ["ord_1", "ord_2", "ord_3"]
    result = diagnosed(doc, sign_typed(wrong))
    assert result.cause == "ID_LIST_FORMAT" and result.signed_value == ["ord_1", "ord_2", "ord_3"]


def test_an_amount_rounded_with_to_fixed() -> None:
    doc = renance_order()  # amount "0.001"
    result = diagnosed(doc, sign_typed(with_change(doc, "message", "amount", "0.00")))
    assert result.cause == "NUMBER_ROUNDED" and result.signed_value == "0.00"


# --- round two: two and three mistakes in one layer ---------------------------------------------

def test_two_message_mistakes_buy_and_to_fixed() -> None:
    doc = with_change(renance_order(), "message", "price", "100000")
    wrong = copy.deepcopy(doc)
    wrong["message"].update(side="BUY", price=f"{100000:.2f}")  # side.toUpperCase(), price.toFixed(2)
    result = diagnosed(doc, sign_typed(wrong))
    assert sorted(result.causes) == ["NUMBER_FORMAT", "STRING_CASE"]
    assert {f.field for f in result.findings} == {"message.side", "message.price"}
    assert result.sentence.startswith("2 mistakes together.")


def test_two_domain_mistakes_lowercase_name_and_no_version() -> None:
    doc = sera_cancel()
    wrong = with_change(doc, "domain", "name", "sera")
    del wrong["domain"]["version"]
    wrong["types"]["EIP712Domain"] = [f for f in DOMAIN_TYPE if f["name"] != "version"]
    result = diagnosed(doc, sign_typed(wrong))
    assert sorted(result.causes) == ["DOMAIN_FIELD_MISSING", "DOMAIN_NAME"]


def test_three_cheap_mistakes_at_once() -> None:
    doc = sera_order()
    wrong = with_change(with_change(doc, "domain", "name", "sera"), "domain", "chainId", 1)
    wrong["message"]["expiration"] = EXPIRATION * 1000
    result = diagnosed(doc, sign_typed(wrong))
    assert sorted(result.causes) == ["DOMAIN_CHAIN_ID", "DOMAIN_NAME", "MILLISECONDS_FOR_SECONDS"]
    assert result.sentence.startswith("3 mistakes together.")


# --- round two: MetaMask and personal_sign of the JSON ------------------------------------------

def test_metamask_v4_given_ethers_style_types_hashes_an_empty_domain_type() -> None:
    # MetaMask hashes the EIP712Domain declared in types; ethers-style types declare none: EIP712Domain().
    doc = sera_cancel()
    signed = keccak(b"\x19\x01" + keccak(keccak(text="EIP712Domain()")) + struct_hash(doc))
    result = diagnosed(doc, sign_hash(signed))
    assert result.cause == "DOMAIN_FIELD_MISSING" and result.signed_value == []
    assert "types.EIP712Domain = [" in result.sentence and "MetaMask" in result.sentence
    assert "include every field" not in result.sentence


@pytest.mark.parametrize("with_domain_type", [True, False])
def test_personal_sign_of_the_json_built_in_javascript_key_order(with_domain_type: bool) -> None:
    doc = renance_order()
    types = doc["types"] if with_domain_type else {k: v for k, v in doc["types"].items() if k != "EIP712Domain"}
    js = {"domain": doc["domain"], "types": types, "primaryType": doc["primaryType"], "message": doc["message"]}
    result = diagnosed(doc, sign_personal(json.dumps(js, separators=(",", ":"))))
    assert result.cause == "PERSONAL_SIGN_OF_JSON" and "{domain, types, primaryType, message}" in result.sentence


# --- round two: the search itself ---------------------------------------------------------------

def test_fast_recovery_agrees_with_the_core() -> None:
    for index in range(8):
        doc = with_change(sera_cancel(), "message", "orderId", uuid_int.pack(ORDER_ID, index))
        signature = Signature.parse(sign_typed(doc, DEV_KEYS[index % 3][0]))
        for recoverer in (Recoverer(signature), Recoverer(signature, fast=False)):
            for _ in range(16):
                candidate = os.urandom(32)
                assert recoverer.address(candidate) == keccak256(recover_public_key(candidate, signature)[1:])[12:]


def test_likely_mistakes_are_found_first() -> None:
    doc = sera_order()
    result = diagnosed(doc, sign_typed(with_change(doc, "domain", "chainId", 1)))
    assert result.cause == "DOMAIN_CHAIN_ID" and result.candidates < 20  # a tier-0 single, found in the first few


def test_every_hypothesis_has_a_tier_and_a_layer() -> None:
    assert all(0 <= h.tier <= 4 for h in HYPOTHESES)
    assert len({h.name for h in HYPOTHESES}) == len(HYPOTHESES)


def test_the_search_order_is_one_list_that_agrees_with_tiers_and_layers() -> None:
    by_name = {h.name: h for h in HYPOTHESES}
    assert sorted(SEARCH_ORDER) == sorted(by_name), "SEARCH_ORDER lists every hypothesis, once"
    ranks = [(by_name[name].tier, LAYERS.index(by_name[name].layer)) for name in SEARCH_ORDER]
    assert ranks == sorted(ranks), "SEARCH_ORDER is by tier, then layer"
    assert [h.name for h in search_order(reversed(HYPOTHESES))] == list(SEARCH_ORDER)  # not the import order
    with open("docs/doctor.md", encoding="utf-8") as handle:
        table = re.findall(r"^\| `([a-z0-9-]+)` \| [a-z]+ \| [0-4] \|", handle.read(), flags=re.M)
    typed, text = [n for n in SEARCH_ORDER if by_name[n].layer != "text"], [n for n in SEARCH_ORDER
                                                                          if by_name[n].layer == "text"]
    assert table == typed + text, "docs/doctor.md lists the hypotheses in SEARCH_ORDER (typed data, then texts)"


# --- detection, input and output ----------------------------------------------------------------

def test_the_protocol_is_detected_by_shape_or_hinted() -> None:
    doc = sera_cancel()
    doc["domain"]["name"] = "Sera Testnet"
    doc["domain"]["verifyingContract"] = USDC
    assert diagnosed(doc, sign_typed(doc)).protocol == "sera"  # CancelOrder(address owner,uint256 orderId)
    assert diagnosed(renance_order(), sign_typed(renance_order())).protocol == "renance"
    plain = with_change(sera_withdraw(), "domain", "name", "Vault")
    plain["domain"]["verifyingContract"] = USDC
    plain["primaryType"] = "WithdrawIntent"
    plain["types"]["WithdrawIntent"] = plain["types"]["WithdrawIntent"][:-1]
    del plain["message"]["uuid"]
    assert diagnosed(plain, sign_typed(plain)).protocol is None
    assert diagnosed(plain, sign_typed(plain), protocol="renance").protocol == "renance"


@pytest.mark.parametrize(("arguments", "code", "path"), [
    ({"signature": "0x1234"}, "SIGNATURE_MALFORMED", "signature"),
    ({"signature": "not hex"}, "SIGNATURE_MALFORMED", "signature"),
    ({"expect": "0x123"}, "INVALID_ADDRESS", "expect"),
    ({"expect": "0x0000000000000000000000000000000000000000"}, "INVALID_ADDRESS", "expect"),
    ({"expect": ADDRESS.replace("f39F", "F39F")}, "BAD_CHECKSUM", "expect"),
    ({"document": "{not json"}, "INVALID_JSON", ""),
    ({"document": {"types": {}, "domain": {}}}, "INVALID_DOCUMENT", "message"),
    ({"protocol": "uniswap"}, "UNKNOWN_PROTOCOL", "protocol"),
    # r = 5 is not the x-coordinate of a curve point: nothing recovers, whatever was signed
    ({"signature": "0x" + (5).to_bytes(32, "big").hex() + (7).to_bytes(32, "big").hex() + "1b"},
     "RECOVERY_FAILED", "signature"),
])
def test_bad_input_is_refused_with_a_code_and_a_path(arguments: dict[str, Any], code: str, path: str) -> None:
    doc = sera_cancel()
    call: dict[str, Any] = {"document": doc, "signature": sign_typed(doc), "expect": ADDRESS, **arguments}
    protocol = call.pop("protocol", None)
    with pytest.raises(Eip712KitError) as caught:
        diagnose(call["document"], call["signature"], call["expect"], protocol=protocol)
    assert (caught.value.code, caught.value.path) == (code, path)


def test_the_diagnosis_is_plain_json() -> None:
    doc = sera_order()
    result = diagnosed(doc, sign_typed(with_change(doc, "message", "expiration", EXPIRATION * 1000)))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["cause"] == "MILLISECONDS_FOR_SECONDS" and data["valid"] is False
    assert data["signed_value"] == EXPIRATION * 1000 and data["given_value"] == EXPIRATION
    assert data["signed_digest"] == "0x" + digest(with_change(doc, "message", "expiration", EXPIRATION * 1000)).hex()
    assert data["search"]["tried"][0]["name"] == "v-parity"
    assert data["digest"] == "0x" + digest(doc).hex()


def test_every_cause_is_documented() -> None:
    with open("docs/doctor.md", encoding="utf-8") as handle:
        text = handle.read()
    missing = [code for code in CAUSES if f"`{code}`" not in text]
    assert not missing, f"docs/doctor.md does not describe {missing}"
    undocumented = [h.name for h in HYPOTHESES if f"`{h.name}`" not in text]
    assert not undocumented, f"docs/doctor.md does not list hypotheses {undocumented}"
