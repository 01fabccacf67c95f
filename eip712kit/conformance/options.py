"""The run options ``eip712kit conformance`` and the pytest plugin share: each written once, name and meaning.

The command line spells an option ``--lenient``; the pytest plugin, where every option of every
plugin shares one namespace, spells it ``--eip712kit-lenient``. Both read this table for the
option's name, its help text and what kind of value it takes, and both turn the values into the
same :class:`~eip712kit.conformance.scoring.Policy` (:func:`policy_from`), so a flag cannot mean
one thing in CI's command line and another in a project's pytest run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..base.secrets import SECRET_NAME_MARKERS, SECRET_NAME_PARTS
from ..core.keys import DEFAULT_KEY_ENV
from .runner import DEFAULT_TIMEOUT
from .scoring import Policy

PYTEST_PREFIX = "eip712kit-"
"""What the pytest plugin puts before each option's name (``--eip712kit-lenient``)."""


@dataclass(frozen=True)
class RunOption:
    """One option of a vector run: its name (``no-skips``), what it takes, and its help text."""

    name: str
    help: str
    kind: str = "flag"
    """``flag`` (on or off), ``text`` (one value), ``texts`` (repeatable), ``seconds`` (a number), ``file``
    (a path that must exist), ``output`` (a path that is written)."""
    metavar: str | None = None

    @property
    def dest(self) -> str:
        """The Python name of its value: ``no_skips``."""
        return self.name.replace("-", "_")

    @property
    def cli(self) -> str:
        return f"--{self.name}"

    @property
    def pytest(self) -> str:
        return f"--{PYTEST_PREFIX}{self.name}"

    @property
    def pytest_dest(self) -> str:
        return f"eip712kit_{self.dest}"


VECTORS = RunOption("vectors", "A vector file or a directory of them (repeatable). Default: the vectors bundled "
                    "with eip712kit.", "texts", "PATH")
SUITE = RunOption("suite", "Run only this suite (repeatable).", "texts", "NAME")
CASE = RunOption("case", "Run only cases whose id matches, e.g. 'sera/*' or 'core/mail' (repeatable).", "texts",
                 "GLOB")
TIMEOUT = RunOption("timeout", f"Seconds the adapter may take to answer one case (default {DEFAULT_TIMEOUT:g}).",
                    "seconds", "SECONDS")
LOOSE_CODES = RunOption("loose-codes", "A negative case passes on any refusal, whatever its error code (for "
                        "signers without eip712kit codes; an adapter that declares error_codes 'generic' gets "
                        "this by itself).")
LENIENT = RunOption("lenient", "Do not fail a target for accepting a negative case that an independent, recorded "
                    "implementation also accepts (the case's accepted_by); such cases are skipped.")
NO_SKIPS = RunOption("no-skips", "Fail the run when any case is skipped (unsupported by the target, or skipped "
                     "by its declaration), not only when one fails.")
EXPECT_FAILURES = RunOption("expect-failures", "Known bugs: one 'CASE-ID-OR-GLOB REASON' per line. Such a case "
                            "that fails is an xfail and does not fail the run; one that passes is an xpass and "
                            "does.", "file", "FILE")
WRITE_BASELINE = RunOption("write-baseline", "Write every case that fails now to FILE, in --expect-failures "
                           "format (each with its first difference as the reason), and do not fail the run for "
                           "them: adopt the suite with known bugs, then run with --expect-failures FILE so that CI "
                           "fails only on a change. With --expect-failures, their reasons are kept and the cases "
                           "that pass now are dropped.", "output", "FILE")
SCRUB_ENV = RunOption("scrub-env", "Also remove this variable from the adapter's environment (repeatable). Removed "
                      f"always: {DEFAULT_KEY_ENV}, every name containing {', '.join(SECRET_NAME_MARKERS)} or with a "
                      f"part {', '.join(SECRET_NAME_PARTS)}, and every value holding 32 bytes of hex or 12 to 24 "
                      "words (a key's or a mnemonic's shape).", "texts", "NAME")
EXPOSE_ENV_KEYS = RunOption("expose-env-keys-to-adapter", "Start the adapter even though this environment holds "
                            "such variables. They are still removed from the adapter's environment, but an adapter "
                            "runs as your user and can read this process's (/proc/<pid>/environ); without this flag "
                            "the run is refused (exit 2) naming them.")

RUN_OPTIONS: tuple[RunOption, ...] = (VECTORS, SUITE, CASE, TIMEOUT, LOOSE_CODES, LENIENT, NO_SKIPS, EXPECT_FAILURES,
                                      WRITE_BASELINE, SCRUB_ENV, EXPOSE_ENV_KEYS)
"""Every option both the command line and the pytest plugin take, in the order their help lists them."""


def policy_from(values: Mapping[str, Any]) -> Policy:
    """The policy the options' values ask for (keys: each option's :attr:`RunOption.dest`)."""
    return Policy(loose_codes=bool(values.get(LOOSE_CODES.dest)), lenient=bool(values.get(LENIENT.dest)),
                  no_skips=bool(values.get(NO_SKIPS.dest)))


__all__ = [
    "CASE",
    "EXPECT_FAILURES",
    "EXPOSE_ENV_KEYS",
    "LENIENT",
    "LOOSE_CODES",
    "NO_SKIPS",
    "PYTEST_PREFIX",
    "RUN_OPTIONS",
    "SCRUB_ENV",
    "SUITE",
    "TIMEOUT",
    "VECTORS",
    "WRITE_BASELINE",
    "RunOption",
    "policy_from",
]
