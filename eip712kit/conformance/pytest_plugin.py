"""pytest plugin: ``pytest --eip712kit-exec "COMMAND"`` runs the golden vectors against any adapter.

Registered through the ``pytest11`` entry point, so it is there wherever eip712kit is installed, and
does nothing unless ``--eip712kit-exec`` is given. Then every selected case becomes one test item
(``eip712kit::<suite>::<case id>``, e.g. ``eip712kit::core::core/mail``, so a JUnit report has one
classname per suite), run through the same ``--exec`` protocol, handshake and scoring as
``eip712kit conformance --exec``: a case the adapter declares unsupported is a pytest skip with the
reason, a failure shows every field that differs, and an adapter that cannot start or dies before the
handshake stops the session with one sentence (a usage error).

It takes the options of ``eip712kit conformance`` with ``eip712kit-`` before their names
(``--eip712kit-lenient``, ``--eip712kit-no-skips``…): the table in :mod:`.options` defines both. At
the end of the session the run as a whole is judged as the command judges it (:func:`.verdict`: a
run where no case passed fails), and the summary names the adapter and the vectors.

Every pytest session of a project that has eip712kit installed loads this module, so it imports
the conformance runner only once ``--eip712kit-exec`` is given: otherwise it costs nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from . import options

if TYPE_CHECKING:
    from .. import conformance

_RUN: pytest.StashKey[_Run] = pytest.StashKey()


class _Run:
    """What one session's vector run holds: the adapter, its declaration, the policy, every verdict so far."""

    def __init__(self, target: conformance.ExecTarget, declaration: conformance.Declaration,
                 policy: conformance.Policy, expected: conformance.ExpectedFailures | None,
                 vectors: dict[str, Any], files: list[str]) -> None:
        self.target = target
        self.declaration = declaration
        self.policy = policy
        self.expected = expected
        self.vectors = vectors
        self.files = files
        self.outcomes: list[conformance.Outcome] = []
        self.started = time.perf_counter()

    def report(self) -> conformance.Report:
        from .. import conformance

        return conformance.Report(self.target.name, self.outcomes, self.files, time.perf_counter() - self.started,
                                  self.policy, self.declaration, self.expected, self.vectors)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("eip712kit", "eip712kit golden vectors against an --exec adapter")
    group.addoption("--eip712kit-exec", metavar="COMMAND", default=None,
                    help="Run the golden vectors against this adapter (JSON lines on stdin/stdout), "
                         "one test item per case.")
    for option in options.RUN_OPTIONS:
        settings: dict[str, Any] = dict(_PYTEST_KINDS[option.kind])
        if option.metavar:
            settings["metavar"] = option.metavar
        group.addoption(option.pytest, dest=option.pytest_dest, help=option.help, **settings)


_PYTEST_KINDS: dict[str, dict[str, Any]] = {
    "flag": {"action": "store_true", "default": False},
    "text": {"default": None},
    "texts": {"action": "append", "default": []},
    "seconds": {"type": float, "default": None},
    "file": {"default": None},
    "output": {"default": None},
}
"""How each kind of :class:`~.options.RunOption` value is read by pytest's argparse."""


def _value(config: pytest.Config, option: options.RunOption) -> Any:
    return config.getoption(option.pytest_dest)


class CaseFailure(Exception):
    """A case failed: the message lists every field that differs."""


class VectorItem(pytest.Item):
    def __init__(self, *, case: conformance.Case, vector_file: conformance.VectorFile, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.vector_file = vector_file

    def runtest(self) -> None:
        from .. import conformance
        from ..protocols.trust import visible

        run = self.config.stash[_RUN]
        outcome = conformance.run_case(self.case, self.vector_file, run.target, run.policy, run.declaration,
                                       run.expected)
        if outcome.status == "failed" and _value(self.config, options.WRITE_BASELINE):
            outcome = conformance.expect(outcome, conformance.ExpectedFailures.parse(
                f"{self.case.id}  baseline (written to {_value(self.config, options.WRITE_BASELINE)})"))
        run.outcomes.append(outcome)
        if outcome.status in ("skipped", conformance.DECLARED):
            label = "skipped by declaration: " if outcome.status == conformance.DECLARED else ""
            if run.policy.no_skips:
                given = f"({options.NO_SKIPS.pytest} was given)"
                raise CaseFailure(f"{label or 'skipped: '}{visible(outcome.reason)} {given}")
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


class SuiteCollector(pytest.Collector):
    """One suite's cases (its node is the JUnit classname: ``eip712kit.core``)."""

    def __init__(self, *, cases: list[tuple[conformance.Case, conformance.VectorFile]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cases = cases

    def collect(self) -> Iterator[VectorItem]:
        for case, vf in self.cases:
            yield VectorItem.from_parent(self, name=case.id, case=case, vector_file=vf)


class VectorCollector(pytest.Collector):
    """The selected cases, one :class:`SuiteCollector` per suite, after the handshake (prepared by the hook)."""

    def __init__(self, *, cases: list[tuple[conformance.Case, conformance.VectorFile]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cases = cases

    def collect(self) -> Iterator[SuiteCollector]:
        suites: dict[str, list[tuple[conformance.Case, conformance.VectorFile]]] = {}
        for case, vf in self.cases:
            suites.setdefault(case.suite, []).append((case, vf))
        for suite, cases in suites.items():
            yield SuiteCollector.from_parent(self, name=suite, cases=cases)


def _prepare(config: pytest.Config) -> list[tuple[conformance.Case, conformance.VectorFile]]:
    """Load and select the cases, start the adapter and greet it; every problem is a usage error."""
    from .. import conformance

    files: list[conformance.VectorFile] = []
    try:
        for path in _value(config, options.VECTORS) or [conformance.bundled_vectors()]:
            files.extend(conformance.load_vectors(path))
    except conformance.VectorError as exc:
        raise pytest.UsageError(f"{options.VECTORS.pytest}: {exc}") from None
    selected = conformance.select(files, _value(config, options.SUITE), _value(config, options.CASE))
    expected = None
    if _value(config, options.EXPECT_FAILURES):
        try:
            expected = conformance.ExpectedFailures.load(_value(config, options.EXPECT_FAILURES))
        except (OSError, ValueError) as exc:
            raise pytest.UsageError(f"{options.EXPECT_FAILURES.pytest}: {exc}") from None
    if _value(config, options.WRITE_BASELINE) and hasattr(config, "workerinput"):
        raise pytest.UsageError(f"{options.WRITE_BASELINE.pytest} needs the whole run in one process: add -p no:xdist")
    command = config.getoption("eip712kit_exec")
    timeout = _value(config, options.TIMEOUT)
    try:
        target = conformance.ExecTarget(command, timeout=conformance.DEFAULT_TIMEOUT if timeout is None else timeout,
                                        scrub_env=_value(config, options.SCRUB_ENV),
                                        expose_env_keys=_value(config, options.EXPOSE_ENV_KEYS))
    except conformance.KeysInEnvironment as exc:
        raise pytest.UsageError(f"--eip712kit-exec {command!r} cannot be used: {exc}") from None
    try:
        declaration = conformance.handshake(target, selected)
    except conformance.TargetUnusable as exc:
        target.close()
        raise pytest.UsageError(f"--eip712kit-exec {command!r} cannot be used: {exc}") from None
    policy = conformance.policy_for(declaration.error_codes, options.policy_from(
        {o.dest: _value(config, o) for o in (options.LOOSE_CODES, options.LENIENT, options.NO_SKIPS)}))
    vfs = {vf.path: vf for _, vf in selected}
    run = config.stash[_RUN] = _Run(target, declaration, policy, expected,
                                    conformance.vectors_identity(vfs.values()), list(vfs))
    _junit_properties(config, run)
    return selected


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Add the vector items to whatever else was collected (first, so -k and -m apply to them).

    Each suite is reported as collected, as a test file is, so the header counts the vector items.
    """
    if not config.getoption("eip712kit_exec"):
        return
    root = VectorCollector.from_parent(session, name="eip712kit", nodeid="eip712kit", cases=_prepare(config))
    suites: list[pytest.Item | pytest.Collector] = list(root.collect())
    session.ihook.pytest_collectreport(report=pytest.CollectReport(root.nodeid, "passed", None, suites))
    for suite in suites:
        assert isinstance(suite, SuiteCollector)
        found: list[pytest.Item | pytest.Collector] = list(suite.collect())
        for item in found:
            session.ihook.pytest_itemcollected(item=item)
        session.ihook.pytest_collectreport(report=pytest.CollectReport(suite.nodeid, "passed", None, found))
        items.extend(item for item in found if isinstance(item, pytest.Item))


def _junit_properties(config: pytest.Config, run: _Run) -> None:
    """Name the adapter and the vectors in ``--junitxml``'s ``<properties>`` (what record_testsuite_property does)."""
    from .reports import junit_properties

    for plugin in config.pluginmanager.get_plugins():
        add = getattr(plugin, "add_global_property", None)
        if callable(add):
            for name, value in junit_properties(run.report()).items():
                add(name, value)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    run = config.stash.get(_RUN, None)
    if run is None or not run.outcomes or hasattr(config, "workerinput"):
        return
    report = run.report()
    verdict = report.verdict
    from ..protocols.trust import visible
    from .reports import describe_vectors

    terminalreporter.write_line(f"eip712kit conformance: {'OK' if verdict is None else 'FAILED (' + verdict + ')'}; "
                                f"{visible(run.declaration.who) if run.declaration.answered else run.target.name} on "
                                f"{describe_vectors(run.vectors)}")
    path = _value(config, options.WRITE_BASELINE)
    if path:
        text, count = _baseline(report)
        Path(path).write_text(text, encoding="utf-8")
        terminalreporter.write_line(f"eip712kit conformance: wrote {count} failing case(s) to {path}: run with "
                                    f"{options.EXPECT_FAILURES.pytest} {path} from now on")


def _baseline(report: conformance.Report) -> tuple[str, int]:
    """The baseline of the cases that failed (the items made them xfail as they went: judge them as failed)."""
    from .. import conformance

    written = [o if o.status != "xfail" or (report.expected_failures is not None
                                             and report.expected_failures.lookup(o.case.id))
               else conformance.Outcome(o.case, "failed", o.problems, o.reason) for o in report.outcomes]
    return conformance.baseline(conformance.Report(report.target, written, report.files, report.seconds,
                                                   report.policy, report.declaration, report.expected_failures,
                                                   report.vectors))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    run = session.config.stash.get(_RUN, None)
    if run is None:
        return
    run.target.close()
    if run.outcomes and not hasattr(session.config, "workerinput") and exitstatus == pytest.ExitCode.OK:
        if run.report().verdict is not None:  # e.g. every case skipped: the run has shown nothing
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


__all__ = ["CaseFailure", "SuiteCollector", "VectorCollector", "VectorItem"]
