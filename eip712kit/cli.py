"""The ``eip712kit`` command (grown into the full CLI in its own issue)."""

from __future__ import annotations

import sys

import click

from . import TypedData
from .errors import Eip712KitError


@click.group()
def cli() -> None:
    """EIP-712 / EIP-191 signatures for trading APIs."""


@cli.command("hash")
@click.argument("file", type=click.File("rb"))
def hash_command(file: click.utils.LazyFile) -> None:
    """Print the EIP-712 digest of a typed-data document."""
    try:
        td = TypedData(file.read())
    except Eip712KitError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo("0x" + td.digest().hex())


def main() -> None:
    cli()
