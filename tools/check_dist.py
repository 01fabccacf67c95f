#!/usr/bin/env python3
"""Check what ``python -m build`` wrote: an sdist and a wheel that an outsider can install and run.

    python -m build --outdir dist/ . && twine check --strict dist/* && python tools/check_dist.py dist/

``twine check`` reads the metadata (name, version, README as the long description); this reads the
contents. The wheel must carry everything ``pip install eip712kit-*.whl`` users run: the golden
vectors as package data, byte for byte the committed ``vectors/*.json`` (``eip712kit/vectors`` is a
symbolic link in the source tree, and a build that dropped it would install a runner with nothing to
run), the ``eip712kit`` command, the pytest plugin's entry point, ``py.typed`` and the server's static
files. The sdist must carry the same vectors and ``pyproject.toml``, so a wheel built from it is the
same. Exit 0 when all is there, 1 with one line per thing missing.
"""

from __future__ import annotations

import argparse
import sys
import tarfile
import zipfile
from configparser import ConfigParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WHEEL_NEEDS = ("eip712kit/py.typed", "eip712kit/server/static/debug/index.html")


def _vectors() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((ROOT / "vectors").glob("*.json"))}


def check_wheel(path: Path) -> list[str]:
    problems: list[str] = []
    with zipfile.ZipFile(path) as wheel:
        names = set(wheel.namelist())
        for name, content in _vectors().items():
            member = f"eip712kit/vectors/{name}"
            if member not in names:
                problems.append(f"{path.name}: {member} is missing")
            elif wheel.read(member) != content:
                problems.append(f"{path.name}: {member} differs from vectors/{name}")
        problems += [f"{path.name}: {need} is missing" for need in WHEEL_NEEDS if need not in names]
        entry_points = next((n for n in names if n.endswith(".dist-info/entry_points.txt")), None)
        if entry_points is None:
            return [*problems, f"{path.name}: no entry_points.txt"]
        parser = ConfigParser()
        parser.read_string(wheel.read(entry_points).decode("utf-8"))
        if parser.get("console_scripts", "eip712kit", fallback="") != "eip712kit.cli:main":
            problems.append(f"{path.name}: the eip712kit command is not declared")
        if parser.get("pytest11", "eip712kit", fallback="") != "eip712kit.conformance.pytest_plugin":
            problems.append(f"{path.name}: the pytest plugin (pytest11) is not declared")
    return problems


def check_sdist(path: Path) -> list[str]:
    problems: list[str] = []
    with tarfile.open(path) as sdist:
        members = {m.name.split("/", 1)[1]: m for m in sdist.getmembers() if "/" in m.name}
        if "pyproject.toml" not in members:
            problems.append(f"{path.name}: pyproject.toml is missing")
        for name, content in _vectors().items():
            member = members.get(f"eip712kit/vectors/{name}")
            handle = sdist.extractfile(member) if member is not None and member.isfile() else None
            if handle is None:
                problems.append(f"{path.name}: eip712kit/vectors/{name} is missing")
            elif handle.read() != content:
                problems.append(f"{path.name}: eip712kit/vectors/{name} differs from vectors/{name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("dist", type=Path, help="the directory python -m build wrote to")
    args = parser.parse_args(argv)
    wheels, sdists = sorted(args.dist.glob("*.whl")), sorted(args.dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"check_dist: expected one wheel and one sdist in {args.dist}, found {len(wheels)} and {len(sdists)}",
              file=sys.stderr)
        return 1
    problems = check_wheel(wheels[0]) + check_sdist(sdists[0])
    for problem in problems:
        print(f"check_dist: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_dist: {wheels[0].name} and {sdists[0].name} carry the {len(_vectors())} vector files, "
          "the command and the pytest plugin")
    return 0


if __name__ == "__main__":
    sys.exit(main())
