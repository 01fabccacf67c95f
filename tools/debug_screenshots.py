"""Screenshots of the signature debugger's four states, for docs/debug.md, by headless Chromium.

    python tools/debug_screenshots.py                 # writes docs/img/debug-{valid,doctor,unexplained,invalid}.png
    python tools/debug_screenshots.py --out /tmp/shots --width 390 --mobile

The four states are the scenarios below; the browser tests (tests/test_debug_browser.py) open
the same links and check what they show, so the pictures in the docs are of tested states.
Signatures are made with the PUBLIC development key (Hardhat/Anvil account #0), as everywhere in
the tests and vectors.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from eip712kit import sign_typed_data  # noqa: E402
from eip712kit.server.app import create_app  # noqa: E402
from eip712kit.server.debug import examples, fragment  # noqa: E402
from tests.helpers.devkeys import DEV_ADDRESS, DEV_KEY, DEV_KEYS  # noqa: E402  PUBLIC development keys
from tests.helpers.login_servers import LiveServer  # noqa: E402
from tools.chromium import Chromium, Page  # noqa: E402


@dataclass(frozen=True)
class Scenario:
    """A state of the page, reachable by link, and what it must show."""

    name: str
    description: str
    document: str
    signature: str | None = None
    expect: str | None = None
    cause: str | None = None
    field: str | None = None
    """The doctor's cause and field (doctor scenario) or the error's code and path (invalid scenario)."""

    def link(self, base_url: str) -> str:
        return base_url + "/debug" + fragment(self.document, self.signature, self.expect)


def valid() -> Scenario:
    """The EIP-712 spec's Mail example (nested structs), signed by the development key."""
    mail = examples()["core/mail"]
    return Scenario("valid", "a valid document: digest, hashes down the tree, recovered signer",
                    mail["document"], mail["signature"], mail["expect"])


def doctor() -> Scenario:
    """A Renance order signed with side "BUY" where the API (and the document) says "buy"."""
    document = examples()["renance/CreateOrder-limit-buy-default"]["document"]
    signed = json.loads(document)
    signed["message"]["side"] = "BUY"
    signature = sign_typed_data(signed, DEV_KEY).to_hex()
    return Scenario("doctor", "a broken signature: the doctor's cause, the field highlighted",
                    document, signature, DEV_ADDRESS, cause="STRING_CASE", field="message.side")


def unexplained() -> Scenario:
    """The Mail example signed by another key (development account #1) than the one expected (#0)."""
    mail = examples()["core/mail"]
    signature = sign_typed_data(mail["document"], DEV_KEYS[1][0]).to_hex()
    return Scenario("unexplained", "a signature no known mistake explains: the list of what was tried",
                    mail["document"], signature, DEV_ADDRESS, cause="UNEXPLAINED")


def invalid() -> Scenario:
    """The Mail example with one letter of an address's checksum case flipped."""
    document = examples()["core/mail"]["document"].replace(
        "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826", "0xcD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826")
    return Scenario("invalid", "an invalid document: the error at its JSON path", document,
                    cause="BAD_CHECKSUM", field="message.from.wallet")


def scenarios() -> list[Scenario]:
    return [valid(), doctor(), unexplained(), invalid()]


def settle(page: Page, scenario: Scenario) -> None:
    """Wait until the page shows the scenario's final state (the doctor included)."""
    if scenario.name == "invalid":
        page.wait_for("document.body.dataset.state === 'error'")
        page.evaluate("document.getElementById('show-error').click()")  # select the value in the text
    else:
        page.wait_for("document.body.dataset.state === 'ready' && document.body.dataset.doctor === 'done'")


def take(base_url: str, out: Path, *, width: int = 1280, height: int = 900, mobile: bool = False) -> list[Path]:
    written = []
    with Chromium() as browser:
        for scenario in scenarios():
            page = browser.open(scenario.link(base_url), width=width, height=height, mobile=mobile)
            settle(page, scenario)
            written.append(page.screenshot(out / f"debug-{scenario.name}.png"))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--mobile", action="store_true")
    args = parser.parse_args(argv)
    with LiveServer(create_app()) as server:
        for path in take(server.url, args.out, width=args.width, height=args.height, mobile=args.mobile):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
