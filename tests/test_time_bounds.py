"""A time a server hands out to be signed, with no window to hold it to, is still a time (issue 23 item 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eip712kit.base.errors import ValueEncodingError
from eip712kit.protocols import renance
from eip712kit.protocols.windows import LATEST_UNIX_TIME, parse_plausible_time
from tests.helpers.cli_runner import Runner, clean_env
from tests.helpers.devkeys import DEV_KEYS

KEY, ADDRESS = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)


def challenge(timestamp: int) -> dict[str, object]:
    """A Renance nonce response whose Login carries ``timestamp``."""
    login = renance.Login(wallet=ADDRESS, nonce=12345, timestamp=timestamp)
    return {"nonce": 12345, "typed_data": login.to_typed_data(renance.DOMAIN)}


def test_a_login_timestamp_past_the_year_9999_is_refused_before_signing(tmp_path: Path, cli: Runner) -> None:
    path = tmp_path / "nonce.json"
    path.write_text(json.dumps(challenge(2**255)))
    done = cli("renance", "login", "--challenge", str(path), "--body", env=clean_env(EIP712KIT_PRIVATE_KEY=KEY))
    assert done.returncode == 2 and "signature" not in done.stdout
    assert "typed_data.message.timestamp: timestamp of 77 digits is after the year 9999" in done.stderr
    assert "[INT_OUT_OF_RANGE]" in done.stderr


def test_the_last_second_of_9999_is_a_time_and_the_next_is_not() -> None:
    assert renance.parse_nonce_response(challenge(LATEST_UNIX_TIME)).login.timestamp == LATEST_UNIX_TIME
    with pytest.raises(ValueEncodingError, match="after the year 9999"):
        renance.parse_nonce_response(challenge(LATEST_UNIX_TIME + 1))
    with pytest.raises(ValueEncodingError, match="after the year 9999"):
        renance.login_request(ADDRESS, 1, 2**64)
    assert parse_plausible_time("1704537600", "timestamp") == 1704537600
