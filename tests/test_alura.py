"""Alura: the challenge → personal_sign → verify login, checked against eth-account's personal_sign."""

from __future__ import annotations

from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from hypothesis import given, settings
from hypothesis import strategies as st

from eip712kit import Eip712KitError
from eip712kit.protocols import alura
from tests.helpers.devkeys import DEV_KEYS

KEY, ADDRESS = DEV_KEYS[0]
OTHER_KEY, OTHER = DEV_KEYS[1]


def challenge_response(message: str = "Sign in to Alura\nAddress: {a}\nNonce: 8f2c", **changes: Any) -> dict[str, Any]:
    response = {"address": ADDRESS.lower(), "nonce": "8f2c", "message": message.format(a=ADDRESS.lower())}
    response.update(changes)
    return response


def test_challenge_request() -> None:
    request = alura.challenge_request(ADDRESS)
    assert (request.method, request.path, request.json) == ("POST", "/auth/evm/challenge", {"address": ADDRESS})
    assert request.url(alura.BASE_URL) == "https://testnet-api.alura.fun/auth/evm/challenge"
    with pytest.raises(Eip712KitError) as info:
        alura.challenge_request("0x123")
    assert (info.value.code, info.value.path) == ("INVALID_ADDRESS", "address")


def test_login_flow_signs_the_message_as_metamask_personal_sign_does() -> None:
    challenge = alura.parse_challenge(challenge_response(), address=ADDRESS)
    assert challenge.address == ADDRESS and challenge.nonce == "8f2c"
    signature = alura.sign_challenge(challenge, KEY)
    expected = Account.sign_message(encode_defunct(text=challenge.message), KEY)
    assert signature.to_bytes() == bytes(expected.signature)
    assert challenge.recover(signature) == ADDRESS
    assert challenge.verify(signature).valid
    request = challenge.verify_request(signature)
    assert (request.method, request.path) == ("POST", "/auth/evm/verify")
    assert request.json == {"address": ADDRESS, "signature": signature.to_hex()}  # no referralCode unless given


@settings(max_examples=30, deadline=None)
@given(message=st.text(min_size=1, max_size=200))
def test_any_text_is_signed_as_its_utf8(message: str) -> None:
    challenge = alura.parse_challenge({"address": ADDRESS, "nonce": 1, "message": message})
    expected = Account.sign_message(encode_defunct(text=message), KEY)
    assert challenge.sign(KEY).to_bytes() == bytes(expected.signature)


def test_a_message_that_looks_like_hex_is_still_text() -> None:
    challenge = alura.parse_challenge(challenge_response(message="0xdeadbeef"))
    expected = Account.sign_message(encode_defunct(text="0xdeadbeef"), KEY)
    assert challenge.sign(KEY).to_bytes() == bytes(expected.signature)


def test_verify_request_with_referral_code() -> None:
    signature = alura.parse_challenge(challenge_response()).sign(KEY)
    request = alura.verify_request(ADDRESS, signature.to_hex(), referral_code="FRIEND42")
    assert request.json == {"address": ADDRESS, "signature": signature.to_hex(), "referralCode": "FRIEND42"}
    with pytest.raises(Eip712KitError) as info:
        alura.verify_request(ADDRESS, "0xabc")
    assert info.value.code == "SIGNATURE_MALFORMED"


@pytest.mark.parametrize(
    ("response", "path"),
    [
        ({"address": ADDRESS, "nonce": "1"}, "message"),
        ({"address": ADDRESS, "message": "hi"}, "nonce"),
        ({"nonce": "1", "message": "hi"}, "address"),
        ({"address": ADDRESS, "nonce": "1", "message": ""}, "message"),
        ({"address": ADDRESS, "nonce": "1", "message": 5}, "message"),
    ],
)
def test_malformed_challenges_are_refused(response: dict[str, Any], path: str) -> None:
    with pytest.raises(Eip712KitError) as info:
        alura.parse_challenge(response)
    assert (info.value.code, info.value.path) == ("INVALID_CHALLENGE", path)


def test_a_challenge_for_another_wallet_is_refused() -> None:
    with pytest.raises(Eip712KitError) as info:
        alura.parse_challenge(challenge_response(), address=OTHER)
    assert (info.value.code, info.value.path) == ("INVALID_CHALLENGE", "address")
    with pytest.raises(Eip712KitError) as info:
        alura.parse_challenge(challenge_response()).sign(OTHER_KEY)
    assert info.value.code == "KEY_MISMATCH"
    assert OTHER_KEY[2:] not in str(info.value)


def test_a_foreign_signature_does_not_verify() -> None:
    challenge = alura.parse_challenge(challenge_response())
    foreign = Account.sign_message(encode_defunct(text=challenge.message), OTHER_KEY).signature
    verdict = challenge.verify("0x" + bytes(foreign).hex())
    assert not verdict.valid and verdict.signer == OTHER
