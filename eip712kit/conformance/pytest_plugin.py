"""pytest plugin: ``pytest --eip712kit-exec "COMMAND"`` runs the golden vectors against any adapter.

Registered through the ``pytest11`` entry point, so it is there wherever eip712kit is installed, and
does nothing unless ``--eip712kit-exec`` is given. Then every selected case becomes one test item
(its name is the case id, e.g. ``eip712kit::core/mail``), run through the same ``--exec`` protocol,
handshake and scoring as ``eip712kit conformance --exec``: a case the adapter declares unsupported is
a pytest skip with the reason, a failure shows every field that differs, and an adapter that cannot
start or dies before the handshake stops the session with one sentence (a usage error).

Every pytest session of a project that has eip712kit installed loads this module, so it imports
the conformance runner only once ``--eip712kit-exec`` is given: otherwise it costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .. import conformance

_TARGET: pytest.StashKey[conformance.ExecTarget] = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("eip712kit", "eip712kit golden vectors against an --exec adapter")
    group.addoption("--eip712kit-exec", metavar="COMMAND", default=None,
                    help="Run the golden vectors against this adapter (JSON lines on stdin/stdout), "
                         "one test item per case.")
    group.addoption("--eip712kit-vectors", metavar="PATH", default=None,
                    help="Vector file or directory (default: the vectors bundled with eip712kit).")
    group.addoption("--eip712kit-suite", metavar="NAME", action="append", default=[],
                    help="Only this suite (repeatable).")
    group.addoption("--eip712kit-case", metavar="GLOB", action="append", default=[],
                    help="Only cases whose id matches (repeatable).")
    group.addoption("--eip712kit-timeout", metavar="SECONDS", type=float, default=None,
                    help="Seconds the adapter may take to answer one case (default: as eip712kit conformance "
                         "--exec).")
    group.addoption("--eip712kit-expect-failures", metavar="FILE", default=None,
                    help="Known bugs, one 'CASE-ID-OR-GLOB REASON' per line: such a failure is an xfail; "
                         "a pass is a strict xpass failure.")
    group.addoption("--eip712kit-expose-env-keys-to-adapter", action="store_true", default=False,
                    help="Start the adapter even though this environment holds key-like variables (as eip712kit "
                         "conformance --expose-env-keys-to-adapter; without it the run is refused, naming them).")


class CaseFailure(Exception):
    """A case failed: the message lists every field that differs."""


class VectorItem(pytest.Item):
    def __init__(self, *, case: conformance.Case, vector_file: conformance.VectorFile,
                 declaration: conformance.Declaration, policy: conformance.Policy,
                 expected: conformance.ExpectedFailures | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.vector_file = vector_file
        self.declaration = declaration
        self.policy = policy
        self.expected = expected

    def runtest(self) -> None:
        from .. import conformance
        from ..protocols.trust import visible

        target = self.config.stash[_TARGET]
        outcome = conformance.run_case(self.case, self.vector_file, target, self.policy, self.declaration,
                                       self.expected)
        if outcome.status in ("skipped", conformance.DECLARED):
            label = "skipped by declaration: " if outcome.status == conformance.DECLARED else ""
            pytest.skip(label + visible(outcome.reason))
        if outcome.status == "xfail":
            pytest.xfail(visible(outcome.reason))
        if outcome.status != "passed":
            lines = [p.describe() for p in outcome.problems]
            if outcome.reason:
                lines.append(f"(target said: {visible(outcome.reason)})")
            raise CaseFailure("\n".join(lines))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailure):
            return f"{self.case.id} [{self.case.kind}] {self.case.description}\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        return self.vector_file.path, None, self.case.id


class VectorCollector(pytest.Collector):
    """The selected cases, after the handshake (which needs the whole selection: its tags and ops)."""

    def collect(self) -> Iterator[VectorItem]:
        from .. import conformance

        config = self.config
        try:
            files = conformance.load_vectors(config.getoption("eip712kit_vectors"))
        except conformance.VectorError as exc:
            raise pytest.UsageError(f"--eip712kit-vectors: {exc}") from None
        selected = conformance.select(files, config.getoption("eip712kit_suite"), config.getoption("eip712kit_case"))
        expected = None
        if config.getoption("eip712kit_expect_failures"):
            try:
                expected = conformance.ExpectedFailures.load(config.getoption("eip712kit_expect_failures"))
            except (OSError, ValueError) as exc:
                raise pytest.UsageError(f"--eip712kit-expect-failures: {exc}") from None
        command = config.getoption("eip712kit_exec")
        timeout = config.getoption("eip712kit_timeout")
        try:
            target = conformance.ExecTarget(
                command, timeout=conformance.DEFAULT_TIMEOUT if timeout is None else timeout,
                expose_env_keys=config.getoption("eip712kit_expose_env_keys_to_adapter"))
        except conformance.KeysInEnvironment as exc:
            raise pytest.UsageError(f"--eip712kit-exec {command!r} cannot be used: {exc}") from None
        config.stash[_TARGET] = target
        try:
            declaration = conformance.handshake(target, selected)
        except conformance.TargetUnusable as exc:
            raise pytest.UsageError(f"--eip712kit-exec {command!r} cannot be used: {exc}") from None
        policy = conformance.policy_for(declaration.error_codes)
        for case, vf in selected:
            yield VectorItem.from_parent(self, name=case.id, case=case, vector_file=vf, declaration=declaration,
                                         policy=policy, expected=expected)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Add the vector items to whatever else was collected (first, so -k and -m apply to them)."""
    if not config.getoption("eip712kit_exec"):
        return
    collector = VectorCollector.from_parent(session, name="eip712kit", nodeid="eip712kit")
    items.extend(collector.collect())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    target = session.config.stash.get(_TARGET, None)
    if target is not None:
        target.close()


__all__ = ["CaseFailure", "VectorCollector", "VectorItem"]
