"""The signature debugger: the page at ``/debug`` and the small JSON API it computes with.

People who debug a rejected signature often hold a wallet signature in a browser, not a terminal.
This page shows what ``eip712kit hash --trace`` and ``eip712kit doctor`` compute — every struct's
``encodeType`` and ``typeHash``, each field's 32-byte word, struct hashes down the tree, the domain
separator, the digest, the recovered signer and the doctor's cause — where they would rather look.

Every value on the page comes from the library through this module's API; the page's script only
draws. The API reads documents with the CLI's limits (:data:`~eip712kit.base.limits.DEFAULT_LIMITS`)
and refuses with the CLI's error objects (``{"code", "message", "path"}`` in
``{"ok": false, "error": …}``, as ``--json`` prints them).

Safe by construction, because the page runs in a browser that also visits other sites:

* no private key is ever asked for or accepted: a body with any field beyond ``document``,
  ``signature`` and ``expect`` is refused, a key-like name (``privateKey``, ``mnemonic`` …) with
  a sentence saying why, and a "signature" that has the shape of a key (32 bytes of hex) or of a
  mnemonic is refused without being echoed;
* POSTs need ``Content-Type: application/json``: a page of another origin cannot send that without
  a CORS preflight, and preflights get no CORS headers (they are refused), so it cannot drive the
  API; a request whose ``Origin`` is another site is refused too, and when the server listens on
  loopback, so is a ``Host`` that is not a loopback name (DNS rebinding);
* every asset is served from the package (no CDN, no web fonts) under a Content-Security-Policy
  whose ``default-src 'self'`` forbids any request to another host, with no inline script;
* bodies are bounded before they are parsed; the document itself is bounded as the CLI bounds it.

The page keeps its state in the URL fragment (``/debug#doc=…&sig=…&expect=…``, each value
base64url-encoded JSON text), which browsers never send to a server: :func:`fragment` builds one.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import threading
from collections.abc import Awaitable, Callable, Mapping
from importlib import resources
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..base.errors import DocumentError, Eip712KitError, SignatureError, ValueEncodingError
from ..base.limits import DEFAULT_LIMITS, Limits, load_json
from ..base.parsers import parse_address, to_checksum_address
from ..base.secrets import secret_shape
from ..core.api import check_typed_data, recover_typed_data
from ..core.signature import Signature
from ..core.trace import trace_typed_data
from ..core.typed_data import TypedData
from ..doctor import diagnose
from ..doctor.findings import json_safe
from .origin import cross_site, is_json_content_type, read_capped, rebinding_suspect

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""No request to another host, no inline script or style, never framed (clickjacking)."""

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}

ASSETS: dict[str, str] = {
    "debug.css": "text/css; charset=utf-8",
    "debug.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
"""The files under ``static/debug`` the page loads, with their media types; nothing else is served."""

BODY_FIELDS = ("document", "signature", "expect")

_KEY_LIKE = r"(?i)priv|secret|mnemonic|seed|phrase|passw|keystore|(^|_)key($|_)|Key$|^key"


def max_body_bytes(limits: Limits = DEFAULT_LIMITS) -> int:
    """Largest API body: a document at the CLI's limit, JSON-escaped in a string, and two short fields."""
    return 2 * limits.max_document_bytes + 16 * 1024


def fragment(document: str | Mapping[str, Any], signature: str | None = None, expect: str | None = None) -> str:
    """The ``#doc=…&sig=…&expect=…`` fragment that opens the page on this state.

    Each value is base64url (no padding) of its JSON text in UTF-8: the document's text as given
    (so a link reproduces it byte for byte), the signature and address as JSON strings.
    """
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    parts = [("doc", text)]
    if signature:
        parts.append(("sig", json.dumps(signature)))
    if expect:
        parts.append(("expect", json.dumps(expect)))
    return "#" + "&".join(
        f"{name}={base64.urlsafe_b64encode(value.encode('utf-8')).decode('ascii').rstrip('=')}"
        for name, value in parts)


# --- responses ----------------------------------------------------------------------------------

class Refusal(Exception):
    """A request the API does not compute: a status and the CLI's error object."""

    def __init__(self, status: int, error: Eip712KitError | dict[str, Any]):
        super().__init__(str(error))
        self.status = status
        self.error = error.to_dict() if isinstance(error, Eip712KitError) else error


def _request_error(message: str, path: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": "INVALID_REQUEST", "message": message}
    if path:
        error["path"] = path
    return error


def json_response(body: Any, status: int = 200) -> Response:
    """JSON with non-ASCII escaped, so a lone surrogate echoed from input stays valid UTF-8 and JSON."""
    return Response(json.dumps(body, ensure_ascii=True, separators=(",", ":")), status_code=status,
                    media_type="application/json", headers=SECURITY_HEADERS)


# --- what a request may be ----------------------------------------------------------------------

def require_origin(request: Request) -> None:
    """Refuse a request another site makes the browser send, or one that reached loopback by a foreign name.

    The rules are the API's (server/origin.py); only the sentences speak of the page.
    """
    host_header = request.headers.get("host", "")
    if rebinding_suspect(host_header, request.scope.get("server")):
        raise Refusal(403, _request_error(
            f"this server listens on loopback but was reached as {host_header!r}: open it as "
            "http://127.0.0.1:PORT/debug (another name may be a DNS-rebinding page)"))
    if cross_site(request.headers.get("origin"), request.url.scheme, host_header):
        raise Refusal(403, _request_error("requests from another site's page are refused: "
                                          "open the debugger from this server's own /debug"))


async def read_body(request: Request, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """The API body as ``{"document": …, "signature"?: str, "expect"?: str}``, bounded and vetted."""
    if not is_json_content_type(request.headers.get("content-type", "")):
        raise Refusal(415, _request_error("send the body as Content-Type: application/json"))
    limit = max_body_bytes(limits)
    raw = await read_capped(request.headers.get("content-length"), request.receive, limit)
    if raw is None:
        raise Refusal(413, DocumentError(f"the request body is over {limit} bytes", code="LIMIT_EXCEEDED"))
    try:
        body = load_json(raw, Limits(max_document_bytes=limit, max_depth=limits.max_depth))
    except Eip712KitError as exc:
        raise Refusal(400, _request_error(f"the request body is not JSON: {exc.message}")) from None
    if not isinstance(body, dict):
        raise Refusal(400, _request_error('the body is {"document": …, "signature": "0x…", "expect": "0x…"}'))
    for name in body:
        if re.search(_KEY_LIKE, name):
            raise Refusal(400, _request_error(
                f"{name!r} looks like a key, mnemonic or password field: the debugger never takes one — "
                "it needs only the document, the signature and the expected address", name))
        if name not in BODY_FIELDS:
            raise Refusal(400, _request_error(
                f"unexpected field {name!r}: the body holds only {', '.join(BODY_FIELDS)}", name))
    if "document" not in body:
        raise Refusal(400, _request_error("the body has no 'document'", "document"))
    for name in ("signature", "expect"):
        value = body.get(name)
        if value is not None and type(value) is not str:
            raise Refusal(400, _request_error(f"{name} is a string", name))
    return body


def _refuse_secret_shape(value: str, path: str) -> None:
    """A key or a phrase pasted where the signature or the address goes: refuse it, and never echo it."""
    shape = secret_shape(value)
    if shape is None:
        return
    error: type[Eip712KitError]
    if path == "signature":
        error, code, wanted = SignatureError, "SIGNATURE_MALFORMED", "a signature (65 bytes, or 64 compact)"
    else:
        error, code, wanted = ValueEncodingError, "INVALID_ADDRESS", "an address (20 bytes)"
    if shape == "key":
        raise error(f"this is 32 bytes of hex, the size of a private key, not of {wanted}. "
                    "The debugger never needs a key: do not paste one here or anywhere else", code=code, path=path)
    raise error(f"this is a list of words, the shape of a mnemonic phrase, not {wanted}. "
                "The debugger never needs a phrase: do not paste one here or anywhere else", code=code, path=path)


def _document_bytes(document: Any) -> bytes:
    """The document as the CLI reads it: JSON text in UTF-8 (an object is written out as JSON)."""
    if isinstance(document, str):
        try:
            return document.encode("utf-8")
        except UnicodeEncodeError:
            raise DocumentError("the document holds an unpaired UTF-16 surrogate, which is not text",
                                code="INVALID_JSON") from None
    if isinstance(document, dict):
        return json.dumps(document, ensure_ascii=True).encode("ascii")
    raise DocumentError("document is the typed-data JSON text, or the object itself", code="INVALID_DOCUMENT")


def _typed_data(document: Any, limits: Limits) -> tuple[bytes, TypedData]:
    source = _document_bytes(document)
    return source, TypedData(source, limits=limits)


def _error_or(fn: Callable[[], dict[str, Any]], path: str) -> dict[str, Any]:
    try:
        return fn()
    except Eip712KitError as exc:
        if not exc.path:
            exc.at(path)
        return {"error": exc.to_dict()}


# --- the computations (threads: each is CPU work) -----------------------------------------------

def inspect(body: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """The trace of the document, the signer its signature recovers and whether that is ``expect``.

    A malformed document is a refusal (it has no trace); a malformed signature or address is
    reported beside the trace, at its own path, so the page still shows every hash.
    """
    _, td = _typed_data(body["document"], limits)
    out: dict[str, Any] = {"ok": True, "trace": json_safe(trace_typed_data(td).to_dict()),
                           "recovered": None, "expected": None, "verification": None}
    signature, expect = body.get("signature") or None, body.get("expect") or None

    def recovered() -> dict[str, Any]:
        assert signature is not None
        _refuse_secret_shape(signature, "signature")
        parts = Signature.parse(signature)
        result: dict[str, Any] = {"parts": parts.to_dict(),
                                  "signer": recover_typed_data(td, parts, allow_high_s=True)}
        return result

    def expected() -> dict[str, Any]:
        assert expect is not None
        _refuse_secret_shape(expect, "expect")
        return {"address": to_checksum_address(parse_address(expect))}

    if signature is not None:
        out["recovered"] = _error_or(recovered, "signature")
    if expect is not None:
        out["expected"] = _error_or(expected, "expect")
    if signature is not None and expect is not None and "error" not in out["recovered"] \
            and "error" not in out["expected"]:
        out["verification"] = check_typed_data(td, signature, expect).to_dict()
    return out


def diagnosis(body: Mapping[str, Any], limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """The doctor's answer for the document, signature and expected address (all three required)."""
    for name in ("signature", "expect"):
        if not body.get(name):
            raise Refusal(400, _request_error(f"the doctor needs {name!r}", name))
    source, _ = _typed_data(body["document"], limits)  # refused here with the API's limits, as in inspect
    _refuse_secret_shape(body["signature"], "signature")
    _refuse_secret_shape(body["expect"], "expect")
    # The text, not the TypedData: the doctor's "personal_sign of the JSON" hypothesis reads it.
    return {"ok": True, "diagnosis": diagnose(source, body["signature"], body["expect"]).to_dict()}


# --- the examples: the bundled golden vectors ---------------------------------------------------

_SUITES = {"core": "EIP-712 core vectors", "sera": "Sera vectors", "renance": "Renance / XBlade Vault vectors",
           "negative": "Invalid documents (negative vectors)"}


@functools.cache
def examples() -> dict[str, dict[str, Any]]:
    """Every typed-data case of the bundled vectors, by id: a place to start from, signed where the vector is."""
    from ..conformance import load_vectors

    out: dict[str, dict[str, Any]] = {}
    for vf in load_vectors():
        for case in vf.cases:
            if case.kind != "typed_data" or vf.suite not in _SUITES:
                continue
            expected = case.expected or {}
            entry: dict[str, Any] = {"id": case.id, "group": _SUITES[vf.suite], "description": case.description,
                                     "document": _example_text(case.input["typed_data"])}
            if isinstance(expected.get("signature"), str) and isinstance(expected.get("signer"), str):
                entry["signature"] = expected["signature"]
                entry["expect"] = expected["signer"]
            if case.error is not None:
                entry["error"] = dict(case.error)
            out[case.id] = entry
    return out


def _example_text(document: Any) -> str:
    try:
        text = json.dumps(document, indent=2, ensure_ascii=False)
        text.encode("utf-8")
    except UnicodeEncodeError:  # a negative vector's lone surrogate: keep it as its JSON escape
        text = json.dumps(document, indent=2, ensure_ascii=True)
    return text


# --- routes -------------------------------------------------------------------------------------

@functools.cache
def _asset(name: str) -> bytes:
    return (resources.files("eip712kit.server") / "static" / "debug" / name).read_bytes()


def debug_routes(limits: Limits = DEFAULT_LIMITS) -> list[BaseRoute]:
    """The page, its assets and its API, to add to any Starlette app (``eip712kit serve`` and ``debug``)."""
    doctor_lock = threading.Lock()  # one doctor search at a time: each may take seconds of CPU

    def guarded(fn: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(fn)  # the docstring is the route's summary in /api/openapi.json
        async def wrapped(request: Request) -> Response:
            try:
                require_origin(request)
                return await fn(request)
            except Refusal as exc:
                return json_response({"ok": False, "error": exc.error}, exc.status)
            except Eip712KitError as exc:
                return json_response({"ok": False, "error": exc.to_dict()}, 422)

        return wrapped

    @guarded
    async def page(request: Request) -> Response:
        """The signature debugger page."""
        return Response(_asset("index.html"), media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    @guarded
    async def asset(request: Request) -> Response:
        """One of the page's own files (script, stylesheet, icon)."""
        name = request.path_params["name"]
        if name not in ASSETS:
            raise Refusal(404, _request_error(f"no asset {name!r}"))
        return Response(_asset(name), media_type=ASSETS[name], headers=SECURITY_HEADERS)

    @guarded
    async def inspect_endpoint(request: Request) -> Response:
        """Every intermediate value of a document, and the signer a signature recovers to."""
        body = await read_body(request, limits)
        return json_response(await run_in_threadpool(inspect, body, limits))

    @guarded
    async def diagnose_endpoint(request: Request) -> Response:
        """The doctor's cause for a signature that does not verify."""
        body = await read_body(request, limits)

        def run() -> dict[str, Any]:
            with doctor_lock:
                return diagnosis(body, limits)

        return json_response(await run_in_threadpool(run))

    @guarded
    async def example_list(request: Request) -> Response:
        """The bundled vectors the page offers as examples."""
        listed = await run_in_threadpool(examples)
        return json_response({"examples": [{k: e[k] for k in ("id", "group", "description")}
                                           for e in listed.values()]})

    @guarded
    async def example(request: Request) -> Response:
        """One bundled example, by id."""
        found = (await run_in_threadpool(examples)).get(request.query_params.get("id", ""))
        if found is None:
            raise Refusal(404, _request_error("no example with this id: GET /debug/api/examples lists them", "id"))
        return json_response(found)

    return [
        Route("/debug", page, methods=["GET"]),
        Route("/debug/", page, methods=["GET"]),
        Route("/debug/assets/{name}", asset, methods=["GET"]),
        Route("/debug/api/inspect", inspect_endpoint, methods=["POST"]),
        Route("/debug/api/diagnose", diagnose_endpoint, methods=["POST"]),
        Route("/debug/api/examples", example_list, methods=["GET"]),
        Route("/debug/api/example", example, methods=["GET"]),
    ]


__all__ = [
    "ASSETS",
    "CONTENT_SECURITY_POLICY",
    "SECURITY_HEADERS",
    "debug_routes",
    "diagnosis",
    "examples",
    "fragment",
    "inspect",
    "max_body_bytes",
]
