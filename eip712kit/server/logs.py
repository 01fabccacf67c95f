"""The verifier's logs: one JSON object per line (``--log-format json``), one line per request.

A request line holds what an operator needs to follow traffic — ``time``, ``method``, ``path``,
``status``, ``duration_ms``, ``client`` — and nothing a client sent: never a body, a header value or
a query string (the API-key calls carry their ``signature`` and ``api_key`` in the query, and
self-revoke its secret in ``Authorization``). The path logged is the matched route's (its template,
for a route with a parameter); a path that matches no route is logged as ``"(unknown)"``: it is
text the client chose, and could be anything, a pasted secret included.

Other log records (uvicorn's, the guard's, an unexpected exception's) go through the same
formatter in JSON mode; an exception is logged by its type and stack frames, not its message, which
may quote the request. In text mode (:class:`TextFormatter`) a message is shown through
:func:`eip712kit.protocols.trust.visible` — every control, bidi and zero-width character, and the
newline, escaped — so no client's bytes can move the cursor, recolour, retitle or write a log line
of their own; levels are plain words (no colour codes).
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime, timezone
from typing import Any

from ..protocols.trust import visible

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
"""The ASGI shapes, written once (the access log is the one middleware of the server's own)."""

ACCESS_LOGGER = "eip712kit.server.access"
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
"""uvicorn's log levels, as ``serve`` and ``debug`` offer them."""

UNKNOWN_PATH = "(unknown)"


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time (UTC, ISO 8601), level, logger, message, and a request's fields."""

    REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "client")

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
                    .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "request", None)
        if isinstance(fields, dict):
            out["message"] = "request"
            out.update((k, fields[k]) for k in self.REQUEST_FIELDS if k in fields)
        else:
            out["message"] = record.getMessage()
        if record.exc_info and record.exc_info[0] is not None:
            out["error"], out["stack"] = _exception(record)
        return json.dumps(out, ensure_ascii=True, separators=(",", ":"))


def _exception(record: logging.LogRecord) -> tuple[str, str]:
    """An exception as its type and stack frames: its message may quote the request."""
    assert record.exc_info is not None and record.exc_info[0] is not None
    return record.exc_info[0].__name__, "".join(traceback.format_tb(record.exc_info[2]))


class TextFormatter(logging.Formatter):
    """A log record as one line of text, ``LEVEL:    message``, the message made visible (see above).

    An exception follows as its type and stack frames, never its message (as in JSON mode).
    """

    def format(self, record: logging.LogRecord) -> str:
        level = f"{record.levelname}:"
        line = f"{level:<9} {visible(record.getMessage())}"
        if record.exc_info and record.exc_info[0] is not None:
            error, stack = _exception(record)
            line += f"\n{stack}{error}"
        return line


def _route_path(scope: Scope) -> str:
    """The path of the route that served the request (a template such as ``/debug/assets/{name}``), or
    :data:`UNKNOWN_PATH` when none matched: Starlette's router records its match in the scope."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNKNOWN_PATH


class AccessLog:
    """ASGI middleware: one ``eip712kit.server.access`` record per HTTP request, with the fields above."""

    def __init__(self, app: ASGIApp, logger: logging.Logger | None = None):
        self.app = app
        self.logger = logger or logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Nothing to write (text logs below info, the default): no clock, no watch, no record.
        if scope.get("type") != "http" or not self.logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message.get("type") == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            client = scope.get("client")
            self.logger.info("request", extra={"request": {
                "method": scope.get("method"),
                "path": _route_path(scope),
                "status": status[0] if status else None,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                "client": f"{client[0]}:{client[1]}" if client else None,
            }})


class TextAccessFormatter(logging.Formatter):
    """A request line as text, the fields of the JSON line: ``INFO: 127.0.0.1:5342 - GET /api/v1/health 200 0.8 ms``."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "request", None)
        if not isinstance(fields, dict):
            return super().format(record)
        return visible(f"{record.levelname}: {fields.get('client') or '-'} - {fields.get('method')} "
                       f"{fields.get('path')} {fields.get('status')} {fields.get('duration_ms')} ms")


def logging_config(log_format: str, log_level: str) -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` for uvicorn: its messages and ours, as text or JSON, on stderr.

    Request lines come from :class:`AccessLog` in both formats (uvicorn's own access line, which
    shows the query string, is never used). In JSON mode they are written whatever ``log_level``
    says (asking for JSON logs is asking for request lines); in text mode at ``info`` or
    ``debug``. ``log_level`` sets everything else.
    """
    level = log_level.upper()
    if log_format == "json":
        main: dict[str, Any] = {"()": f"{__name__}.JsonFormatter"}
        access: dict[str, Any] = {"()": f"{__name__}.JsonFormatter"}
        access_level = "INFO"
    else:
        main = {"()": f"{__name__}.TextFormatter"}
        access = {"()": f"{__name__}.TextAccessFormatter"}
        access_level = level
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": main, "access": access},
        "handlers": {
            "main": {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"},
            "access": {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "uvicorn": {"handlers": ["main"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "eip712kit.server": {"handlers": ["main"], "level": level, "propagate": False},
            ACCESS_LOGGER: {"handlers": ["access"], "level": access_level, "propagate": False},
        },
    }


__all__ = ["ACCESS_LOGGER", "LOG_FORMATS", "LOG_LEVELS", "UNKNOWN_PATH", "AccessLog", "JsonFormatter",
           "TextAccessFormatter", "TextFormatter", "logging_config"]
