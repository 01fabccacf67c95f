"""Every file a documented command uses ships in ``examples/``, and the documented commands that use one run.

Reads the fenced shell and console blocks of README.md and docs/*.md. A file named in a command must
exist in the repository (``examples/…``, ``vectors/…``, ``tools/…``) or be made by the command itself
or an earlier line of the same page (``> out.json``, ``--db``, ``--junit``). Then every ``eip712kit``
command that names an ``examples/`` file and has no placeholder in it is run as written, in the
repository, with what the block exports (the PUBLIC development key) and assigns (``SIG=…``,
``SIG=$(eip712kit sign …)``): it must succeed or give a verdict (exit 0 or 1), and where a console
block shows its output, the first line must be what the command prints.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers.cli_runner import COMMAND, clean_env
from tests.helpers.examples import EXAMPLES

ROOT = EXAMPLES.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FILE_NAME = re.compile(r"(?<![\w/:.-])((?:\.\./|[\w-]+/)*[\w.-]+\.(?:json|jsonl|txt|xml|sqlite3|csv))(?![\w/])")
OUTPUT_OPTIONS = ("--db", "--junit", "--junitxml", "--record", "-o", "--output", "--write-baseline",
                  "--eip712kit-write-baseline")
PLACEHOLDER = re.compile(r"…|\.\.\.|\b0x[A-Z]+\b|<[^>]*>|\bURL\b|\bFILE\b")
NOT_RUN = {"serve", "debug", "check"}  # servers that run until stopped, and checks of live servers


@dataclass
class Line:
    """One documented command (continuations joined), where it is, and the output the block shows for it."""

    document: str
    number: int
    text: str
    shown: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.document}:{self.number}: {self.text}"


@dataclass
class Block:
    language: str
    lines: list[Line]


def blocks(path: Path) -> list[Block]:
    """The shell and console blocks of a markdown file, each as its command lines."""
    found: list[Block] = []
    language: str | None = None
    current: list[Line] = []
    pending = ""
    start = 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("```"):
            if language is None:
                language, current = stripped[3:].strip() or "sh", []
            else:
                if language in ("sh", "bash", "shell", "console"):
                    found.append(Block(language, current))
                language = None
            continue
        if language not in ("sh", "bash", "shell", "console"):
            continue
        if stripped.startswith("$ "):
            language = "console"  # prompts: the lines without one are the output shown
        if language == "console" and not pending and not stripped.startswith("$ "):
            if current and stripped and not stripped.startswith("#"):
                current[-1].shown.append(raw)
            continue
        text = stripped[2:] if language == "console" and not pending else stripped
        if not pending:
            start = number
        if text.endswith("\\"):
            pending += text[:-1] + " "
            continue
        text, pending = pending + text, ""
        if text and not text.startswith("#"):
            current.append(Line(path.name, start, text))
    return found


def words(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=True)
    except ValueError:  # an unbalanced quote in prose-like shell: judged by its raw text only
        return text.split()


def lines() -> list[tuple[Block, Line]]:
    return [(block, line) for path in DOCUMENTS for block in blocks(path) for line in block.lines]


def outputs_of(text: str) -> set[str]:
    """Files a command line makes: redirected output and the output options' values."""
    made = set(re.findall(r">\s*([\w./-]+)", text))
    tokens = words(text)
    made |= {tokens[i + 1] for i, token in enumerate(tokens[:-1]) if token in OUTPUT_OPTIONS}
    made |= {token.split("=", 1)[1] for token in tokens if token.split("=", 1)[0] in OUTPUT_OPTIONS and "=" in token}
    return made


def directories_of(text: str) -> list[Path]:
    """Where the line's relative names are resolved: the repository, and any directory it ``cd``s into."""
    return [ROOT, *(ROOT / d for d in re.findall(r"\bcd\s+([\w./-]+)", text))]


def test_every_file_a_documented_command_names_exists() -> None:
    missing = []
    for path in DOCUMENTS:
        made: set[str] = set()  # made by an earlier line of the same page
        for block in blocks(path):
            for line in block.lines:
                made |= outputs_of(line.text)
                for name in FILE_NAME.findall(line.text.split(" #", 1)[0]):
                    if name in made or any((base / name).exists() for base in directories_of(line.text)):
                        continue
                    missing.append(f"{line.where}\n    {name}: ship it in examples/ and name it examples/{name}")
    assert missing == [], "\n".join(missing)


def test_the_checker_finds_a_missing_file(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```sh\neip712kit hash nowhere.json > out.json\neip712kit hash out.json\n```\n")
    line = blocks(page)[0].lines[0]
    assert FILE_NAME.findall(line.text) == ["nowhere.json", "out.json"] and outputs_of(line.text) == {"out.json"}
    assert not (ROOT / "nowhere.json").exists()


@pytest.mark.parametrize("path", sorted(p for p in EXAMPLES.iterdir() if p.is_file()), ids=lambda p: p.name)
def test_every_example_parses(path: Path) -> None:
    from eip712kit import TypedData

    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        value = json.loads(text)
        if "types" in value:
            TypedData(value)
    elif path.suffix == ".jsonl":
        documents = [line for line in text.splitlines() if line.strip()]
        assert documents and all(TypedData(line).digest() for line in documents)
    elif path.suffix == ".py":
        compile(text, str(path), "exec")
    elif path.name == "known-bugs.txt":
        from eip712kit.conformance.runner import ExpectedFailures

        assert ExpectedFailures.parse(text, path.name).entries
    else:
        assert path.suffix == ".md", f"{path.name}: a new kind of example needs a check here"


def runnable() -> list[tuple[Block, Line]]:
    chosen = []
    for block, line in lines():
        tokens = words(line.text)
        program = tokens[0].split("=", 1)[-1].removeprefix("$(") if tokens else ""
        if program != "eip712kit" or "examples/" not in line.text or PLACEHOLDER.search(line.text.split(" #")[0]):
            continue
        if re.search(r"[|>&;]|\s<(?!\s*examples/)", line.text.split(" #")[0]):
            continue
        subcommand = tokens[1] if len(tokens) > 1 else ""
        if subcommand in NOT_RUN or "--api" in tokens or "--exec" in tokens:
            continue
        chosen.append((block, line))
    return chosen


def environment(block: Block, upto: Line) -> dict[str, str]:
    """What the block exports and assigns before ``upto``, evaluated as a shell would."""
    env = clean_env()
    for line in block.lines:
        if line is upto:
            break
        match = re.fullmatch(r"(?:export\s+)?([A-Z_][A-Z0-9_]*)=(.*)", line.text.split(" #")[0].strip())
        if not match:
            continue
        name, value = match.groups()
        inner = re.fullmatch(r"\$\((eip712kit .*)\)", value)
        if inner:
            done = run_line(inner.group(1), env)
            assert done.returncode == 0, f"{line.where}\n{done.stderr}"
            value = done.stdout.strip()
        env[name] = value
    return env


def run_line(text: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``eip712kit …`` as the shell would run it: ``$NAME`` from ``env``, ``< file`` as stdin."""
    source = re.search(r"\s<\s*(\S+)", text)
    command = text[: source.start()] if source else text
    argv = [re.sub(r"\$([A-Z_][A-Z0-9_]*)", lambda m: env.get(m.group(1), m.group(0)), token)
            for token in words(command)]
    with (ROOT / source.group(1)).open("rb") if source else open(os.devnull, "rb") as stdin:
        return subprocess.run([*COMMAND, *argv[1:]], stdin=stdin, capture_output=True, text=True, env=env,
                              cwd=ROOT, timeout=300)


RUNNABLE = runnable()


def test_the_docs_have_runnable_example_commands() -> None:
    documents = {line.document for _, line in RUNNABLE}
    assert {"README.md", "cli.md"} <= documents, documents


@pytest.mark.parametrize(("block", "line"), RUNNABLE, ids=[f"{line.document}:{line.number}" for _, line in RUNNABLE])
def test_a_documented_command_runs_as_written(block: Block, line: Line) -> None:
    env = environment(block, line)
    assignment = re.fullmatch(r"([A-Z_][A-Z0-9_]*)=\$\((eip712kit .*)\)", line.text.split(" #")[0].strip())
    done = run_line(assignment.group(2) if assignment else line.text.split(" #")[0], env)
    assert done.returncode in (0, 1), f"{line.where}\nexit {done.returncode}\n{done.stderr}"
    assert "Traceback" not in done.stderr
    shown = [text for text in line.shown if text.strip()]
    if shown and not PLACEHOLDER.search(shown[0]):
        assert done.stdout.splitlines()[:1] == [shown[0]], f"{line.where}\nthe page shows: {shown[0]}"
