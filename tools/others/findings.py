#!/usr/bin/env python3
"""Check every bug of findings.json on its smallest document: the library against eip712kit, eth-account and viem.

    python tools/others/findings.py            # print each bug: what the library gives, what the three others give
    python tools/others/findings.py --write    # ... and store both in findings.json (expected, got)
    python tools/others/findings.py --check    # exit 1 when findings.json is not what this run gives

A disagreement is a bug of the other library only when three implementations that share no code agree
against it: eip712kit (this repository), eth-account (Python) and viem (JavaScript, from tools/node).
For each finding of class ``bug``, its ``document`` (the smallest typed-data document that shows it)
is hashed by all three, which must agree, and sent to the library's own adapter (the command of
tools/attesters.json), whose answer must differ from theirs or be a refusal. The document must carry
the finding's tags (eip712kit.conformance.features), so the tag is what an adapter declares to skip it.
Needs the main venv (eip712kit with the test extra: eth-account), tools/node's node_modules (viem) and
tools/others installed (install.sh). Exit 0: every bug is shown; 1: one is not (or --check found a
change); 2: something is not installed.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from eip712kit import TypedData  # noqa: E402
from eip712kit.conformance import HELLO, PROTOCOL, AdapterFailure, ExecTarget  # noqa: E402
from eip712kit.conformance.features import case_features  # noqa: E402

FINDINGS = Path(__file__).resolve().parent / "findings.json"
REGISTRY = ROOT / "tools" / "attesters.json"
VIEM = """
import { hashTypedData } from 'viem';
const doc = JSON.parse(process.argv[1]);
try { console.log(hashTypedData(doc)); }
catch (e) { console.log('refuses: ' + String(e.shortMessage ?? e.message).split('\\n')[0]); }
"""


def eth_account_digest(doc: dict[str, Any]) -> str:
    from eth_account.messages import encode_typed_data
    from eth_utils import keccak

    signable = encode_typed_data(full_message=doc)
    return "0x" + bytes(keccak(b"\x19" + signable.version + signable.header + signable.body)).hex()


def viem_digest(doc: dict[str, Any]) -> str:
    node = ROOT / "tools" / "node"
    if not (node / "node_modules" / "viem").is_dir():
        raise FileNotFoundError("tools/node/node_modules/viem (cd tools/node && npm ci)")
    done = subprocess.run(["node", "--input-type=module", "-e", VIEM, json.dumps(doc)], cwd=node,
                          capture_output=True, text=True, timeout=60)
    return (done.stdout.strip() or done.stderr.strip().splitlines()[-1]).lower()


def library_answer(name: str, doc: dict[str, Any]) -> str:
    """The digest the library's adapter gives for ``doc``, or ``refuses: <its message>``."""
    spec = json.loads(REGISTRY.read_text(encoding="utf-8"))[name]
    if spec.get("needs") and not (ROOT / spec["needs"]).exists():
        raise FileNotFoundError(f"{spec['needs']} ({spec.get('install', '')})")
    command = spec["exec"].replace("{python}", shlex.quote(sys.executable))
    with ExecTarget(command, cwd=str(ROOT), timeout=30) as target:
        hello = {"protocol": PROTOCOL, "features": [], "ops": ["typed_data"]}
        target.handle({"id": HELLO, "op": HELLO, "input": hello})
        try:
            response = target.handle({"id": "finding", "op": "typed_data", "input": {"typed_data": doc}})
        except AdapterFailure as exc:
            return f"refuses: adapter failure: {exc}"[:200]
    if response.get("error") is not None:
        return f"refuses: {response['error'].get('message', '')}"[:200]
    return str(response["result"].get("digest", "no digest")).lower()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="store expected and got in findings.json")
    mode.add_argument("--check", action="store_true", help="exit 1 when findings.json is not what this run gives")
    args = parser.parse_args(argv)
    text = FINDINGS.read_text(encoding="utf-8")
    everything = json.loads(text)
    failed = False
    try:
        for name, library in everything.items():
            for finding in library["findings"]:
                if finding["class"] != "bug":
                    continue
                doc = finding["document"]
                tags = set(case_features("typed_data", {"typed_data": doc}))
                ours = "0x" + TypedData(doc).digest().hex()
                theirs = {"eth-account": eth_account_digest(doc), "viem": viem_digest(doc)}
                got = library_answer(name, doc)
                agree = all(d == ours for d in theirs.values())
                shown = got != ours
                carries = set(finding["tags"]) <= tags
                verdict = "ok" if agree and shown and carries else "NOT SHOWN"
                failed = failed or verdict != "ok"
                print(f"{verdict:9} {name}: {', '.join(finding['tags'])}: eip712kit {ours[:18]}…, "
                      + ", ".join(f"{k} {'agrees' if v == ours else v}" for k, v in theirs.items())
                      + f"; {name} {got[:90]}" + ("" if carries else f" (the document lacks {finding['tags']})"))
                if args.check and (finding.get("expected"), finding.get("got")) != (ours, got):
                    print(f"STALE     {name}: {', '.join(finding['tags'])}: findings.json says "
                          f"{finding.get('expected')} / {finding.get('got')}")
                    failed = True
                finding["expected"], finding["got"] = ours, got
    except FileNotFoundError as exc:
        print(f"findings: not installed: {exc}", file=sys.stderr)
        return 2
    if args.write:
        FINDINGS.write_text(json.dumps(everything, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"findings: wrote {FINDINGS.relative_to(ROOT)}")
    print("findings: " + ("FAILED" if failed else "OK: every bug shown, and eip712kit, eth-account and viem agree"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
