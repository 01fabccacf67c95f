"""``eip712kit conformance --api``: a live verifier is held to the rules over real HTTP on loopback.

The reference verifier (``eip712kit serve``'s app) must pass; a lax one that accepts anything and a
paranoid one that refuses everything must each be caught, case by case.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.responses import JSONResponse

from eip712kit import conformance
from eip712kit.conformance import API_TAMPERS
from eip712kit.server.app import create_app
from eip712kit.server.settings import ServerSettings
from tests.helpers.cli_runner import invoke
from tests.helpers.login_servers import LiveServer


def verify_signature_answering(body: dict[str, Any], inner: Any) -> Any:
    """The reference verifier, except that /verify-signature always answers ``body``."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/verify-signature"):
            await JSONResponse(body)(scope, receive, send)
            return
        await inner(scope, receive, send)

    return app


@pytest.fixture(scope="module")
def reference() -> Iterator[str]:
    with LiveServer(create_app(ServerSettings())) as server:
        yield server.url + "/api/v1"


def run_api(api: str, *extra: str) -> tuple[int, dict[str, Any]]:
    result = invoke("conformance", "--api", api, "--json", *extra)
    return result.exit_code, json.loads(result.output.splitlines()[0])


def test_the_reference_verifier_accepts_the_valid_order_and_refuses_every_broken_one(reference: str) -> None:
    code, report = run_api(reference)
    assert code == 0, [c for c in report["cases"] if c["status"] != "passed"]
    assert [c["id"] for c in report["cases"]] == [f"api/{t.name}" for t in API_TAMPERS]
    assert report["totals"] == {**dict.fromkeys(conformance.STATUSES, 0), "passed": len(API_TAMPERS)}


def test_a_verifier_that_accepts_anything_is_caught_on_every_broken_request() -> None:
    lax = verify_signature_answering({"valid": True}, create_app(ServerSettings()))
    with LiveServer(lax) as server:
        code, report = run_api(server.url + "/api/v1")
    assert code == 1
    status = {c["id"]: c for c in report["cases"]}
    assert status["api/valid"]["status"] == "passed"
    for tamper in API_TAMPERS[1:]:
        case = status[f"api/{tamper.name}"]
        assert case["status"] == "failed", tamper.name
        assert case["problems"][0]["message"].startswith("the server wrongly accepted it")
    # The report says what the reference verifier would have answered instead.
    assert "SIGNATURE_HIGH_S" in status["api/high-s"]["problems"][0]["message"]


def test_a_verifier_that_refuses_everything_is_caught_on_the_valid_order() -> None:
    paranoid = verify_signature_answering({"valid": False, "code": "NOPE", "detail": "no"},
                                          create_app(ServerSettings()))
    with LiveServer(paranoid) as server:
        code, report = run_api(server.url + "/api/v1")
    assert code == 1
    failed = [c for c in report["cases"] if c["status"] == "failed"]
    assert [c["id"] for c in failed] == ["api/valid"]
    assert "wrongly refused it (server: refused NOPE" in failed[0]["problems"][0]["message"]


def test_the_text_report_names_each_wrongly_accepted_request() -> None:
    lax = verify_signature_answering({"valid": True}, create_app(ServerSettings()))
    with LiveServer(lax) as server:
        result = invoke("conformance", "--api", server.url + "/api/v1")
    assert result.exit_code == 1
    assert "FAIL api/amount-changed [verify_signature] amount changed after signing." in result.output
    assert "valid: the server wrongly accepted it; the reference verifier refuses it with SIGNER_MISMATCH" in (
        result.output)


def test_an_unreachable_server_exits_3() -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = invoke("conformance", "--api", f"http://127.0.0.1:{port}/api/v1", "--retries", "0", "--timeout", "2")
    assert result.exit_code == 3
    assert "NETWORK_ERROR" in result.output


def test_api_is_not_mixed_with_vector_options() -> None:
    result = invoke("conformance", "--api", "http://127.0.0.1:1/api/v1", "--suite", "core")
    assert result.exit_code == 2
    assert "--api checks a server" in result.output


@pytest.mark.parametrize("suffix", ["", "/api/v1", "/"])
def test_the_header_names_the_url_the_requests_went_to(suffix: str) -> None:
    import httpx

    seen: list[str] = []
    inner = create_app(ServerSettings())

    async def recording(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            seen.append(scope["path"])
        await inner(scope, receive, send)

    with LiveServer(recording) as server:
        result = invoke("conformance", "--api", server.url + suffix)
        header = result.output.splitlines()[0]
        url = header.rsplit("against POST ", 1)[1]
        answer = httpx.post(url, json={})
    assert url == server.url + "/api/v1/verify-signature"
    assert set(seen) == {"/api/v1/verify-signature"}
    assert answer.status_code != 404  # the URL the header shows answers (a 4xx verdict on an empty body)
