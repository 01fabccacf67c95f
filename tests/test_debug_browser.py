"""The debugger page in a real browser: headless Chromium, driven over its DevTools pipe (tools/chromium.py).

What a person sees is checked against the golden vectors and the library's own trace: the digest,
the domain separator, every struct's hash down the tree, every field's word, every typeHash. A
broken signature must show the doctor's cause with the field highlighted; an invalid document,
the error at its JSON path. And the browser's own network log must show that nothing was asked of
any host but the local server, with no console error and no Content-Security-Policy violation.

Without a Chromium (Debian: ``apt-get install chromium``; or ``EIP712KIT_CHROMIUM=/path``) these
tests are skipped, and the skip says why. ``.ci/run`` installs it.
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from eip712kit import sign_typed_data
from eip712kit.conformance import load_vectors
from eip712kit.core.trace import StructTrace, ValueTrace, trace_typed_data
from eip712kit.protocols import trust
from eip712kit.server.app import create_app
from eip712kit.server.debug import examples, fragment
from tests.helpers.devkeys import DEV_ADDRESS, DEV_KEY
from tests.helpers.login_servers import LiveServer
from tools.chromium import FLAGS, Chromium, Page, find_chromium
from tools.debug_screenshots import Scenario, doctor, invalid, settle, unexplained, valid

pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="SKIPPED: no headless Chromium on this machine (apt-get install chromium, or set EIP712KIT_CHROMIUM) — "
           "the debugger page's browser tests did not run")

VECTORS = ["core/mail", "core/array-of-arrays", "core/struct-arrays", "core/recursive-tree",
           "sera/Order-seed-bid-default", "sera/WithdrawIntent-one-token-default",
           "renance/CreateOrder-limit-buy-default"]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(create_app()) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    with Chromium() as chromium:
        yield chromium


def open_page(browser: Chromium, url: str, **viewport: Any) -> Page:
    return browser.open(url, **viewport)


def assert_local_and_clean(page: Page, server: LiveServer) -> None:
    """Every request went to the local server; no script error, no CSP violation in the browser's logs."""
    requests = page.requests()
    assert requests, "the network log recorded nothing"
    for url in requests:
        parts = urlsplit(url)
        assert (parts.scheme, parts.hostname, parts.port) == ("http", "127.0.0.1", server.port), url
    loaded = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in loaded), loaded
    # An invalid document is a 422 answer, which Chromium also logs as a failed resource: not a problem.
    problems = [p for p in page.problems() if "status of 422" not in p]
    assert not problems, problems


# --- what the DOM shows, next to what the library computes --------------------------------------

SHOWN = """(() => {
  const text = (sel) => { const n = document.querySelector(sel); return n ? n.textContent : null; };
  const map = (sel, key, value) => Object.fromEntries([...document.querySelectorAll(sel)].map(n => [key(n), value(n)]));
  return {
    digest: text('[data-role=digest]'),
    domainSeparator: text('[data-role=domain-separator]'),
    structHash: text('[data-role=struct-hash]'),
    signer: text('[data-role=signer]'),
    verdict: text('#verdict'),
    typeHashes: map('[data-role=type-hash]', n => n.dataset.type, n => n.textContent),
    structs: map('[data-role=struct-hash-node]', n => n.dataset.path, n => n.textContent),
    arrays: map('details.array', n => n.dataset.path, n => n.querySelector('summary .hash').textContent),
    atoms: map('.atom', n => n.dataset.path, n => n.querySelector('[data-role=word]').textContent),
  };
})()"""


def walk(trace: StructTrace, path: str, out: dict[str, dict[str, str]]) -> None:
    out["structs"][path] = "0x" + trace.hash.hex()
    for field in trace.fields:
        walk_value(field.value, f"{path}.{field.name}", out)


def walk_value(node: ValueTrace, path: str, out: dict[str, dict[str, str]]) -> None:
    if node.struct is not None:
        walk(node.struct, path, out)
    elif node.elements is not None:
        out["arrays"][path] = "0x" + node.word.hex()
        for index, element in enumerate(node.elements):
            walk_value(element, f"{path}[{index}]", out)
    else:
        out["atoms"][path] = "0x" + node.word.hex()


def library_view(document: str) -> dict[str, dict[str, str]]:
    trace = trace_typed_data(document)
    out: dict[str, dict[str, str]] = {"structs": {}, "arrays": {}, "atoms": {}}
    walk(trace.domain, "domain", out)
    if trace.message is not None:
        walk(trace.message, "message", out)
    return out


def vector(case_id: str) -> Any:
    return next(c for vf in load_vectors() for c in vf.cases if c.id == case_id)


# --- the tests ----------------------------------------------------------------------------------

@pytest.mark.parametrize("case_id", VECTORS)
def test_a_vector_by_link_shows_its_digest_and_every_struct_hash(browser: Chromium, server: LiveServer,
                                                                 case_id: str) -> None:
    case = vector(case_id)
    expected = case.expected
    document = json.dumps(case.input["typed_data"], indent=2)
    page = open_page(browser, server.url + "/debug" + fragment(document, expected["signature"], expected["signer"]))
    page.wait_for("document.body.dataset.state === 'ready' && document.body.dataset.doctor === 'done'")
    shown = page.evaluate(SHOWN)
    assert shown["digest"] == expected["digest"]
    assert shown["domainSeparator"] == expected["domainSeparator"]
    assert shown["structHash"] == expected["structHash"]
    assert shown["typeHashes"] == expected["typeHash"]
    library = library_view(document)
    assert shown["structs"] == library["structs"]  # every struct down the tree, the domain included
    assert shown["arrays"] == library["arrays"]
    assert shown["atoms"] == library["atoms"]  # every field's 32-byte word
    assert shown["signer"] == expected["signer"]
    assert shown["verdict"].startswith("Valid")
    text = page.evaluate("document.body.innerText")
    for value in (expected["digest"], expected["structHash"], *library["structs"].values()):
        assert value in text
    assert_local_and_clean(page, server)


def test_a_broken_signature_shows_the_doctors_cause_and_highlights_the_field(browser: Chromium,
                                                                             server: LiveServer) -> None:
    scenario = doctor()
    page = open_page(browser, scenario.link(server.url))
    settle(page, scenario)
    assert page.evaluate("document.getElementById('cause-code').textContent") == "STRING_CASE"
    assert "BUY" in page.evaluate("document.getElementById('cause-sentence').textContent")
    highlighted = page.evaluate("[...document.querySelectorAll('.diff')].map(n => n.dataset.path)")
    assert highlighted == ["message.side"]
    note = page.evaluate("document.querySelector('.diff .signed-given').textContent")
    assert note == 'signed "BUY" · given "buy"'
    assert page.evaluate("document.querySelector('#verdict').dataset.valid") == "false"
    # A cause was found: the list of what was tried is there, folded (as `eip712kit doctor --tried`).
    assert page.evaluate("document.getElementById('tried').open") is False
    assert page.evaluate("document.querySelectorAll('#tried li').length") > 0
    assert page.evaluate("document.querySelector('#tried li').checkVisibility()") is False
    assert_local_and_clean(page, server)


def test_an_unexplained_result_shows_the_list_of_what_was_tried(browser: Chromium, server: LiveServer) -> None:
    scenario = unexplained()
    page = open_page(browser, scenario.link(server.url))
    settle(page, scenario)
    assert page.evaluate("document.getElementById('cause-code').textContent") == "UNEXPLAINED"
    assert "the list of what was tried follows" in page.evaluate("document.getElementById('cause-sentence')"
                                                                 ".textContent")
    shown = page.evaluate("""(() => { const t = document.getElementById('tried');
      return {open: t.open, visible: t.querySelector('li').checkVisibility(),
              summary: t.querySelector('summary').textContent,
              items: [...t.querySelectorAll('li')].map(n => [n.dataset.name, Number(n.dataset.candidates),
                                                             n.querySelector('.summary').textContent])}; })()""")
    # The same list the API gives and `eip712kit doctor` prints, in its order, open on the page.
    answer = httpx.post(server.url + "/debug/api/diagnose", json={"document": scenario.document,
                        "signature": scenario.signature, "expect": scenario.expect}, timeout=60).json()
    tried = answer["diagnosis"]["search"]["tried"]
    assert shown["items"] == [[t["name"], t["candidates"], t["summary"]] for t in tried]
    assert len(tried) > 20 and shown["open"] is True and shown["visible"] is True
    assert shown["summary"] == f"What was tried: {len(tried)} hypotheses and combinations"
    # Folded, it stays one click away: the summary toggles it.
    page.evaluate("document.querySelector('#tried summary').click()")
    assert page.evaluate("document.getElementById('tried').open") is False
    assert_local_and_clean(page, server)


def test_a_domain_mistake_highlights_the_domain_field_inside_its_opened_tree(browser: Chromium,
                                                                             server: LiveServer) -> None:
    mail = examples()["core/mail"]
    signed = json.loads(mail["document"])
    signed["domain"]["chainId"] = 11155111
    page = open_page(browser, server.url + "/debug" + fragment(mail["document"], sign_typed_data(signed, DEV_KEY)
                                                               .to_hex(), DEV_ADDRESS))
    settle(page, Scenario("doctor", "", mail["document"]))
    assert page.evaluate("document.getElementById('cause-code').textContent") == "DOMAIN_CHAIN_ID"
    assert page.evaluate("[...document.querySelectorAll('.diff')].map(n => n.dataset.path)") == ["domain.chainId"]
    assert page.evaluate("document.querySelector('.diff .signed-given').textContent") == "signed 11155111 · given 1"
    assert page.evaluate("document.querySelector('.diff').closest('details').open") is True
    assert_local_and_clean(page, server)


def test_an_invalid_document_shows_the_error_at_its_path(browser: Chromium, server: LiveServer) -> None:
    scenario = invalid()
    page = open_page(browser, scenario.link(server.url))
    settle(page, scenario)
    error = page.evaluate("(() => { const e = document.getElementById('error'); return {code: e.dataset.code, "
                          "path: e.dataset.path, text: e.innerText, hidden: e.hidden}; })()")
    assert (error["code"], error["path"], error["hidden"]) == ("BAD_CHECKSUM", "message.from.wallet", False)
    assert "message.from.wallet: 0xcD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826 fails its EIP-55 checksum" in error["text"]
    assert "[BAD_CHECKSUM]" in error["text"]
    selected = page.evaluate("(() => { const t = document.getElementById('doc'); "
                             "return t.value.slice(t.selectionStart, t.selectionEnd); })()")
    assert selected == '"0xcD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"'  # "Show it in the document" selected it
    assert page.evaluate("document.getElementById('summary').hidden") is True
    assert_local_and_clean(page, server)


def test_text_that_is_not_json_points_at_the_line_and_column(browser: Chromium, server: LiveServer) -> None:
    text = '{\n  "types": {},\n  "primaryType" "Mail"\n}'
    page = open_page(browser, server.url + "/debug" + fragment(text))
    page.wait_for("document.body.dataset.state === 'error'")
    assert page.evaluate("document.getElementById('error').dataset.code") == "INVALID_JSON"
    assert "line 3 column" in page.evaluate("document.getElementById('error').innerText")
    page.evaluate("document.getElementById('show-error').click()")
    assert page.evaluate("document.getElementById('doc').selectionStart") == text.index('"Mail"')  # where ':' is due
    assert_local_and_clean(page, server)


def test_a_vector_chosen_from_the_list_updates_the_view_and_the_link(browser: Chromium, server: LiveServer) -> None:
    page = open_page(browser, server.url + "/debug")
    page.wait_for("document.querySelectorAll('#example option').length > 200")
    page.evaluate("(() => { const s = document.getElementById('example'); s.value = 'sera/Order-seed-bid-default'; "
                  "s.dispatchEvent(new Event('change')); })()")
    page.wait_for("document.body.dataset.state === 'ready' && document.body.dataset.doctor === 'done'")
    order = vector("sera/Order-seed-bid-default").expected
    assert page.evaluate("document.querySelector('[data-role=digest]').textContent") == order["digest"]
    link = page.evaluate("location.hash")
    parts = dict(p.split("=", 1) for p in link[1:].split("&"))
    assert json.loads(base64.urlsafe_b64decode(parts["sig"] + "==").decode()) == order["signature"]
    # An edit recomputes: change one amount, and the digest and the verdict follow.
    page.evaluate("(() => { const t = document.getElementById('doc'); "
                  "t.value = t.value.replace('\"toAmount\": 1000000000', '\"toAmount\": 1000000001'); "
                  "t.dispatchEvent(new Event('input')); })()")
    page.wait_for(f"document.body.dataset.state === 'ready' && "
                  f"document.querySelector('[data-role=digest]').textContent !== '{order['digest']}'")
    page.wait_for("document.body.dataset.doctor === 'done'")
    assert page.evaluate("document.querySelector('#verdict').dataset.valid") == "false"
    assert page.evaluate("location.hash") != link
    assert_local_and_clean(page, server)


PHRASE = "test test test test test test test test test test test junk"  # PUBLIC: Hardhat's development mnemonic


@pytest.mark.parametrize("pasted", [
    DEV_KEY, "0X" + DEV_KEY[2:], DEV_KEY[2:].upper(), f'"{DEV_KEY}"',
    PHRASE, PHRASE.title(), PHRASE.upper(), PHRASE.replace(" ", ", "),
], ids=["0x", "0X", "bare-upper", "quoted", "words", "Capitalised", "UPPER", "comma-separated"])
def test_a_key_pasted_as_the_signature_is_neither_sent_nor_kept_in_the_link(browser: Chromium,
                                                                            server: LiveServer, pasted: str) -> None:
    mail = examples()["core/mail"]
    page = open_page(browser, server.url + "/debug" + fragment(mail["document"]))
    page.wait_for("document.body.dataset.state === 'ready'")
    page.evaluate(f"(() => {{ const s = document.getElementById('sig'); s.value = {json.dumps(pasted)}; "
                  "s.dispatchEvent(new Event('input')); })()")
    page.wait_for("!document.getElementById('input-warning').hidden")
    page.wait_for("document.body.dataset.state === 'ready'")
    page.browser.pump(0.5)
    assert "private key" in page.evaluate("document.getElementById('input-warning').textContent")
    assert "sig=" not in page.evaluate("location.hash")
    sent = [e["request"].get("postData", "") for e in page.events("Network.requestWillBeSent")]
    assert sent and not any(DEV_KEY[2:].lower() in body.lower() or "junk" in body.lower() for body in sent)
    assert_local_and_clean(page, server)


@pytest.mark.parametrize("scenario", [valid, doctor, unexplained, invalid],
                         ids=["valid", "doctor", "unexplained", "invalid"])
def test_a_phone_screen_needs_no_sideways_scrolling(browser: Chromium, server: LiveServer, scenario: Any) -> None:
    chosen = scenario()
    page = open_page(browser, chosen.link(server.url), width=390, height=844, mobile=True)
    settle(page, chosen)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_local_and_clean(page, server)


def _tab(page: Page, shift: bool = False) -> str:
    for kind in ("keyDown", "keyUp"):
        page.browser.call("Input.dispatchKeyEvent", {"type": kind, "key": "Tab", "code": "Tab",
                                                     "windowsVirtualKeyCode": 9, "modifiers": 8 if shift else 0},
                          page.session)
    return str(page.evaluate("(() => { const a = document.activeElement; "
                             "return a.id || a.className || a.tagName.toLowerCase(); })()"))


def test_the_keyboard_reaches_every_control_in_reading_order(browser: Chromium, server: LiveServer) -> None:
    scenario = valid()
    page = open_page(browser, scenario.link(server.url))
    settle(page, scenario)
    order = [_tab(page) for _ in range(12)]
    assert order[:9] == ["skip", "example", "doc", "file", "format", "sig", "expect", "copy-link", "clear"]
    assert order[9:] == ["copy"] * 3  # then the results, value by value
    nameless = page.evaluate("[...document.querySelectorAll('button, select, textarea, input')]"
                             ".filter(n => !(n.getAttribute('aria-label') || n.labels?.length || "
                             "n.textContent.trim())).map(n => n.outerHTML)")
    assert nameless == []
    unlabelled_copies = page.evaluate("[...document.querySelectorAll('button.copy')]"
                                      ".filter(n => !n.getAttribute('aria-label')).length")
    assert unlabelled_copies == 0
    assert page.evaluate("[...document.querySelectorAll('[tabindex]')].every(n => n.tabIndex <= 0)")


@pytest.mark.parametrize("case_id", ["core/recursive-mail-friends", "sera/Order-seed-bid-default"])
def test_chromium_dump_dom_holds_the_digest_and_every_struct_hash(server: LiveServer, case_id: str) -> None:
    """The issue's own check: ``chromium --headless --dump-dom URL#doc=…`` once the page's script has run."""
    case = vector(case_id)
    document = json.dumps(case.input["typed_data"], indent=2)
    url = server.url + "/debug" + fragment(document, case.expected.get("signature"), case.expected.get("signer"))
    flags = [f for f in FLAGS if f != "--remote-debugging-pipe"]
    with tempfile.TemporaryDirectory() as profile:
        dumped = subprocess.run([str(find_chromium()), *flags, f"--user-data-dir={profile}",
                                 "--virtual-time-budget=10000", "--dump-dom", url],
                                capture_output=True, text=True, timeout=120)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = dumped.stdout
    assert f'data-role="digest">{case.expected["digest"]}<' in dom
    assert f'data-role="struct-hash">{case.expected["structHash"]}<' in dom
    for path, struct_hash in library_view(document)["structs"].items():
        assert f'data-path="{path}">{struct_hash}<' in dom, path
    for type_hash in case.expected["typeHash"].values():
        assert type_hash in dom


def test_nothing_in_the_whole_session_left_loopback(browser: Chromium, server: LiveServer) -> None:
    """Across every page this module opened: the browser's network log names only the local server."""
    urls = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert len(urls) > 20
    assert {urlsplit(u).netloc for u in urls} == {f"127.0.0.1:{server.port}"}


# --- hostile text: every class of unseen character is drawn as an escape ---------------------------------

UNSEEN_TEXT_NODES = """(() => {
  const unseen = /[\\p{Cc}\\p{Cf}\\p{Cs}\\p{Zl}\\p{Zp}]/u;
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("textarea, script, style")) continue;  // the user's own input
    const text = node.textContent.replace(/\\n/g, "");  // the markup's own line breaks (drawn as a space)
    if (unseen.test(text)) bad.push(text.slice(0, 120));
  }
  for (const el of document.querySelectorAll("[title], [aria-label]")) {
    for (const name of ["title", "aria-label"]) {
      const value = el.getAttribute(name);
      if (value && unseen.test(value)) bad.push(name + ": " + value.slice(0, 120));
    }
  }
  return bad;
})()"""


def hostile_mail(payload: str) -> dict[str, Any]:
    mail = json.loads(json.dumps(vector("core/mail").input["typed_data"]))
    mail["message"]["contents"] = "Hello" + payload
    mail["domain"]["name"] = "Ether Mail" + payload
    return mail


def test_every_class_in_a_document_s_strings_is_drawn_as_an_escape(browser: Chromium, server: LiveServer) -> None:
    from tests.helpers.hostile_server import PAYLOADS

    payload = "".join(PAYLOADS.values())
    signed = hostile_mail(payload)
    given = hostile_mail(payload + "!")  # the doctor shows the signed and the given value side by side
    page = open_page(browser, server.url + "/debug" + fragment(json.dumps(given, ensure_ascii=False),
                                                               sign_typed_data(signed, DEV_KEY).to_hex(),
                                                               DEV_ADDRESS))
    page.wait_for("document.body.dataset.state === 'ready' && document.body.dataset.doctor === 'done'")
    assert page.evaluate(UNSEEN_TEXT_NODES) == []
    text = page.evaluate("document.body.innerText")
    for value in (given["message"]["contents"], given["domain"]["name"]):
        assert trust.dumps(value) in text  # drawn exactly as the trust policy writes it
    assert_local_and_clean(page, server)


def test_an_error_that_quotes_hostile_text_is_drawn_as_an_escape(browser: Chromium, server: LiveServer) -> None:
    mail = json.loads(json.dumps(vector("core/mail").input["typed_data"]))
    mail["message"]["from"]["wallet"] = "0x\u202e1234\x1b]0;pwned\x07"
    page = open_page(browser, server.url + "/debug" + fragment(json.dumps(mail, ensure_ascii=False)))
    page.wait_for("document.body.dataset.state === 'error'")
    assert page.evaluate(UNSEEN_TEXT_NODES) == []
    assert "pwned" not in page.evaluate("document.title")
    assert "'0x\\u202e1234\\x1b]0;pwned\\x07' is not an address" in page.evaluate(
        "document.getElementById('error').innerText")
