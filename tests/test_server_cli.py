"""``eip712kit serve`` as an operator meets it: EIP712KIT_SERVE_* settings, JSON logs that hold no secret."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import httpx
import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data

from eip712kit.cli.serve import ENV_PREFIX, env, serve_command
from eip712kit.protocols import sera
from eip712kit.server.logs import UNKNOWN_PATH
from tests.helpers.cli_runner import COMMAND, Runner, clean_env
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.verifier_process import VerifierProcess

KEY0, ADDR0 = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)
DOCS = Path(__file__).resolve().parent.parent / "docs" / "server.md"
OPTIONS = [p for p in serve_command.params if isinstance(p, click.Option)]


def test_every_option_has_its_environment_variable_shown_and_documented(cli: Runner) -> None:
    help_text = cli("serve", "--help").stdout
    docs = DOCS.read_text()
    for option in OPTIONS:
        name = max(option.opts, key=len)
        assert option.envvar == env(name) and env(name).startswith(ENV_PREFIX), name
        assert env(name) in help_text, name
        assert f"`{name}`" in docs and f"`{env(name)}`" in docs, f"docs/server.md does not list {name}"
    assert env("--max-connections") == "EIP712KIT_SERVE_MAX_CONNECTIONS"


def _start(env_vars: dict[str, str], *args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([*COMMAND, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=clean_env(**env_vars))
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"listening on (http://127\.0\.0\.1:\d+/api/v1)", line)
    if not match:
        process.kill()
        pytest.fail(f"serve did not start: {line!r} {process.communicate(timeout=10)}")
    return process, match.group(1)


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=20)
    return err


def test_settings_come_from_the_environment_and_options_win(tmp_path: Path) -> None:
    db = tmp_path / "from-env" / "state.sqlite3"
    settings = {env("--host"): "127.0.0.1", env("--port"): "0", env("--db"): str(db),
                env("--executor-id"): "7", env("--max-connections"): "5", env("--log-level"): "error"}
    process, api = _start(settings)
    try:
        assert httpx.get(api + "/health", timeout=10).json()["executor_id"] == 7
        assert db.exists()
    finally:
        _stop(process)
    process, api = _start(settings, "--executor-id", "3")
    try:
        assert httpx.get(api + "/health", timeout=10).json()["executor_id"] == 3
    finally:
        _stop(process)


@pytest.mark.parametrize("name, value", [("--port", "eighty"), ("--executor-id", "16"), ("--log-format", "xml"),
                                         ("--header-timeout", "0"), ("--max-connections", "0")])
def test_a_bad_environment_value_is_a_usage_error(cli: Runner, name: str, value: str) -> None:
    result = cli("serve", env=clean_env(**{env(name): value}))
    assert result.returncode == 2
    assert env(name) in result.stderr and "Traceback" not in result.stderr


def _signed(action: str, timestamp: int, **extra: Any) -> dict[str, Any]:
    prepared = sera.api_key_request(ADDR0, action, timestamp, **extra)
    doc = prepared.message.to_typed_data(sera.DOMAIN)
    signature = "0x" + bytes(Account.sign_message(encode_typed_data(full_message=doc), KEY0).signature).hex()
    return prepared.with_signature(signature).body()


def test_json_logs_one_line_per_request_and_never_a_secret(tmp_path: Path) -> None:
    process = VerifierProcess(tmp_path / "state.sqlite3", "--log-format", "json")
    secrets: list[str] = []
    expected: list[tuple[str, str, int]] = []
    try:
        with httpx.Client(base_url=process.api, timeout=10) as http:
            now = http.get("/system/time").json()["server_time"]
            expected.append(("GET", "/api/v1/system/time", 200))
            create = _signed("create", now, label="my label")
            created = http.post("/api-keys", json=create).json()
            expected.append(("POST", "/api/v1/api-keys", 201))
            listing = _signed("list", now + 1, form="query")
            assert http.get("/api-keys", params=listing).status_code == 200
            expected.append(("GET", "/api/v1/api-keys", 200))
            assert http.post("/api-keys/verify", json={"api_key": created["api_key"],
                                                       "api_secret": created["api_secret"]}).status_code == 200
            expected.append(("POST", "/api/v1/api-keys/verify", 200))
            bearer = {"Authorization": f"Bearer {created['api_key']}:{created['api_secret']}"}
            assert http.post("/api-keys/self-revoke", json={"api_key": created["api_key"]},
                             headers=bearer).status_code == 200
            expected.append(("POST", "/api/v1/api-keys/self-revoke", 200))
            assert http.get(f"/{created['api_secret']}").status_code == 404  # a secret pasted into a path
            expected.append(("GET", UNKNOWN_PATH, 404))
            assert http.post("/verify-signature", content=b"{}").status_code == 415
            expected.append(("POST", "/api/v1/verify-signature", 415))
            origin = process.api.rsplit("/api/v1", 1)[0]
            assert http.get(origin + "/debug/assets/debug.css").status_code == 200
            expected.append(("GET", "/debug/assets/{name}", 200))  # the route's template, not the client's text
            secrets += [created["api_secret"], created["api_key"], create["signature"], listing["signature"],
                        "my label", bearer["Authorization"]]
    finally:
        process.stop()
    lines = [line for line in process.stderr.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    requests = [r for r in records if r.get("message") == "request"]
    assert [(r["method"], r["path"], r["status"]) for r in requests] == expected
    for record in requests:
        assert set(record) == {"time", "level", "logger", "message", "method", "path", "status", "duration_ms",
                               "client"}
        assert record["client"].startswith("127.0.0.1:") and record["duration_ms"] >= 0
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["time"])
    for secret in secrets:
        assert secret not in process.stderr, "a secret, signature, key, label or header value reached the log"


@pytest.mark.parametrize("missing", ["uvicorn", "starlette"])
def test_without_the_server_extra_serve_says_what_to_install(missing: str) -> None:
    script = (f"import sys; sys.modules[{missing!r}] = None\n"
              "from eip712kit.cli import main\n"
              "sys.argv = ['eip712kit', 'serve', '--port', '0']\n"
              "main()\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=clean_env(),
                            timeout=60)
    assert result.returncode == 2
    assert "pip install 'eip712kit[server]'" in result.stderr and "Traceback" not in result.stderr


def test_text_request_lines_do_not_show_the_query_either(tmp_path: Path) -> None:
    process = VerifierProcess(tmp_path / "state.sqlite3", "--log-level", "info")
    try:
        with httpx.Client(base_url=process.api, timeout=10) as http:
            now = http.get("/system/time").json()["server_time"]
            listing = _signed("list", now, form="query")
            assert http.get("/api-keys", params=listing).status_code == 200
    finally:
        process.stop()
    assert re.search(r"INFO: 127\.0\.0\.1:\d+ - GET /api/v1/api-keys 200 [0-9.]+ ms", process.stderr), process.stderr
    assert listing["signature"] not in process.stderr and "signature=" not in process.stderr
