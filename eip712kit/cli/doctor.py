"""``eip712kit doctor FILE|- SIGNATURE --expect ADDRESS``: why a signature does not verify.

``eip712kit doctor message (--text T | --file F | --challenge F) SIGNATURE --expect ADDRESS`` does
the same for a personal_sign text (Alura's login challenge, any EIP-191 login). ``message`` is
read as that mode's name when it is the first argument (a document file called ``message`` is
``./message``); the two modes share one command so they share its name, options and output.

Exit codes as every command: 0 the signature is valid for the document, 1 it is not (whether or
not a cause was found), 2 bad input (document, signature or address malformed). ``--json``
prints :meth:`Diagnosis.to_dict` for programs. The library is :mod:`eip712kit.doctor`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import IO, Any, ClassVar

import click

from ..base.limits import load_json
from ..core.messages import message_bytes
from ..doctor import DEFAULT_MAX_CANDIDATES, DEFAULT_TIME_BUDGET, Diagnosis, diagnose, diagnose_message
from ..doctor.detection import PROTOCOLS
from ..doctor.findings import Finding, json_safe
from ..protocols.alura import parse_challenge
from ._common import EXIT_INVALID, EXIT_OK, dumps, json_option, read_input


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
    """The human report: verdict, each confirmed cause, other explanations, and the search's account."""
    what = "document" if diagnosis.kind == "typed-data" else "message"
    if diagnosis.valid and diagnosis.cause is None:
        head = f"VALID     the signature verifies for this {what}"
    elif diagnosis.valid:
        head = "VALID     the signature verifies, but in a form strict verifiers refuse"
    else:
        head = f"INVALID   the signature does not verify for this {what}"
    lines = [head, f"expected  {diagnosis.expected}",
             f"recovers  {diagnosis.signer or '(no address)'}  (over the {what} as given)",
             f"digest    0x{diagnosis.digest.hex()}  (the {what}'s)"]
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
        if diagnosis.alternatives:
            lines.append(f"also      {len(diagnosis.alternatives)} other explanation"
                         f"{'s' if len(diagnosis.alternatives) > 1 else ''} of the same digest, as confirmed, "
                         "less likely (ranked):")
            for i, alt in enumerate(diagnosis.alternatives, 1):
                lines.append(f"  {i}. {' + '.join(f.code for f in alt)}")
                lines += ["  " + line for line in _wrap(" ".join(f.sentence for f in alt))]
    plural = "" if diagnosis.candidates == 1 else "s"
    search = f"searched  {diagnosis.candidates} candidate digest{plural} in {diagnosis.elapsed * 1000:.0f} ms"
    if diagnosis.stopped:
        search += f" (stopped at {diagnosis.stopped}: incomplete, not every hypothesis was tried)"
    elif diagnosis.cause == "UNEXPLAINED":
        search += " (complete: every hypothesis and combination was tried)"
    lines.append(search)
    if show_tried and diagnosis.tried:
        width = max(len(t.name) for t in diagnosis.tried)
        lines.append("tried:")
        lines += [f"  {t.name:<{width}}  {t.candidates:>6}  {t.summary}" for t in diagnosis.tried]
    return "\n".join(lines)


def _search_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--tried", "show_tried", is_flag=True,
                     help="List what was searched even when a cause is found.")(f)
    f = click.option("--max-candidates", type=click.IntRange(min=1), default=DEFAULT_MAX_CANDIDATES,
                     show_default=True, help="Stop searching after recovering this many candidate digests.")(f)
    f = click.option("--time-budget", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIME_BUDGET,
                     show_default=True, metavar="SECONDS", help="Stop searching after this long.")(f)
    return f


def _report(ctx: click.Context, run: Callable[[], Diagnosis], as_json: bool, show_tried: bool) -> None:
    """Run a diagnosis and print it; exit 0 valid, 1 invalid; a refusal (exit 2) as every command's is."""
    diagnosis = run()
    if as_json:
        click.echo(dumps(diagnosis.to_dict()))
    else:
        click.echo(render(diagnosis, show_tried=show_tried))
    ctx.exit(EXIT_OK if diagnosis.valid else EXIT_INVALID)


@click.command("message")
@click.argument("signature")
@click.option("--text", "text", help="The message the server asked to sign, exactly.")
@click.option("--file", "file", type=click.File("rb"),
              help="Read the message from a file (- for stdin), byte for byte.")
@click.option("--challenge", "challenge_file", type=click.File("rb"),
              help="An Alura challenge response {address, nonce, message} (- for stdin): its message is the "
                   "text, its nonce is located in it, its address is the default --expect.")
@click.option("--hex", "is_hex", is_flag=True, help="The message is 0x-hex bytes, not text.")
@click.option("--expect", metavar="ADDRESS", help="The address that should have signed (default: the challenge's).")
@click.option("--nonce", "nonces", multiple=True, metavar="NONCE",
              help="Another nonce the client may have signed (an earlier challenge's); repeatable.")
@_search_options
@json_option
@click.pass_context
def message_command(ctx: click.Context, signature: str, text: str | None, file: IO[bytes] | None,
                    challenge_file: IO[bytes] | None, is_hex: bool, expect: str | None, nonces: tuple[str, ...],
                    time_budget: float, max_candidates: int, show_tried: bool, as_json: bool) -> None:
    """Say why SIGNATURE is not the --expect address's personal_sign of a text (a login challenge).

    Give the text the server asked to sign with exactly one of --text, --file or --challenge. The
    doctor recovers the signer and, when it is not the --expect address (or the challenge's), searches
    the usual mistakes — the text versus its hex, a trailing newline, CRLF, trimmed whitespace, another
    nonce or address in the text, the text JSON-quoted or hashed first — and reports the one that
    recovers that address.

    \b
    Exit codes: 0 valid, 1 invalid (explained or not), 2 bad input.
    Examples:
      eip712kit doctor message --challenge challenge.json 0x3f…1c
      eip712kit doctor message --file login.txt 0x3f…1c --expect 0xf39F… --nonce 41
    """
    if sum(x is not None for x in (text, file, challenge_file)) != 1:
        raise click.UsageError("give the message with exactly one of --text, --file or --challenge")

    def run() -> Diagnosis:
        message: str | bytes
        nonce: Any = None
        challenge: dict[str, Any] | None = None
        address = expect
        if challenge_file is not None:
            challenge = load_json(read_input(challenge_file))
            parsed = parse_challenge(challenge if isinstance(challenge, dict) else {})
            message, nonce, address = parsed.message, parsed.nonce, expect or parsed.address
        elif text is not None:
            message = text
        else:
            assert file is not None
            message = read_input(file)
        if is_hex:
            message = message_bytes(message.decode("ascii", "replace") if isinstance(message, bytes) else message,
                                    hex=True)
        if address is None:
            raise click.UsageError("--expect ADDRESS is required (or give --challenge, whose address is used)")
        return diagnose_message(message, signature, address, nonce=nonce, nonces=nonces, challenge=challenge,
                                protocol="alura" if challenge is not None else None, time_budget=time_budget,
                                max_candidates=max_candidates)

    _report(ctx, run, as_json, show_tried)


class _DoctorCommand(click.Command):
    """``doctor FILE SIGNATURE`` and ``doctor message ...``: ``message`` as the first argument picks the text mode."""

    subcommands: ClassVar[dict[str, click.Command]] = {"message": message_command}
    """What a first argument of that name runs instead (a group's subcommands, on a command with arguments)."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        if args and args[0] in self.subcommands:
            return self.subcommands[args[0]].make_context(f"{info_name} {args[0]}", args[1:], parent=parent, **extra)
        return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        if ctx.command is not self:
            return ctx.command.invoke(ctx)
        return super().invoke(ctx)


@click.command("doctor", cls=_DoctorCommand)
@click.argument("file", type=click.File("rb"), metavar="FILE|-")
@click.argument("signature")
@click.option("--expect", required=True, metavar="ADDRESS", help="The address that should have signed.")
@click.option("--protocol", type=click.Choice(PROTOCOLS), default=None,
              help="Hint the protocol (otherwise detected from the document's shape).")
@_search_options
@json_option
@click.pass_context
def command(ctx: click.Context, file: IO[bytes], signature: str, expect: str, protocol: str | None,
            time_budget: float, max_candidates: int, show_tried: bool, as_json: bool) -> None:
    """Say why SIGNATURE is not the --expect address's signature.

    FILE is the typed-data document the server expects ('-' reads stdin); --expect is the address
    that should have signed it. The doctor recovers the signer and, when it is not that address,
    searches the usual mistakes — another chain id, contract, name or version; personal_sign of
    the digest or the JSON; milliseconds for seconds; human amounts; BUY for buy; swapped fields;
    renamed structs; Sera's UUID for its uuid_int; v as 0/1, high-s, compact form … and pairs and
    cheap triples of them — and reports the one whose digest recovers the --expect address, or
    what it tried and whether the search was complete.

    \b
    For a personal_sign text (a login challenge): eip712kit doctor message --help
    Exit codes: 0 valid, 1 invalid (explained or not), 2 bad input.
    Example:
      eip712kit doctor cancel.json 0x3f…1c --expect 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
    """
    _report(ctx, lambda: diagnose(read_input(file), signature, expect, protocol=protocol, time_budget=time_budget,
                                  max_candidates=max_candidates), as_json, show_tried)


__all__ = ["command", "message_command", "render"]
