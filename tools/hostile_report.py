#!/usr/bin/env python3
"""Run the checks against every mode of the hostile test server and print what each did.

``python tools/hostile_report.py [--timeout 3] [--mode MODE …] [--python OTHER/.venv/bin/python]``: one row
per mode with the exit code, the time the command took, its peak memory and its one-line refusal. The
tests (tests/test_hostile_server.py) assert the outcomes; this prints the times, which tests never assert.
``--python`` runs the commands with another checkout's interpreter (the server stays this one), to
measure the same attacks before a change.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eip712kit.protocols import alura  # noqa: E402
from eip712kit.protocols.sera import endpoints  # noqa: E402
from tests.helpers.cli_runner import clean_env  # noqa: E402
from tests.helpers.devkeys import DEV_KEY  # noqa: E402  PUBLIC development key
from tests.helpers.hostile_server import MODES, SERA_ORDER, run_against  # noqa: E402

ALURA_MODES = ("honest", "siwe-other-host", "no-nonce")
"""The modes that concern the Alura login text; the others concern check sera (and honest, both)."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", default="3", help="--timeout given to each check (seconds)")
    parser.add_argument("--mode", action="append", choices=MODES, help="only this mode (repeatable)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter that runs eip712kit")
    args = parser.parse_args()
    env = clean_env(EIP712KIT_PRIVATE_KEY=DEV_KEY)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        runs = [(mode, ("check", "sera", *SERA_ORDER)) for mode in MODES if mode == "honest" or mode not in ALURA_MODES]
        runs += [(mode, ("check", "alura-login")) for mode in ALURA_MODES]
        for mode, command in runs:
            if args.mode and mode not in args.mode:
                continue
            outcome = run_against(mode, *command, "--timeout", args.timeout, "--retries", "0", env=env, tmp=Path(tmp),
                                  python=args.python)
            said = next((line for line in outcome.stderr.splitlines() if line.startswith("error: ")), "")
            signed = outcome.posted(endpoints.VERIFY_SIGNATURE) or outcome.posted(alura.VERIFY_PATH)
            sent = "yes" if signed else "no"
            rows.append((command[1], mode, str(outcome.code), f"{outcome.seconds:.2f}",
                         f"{outcome.max_rss_kib / 1024:.0f}", sent,
                         textwrap.shorten(said[7:], width=150, placeholder=" …")))
    header = ("check", "mode", "exit", "seconds", "peak MiB", "signature sent", "refusal")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
