"""Writing the files, or ``--check``: every suite built in order, then compared with or written to disk."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools import attestations

from . import __doc__ as PACKAGE_DOC
from .alura import build_alura
from .common import ATTESTATIONS, ETH_ACCOUNT, VECTORS, GenerationError, dump
from .core import build_core
from .negative import build_negative
from .renance import build_renance
from .schema import build_schema
from .sera import build_sera
from .sera_order import build_sera_order
from .suite import Suite
from .time_window import build_time_window
from .uuid_int import build_uuid_int

BUILDERS: list[tuple[str, Callable[[dict[str, Any]], Suite]]] = [
    ("core.json", build_core),
    ("negative.json", build_negative),
    ("alura.json", build_alura),
    ("sera.json", build_sera),
    ("renance.json", build_renance),
    ("uuid_int.json", build_uuid_int),
    ("sera_order.json", build_sera_order),
    ("time_window.json", build_time_window),
]


def generate(attestations: dict[str, Any]) -> dict[str, str]:
    """Every vector file's text, by file name."""
    out = {}
    for name, build in BUILDERS:
        suite = build(attestations)
        if suite.stale:
            print(f"gen_vectors: {name}: {len(suite.stale)} case(s) changed since they were attested "
                  f"(e.g. {suite.stale[0]}): record them again (docs/vectors.md, Regenerating) and generate again",
                  file=sys.stderr)
        out[name] = dump(suite.to_json())
    out["schema.json"] = json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=PACKAGE_DOC.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=VECTORS, help="directory to write (default: vectors/)")
    parser.add_argument("--attestations", type=Path, default=ATTESTATIONS,
                        help="attestation record (default: vectors/attestations.json)")
    parser.add_argument("--check", action="store_true", help="compare with --out instead of writing; exit 1 on a diff")
    args = parser.parse_args(argv)
    try:
        files = generate(attestations.load(args.attestations))
    except (GenerationError, attestations.RecordError) as exc:
        print(f"gen_vectors: {exc}", file=sys.stderr)
        return 1
    if args.check:
        stale = []
        for name, text in files.items():
            target = args.out / name
            current = target.read_text(encoding="utf-8") if target.is_file() else ""
            if current != text:
                stale.append(name)
                diff = difflib.unified_diff(current.splitlines(), text.splitlines(), f"a/{name}", f"b/{name}",
                                            lineterm="", n=1)
                print("\n".join(list(diff)[:40]), file=sys.stderr)
        if stale:
            print(f"gen_vectors: out of date: {', '.join(stale)} (run python tools/gen_vectors.py)", file=sys.stderr)
            core = args.out / "core.json"
            committed = core.read_text(encoding="utf-8") if core.is_file() else ""
            if ETH_ACCOUNT not in committed and "eth-account@" in committed:
                print(f"gen_vectors: note: the files were stamped by another eth-account version than the installed "
                      f"{ETH_ACCOUNT}; install that version to compare like with like, or commit the new stamps",
                      file=sys.stderr)
            return 1
        print(f"gen_vectors: {len(files)} files up to date")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, text in files.items():
        (args.out / name).write_text(text, encoding="utf-8")
        if name == "schema.json":
            print(f"{name}: the format's JSON Schema")
            continue
        count = text.count('\n      "id": ')
        total += count
        print(f"{name}: {count} cases")
    print(f"total: {total} cases in {len(files) - 1} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
