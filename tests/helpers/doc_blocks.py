"""The fenced code blocks of README.md and docs/*.md, and what each says about where it runs.

A block that can run says so in its first line (after a ``#!`` line), a comment a reader sees too:

* ``# Runs anywhere`` — any directory will do;
* ``# Runs in a clone, from its root`` — it names files of the repository (``examples/…``);
* either may go on ``…, with EIP712KIT_PRIVATE_KEY exported`` (a Python block that reads the key from
  the environment; the tests export the PUBLIC development key) or ``…, against eip712kit serve --port
  8712`` (it talks to a verifier started beforehand; the tests start one and point the block at it);
* ``# Not run by the tests: <why>`` — it cannot run offline here as written (it clones, installs,
  needs your own signer or a browser, runs until Ctrl-C …), and the reason is there to read.

``text`` blocks are output, usage lines and diagrams; ``json`` blocks must parse. Every other block
— ``python``, ``sh``, ``console``, ``yaml``, ``js``, ``solidity`` — carries one of the first lines above. A shell
line expects exit 0 unless its comment (or the comment lines under it) says ``exit N``; a
``console`` block's ``$`` lines are run and the output it shows must appear, in order, ``...``
marking a cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

RUNS_ANYWHERE = "Runs anywhere"
RUNS_IN_A_CLONE = "Runs in a clone, from its root"
NOT_RUN = "Not run by the tests: "
WITH_KEY = "with EIP712KIT_PRIVATE_KEY exported"
AGAINST_SERVER = "against eip712kit serve --port 8712"
DOCUMENTED_PORT = "8712"

RUN_LANGUAGES = {"python", "sh", "console"}
MARKED_LANGUAGES = {"yaml", "js", "solidity"}  # shown, never run: must say why
DATA_LANGUAGES = {"json", "text"}
HEADER = re.compile(r"^(?:#|//) (?P<text>.+)$")
EXIT_HINT = re.compile(r"\bexit (\d+)\b")
ELISION = {"...", "…"}


@dataclass
class Command:
    """One shell command of a block (continuation lines joined as written), and what it must do."""

    line: int
    text: str
    exit_code: int | None = 0
    """Expected exit; None for a ``console`` line, which is judged by its output (0 or 1 allowed)."""
    shown: list[str] = field(default_factory=list)


@dataclass
class CodeBlock:
    document: str
    line: int
    language: str
    body: list[str]

    @property
    def id(self) -> str:
        return f"{self.document}:{self.line}"

    @property
    def header(self) -> str:
        """The first line's comment (the second's, under a ``#!`` line, which must come first)."""
        lines = self.body[1:] if self.body and self.body[0].startswith("#!") else self.body
        first = lines[0].strip() if lines else ""
        match = HEADER.match(first.removeprefix("$ ").strip())
        return match.group("text") if match else ""

    @property
    def skip_reason(self) -> str | None:
        return self.header[len(NOT_RUN):] if self.header.startswith(NOT_RUN) else None

    @property
    def place(self) -> str | None:
        """"anywhere" or "clone" for a block that runs; None for one that does not say."""
        if self.header.startswith(RUNS_ANYWHERE):
            return "anywhere"
        if self.header.startswith(RUNS_IN_A_CLONE):
            return "clone"
        return None

    @property
    def needs_key(self) -> bool:
        return WITH_KEY in self.header

    @property
    def needs_server(self) -> bool:
        return AGAINST_SERVER in self.header

    @property
    def source(self) -> str:
        return "\n".join(self.body) + "\n"

    def commands(self) -> list[Command]:
        """The shell commands of an ``sh`` or ``console`` block, with each one's expected exit and output."""
        console = self.language == "console"
        found: list[Command] = []
        hinted = False  # whether the last command's exit was named (its own comment, or one under it)
        pending: list[str] = []
        start = 0
        skip = 1 if self.header else 0  # the first line says where the block runs
        for number, raw in enumerate(self.body[skip:], self.line + 1 + skip):
            text = raw.rstrip()
            if not pending:
                stripped = text.strip()
                if console and not stripped.startswith("$ "):
                    if found and stripped and not stripped.startswith("#"):
                        found[-1].shown.append(text)  # output the page shows
                    continue
                if console:
                    text = stripped[2:]
                if not text.strip() or text.strip().startswith("#"):
                    hint = EXIT_HINT.search(text)
                    if found and hint and not hinted and not console:
                        found[-1].exit_code, hinted = int(hint.group(1)), True
                    continue
                start = number
            pending.append(text)
            if text.endswith("\\"):
                continue
            command, pending = "\n".join(pending), []
            comment = command.rsplit(" # ", 1)[1] if " # " in command else ""
            hint = EXIT_HINT.search(comment)
            hinted = hint is not None
            found.append(Command(start, command, None if console else int(hint.group(1)) if hint else 0))
        return found


def code_blocks(path: Path) -> list[CodeBlock]:
    """Every fenced block of a markdown file, with its language (``text`` when the fence names none)."""
    blocks: list[CodeBlock] = []
    current: CodeBlock | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.strip().startswith("```"):
            if current is None:
                current = CodeBlock(path.name, number, raw.strip()[3:].strip(), [])
            else:
                blocks.append(current)
                current = None
            continue
        if current is not None:
            current.body.append(raw)
    assert current is None, f"{path.name}: a fence is not closed"
    return blocks


def all_blocks() -> list[CodeBlock]:
    return [block for path in DOCUMENTS for block in code_blocks(path)]


__all__ = ["AGAINST_SERVER", "DOCUMENTED_PORT", "DOCUMENTS", "NOT_RUN", "ROOT", "RUNS_ANYWHERE", "RUNS_IN_A_CLONE",
           "WITH_KEY", "CodeBlock", "Command", "all_blocks", "code_blocks"]
