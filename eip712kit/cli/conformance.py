"""``eip712kit conformance``: run the golden vectors against this library, another signer, or a server.

The command is a thin shell over :mod:`eip712kit.conformance` (the runner library); it only
chooses the target, the cases and where the report goes. Exit status (:func:`conformance.verdict`):
0 when no case failed, no expected failure passed and at least one case passed (skipped cases do
not fail a run unless ``--no-skips``), 1 otherwise, 2 for bad usage, an unreadable vector file or an
adapter that cannot be started or dies before the handshake, 3 when ``--api`` cannot reach the
server or it answers with a server error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import conformance
from ..base.errors import Eip712KitError
from ..conformance import options
from ..protocols.trust import visible
from ._common import dumps, json_option
from .terminal import write_own_control

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FAILED = 0, 1


def _progress(index: int, total: int, case: conformance.Case) -> None:
    """One overwritten status line on stderr; only called when stderr is a terminal."""
    done = index + 1
    line = visible(f"[{done}/{total}] {case.id}"[:100])
    write_own_control(sys.stderr, "\r" + line.ljust(100) + ("\r" + " " * 100 + "\r" if done == total else ""))


def _shared(option: conformance.RunOption, **extra: Any) -> Callable[[F], F]:
    """One of the options the pytest plugin shares (:data:`conformance.RUN_OPTIONS`), as a click option."""
    kinds: dict[str, dict[str, Any]] = {
        "flag": {"is_flag": True},
        "text": {},
        "texts": {"multiple": True},
        "seconds": {"type": click.FloatRange(min=0.1), "default": conformance.DEFAULT_TIMEOUT},
        "file": {"type": click.Path(dir_okay=False, exists=True, path_type=Path)},
        "output": {"type": click.Path(dir_okay=False, writable=True, path_type=Path)},
    }
    settings = {"help": option.help, **kinds[option.kind], **extra}
    if option.metavar:
        settings["metavar"] = option.metavar
    decorator: Callable[[F], F] = click.option(option.cli, option.dest, **settings)
    return decorator


@click.command("conformance")
@_shared(options.VECTORS, type=click.Path(exists=True, path_type=Path))
@_shared(options.SUITE)
@_shared(options.CASE)
@click.option("--exec", "exec_command", metavar="COMMAND",
              help="Run the cases against an adapter process speaking JSON lines on stdin/stdout "
                   "(see docs/vectors.md).")
@click.option("--api", "api_url", metavar="URL",
              help="Instead of vectors, check a live Sera-compatible verifier: POST a valid order and broken "
                   "copies of it to its /api/v1/verify-signature and report which it wrongly accepted or "
                   "refused. URL is the server's origin (a trailing /api/v1 names the same server).")
@_shared(options.TIMEOUT, help=options.TIMEOUT.help + " With --api: one HTTP call.")
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
              help="--api: retries on 429/503, with exponential back-off.")
@_shared(options.LOOSE_CODES)
@_shared(options.LENIENT)
@_shared(options.NO_SKIPS)
@_shared(options.EXPECT_FAILURES)
@_shared(options.WRITE_BASELINE)
@_shared(options.SCRUB_ENV)
@_shared(options.EXPOSE_ENV_KEYS)
@json_option
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              metavar="FILE", help="Also write a JUnit XML report to FILE.")
@click.option("--list", "list_only", is_flag=True, help="List the suites and case counts, run nothing.")
@click.option("-v", "--verbose", is_flag=True, help="List every case, not only the failures.")
@click.pass_context
def command(ctx: click.Context, vectors: tuple[Path, ...], suite: tuple[str, ...], case: tuple[str, ...],
            exec_command: str | None, api_url: str | None, timeout: float, retries: int, loose_codes: bool,
            lenient: bool, no_skips: bool, expect_failures: Path | None, write_baseline: Path | None,
            scrub_env: tuple[str, ...], expose_env_keys_to_adapter: bool, as_json: bool, junit_path: Path | None,
            list_only: bool, verbose: bool) -> None:
    """Check a signer against the golden vectors.

    With no options, every bundled vector runs against eip712kit itself and a summary per suite is
    printed. --exec runs them against any other signer through a small adapter, which first declares
    in a handshake what it cannot do (those cases are skipped by declaration, never passed).

    \b
    Examples:
      eip712kit conformance                                  the library, all suites
      eip712kit conformance --suite sera --suite uuid_int    some suites
      eip712kit conformance --exec "node tools/node/signer-adapter.mjs"    (cd tools/node && npm ci first)
      eip712kit conformance --exec "python my_adapter.py" --junit conformance.xml
      eip712kit conformance --exec "python my_adapter.py" --write-baseline known-bugs.txt    (once)
      eip712kit conformance --exec "python my_adapter.py" --expect-failures known-bugs.txt
      eip712kit conformance --vectors my-vectors/ --json
      eip712kit conformance --api http://127.0.0.1:8712/api/v1      a verifier, not a signer
    """
    vector_paths, suites, case_ids = vectors, suite, case
    policy = options.policy_from({"loose_codes": loose_codes, "lenient": lenient, "no_skips": no_skips})
    if api_url is not None:
        if exec_command or vector_paths or suites or case_ids or list_only or expect_failures or write_baseline:
            raise click.UsageError("--api checks a server; it takes no --exec, --vectors, --suite, --case, --list, "
                                   "--expect-failures or --write-baseline")
        # A refusal (exit 2) or a network fault (exit 3) is reported as every command's is (eip712kit.cli.run).
        report = conformance.run_api(api_url, timeout=timeout, retries=retries)
        report.policy = policy
        _finish(ctx, report, as_json=as_json, junit_path=junit_path, verbose=verbose)
    files = []
    for path in vector_paths or (conformance.bundled_vectors(),):
        files.extend(conformance.load_vectors(path))
    if list_only:
        _list(files, as_json)
        ctx.exit(EXIT_OK)
    known = {vf.suite for vf in files}
    unknown = [s for s in suites if s not in known]
    if unknown:
        raise click.BadParameter(f"no suite named {', '.join(unknown)} (suites: {', '.join(sorted(known))})",
                                 param_hint="--suite")
    cases = conformance.select(files, suites, case_ids)
    if not cases:
        raise click.BadParameter("no case matches the selection", param_hint="--case")

    expected = None
    if expect_failures is not None:
        try:
            expected = conformance.ExpectedFailures.load(expect_failures)
        except (ValueError, OSError) as exc:
            raise click.BadParameter(str(exc), param_hint="--expect-failures") from None

    target: conformance.Target
    if exec_command:
        try:
            target = conformance.ExecTarget(exec_command, timeout=timeout, scrub_env=scrub_env,
                                            expose_env_keys=expose_env_keys_to_adapter)
        except conformance.KeysInEnvironment as exc:
            raise _unusable(exec_command, exc) from None
    else:
        target = conformance.LibraryTarget()
    progress = _progress if sys.stderr.isatty() and not as_json else None
    try:
        report = conformance.run(cases, target, policy, progress=progress, expected_failures=expected)
    except conformance.TargetUnusable as exc:
        raise _unusable(exec_command or "", exc) from None
    finally:
        target.close()

    if write_baseline is not None:
        text, count = conformance.baseline(report)
        write_baseline.write_text(text, encoding="utf-8")
        click.echo(f"wrote {count} failing case(s) to {write_baseline}: run with --expect-failures "
                   f"{write_baseline} from now on, and CI fails only when a result changes", err=True)
        report.expected_failures = conformance.ExpectedFailures.parse(text, str(write_baseline))
        report.outcomes = [conformance.expect(o, report.expected_failures) for o in report.outcomes]
    _finish(ctx, report, as_json=as_json, junit_path=junit_path, verbose=verbose)


def _unusable(command: str, exc: conformance.TargetUnusable) -> Eip712KitError:
    """An adapter that cannot run a single case: a usage problem in one sentence, not 469 failures."""
    return Eip712KitError(f"{command!r} cannot be used: {exc}", code="ADAPTER_UNUSABLE", path="--exec")


def _finish(ctx: click.Context, report: conformance.Report, *, as_json: bool, junit_path: Path | None,
            verbose: bool) -> None:
    """Write the reports and exit with the run's verdict."""
    if junit_path is not None:
        junit_path.write_bytes(conformance.render_junit(report))
    if as_json:
        click.echo(dumps(conformance.render_json(report)))
    else:
        click.echo(conformance.render_text(report, verbose=verbose))
    ctx.exit(EXIT_OK if report.ok else EXIT_FAILED)


def _list(files: list[conformance.VectorFile], as_json: bool) -> None:
    rows = [(vf.suite, len(vf.cases), sum(1 for c in vf.cases if c.negative), vf.path) for vf in files]
    if as_json:
        click.echo(json.dumps([{"suite": s, "cases": n, "negative": neg, "file": p} for s, n, neg, p in rows]))
        return
    width = max([len(r[0]) for r in rows] + [5])
    click.echo(f"{'suite'.ljust(width)}  {'cases':>6}  {'negative':>8}  file")
    for suite, n, neg, path in rows:
        click.echo(f"{suite.ljust(width)}  {n:>6}  {neg:>8}  {path}")
    click.echo(f"{'total'.ljust(width)}  {sum(r[1] for r in rows):>6}  {sum(r[2] for r in rows):>8}")


__all__ = ["command"]
