"""``eip712kit debug`` and the page under ``eip712kit serve``: started as a user starts them, stopped by Ctrl-C."""

from __future__ import annotations

import base64
import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from eip712kit.server.debug import examples
from tests.helpers.cli_runner import COMMAND, clean_env, run

MAIL = Path(__file__).resolve().parent.parent / "examples" / "mail.json"


def _start(*args: str) -> tuple[subprocess.Popen[str], list[str]]:
    process = subprocess.Popen([*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=clean_env())
    assert process.stdout is not None
    return process, [process.stdout.readline()]


def _stop(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    """Ctrl-C: uvicorn shuts down, then re-raises the signal, so the exit is 130 as for any interrupted command."""
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    return process.returncode, out, err


def test_debug_serves_the_page_on_a_free_loopback_port_and_stops_on_ctrl_c() -> None:
    mail = examples()["core/mail"]
    process, lines = _start("debug", "--no-browser", str(MAIL), mail["signature"], "--expect", mail["expect"])
    try:
        assert process.stdout is not None
        lines.append(process.stdout.readline())
        found = re.search(r"debugger at (http://127\.0\.0\.1:\d+/debug) ", lines[0])
        assert found, lines
        url = found.group(1)
        view = re.search(r"this document's view: (\S+)", lines[1])
        assert view and view.group(1).startswith(url + "#doc=")
        parts = dict(p.split("=", 1) for p in view.group(1).split("#", 1)[1].split("&"))
        decoded = {k: base64.urlsafe_b64decode(v + "=" * (-len(v) % 4)).decode() for k, v in parts.items()}
        assert decoded["doc"] == MAIL.read_text()
        assert json.loads(decoded["sig"]) == mail["signature"] and json.loads(decoded["expect"]) == mail["expect"]
        with httpx.Client(timeout=30) as http:
            page = http.get(url)
            assert page.status_code == 200 and "debug.js" in page.text
            answer = http.post(url + "/api/inspect", json={"document": decoded["doc"],
                                                           "signature": mail["signature"], "expect": mail["expect"]})
            assert answer.json()["verification"]["valid"] is True
    finally:
        code, _, err = _stop(process)
    assert code == 130, err
    assert "Traceback" not in err


def test_debug_without_a_file_opens_an_empty_page() -> None:
    process, lines = _start("debug", "--no-browser", "--port", "0")
    try:
        found = re.search(r"(http://127\.0\.0\.1:\d+/debug)", lines[0])
        assert found, lines
        with httpx.Client(timeout=30) as http:
            assert http.get(found.group(1)).status_code == 200
    finally:
        code, _, err = _stop(process)
    assert code == 130, err


def test_without_a_display_debug_says_so_instead_of_opening_a_text_browser() -> None:
    env = {k: v for k, v in clean_env().items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    process = subprocess.Popen([*COMMAND, "debug"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    note = process.stderr.readline()
    code, _, _ = _stop(process)
    assert "debugger at http://127.0.0.1:" in first
    assert "open the URL in a browser yourself" in note and code == 130


def test_a_signature_without_a_file_is_a_usage_error() -> None:
    done = run("debug", "--no-browser", "--expect", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
    assert done.returncode == 2 and "goes with a FILE" in done.stderr


def test_debug_help_teaches_by_example() -> None:
    done = run("debug", "--help")
    assert done.returncode == 0 and "Example" in done.stdout and "eip712kit debug" in done.stdout
    assert "private key" in done.stdout


def test_serve_also_serves_the_page_and_says_where() -> None:
    process, lines = _start("serve", "--port", "0")
    try:
        found = re.search(r"signature debugger at (http://127\.0\.0\.1:\d+/debug)", lines[0])
        assert found, lines
        with httpx.Client(timeout=30) as http:
            assert http.get(found.group(1)).status_code == 200
            api = re.search(r"listening on (http://\S+/api/v1)", lines[0])
            assert api and http.get(api.group(1) + "/health").status_code == 200
    finally:
        code, _, err = _stop(process)
    assert code == 130, err


@pytest.mark.parametrize("missing", ["uvicorn", "starlette"])
@pytest.mark.parametrize("command", ["debug", "serve"])
def test_without_the_server_extra_both_commands_say_what_to_install(command: str, missing: str) -> None:
    """EXTRA_MISSING before anything starts (uvicorn is imported only once the server runs), never a traceback."""
    blocked = f"import sys; sys.modules[{missing!r}] = None; from eip712kit.cli import main; sys.exit(main())"
    done = subprocess.run([sys.executable, "-c", blocked, command, "--no-browser" if command == "debug" else "--help"],
                          capture_output=True, text=True, env=clean_env(), timeout=60)
    if command == "serve":  # --help must still work without the extra; then the command itself
        assert done.returncode == 0, done.stderr
        done = subprocess.run([sys.executable, "-c", blocked, command, "--port", "0"],
                              capture_output=True, text=True, env=clean_env(), timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr == (f"error: eip712kit {command} needs the server extra, which is not installed ({missing} "
                           "is missing): pip install 'eip712kit[server]' [EXTRA_MISSING]\n")
    assert "Traceback" not in done.stderr and "listening" not in done.stdout and "debugger at" not in done.stdout
