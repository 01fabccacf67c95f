#!/usr/bin/env python3
"""Prove that ``pip install eip712kit`` needs no compiler: every dependency has a wheel on every platform.

``python tools/check_wheels.py [--extra keys] [--extra server]`` asks pip to resolve the installed
eip712kit's base dependencies (plus the named extras) with ``--only-binary=:all:`` for CPython
3.10-3.13 on Linux (x86_64, aarch64), macOS (arm64, x86_64) and Windows (x86_64) — a dry run that
downloads metadata only — and prints one line per combination: the resolved set, or the package that
would need building. Exit 1 if any combination fails.

Environment markers are dropped (pip would evaluate them for this machine, not the target), so every
requirement must have a wheel on every platform checked — tiny-keccak included, whose marker limits
it to exactly these platforms (CPython on x86_64/AMD64, aarch64, arm64).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import requires
from pathlib import Path

PYTHONS = ("3.10", "3.11", "3.12", "3.13")
PLATFORMS: dict[str, tuple[str, ...]] = {
    # pip expands a macOS tag to the older versions it runs, but takes manylinux tags as given: list them
    "linux x86_64": ("manylinux2014_x86_64", "manylinux_2_17_x86_64", "manylinux_2_28_x86_64"),
    "linux aarch64": ("manylinux2014_aarch64", "manylinux_2_17_aarch64", "manylinux_2_28_aarch64"),
    "macOS arm64": ("macosx_14_0_arm64",),
    "macOS x86_64": ("macosx_14_0_x86_64",),
    "Windows x86_64": ("win_amd64",),
}


def requirements(extras: list[str]) -> list[str]:
    """The installed eip712kit's requirements: the base ones and those of ``extras`` (markers dropped)."""
    chosen = []
    for line in requires("eip712kit") or []:
        spec, _, marker = line.partition(";")
        extra = re.search(r"extra\s*==\s*['\"]([\w-]+)['\"]", marker)
        if extra is None or extra.group(1) in extras:
            chosen.append(spec.strip())
    expanded = []
    for spec in chosen:  # a self-reference (test = eip712kit[keys,server]) stands for those extras' requirements
        inner = re.fullmatch(r"eip712kit\[([\w,-]+)\]", spec.replace(" ", ""))
        expanded += requirements(inner.group(1).split(",")) if inner else [spec]
    return sorted(set(expanded))


def resolve(specs: list[str], python: str, platform: str) -> tuple[bool, str]:
    tags = [flag for tag in PLATFORMS[platform] for flag in ("--platform", tag)]
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed", "--no-cache-dir",
             "--only-binary=:all:", "--python-version", python, *tags, "--target",
             str(Path(tmp) / "target"), "--report", str(report), *specs],
            capture_output=True, text=True, check=False)
        if done.returncode != 0:
            reason = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
            return False, (reason[0] if reason else done.stderr.strip()[-300:])
        installed = json.loads(report.read_text())["install"]
        native = sorted(f"{item['metadata']['name']} {item['metadata']['version']}" for item in installed
                        if not item["download_info"]["url"].endswith("-none-any.whl"))
        return True, f"{len(installed)} wheels; platform-specific: {', '.join(native) or 'none'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/check_wheels.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--extra", action="append", default=[], help="also resolve this extra (repeatable)")
    args = parser.parse_args(argv)
    specs = requirements(args.extra)
    print(f"requirements: {' '.join(specs)}")
    combinations = [(python, platform) for platform in PLATFORMS for python in PYTHONS]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda combo: resolve(specs, *combo), combinations))
    for (python, platform), (ok, detail) in zip(combinations, results, strict=True):
        print(f"{'ok  ' if ok else 'FAIL'} CPython {python:<5} {platform:<15} {detail}")
    failed = sum(not ok for ok, _ in results)
    print(f"{len(results) - failed} of {len(results)} resolve from wheels alone")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
