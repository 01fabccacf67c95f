"""Running: hand each selected case to a target, in order, and collect the verdicts into a :class:`Report`.

A target is anything with ``name``, ``handle(request) -> response`` and ``close()``
(:class:`Target`): the in-process library, an ``--exec`` adapter, a test double. A target that
cannot answer at all raises :class:`AdapterFailure`; that fails the one case and the run goes on.
Nothing here prints or reads a clock for its verdicts; timings are only reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .scoring import STRICT, Outcome, Policy, Problem, score
from .vectors import KINDS, Case, VectorFile, request_for

DEFAULT_TIMEOUT = 10.0
"""Seconds a target may take to answer one case (an --exec adapter; --api: one HTTP call)."""


class AdapterFailure(Exception):
    """The adapter did not answer a request properly (timeout, exit, garbage): the case fails."""


class Target(Protocol):
    """What the runner needs of a target: LibraryTarget and ExecTarget qualify, and so may a test double."""

    name: str

    def handle(self, request: Mapping[str, Any]) -> dict[str, Any]: ...

    def close(self) -> None: ...


@dataclass
class Report:
    target: str
    outcomes: list[Outcome]
    files: list[str]
    seconds: float = 0.0
    policy: Policy = STRICT

    @property
    def ok(self) -> bool:
        return not any(o.status == "failed" for o in self.outcomes)

    def counts(self, suite: str | None = None) -> dict[str, int]:
        out = {"passed": 0, "failed": 0, "skipped": 0}
        for o in self.outcomes:
            if suite is None or o.case.suite == suite:
                out[o.status] += 1
        return out

    def suites(self) -> list[str]:
        seen: dict[str, None] = {}
        for o in self.outcomes:
            seen.setdefault(o.case.suite, None)
        return list(seen)


def run_case(case: Case, vf: VectorFile, target: Target, policy: Policy = STRICT) -> Outcome:
    if case.kind not in KINDS:
        return Outcome(case, "skipped", reason=f"kind {case.kind!r} is not known to this runner")
    started = time.perf_counter()
    try:
        response = target.handle(request_for(case, vf.keys))
    except AdapterFailure as exc:
        outcome = Outcome(case, "failed", [Problem("adapter", message=str(exc))])
    else:
        outcome = score(case, response, policy)
    outcome.seconds = time.perf_counter() - started
    return outcome


def run(cases: Sequence[tuple[Case, VectorFile]], target: Target, policy: Policy = STRICT,
        progress: Callable[[int, int, Case], None] | None = None) -> Report:
    """Run every case against ``target`` in order and collect the verdicts."""
    started = time.perf_counter()
    outcomes = []
    files: dict[str, None] = {}
    for index, (case, vf) in enumerate(cases):
        files.setdefault(vf.path, None)
        if progress is not None:
            progress(index, len(cases), case)
        outcomes.append(run_case(case, vf, target, policy))
    return Report(target.name, outcomes, list(files),
                  time.perf_counter() - started, policy)


def verdict(report: Report, *, no_skips: bool = False) -> str | None:
    """Why the run as a whole fails, or None when it passes.

    A run passes when no case failed and at least one passed: a target that skips everything has
    shown nothing. With ``no_skips`` a skipped case fails the run too.
    """
    counts = report.counts()
    if counts["failed"]:
        return f"{counts['failed']} case(s) failed"
    if not counts["passed"]:
        return "no case passed (every selected case was skipped)"
    if no_skips and counts["skipped"]:
        return f"{counts['skipped']} case(s) skipped and --no-skips was given"
    return None


__all__ = [
    "DEFAULT_TIMEOUT",
    "AdapterFailure",
    "Report",
    "Target",
    "run",
    "run_case",
    "verdict",
]
