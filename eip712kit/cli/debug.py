"""``eip712kit debug``: the signature debugger page, on a free local port, in the browser.

It runs the same server as ``eip712kit serve`` (the page lives at ``/debug`` of both), bound to
127.0.0.1 only. Given a document (and a signature and an expected address), it opens the page on
that state: they travel in the URL fragment, which the browser keeps to itself — the server sees
them only as the body of the page's own API calls.
"""

from __future__ import annotations

import os
import sys
import webbrowser
from typing import IO

import click

from ..base.limits import DEFAULT_LIMITS
from ..server.logs import LOG_LEVELS  # standard library only: importable without the server extra
from ._common import EXIT_OK, read_input


def _can_open_browser() -> bool:
    """Whether ``webbrowser`` would open a window, not a text browser that takes over this terminal."""
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


@click.command("debug")
@click.argument("file", type=click.File("rb"), required=False, metavar="[FILE|-]")
@click.argument("signature", required=False)
@click.option("--expect", metavar="ADDRESS", default=None, help="The address that should have signed.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1; 0 picks a free one.")
@click.option("--no-browser", is_flag=True, help="Print the URL only; do not open a browser.")
@click.option("--log-level", type=click.Choice(LOG_LEVELS),
              default="warning", show_default=True, help="uvicorn's log level.")
def debug_command(file: IO[bytes] | None, signature: str | None, expect: str | None, port: int,
                  no_browser: bool, log_level: str) -> int:
    """Open the signature debugger page: every hash, and the doctor.

    Every hash of a typed-data document, drawn, and the doctor's answer, on a local page.

    \b
    Examples:
      eip712kit debug                                   an empty page, or pick a bundled vector
      eip712kit debug order.json 0x1b2c… --expect 0xf39F…   opens on that document and signature
      eip712kit debug --no-browser --port 8713          print the URL only

    The page shows each struct's encodeType and typeHash, the message as a tree with every
    field's 32-byte word, struct hashes, domain separator, digest, the recovered signer and,
    with a signature and --expect, why it does not verify. It never asks for a private key;
    it loads nothing from outside this machine. Ctrl-C stops the server.
    """
    from ..server import runner
    from .serve import base_url, listen, require_server_extra

    require_server_extra("debug")
    from ..server.app import create_app
    from ..server.debug import fragment
    from ..server.settings import ServerSettings
    from ..server.store import ApiKeyStore

    if file is None and (signature is not None or expect is not None):
        raise click.UsageError("a signature or --expect goes with a FILE (the document they belong to)")
    state = ""
    if file is not None:
        text = read_input(file, DEFAULT_LIMITS).decode("utf-8", errors="replace")
        state = fragment(text, signature, expect)

    store = ApiKeyStore(":memory:")
    sock = listen("127.0.0.1", port)
    url = f"{base_url('127.0.0.1', sock)}/debug"
    click.echo(f"eip712kit signature debugger at {url}  (Ctrl-C stops it)")
    if state:
        click.echo(f"this document's view: {url}{state}")
    sys.stdout.flush()
    opener = None
    if not no_browser:
        if _can_open_browser():
            def opener() -> None:
                webbrowser.open(url + state)
        else:
            click.echo("no display here: open the URL in a browser yourself", err=True)
    try:
        runner.run(create_app(ServerSettings(), store), sock, log_level=log_level, on_start=opener)
    finally:
        store.close()
    return EXIT_OK


__all__ = ["debug_command"]
