"""HTTP clients for the live endpoints: Sera's public API, Renance's and Alura's login flows.

One hardened transport (:mod:`~.transport`: an overall deadline per exchange, a size cap, strict
JSON, bounded retries) under three protocol clients (:mod:`~.sera`, :mod:`~.logins`). A server only
informs: the clients return what it said, and every answer that cannot be used is a
:class:`~eip712kit.base.errors.NetworkError` (exit 3 at the command line). What a client reads to
sign with (a domain, tokens, a login text) passes the kit's one trust policy
(:mod:`eip712kit.protocols.trust`) first, exactly as at the command line.
"""

from .logins import AluraClient, AluraLogin, RenanceClient, RenanceLogin
from .sera import SeraClient, parse_executor_id, parse_server_time, parse_tokens, parse_verdict
from .transport import DEFAULT_RETRIES, DEFAULT_TIMEOUT, MAX_RESPONSE_BYTES, ApiClient, HttpClient, Response

__all__ = [
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT",
    "MAX_RESPONSE_BYTES",
    "AluraClient",
    "AluraLogin",
    "ApiClient",
    "HttpClient",
    "RenanceClient",
    "RenanceLogin",
    "Response",
    "SeraClient",
    "parse_executor_id",
    "parse_server_time",
    "parse_tokens",
    "parse_verdict",
]
