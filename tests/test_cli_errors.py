"""Every failure of every command, in one format — for a person and for a program reading ``--json``.

A refusal is one line on stderr, ``error: <path>: <sentence> [<CODE>]``, and under ``--json`` one
JSON object on stdout, ``{"ok": false, "error": {"code", "message", "path"}}``: whether the kit
refused the input or click refused the command line. The sweep below reads every command and
subcommand from the click tree (a new one is covered by being added) and, for each, provokes every
failure its parameters allow:

* a FILE that does not exist, and one that cannot be read (a directory: the tests run as root,
  for whom no permission bit makes a file unreadable);
* a value an option or argument does not take (``--max-depth abc``, ``--side sideways``);
* an optional extra that is not installed, for the options and commands that
  :data:`eip712kit.base.extras.NEEDED_BY` says need one (its :data:`~eip712kit.base.extras.MODULES`
  hidden, as if never installed);
* an option no command has.

Each runs in this process through :func:`eip712kit.cli.run`, the console script's own path.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from eip712kit.base.errors import CODES
from eip712kit.base.extras import MODULES, NEEDED_BY
from eip712kit.cli import cli
from eip712kit.cli._common import parameter_name
from tests.helpers.cli_runner import invoke

ONE_ERROR_LINE = re.compile(r"error: (?:(?P<path>\S+): )?.+ \[(?P<code>[A-Z0-9_]+)\]\n")
MISSING = "no-such-file.json"
DIRECTORY = "a-directory"
KEYSTORE = "keystore.json"


def commands(command: click.Command = cli, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...],
                                                                                        click.Command]]:
    """Every command that runs, as typed after ``eip712kit``, read from the click tree."""
    ctx = click.Context(command)
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            yield from commands(sub, (*path, name))
        return
    yield path, command
    for name, sub in getattr(command, "subcommands", {}).items():  # doctor message: a command's own subcommand
        yield from commands(sub, (*path, name))


@dataclass(frozen=True)
class Failure:
    """One way to make one command fail, and what it must say."""

    command: tuple[str, ...]
    kind: str
    args: tuple[str, ...]
    code: str
    path: str | None
    hidden: tuple[str, ...] = ()  # modules made unimportable, as if their extra were not installed
    json: bool = False

    @property
    def id(self) -> str:
        return f"{' '.join(self.command)}: {self.kind} {' '.join(self.args)}{' --json' if self.json else ''}"


def _position(command: click.Command, param: click.Parameter) -> tuple[str, ...] | None:
    """How to give ``param`` a value alone: ``--opt`` for an option; an argument only when it comes first."""
    if isinstance(param, click.Option):
        return None if param.is_flag or param.count else (parameter_name(param),)
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    return () if arguments and arguments[0] is param else None


def _reads_a_file(param: click.Parameter) -> bool:
    kind = param.type
    return (isinstance(kind, click.File) and "r" in kind.mode) or (isinstance(kind, click.Path) and kind.exists)


def _opens_a_file(param: click.Parameter) -> bool:
    kind = param.type
    return (isinstance(kind, click.File) and "r" in kind.mode) or (isinstance(kind, click.Path)
                                                                   and not kind.dir_okay)


def _bad_value(param: click.Parameter) -> str | None:
    kind = param.type
    if isinstance(kind, click.Choice):
        return "no-such-choice"
    if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):  # ranges are subclasses
        return "abc"
    return None


def failures_of(path: tuple[str, ...], command: click.Command) -> list[Failure]:
    found = [Failure(path, "unknown option", ("--no-such-option",), "INVALID_USAGE", None)]
    for param in command.params:
        where = _position(command, param)
        if where is None:
            continue
        name = parameter_name(param)
        if _reads_a_file(param):
            found.append(Failure(path, "missing file", (*where, MISSING), "FILE_NOT_FOUND", name))
        if _opens_a_file(param):
            found.append(Failure(path, "unreadable file", (*where, DIRECTORY), "FILE_UNREADABLE", name))
        bad = _bad_value(param)
        if bad is not None:
            found.append(Failure(path, "bad value", (*where, bad), "INVALID_OPTION", name))
    options = {opt for param in command.params if isinstance(param, click.Option) for opt in param.opts}
    for extra, users in NEEDED_BY.items():
        for user in users:
            if user in options:
                value = KEYSTORE if user == "--keystore" else "SOME_VARIABLE"
                found.append(Failure(path, f"without the {extra} extra", (user, value), "EXTRA_MISSING", None,
                                     MODULES[extra]))
            elif user == " ".join(path):
                found.append(Failure(path, f"without the {extra} extra", (), "EXTRA_MISSING", None, MODULES[extra]))
    if "--json" in options:
        found += [Failure(f.command, f.kind, f.args, f.code, f.path, f.hidden, json=True) for f in found]
    return found


FAILURES = [failure for path, command in commands() for failure in failures_of(path, command)]


def test_the_sweep_reaches_every_command_and_every_kind_of_failure() -> None:
    every = {" ".join(path) for path, _ in commands()}
    assert {" ".join(f.command) for f in FAILURES} == every
    assert {"hash", "sera order", "serve", "debug", "doctor message", "check sera"} <= every
    kinds = {f.kind for f in FAILURES}
    assert {"unknown option", "missing file", "unreadable file", "bad value", "without the keys extra",
            "without the server extra"} <= kinds
    assert {" ".join(f.command) for f in FAILURES if f.kind == "without the server extra"} == {"serve", "debug"}
    assert all(f.code in CODES for f in FAILURES)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding what the failures name: a directory where a file belongs, and a keystore."""
    where = tmp_path_factory.mktemp("errors")
    (where / DIRECTORY).mkdir()
    (where / KEYSTORE).write_text('{"version": 3}')
    return where


@pytest.mark.parametrize("failure", FAILURES, ids=lambda f: f.id)
def test_every_failure_is_one_line_and_under_json_one_object(failure: Failure, workdir: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    for module in failure.hidden:
        monkeypatch.setitem(sys.modules, module, None)  # None in sys.modules: the import fails, as if not installed
    args = [*failure.command, *failure.args, *(["--json"] if failure.json else [])]
    result = invoke(*args, input="")
    shown = f"eip712kit {' '.join(args)}\nstdout: {result.stdout!r}\nstderr: {result.stderr!r}"
    assert result.exit_code == 2, shown
    line = ONE_ERROR_LINE.fullmatch(result.stderr)
    assert line, f"not one `error: … [CODE]` line on stderr:\n{shown}"
    assert line["code"] == failure.code, shown
    assert "Usage:" not in result.output and "Traceback" not in result.output, shown
    if not failure.json:
        assert result.stdout == "", shown
        return
    assert result.stdout.count("\n") == 1, f"not exactly one JSON line on stdout:\n{shown}"
    answer = json.loads(result.stdout)
    assert answer["ok"] is False and answer["error"]["code"] == failure.code, shown
    assert isinstance(answer["error"]["message"], str) and answer["error"]["message"], shown
    assert answer["error"].get("path") == failure.path, shown
    assert set(answer["error"]) <= {"code", "message", "path"}, shown


def test_a_relative_file_that_does_not_exist_names_the_directory_it_was_looked_for_in(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    result = invoke("hash", "examples/mail.json")
    assert result.stderr == (f"error: FILE: 'examples/mail.json' does not exist (relative to {workdir}) "
                             "[FILE_NOT_FOUND]\n")


def test_a_bad_value_from_the_environment_names_the_variable() -> None:
    result = invoke("serve", env={"EIP712KIT_SERVE_PORT": "eighty"})
    assert result.stderr == ("error: --port: 'eighty' is not a valid integer range (from the environment: "
                             "EIP712KIT_SERVE_PORT) [INVALID_OPTION]\n")


def test_a_keystore_without_the_keys_extra_says_so_before_asking_for_a_password(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    for module in MODULES["keys"]:
        monkeypatch.setitem(sys.modules, module, None)
    result = invoke("message", "sign", "--text", "hi", "--keystore", KEYSTORE)
    assert result.exit_code == 2
    assert result.stderr == ("error: --keystore needs the keys extra, which is not installed (eth_keyfile is "
                             "missing): pip install 'eip712kit[keys]' [EXTRA_MISSING]\n")


def test_a_keystore_without_a_password_names_the_option_that_gives_one(workdir: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    result = invoke("message", "sign", "--text", "hi", "--keystore", KEYSTORE, "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"] == {
        "code": "KEY_NOT_FOUND", "path": "--password-env",
        "message": f"keystore {KEYSTORE} needs a password and there is no terminal to ask for it: name the "
                   "environment variable that holds it with --password-env NAME"}


@pytest.mark.parametrize("args", [(), ("sera",), ("check",), ("sera", "--json")], ids=" ".join)
def test_a_group_named_alone_says_what_can_follow_in_one_line(args: tuple[str, ...]) -> None:
    result = invoke(*args)
    assert result.exit_code == 2 and ONE_ERROR_LINE.fullmatch(result.stderr), result.output
    if args == ("sera",):
        assert result.stderr == ("error: eip712kit sera needs a command: api-key, cancel, cancel-batch, intent, order, "
                                 "withdraw (eip712kit sera --help says what each does) [INVALID_USAGE]\n")


def test_json_after_a_double_dash_is_an_argument_not_the_mode() -> None:
    result = invoke("uuid", "unpack", "--", "--json")
    assert result.exit_code == 2 and result.stdout == "" and result.stderr.startswith("error: ")
