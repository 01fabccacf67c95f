"""``eip712kit doctor FILE|- SIGNATURE --expect ADDRESS``: why a signature does not verify.

Exit codes as every command: 0 the signature is valid for the document, 1 it is not (whether or
not a cause was found), 2 bad input (document, signature or address malformed). ``--json``
prints :meth:`Diagnosis.to_dict` for programs. The library is :mod:`eip712kit.doctor`.
"""

from __future__ import annotations

import textwrap
from typing import IO, Any

import click

from ..doctor import DEFAULT_MAX_CANDIDATES, DEFAULT_TIME_BUDGET, Diagnosis, diagnose
from ..doctor.context import PROTOCOLS
from ..doctor.findings import Finding, json_safe
from ..errors import Eip712KitError
from ._common import EXIT_BAD_INPUT, EXIT_INVALID, EXIT_OK, dumps, json_option, read_input


def _value(value: Any) -> str:
    shown = json_safe(value)
    return shown if isinstance(shown, str) else dumps(shown)


def _wrap(text: str) -> list[str]:
    # Hex strings, addresses and UUIDs stay whole so they can be copied.
    return textwrap.wrap(text, 96, initial_indent="  ", subsequent_indent="  ", break_long_words=False,
                         break_on_hyphens=False)


def _finding_lines(finding: Finding) -> list[str]:
    lines = [f"cause     {finding.code}", *_wrap(finding.sentence)]
    for label, value in (("field", finding.field), ("step", finding.step)):
        if value:
            lines.append(f"  {label:<7} {value}")
    if finding.signed_value is not None or finding.given_value is not None:
        lines.append(f"  signed  {_value(finding.signed_value)}")
        lines.append(f"  given   {_value(finding.given_value)}")
    return lines


def render(diagnosis: Diagnosis, *, show_tried: bool = False) -> str:
    """The human report: verdict, each confirmed cause, and the search's account."""
    if diagnosis.valid and diagnosis.cause is None:
        head = "VALID     the signature verifies for this document"
    elif diagnosis.valid:
        head = "VALID     the signature verifies, but in a form strict verifiers refuse"
    else:
        head = "INVALID   the signature does not verify for this document"
    lines = [head, f"expected  {diagnosis.expected}",
             f"recovers  {diagnosis.signer or '(no address)'}  (over the document as given)",
             f"digest    0x{diagnosis.digest.hex()}  (the document's)"]
    if diagnosis.signed_digest is not None and diagnosis.signed_digest != diagnosis.digest:
        lines.append(f"found     0x{diagnosis.signed_digest.hex()}  (the digest the signature was made over)")
    if diagnosis.protocol:
        lines.append(f"protocol  {diagnosis.protocol}")
    if diagnosis.cause == "UNEXPLAINED":
        lines += ["cause     UNEXPLAINED", *_wrap(diagnosis.sentence)]
        show_tried = True
    else:
        if len(diagnosis.findings) > 1:
            lines.append(f"{len(diagnosis.findings)} findings, all confirmed by recovering {diagnosis.expected}:")
        for finding in diagnosis.findings:
            lines += _finding_lines(finding)
        if diagnosis.signature != diagnosis.canonical_signature and diagnosis.cause is not None:
            lines.append(f"canonical {diagnosis.canonical_signature}")
    plural = "" if diagnosis.candidates == 1 else "s"
    search = f"searched  {diagnosis.candidates} candidate digest{plural} in {diagnosis.elapsed * 1000:.0f} ms"
    if diagnosis.stopped:
        search += f" (stopped at {diagnosis.stopped}: not every hypothesis was tried)"
    lines.append(search)
    if show_tried and diagnosis.tried:
        width = max(len(t.name) for t in diagnosis.tried)
        lines.append("tried:")
        lines += [f"  {t.name:<{width}}  {t.candidates:>6}  {t.summary}" for t in diagnosis.tried]
    return "\n".join(lines)


@click.command("doctor")
@click.argument("file", type=click.File("rb"), metavar="FILE|-")
@click.argument("signature")
@click.option("--expect", required=True, metavar="ADDRESS", help="The address that should have signed.")
@click.option("--protocol", type=click.Choice(PROTOCOLS), default=None,
              help="Hint the protocol (otherwise detected from the document's shape).")
@click.option("--time-budget", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIME_BUDGET,
              show_default=True, metavar="SECONDS", help="Stop searching after this long.")
@click.option("--max-candidates", type=click.IntRange(min=1), default=DEFAULT_MAX_CANDIDATES, show_default=True,
              help="Stop searching after recovering this many candidate digests.")
@click.option("--tried", "show_tried", is_flag=True, help="List what was searched even when a cause is found.")
@json_option
@click.pass_context
def command(ctx: click.Context, file: IO[bytes], signature: str, expect: str, protocol: str | None,
            time_budget: float, max_candidates: int, show_tried: bool, as_json: bool) -> None:
    """Say why SIGNATURE does not verify as ADDRESS's signature of the typed data in FILE.

    FILE is the document the server expects ('-' reads stdin). The doctor recovers the signer and,
    when it is not ADDRESS, searches the usual mistakes — another chain id, contract, name or
    version; personal_sign of the digest or the JSON; milliseconds for seconds; human amounts;
    BUY for buy; Sera's UUID for its uuid_int; v as 0/1, high-s, compact form … — and reports the
    one whose digest recovers ADDRESS, or what it tried.

    \b
    Exit codes: 0 valid, 1 invalid (explained or not), 2 bad input.
    Example:
      eip712kit doctor cancel.json 0x3f…1c --expect 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
    """
    try:
        diagnosis = diagnose(read_input(file), signature, expect, protocol=protocol, time_budget=time_budget,
                             max_candidates=max_candidates)
    except Eip712KitError as exc:
        if as_json:
            click.echo(dumps({"ok": False, "error": exc.to_dict()}))
        click.echo(f"error: {exc}", err=True)
        ctx.exit(EXIT_BAD_INPUT)
    if as_json:
        click.echo(dumps(diagnosis.to_dict()))
    else:
        click.echo(render(diagnosis, show_tried=show_tried))
    ctx.exit(EXIT_OK if diagnosis.valid else EXIT_INVALID)


__all__ = ["command", "render"]
