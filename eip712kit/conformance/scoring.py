"""Scoring: one case, one answer, one verdict — the comparison rules of the format, written once.

* a positive case passes when every expected field the target reported is equal, and at least one
  was reported; fields it did not report are listed, never guessed;
* a negative case passes when the target refuses with the expected ``code`` (and, when the target
  names one, the expected ``path``); ``loose_codes`` accepts any refusal — for signers that have no
  eip712kit codes; ``lenient`` forgives accepting a negative case that an independent, recorded
  implementation also accepts (the case's ``accepted_by``): that is stricter-than-the-field policy
  of this kit, not a broken hash;
* ``UNSUPPORTED`` from the target is *skipped*, never passed.

Equality is the format's (hex without regard to case, integers by value, text exactly), so a target
in another language is not failed for spelling a number as a string.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..base.parsers import DECIMAL_INTEGER
from ..protocols.trust import dumps as trust_dumps
from ..protocols.trust import visible
from .vectors import RESULT_FIELDS, UNSUPPORTED, Case

_HEX = r"0x[0-9a-fA-F]*\Z"


@dataclass(frozen=True)
class Problem:
    """One way an answer differs from the vector: a field with its expected and computed value."""

    field: str
    expected: Any = None
    got: Any = None
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field}
        if self.message:
            out["message"] = self.message
        else:
            out["expected"] = self.expected
            out["got"] = self.got
        return out

    def one_line(self) -> str:
        """The difference on one line: ``digest: expected 0x…, got 0x…`` (a baseline's reason)."""
        if self.message:
            return f"{visible(self.field)}: {visible(self.message)}"
        return f"{visible(self.field)}: expected {_show(self.expected)}, got {_show(self.got)}"

    def describe(self) -> str:
        """The difference for a person: every value shown with its unseen characters escaped (an adapter's
        answer may hold any character, and the report goes to a terminal)."""
        if self.message:
            return f"{visible(self.field)}: {visible(self.message)}"
        field = visible(self.field)
        return f"{field}: expected {_show(self.expected)}\n{' ' * len(field)}       got {_show(self.got)}"


def _show(value: Any) -> str:
    return trust_dumps(value) if not isinstance(value, str) else visible(value)


def _as_int(value: Any) -> int | None:
    if type(value) is int:
        return value
    if isinstance(value, str) and re.match(DECIMAL_INTEGER, value) and len(value) < 100:
        return int(value)
    return None


def _equal(expected: Any, got: Any) -> bool:
    """Equal as the format defines it: hex without regard to case, integers by value, text exactly."""
    if isinstance(expected, str) and isinstance(got, str):
        if re.match(_HEX, expected) and re.match(_HEX, got):
            return expected.lower() == got.lower()
        if expected == got:
            return True
    if type(expected) is not bool and type(got) is not bool:
        e, g = _as_int(expected), _as_int(got)
        if e is not None and g is not None:
            return e == g
    return bool(expected == got) and type(expected) is type(got)


def compare(expected: Any, got: Any, where: str, problems: list[Problem], unreported: list[str]) -> int:
    """Compare recursively; returns how many leaf values were compared."""
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            problems.append(Problem(where, expected, got))
            return 1
        count = 0
        for key, value in expected.items():
            sub = f"{where}.{key}" if where else key
            if key not in got or got[key] is None:
                unreported.append(sub)
                continue
            count += compare(value, got[key], sub, problems, unreported)
        return count
    if isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            problems.append(Problem(where, expected, got))
            return 1
        count = 0
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            count += compare(e, g, f"{where}[{i}]", problems, unreported)
        return count
    if not _equal(expected, got):
        problems.append(Problem(where, expected, got))
    return 1


@dataclass
class Outcome:
    """The verdict on one case."""

    case: Case
    status: str  # "passed" | "failed" | "skipped" | "skipped-by-declaration" | "xfail" | "xpass" (runner.STATUSES)
    problems: list[Problem] = field(default_factory=list)
    reason: str = ""
    unreported: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.case.id, "suite": self.case.suite, "kind": self.case.kind,
                               "status": self.status}
        if self.reason:
            out["reason"] = self.reason
        if self.problems:
            out["problems"] = [p.to_dict() for p in self.problems]
        if self.unreported:
            out["not_reported"] = self.unreported
        out["seconds"] = round(self.seconds, 6)
        return out


@dataclass(frozen=True)
class Policy:
    """How strictly a run is judged: refusals (see the module docstring) and, with ``no_skips``, skips.

    The options that set it are written once, in :mod:`.options`, for the command line and the pytest plugin.
    """

    loose_codes: bool = False
    lenient: bool = False
    no_skips: bool = False
    """A skipped case (unsupported by the target, or skipped by its declaration) fails the run (:func:`.verdict`)."""


STRICT = Policy()
"""The default policy: refusal codes compared, nothing forgiven (frozen, so one instance serves every run)."""


def policy_for(error_codes: str, base: Policy = STRICT) -> Policy:
    """``base`` for a target whose refusals carry eip712kit's codes; with loose codes for one that declares
    ``error_codes: "generic"`` (any refusal counts, as its codes cannot be compared)."""
    return replace(base, loose_codes=True) if error_codes == "generic" else base


def unknown_result_fields(kind: str, result: Mapping[str, Any]) -> list[str]:
    """The names in ``result`` that no case of ``kind`` can expect (:data:`RESULT_FIELDS`), sorted."""
    known = RESULT_FIELDS.get(kind)
    return [] if known is None else sorted(str(k) for k in result if k not in known)


def score(case: Case, response: Mapping[str, Any], policy: Policy = STRICT) -> Outcome:
    """Judge one target response against one case."""
    error = response.get("error")
    result = response.get("result")
    if error is not None:
        if not isinstance(error, dict):
            return Outcome(case, "failed", [Problem("error", message=f"error must be an object, got {error!r}")])
        code = error.get("code")
        message = str(error.get("message", ""))
        if code == UNSUPPORTED:
            return Outcome(case, "skipped", reason=f"unsupported by the target{': ' + message if message else ''}")
        if case.error is None:
            return Outcome(case, "failed", [Problem(
                "error", message=f"refused a valid input with {code}" + (f": {message}" if message else "")
            )])
        want_code = case.error["code"]
        if policy.loose_codes:
            return Outcome(case, "passed", reason=f"refused with {code} (codes not compared: --loose-codes)")
        refusal: list[Problem] = []
        if code != want_code:
            refusal.append(Problem("error.code", want_code, code))
        want_path, got_path = case.error.get("path"), error.get("path")
        if want_path is not None and got_path is not None and got_path != want_path:
            refusal.append(Problem("error.path", want_path, got_path))
        if refusal:
            return Outcome(case, "failed", refusal, reason=message)
        return Outcome(case, "passed")
    if not isinstance(result, dict):
        return Outcome(case, "failed", [Problem("response", message="neither a result object nor an error object")])
    unknown = unknown_result_fields(case.kind, result)
    if unknown:
        return Outcome(case, "failed", [Problem("result", message=(
            f"{', '.join(map(repr, unknown))} {'is no field' if len(unknown) == 1 else 'are no fields'} of a "
            f"{case.kind} result (a misspelt field would turn its check off); the fields are "
            f"{', '.join(RESULT_FIELDS[case.kind])}"))])
    if case.error is not None:
        if policy.lenient and case.accepted_by:
            return Outcome(case, "skipped", reason=(
                f"accepted, as {', '.join(case.accepted_by)} do too; eip712kit refuses it with "
                f"{case.error['code']} (forgiven by --lenient)"))
        where = f" at {case.error['path']}" if case.error.get("path") else ""
        return Outcome(case, "failed", [Problem(
            "error", message=f"accepted an input that must be refused with {case.error['code']}{where}"
        )])
    problems: list[Problem] = []
    unreported: list[str] = []
    assert case.expected is not None
    compared = compare(case.expected, result, "", problems, unreported)
    if problems:
        return Outcome(case, "failed", problems, unreported=unreported)
    if not compared:
        return Outcome(case, "failed", [Problem(
            "result", message="the result reports none of the expected fields ("
            + ", ".join(case.expected) + ")")], unreported=unreported)
    return Outcome(case, "passed", unreported=unreported)


__all__ = [
    "STRICT",
    "Outcome",
    "Policy",
    "Problem",
    "compare",
    "policy_for",
    "score",
    "unknown_result_fields",
]
