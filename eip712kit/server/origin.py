"""Who may drive a local server: the rules about ``Host`` and ``Origin``, written once for every page and API.

A verifier listening on 127.0.0.1 is reachable from any web page the user's browser opens. Three
rules keep such a page from driving it: bodies must be JSON (a cross-site page cannot send
``Content-Type: application/json`` without a CORS preflight, and no CORS header is ever sent, so
the preflight fails); a request carrying another site's ``Origin`` is refused; and, when the
server listens on loopback, a ``Host`` that is not a loopback name is refused — that is what a
DNS-rebinding page, which reaches 127.0.0.1 under its own name, looks like.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

from starlette.requests import ClientDisconnect
from starlette.types import Receive

LOOPBACK_NAMES = frozenset({"localhost", "localhost."})


@functools.lru_cache(maxsize=256)
def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address, IPv6 with or without brackets) is this machine's loopback.

    Asked twice a request (the listening address, the ``Host`` name), nearly always of the same few
    values: remembered, as parsing an address costs more than the rest of the origin rules.
    """
    host = host.strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(host_header: str) -> str:
    """The name part of a ``Host`` header (``127.0.0.1:8712`` → ``127.0.0.1``, ``[::1]:80`` → ``[::1]``).

    An IPv6 address is bracketed in a ``Host`` header; an unbracketed one (``::1``) is not a valid
    header and gives an empty name, which no rule takes for loopback.
    """
    if host_header.startswith("[") and "]" in host_header:
        return host_header[: host_header.index("]") + 1]
    if host_header.count(":") > 1:
        return ""
    return host_header.rsplit(":", 1)[0]


def rebinding_suspect(host_header: str, server: Any) -> bool:
    """Whether a request reached a loopback listener under a name that is not loopback (DNS rebinding).

    ``server`` is the ASGI scope's ``(address, port)`` the request arrived on.
    """
    return bool(server) and is_loopback(str(server[0])) and not is_loopback(host_name(host_header))


def cross_site(origin: str | None, scheme: str, host_header: str) -> bool:
    """Whether the request carries the ``Origin`` of a page other than this server's own."""
    return origin is not None and origin != f"{scheme}://{host_header}"


def is_json_content_type(content_type: str) -> bool:
    """``application/json``, UTF-8 if a charset is named: the only body a local server reads.

    A page of another site can POST ``text/plain`` or a form to 127.0.0.1 without asking; it
    cannot send ``application/json`` without a CORS preflight, which these servers never grant.
    """
    if content_type == "application/json":  # what nearly every client sends: no parameters to read
        return True
    media_type, _, params = content_type.partition(";")
    charset = ""
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower() == "application/json" and charset in ("", "utf-8", "utf8")


async def read_capped(content_length: str | None, receive: Receive, limit: int) -> bytes | None:
    """The whole body, read from the ASGI ``receive``, or None as soon as it is known to be over ``limit`` bytes.

    A declared ``Content-Length`` over the limit is refused before a byte is read; the body is
    counted as it arrives, so a body that lies about its length (or has none) is cut off at the
    limit. A client gone meanwhile is :class:`~starlette.requests.ClientDisconnect`, as Starlette's
    ``Request.stream`` says it; the messages are read here rather than through that stream (an
    async generator, which cost three times the reading on every request).
    """
    if content_length is not None and content_length.isascii() and content_length.isdigit() and (
            int(content_length) > limit):
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        kind = message["type"]
        if kind == "http.disconnect":
            raise ClientDisconnect()
        if kind != "http.request":
            continue
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        if not message.get("more_body", False):
            if not chunks:
                return chunk
            chunks.append(chunk)
            return b"".join(chunks)
        chunks.append(chunk)


def foreign_request(host_header: str, origin: str | None, server: Any, scheme: str) -> str | None:
    """Why an API request must be refused as driven by another site, or None when it may be served."""
    if rebinding_suspect(host_header, server):
        return (f"this server listens on loopback but was reached as {host_header!r}: use http://127.0.0.1:PORT "
                "(another name may be a DNS-rebinding page)")
    if cross_site(origin, scheme, host_header):
        return "requests from another site's page are refused: call this server from a program, not a web page"
    return None


__all__ = ["LOOPBACK_NAMES", "cross_site", "foreign_request", "host_name", "is_json_content_type", "is_loopback",
           "read_capped", "rebinding_suspect"]
