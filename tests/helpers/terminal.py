"""A command's output as a person's terminal shows it: run on a pty, rendered by a VT emulator (pyte).

The command runs in a real pseudo-terminal (so ``isatty`` is true and nothing is stripped the way
click strips colour codes for a pipe); every byte it writes to stdout and stderr is fed to a
:class:`pyte.Screen`, which carries out what a terminal would — cursor moves, erasing, carriage
returns, OSC titles. A test then reads the screen: the lines that must be there, the title no
command may set, and every cell, none of which may hold a character that is not drawn as itself.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pyte

from eip712kit.protocols.trust import is_unseen

COLUMNS, LINES = 240, 120
CLI = [sys.executable, "-c", "from eip712kit.cli import main; main()"]
"""The command line run in-tree (``PYTHONPATH`` picks the checkout, as ``tools/screen_report.py`` does)."""


@dataclass
class Shown:
    """What a terminal received and what it shows."""

    code: int
    raw: bytes
    screen: pyte.Screen

    @property
    def lines(self) -> list[str]:
        """The screen's lines, trailing blanks removed, empty lines at the end dropped."""
        out = [line.rstrip() for line in self.screen.display]
        while out and not out[-1]:
            out.pop()
        return out

    @property
    def logical_lines(self) -> list[str]:
        """The screen's lines with the rows a long line wrapped onto joined back: a row filled to the last
        column continues on the next one (so a check on where a line starts does not depend on the width)."""
        out: list[str] = []
        joining = False
        for row in self.screen.display:
            if joining:
                out[-1] += row.rstrip()
            else:
                out.append(row.rstrip())
            joining = len(row.rstrip()) == self.screen.columns
        while out and not out[-1]:
            out.pop()
        return out

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def shows(self, part: str) -> bool:
        """Whether ``part`` is on the screen, on one line or across the rows a long line wrapped onto."""
        return part in self.text or part in "".join(self.screen.display)

    def unseen_received(self) -> list[str]:
        """Every character the terminal received that is not drawn as itself, but the line ends a pty writes."""
        text = self.raw.decode("utf-8", "surrogateescape")
        return sorted({f"U+{ord(c):04X}" for c in text if c not in "\r\n" and is_unseen(c)})

    def unseen_on_screen(self) -> list[str]:
        return sorted({f"U+{ord(cell.data):04X}" for row in self.screen.buffer.values() for cell in row.values()
                       if cell.data and is_unseen(cell.data[0])})


def render(raw: bytes, columns: int = COLUMNS, lines: int = LINES) -> pyte.Screen:
    screen = pyte.Screen(columns, lines)
    pyte.ByteStream(screen).feed(raw)
    return screen


def run_on_pty(args: list[str], *, env: dict[str, str], timeout: float = 60, cwd: str | None = None,
               during: Callable[[subprocess.Popen[bytes]], None] | None = None) -> Shown:
    """Run ``args`` with stdin, stdout and stderr on one pty (:data:`COLUMNS` × :data:`LINES`); render its output.

    ``during`` runs in a thread once the process started (to talk to a server it runs, then stop it).
    """
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    # cwd outside any checkout: ``python -c`` puts the working directory first on sys.path, which would
    # shadow the eip712kit that PYTHONPATH (or the installed package) names.
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env={**env, "TERM": "xterm",
                            "COLUMNS": str(COLUMNS)}, cwd=cwd or tempfile.gettempdir(), close_fds=True,
                            start_new_session=True)
    os.close(slave)
    failures: list[BaseException] = []
    if during is not None:
        def work() -> None:
            try:
                during(proc)
            except BaseException as exc:  # reported by the caller's thread below
                failures.append(exc)
                proc.kill()
        threading.Thread(target=work, daemon=True).start()
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: every writer closed the pty
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        else:
            proc.kill()
            raise AssertionError(f"{args} did not finish within {timeout} s")
        code = proc.wait(timeout=10)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    if failures:
        raise failures[0]
    raw = b"".join(chunks)
    return Shown(code, raw, render(raw))


__all__ = ["CLI", "COLUMNS", "LINES", "Shown", "render", "run_on_pty"]
