#!/usr/bin/env python3
"""Run the two hold attacks against ``eip712kit serve`` and print what the server did with the sockets.

``python tools/hold_report.py [--attack expect-continue|never-read] [--count N] [--header-timeout S]
[--body-timeout S] [--write-timeout S] [--seconds S] [--eip712kit OTHER/.venv/bin/eip712kit]``: one row per
attack with the sockets held at the end, the seconds until the last was closed, and how often ``/health``
answered 200 while they were held. The tests (tests/test_server_hold.py) assert the counts; this prints
the times, which tests never assert. ``--eip712kit`` runs another install's server (before a change; a
deadline option it does not know is left out).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.hold_attacks import close_all, expect_continue, never_read, watch  # noqa: E402
from tests.helpers.verifier_process import VerifierProcess  # noqa: E402

ATTACKS = {"expect-continue": expect_continue, "never-read": never_read}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attack", action="append", choices=sorted(ATTACKS))
    parser.add_argument("--count", type=int, default=20, help="sockets per attack")
    parser.add_argument("--header-timeout", default="2")
    parser.add_argument("--body-timeout", default="3")
    parser.add_argument("--write-timeout", default="3")
    parser.add_argument("--seconds", type=float, default=60, help="how long to watch at most")
    parser.add_argument("--eip712kit", help="the eip712kit command to serve with (default: this checkout's)")
    args = parser.parse_args()
    command = [args.eip712kit] if args.eip712kit else None
    helps = subprocess.run([*(command or [sys.executable, "-m", "eip712kit"]), "serve", "--help"],
                           capture_output=True, text=True).stdout
    options = [(flag, value) for flag, value in (("--header-timeout", args.header_timeout),
                                                 ("--body-timeout", args.body_timeout),
                                                 ("--write-timeout", args.write_timeout)) if flag in helps]
    print("| attack | sockets | deadlines | still held at the end | seconds until the last closed | "
          "/health 200 while held |")
    print("|---|---|---|---|---|---|")
    for name in args.attack or sorted(ATTACKS):
        with VerifierProcess(None, *(part for option in options for part in option), command=command) as server:
            port = int(server.api.rsplit(":", 1)[1].split("/", 1)[0])
            socks = ATTACKS[name](port, args.count)
            seen = watch(socks, server.api + "/health", seconds=args.seconds)
            close_all(socks)
        shown = " ".join(f"{flag} {value}" for flag, value in options)
        print(f"| {name} | {seen.total} | {shown} | {seen.still_open} | {seen.held_seconds():.1f} | "
              f"{seen.health_answered}/{len(seen.health)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
