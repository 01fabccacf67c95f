"""``eip712kit --help`` lists every command without importing one; a raw-key option gets a hint, not a shrug."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from eip712kit.cli import COMMANDS, RAW_KEY_HINT, RAW_KEY_OPTIONS, SHORT_HELP, cli
from tests.helpers.cli_runner import Runner, assert_no_key_material, clean_env
from tests.helpers.devkeys import DEV_KEY
from tests.helpers.examples import EXAMPLES

KEY = DEV_KEY  # PUBLIC development key (Hardhat #0)
MAIL = str(EXAMPLES / "mail.json")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_static_command_list_says_what_each_command_says(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    assert SHORT_HELP.get(name) == command.get_short_help_str(limit=1000), (
        f"eip712kit.cli.SHORT_HELP[{name!r}] must be the first line of that command's help")


def groups(group: click.Group = cli, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Group]]:
    """``eip712kit`` and every group under it, read from the click tree (a new group is covered)."""
    found = [(path, group)]
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        sub = group.get_command(ctx, name)
        if isinstance(sub, click.Group):
            found += groups(sub, (*path, name))
    return found


@pytest.mark.parametrize(("path", "group"), groups(), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_listing_shows_each_summary_whole_in_80_columns(path: tuple[str, ...], group: click.Group) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, [*path, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    listing = result.output.split("Commands:", 1)[1]
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        summary = SHORT_HELP[name] if not path else group.get_command(ctx, name).get_short_help_str(limit=1000)
        assert f"  {name} " in listing and summary in listing, (
            f"`eip712kit {' '.join(path)} --help` cuts {name}'s summary: make the first sentence of its help "
            f"fit the listing ({summary!r})")
    assert "..." not in listing


def test_every_listed_command_exists() -> None:
    assert set(SHORT_HELP) == set(COMMANDS)


def test_help_imports_no_command_module() -> None:
    code = ("import sys\nfrom eip712kit.cli import run\nrun(['--help'])\n"
            "loaded = sorted(m for m in sys.modules if m.startswith(('eip712kit.cli.', 'eip712kit.doctor', "
            "'eip712kit.client', 'eip712kit.conformance', 'eip712kit.server', 'eth_abi', 'eth_account', 'httpx', "
            "'starlette', 'pydantic')) and m not in ('eip712kit.cli._common', 'eip712kit.cli.terminal'))\n"
            "sys.stderr.write(repr(loaded))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=clean_env())
    assert result.returncode == 0, result.stderr
    assert result.stderr == "[]"
    for name in COMMANDS:
        assert f"\n  {name} " in result.stdout


def test_help_shows_the_same_commands_as_before(cli: Runner) -> None:
    result = cli("--help")
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.split("Commands:", 1)[1].splitlines() if line.strip()]
    assert listed == sorted(COMMANDS)


@pytest.mark.parametrize("args", [
    ["sign", MAIL, "--private-key", KEY],
    ["sign", MAIL, f"--private-key={KEY}"],
    ["--private-key", KEY, "sign", MAIL],
    ["message", "sign", "--text", "hi", "--pk", KEY],
    ["hash", MAIL, "--key", KEY],
], ids=["option-then-value", "option=value", "before-the-command", "pk", "key"])
def test_a_raw_key_option_is_answered_with_the_key_sources(cli: Runner, args: list[str]) -> None:
    result = cli(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("error: --") and RAW_KEY_HINT in result.stderr
    assert "No such option" not in result.stderr and "Traceback" not in result.stderr
    assert_no_key_material(result.stdout, result.stderr)


def test_the_hint_names_every_key_source() -> None:
    assert "--private-key" in RAW_KEY_OPTIONS
    for source in ("EIP712KIT_PRIVATE_KEY", "--key-env", "--key-file", "--keystore", "--mnemonic-env"):
        assert source in RAW_KEY_HINT


def test_other_unknown_options_stay_usage_errors(cli: Runner) -> None:
    result = cli("hash", MAIL, "--bogus")
    assert result.returncode == 2 and "No such option" in result.stderr and RAW_KEY_HINT not in result.stderr


def test_version_is_the_one_written_in_the_package_and_its_metadata(cli: Runner) -> None:
    from importlib.metadata import version

    import eip712kit

    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"eip712kit, version {eip712kit.__version__}"
    assert eip712kit.__version__ == version("eip712kit")
