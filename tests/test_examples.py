"""Every file a documented command uses ships in ``examples/``, and every file there parses.

Reads the fenced shell and console blocks of README.md and docs/*.md. A file named in a command must
exist in the repository (``examples/…``, ``vectors/…``, ``tools/…``) or be made by the command itself
or an earlier line of the same page (``> out.json``, ``--db``, ``--junit``); a name that starts with
``no-such`` is missing on purpose (the page shows the refusal). Running the blocks themselves is
``tests/test_doc_blocks.py``'s.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from tests.helpers.doc_blocks import DOCUMENTS, ROOT, code_blocks
from tests.helpers.examples import EXAMPLES

FILE_NAME = re.compile(r"(?<![\w/:.-])((?:\.\./|[\w-]+/)*[\w.-]+\.(?:json|jsonl|txt|xml|sqlite3|csv))(?![\w/])")
OUTPUT_OPTIONS = ("--db", "--junit", "--junitxml", "--record", "-o", "--output", "--write-baseline",
                  "--eip712kit-write-baseline")


def commands(path: Path) -> list[tuple[str, str]]:
    """Each shell command of a page's ``sh`` and ``console`` blocks: where it is, and its text on one line."""
    return [(f"{path.name}:{command.line}: ", command.text.replace("\\\n", " "))
            for block in code_blocks(path) if block.language in ("sh", "console") for command in block.commands()]


def words(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=True)
    except ValueError:  # an unbalanced quote in prose-like shell: judged by its raw text only
        return text.split()


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
        for where, text in commands(path):
            made |= outputs_of(text)
            for name in FILE_NAME.findall(text.split(" #", 1)[0]):
                if name in made or name.startswith("no-such") or any(
                        (base / name).exists() for base in directories_of(text)):
                    continue
                missing.append(f"{where}{text}\n    {name}: ship it in examples/ and name it examples/{name}")
    assert missing == [], "\n".join(missing)


def test_the_checker_finds_a_missing_file(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```sh\neip712kit hash nowhere.json > out.json\neip712kit hash out.json\n```\n")
    _, text = commands(page)[0]
    assert FILE_NAME.findall(text) == ["nowhere.json", "out.json"] and outputs_of(text) == {"out.json"}
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
