"""A compressed answer is decoded by the transport itself, one bounded step at a time, or refused.

The decoder is exercised directly (split at every awkward place) and through :class:`HttpClient`
on httpx's MockTransport; tests/test_hostile_server.py runs the real bombs against the command line
and measures its memory.
"""

from __future__ import annotations

import gzip
import json
import zlib

import httpx
import pytest

from eip712kit.base.errors import NetworkError
from eip712kit.client import HttpClient
from eip712kit.client.codings import STEP, CodingError, TooLarge, decoder
from tests.helpers.hostile_server import deflate_bomb

CONFIG = json.dumps({"chain_id": 11155111, "sera_address": "0x" + "ab" * 20}).encode()


def decode(codings: list[str], wire: bytes, limit: int = 1 << 20, split: int = 7) -> bytes:
    """``wire`` fed ``split`` bytes at a time, as a slow network would hand it over."""
    decoding = decoder(codings, limit)
    out = [decoding.feed(wire[i:i + split]) for i in range(0, len(wire), split)]
    return b"".join(out) + decoding.finish()


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize("codings, wire", [
    ([], CONFIG),
    (["identity"], CONFIG),
    (["gzip"], gzip.compress(CONFIG, mtime=0)),
    (["x-gzip"], gzip.compress(CONFIG, mtime=0)),
    (["GZip", "identity"], gzip.compress(CONFIG, mtime=0)),
    (["deflate"], zlib.compress(CONFIG)),  # deflate as RFC 9110 says: a zlib stream
    (["deflate"], raw_deflate(CONFIG)),  # and as many servers send it: raw
], ids=["none", "identity", "gzip", "x-gzip", "gzip-identity", "deflate-zlib", "deflate-raw"])
def test_one_gzip_or_deflate_coding_is_decoded_however_the_bytes_are_split(codings: list[str], wire: bytes) -> None:
    for split in (1, 2, 7, len(wire)):
        assert decode(codings, wire, split=split) == CONFIG


@pytest.mark.parametrize("codings, says", [
    (["gzip", "gzip"], "compressed 2 times over (gzip, gzip)"),
    (["deflate", "identity", "gzip"], "compressed 2 times over (deflate, gzip)"),
    (["br"], "its content coding br is not one this kit decodes"),
    (["zstd"], "its content coding zstd is not one this kit decodes"),
    (["compress"], "its content coding compress is not one this kit decodes"),
    (["x-\x1b]52;c;aGk=\x07"], "its content coding (a name that is not a token) is not one"),
])
def test_stacked_and_unknown_codings_are_refused_before_any_byte_is_read(codings: list[str], says: str) -> None:
    with pytest.raises(CodingError, match=r".*") as refused:
        decoder(codings, 1 << 20)
    assert says in str(refused.value)


@pytest.mark.parametrize("wire, says", [
    (gzip.compress(CONFIG, mtime=0)[:-5], "its gzip data ends before the stream does"),
    (gzip.compress(CONFIG, mtime=0) + gzip.compress(CONFIG, mtime=0), "other bytes follow its gzip stream"),
    (gzip.compress(CONFIG, mtime=0) + b"\n", "other bytes follow its gzip stream"),
    (b"\x1f\x8b\x08\x00" + b"\xff" * 40, "its gzip data is corrupt"),
], ids=["truncated", "two-members", "trailing-newline", "corrupt"])
def test_broken_gzip_is_refused_not_guessed_at(wire: bytes, says: str) -> None:
    with pytest.raises(CodingError) as refused:
        decode(["gzip"], wire)
    assert says in str(refused.value)


def test_the_cap_holds_to_the_byte() -> None:
    exactly = b" " * 100_000
    assert decode(["gzip"], gzip.compress(exactly, mtime=0), limit=100_000) == exactly
    with pytest.raises(TooLarge):
        decode(["gzip"], gzip.compress(exactly + b" ", mtime=0), limit=100_000)
    with pytest.raises(TooLarge):
        decode([], exactly + b" ", limit=100_000)


def test_a_bomb_costs_one_step_past_the_cap_however_it_arrives() -> None:
    """1 GiB in a megabyte, fed whole: the decoder stops at the cap, each step at most STEP bytes."""
    decoding = decoder(["gzip"], 4 << 20)
    produced: list[int] = []
    with pytest.raises(TooLarge):
        produced.append(len(decoding.feed(deflate_bomb())))
    assert produced == [] and decoding.produced <= (4 << 20) + STEP


def client(response: httpx.Response) -> HttpClient:
    return HttpClient("http://api.test", transport=httpx.MockTransport(lambda request: response), retries=0)


def test_the_client_asks_for_identity_and_reads_one_gzip_coding() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=gzip.compress(CONFIG, mtime=0),
                              headers={"content-type": "application/json", "content-encoding": "gzip"})

    http = HttpClient("http://api.test", transport=httpx.MockTransport(answer), retries=0)
    assert http.get("config").json_object()["chain_id"] == 11155111
    assert seen[0].headers["accept-encoding"] == "identity"


@pytest.mark.parametrize("coding, wire, says", [
    ("gzip, gzip", gzip.compress(gzip.compress(CONFIG, mtime=0), mtime=0),
     "cannot be read: it is compressed 2 times over"),
    ("br", b"\x8b\x03\x80" + CONFIG + b"\x03", "cannot be read: its content coding br is not one this kit decodes"),
    ("gzip", deflate_bomb(8 << 20), "over the 4,194,304-byte limit (its gzip content inflates past that)"),
], ids=["gzip-gzip", "br", "gzip-8MiB"])
def test_the_client_refuses_what_it_will_not_decode_as_a_server_error(coding: str, wire: bytes, says: str) -> None:
    http = client(httpx.Response(200, content=wire,
                                 headers={"content-type": "application/json", "content-encoding": coding}))
    with pytest.raises(NetworkError) as refused:
        http.get("config")
    assert refused.value.code == "SERVER_ERROR" and says in refused.value.message
