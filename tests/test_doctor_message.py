"""``diagnose_message``: the doctor names each personal_sign text mistake from a real signature.

Every broken signature is made the way the mistaken client makes it — eth-account's
``encode_defunct`` over the wrong text or bytes, or a raw-hash signer over a hashed text — with a
PUBLIC development key. The doctor gets the *right* text and the expected address. Budgets run on
a frozen clock: results are deterministic and nothing here asserts wall time.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak

from eip712kit import Eip712KitError
from eip712kit.core.messages import hash_message
from eip712kit.doctor import HYPOTHESES, Diagnosis, diagnose_message
from tests.helpers.devkeys import DEV_KEYS

KEY, ADDRESS = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)
OTHER_KEY, OTHER_ADDRESS = DEV_KEYS[1]  # PUBLIC development key (account #1)

CHALLENGE = (
    "testnet.alura.fun wants you to sign in with your Ethereum account:\n"
    f"{ADDRESS}\n"
    "\n"
    "Sign in to Alura.\n"
    "\n"
    "Nonce: 413902\n"
    "Issued At: 2026-01-01T00:00:00Z"
)


def frozen() -> float:
    return 0.0


def sign_text(text: str, key: str = KEY) -> str:
    return "0x" + Account.sign_message(encode_defunct(text=text), key).signature.hex()


def sign_bytes(data: bytes, key: str = KEY) -> str:
    return "0x" + Account.sign_message(encode_defunct(primitive=data), key).signature.hex()


def sign_raw(digest: bytes, key: str = KEY) -> str:
    return "0x" + Account.unsafe_sign_hash(digest, key).signature.hex()


def doctor(message: str | bytes, signature: str, **options: Any) -> Diagnosis:
    result = diagnose_message(message, signature, options.pop("expect", ADDRESS), clock=frozen, **options)
    assert result.stopped is None and result.kind == "message"
    return result


def test_a_correct_signature_is_valid() -> None:
    result = doctor(CHALLENGE, sign_text(CHALLENGE))
    assert result.valid and result.cause is None and result.digest == hash_message(CHALLENGE)


def test_v_as_0_or_1_is_valid_but_named() -> None:
    raw = bytearray.fromhex(sign_text(CHALLENGE)[2:])
    raw[64] -= 27
    result = doctor(CHALLENGE, "0x" + raw.hex())
    assert result.valid and result.cause == "SIGNATURE_V_0_1"


def test_a_signature_by_another_key_is_unexplained_after_a_complete_search() -> None:
    result = doctor(CHALLENGE, sign_text(CHALLENGE, OTHER_KEY))
    assert result.cause == "UNEXPLAINED" and result.signer == OTHER_ADDRESS and result.complete
    names = {t.name for t in result.tried}
    assert {h.name for h in HYPOTHESES if h.layer == "text"} <= names and "text × text" in names
    assert result.candidates == 1 + sum(t.candidates for t in result.tried)


def test_a_trailing_newline_added() -> None:
    result = doctor(CHALLENGE, sign_text(CHALLENGE + "\n"))  # echo "$MESSAGE" | sign
    assert result.cause == "MESSAGE_TRAILING_NEWLINE" and "added" in result.sentence


def test_the_trailing_newline_removed_with_the_trim_that_also_explains_it() -> None:
    message = CHALLENGE + "\n"
    result = doctor(message, sign_text(message.strip()))
    assert result.cause == "MESSAGE_TRAILING_NEWLINE" and "removed" in result.sentence
    assert ("MESSAGE_WHITESPACE",) in [tuple(f.code for f in alt) for alt in result.alternatives]


def test_crlf_line_endings() -> None:
    result = doctor(CHALLENGE, sign_text(CHALLENGE.replace("\n", "\r\n")))
    assert result.cause == "MESSAGE_LINE_ENDINGS" and "CRLF" in result.sentence


def test_crlf_and_a_trailing_crlf_together() -> None:
    result = doctor(CHALLENGE, sign_text(CHALLENGE.replace("\n", "\r\n") + "\r\n"))
    assert sorted(result.causes) == ["MESSAGE_LINE_ENDINGS", "MESSAGE_TRAILING_NEWLINE"]


def test_lines_indented_by_a_template_literal() -> None:
    indented = CHALLENGE.replace("\n", "\n    ")  # `...` written inside an indented function
    result = doctor(CHALLENGE, sign_text(indented))
    assert result.cause == "MESSAGE_WHITESPACE" and "template literal" in result.sentence


def test_surrounding_whitespace_trimmed() -> None:
    message = "  Sign in to Alura: nonce 7  "
    result = doctor(message, sign_text(message.strip()))
    assert result.cause == "MESSAGE_WHITESPACE"


def test_an_earlier_challenges_nonce_given_with_nonces() -> None:
    result = doctor(CHALLENGE, sign_text(CHALLENGE.replace("413902", "413877")), nonces=["413877"])
    assert result.cause == "MESSAGE_NONCE" and (result.signed_value, result.given_value) == ("413877", "413902")


def test_the_previous_numeric_nonce_found_without_being_told() -> None:
    result = doctor(CHALLENGE, sign_text(CHALLENGE.replace("413902", "413901")))
    assert result.cause == "MESSAGE_NONCE" and result.signed_value == "413901"


def test_the_challenge_nonce_located_in_the_text() -> None:
    message = "Login to Alura with code 9f8e7d"
    result = doctor(message, sign_text("Login to Alura with code 1a2b3c"), nonce="9f8e7d", nonces=["1a2b3c"])
    assert result.cause == "MESSAGE_NONCE"


def test_the_address_lowercased_in_the_text() -> None:
    result = doctor(CHALLENGE, sign_text(CHALLENGE.replace(ADDRESS, ADDRESS.lower())))
    assert result.cause == "MESSAGE_ADDRESS" and result.signed_value == ADDRESS.lower()


def test_the_text_hex_signed_as_characters() -> None:
    hex_text = "0x" + CHALLENGE.encode().hex()  # hexlify(toUtf8Bytes(msg)) handed to signMessage as a string
    result = doctor(CHALLENGE, sign_text(hex_text))
    assert result.cause == "MESSAGE_HEX_AS_TEXT"


def test_a_hex_looking_message_signed_as_the_bytes_it_spells() -> None:
    message = "0x" + keccak(text="session 12").hex()  # a challenge that is a hex string
    result = doctor(message, sign_bytes(bytes.fromhex(message[2:])))  # MetaMask decoded it
    assert result.cause == "MESSAGE_HEX_AS_BYTES"


def test_bytes_signed_as_their_hex_text() -> None:
    data = b"\x00\xffnot utf-8\xfe"
    result = doctor(data, sign_text("0x" + data.hex()))
    assert result.cause == "MESSAGE_HEX_AS_TEXT"


def test_the_text_json_quoted() -> None:
    result = doctor(CHALLENGE, sign_text(json.dumps(CHALLENGE)))  # JSON.stringify(message)
    assert result.cause == "MESSAGE_JSON_QUOTED"


def test_the_whole_challenge_response_signed_as_json() -> None:
    challenge = {"address": ADDRESS, "nonce": "413902", "message": CHALLENGE}
    signature = sign_text(json.dumps(challenge, separators=(",", ":")))
    result = doctor(CHALLENGE, signature, nonce="413902", challenge=challenge)
    assert result.cause == "MESSAGE_JSON_QUOTED" and "challenge" in result.sentence


@pytest.mark.parametrize(("sign", "label"), [
    (lambda text: sign_raw(keccak(text=text)), "raw"),
    (lambda text: sign_bytes(keccak(text=text)), "personal_sign"),
])
def test_the_texts_keccak_signed_instead_of_the_text(sign: Any, label: str) -> None:
    result = doctor(CHALLENGE, sign(CHALLENGE))
    assert result.cause == "MESSAGE_HASH_SIGNED" and label in result.sentence


def test_a_trailing_newline_and_the_hash_signed_raw() -> None:
    result = doctor(CHALLENGE, sign_raw(keccak(text=CHALLENGE + "\n")))
    assert sorted(result.causes) == ["MESSAGE_HASH_SIGNED", "MESSAGE_TRAILING_NEWLINE"]


@pytest.mark.parametrize(("arguments", "code", "path"), [
    ({"signature": "0x1234"}, "SIGNATURE_MALFORMED", "signature"),
    ({"expect": "0x123"}, "INVALID_ADDRESS", "expect"),
    ({"message": 42}, "INVALID_MESSAGE", "message"),
])
def test_bad_input_is_refused_with_a_code_and_a_path(arguments: dict[str, Any], code: str, path: str) -> None:
    call: dict[str, Any] = {"message": CHALLENGE, "signature": sign_text(CHALLENGE), "expect": ADDRESS, **arguments}
    with pytest.raises(Eip712KitError) as caught:
        diagnose_message(call["message"], call["signature"], call["expect"])
    assert (caught.value.code, caught.value.path) == (code, path)


def test_the_budget_runs_on_the_injected_clock() -> None:
    ticks = iter(range(10**6))
    result = diagnose_message(CHALLENGE, sign_text(CHALLENGE, OTHER_KEY), ADDRESS, time_budget=5,
                              clock=lambda: next(ticks) * 0.5)
    assert not result.complete and result.stopped == "the time budget" and result.candidates < 12
