"""Every refusal has a stable code and a JSON path: a table of bad documents and what they are refused with."""

from __future__ import annotations

import copy
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import pytest

import eip712kit
from eip712kit import Eip712KitError, Limits, Signature, TypedData
from eip712kit.core.schema import compile_types
from eip712kit.core.trace import trace_struct
from tests.helpers.examples import mail

MAIL = mail()
WALLET = "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"

ONE_FIELD = {"types": {"T": [{"name": "v", "type": "uint8"}]}, "primaryType": "T", "domain": {}, "message": {"v": 1}}


def with_field(type_text: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(ONE_FIELD)
    doc["types"]["T"][0]["type"] = type_text
    doc["message"]["v"] = value
    return doc


def mail_with(edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    doc = copy.deepcopy(MAIL)
    edit(doc)
    return doc


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return edit


def _delete(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def edit(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return edit


BAD_DOCUMENTS: list[tuple[str, Any, str, str]] = [
    # (case, document, code, path)
    ("wrong checksum", mail_with(_set(["message", "from", "wallet"], WALLET.replace("CD2a", "cD2a"))),
     "BAD_CHECKSUM", "message.from.wallet"),
    ("address too short", mail_with(_set(["message", "to", "wallet"], "0x1234")),
     "INVALID_ADDRESS", "message.to.wallet"),
    ("address without 0x", mail_with(_set(["message", "to", "wallet"], WALLET[2:] + "00")),
     "INVALID_ADDRESS", "message.to.wallet"),
    ("address as number", mail_with(_set(["message", "to", "wallet"], 5)),
     "INVALID_ADDRESS", "message.to.wallet"),
    ("uint8 overflow", with_field("uint8", 256), "INT_OUT_OF_RANGE", "message.v"),
    ("uint negative", with_field("uint256", "-1"), "INT_OUT_OF_RANGE", "message.v"),
    ("int8 underflow", with_field("int8", -129), "INT_OUT_OF_RANGE", "message.v"),
    ("uint256 overflow hex", with_field("uint256", "0x1" + "0" * 64), "INT_OUT_OF_RANGE", "message.v"),
    ("huge decimal string", with_field("uint256", "9" * 5000), "INT_OUT_OF_RANGE", "message.v"),
    ("fractional number", with_field("uint256", 1.5), "INVALID_INT", "message.v"),
    ("unsafe float", with_field("uint256", 1e300), "INVALID_INT", "message.v"),
    ("bool as int", with_field("uint256", True), "INVALID_INT", "message.v"),
    ("int with spaces", with_field("uint256", " 1"), "INVALID_INT", "message.v"),
    ("int with underscore", with_field("uint256", "1_000"), "INVALID_INT", "message.v"),
    ("int exponent string", with_field("uint256", "1e3"), "INVALID_INT", "message.v"),
    ("empty int string", with_field("uint256", ""), "INVALID_INT", "message.v"),
    ("negative hex", with_field("int256", "-0x1"), "INVALID_INT", "message.v"),
    ("bool as string", with_field("bool", "true"), "INVALID_BOOL", "message.v"),
    ("bool as 1", with_field("bool", 1), "INVALID_BOOL", "message.v"),
    ("short bytesN", with_field("bytes32", "0x" + "ab" * 31), "BYTES_LENGTH", "message.v"),
    ("long bytesN", with_field("bytes4", "0x0102030405"), "BYTES_LENGTH", "message.v"),
    ("odd hex bytes", with_field("bytes", "0x123"), "INVALID_HEX", "message.v"),
    ("non-hex bytes", with_field("bytes", "hello"), "INVALID_HEX", "message.v"),
    ("string as number", with_field("string", 5), "INVALID_STRING", "message.v"),
    ("lone surrogate", with_field("string", "\ud800"), "INVALID_STRING", "message.v"),
    ("fixed array length", with_field("uint8[3]", [1, 2]), "ARRAY_LENGTH", "message.v"),
    ("array as object", with_field("uint8[]", {"0": 1}), "INVALID_ARRAY", "message.v"),
    ("bad element", with_field("uint8[][]", [[1], [2, 300]]), "INT_OUT_OF_RANGE", "message.v[1][1]"),
    ("unknown type", with_field("Person", {}), "UNKNOWN_TYPE", "types.T[0].type"),
    ("uint without width", with_field("uint", 1), "UNKNOWN_TYPE", "types.T[0].type"),
    ("uint7", with_field("uint7", 1), "UNKNOWN_TYPE", "types.T[0].type"),
    ("bytes33", with_field("bytes33", "0x00"), "UNKNOWN_TYPE", "types.T[0].type"),
    ("zero-length array", with_field("uint8[0]", []), "UNKNOWN_TYPE", "types.T[0].type"),
    ("malformed array", with_field("uint8[", []), "UNKNOWN_TYPE", "types.T[0].type"),
    ("missing field", mail_with(_delete(["message", "contents"])), "MISSING_FIELD", "message.contents"),
    ("missing nested field", mail_with(_delete(["message", "to", "name"])), "MISSING_FIELD", "message.to.name"),
    ("extra field", mail_with(_set(["message", "cc"], "x")), "EXTRA_FIELD", "message.cc"),
    ("null struct", mail_with(_set(["message", "to"], None)), "INVALID_STRUCT", "message.to"),
    ("message not object", mail_with(_set(["message"], [])), "INVALID_STRUCT", "message"),
    ("domain missing field", mail_with(_delete(["domain", "chainId"])), "MISSING_FIELD", "domain.chainId"),
    ("domain bad contract", mail_with(_set(["domain", "verifyingContract"], "0xabc")), "INVALID_ADDRESS",
     "domain.verifyingContract"),
    ("duplicate field", mail_with(_set(["types", "Person", 1], {"name": "name", "type": "string"})),
     "DUPLICATE_FIELD", "types.Person[1]"),
    ("atomic struct name", mail_with(_set(["types", "uint256"], [])), "RESERVED_TYPE_NAME", "types.uint256"),
    ("bad struct name", mail_with(_set(["types", "My Type"], [])), "INVALID_TYPE_NAME", "types.My Type"),
    ("field not an object", mail_with(_set(["types", "Person", 0], "string name")), "INVALID_TYPES",
     "types.Person[0]"),
    ("unknown primary type", mail_with(_set(["primaryType"], "Letter")), "UNKNOWN_TYPE", "primaryType"),
    ("missing message", mail_with(_delete(["message"])), "INVALID_DOCUMENT", "message"),
    ("extra top-level key", mail_with(_set(["signature"], "0x")), "INVALID_DOCUMENT", "signature"),
    ("unencodable cycle", {"types": {"A": [{"name": "b", "type": "B"}], "B": [{"name": "a", "type": "A[1]"}]},
                           "primaryType": "A", "domain": {}, "message": {}}, "UNENCODABLE_CYCLE", "types.A"),
    ("self cycle", {"types": {"A": [{"name": "a", "type": "A"}]}, "primaryType": "A", "domain": {}, "message": {}},
     "UNENCODABLE_CYCLE", "types.A"),
    ("ambiguous primary", {"types": {"A": [], "B": []}, "domain": {}, "message": {}}, "MISSING_PRIMARY_TYPE",
     "primaryType"),
]


@pytest.mark.parametrize(("case", "doc", "code", "path"), BAD_DOCUMENTS, ids=[c[0] for c in BAD_DOCUMENTS])
def test_bad_document_is_refused_with_its_code_and_path(case: str, doc: Any, code: str, path: str) -> None:
    with pytest.raises(Eip712KitError) as err:
        TypedData(doc)
    assert (err.value.code, err.value.path) == (code, path), str(err.value)
    assert len(err.value.message.split()) >= 4  # a sentence, not a bare code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{", "INVALID_JSON"),
        ("[1,2", "INVALID_JSON"),
        ('{"types": NaN}', "INVALID_JSON"),
        ("[]", "INVALID_DOCUMENT"),
        ("[" * 100_000 + "]" * 100_000, "LIMIT_EXCEEDED"),
        ('{"a":"' + "x" * 2_000_000 + '"}', "LIMIT_EXCEEDED"),
        (b"\xff\xfe", "INVALID_JSON"),
        ("\ufeff{}", "INVALID_JSON"),  # a byte-order mark, refused as json.loads refuses it
        (b"\xef\xbb\xbf{}", "INVALID_JSON"),
        ('{"a": Infinity}', "INVALID_JSON"),
    ],
)
def test_bad_json_text_is_refused(text: str | bytes, code: str) -> None:
    with pytest.raises(Eip712KitError) as err:
        TypedData(text)
    assert err.value.code == code


SIG = eip712kit.sign_typed_data(MAIL, "0x" + "11" * 32)


@pytest.mark.parametrize(
    ("signature", "code"),
    [
        ("0x1234", "SIGNATURE_MALFORMED"),
        ("", "SIGNATURE_MALFORMED"),
        ("zz" * 65, "SIGNATURE_MALFORMED"),
        (SIG.to_hex()[:-2] + "1d", "SIGNATURE_V_INVALID"),  # v = 29
        (SIG.to_hex()[:-2] + "25", "SIGNATURE_V_INVALID"),  # v = 37, an EIP-155 transaction v
        ("0x" + "00" * 32 + SIG.to_hex()[66:], "SIGNATURE_MALFORMED"),  # r = 0
        ("0x" + "ff" * 32 + SIG.to_hex()[66:], "SIGNATURE_MALFORMED"),  # r >= n
        (SIG.to_hex() + "00", "SIGNATURE_MALFORMED"),  # 66 bytes
    ],
)
def test_bad_signature_is_refused(signature: str, code: str) -> None:
    with pytest.raises(eip712kit.SignatureError) as err:
        eip712kit.recover_typed_data(MAIL, signature)
    assert err.value.code == code
    assert not eip712kit.verify_typed_data(MAIL, signature, SIG_SIGNER)


SIG_SIGNER = eip712kit.recover_typed_data(MAIL, SIG)


def test_high_s_is_refused_on_recovery_and_reported_on_verification() -> None:
    from eip712kit.core.signature import SECP256K1_N

    high = Signature(SIG.r, SECP256K1_N - SIG.s, 1 - SIG.y_parity)
    with pytest.raises(eip712kit.SignatureError) as err:
        eip712kit.recover_typed_data(MAIL, high.to_hex())
    assert err.value.code == "SIGNATURE_HIGH_S"
    # It does recover the same signer when allowed — which is exactly why it is malleable.
    assert eip712kit.recover_typed_data(MAIL, high, allow_high_s=True) == SIG_SIGNER
    result = eip712kit.check_typed_data(MAIL, high.to_hex(), SIG_SIGNER)
    assert not result.valid and result.code == "SIGNATURE_HIGH_S"


def test_zero_address_never_verifies() -> None:
    result = eip712kit.check_typed_data(MAIL, SIG, "0x" + "00" * 20)
    assert not result.valid and result.code == "ZERO_ADDRESS"


def test_every_code_raised_is_in_the_catalogue() -> None:
    for _, _, code, _ in BAD_DOCUMENTS:
        assert code in eip712kit.CODES
    with pytest.raises(AssertionError):
        Eip712KitError("x", code="NOT_A_CODE")


def test_limits_refuse_oversized_values_from_python_objects() -> None:
    tight = eip712kit.Limits(max_string_bytes=8, max_array_length=3)
    doc = with_field("string", "x" * 9)
    with pytest.raises(eip712kit.DocumentError) as err:
        TypedData(doc, limits=tight)
    assert (err.value.code, err.value.path) == ("LIMIT_EXCEEDED", "message.v")
    assert TypedData(with_field("string", "é" * 4), limits=tight).digest()  # 8 UTF-8 bytes: at the limit
    with pytest.raises(eip712kit.DocumentError):
        TypedData(with_field("bytes", "0x" + "00" * 9), limits=tight)
    assert TypedData(with_field("bytes", "0x" + "00" * 8), limits=tight).digest()
    with pytest.raises(eip712kit.DocumentError) as err:
        TypedData(with_field("uint8[]", [1, 2, 3, 4]), limits=tight)
    assert err.value.code == "LIMIT_EXCEEDED"


def test_deep_python_objects_are_refused_not_crashed() -> None:
    # JSON text is depth-checked before parsing (max_depth); a Python object deeper than the
    # interpreter's recursion limit is refused with the same code instead of a RecursionError.
    import sys

    value: dict[str, Any] = {"name": "leaf", "friends": []}
    for _ in range(sys.getrecursionlimit() + 100):
        value = {"name": "n", "friends": [value]}
    doc = {"types": {"P": [{"name": "name", "type": "string"}, {"name": "friends", "type": "P[]"}]},
           "primaryType": "P", "domain": {}, "message": value}
    with pytest.raises(eip712kit.DocumentError) as err:
        TypedData(doc)
    assert err.value.code == "LIMIT_EXCEEDED"


def _nested_people(levels: int) -> dict[str, Any]:
    """A ``P`` value of ``levels`` (even) levels of objects and arrays: each generation an object and its array of
    friends, the last one's empty."""
    value: dict[str, Any] = {"name": "leaf", "friends": []}
    for _ in range(levels // 2 - 1):
        value = {"name": "n", "friends": [value]}
    return value


PEOPLE = {"P": [{"name": "name", "type": "string"}, {"name": "friends", "type": "P[]"}]}


def test_a_recursive_value_is_held_to_max_depth_as_json_text_is() -> None:
    limits = Limits(max_depth=10)
    ok = {"types": PEOPLE, "primaryType": "P", "domain": {}, "message": _nested_people(10)}
    assert TypedData(ok, limits=limits).digest() == TypedData(ok).digest()
    deep = {"types": PEOPLE, "primaryType": "P", "domain": {}, "message": _nested_people(12)}
    with pytest.raises(eip712kit.DocumentError) as err:
        TypedData(deep, limits=limits)
    assert (err.value.code, err.value.path) == ("LIMIT_EXCEEDED", "message")
    schema = compile_types(PEOPLE, limits=limits)  # the lower entries hold to it too: a field, a walk
    with pytest.raises(eip712kit.DocumentError, match="nests deeper than 10"):
        schema.encode_field("P[]", [_nested_people(10)])
    with pytest.raises(eip712kit.DocumentError, match="nests deeper than 10"):
        trace_struct(schema, "P", _nested_people(12))
    assert trace_struct(schema, "P", _nested_people(10)).hash == schema.hash_struct("P", _nested_people(10))
    cycle: dict[str, Any] = {"name": "me", "friends": []}
    cycle["friends"].append(cycle)  # a value that contains itself nests without end
    with pytest.raises(eip712kit.DocumentError, match="nests deeper than 64"):
        TypedData({"types": PEOPLE, "primaryType": "P", "domain": {}, "message": cycle})


def test_a_raised_recursion_limit_does_not_turn_a_deep_value_into_a_crash() -> None:
    # py_ecc (imported by eth-account) sets the recursion limit to 100,000; on CPython 3.10 a value a few
    # thousand levels deep then overflowed the C stack (a segmentation fault) before RecursionError came
    script = textwrap.dedent("""
        import sys
        sys.setrecursionlimit(100_000)
        from eip712kit import DocumentError, TypedData
        value = {"name": "leaf", "friends": []}
        for _ in range(8_000):  # deep enough to crash 3.10, and within the raised limit on 3.11+
            value = {"name": "n", "friends": [value]}
        types = {"P": [{"name": "name", "type": "string"}, {"name": "friends", "type": "P[]"}]}
        try:
            TypedData({"types": types, "primaryType": "P", "domain": {}, "message": value})
        except DocumentError as exc:
            print(exc.code)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "LIMIT_EXCEEDED"), done.stderr[-2000:]


def test_a_json_number_too_long_for_python_is_refused() -> None:
    # Python refuses to parse integers of more than 4300 digits; that is a limit, not a crash.
    with pytest.raises(eip712kit.DocumentError) as err:
        TypedData('{"types": {}, "message": ' + "9" * 5000 + "}")
    assert err.value.code == "LIMIT_EXCEEDED"
