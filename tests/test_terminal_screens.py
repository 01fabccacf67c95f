"""What a person's terminal shows when a server, an adapter or a client puts hostile characters in its words.

Every sink (readable output, ``--json``, the conformance report, the verifier's logs) is run for real
on a pty and rendered by a VT emulator (pyte), fed by a hostile source with a payload of every class
(C0, C1, ESC/CSI/OSC, bidi, zero-width, line separators; tests/helpers/hostile_server.py). Each
screen must keep its own lines (what is signed, the refusal, the verdict), set no title, and have
received no character that is not drawn as itself — so no title, clipboard write, clear-screen,
overwrite or reordering took effect. JSON output must still carry the server's exact value.

The default run feeds every class at once (one payload holding them all) to every sink; ``pytest -m
fuzz`` runs each class alone. The debugger page's share of the matrix is in test_debug_browser.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli_runner import clean_env
from tests.helpers.hostile_server import PAYLOADS
from tests.helpers.screens import SCENARIOS, Scenario, first_json, json_strings

EVERY_CLASS = "".join(PAYLOADS.values())


def assert_screen_holds(scenario: Scenario, payload: str, tmp_path: Path) -> None:
    shown = scenario.run(payload, tmp_path, clean_env())
    assert shown.code != 70 and "Traceback" not in shown.text, shown.text
    assert shown.unseen_received() == [], shown.text
    assert shown.unseen_on_screen() == []
    assert (shown.screen.title, shown.screen.icon_name) == ("", ""), shown.text
    missing = [part for part in scenario.must_show if not shown.shows(part)]
    assert not missing, f"{missing} not on the screen:\n{shown.text}"
    assert not any(line.startswith("valid: true") for line in shown.logical_lines)  # no \r overwrote a line
    if scenario.carries_payload:
        strings = json_strings(first_json(shown))
        assert any(payload in s for s in strings), "the JSON does not carry the server's exact text"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_every_sink_shows_every_class_escaped(scenario: Scenario, tmp_path: Path) -> None:
    assert_screen_holds(scenario, EVERY_CLASS, tmp_path)


@pytest.mark.fuzz
@pytest.mark.parametrize("kind", PAYLOADS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_every_sink_shows_each_class_alone_escaped(scenario: Scenario, kind: str, tmp_path: Path) -> None:
    assert_screen_holds(scenario, PAYLOADS[kind], tmp_path)


def test_an_osc_string_in_a_symbol_does_not_swallow_the_signed_amount(tmp_path: Path) -> None:
    """The issue's case: an unterminated OSC in a token symbol once hid the fromAmount line."""
    scenario = next(s for s in SCENARIOS if s.name == "check sera, a token symbol")
    shown = scenario.run(PAYLOADS["ESC/CSI/OSC"], tmp_path, clean_env())
    amount = next(line for line in shown.lines if line.strip().startswith("fromAmount"))
    assert amount.startswith("  fromAmount           1085000000  base units (= 1085.0 BBB\\x1b[2J\\x1b[H\\x1b]0;pwned")
    assert shown.shows("toAmount             1000000000000000000000  base units (= 1000.0 AAA")


def test_a_carriage_return_in_a_detail_does_not_overwrite_the_verdict(tmp_path: Path) -> None:
    scenario = next(s for s in SCENARIOS if s.name == "check sera, a verdict's code/field/detail")
    shown = scenario.run(PAYLOADS["C0"], tmp_path, clean_env())
    assert "server: refused\\r\\x08\\x08valid: true\\x07\\x00" in shown.lines
    assert shown.lines[-1] == "result: DISAGREEMENT — the server refuses what the reference verifier accepts"
