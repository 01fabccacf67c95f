"""Every hypothesis property twice: a quick run in the default suite, the full run behind ``-m fuzz``.

The default ``pytest`` is meant to finish in two to three minutes on two cores, yet the long runs are
where fuzzing finds things. :func:`fuzzed` replaces ``@settings(...)`` + ``@given(...)`` and
registers the property as two test items of the same assertions: ``test_x[quick]`` with ``quick``
examples (default run) and ``test_x[full]`` with ``full`` examples, marked ``fuzz`` — deselected
by default (``addopts`` in pyproject.toml) and run by ``pytest -m fuzz``, which ``.ci/run`` does
after the default run. No property is dropped from the default run; only its example count is.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import SearchStrategy

_UNSET: Any = object()


def fuzzed(*strategies: SearchStrategy[Any], quick: int, full: int, deadline: int | None = None,
           suppress_health_check: Sequence[HealthCheck] = (), database: Any = _UNSET,
           **named: SearchStrategy[Any]) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``@given(*strategies, **named)`` under ``quick`` examples by default and ``full`` under ``-m fuzz``."""
    if not 0 < quick <= full:
        raise ValueError("quick is a positive count no larger than full")

    def decorate(test: Callable[..., None]) -> Callable[..., None]:
        def build(examples: int) -> Callable[..., None]:
            chosen: dict[str, Any] = {"max_examples": examples, "deadline": deadline,
                                      "suppress_health_check": list(suppress_health_check)}
            if database is not _UNSET:
                chosen["database"] = database
            built: Callable[..., None] = settings(**chosen)(given(*strategies, **named)(test))
            return built

        runs = {"quick": build(quick), "full": build(full)}

        def run(*args: Any, examples: str, **kwargs: Any) -> None:
            runs[examples](*args, **kwargs)

        # pytest reads the fixtures a test wants from its signature: hypothesis' own (the parameters
        # no strategy fills), plus the examples parameter below. No __wrapped__, which pytest would follow.
        signature = inspect.signature(runs["quick"])
        run.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*signature.parameters.values(),
                        inspect.Parameter("examples", inspect.Parameter.KEYWORD_ONLY)])
        for attribute in ("__name__", "__qualname__", "__doc__", "__module__"):
            setattr(run, attribute, getattr(test, attribute))
        twins: Callable[..., None] = pytest.mark.parametrize("examples", [
            pytest.param("quick", id="quick"),
            pytest.param("full", id="full", marks=pytest.mark.fuzz),
        ])(run)
        return twins

    return decorate


__all__ = ["fuzzed"]
