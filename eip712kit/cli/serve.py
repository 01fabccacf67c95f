"""``eip712kit serve``: run the local Sera reference verifier (needs the ``server`` extra).

Every option can also be set from the environment as ``EIP712KIT_SERVE_<OPTION>`` (``--port`` →
``EIP712KIT_SERVE_PORT``, ``--db`` → ``EIP712KIT_SERVE_DB`` …), for containers and CI; an option
given on the command line wins. The names are made by :func:`env` from the option's name, once.
"""

from __future__ import annotations

import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import click

from ..base import forked
from ..base.errors import Eip712KitError, ProtocolError
from ..base.extras import require_extra
from ..base.limits import load_json
from ..server import runner  # standard library only, like the guard
from ..server import workers as server_workers  # standard library only, too
from ..server.guard import ConnectionLimits  # standard library only: importable without the server extra
from ..server.logs import LOG_FORMATS, LOG_LEVELS  # standard library only, too
from ._common import EXIT_OK

ENV_PREFIX = "EIP712KIT_SERVE_"
EXIT_INTERRUPTED = 130
_LIMITS = ConnectionLimits()


def env(option: str) -> str:
    """The environment variable of a serve option: ``--max-connections`` → ``EIP712KIT_SERVE_MAX_CONNECTIONS``."""
    return ENV_PREFIX + option.lstrip("-").replace("-", "_").upper()


def _option(name: str, *decls: str, **kw: Any) -> Callable[[Any], Any]:
    return click.option(name, *decls, envvar=env(name), show_envvar=True, **kw)


@click.command("serve")
@_option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@_option("--port", type=click.IntRange(0, 65535), default=8712, show_default=True,
         help="Port to listen on; 0 picks a free one (the line printed on start names it).")
@_option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
         help="SQLite file for API keys and used signatures: a plain path (not a file: URI) to a regular file, "
              "new or a store [default: in memory, lost on exit].")
@_option("--executor-id", type=click.IntRange(0, 15), default=None,
         help="The executor_id /health announces and uuid_ints must carry [default: 0].")
@_option("--config", "config_path", type=click.File("rb"), default=None,
         help="JSON settings: chain_id, sera_address, vault_address, sor_address, tokens, markets.")
@_option("--log-level", type=click.Choice(LOG_LEVELS),
         default="warning", show_default=True, help="Level of the server's messages (text: info shows requests).")
@_option("--log-format", type=click.Choice(LOG_FORMATS), default="text", show_default=True,
         help="json: one JSON object per line, one line per request (time, method, path, status, "
              "duration_ms, client); never a body, a header value or a query string.")
@_option("--header-timeout", type=click.FloatRange(0, min_open=True), default=_LIMITS.header_timeout,
         show_default=True, help="Seconds a client has to send a request's headers (408 and closed after).")
@_option("--body-timeout", type=click.FloatRange(0, min_open=True), default=_LIMITS.body_timeout,
         show_default=True, help="Seconds a client has, after its headers, to send the body (408 and closed after).")
@_option("--handler-timeout", type=click.FloatRange(0, min_open=True), default=_LIMITS.handler_timeout,
         show_default=True, help="Seconds the server has to start answering a whole request (503 and closed after).")
@_option("--write-timeout", type=click.FloatRange(0, min_open=True), default=_LIMITS.write_timeout,
         show_default=True, help="Seconds within which an answer must leave the server: a client that does not "
                                 "read it is cut off.")
@_option("--max-connections", type=click.IntRange(1), default=_LIMITS.max_connections, show_default=True,
         help="Open connections beyond this are answered 503 and closed at once (per worker).")
@_option("--workers", type=click.IntRange(1), default=1, show_default=True,
         help="Processes answering on the one port (POSIX), sharing the --db file: one core each.")
def serve_command(host: str, port: int, db_path: str | None, executor_id: int | None,
                  config_path: IO[bytes] | None, log_level: str, log_format: str, header_timeout: float,
                  body_timeout: float, handler_timeout: float, write_timeout: float, max_connections: int,
                  workers: int) -> int:
    """Run the reference verifier: Sera's endpoints, locally.

    Sera's public endpoints under /api/v1, each request checked by this library.

    \b
    Examples:
      eip712kit serve --port 8712 --db verifier.sqlite3
      eip712kit serve --db verifier.sqlite3 --workers 2      two processes, one store
      EIP712KIT_SERVE_PORT=8712 EIP712KIT_SERVE_LOG_FORMAT=json eip712kit serve
      eip712kit check sera --api http://127.0.0.1:8712/api/v1 --side bid --amount 1000.0 \\
          --price 1.085 --from-address EURC --to-address USDC
      curl http://127.0.0.1:8712/api/v1/health

    Serves /health (with executor_id), /system/time, /config, /tokens, /markets,
    /verify-signature and the API-key endpoints (±5-minute window, at most 10 keys,
    409 on a replayed signature); the OpenAPI description at /api/openapi.json and its
    page at /api/docs. Listens on loopback unless --host says otherwise. Every option
    can be set in the environment as EIP712KIT_SERVE_<OPTION> (shown with each option).
    """
    require_server_extra("serve")
    from ..server.app import create_app
    from ..server.settings import ServerSettings
    from ..server.store import ApiKeyStore, SchemaError, store_uri

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
    if workers > 1:
        if db_path is None:
            raise click.UsageError(f"--workers {workers} share the API keys and used signatures through a file: "
                                   "give --db FILE (in memory, each worker would keep its own)")
        if not forked.CAN_FORK:
            raise click.UsageError("--workers above 1 needs fork (Linux, macOS): run one process per port instead")
    try:
        if db_path is not None:
            store_uri(db_path)  # a plain path to a file, checked before a folder is made for it
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        store = ApiKeyStore(db_path or ":memory:")  # with workers: opened (and migrated) once, here
    except SchemaError as exc:
        raise click.UsageError(str(exc)) from None

    limits = ConnectionLimits(header_timeout=header_timeout, body_timeout=body_timeout,
                              handler_timeout=handler_timeout, write_timeout=write_timeout,
                              max_connections=max_connections)
    sock = listen(host, port)
    url = base_url(host, sock)
    click.echo(f"eip712kit reference verifier listening on {url}/api/v1 "
               f"(executor_id {settings.executor_id}, chain {settings.chain_id}, "
               f"db {db_path or 'in memory'}{f', {workers} workers' if workers > 1 else ''}); "
               f"API description at {url}/api/docs, signature debugger at {url}/debug")
    sys.stdout.flush()
    try:
        if workers > 1:
            store.close()  # each worker opens its own connection: one is never shared across a fork

            def serve_one() -> None:
                own = ApiKeyStore(str(db_path))
                try:
                    runner.run(create_app(settings, own), sock, log_level=log_level, log_format=log_format,
                               limits=limits)
                finally:
                    own.close()

            signal.raise_signal(server_workers.run_workers(workers, serve_one))  # as one server re-raises it
        else:
            runner.run(create_app(settings, store), sock, log_level=log_level, log_format=log_format,
                       limits=limits)
    except KeyboardInterrupt:
        if log_format != "json":
            raise  # "aborted", exit 130, as for any interrupted command
        return EXIT_INTERRUPTED  # the same exit, without a line that is not JSON in a JSON log
    finally:
        store.close()
        sock.close()
    return EXIT_OK


def require_server_extra(command: str) -> None:
    """``serve`` and ``debug`` run Starlette under uvicorn: ``EXTRA_MISSING`` naming the install if either is missing.

    Checked before anything starts, for both packages: uvicorn is imported only when the server
    runs (server/runner.py), so a missing one would otherwise surface after the URL was printed.
    """
    require_extra("server", feature=f"eip712kit {command}")


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one), or a usage error that says why not."""
    try:
        return runner.listen(host, port)
    except OSError as exc:
        raise click.UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def base_url(host: str, sock: socket.socket) -> str:
    shown = f"[{host}]" if sock.family == socket.AF_INET6 else host
    return f"http://{shown}:{sock.getsockname()[1]}"


__all__ = ["ENV_PREFIX", "base_url", "env", "listen", "require_server_extra", "serve_command"]
