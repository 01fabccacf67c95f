#!/usr/bin/env python3
"""Write docs/compatibility.md (or ``--check`` it): every attested implementation × every feature tag.

    python tools/compat_matrix.py           # regenerate docs/compatibility.md
    python tools/compat_matrix.py --check   # exit 1 when it is not what the vectors and the record give

Drawn from two committed sources only, so it is deterministic and needs no node: the feature tags
of each case (``vectors/*.json``, written by the generator) and each implementation's verdict on
each case (``vectors/attestations.json``: its format and reader are ``tools/attestations.py``; the
recorders are ``node tools/node/attest.mjs --record`` and ``python tools/attest_exec.py --record``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eip712kit.base.errors import CODES  # noqa: E402
from eip712kit.conformance.features import FEATURES, REFUSAL_SUFFIX  # noqa: E402
from tools import attestations  # noqa: E402

VECTORS = ROOT / "vectors"
OUT = ROOT / "docs" / "compatibility.md"
LANGUAGE_ORDER = {"JavaScript": 0, "Rust": 1, "Python": 2, "Solidity": 3}
"""Column order: by language, then by name."""
POSITIVE = ("pass", "refuses", "differs", "not-expressible")
NEGATIVE = ("refuses", "accepts", "not-expressible")


def verdicts() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, str]], dict[str, list[str]]]:
    """(implementation -> its record entry, case id -> {implementation -> status}, case id -> tags).

    A verdict recorded on an older form of a case (its fingerprint differs) is not counted: the
    implementation shows as not-expressible there until it is recorded again.
    """
    record = attestations.load(VECTORS / "attestations.json")
    entries = record["implementations"]
    status: dict[str, dict[str, str]] = defaultdict(dict)
    tags: dict[str, list[str]] = {}
    for path in sorted(VECTORS.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc.get("cases"), list):
            continue
        for case in doc["cases"]:
            if not attestations.probed(case):
                continue
            tags[case["id"]] = case.get("features", [])
            fresh, _ = attestations.case_verdicts(record, case)
            for name, entry in entries.items():
                verdict = fresh.get(f"{name}@{entry['version']}")
                if verdict is not None:
                    status[case["id"]][name] = verdict
    return entries, status, tags


def cell(counts: dict[str, int], order: tuple[str, ...]) -> str:
    parts = [f"{counts[s]} {s}" for s in order if counts.get(s)]
    return ", ".join(parts) if parts else "–"


FINDINGS = ROOT / "tools" / "others" / "findings.json"
SHOWN_CASES = 8
"""How many case ids a classified failure lists before "and N more"."""


def _matches(finding: dict[str, Any], status: str, note: str, features: list[str]) -> bool:
    return (finding["class"] == "bug" and status in finding["statuses"] and bool(set(finding["tags"]) & set(features))
            and re.search(finding.get("note", ""), note) is not None)


def classify(name: str, entry: dict[str, Any], findings: list[dict[str, Any]], status: dict[str, dict[str, str]],
             tags: dict[str, list[str]]) -> tuple[dict[int, list[str]], dict[str, list[str]], list[str]]:
    """One library's failures by class: (bug index -> case ids, refusal tag -> accepted case ids, unclassified).

    A positive case it refused or computed otherwise is the first bug of ``findings`` whose statuses, tags
    and note (a pattern on the recorded refusal or differing fields) fit it; a negative case it accepted is
    strictness, filed under the case's error-code tag. What fits nothing is returned as unclassified.
    """
    bugs: dict[int, list[str]] = defaultdict(list)
    laxer: dict[str, list[str]] = defaultdict(list)
    unclassified: list[str] = []
    for cid, features in tags.items():
        verdict = status[cid].get(name)
        negative = any(t.endswith(REFUSAL_SUFFIX) for t in features)
        if negative and verdict == "accepts":
            codes = [t for t in features if t.endswith(REFUSAL_SUFFIX) and t.upper().replace("-", "_")[
                : -len(REFUSAL_SUFFIX)] in CODES]
            laxer[codes[0] if codes else "other"].append(cid)
        elif not negative and verdict in ("refuses", "differs"):
            _, _, note = attestations.parse_verdict(entry["cases"][cid])
            index = next((i for i, f in enumerate(findings) if _matches(f, verdict, note, features)), None)
            (unclassified.append(cid) if index is None else bugs[index].append(cid))
    return bugs, laxer, unclassified


def _listed(ids: list[str]) -> str:
    shown = ", ".join(f"`{cid}`" for cid in ids[:SHOWN_CASES])
    return shown + (f" and {len(ids) - SHOWN_CASES} more" if len(ids) > SHOWN_CASES else "")


def classified(entries: dict[str, dict[str, Any]], status: dict[str, dict[str, str]],
               tags: dict[str, list[str]]) -> list[str]:
    """The section that classifies every failure of the libraries of tools/others/findings.json."""
    libraries = json.loads(FINDINGS.read_text(encoding="utf-8"))
    lines = ["", "## Where other libraries go wrong", "",
             "Libraries tried as a signer author would try them, from docs/vectors.md alone, each behind an",
             "`--exec` adapter in `tools/others/` (its README says how to install and run them). Every case",
             "one of them does not pass is classified:", "",
             "- **bug**: a wrong digest, or a crash, on a valid document. Each comes with the smallest document",
             "  that shows it, which eip712kit, eth-account and viem hash alike (`python tools/others/findings.py`",
             "  checks that, and that the document carries the tag an adapter would declare to skip it);",
             "- **strictness**: it accepts (hashes or signs) an input the suite refuses (a negative case),",
             "  grouped by the error code eip712kit refuses it with;",
             "- **unsupported feature**: a feature it does not have, declared by its adapter (the cases are",
             "  skipped, not-expressible above), or an operation its API lacks.", "",
             "These libraries are *surveyed* (`\"role\": \"surveyed\"` in the record): their results are published",
             "here, but they do not stamp the vectors, so none of their acceptances widens what",
             "`conformance --lenient` forgives and none of their passes counts as an attestation."]
    order = sorted(libraries, key=lambda n: (LANGUAGE_ORDER.get(entries[n]["language"], 9), n) if n in entries
                   else (9, n))
    problems = []
    for name in order:
        if name not in entries:
            problems.append(f"{name} is in {FINDINGS.relative_to(ROOT)} but not in the record")
            continue
        entry, findings = entries[name], libraries[name]["findings"]
        bugs, laxer, unclassified = classify(name, entry, findings, status, tags)
        problems += [f"{name}: {cid} ({status[cid][name]}) fits no finding of {FINDINGS.relative_to(ROOT)}"
                     for cid in unclassified]
        positive = [cid for cid, ts in tags.items() if not any(t.endswith(REFUSAL_SUFFIX) for t in ts)]
        declared = [cid for cid in positive if status[cid].get(name, "not-expressible") == "not-expressible"]
        passed = sum(1 for cid in positive if status[cid].get(name) == "pass")
        lines += ["", f"### {name} {entry['version']} ({entry['language']})", "", libraries[name]["about"], "",
                  f"Positive cases: {passed} pass, {sum(map(len, bugs.values()))} fail by a bug, {len(declared)} "
                  f"not expressible. Negative cases: {sum(map(len, laxer.values()))} accepted (strictness).", ""]
        for index, finding in enumerate(findings):
            if finding["class"] == "bug":
                ids = bugs.get(index, [])
                tagged = ", ".join(f"`{t}`" for t in finding["tags"])
                lines += [f"- **bug** ({len(ids)} case{'s' if len(ids) != 1 else ''}: {_listed(ids) or 'none now'}): "
                          f"{finding['title']}. Tags: {tagged}. Smallest document:",
                          "", "  ```json", "  " + json.dumps(finding["document"], ensure_ascii=False), "  ```", "",
                          f"  eip712kit, eth-account and viem: digest `{finding['expected']}`; "
                          f"{name}: {_answer(finding['got'])}."]
            else:
                lines.append(f"- **unsupported feature** ({', '.join(f'`{t}`' for t in finding['tags'])}, declared): "
                             f"{finding['title']}.")
        lacking = [op for op in ("typed_data", "personal_sign") if op not in _ops(name, status)]
        if lacking:
            lines.append(f"- **unsupported feature** (no {' and no '.join(lacking)} in its API).")
        for tag, ids in sorted(laxer.items()):
            lines.append(f"- **strictness** (`{tag}`, {len(ids)}): accepts {_listed(ids)}.")
    if problems:
        raise SystemExit("compat_matrix: unclassified failures:\n  " + "\n  ".join(problems))
    return lines


def _answer(got: str) -> str:
    if not got.startswith("refuses"):
        return f"digest `{got}`"
    said = got.removeprefix("refuses: ")
    return f"refuses ({said[:100]}{'…' if len(said) > 100 else ''})"


def _ops(name: str, status: dict[str, dict[str, str]]) -> set[str]:
    """The ops an implementation answered at least one case of (the record keeps verdicts, not its op list)."""
    kinds = {case["id"]: case["kind"] for path in sorted(VECTORS.glob("*.json"))
             for case in json.loads(path.read_text(encoding="utf-8")).get("cases", [])
             if isinstance(case, dict)}
    return {"personal_sign" if kinds.get(cid) == "personal_sign" else "typed_data"
            for cid, by in status.items() if by.get(name, "not-expressible") != "not-expressible"}


def render() -> str:
    entries, status, tags = verdicts()
    impls = sorted(entries, key=lambda i: (LANGUAGE_ORDER.get(entries[i]["language"], len(LANGUAGE_ORDER)),
                                           entries[i]["language"], i.lstrip("@")))
    negative = {cid for cid, ts in tags.items() if any(t.endswith(REFUSAL_SUFFIX) for t in ts)}
    all_tags = sorted({t for ts in tags.values() for t in ts}, key=lambda t: (t.endswith(REFUSAL_SUFFIX), t))
    lines = [
        "# Compatibility matrix",
        "",
        "Generated by `python tools/compat_matrix.py` from the vectors' feature tags and the attestation record",
        "(`vectors/attestations.json`, written by `node tools/node/attest.mjs --record` and",
        "`python tools/attest_exec.py --record`); a test checks it is up to date. Do not edit by hand.",
        "",
        "Each cell counts the golden cases carrying that feature tag (typed_data, personal_sign and the typed data",
        "of sera_order) by what the implementation did with them, through its ordinary public API:",
        "",
        "- **pass**: it computed every value it exposes, equal to the vector's;",
        "- **refuses**: on a positive case, it threw on a valid input; on a negative case (a `…-refusal` tag), it",
        "  refused the input, as it must;",
        "- **accepts**: on a negative case, it signed an input eip712kit refuses (laxer, recorded in `accepted_by`);",
        "- **differs**: it computed another value (a disagreement: each one is classified below);",
        "- **not-expressible**: the case carries a tag the implementation declares unsupported (its adapter's",
        "  handshake), or its API exposes none of the values.",
        "",
        "| implementation | version | language | what is called | recorded by |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [f"| {impl} | {entries[impl]['version']} | {entries[impl]['language']} | {entries[impl]['api']} | "
              f"`{entries[impl]['recorder']}` |" for impl in impls]
    lines += [
        "",
        "The `evm` column is the EVM itself: for each case, `eip712kit solidity --check-contract` compiled by",
        "solc-js and deployed on anvil returns the domain separator, struct hash and digest, and `ecrecover`s",
        "the case's signature (personal_sign: a contract that writes the message length in decimal on-chain).",
        "It hashes eip712kit's `encodeType` strings; every encoding and hash from there on is the EVM's. It parses",
        "no document, so a negative case is not its to refuse (not-expressible).",
        "",
        "## Declared limits",
        "",
        "Feature tags each implementation declares it cannot handle (its adapter's handshake; the reasons are in",
        "its `tools/node/impls/*.mjs` or adapter), and how many `…-refusal` tags it declares: strictness it lacks",
        "(for the EVM: refusals that are not its to make). A declared case is never sent by the conformance",
        "runner; the recorders still probe a negative one, to record whether it refuses or accepts it.",
        "",
        "| implementation | declared | `…-refusal` tags declared |",
        "| --- | --- | --- |",
    ]
    for impl in impls:
        declared = entries[impl].get("unsupported", [])
        structural = [f"`{t}`" for t in declared if not t.endswith(REFUSAL_SUFFIX)]
        lacks = sum(1 for t in declared if t.endswith(REFUSAL_SUFFIX))
        lines.append(f"| {impl} | {', '.join(structural) or '–'} | {lacks or '–'} |")
    lines += ["", "## Totals", "", "| implementation | positive cases | negative cases |", "| --- | --- | --- |"]
    for impl in impls:
        pos: dict[str, int] = defaultdict(int)
        neg: dict[str, int] = defaultdict(int)
        for cid in tags:
            verdict = status[cid].get(impl, "not-expressible")
            (neg if cid in negative else pos)[verdict] += 1
        lines.append(f"| {impl} | {cell(pos, POSITIVE)} | {cell(neg, NEGATIVE)} |")
    lines += classified(entries, status, tags)
    lines += ["", "## By feature tag", "",
              "Tag meanings are in [docs/vectors.md](vectors.md#feature-tags).", "",
              "| tag | cases | " + " | ".join(impls) + " |",
              "| --- | ---: | " + " | ".join("---" for _ in impls) + " |"]
    for tag in all_tags:
        ids = [cid for cid, ts in tags.items() if tag in ts]
        row = []
        for impl in impls:
            counts: dict[str, int] = defaultdict(int)
            for cid in ids:
                counts[status[cid].get(impl, "not-expressible")] += 1
            row.append(cell(counts, ("pass", "refuses", "accepts", "differs", "not-expressible")))
        name = f"`{tag}`" if tag in FEATURES or tag.endswith(REFUSAL_SUFFIX) else tag
        lines.append(f"| {name} | {len(ids)} | " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/compatibility.md is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.is_file() else ""
        if current != text:
            print("compat_matrix: docs/compatibility.md is out of date (run python tools/compat_matrix.py)",
                  file=sys.stderr)
            return 1
        print("compat_matrix: docs/compatibility.md up to date")
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"compat_matrix: wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
