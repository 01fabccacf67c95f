"""The verifier's logs: one JSON object per line (``--log-format json``), one line per request.

A request line holds what an operator needs to follow traffic — ``time``, ``method``, ``path``,
``status``, ``duration_ms``, ``client`` — and nothing a client sent: never a body, a header value or
a query string (the API-key calls carry their ``signature`` and ``api_key`` in the query, and
self-revoke its secret in ``Authorization``). A path that matches no route is logged as
``"(unknown)"``: it is text the client chose, and could be anything, a pasted secret included.

Other log records (uvicorn's, the guard's, an unexpected exception's) go through the same
formatter in JSON mode; an exception is logged by its type and stack frames, not its message, which
may quote the request.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime, timezone
from typing import Any

ACCESS_LOGGER = "eip712kit.server.access"
LOG_FORMATS = ("text", "json")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

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
            out["error"] = record.exc_info[0].__name__
            out["stack"] = "".join(traceback.format_tb(record.exc_info[2]))
        return json.dumps(out, ensure_ascii=True, separators=(",", ":"))


def _route_path(app: Any, scope: Scope) -> str:
    """The request path when it is a route of ``app`` (the paths are static), else :data:`UNKNOWN_PATH`."""
    routes = getattr(app, "routes", None) or []
    path = scope.get("path", "")
    for route in routes:
        if getattr(route, "path_regex", None) is not None and route.path_regex.match(path):
            return str(path)
    return UNKNOWN_PATH


class AccessLog:
    """ASGI middleware: one ``eip712kit.server.access`` record per HTTP request, with the fields above."""

    def __init__(self, app: ASGIApp, logger: logging.Logger | None = None):
        self.app = app
        self.logger = logger or logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
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
                "path": _route_path(self.app, scope),
                "status": status[0] if status else None,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                "client": f"{client[0]}:{client[1]}" if client else None,
            }})


def logging_config(log_format: str, log_level: str) -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` for uvicorn: its messages and ours, as text or JSON, on stderr.

    In JSON mode the access logger is at INFO whatever ``log_level`` says (asking for JSON logs is
    asking for request lines); ``log_level`` sets everything else.
    """
    level = log_level.upper()
    if log_format == "json":
        formatter: dict[str, Any] = {"()": f"{__name__}.JsonFormatter"}
    else:
        formatter = {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(levelprefix)s %(message)s",
                     "use_colors": None}
    handler = {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter, "access": {"()": f"{__name__}.JsonFormatter"} if log_format == "json"
                       else {"()": "uvicorn.logging.AccessFormatter",
                             "fmt": '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s'}},
        "handlers": {"main": handler,
                     "access": {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["main"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": ["access"], "level": level, "propagate": False},
            "eip712kit.server": {"handlers": ["main"], "level": level, "propagate": False},
            ACCESS_LOGGER: {"handlers": ["access"], "level": "INFO" if log_format == "json" else "CRITICAL",
                            "propagate": False},
        },
    }


__all__ = ["ACCESS_LOGGER", "LOG_FORMATS", "UNKNOWN_PATH", "AccessLog", "JsonFormatter", "logging_config"]
