"""Running: greet the target, hand it each selected case in order, and collect the verdicts into a :class:`Report`.

A target is anything with ``name``, ``handle(request) -> response`` and ``close()``
(:class:`Target`): the in-process library, an ``--exec`` adapter, a test double. Before the first
case the runner sends the handshake (:func:`handshake`, ``op: "hello"``): the target answers with
its name, the ops it does and the feature tags it cannot handle (:class:`Declaration`); a target
that answers ``UNSUPPORTED`` declares nothing. A case whose op or tags the target declared out of
reach is *skipped by declaration* without being sent. A target that cannot answer one case raises
:class:`AdapterFailure`; that fails the one case and the run goes on. A target that cannot even
answer the handshake raises :class:`TargetUnusable`: the run cannot start (bad usage).

Known bugs are named in an expected-failures file (:class:`ExpectedFailures`): such a case that
fails is ``xfail`` and does not fail the run; one that passes is ``xpass`` and does (strict, as in
pytest), so the file never outlives the bug. Nothing here prints or reads a clock for its verdicts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from difflib import get_close_matches
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Protocol

from ..protocols.trust import visible
from .features import FEATURES, known_tags
from .scoring import STRICT, Outcome, Policy, Problem, policy_for, score
from .vectors import KINDS, Case, VectorFile, request_for, vectors_identity

PROTOCOL = "eip712kit-exec/2"
"""The version of the --exec protocol the runner speaks (the hello request names it)."""
HELLO = "hello"
"""The id and op of the handshake request."""
ERROR_CODE_STYLES = ("eip712kit", "generic")
"""What a target's refusal codes mean: eip712kit's catalogue (compared), or generic (any refusal counts)."""

STATUSES = ("passed", "failed", "skipped", "skipped-by-declaration", "xfail", "xpass")
"""Every verdict a case can get, in report order."""
DECLARED = "skipped-by-declaration"

DEFAULT_TIMEOUT = 10.0
"""Seconds a target may take to answer one case (an --exec adapter; --api: one HTTP call)."""


class AdapterFailure(Exception):
    """The adapter did not answer a request properly (timeout, exit, garbage): the case fails."""


class TargetUnusable(Exception):
    """The target cannot be used at all (it does not start, or dies before the handshake): bad usage."""


class Target(Protocol):
    """What the runner needs of a target: LibraryTarget and ExecTarget qualify, and so may a test double."""

    name: str

    def handle(self, request: Mapping[str, Any]) -> dict[str, Any]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Declaration:
    """What a target said in the handshake: who it is, which ops it does, which feature tags it cannot handle.

    ``ops`` is None when the target did not name its ops (every op is then sent). ``answered`` is
    False for a target that declared nothing (an older adapter answering the hello with UNSUPPORTED).
    """

    name: str = ""
    version: str = ""
    ops: frozenset[str] | None = None
    unsupported: frozenset[str] = frozenset()
    error_codes: str = "eip712kit"
    answered: bool = False

    def excludes(self, case: Case) -> str | None:
        """Why this case is skipped by declaration, or None when it is to be sent."""
        if self.ops is not None and case.kind not in self.ops:
            return f"the target declares no {case.kind} op"
        tags = sorted(self.unsupported.intersection(case.features))
        if tags:
            return f"the target declares unsupported: {', '.join(tags)}"
        return None

    @property
    def who(self) -> str:
        """``eth-account 0.14.0``: the name and version the target gave (``unnamed`` when it gave none)."""
        return " ".join(p for p in (self.name, self.version) if p) or "unnamed"

    def describe(self) -> str:
        if not self.answered:
            return "declared nothing (no handshake)"
        parts = [self.who]
        if self.ops is not None:
            parts.append("ops " + (", ".join(sorted(self.ops)) or "none"))
        if self.unsupported:
            parts.append("unsupported " + ", ".join(sorted(self.unsupported)))
        parts.append(f"error codes {self.error_codes}")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"answered": self.answered, "name": self.name, "version": self.version,
                "ops": sorted(self.ops) if self.ops is not None else None,
                "unsupported": sorted(self.unsupported), "error_codes": self.error_codes}


NOTHING_DECLARED = Declaration()


def hello_request(cases: Sequence[tuple[Case, VectorFile]]) -> dict[str, Any]:
    """The handshake: every feature tag and every op of the run, so the target can answer for exactly those."""
    features = sorted({tag for case, _ in cases for tag in case.features})
    ops = sorted({case.kind for case, _ in cases})
    return {"id": HELLO, "op": HELLO, "input": {"protocol": PROTOCOL, "features": features, "ops": ops}}


HELLO_FIELDS = ("name", "version", "ops", "unsupported", "error_codes")
"""The fields of a handshake answer's result; any other is refused (a misspelt ``unsuported`` would declare nothing)."""


def _strings(value: Any, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TargetUnusable(f"the target's handshake answer is malformed: {where} must be a list of strings")
    return frozenset(value)


def _unknown(names: Iterable[str], known: Iterable[str], what: str, listing: str) -> str | None:
    """One sentence naming each unknown name (with the nearest known one), then the known ones; None if all known."""
    pool = sorted(set(known))
    unknown = sorted(set(names) - set(pool))
    if not unknown:
        return None
    named = []
    for name in unknown:
        near = get_close_matches(name, pool, n=1, cutoff=0.75)
        named.append(visible(repr(name)) + (f" (did you mean {near[0]!r}?)" if near else ""))
    return (f"the target's handshake answer names {what} {', '.join(named)}, "
            f"which {'is' if len(unknown) == 1 else 'are'} not known; {listing}")


def parse_hello(response: Mapping[str, Any], run_tags: Iterable[str] = ()) -> Declaration:
    """The target's declaration from its hello answer (an error answer declares nothing).

    Every field, op and feature tag it names must be known: a misspelling would silently declare
    nothing (and fail cases the target meant to exclude) or, worse, nothing would be noticed. The
    known tags are those of :mod:`.features` and any other tag the run's cases carry (``run_tags``:
    a newer vector file may carry tags this runner does not define).
    """
    if response.get("error") is not None:
        return NOTHING_DECLARED  # UNSUPPORTED (every older adapter) or any refusal: nothing declared
    result = response.get("result")
    if not isinstance(result, Mapping):
        raise TargetUnusable("the target's handshake answer has neither a result object nor an error object")
    problem = _unknown(result, HELLO_FIELDS, "the result field",
                       f"a handshake result has only {', '.join(HELLO_FIELDS)}")
    if problem:
        raise TargetUnusable(problem)
    codes = result.get("error_codes", "eip712kit")
    if codes not in ERROR_CODE_STYLES:
        raise TargetUnusable(f"the target's handshake answer is malformed: result.error_codes is {codes!r}; "
                             f"use {' or '.join(ERROR_CODE_STYLES)}")
    ops = _strings(result["ops"], "result.ops") if result.get("ops") is not None else None
    problem = _unknown(ops or (), KINDS, "the op", f"the ops are {', '.join(KINDS)}")
    if problem:
        raise TargetUnusable(problem)
    unsupported = _strings(result.get("unsupported", []), "result.unsupported")
    problem = _unknown(unsupported, known_tags() | set(run_tags), "the unsupported feature tag",
                       f"the feature tags are {', '.join(FEATURES)}, and <code>-refusal for each error code of "
                       "docs/errors.md (docs/vectors.md, Feature tags)")
    if problem:
        raise TargetUnusable(problem)
    return Declaration(
        name=str(result.get("name", "")), version=str(result.get("version", "")), ops=ops,
        unsupported=unsupported, error_codes=codes, answered=True,
    )


def handshake(target: Target, cases: Sequence[tuple[Case, VectorFile]]) -> Declaration:
    """Send the hello and read the declaration; a target that cannot answer it is unusable."""
    try:
        response = target.handle(hello_request(cases))
    except AdapterFailure as exc:
        raise TargetUnusable(f"at the handshake, before any case: {exc}") from None
    return parse_hello(response, {tag for case, _ in cases for tag in case.features})


@dataclass(frozen=True)
class ExpectedFailure:
    pattern: str
    reason: str
    line: int = 0


class ExpectedFailures:
    """Known bugs: case ids or globs, each with a reason (``--expect-failures FILE``).

    The file has one entry per line, ``GLOB REASON...``; blank lines and ``#`` comments are ignored.
    A reason is required: an expected failure nobody can explain is a failure.
    """

    def __init__(self, entries: Iterable[ExpectedFailure] = (), source: str = ""):
        self.entries = tuple(entries)
        self.source = source
        self.used: set[str] = set()

    @classmethod
    def parse(cls, text: str, source: str = "") -> ExpectedFailures:
        entries = []
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            if len(parts) < 2 or not parts[1].strip():
                raise ValueError(f"{source or 'expected failures'}, line {number}: {parts[0]!r} has no reason; "
                                 "write the case id or glob, then why it is expected to fail")
            entries.append(ExpectedFailure(parts[0], parts[1].strip(), number))
        return cls(entries, source)

    @classmethod
    def load(cls, path: str | Path) -> ExpectedFailures:
        return cls.parse(Path(path).read_text(encoding="utf-8"), str(path))

    def match(self, case_id: str) -> ExpectedFailure | None:
        """The entry that matches ``case_id``, counted as used."""
        entry = self.lookup(case_id)
        if entry is not None:
            self.used.add(entry.pattern)
        return entry

    def lookup(self, case_id: str) -> ExpectedFailure | None:
        """The entry that matches ``case_id``, without counting it as used."""
        return next((e for e in self.entries if fnmatchcase(case_id, e.pattern)), None)

    def unused(self) -> list[ExpectedFailure]:
        """Entries that matched no case of the run (stale, or a typo)."""
        return [e for e in self.entries if e.pattern not in self.used]


@dataclass
class Report:
    target: str
    outcomes: list[Outcome]
    files: list[str]
    seconds: float = 0.0
    policy: Policy = STRICT
    declaration: Declaration = NOTHING_DECLARED
    expected_failures: ExpectedFailures | None = None
    vectors: Mapping[str, Any] | None = None
    """Which vectors ran (:func:`~.vectors.vectors_identity`): their format, the eip712kit they came with, a digest."""

    @property
    def verdict(self) -> str | None:
        """Why the run fails, or None when it passes (:func:`verdict`, with the report's own policy)."""
        return verdict(self)

    @property
    def ok(self) -> bool:
        return self.verdict is None

    def counts(self, suite: str | None = None) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for o in self.outcomes:
            if suite is None or o.case.suite == suite:
                out[o.status] += 1
        return out

    def suites(self) -> list[str]:
        seen: dict[str, None] = {}
        for o in self.outcomes:
            seen.setdefault(o.case.suite, None)
        return list(seen)


def _expectation(outcome: Outcome, expected: ExpectedFailure) -> Outcome:
    if outcome.status == "failed":
        return replace(outcome, status="xfail", reason=f"expected failure: {expected.reason}")
    if outcome.status == "passed":
        return replace(outcome, status="xpass", problems=[Problem("expected-failure", message=(
            f"passed, but the expected-failures file says it fails ({expected.reason}); "
            f"remove {expected.pattern!r} from it"))])
    return outcome


def run_case(case: Case, vf: VectorFile, target: Target, policy: Policy = STRICT,
             declaration: Declaration = NOTHING_DECLARED,
             expected_failures: ExpectedFailures | None = None) -> Outcome:
    if case.kind not in KINDS:
        return Outcome(case, "skipped", reason=f"kind {case.kind!r} is not known to this runner")
    excluded = declaration.excludes(case)
    if excluded:
        return Outcome(case, DECLARED, reason=excluded)
    started = time.perf_counter()
    try:
        response = target.handle(request_for(case, vf.keys))
    except AdapterFailure as exc:
        outcome = Outcome(case, "failed", [Problem("adapter", message=str(exc))])
    else:
        outcome = score(case, response, policy)
    outcome.seconds = time.perf_counter() - started
    return expect(outcome, expected_failures) if expected_failures is not None else outcome


def expect(outcome: Outcome, expected_failures: ExpectedFailures) -> Outcome:
    """The verdict on a case as ``expected_failures`` has it: a listed failure is xfail, a listed pass xpass.

    An outcome judged against another file before (xfail, xpass) is judged again from what the target did,
    which is how ``--write-baseline`` shows the run as the new file will have it.
    """
    if outcome.status == "xfail":
        outcome = replace(outcome, status="failed", reason="")
    elif outcome.status == "xpass":
        outcome = replace(outcome, status="passed", problems=[])
    entry = expected_failures.match(outcome.case.id)
    return _expectation(outcome, entry) if entry is not None else outcome


def run(cases: Sequence[tuple[Case, VectorFile]], target: Target, policy: Policy = STRICT,
        progress: Callable[[int, int, Case], None] | None = None, *,
        declaration: Declaration | None = None, expected_failures: ExpectedFailures | None = None) -> Report:
    """Greet the target (unless ``declaration`` is given), run every case in order, collect the verdicts.

    Raises :class:`TargetUnusable` when the target cannot answer the handshake. A target that
    declares ``error_codes: "generic"`` is judged with loose codes (any refusal counts).
    """
    started = time.perf_counter()
    if declaration is None:
        declaration = handshake(target, cases)
    policy = policy_for(declaration.error_codes, policy)
    outcomes = []
    files: dict[str, VectorFile] = {}
    for index, (case, vf) in enumerate(cases):
        files.setdefault(vf.path, vf)
        if progress is not None:
            progress(index, len(cases), case)
        outcomes.append(run_case(case, vf, target, policy, declaration, expected_failures))
    return Report(target.name, outcomes, list(files), time.perf_counter() - started, policy, declaration,
                  expected_failures, vectors_identity(files.values()))


def verdict(report: Report, *, no_skips: bool | None = None) -> str | None:
    """Why the run as a whole fails, or None when it passes.

    A run passes when no case failed, no expected failure passed, and at least one case passed: a
    target that skips everything has shown nothing. With ``no_skips`` (default: the report's policy)
    a skipped case (by the target's answer or by its declaration) fails the run too.
    """
    counts = report.counts()
    if no_skips is None:
        no_skips = report.policy.no_skips
    if counts["failed"]:
        return f"{counts['failed']} case(s) failed"
    if counts["xpass"]:
        return (f"{counts['xpass']} case(s) passed that the expected-failures file expects to fail "
                "(strict: remove them from the file)")
    if not counts["passed"]:
        return "no case passed: every selected case was skipped"
    skipped = counts["skipped"] + counts[DECLARED]
    if no_skips and skipped:
        return f"{skipped} case(s) skipped and --no-skips was given"
    return None


BASELINE_REASON_CHARS = 200
"""How much of a case's first difference a baseline line keeps as its reason."""


def baseline(report: Report) -> tuple[str, int]:
    """The expected-failures file that makes this run green: every case that fails now, one line each.

    A case that failed gets its first difference as the reason; one that was already an expected failure keeps
    the reason it was given; one that passes now (an xpass) is left out. Returns the text and how many
    cases it lists. Exact case ids, not globs: a new failure elsewhere still fails the next run.
    """
    lines = []
    for o in report.outcomes:
        if o.status == "failed":
            first = o.problems[0].one_line() if o.problems else o.reason or "failed"
            reason = "baseline: " + first
        elif o.status == "xfail":
            entry = report.expected_failures.lookup(o.case.id) if report.expected_failures is not None else None
            reason = entry.reason if entry is not None else o.reason
        else:
            continue
        one_line = visible(reason)  # another program's text: every unseen character escaped, one line
        if len(one_line) > BASELINE_REASON_CHARS:
            one_line = one_line[: BASELINE_REASON_CHARS - 1] + "…"
        lines.append(f"{o.case.id}  {one_line}")
    who = visible(report.declaration.who) if report.declaration.answered else report.target
    vectors = report.vectors or {}
    head = [
        f"# eip712kit conformance: the cases {who} fails"
        + (f" on {vectors.get('format')} sha256:{str(vectors.get('sha256', ''))[:16]}" if vectors else ""),
        "# Written by --write-baseline. Run with --expect-failures FILE: these are xfail, any other failure",
        "# fails the run, and a case listed here that passes fails it too (delete its line).",
    ]
    return "\n".join(head + lines) + "\n", len(lines)


__all__ = [
    "BASELINE_REASON_CHARS",
    "DECLARED",
    "DEFAULT_TIMEOUT",
    "ERROR_CODE_STYLES",
    "HELLO",
    "HELLO_FIELDS",
    "NOTHING_DECLARED",
    "PROTOCOL",
    "STATUSES",
    "AdapterFailure",
    "Declaration",
    "ExpectedFailure",
    "ExpectedFailures",
    "Report",
    "Target",
    "TargetUnusable",
    "baseline",
    "expect",
    "handshake",
    "hello_request",
    "parse_hello",
    "run",
    "run_case",
    "verdict",
]
