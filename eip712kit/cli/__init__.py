"""The ``eip712kit`` command: what a person types at a terminal and a pipeline runs in a script.

Subcommands live in modules named after what they hold and are imported only when used, so that
``eip712kit hash`` does not pay for the HTTP client or the web server — and ``eip712kit --help``
pays for none of them: its command list is the static :data:`SHORT_HELP` (``tests/test_cli_help.py``
holds it to each command's own first line). :func:`main` is the console script: it turns every
refusal into a one-line message and an exit code (see :mod:`eip712kit.cli._common`) and never
shows a traceback for a user's mistake.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from .. import __version__
from ..base.errors import Eip712KitError, NetworkError, TrustError
from ..protocols.trust import visible
from . import terminal
from ._common import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INVALID, EXIT_NETWORK, EXIT_OK, Output, click_refusal, dumps

# name -> "module:attribute"; loaded on first use, so `eip712kit hash` never imports the server.
COMMANDS: dict[str, str] = {
    "hash": "eip712kit.cli.typed:hash_command",
    "sign": "eip712kit.cli.typed:sign_command",
    "recover": "eip712kit.cli.typed:recover_command",
    "verify": "eip712kit.cli.typed:verify_command",
    "message": "eip712kit.cli.message:message_group",
    "uuid": "eip712kit.cli.uuid_int:uuid_group",
    "sera": "eip712kit.cli.sera:sera_group",
    "renance": "eip712kit.cli.renance:renance_group",
    "alura": "eip712kit.cli.alura:alura_group",
    "check": "eip712kit.cli.check:check_group",
    "serve": "eip712kit.cli.serve:serve_command",
    "debug": "eip712kit.cli.debug:debug_command",
    "conformance": "eip712kit.cli.conformance:command",
    "doctor": "eip712kit.cli.doctor:command",
    "solidity": "eip712kit.cli.solidity:command",
}


SHORT_HELP: dict[str, str] = {
    "alura": "Alura's EVM login: sign the challenge with personal_sign.",
    "check": "Check signatures against a live server or eip712kit serve.",
    "conformance": "Check a signer against the golden vectors.",
    "debug": "Open the signature debugger page: every hash, and the doctor.",
    "doctor": "Say why SIGNATURE is not the --expect address's signature.",
    "hash": "Print the EIP-712 digest of a typed-data document.",
    "message": "EIP-191 personal_sign of a message (Alura's login challenge).",
    "recover": "Print the address that signed a typed-data document.",
    "renance": "Build and sign Renance / XBlade Vault requests.",
    "sera": "Build and sign every Sera request that takes a signature.",
    "serve": "Run the reference verifier: Sera's endpoints, locally.",
    "solidity": "Print Solidity that computes EIP-712 hashes.",
    "sign": "Sign a typed-data document as eth_signTypedData_v4 does.",
    "uuid": "Pack, unpack and check Sera's uuid_int order numbers.",
    "verify": "Check that ADDRESS signed a typed-data document: exit 0 or 1.",
}
"""Each command's one-line help, as ``eip712kit --help`` lists it without importing the command."""

RAW_KEY_OPTIONS = frozenset({"--private-key", "--private_key", "--privatekey", "--privateKey", "--pk", "--key",
                             "--raw-key", "--secret-key"})
"""Options other tools (cast's ``--private-key``) take a raw key with; here they get :data:`RAW_KEY_HINT`."""

RAW_KEY_HINT = (
    "no option takes a raw private key (it would stay in shell history and in ps): export it as "
    "EIP712KIT_PRIVATE_KEY, or name its source with --key-env NAME, --key-file PATH, --keystore PATH "
    "or --mnemonic-env NAME"
)


class ReaderGone(Exception):
    """stdout was closed by its reader (``| head``); carried past click, which would exit 1 for it."""


class LazyGroup(click.Group):
    """A group whose subcommands are imported when invoked or listed."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise ReaderGone() from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from :data:`SHORT_HELP`: listing must not import every command (the doctor
        alone brings eth-abi), so ``eip712kit --help`` costs what ``eip712kit --version`` does."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, _shortened(SHORT_HELP.get(name, ""), limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[cmd_name].split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command), COMMANDS[cmd_name]
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
# The version written once in eip712kit/__init__.py (pyproject reads it too): asking the installed
# metadata for it (package_name=) scans site-packages, ~60 ms of every `eip712kit --version`.
@click.version_option(version=__version__, prog_name="eip712kit")
def cli() -> None:
    """EIP-712 and EIP-191 signatures for trading APIs (Sera, Renance/XBlade Vault, Alura).

    \b
    Examples:
      eip712kit hash order.json --trace          every intermediate of the digest
      eip712kit sign order.json                  key from $EIP712KIT_PRIVATE_KEY
      eip712kit verify order.json 0xSIG 0xADDR   exit 0 valid, 1 invalid
      eip712kit hash --jsonl - < docs.jsonl      one result line per document
      eip712kit serve --port 8712                local Sera reference verifier
      eip712kit debug order.json                 every hash, and the doctor, in a browser

    \b
    Exit codes: 0 ok, 1 invalid or mismatch, 2 bad input or usage,
    3 network or server error, 70 internal error.
    Keys come from --key-env NAME (default EIP712KIT_PRIVATE_KEY), --key-file,
    --keystore or --mnemonic-env; no option takes a raw key.
    """


def _shortened(text: str, limit: int) -> str:
    """``text`` cut at a word to fit ``limit`` columns, with "..." as click marks a cut help line."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 3, 1)].rsplit(" ", 1)[0].rstrip(",;:") + "..."


def _report_error(exc: Eip712KitError, argv: list[str] | None = None) -> int:
    """The one way every refusal reaches the user: ``error: <path>: <sentence> [<CODE>]`` on stderr and,
    under ``--json``, ``{"ok": false, "error": {"code", "message", "path"}}`` on stdout."""
    # A server fault is exit 3; a refusal to sign what a server sent (it differs from what is pinned)
    # is a verdict, exit 1; everything else is the caller's input to fix, exit 2.
    code = EXIT_NETWORK if isinstance(exc, NetworkError) else EXIT_INVALID if isinstance(exc, TrustError) \
        else EXIT_BAD_INPUT
    if Output.json or _asks_for_json(argv or []):
        click.echo(dumps({"ok": False, "error": exc.to_dict()}))
    click.echo(f"error: {visible(str(exc))}", err=True)
    return code


def _missing_command(exc: click.exceptions.NoArgsIsHelpError) -> Eip712KitError:
    """A group named alone (``eip712kit sera``): one line that lists what can follow, not click's help page."""
    group, ctx = exc.ctx.command if exc.ctx else cli, exc.ctx or click.Context(cli)
    names = group.list_commands(ctx) if isinstance(group, click.Group) else []
    return Eip712KitError(f"{ctx.command_path} needs a command: {', '.join(names)} ({ctx.command_path} --help says "
                          "what each does)", code="INVALID_USAGE")


def _asks_for_json(argv: list[str]) -> bool:
    """Whether the command line says ``--json``, read from the words themselves.

    click sets the output mode when it reaches ``--json``; a refusal of an earlier word (a FILE that
    does not exist, ``--max-depth abc``) comes before that, and must still answer in JSON.
    """
    words = argv[: argv.index("--")] if "--" in argv else argv
    return "--json" in words


def run(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code (what :func:`main` exits with)."""
    Output.json = False
    _escape_unencodable_output()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result: Any = cli.main(args=args, prog_name="eip712kit", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.exceptions.NoArgsIsHelpError as exc:
        return _report_error(_missing_command(exc), args)
    except click.exceptions.NoSuchOption as exc:
        if exc.option_name in RAW_KEY_OPTIONS:
            return _report_error(Eip712KitError(RAW_KEY_HINT, code="INVALID_USAGE", path=exc.option_name), args)
        return _report_error(click_refusal(exc), args)
    except click.exceptions.ClickException as exc:
        return _report_error(click_refusal(exc), args)
    except Eip712KitError as exc:
        return _report_error(exc, args)
    except (BrokenPipeError, ReaderGone):
        # The reader went away (``| head``): stop quietly, as other Unix tools do.
        _silence_stdout()
        return EXIT_OK
    except (KeyboardInterrupt, EOFError):
        click.echo("aborted", err=True)
        return 130
    except Exception as exc:
        if os.environ.get("EIP712KIT_DEBUG") == "1":
            raise
        click.echo(
            f"eip712kit: internal error ({type(exc).__name__}). This is a bug in eip712kit, not in your input: "
            "please report it to the eip712kit issue tracker with the command you ran and `eip712kit --version` "
            "(EIP712KIT_DEBUG=1 shows the traceback; read it before sharing).",
            err=True,
        )
        return EXIT_INTERNAL
    return result if isinstance(result, int) else EXIT_OK


def _escape_unencodable_output() -> None:
    """Print a lone surrogate as ``\\udXXX`` rather than die writing it, and nothing unseen as itself.

    Input can carry one — a JSON ``"\\ud800"``, or argv bytes that are not UTF-8 — and refusals
    echo the offending name. Inside a JSON string the escape is that same value, so JSON output
    stays valid JSON. The same guard writes every control, bidi and zero-width character as its
    escape (:mod:`eip712kit.cli.terminal`): no string from a server or a file drives the terminal.
    """
    for stream in (sys.stdout, sys.stderr):
        terminal.guard(stream)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main() -> None:
    """Console-script entry point."""
    code = run()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    sys.exit(code)


__all__ = ["COMMANDS", "RAW_KEY_HINT", "SHORT_HELP", "cli", "main", "run"]
