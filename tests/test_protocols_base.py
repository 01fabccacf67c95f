"""The declared-struct base: every protocol struct hashes like the standard document and eth-account.

The struct path never builds a JSON document; these tests build one anyway (``to_typed_data``)
and hold three digests together on random values: the struct's own, the core ``TypedData``'s
and eth-account's ``encode_typed_data``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eip712kit import Eip712KitError, TypedData
from eip712kit.base.parsers import json_int, to_checksum_address
from eip712kit.core.domain import Domain, separator_of
from eip712kit.core.schema import compile_types
from eip712kit.protocols import alura, renance, sera  # noqa: F401  (alura: import must succeed)
from eip712kit.protocols.requests import Prepared
from eip712kit.protocols.struct import Struct
from eip712kit.protocols.windows import require_in_window
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.fuzzing import fuzzed

ALL_STRUCTS = [*sera.STRUCTS, *renance.STRUCTS]


# --- strategies -------------------------------------------------------------------------------

addresses = st.binary(min_size=20, max_size=20).flatmap(
    lambda raw: st.sampled_from([to_checksum_address(raw), "0x" + raw.hex()])
)


def value_strategy(type_text: str) -> st.SearchStrategy[Any]:
    """Random values of one EIP-712 type, in the forms callers send (ints also as decimal strings)."""
    array = re.fullmatch(r"(.+)\[(\d*)\]", type_text)
    if array:
        inner = value_strategy(array.group(1))
        size = int(array.group(2)) if array.group(2) else None
        if size is None:
            return st.lists(inner, max_size=4)
        return st.lists(inner, min_size=size, max_size=size)
    if type_text == "address":
        return addresses
    if type_text == "string":
        return st.text(max_size=40)
    if type_text == "bool":
        return st.booleans()
    if type_text == "bytes":
        return st.binary(max_size=70).map(lambda b: "0x" + b.hex())
    match = re.fullmatch(r"(u?int|bytes)(\d+)", type_text)
    assert match, type_text
    kind, width = match.group(1), int(match.group(2))
    if kind == "uint":
        ints = st.one_of(st.integers(0, 2**width - 1), st.sampled_from([0, 2**width - 1]))
    elif kind == "int":
        ints = st.integers(-(2 ** (width - 1)), 2 ** (width - 1) - 1)
    else:
        return st.binary(min_size=width, max_size=width).map(lambda b: "0x" + b.hex())
    return st.one_of(ints, ints.map(str))


def message_strategy(cls: type[Struct]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({name: value_strategy(t) for name, t in cls.fields})


domains = st.builds(
    Domain,
    name=st.none() | st.text(max_size=20),
    version=st.none() | st.text(max_size=5),
    chain_id=st.none() | st.integers(0, 2**256 - 1),
    verifying_contract=st.none() | addresses,
    salt=st.none() | st.binary(min_size=32, max_size=32),
).filter(lambda d: d.to_dict() != {})


def eth_account_digest(document: dict[str, Any]) -> bytes:
    signable = encode_typed_data(full_message=document)
    return keccak(b"\x19" + signable.version + signable.header + signable.body)


# --- the three digests agree --------------------------------------------------------------------

@pytest.mark.parametrize("cls", ALL_STRUCTS, ids=lambda c: f"{c.__module__.rsplit('.', 1)[-1]}.{c.__name__}")
@fuzzed(data=st.data(), quick=12, full=60, suppress_health_check=[HealthCheck.too_slow])
def test_struct_digest_matches_typed_data_and_eth_account(cls: type[Struct], data: st.DataObject) -> None:
    message = data.draw(message_strategy(cls))
    domain = data.draw(domains)
    struct = cls.from_message(message)
    document = struct.to_typed_data(domain)
    json.dumps(document)  # the document is plain JSON
    typed = TypedData(document)
    assert struct.digest(domain) == typed.digest()
    assert struct.digest(domain) == eth_account_digest(document)
    # the facade and the document path are one encoder: the same bytes at every step (alloy's repro idea),
    # and the caller's own spellings (decimal strings, lowercase addresses) hash alike through both
    assert (struct.encode_type(), struct.type_hash(), struct.encode_data(), struct.struct_hash()) == (
        typed.encode_type(), typed.type_hash(), typed.encode_data(), typed.struct_hash())
    assert TypedData({**document, "message": message}).digest() == struct.digest(domain)
    assert struct.struct_hash() == encode_typed_data(full_message=document).body
    # a plain dict domain gives the same digest as the Domain value
    assert struct.digest(domain.to_dict()) == struct.digest(domain)
    # the JSON form reads back to the same struct
    assert cls.from_message(document["message"]) == struct


@pytest.mark.parametrize("cls", ALL_STRUCTS, ids=lambda c: f"{c.__module__.rsplit('.', 1)[-1]}.{c.__name__}")
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_struct_signature_matches_eth_account(cls: type[Struct], data: st.DataObject) -> None:
    key, address = DEV_KEYS[0]
    struct = cls.from_message(data.draw(message_strategy(cls)))
    domain = data.draw(domains)
    signature = struct.sign(key, domain)
    expected = Account.sign_message(encode_typed_data(full_message=struct.to_typed_data(domain)), key)
    assert signature.to_bytes() == bytes(expected.signature)
    assert struct.recover(signature, domain) == address
    assert struct.check(signature.to_hex(), address, domain).valid
    assert not struct.check(signature, DEV_KEYS[1][1], domain).valid


@pytest.mark.parametrize("cls", ALL_STRUCTS, ids=lambda c: c.__name__)
def test_class_values_come_from_the_core_schema(cls: type[Struct]) -> None:
    types = cls.types()
    schema = compile_types(types)
    assert cls.encode_type() == schema.encode_type(cls.primary_type)
    assert cls.type_hash() == keccak(text=cls.encode_type())
    assert cls.type_hash() is cls.type_hash()  # computed once, at class creation


def test_encode_types_are_the_documented_ones() -> None:
    # Written out from SPEC.md / the seed documents, independently of the declarations.
    assert sera.Order.encode_type() == (
        "Order(address user,uint48 expiration,uint48 feeBps,address recipient,address fromToken,address toToken,"
        "uint256 fromAmount,uint256 toAmount,uint256 initialDepositAmount,uint256 uuid)"
    )
    assert sera.WithdrawIntent.encode_type() == (
        "WithdrawIntent(address user,address[] tokens,uint256[] amounts,address recipient,uint256 deadline,"
        "uint256 uuid)"
    )
    assert renance.CreateOrder.encode_type() == (
        "CreateOrder(address wallet,string symbol,string side,string orderType,string price,string amount,"
        "uint32 leverage,uint256 timestamp)"
    )
    assert renance.Login.encode_type() == "Login(address wallet,uint256 nonce,uint256 timestamp)"


# --- declaring a struct ------------------------------------------------------------------------

class Everything(Struct):
    """Every field kind the base supports, to check the codecs beyond what the protocols use."""

    fields = (
        ("flag", "bool"),
        ("small", "int8"),
        ("signed", "int256"),
        ("word", "bytes32"),
        ("short", "bytes4"),
        ("blob", "bytes"),
        ("grid", "uint16[2][]"),
        ("names", "string[]"),
        ("who", "address[3]"),
    )


@fuzzed(message=message_strategy(Everything), domain=domains, quick=15, full=60)
def test_every_supported_type_matches_eth_account(message: dict[str, Any], domain: Domain) -> None:
    struct = Everything.from_message(message)
    document = struct.to_typed_data(domain)
    assert struct.digest(domain) == TypedData(document).digest() == eth_account_digest(document)
    assert Everything.from_message(struct.to_message()) == struct
    assert Everything(**{name: getattr(struct, name) for name, _ in Everything.fields}) == struct


def test_fields_read_back_as_python_values() -> None:
    struct = Everything(flag=True, small="-5", signed=-(2**200), word="0x" + "ab" * 32, short=b"\x01\x02\x03\x04",
                        blob=bytearray(b"\xff"), grid=[[1, "2"]], names=["a"], who=[DEV_KEYS[0][1].lower()] * 3)
    assert (struct.flag, struct.small, struct.signed) == (True, -5, -(2**200))
    assert (struct.word, struct.short, struct.blob) == (b"\xab" * 32, b"\x01\x02\x03\x04", b"\xff")
    assert (struct.grid, struct.names, struct.who) == (((1, 2),), ("a",), (DEV_KEYS[0][1],) * 3)
    assert struct.to_message()["signed"] == str(-(2**200))
    assert struct.to_message()["short"] == "0x01020304"
    assert struct.to_message()["grid"] == [[1, 2]]


def test_a_hashed_struct_does_not_change_when_the_callers_list_does() -> None:
    tokens = ["0x" + "11" * 20]
    blob = bytearray(b"\x01")
    withdraw = sera.WithdrawIntent(user=DEV_KEYS[0][1], tokens=tokens, amounts=[1], recipient=DEV_KEYS[0][1],
                                   deadline=1, uuid=1)
    before = withdraw.to_message()
    tokens.append("0x" + "22" * 20)
    assert withdraw.to_message() == before
    assert withdraw == sera.WithdrawIntent.from_message(before)
    struct = Everything(flag=False, small=0, signed=0, word="0x" + "00" * 32, short="0x00000000", blob=blob,
                        grid=[], names=[], who=["0x" + "00" * 20] * 3)
    blob[0] = 2
    assert struct.blob == b"\x01"


def test_a_struct_is_declared_in_a_few_lines() -> None:
    class Transfer(Struct):
        fields = (("to", "address"), ("amount", "uint256"))

    transfer = Transfer(to=DEV_KEYS[1][1].lower(), amount="5")
    assert Transfer.encode_type() == "Transfer(address to,uint256 amount)"
    assert transfer.to == DEV_KEYS[1][1]  # fields read back, addresses in EIP-55 form
    assert transfer.amount == 5
    assert transfer.to_message() == {"to": DEV_KEYS[1][1], "amount": 5}
    assert transfer.replace(amount=6).amount == 6
    assert transfer == Transfer.from_message({"to": DEV_KEYS[1][1], "amount": 5})
    assert transfer != transfer.replace(amount=6)
    assert len({transfer, Transfer(to=DEV_KEYS[1][1], amount=5)}) == 1
    assert not hasattr(transfer, "__dict__")  # slots only


def test_primary_type_can_differ_from_the_class_name() -> None:
    class SeraCancel(Struct):
        primary_type = "CancelOrder"
        fields = (("owner", "address"), ("orderId", "uint256"))

    assert SeraCancel.encode_type() == sera.CancelOrder.encode_type()
    owner = DEV_KEYS[0][1]
    assert SeraCancel(owner=owner, orderId=7).digest(sera.DOMAIN) == sera.CancelOrder(
        owner=owner, orderId=7).digest(sera.DOMAIN)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ((("a", "uint"),), "UNKNOWN_TYPE"),
        ((("a", "Person"),), "UNKNOWN_TYPE"),
        ((("a", "uint8"), ("a", "uint8")), "DUPLICATE_FIELD"),
        ((("sign", "uint8"),), "INVALID_TYPE_NAME"),
        ((("1a", "uint8"),), "INVALID_TYPE_NAME"),
    ],
)
def test_a_wrong_declaration_fails_when_the_class_is_defined(fields: Any, code: str) -> None:
    with pytest.raises(Eip712KitError) as info:
        type("Broken", (Struct,), {"fields": fields})
    assert info.value.code == code


# --- values are validated at construction ------------------------------------------------------

def order_message() -> dict[str, Any]:
    return {
        "user": DEV_KEYS[0][1], "expiration": 1_900_000_000, "feeBps": 0, "recipient": sera.ZERO_ADDRESS,
        "fromToken": "0x" + "11" * 20, "toToken": "0x" + "22" * 20, "fromAmount": 1, "toAmount": 2,
        "initialDepositAmount": 0, "uuid": 3,
    }


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        ({"fromAmount": -1}, "INT_OUT_OF_RANGE", "message.fromAmount"),
        ({"fromAmount": 1.5}, "INVALID_INT", "message.fromAmount"),
        ({"fromAmount": True}, "INVALID_INT", "message.fromAmount"),
        ({"expiration": 2**48}, "INT_OUT_OF_RANGE", "message.expiration"),
        ({"user": "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266"}, "BAD_CHECKSUM", "message.user"),
        ({"user": "0x1234"}, "INVALID_ADDRESS", "message.user"),
        ({"uuid": "1e5"}, "INVALID_INT", "message.uuid"),
        ({"surprise": 1}, "EXTRA_FIELD", "message.surprise"),
    ],
)
def test_bad_values_name_code_and_path(change: dict[str, Any], code: str, path: str) -> None:
    with pytest.raises(Eip712KitError) as info:
        sera.Order.from_message({**order_message(), **change})
    assert (info.value.code, info.value.path) == (code, path)


def test_missing_field_and_array_element_paths() -> None:
    message = order_message()
    del message["uuid"]
    with pytest.raises(Eip712KitError) as info:
        sera.Order(**message)
    assert (info.value.code, info.value.path) == ("MISSING_FIELD", "message.uuid")
    with pytest.raises(Eip712KitError) as info:
        sera.WithdrawIntent(user=DEV_KEYS[0][1], tokens=["0x" + "11" * 20, "0xnope"], amounts=[1, 2],
                            recipient=DEV_KEYS[0][1], deadline=1, uuid=1)
    assert (info.value.code, info.value.path) == ("INVALID_ADDRESS", "message.tokens[1]")
    with pytest.raises(Eip712KitError) as info:
        sera.Intent.from_message("not an object")  # type: ignore[arg-type]
    assert info.value.code == "INVALID_STRUCT"
    with pytest.raises(Eip712KitError) as info:
        sera.Intent.from_message({}, root="route_params")
    assert info.value.path == "route_params.taker"


def test_limits_and_key_types_are_refused_like_the_core() -> None:
    with pytest.raises(Eip712KitError) as info:
        sera.CancelVLBatch(owner=DEV_KEYS[0][1], vlBatchId="x" * 1_000_001)
    assert (info.value.code, info.value.path) == ("LIMIT_EXCEEDED", "message.vlBatchId")
    with pytest.raises(Eip712KitError) as info:
        sera.CancelVLBatch.from_message({"owner": DEV_KEYS[0][1], "vlBatchId": "b", 5: "x"})  # type: ignore[dict-item]
    assert info.value.code == "EXTRA_FIELD"


def test_to_message_is_json_safe_for_javascript_readers() -> None:
    big = 2**53
    order = sera.Order.from_message({**order_message(), "fromAmount": big, "toAmount": big - 1})
    message = order.to_message()
    assert message["fromAmount"] == str(big)  # beyond Number.MAX_SAFE_INTEGER: a string
    assert message["toAmount"] == big - 1  # still exact as a JSON number
    assert json_int(-(2**53)) == str(-(2**53))
    assert message["recipient"] == sera.ZERO_ADDRESS


# --- the domain -----------------------------------------------------------------------------

def test_domain_to_dict_and_separator_agree_with_eth_account() -> None:
    domain = Domain(name="Sera", version="1", chain_id="11155111",
                    verifying_contract="0xd0fc92d8ef9be26d7288fca1d6458f675e72b83a")
    assert domain.chain_id == 11155111
    assert domain.to_dict() == {"name": "Sera", "version": "1", "chainId": 11155111,
                                "verifyingContract": "0xd0fc92d8eF9bE26D7288fCa1D6458f675e72B83a"}
    document = sera.CancelOrder(owner=DEV_KEYS[0][1], orderId=1).to_typed_data(domain)
    assert domain.separator() == encode_typed_data(full_message=document).header
    assert Domain.from_dict(domain.to_dict()) == domain
    assert separator_of(domain.to_dict()) == domain.separator()


@pytest.mark.parametrize(
    ("domain", "code", "path"),
    [
        ({"name": "x", "chainID": 1}, "INVALID_DOMAIN", "domain.chainID"),
        ({"chainId": -1}, "INT_OUT_OF_RANGE", "domain.chainId"),
        ({"chainId": "one"}, "INVALID_INT", "domain.chainId"),
        ({"verifyingContract": "0xD0fc92d8eF9bE26D7288fCa1D6458f675e72B83a"}, "BAD_CHECKSUM",
         "domain.verifyingContract"),
        ({"salt": "0x1234"}, "BYTES_LENGTH", "domain.salt"),
        ({"name": 5}, "INVALID_STRING", "domain.name"),
    ],
)
def test_bad_domains_are_refused_with_paths(domain: dict[str, Any], code: str, path: str) -> None:
    with pytest.raises(Eip712KitError) as info:
        Domain.from_dict(domain)
    assert (info.value.code, info.value.path) == (code, path)
    with pytest.raises(Eip712KitError) as info:
        sera.CancelOrder(owner=DEV_KEYS[0][1], orderId=1).digest(domain)
    assert info.value.code == code


def test_domain_differences_name_each_field() -> None:
    other = sera.DOMAIN.replace(chain_id=1, salt=b"\x01" * 32)
    differences = sera.DOMAIN.differences(other)
    assert len(differences) == 2
    assert differences[0].startswith("chainId: 1 differs from the pinned 11155111")
    assert differences[1].startswith("salt:")
    assert sera.DOMAIN.differences(sera.DOMAIN) == []


# --- prepared requests and time windows --------------------------------------------------------

def test_prepared_request_signs_only_with_the_named_signer() -> None:
    (key0, address0), (key1, _address1) = DEV_KEYS[0], DEV_KEYS[1]
    message = sera.ManageApiKey(owner=address0, action="list", timestamp=100)
    prepared = Prepared(message, address0, "POST", "/x", {"owner_address": address0, "signature": None})
    with pytest.raises(Eip712KitError) as info:
        prepared.body()
    assert info.value.code == "SIGNATURE_MISSING"
    with pytest.raises(Eip712KitError) as info:
        prepared.sign(key1, sera.DOMAIN)
    assert info.value.code == "KEY_MISMATCH"
    assert key1[2:] not in str(info.value)  # never the key itself
    signed = prepared.sign(key0, sera.DOMAIN)
    assert signed.check(sera.DOMAIN).valid
    assert signed.body()["signature"] == message.sign(key0, sera.DOMAIN).to_hex()
    # a signature made elsewhere is kept exactly as given (v = 0/1 form included)
    v0 = message.sign(key0, sera.DOMAIN).to_hex(v_offset=0)
    assert prepared.with_signature(v0).body()["signature"] == v0
    with pytest.raises(Eip712KitError) as info:
        prepared.with_signature("0x1234")
    assert info.value.code == "SIGNATURE_MALFORMED"


@pytest.mark.parametrize(("offset", "ok"), [(0, True), (30, True), (-30, True), (31, False), (-31, False)])
def test_timestamp_window_includes_its_boundary(offset: int, ok: bool) -> None:
    now = 1_704_537_600
    if ok:
        assert require_in_window(now + offset, now, 30) == now + offset
    else:
        with pytest.raises(Eip712KitError) as info:
            require_in_window(now + offset, now, 30)
        assert (info.value.code, info.value.path) == ("TIMESTAMP_OUT_OF_WINDOW", "timestamp")
