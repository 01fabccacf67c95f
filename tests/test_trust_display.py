"""How a server's (an adapter's, a client's) text is shown: the trust policy's display half, sink by sink.

Each in-process sink gets a payload of every class (C0, C1, ESC/CSI/OSC, bidi, zero-width, line
separators): the escape functions, the CLI's output guard, the error line, the verifier's text and JSON
logs, the conformance text and JUnit reports, a client's description of an answer. None may let a
character that is not drawn as itself through, and JSON must still mean the same value. The same
sinks on a real pty are in test_terminal_screens.py.
"""

from __future__ import annotations

import io
import json
import logging
import re
import sys
import unicodedata
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eip712kit.cli import terminal
from eip712kit.client import Response
from eip712kit.conformance import Declaration, Report
from eip712kit.conformance.reports import render_junit, render_text
from eip712kit.conformance.scoring import Outcome, Problem
from eip712kit.conformance.vectors import Case
from eip712kit.protocols import trust
from eip712kit.server.logs import JsonFormatter, TextAccessFormatter, TextFormatter
from tests.helpers.hostile_server import PAYLOADS

ROOT = Path(__file__).resolve().parent.parent
KINDS = list(PAYLOADS)
ISSUE_LIST = ([chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7F, 0xA0)]
              + [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
              + ["\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u2028", "\u2029"])
"""Every character the issues name: C0, DEL, C1, bidi embeddings, overrides, isolates and marks, zero-width,
line and paragraph separators."""


def unseen(text: str, allowed: str = "") -> list[str]:
    return [f"U+{ord(c):04X}" for c in text if c not in allowed and trust.is_unseen(c)]


def test_every_character_the_issues_name_is_unseen_and_nothing_printable_is() -> None:
    assert all(trust.is_unseen(c) for c in ISSUE_LIST)
    assert not any(trust.is_unseen(c) for c in "azAZ09 ~é中€‖→…")


@pytest.mark.parametrize("kind", KINDS)
def test_visible_escapes_each_class(kind: str) -> None:
    shown = trust.visible("x" + PAYLOADS[kind])
    assert unseen(shown) == []
    assert (trust.visible("a\u202eb\x1b]0;t\x07\r\n\u2028\U000e0041")
            == "a\\u202eb\\x1b]0;t\\x07\\r\\n\\u2028\\U000e0041")
    assert trust.visible("line\nnext\r", newlines=True) == "line\nnext\\r"
    assert trust.visible("plain text, é 中") == "plain text, é 中"


@pytest.mark.parametrize("kind", KINDS)
def test_json_shows_each_class_as_an_escape_and_keeps_the_value(kind: str) -> None:
    value = {"text" + PAYLOADS[kind]: [PAYLOADS[kind], 1]}
    for text in (trust.dumps(value), trust.dumps(value, indent=2)):
        assert unseen(text, allowed="\n") == []
        assert json.loads(text) == value
    assert json.loads(trust.quoted(PAYLOADS[kind])) == PAYLOADS[kind]


@given(st.text())
def test_any_text_is_shown_without_an_unseen_character_and_json_keeps_it(text: str) -> None:
    assert unseen(trust.visible(text)) == []
    assert unseen(trust.dumps(text)) == []
    assert json.loads(trust.dumps(text)) == text


def test_the_debugger_page_escapes_the_same_categories_the_same_way() -> None:
    script = (ROOT / "eip712kit" / "server" / "static" / "debug" / "debug.js").read_text(encoding="utf-8")
    pattern = "/[" + "".join(f"\\p{{{c}}}" for c in sorted(trust.UNSEEN_CATEGORIES)) + "]/gu"
    assert f"const UNSEEN = {pattern};" in script
    assert re.search(r'NAMED_ESCAPES = \{ "\\n": "\\\\n", "\\r": "\\\\r", "\\t": "\\\\t" \}', script)
    assert '"\\\\x" + hex.padStart(2, "0")' in script and '"\\\\u" + hex.padStart(4, "0")' in script


# --- the CLI's output guard and error line -----------------------------------------------------------

def guarded() -> tuple[io.TextIOWrapper, io.BytesIO]:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    terminal.guard(stream)
    return stream, raw


@pytest.mark.parametrize("kind", KINDS)
def test_the_output_guard_lets_no_class_through_and_json_stays_the_same_json(kind: str) -> None:
    stream, raw = guarded()
    document = json.dumps({"s": PAYLOADS[kind]}, ensure_ascii=False)  # a sink that forgot to escape
    stream.write(f"text {PAYLOADS[kind]}\n{document}\n\ud800\n")
    stream.flush()
    written = raw.getvalue().decode("utf-8")
    assert unseen(written, allowed="\n") == []
    assert json.loads(written.splitlines()[1]) == {"s": PAYLOADS[kind]}
    assert written.endswith("\\ud800\n")  # a lone surrogate as its escape, as backslashreplace wrote it
    terminal.guard(stream)  # guarding twice keeps one guard
    assert stream.encoding == "eip712kit_visible_utf_8"


def test_the_cli_s_own_progress_line_passes_the_guard_as_bytes() -> None:
    stream, raw = guarded()
    terminal.write_own_control(stream, "\r[1/2] case" + " " * 3)
    assert raw.getvalue() == b"\r[1/2] case   "


@pytest.mark.parametrize("kind", KINDS)
def test_the_error_line_shows_a_server_body_escaped(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from eip712kit.base.errors import NetworkError
    from eip712kit.cli import _report_error

    captured = io.StringIO()
    monkeypatch.setattr(sys, "stderr", captured)
    assert _report_error(NetworkError("upstream said " + PAYLOADS[kind], code="SERVER_ERROR")) == 3
    assert unseen(captured.getvalue(), allowed="\n") == [] and captured.getvalue().count("\n") == 1


# --- the verifier's logs -------------------------------------------------------------------------------

def record(message: str, request: dict[str, object] | None = None) -> logging.LogRecord:
    out = logging.LogRecord("uvicorn.error", logging.WARNING, __file__, 1, message, None, None)
    if request is not None:
        out.request = request
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_log_lines_show_each_class_escaped_on_one_line(kind: str) -> None:
    payload = PAYLOADS[kind]
    text = TextFormatter().format(record("Invalid request: " + payload))
    assert unseen(text) == [] and text.startswith("WARNING:  Invalid request: ")
    line = JsonFormatter().format(record("Invalid request: " + payload))
    assert unseen(line) == [] and json.loads(line)["message"] == "Invalid request: " + payload
    access = TextAccessFormatter().format(record("request", {"client": "127.0.0.1:1", "method": "GET",
                                                             "path": payload, "status": 404, "duration_ms": 1}))
    assert unseen(access) == []


def test_a_logged_exception_shows_its_type_and_frames_not_its_message() -> None:
    quoted_request = "quoted request \x1b]0;pwned\x07"
    try:
        raise ValueError(quoted_request)
    except ValueError:
        entry = record("Exception in ASGI application")
        entry.exc_info = sys.exc_info()
    text = TextFormatter().format(entry)
    assert "ValueError" in text and "pwned" not in text and unseen(text, allowed="\n") == []


# --- the conformance reports ---------------------------------------------------------------------------

def hostile_report(payload: str) -> Report:
    case = Case(id="core/mail", suite="core", kind="typed_data", input={}, expected={"digest": "0x00"}, error=None,
                description="Mail")
    other = Case(id="core/skip", suite="core", kind="typed_data", input={}, expected={"digest": "0x00"}, error=None)
    outcomes = [Outcome(case, "failed", [Problem("digest", "0x00", "0x01" + payload),
                                         Problem("adapter", message="adapter stderr: " + payload)],
                        reason="refused" + payload),
                Outcome(other, "skipped", reason="unsupported by the target: " + payload)]
    declaration = Declaration(name="adapter" + payload, version=payload, answered=True)
    return Report("exec: adapter", outcomes, ["core.json"], declaration=declaration)


@pytest.mark.parametrize("kind", KINDS)
def test_the_conformance_reports_show_the_adapter_s_words_escaped(kind: str) -> None:
    report = hostile_report(PAYLOADS[kind])
    text = render_text(report, verbose=True)
    assert unseen(text, allowed="\n") == []
    assert "handshake: adapter" in text and "(target said: refused" in text and "SKIP core/skip" in text
    xml = render_junit(report)
    tree = ElementTree.fromstring(xml)  # a C0 control would make it unreadable XML
    assert unseen(xml.decode("utf-8"), allowed="\n") == [] and tree.find(".//failure") is not None


def test_a_client_s_description_of_an_answer_shows_the_body_escaped() -> None:
    response = Response("GET", "http://127.0.0.1/api/v1/config", 500, None, "boom\x1b[2J\u202e\r\n")
    assert response.describe() == "GET http://127.0.0.1/api/v1/config -> 500: boom\\x1b[2J\\u202e\\r\\n"


def test_unseen_characters_are_named_for_a_refusal() -> None:
    assert trust.unseen_characters("a\u202eb\x1bc\nd") == ["U+202E RIGHT-TO-LEFT OVERRIDE", "U+001B Cc control"]
    assert unicodedata.name("\u202e") in trust.unseen_characters("\u202e")[0]
