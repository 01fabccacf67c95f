#!/usr/bin/env python3
"""Attest the golden vectors with ``--exec`` adapters, and record their verdicts in vectors/attestations.json.

    python tools/attest_exec.py                   # every adapter of tools/attesters.json; exit 1 on a disagreement
    python tools/attest_exec.py --record          # ... and replace their entries in the record
    python tools/attest_exec.py --check           # exit 1 when the record is not what this run gives (CI)
    python tools/attest_exec.py --only evm -v     # one adapter, every verdict listed

Each adapter named in ``tools/attesters.json`` (``{"<name>": {"exec": COMMAND, "language": ...,
"api": ...}}``; ``{python}`` in a command is this interpreter; ``needs``/``install``: a path that must exist
and how to make it; ``role``: ``"surveyed"`` for a library whose results are published but which does not
stamp the vectors (``tools/attestations.SURVEYED``); ``expect_failures``: an --expect-failures file of the
library's known bugs, whose positive cases do not fail the run, and fail it once they pass) is started once
and greeted with the handshake; then every typed_data and personal_sign case, and every positive sera_order case as its
Order typed data, is judged: pass / differs / refuses / accepts / not-expressible, by the rules of
``tools/attestations.py`` (the same as ``tools/node/attest.mjs``). Unlike the conformance runner, a
negative case is sent even when the adapter declares its ``…-refusal`` tag, to record whether the
implementation refuses or accepts it.

Only the entries of the adapters run are replaced: the node recorder's entries, and those of adapters
not run (``--only``), are kept as they are. Exit 0: no positive case differs or is refused (and, with
``--check``, the record is current); 1: otherwise; 2: usage (an unknown name, an adapter that does not
start or names itself otherwise than its entry).
"""

from __future__ import annotations

import argparse
import json
import platform
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eip712kit.conformance import (  # noqa: E402
    HELLO,
    PROTOCOL,
    UNSUPPORTED,
    AdapterFailure,
    Declaration,
    ExecTarget,
    ExpectedFailures,
    Problem,
    TargetUnusable,
    compare,
    parse_hello,
)
from eip712kit.conformance.features import REFUSAL_SUFFIX  # noqa: E402
from tools import attestations  # noqa: E402

REGISTRY = ROOT / "tools" / "attesters.json"
RECORD = ROOT / "vectors" / "attestations.json"
VECTORS = ROOT / "vectors"
RECORDER = "tools/attest_exec.py"
DEFAULT_TIMEOUT = 30.0


class UsageError(Exception):
    pass


def probed_cases(vectors: Path = VECTORS) -> list[tuple[dict[str, Any], Mapping[str, Mapping[str, str]]]]:
    """Every probed case of the vector files, with its file's keys, in file and case order."""
    out = []
    for path in sorted(vectors.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc.get("cases"), list):
            continue
        out += [(case, doc.get("keys", {})) for case in doc["cases"] if attestations.probed(case)]
    return out


def judge(case: Mapping[str, Any], keys: Mapping[str, Mapping[str, str]], target: ExecTarget,
          declaration: Declaration) -> tuple[str, str]:
    """``(status, note)`` of one case (the rules: tools/attestations.py, docs/vectors.md "Attestation")."""
    negative = case.get("error") is not None
    declared = declaration.unsupported.intersection(case.get("features", ()))
    if any(not t.endswith(REFUSAL_SUFFIX) for t in declared) or (declared and not negative):
        return "not-expressible", ""
    request, expected = attestations.request_and_expected(case, keys)
    if declaration.ops is not None and request["op"] not in declaration.ops:
        return "not-expressible", ""
    try:
        response = target.handle(request)
    except AdapterFailure as exc:
        return "refuses", f"adapter failure: {exc}"
    error = response.get("error")
    if error is not None:
        if isinstance(error, dict) and error.get("code") == UNSUPPORTED:
            return "not-expressible", ""
        return "refuses", str(error.get("message", error) if isinstance(error, dict) else error)
    result = response.get("result")
    if not isinstance(result, dict):
        return "refuses", "neither a result object nor an error object"
    if negative:
        return "accepts", ""
    problems: list[Problem] = []
    compared = compare(expected, result, "", problems, [])
    if problems:
        return "differs", ", ".join(p.field for p in problems)
    return ("pass", "") if compared else ("not-expressible", "")


def attest(name: str, spec: Mapping[str, Any], cases: list[tuple[dict[str, Any], Mapping[str, Mapping[str, str]]]],
           verbose: bool = False) -> tuple[dict[str, Any], list[str]]:
    """One adapter over every case: its record entry, and the lines naming its disagreements."""
    command = spec["exec"].replace("{python}", shlex.quote(sys.executable))
    needs = spec.get("needs")
    if needs and not (ROOT / needs).exists():
        raise UsageError(f"{name}: {needs} is missing ({spec.get('install', 'install it first')})")
    features = sorted({t for case, _ in cases for t in case.get("features", ())})
    hello = {"id": HELLO, "op": HELLO, "input": {"protocol": PROTOCOL, "features": features,
                                                 "ops": ["personal_sign", "typed_data"]}}
    with ExecTarget(command, timeout=float(spec.get("timeout", DEFAULT_TIMEOUT)), cwd=str(ROOT)) as target:
        try:
            declaration = parse_hello(target.handle(hello))
        except (AdapterFailure, TargetUnusable) as exc:
            raise UsageError(f"{name}: the adapter cannot be used: {exc}") from None
        if declaration.name != name:
            raise UsageError(f"{name}: the adapter names itself {declaration.name!r} in its handshake; "
                             f"its entry in {REGISTRY.relative_to(ROOT)} must have that name")
        verdicts: dict[str, str] = {}
        failures: list[str] = []
        known = ExpectedFailures.load(ROOT / spec["expect_failures"]) if spec.get("expect_failures") else None
        for case, keys in cases:
            status, note = judge(case, keys, target, declaration)
            verdicts[case["id"]] = attestations.verdict(status, case, note)
            expected = known.match(case["id"]) if known is not None and case.get("error") is None else None
            if case.get("error") is None and status in ("differs", "refuses"):
                if expected is None:
                    failures.append(f"FAIL {case['id']} [{name}] {status}: {note}")
            elif expected is not None and status == "pass":
                failures.append(f"XPASS {case['id']} [{name}] passes; remove it from {spec['expect_failures']}")
            elif verbose:
                print(f"{status:<16} {case['id']} [{name}]{' ' + note if note else ''}")
    entry = {"version": declaration.version, "language": spec["language"], "api": spec["api"],
             **({"role": spec["role"]} if "role" in spec else {}),
             "recorder": RECORDER, "runtime": f"python {platform.python_version()}",
             "unsupported": sorted(declaration.unsupported), "cases": verdicts}
    return entry, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--record", action="store_true", help="replace these adapters' entries in the record")
    mode.add_argument("--check", action="store_true", help="exit 1 when the record is not what this run gives")
    mode.add_argument("--list", action="store_true", help="list the adapters of the registry and exit")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="run only this adapter (repeatable)")
    parser.add_argument("--skip-missing", action="store_true",
                        help="skip (and name) an adapter whose 'needs' is not installed, instead of stopping (CI, "
                             "where tools/others may not be installable)")
    parser.add_argument("--file", type=Path, default=RECORD, help="the record (default: vectors/attestations.json)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every verdict")
    args = parser.parse_args(argv)
    registry: dict[str, Any] = json.loads(REGISTRY.read_text(encoding="utf-8"))
    if args.list:
        for name, spec in registry.items():
            print(f"{name:<16} {spec['language']:<12} {spec['exec']}")
        return 0
    try:
        unknown = [n for n in args.only if n not in registry]
        if unknown:
            raise UsageError(f"--only: no adapter {', '.join(unknown)} in {REGISTRY.relative_to(ROOT)}; "
                             f"one of: {', '.join(registry)}")
        chosen = {n: registry[n] for n in (args.only or registry)}
        if args.skip_missing:
            for name, spec in list(chosen.items()):
                if spec.get("needs") and not (ROOT / spec["needs"]).exists():
                    print(f"SKIPPED {name}: {spec['needs']} is not installed ({spec.get('install', '')})")
                    del chosen[name]
        cases = probed_cases()
        entries: dict[str, Any] = {}
        failed = False
        for name, spec in chosen.items():
            entry, failures = attest(name, spec, cases, args.verbose)
            entries[name] = entry
            for line in failures:
                print(line)
            failed = failed or bool(failures)
            totals = attestations.counts(entry)
            print(f"{name}@{entry['version']:<28} " + "  ".join(f"{k} {v}" for k, v in totals.items()))
        record = attestations.load(args.file)
        if args.record:
            attestations.write(args.file, attestations.merge(record, entries))
            print(f"attest_exec: recorded {', '.join(entries)} in {args.file}")
        if args.check:
            stale = attestations.differences(record, entries)
            for line in stale:
                print(f"STALE {line}")
            if stale:
                print(f"attest_exec: {args.file} is not what this run gives: python tools/attest_exec.py --record")
                failed = True
    except (UsageError, attestations.RecordError) as exc:
        print(f"attest_exec: {exc}", file=sys.stderr)
        return 2
    print("attest_exec: " + ("FAILED, see the FAIL/STALE lines above" if failed else "OK, no disagreement"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
