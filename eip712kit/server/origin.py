"""Who may drive a local server: the rules about ``Host`` and ``Origin``, written once for every page and API.

A verifier listening on 127.0.0.1 is reachable from any web page the user's browser opens. Three
rules keep such a page from driving it: bodies must be JSON (a cross-site page cannot send
``Content-Type: application/json`` without a CORS preflight, and no CORS header is ever sent, so
the preflight fails); a request carrying another site's ``Origin`` is refused; and, when the
server listens on loopback, a ``Host`` that is not a loopback name is refused — that is what a
DNS-rebinding page, which reaches 127.0.0.1 under its own name, looks like.
"""

from __future__ import annotations

import ipaddress
from typing import Any

LOOPBACK_NAMES = frozenset({"localhost", "localhost."})


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address, IPv6 with or without brackets) is this machine's loopback."""
    host = host.strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(host_header: str) -> str:
    """The name part of a ``Host`` header (``127.0.0.1:8712`` → ``127.0.0.1``, ``[::1]:80`` → ``[::1]``)."""
    if host_header.startswith("[") and "]" in host_header:
        return host_header[: host_header.index("]") + 1]
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def foreign_request(host_header: str, origin: str | None, server: Any, scheme: str) -> str | None:
    """Why a request must be refused as driven by another site, or None when it may be served.

    ``server`` is the ASGI scope's ``(address, port)`` the request arrived on.
    """
    if server and is_loopback(str(server[0])) and not is_loopback(host_name(host_header)):
        return (f"this server listens on loopback but was reached as {host_header!r}: use http://127.0.0.1:PORT "
                "(another name may be a DNS-rebinding page)")
    if origin is not None and origin != f"{scheme}://{host_header}":
        return "requests from another site's page are refused: call this server from a program, not a web page"
    return None


__all__ = ["LOOPBACK_NAMES", "foreign_request", "host_name", "is_loopback"]
