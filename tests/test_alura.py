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
    assert challenge.check(signature).valid
    request = challenge.verify_request(signature)
    assert (request.method, request.path) == ("POST", "/auth/evm/verify")
    assert request.json == {"address": ADDRESS, "signature": signature.to_hex()}  # no referralCode unless given


@settings(max_examples=30, deadline=None)
@given(message=st.text(min_size=1, max_size=200))
def test_any_text_is_signed_as_its_utf8(message: str) -> None:
    challenge = alura.parse_challenge({"address": ADDRESS, "nonce": 1, "message": message})
    expected = Account.sign_message(encode_defunct(text=message), KEY)
    assert challenge.sign(KEY, trust_text=True).to_bytes() == bytes(expected.signature)


def test_a_message_that_looks_like_hex_is_still_text() -> None:
    text = "0xdeadbeef nonce 8f2c for " + ADDRESS
    challenge = alura.parse_challenge(challenge_response(message=text))
    expected = Account.sign_message(encode_defunct(text=text), KEY)
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
    verdict = challenge.check("0x" + bytes(foreign).hex())
    assert not verdict.valid and verdict.signer == OTHER


# --- the server's text is checked before it is signed -------------------------------------------

SIWE = ("{host} wants you to sign in with your Ethereum account:\n{a}\n\nSign in to Alura.\n\nURI: https://{host}\n"
        "Version: 1\nChain ID: 1\nNonce: 8f2c\nIssued At: 2026-11-29T00:00:00Z")


def refused(challenge: alura.Challenge, **options: Any) -> Eip712KitError:
    with pytest.raises(Eip712KitError) as info:
        challenge.sign(KEY, **options)
    assert (info.value.code, info.value.path) == ("CHALLENGE_MISMATCH", "message")
    assert KEY[2:] not in str(info.value)
    return info.value


@pytest.mark.parametrize("text, problem", [
    ("Sign in to Alura\nAddress: {a}", "does not contain the nonce '8f2c'"),
    ("Sign in to Alura\nNonce: 8f2c", f"does not contain the address {ADDRESS}"),
])
def test_a_text_without_its_nonce_or_address_is_not_signed(text: str, problem: str) -> None:
    challenge = alura.parse_challenge(challenge_response(message=text))
    assert problem in refused(challenge).message
    assert challenge.sign(KEY, trust_text=True).to_hex()  # the user's explicit trust


def test_a_siwe_text_for_another_site_is_not_signed() -> None:
    challenge = alura.parse_challenge(challenge_response(message=SIWE.replace("{host}", "app.uniswap.org")))
    error = refused(challenge, api_url=alura.BASE_URL)
    assert "'app.uniswap.org', not for the API's host 'testnet-api.alura.fun'" in error.message
    assert "without" not in error.message
    refused(challenge)  # no API host to hold the domain against: refused too


def test_a_siwe_text_for_the_apis_own_host_is_signed() -> None:
    challenge = alura.parse_challenge(challenge_response(message=SIWE.replace("{host}", "127.0.0.1:9001")))
    assert challenge.text_problems("http://127.0.0.1:9001") == []
    assert challenge.sign(KEY, api_url="http://127.0.0.1:9001/").to_hex()
    assert "not for the API's host" in refused(challenge, api_url="http://127.0.0.1:9002").message
    on_default_port = alura.parse_challenge(challenge_response(message=SIWE.replace("{host}", "testnet-api.alura.fun")))
    assert on_default_port.text_problems("https://testnet-api.alura.fun:443") == []


def test_a_siwe_text_with_another_nonce_or_address_line_is_not_signed() -> None:
    text = SIWE.replace("{host}", "testnet-api.alura.fun").replace("Nonce: 8f2c", "Nonce: 9999 (8f2c)")
    problems = alura.parse_challenge(challenge_response(message=text)).text_problems(alura.BASE_URL)
    assert problems == ["its Nonce line is not the challenge's nonce '8f2c'"]
    text = SIWE.replace("{host}", "testnet-api.alura.fun").replace("\n{a}\n", f"\n{OTHER}\n{{a}}\n")
    problems = alura.parse_challenge(challenge_response(message=text)).text_problems(alura.BASE_URL)
    assert problems == ["its second line is not the address the challenge was issued for"]


@pytest.mark.parametrize("nonce", ["", None, 1.5, [1], {"n": 1}])
def test_a_challenge_nonce_is_a_non_empty_string_or_an_integer(nonce: Any) -> None:
    with pytest.raises(Eip712KitError) as info:
        alura.parse_challenge(challenge_response(nonce=nonce))
    assert (info.value.code, info.value.path) == ("INVALID_CHALLENGE", "nonce")
