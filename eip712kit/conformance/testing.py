"""Run the golden vectors against your own in-process signer, as test items of your own pytest suite.

    import eip712kit.conformance.testing as vectors

    @vectors.parametrize_cases(kinds=["typed_data"], unsupported=["recursive-types"])
    def test_my_signer(case: vectors.VectorCase) -> None:
        try:
            result = {"digest": my_hash(case.input["typed_data"])}
        except MyError as exc:
            result = exc                          # a refusal: negative cases expect one
        vectors.check(case, result)

Each case is one test (its id is the case id). ``case.input`` is what an ``--exec`` adapter would
receive (the named public development key replaced by ``private_key``); ``check`` judges the result
with the runner's own rules (:func:`eip712kit.conformance.score`): every expected field you report
must be equal, at least one must be reported, and a negative case must be refused. Cases carrying
a feature tag you name in ``unsupported`` are skipped by declaration, with the reason, never passed.
To run the vectors against another *process* instead, use the pytest plugin:
``pytest --eip712kit-exec "python my_adapter.py"`` (:mod:`eip712kit.conformance.pytest_plugin`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .. import conformance
from ..protocols.trust import visible

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class VectorCase:
    """One golden case, ready to hand to a signer: what ``parametrize_cases`` passes to the test."""

    case: conformance.Case
    file: conformance.VectorFile

    @property
    def id(self) -> str:
        return self.case.id

    @property
    def kind(self) -> str:
        return self.case.kind

    @property
    def features(self) -> tuple[str, ...]:
        return self.case.features

    @property
    def negative(self) -> bool:
        """True when the signer must refuse the input."""
        return self.case.negative

    @property
    def input(self) -> dict[str, Any]:
        """The request's input: the case's input with its PUBLIC development key as ``private_key``."""
        request = conformance.request_for(self.case, self.file.keys)
        inp: dict[str, Any] = request["input"]
        return inp

    @property
    def expected(self) -> Mapping[str, Any] | None:
        return self.case.expected

    @property
    def error(self) -> Mapping[str, Any] | None:
        return self.case.error

    def __repr__(self) -> str:
        return f"VectorCase({self.case.id!r})"


def cases(*, kinds: Sequence[str] = (), suites: Sequence[str] = (), ids: Sequence[str] = (),
          vectors: str | os.PathLike[str] | None = None) -> list[VectorCase]:
    """The selected cases of the bundled vectors (or of ``vectors``, a file or directory)."""
    files = conformance.load_vectors(vectors)
    return [VectorCase(case, vf) for case, vf in conformance.select(files, suites, ids)
            if not kinds or case.kind in kinds]


def parametrize_cases(*, kinds: Sequence[str] = (), suites: Sequence[str] = (), ids: Sequence[str] = (),
                      unsupported: Iterable[str] = (), vectors: str | os.PathLike[str] | None = None,
                      argname: str = "case") -> Callable[[F], F]:
    """``pytest.mark.parametrize`` over the selected cases, one test per case, ids = case ids.

    ``unsupported`` names feature tags your signer cannot handle (``docs/vectors.md`` lists them);
    those cases are marked skipped by declaration, with the tags as the reason.
    """
    import pytest

    declared = conformance.Declaration(unsupported=frozenset(unsupported), answered=True)
    params = []
    for vc in cases(kinds=kinds, suites=suites, ids=ids, vectors=vectors):
        reason = declared.excludes(vc.case)
        marks = [pytest.mark.skip(reason=f"skipped by declaration: {reason}")] if reason else []
        params.append(pytest.param(vc, id=vc.id, marks=marks))
    decorator: Callable[[F], F] = pytest.mark.parametrize(argname, params)
    return decorator


class VectorMismatch(AssertionError):
    """The result differs from the vector: the message lists every field, expected and got."""


def judge(case: VectorCase, result: Mapping[str, Any] | BaseException, *,
          error_codes: str = "generic") -> conformance.Outcome:
    """The runner's verdict on ``result`` (the fields you computed, or the exception you refused with).

    ``error_codes="eip712kit"`` compares an exception's ``code`` attribute with the vector's code;
    the default ``"generic"`` counts any exception as the refusal a negative case needs.
    """
    if isinstance(result, BaseException):
        code = getattr(result, "code", None)
        response: dict[str, Any] = {"error": {"code": code if isinstance(code, str) else "INVALID",
                                              "message": str(result)}}
        path = getattr(result, "path", None)
        if isinstance(path, str) and path:
            response["error"]["path"] = path
    else:
        response = {"result": dict(result)}
    return conformance.score(case.case, response, conformance.policy_for(error_codes))


def check(case: VectorCase, result: Mapping[str, Any] | BaseException, *, error_codes: str = "generic") -> None:
    """Assert that ``result`` is what the vector expects (see :func:`judge`); the message names each difference."""
    import pytest

    outcome = judge(case, result, error_codes=error_codes)
    if outcome.status == "skipped":
        pytest.skip(visible(outcome.reason))
    if outcome.status != "passed":
        details = "\n".join(p.describe() for p in outcome.problems)
        raise VectorMismatch(f"{case.id}: {case.case.description}\n{details}")


__all__ = [
    "VectorCase",
    "VectorMismatch",
    "cases",
    "check",
    "judge",
    "parametrize_cases",
]
