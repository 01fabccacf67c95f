"""``eip712kit serve``: run the local Sera reference verifier (needs the ``server`` extra)."""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import click

from ..errors import Eip712KitError, ProtocolError
from ..limits import load_json
from ._common import EXIT_OK


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8712, show_default=True,
              help="Port to listen on; 0 picks a free one (the line printed on start names it).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
              help="SQLite file for API keys and used signatures [default: in memory, lost on exit].")
@click.option("--executor-id", type=click.IntRange(0, 15), default=None,
              help="The executor_id /health announces and uuid_ints must carry [default: 0].")
@click.option("--config", "config_path", type=click.File("rb"), default=None,
              help="JSON settings: chain_id, sera_address, vault_address, sor_address, tokens, markets.")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]),
              default="warning", show_default=True, help="uvicorn's log level.")
def serve_command(host: str, port: int, db_path: str | None, executor_id: int | None,
                  config_path: IO[bytes] | None, log_level: str) -> int:
    """Run the reference verifier: Sera's public endpoints under /api/v1, checked by this library.

    \b
    Examples:
      eip712kit serve --port 8712 --db verifier.sqlite3
      eip712kit check sera --api http://127.0.0.1:8712/api/v1 --side bid --amount 1000.0 \\
          --price 1.085 --base EURC --quote USDC
      curl http://127.0.0.1:8712/api/v1/health

    Serves /health (with executor_id), /system/time, /config, /tokens, /markets,
    /verify-signature and the API-key endpoints (±5-minute window, at most 10 keys,
    409 on a replayed signature). Listens on loopback unless --host says otherwise.
    """
    try:
        import uvicorn  # noqa: F401 - the server extra is installed (run_server uses it)

        from ..server.app import create_app
    except ModuleNotFoundError as exc:
        raise click.UsageError(f"eip712kit serve needs the server extra ({exc.name} is missing): "
                               "pip install 'eip712kit[server]'") from None
    from ..server.settings import ServerSettings
    from ..server.store import ApiKeyStore

    overrides: dict[str, Any] = {} if executor_id is None else {"executor_id": executor_id}
    if config_path is not None:
        data = load_json(config_path.read())
        if not isinstance(data, dict):
            raise ProtocolError("--config is a JSON object of settings", code="INVALID_CONFIG")
        try:
            settings = ServerSettings.from_config(data, **overrides)
        except Eip712KitError as exc:
            raise exc.at("--config") from None
    else:
        settings = ServerSettings(**overrides)
    if db_path is not None:
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    store = ApiKeyStore(db_path or ":memory:")
    app = create_app(settings, store)

    sock = listen(host, port)
    click.echo(f"eip712kit reference verifier listening on {base_url(host, sock)}/api/v1 "
               f"(executor_id {settings.executor_id}, chain {settings.chain_id}, "
               f"db {db_path or 'in memory'}); signature debugger at {base_url(host, sock)}/debug")
    sys.stdout.flush()
    try:
        run_server(app, sock, log_level)
    finally:
        store.close()
    return EXIT_OK


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one), or a usage error that says why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not the default 0: asyncio turns Nagle's algorithm off only on sockets whose proto
    # says TCP, and accepted connections inherit it. Without it each answer's body waits for the
    # client's delayed ACK of its headers (about 40 ms a request on Linux).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise click.UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    return sock


def base_url(host: str, sock: socket.socket) -> str:
    shown = f"[{host}]" if sock.family == socket.AF_INET6 else host
    return f"http://{shown}:{sock.getsockname()[1]}"


def run_server(app: Any, sock: socket.socket, log_level: str, *,
               on_start: Callable[[], None] | None = None) -> None:
    """Serve ``app`` on ``sock`` until Ctrl-C (uvicorn stops gracefully on SIGINT/SIGTERM); close the socket."""
    import uvicorn

    config = uvicorn.Config(app, log_level=log_level, access_log=log_level in ("info", "debug"), lifespan="off")
    server = uvicorn.Server(config)
    if on_start is not None:
        def watch() -> None:
            while not server.started and not server.should_exit:
                time.sleep(0.05)
            if server.started:
                on_start()

        threading.Thread(target=watch, daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


__all__ = ["base_url", "listen", "run_server", "serve_command"]
