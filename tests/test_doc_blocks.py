"""Every fenced code block of README.md and docs/*.md runs as written, where it says it runs.

A rule change that breaks an example breaks the build: ``python`` blocks run in a subprocess,
``sh`` blocks in bash (each line's exit checked), ``console`` blocks too (the output they show must
appear), from the directory their first line names — anywhere (an empty directory), or a clone's
root (a directory that holds the repository's files, so what a block writes stays out of the work
tree). A block that cannot run offline here says ``Not run by the tests:`` and why; ``json`` blocks
must parse. The conventions are in :mod:`tests.helpers.doc_blocks`.

Blocks that talk to ``eip712kit serve --port 8712`` get one shared verifier, on a free port the block's
text is pointed at; a block that starts its own server in the background (``… &``) gets a free port of
its own, waited for before its next line, and stopped at its end.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.cli_runner import clean_env
from tests.helpers.devkeys import DEV_KEY
from tests.helpers.doc_blocks import (
    DATA_LANGUAGES,
    DOCUMENTED_PORT,
    MARKED_LANGUAGES,
    ROOT,
    RUN_LANGUAGES,
    CodeBlock,
    Command,
    all_blocks,
)
from tests.helpers.verifier_process import VerifierProcess

BLOCKS = all_blocks()
RUNNABLE = [b for b in BLOCKS if b.language in RUN_LANGUAGES and b.place is not None and b.skip_reason is None]
PYTHON = [b for b in RUNNABLE if b.language == "python"]
SHELL = [b for b in RUNNABLE if b.language in ("sh", "console")]
README_SHELL = [b for b in SHELL if b.document == "README.md"]
DOCS_SHELL = [b for b in SHELL if b.document != "README.md"]
TOOLS = ("jq", "curl")  # a block that uses one is skipped, saying so, where it is not installed
LEFT_OUT = {".git", ".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", "node_modules"}


def test_every_block_says_what_it_is() -> None:
    problems = []
    for block in BLOCKS:
        if block.language in DATA_LANGUAGES:
            continue
        if block.language not in RUN_LANGUAGES | MARKED_LANGUAGES:
            problems.append(f"{block.id}: ```{block.language}: name the language (python, sh, console, json, "
                            f"{', '.join(sorted(MARKED_LANGUAGES))}) or text for output and diagrams")
        elif block.skip_reason is None and (block.language in MARKED_LANGUAGES or block.place is None):
            problems.append(f"{block.id}: the first line says where it runs ('# Runs anywhere', '# Runs in a "
                            "clone, from its root') or why it cannot ('# Not run by the tests: …')")
        elif block.skip_reason is not None and len(block.skip_reason) < 10:
            problems.append(f"{block.id}: say why it is not run")
    assert problems == [], "\n".join(problems)


def test_the_docs_have_blocks_of_every_kind_that_run() -> None:
    assert {b.language for b in RUNNABLE} == {"python", "sh", "console"}
    assert {b.document for b in RUNNABLE} >= {"README.md", "cli.md", "doctor.md"}
    assert len(RUNNABLE) >= 15


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.language == "json"], ids=lambda b: b.id)
def test_a_json_block_parses(block: CodeBlock) -> None:
    text = block.source.strip()
    try:
        json.loads(text)
    except ValueError:
        for line in text.splitlines():  # JSON lines
            json.loads(line)


def test_the_conventions_are_read_as_meant(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```sh\n# Runs anywhere\neip712kit verify a b c   # exit 1 when invalid\neip712kit x \\\n"
                    "    --y\n#   shown output (exit 3)\n```\n```console\n# Not run by the tests: a live host\n"
                    "$ eip712kit a\nout\n...\n```\n")
    from tests.helpers.doc_blocks import code_blocks

    sh, console = code_blocks(page)
    assert (sh.place, console.skip_reason) == ("anywhere", "a live host")
    assert [(c.line, c.exit_code) for c in sh.commands()] == [(3, 1), (4, 3)]
    assert [(c.text, c.shown) for c in console.commands()] == [("eip712kit a", ["out", "..."])]
    assert missing_output(["a", "...", "c in 5 ms"], "a\nb\nc in 12 ms\n") is None  # a cut; times vary
    assert missing_output(["c", "a"], "a\nc\n") == "a"  # in order
    assert missing_output(["0x…", "d"], "d\n") is None  # a line with an ellipsis is not compared


# --- running them ---------------------------------------------------------------------------------

@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A clone's root for one block: the repository's files, linked, in a directory of its own."""
    where = tmp_path / "clone"
    where.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in LEFT_OUT:
            (where / entry.name).symlink_to(entry)
    return where


def directory(block: CodeBlock, clone: Path, tmp_path: Path) -> Path:
    if block.place == "clone":
        return clone
    anywhere = tmp_path / "anywhere"
    anywhere.mkdir()
    return anywhere


def environment(block: CodeBlock) -> dict[str, str]:
    env = clean_env(PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    env.pop("PYTHONPATH", None)
    if block.needs_key:
        env["EIP712KIT_PRIVATE_KEY"] = DEV_KEY  # PUBLIC development key
    return env


def skip_without_tools(block: CodeBlock) -> None:
    for tool in TOOLS:
        if re.search(rf"(^|[\s|(]){tool}\s", block.source) and shutil.which(tool) is None:
            pytest.skip(f"{block.id} uses {tool}, which is not installed here")


class TestPythonBlocks:
    @pytest.mark.parametrize("block", PYTHON, ids=lambda b: b.id)
    def test_runs_as_written(self, block: CodeBlock, clone: Path, tmp_path: Path) -> None:
        done = subprocess.run([sys.executable, "-"], input=block.source, cwd=directory(block, clone, tmp_path),
                              capture_output=True, text=True, env=environment(block), timeout=180)
        assert done.returncode == 0, f"{block.id} ({block.place}):\n{done.stdout[-2000:]}{done.stderr[-4000:]}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def starts_a_server(command: Command) -> bool:
    return bool(re.match(r"eip712kit serve\b.*&$", command.text.split(" # ")[0].strip()))


def script(block: CodeBlock, port: int, outputs: Path) -> str:
    """The block as a bash script: each command as written, its exit checked, its output kept."""
    lines = ["trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null' EXIT"]
    for index, command in enumerate(block.commands()):
        text = command.text.replace(f"127.0.0.1:{DOCUMENTED_PORT}", f"127.0.0.1:{port}").replace(
            f"--port {DOCUMENTED_PORT}", f"--port {port}")
        log = shlex.quote(str(outputs / str(index)))
        lines += ["{ " + text, "} > " + log + " 2>&1", "__rc=$?"]
        if command.exit_code is None:  # console: a verdict may be 1; the output is checked afterwards
            check, expected = "[ $__rc -gt 1 ]", "0 or 1"
        else:
            check, expected = f"[ $__rc -ne {command.exit_code} ]", str(command.exit_code)
        where = shlex.quote(f"{block.document}:{command.line}")
        lines.append(f"if {check}; then echo {where}: exit $__rc, expected {expected} >&2; cat {log} >&2; "
                     "exit 97; fi")
        if starts_a_server(command):
            lines.append(f"for __i in $(seq 300); do (echo > /dev/tcp/127.0.0.1/{port}) 2>/dev/null && break; "
                         "sleep 0.1; done")
        lines.append("(exit $__rc)")  # $? as the block's next line expects it (`echo $?`)
    return "\n".join([*lines, "exit 0"]) + "\n"


NUMBER_OF_MS = re.compile(r"\b\d+ ms\b")


def normalized(line: str) -> str:
    return NUMBER_OF_MS.sub("N ms", line.rstrip())


def missing_output(shown: list[str], actual: str) -> str | None:
    """The first line the page shows that the command did not print (in order; ``...`` marks a cut)."""
    printed = [normalized(line) for line in actual.splitlines()]
    position = 0
    for line in shown:
        if line.strip() in ("...", "…") or "…" in line:
            continue
        wanted = normalized(line)
        while position < len(printed) and printed[position] != wanted:
            position += 1
        if position == len(printed):
            return line
        position += 1
    return None


@pytest.fixture(scope="class")
def shared_verifier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VerifierProcess]:
    with VerifierProcess(tmp_path_factory.mktemp("verifier") / "state.sqlite3") as process:
        yield process


def run_shell_block(block: CodeBlock, clone: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    skip_without_tools(block)
    commands = block.commands()
    if any(starts_a_server(c) for c in commands):
        port = free_port()
    elif block.needs_server:
        verifier: VerifierProcess = request.getfixturevalue("shared_verifier")
        port = int(verifier.api.rsplit(":", 1)[1].split("/", 1)[0])
    else:
        port = int(DOCUMENTED_PORT)
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    done = subprocess.run(["bash", "-c", script(block, port, outputs)], cwd=directory(block, clone, tmp_path),
                          capture_output=True, text=True, env=environment(block), timeout=300)
    assert done.returncode == 0, f"{block.id} ({block.place}):\n{done.stdout[-2000:]}{done.stderr[-4000:]}"
    for index, command in enumerate(commands):
        if command.shown:
            printed = (outputs / str(index)).read_text()
            missing = missing_output(command.shown, printed)
            assert missing is None, (f"{block.document}:{command.line}: the page shows\n  {missing}\n"
                                     f"which the command did not print:\n{printed[-3000:]}")


# Two classes, so that xdist (--dist loadscope) runs the README's blocks and the other pages' side by side.

class TestReadmeShellBlocks:
    @pytest.mark.parametrize("block", README_SHELL, ids=lambda b: b.id)
    def test_runs_as_written(self, block: CodeBlock, clone: Path, tmp_path: Path,
                             request: pytest.FixtureRequest) -> None:
        run_shell_block(block, clone, tmp_path, request)


class TestDocsShellBlocks:
    @pytest.mark.parametrize("block", DOCS_SHELL, ids=lambda b: b.id)
    def test_runs_as_written(self, block: CodeBlock, clone: Path, tmp_path: Path,
                             request: pytest.FixtureRequest) -> None:
        run_shell_block(block, clone, tmp_path, request)
