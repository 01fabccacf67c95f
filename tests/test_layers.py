"""Imports only go down: the layer table in docs/design.md, held against every import in the package.

The table is the single statement of the rule; this test reads it, maps every module of
``eip712kit`` to its layer, and fails on an import that reaches a higher layer, on a module the
table does not place, and on the two extra rules stated under the table.
"""

from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "eip712kit"
DESIGN = ROOT / "docs" / "design.md"


def layer_table() -> list[tuple[str, list[str]]]:
    """``[(layer, [module or package/ names])]`` from the table under '## Layers', lowest first."""
    text = DESIGN.read_text(encoding="utf-8").split("## Layers", 1)[1]
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("layer", "---") and "`" in cells[1]:
            rows.append((cells[0], re.findall(r"`([^`]+)`", cells[1])))
        elif rows and not line.startswith("|"):
            break
    return rows


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str, table: list[tuple[str, list[str]]]) -> int | None:
    rest = module[len("eip712kit"):].lstrip(".").replace(".", "/")
    for rank, (_layer, names) in enumerate(table):
        for name in names:
            if name == "__init__" and rest == "":
                return rank
            if name.endswith("/") and (rest + "/").startswith(name):
                return rank
            if rest == name:
                return rank
    return None


def imports_of(path: Path, module: str) -> list[tuple[int, str]]:
    """Every eip712kit module ``path`` imports (at any depth, lazily or not), with the line."""
    return imports_in(path.read_text(encoding="utf-8"), module, is_package=path.name == "__init__.py")


def imports_in(source: str, module: str, *, is_package: bool = False) -> list[tuple[int, str]]:
    package = module if is_package else module.rpartition(".")[0]
    known = modules()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("eip712kit")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base = ".".join(base_parts[: len(base_parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if not target.startswith("eip712kit"):
                continue
            for alias in node.names:  # ``from . import uuid_int`` imports a module, not the package
                candidate = f"{target}.{alias.name}"
                found.append((node.lineno, candidate if candidate in known else target))
    return found


def test_every_module_is_in_the_layer_table() -> None:
    table = layer_table()
    assert [layer for layer, _ in table] == ["base", "core", "protocols", "tools", "interfaces", "kept paths"]
    unplaced = [name for name in modules() if layer_of(name, table) is None]
    assert unplaced == [], f"place these in docs/design.md's layer table: {unplaced}"


def test_imports_only_go_down() -> None:
    table = layer_table()
    upward = []
    for name, path in modules().items():
        mine = layer_of(name, table)
        assert mine is not None
        for line, target in imports_of(path, name):
            theirs = layer_of(target, table)
            if theirs is not None and theirs > mine:
                where = f"{path.relative_to(ROOT)}:{line}"
                upward.append(f"{where} ({table[mine][0]}) imports {target} ({table[theirs][0]})")
    assert upward == [], "imports that reach a higher layer:\n" + "\n".join(upward)


def test_the_server_is_imported_only_by_the_commands_that_serve() -> None:
    allowed = {"eip712kit.cli.serve", "eip712kit.cli.debug"}
    users = sorted({name for name, path in modules().items() if not name.startswith("eip712kit.server")
                    for _line, target in imports_of(path, name) if target.startswith("eip712kit.server")})
    assert set(users) <= allowed, users


@pytest.mark.parametrize("heavy", ["eip712kit.doctor", "eip712kit.client", "eip712kit.cli", "eip712kit.server",
                                   "eip712kit.conformance", "httpx", "starlette", "eth_abi", "eth_account",
                                   "eth_keyfile", "eip712kit.core.interop"])
def test_import_eip712kit_stays_light(heavy: str) -> None:
    code = f"import sys, eip712kit; sys.exit(1 if {heavy!r} in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0, f"import eip712kit imports {heavy}"


def test_the_checker_sees_an_upward_import() -> None:
    """The rule can fail: a base module importing the CLI, lazily inside a function, is found."""
    table = layer_table()
    source = "def later():\n    from ..cli import main\n    from ..protocols.sera import uuid_int\n"
    found = [target for _line, target in imports_in(source, "eip712kit.base.limits")]
    assert found == ["eip712kit.cli", "eip712kit.protocols.sera.uuid_int"]
    assert layer_of("eip712kit.cli", table) == 4 and layer_of("eip712kit.base.limits", table) == 0
    assert layer_of("eip712kit.protocols.sera.uuid_int", table) == 2


def test_the_root_holds_only_the_public_surface_and_kept_paths() -> None:
    """Every layer is a folder: a module at the package root is ``__init__``, ``__main__`` or a kept import
    path, which is its real module under another name (the same object, so a patch of one is a patch of both)."""
    kept = dict(layer_table())["kept paths"]
    at_root = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert at_root == sorted(["__init__", "__main__", *kept])
    for name in kept:
        code = (f"import importlib, eip712kit.{name} as kept; "
                f"real = importlib.import_module(kept.__name__); "
                f"assert kept is real and kept.__name__ != 'eip712kit.{name}', kept.__name__")
        assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0, name
