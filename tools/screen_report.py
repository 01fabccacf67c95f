#!/usr/bin/env python3
"""Show what a terminal displays when a server, an adapter or a client puts hostile characters in its text.

``python tools/screen_report.py [--class NAME] [--sink TEXT]``: every scenario of
``tests/helpers/screens.py`` (a sink fed by a hostile source) with every payload class of
``tests/helpers/hostile_server.py``, run on a pty and rendered by a VT emulator (pyte). For each it
prints the exit code, the window title the output set, the characters the terminal received that
are not drawn as themselves, and the screen's lines. ``PYTHONPATH=/other/checkout python
tools/screen_report.py`` shows what another version of the code displayed (the commands run with
that ``eip712kit``; the helpers still come from this checkout).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.cli_runner import clean_env  # noqa: E402
from tests.helpers.hostile_server import PAYLOADS  # noqa: E402
from tests.helpers.screens import SCENARIOS  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--class", dest="kind", choices=sorted(PAYLOADS), help="only this payload class")
    parser.add_argument("--sink", help="only scenarios whose sink or name contains this text")
    parser.add_argument("--lines", type=int, default=12, help="screen lines shown per run (from the top)")
    args = parser.parse_args()
    env = clean_env()
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    with tempfile.TemporaryDirectory() as tmp:
        for scenario in SCENARIOS:
            if args.sink and args.sink not in scenario.id:
                continue
            for kind, payload in PAYLOADS.items():
                if args.kind and kind != args.kind:
                    continue
                shown = scenario.run(payload, Path(tmp), env)
                unseen = shown.unseen_received()
                print(f"== {scenario.id} × {kind}: exit {shown.code}, title {shown.screen.title!r}, "
                      f"unseen received: {' '.join(unseen) or 'none'}")
                for line in shown.lines[: args.lines]:
                    print("   | " + line[:200])
                missing = [m for m in scenario.must_show if not shown.shows(m)]
                if missing:
                    print(f"   missing from the screen: {missing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
