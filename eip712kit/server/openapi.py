"""The verifier's OpenAPI 3.1 description and its offline documentation page, made from the routes themselves.

:func:`eip712kit.server.app.create_app` declares each endpoint once, as an :class:`Operation` —
method, path, handler, request and answers — and builds both its Starlette routes and this
description from that list, so the two cannot drift apart. Routes added as plain Starlette routes
(the signature debugger's) are described from their paths, methods and handler docstrings.

The page at ``/api/docs`` is HTML rendered here, on the server, from the same description: no
script at all, one stylesheet from the package, served under a Content-Security-Policy that allows
nothing else. It works with no network, and no CDN ever sees who reads it.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .. import __version__
from ..base.errors import CODES
from ..protocols.sera.verdicts import API_KEY_FIELDS, ORDER_REQUEST_FIELDS

OPENAPI_PATH = "/api/openapi.json"
DOCS_PATH = "/api/docs"
DOCS_CSS_PATH = "/api/docs/docs.css"

DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
"""No script, no connection, no font or image from anywhere: the page is static HTML and one stylesheet."""

DOCS_HEADERS: dict[str, str] = {
    "Content-Security-Policy": DOCS_CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}

Handler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Param:
    """A query or header parameter."""

    name: str
    where: str  # "query" or "header"
    description: str
    required: bool = True


@dataclass(frozen=True)
class Operation:
    """One method on one path: what the route serves and what the description says about it.

    ``request`` names a schema in :data:`SCHEMAS` for a JSON body; ``responses`` maps each status
    to ``(description, schema name or None)``; ``media_type`` is the success answer's type.
    """

    method: str
    path: str
    handler: Handler
    summary: str
    responses: Mapping[int, tuple[str, str | None]]
    request: str | None = None
    params: tuple[Param, ...] = ()
    tag: str = "Sera API"
    description: str = ""
    media_type: str = "application/json"
    error_schema: str = "Error"
    """The schema of this operation's refusals (the debugger answers in its own format)."""


# --- schemas ---------------------------------------------------------------------------------------

_ADDRESS = {"type": "string", "pattern": "^0x[0-9a-fA-F]{40}$", "description": "an EIP-55 checksummed address"}
_SIGNATURE = {"type": "string", "pattern": "^0x([0-9a-fA-F]{128}|[0-9a-fA-F]{130})$",
              "description": "65-byte r‖s‖v (v 27/28 or 0/1) or 64-byte EIP-2098 compact, as 0x hex"}
_NULLABLE_ADDRESS = {"oneOf": [_ADDRESS, {"type": "null"}]}
_DECIMAL = {"type": "string", "pattern": "^[0-9]+$", "description": "a decimal integer as a string"}
_HEX32 = {"type": "string", "pattern": "^0x[0-9a-f]{64}$"}


def _object(properties: dict[str, Any], required: Iterable[str] | None = None, *,
            closed: bool = True, description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": properties,
                           "required": list(properties if required is None else required)}
    if closed:
        out["additionalProperties"] = False
    if description:
        out["description"] = description
    return out


_ORDER_FIELD_SCHEMAS: dict[str, Any] = {
    "owner_address": _ADDRESS,
    "side": {"enum": ["bid", "ask"]},
    "amount": {"type": "string", "description": "base-token amount, a decimal string (e.g. \"1000.0\")"},
    "price": {"type": "string", "description": "quote per base, a decimal string (e.g. \"1.085\")"},
    "from_address": {**_ADDRESS, "description": "the market's base token (GET /tokens)"},
    "to_address": {**_ADDRESS, "description": "the market's quote token"},
    "order_id": {"type": "string", "format": "uuid", "description": "a version-4 UUID"},
    "uuid_int": {**_DECIMAL, "description": "the packed uint256 signed as Order.uuid: executor_id | UUID | "
                                            "group_id | leg_id (leg 0, group = UUID >> 16 for a standalone order)"},
    "signature": _SIGNATURE,
    "expiration": {"type": "integer", "description": "Unix seconds: now < expiration ≤ now + 365 days − 300 s"},
}

_API_KEY_FIELD_SCHEMAS: dict[str, Any] = {
    "owner_address": _ADDRESS,
    "action": {"type": "string", "description": "create, list, revoke_<api_key> or revoke_all (the endpoint's)"},
    "timestamp": {"type": "integer", "description": "Unix seconds within ±300 s of server time"},
    "signature": {**_SIGNATURE, "description": "owner_address's EIP-712 ManageApiKey signature"},
}


def _signed(action: str, extra: dict[str, Any] | None = None, optional: Iterable[str] = ()) -> dict[str, Any]:
    properties = {name: _API_KEY_FIELD_SCHEMAS[name] for name in API_KEY_FIELDS}
    properties["action"] = {**properties["action"], "description": f"the signed action: {action}"}
    properties.update(extra or {})
    return _object(properties, [p for p in properties if p not in set(optional)])


_API_KEY = _object({
    "api_key": {"type": "string"}, "owner_address": _ADDRESS, "label": {"type": ["string", "null"]},
    "created_at": {"type": "integer"}, "revoked_at": {"type": ["integer", "null"]}, "active": {"type": "boolean"},
})

SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": _object({
        "detail": {"type": "string", "description": "one sentence a person can act on"},
        "code": {"type": "string", "enum": sorted(CODES), "description": "stable; see docs/errors.md"},
        "field": {"type": ["string", "null"], "description": "the request field concerned"},
    }, ["detail"], closed=False, description="Every refusal. 401 and 503 of /api-keys/verify carry only "
                                             "`detail`, exactly as the Sera document shows them."),
    "Health": _object({"status": {"const": "ok"}, "executor_id": {"type": "integer", "minimum": 0, "maximum": 15},
                       "server_time": {"type": "integer"}, "service": {"type": "string"}}),
    "SystemTime": _object({"server_time": {"type": "integer", "description": "Unix seconds"}}),
    "Config": _object({"chain_id": {"type": "integer"}, "sera_address": _ADDRESS,
                       "vault_address": _NULLABLE_ADDRESS, "sor_address": _NULLABLE_ADDRESS},
                      description="The EIP-712 domain is Sera / 1 / chain_id / sera_address."),
    "Tokens": _object({"tokens": {"type": "array", "items": _object(
        {"symbol": {"type": ["string", "null"]}, "address": _ADDRESS, "decimals": {"type": "integer"}})}}),
    "Markets": _object({"markets": {"type": "array", "items": _object({
        "symbol": {"type": "string"}, "base_address": _ADDRESS, "quote_address": _ADDRESS,
        "base_symbol": {"type": ["string", "null"]}, "quote_symbol": {"type": ["string", "null"]},
        "base_decimals": {"type": "integer"}, "quote_decimals": {"type": "integer"}})}}),
    "VerifySignatureRequest": _object({name: _ORDER_FIELD_SCHEMAS[name] for name in ORDER_REQUEST_FIELDS},
                                      description="The Sera document's ten fields, exactly (POST /orders "
                                                  "carries the same)."),
    "Verdict": {"oneOf": [
        _object({"valid": {"const": True}, "signer": _ADDRESS, "owner_address": _ADDRESS, "digest": _HEX32}),
        _object({"valid": {"const": False}, "code": {"type": "string", "enum": sorted(CODES)},
                 "detail": {"type": "string"}, "field": {"type": ["string", "null"]},
                 "signer": _ADDRESS, "digest": _HEX32}, ["valid", "code", "detail", "field"]),
    ], "description": "Accepted, or the first rule the request breaks (code, field, a sentence)."},
    "CreateApiKeyRequest": _signed("create", {"label": {"type": "string", "maxLength": 100}}, optional=("label",)),
    "ListApiKeysRequest": _signed("list"),
    "RevokeApiKeyRequest": _signed("revoke_<api_key>", {"api_key": {"type": "string"}}),
    "RevokeAllApiKeysRequest": _signed("revoke_all"),
    "SelfRevokeRequest": _object({"api_key": {"type": "string", "description": "the Bearer credential's own key"}}),
    "VerifyApiKeyRequest": _object({"api_key": {"type": "string"}, "api_secret": {"type": "string"}}),
    "CreatedApiKey": _object({"api_key": {"type": "string"}, "api_secret": {
        "type": "string", "description": "shown once: the server keeps only its SHA-256"}, "owner_address": _ADDRESS,
        "label": {"type": ["string", "null"]}, "created_at": {"type": "integer"}}),
    "ApiKey": _API_KEY,
    "ApiKeyList": _object({"api_keys": {"type": "array", "items": {"$ref": "#/components/schemas/ApiKey"}},
                           "count": {"type": "integer"}}),
    "RevokedApiKey": _object({"status": {"const": "ok"}, "revoked_api_key": {"type": "string"}}),
    "RevokedApiKeys": _object({"status": {"const": "ok"}, "revoked_api_keys": {"type": "array", "items": {
        "type": "string"}}, "count": {"type": "integer"}}),
    "VerifiedApiKey": _object({"valid": {"const": True}, "owner_address": _ADDRESS}),
    "DebugAnswer": {"type": "object", "description": "The signature debugger's own answer: `{ok: true, …}`, or "
                                                     "`{ok: false, error: {code, message, path}}` (docs/debug.md)."},
    "DebugRequest": _object({"document": {"description": "a typed-data document (object or JSON text)"},
                             "signature": {"type": "string"}, "expect": _ADDRESS}, ["document"],
                            description="The debugger's body: never a key (docs/debug.md)."),
}

API_KEY_QUERY = tuple(Param(name, "query", str(_API_KEY_FIELD_SCHEMAS[name]["description"])) for name in API_KEY_FIELDS)

CONNECTION_RESPONSES: dict[int, tuple[str, str | None]] = {
    408: ("the request's headers or body did not arrive within the server's time limit; the connection is closed",
          "Error"),
    503: ("too many open connections (retry in a moment); for the API-key endpoints also: the store is "
          "unavailable, retry", "Error"),
}
"""Answers the connection guard gives on any path, before a route sees the request."""

FORBIDDEN = ("a request from another site's page (its Origin), or one that reached a loopback server by a foreign "
             "host name (DNS rebinding)")

BODY_RESPONSES: dict[int, tuple[str, str | None]] = {
    400: ("the body is not a JSON object of the documented fields, or a field breaks a rule", "Error"),
    413: ("the body is over the size limit (64 KiB)", "Error"),
    415: ("the body is not declared Content-Type: application/json", "Error"),
}
"""Answers of every endpoint that reads a JSON body."""


# --- the description -------------------------------------------------------------------------------

def _responses(operation: Operation) -> dict[str, Any]:
    answers: dict[int, tuple[str, str | None]] = dict(CONNECTION_RESPONSES)
    answers[403] = (FORBIDDEN, operation.error_schema)
    if operation.request is not None:
        answers.update({status: (text, operation.error_schema) for status, (text, _) in BODY_RESPONSES.items()})
    answers.update(operation.responses)
    out: dict[str, Any] = {}
    for status in sorted(answers):
        description, schema = answers[status]
        entry: dict[str, Any] = {"description": description}
        if schema is not None:
            media = operation.media_type if status < 400 else "application/json"
            entry["content"] = {media: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
        elif status < 400 and operation.media_type != "application/json":
            entry["content"] = {operation.media_type: {"schema": {"type": "string"}}}
        out[str(status)] = entry
    return out


def _operation(operation: Operation) -> dict[str, Any]:
    out: dict[str, Any] = {
        "operationId": operation.method.lower() + re.sub(r"[^A-Za-z0-9]", "_", operation.path),
        "summary": operation.summary, "tags": [operation.tag], "responses": _responses(operation)}
    if operation.description:
        out["description"] = operation.description
    if operation.params:
        out["parameters"] = [{"name": p.name, "in": p.where, "required": p.required, "description": p.description,
                              "schema": {"type": "string"}} for p in operation.params]
    if operation.request is not None:
        out["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{operation.request}"}}}}
    return out


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def describe_route(path: str, methods: Iterable[str], handler: Any, tag: str) -> list[Operation]:
    """Operations for a plain Starlette route (the debugger's): its methods, its handler's first docstring line.

    Such a route answers in its own format, described as ``DebugAnswer``; a POST reads a JSON body.
    """
    summary = _first_line(getattr(handler, "__doc__", None)) or f"{tag}: {path}"
    is_api = "/api/" in path
    out = []
    for method in sorted(set(methods) - {"HEAD"}):
        responses: dict[int, tuple[str, str | None]] = {
            200: ("the debugger's answer" if is_api else "the page or asset", "DebugAnswer" if is_api else None),
            404: ("no such asset or example", "DebugAnswer")}
        if method == "POST":
            responses[422] = ("the document or signature is refused, with the kit's error", "DebugAnswer")
        out.append(Operation(method, path, handler, summary, responses, request="DebugRequest" if method == "POST"
                             else None, tag=tag, media_type="application/json" if is_api else "text/html",
                             error_schema="DebugAnswer"))
    return out


def openapi_document(operations: Iterable[Operation]) -> dict[str, Any]:
    """The OpenAPI 3.1 description of ``operations`` (paths in their order, methods within each path)."""
    paths: dict[str, dict[str, Any]] = {}
    for operation in operations:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(operation)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "eip712kit reference verifier",
            "version": __version__,
            "summary": "Sera's public endpoints, answered offline by eip712kit's own verification code.",
            "description": (
                "A local imitation of Sera's API (https://api.sera.cx/api/v1) for checking clients and signers. "
                "POST bodies must be `Content-Type: application/json`; no CORS headers are ever sent; an unknown "
                "path is 404 and a wrong method 405, both with the JSON error body. What the Sera document does "
                "not state and this server chooses is listed in docs/server.md (Conventions)."),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": "Sera API", "description": "Sera's documented public endpoints (under /api/v1)."},
                 {"name": "Verifier", "description": "This server's own description and documentation."},
                 {"name": "Signature debugger", "description": "The page at /debug and its JSON API "
                                                               "(docs/debug.md)."}],
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }


# --- the page -------------------------------------------------------------------------------------

@functools.cache
def docs_css() -> bytes:
    return (resources.files("eip712kit.server") / "static" / "apidocs" / "docs.css").read_bytes()


def render_docs(spec: Mapping[str, Any]) -> str:
    """The documentation page: every path, method, parameter, request body and answer of ``spec``, as HTML.

    Every value from the description is escaped; the page has no script, and its one stylesheet is
    :data:`DOCS_CSS_PATH`.
    """
    e = html.escape
    info = spec["info"]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{e(info['title'])} · API</title>",
        f'<link rel="stylesheet" href="{DOCS_CSS_PATH}">',
        "</head><body>",
        f"<header><h1>{e(info['title'])} <small>{e(info['version'])}</small></h1>",
        f"<p>{e(info['summary'])}</p><p>{e(info['description'])}</p>",
        f'<p>The machine-readable description: <a href="{OPENAPI_PATH}">{OPENAPI_PATH}</a> (OpenAPI '
        f"{e(spec['openapi'])}).</p></header>",
        '<nav aria-label="Endpoints"><ul>',
    ]
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            parts.append(f'<li><a href="#{e(op["operationId"])}"><span class="method {e(method)}">'
                         f"{e(method.upper())}</span> <code>{e(path)}</code></a> — {e(op['summary'])}</li>")
    parts.append("</ul></nav><main>")
    tag = None
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            if op["tags"][0] != tag:
                tag = op["tags"][0]
                parts.append(f"<h2>{e(tag)}</h2>")
            parts.append(f'<section id="{e(op["operationId"])}" class="operation">')
            parts.append(f'<h3><span class="method {e(method)}">{e(method.upper())}</span> <code>{e(path)}</code></h3>')
            parts.append(f"<p>{e(op['summary'])}</p>")
            if op.get("description"):
                parts.append(f"<p>{e(op['description'])}</p>")
            if op.get("parameters"):
                parts.append("<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>meaning</th></tr>")
                for p in op["parameters"]:
                    parts.append(f"<tr><td><code>{e(p['name'])}</code></td><td>{e(p['in'])}</td>"
                                 f"<td>{e(p.get('description', ''))}</td></tr>")
                parts.append("</table>")
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body is not None:
                parts.append(f"<h4>Body <small>application/json</small></h4>{_schema_html(body)}")
            parts.append("<h4>Answers</h4><table><tr><th>status</th><th>meaning</th><th>body</th></tr>")
            for status, answer in op["responses"].items():
                content = answer.get("content", {})
                shown = ", ".join(_ref_link(m.get("schema", {})) + f" <small>{e(t)}</small>"
                                  for t, m in content.items())
                parts.append(f"<tr><td>{e(status)}</td><td>{e(answer['description'])}</td><td>{shown}</td></tr>")
            parts.append("</table></section>")
    parts.append("<h2>Schemas</h2>")
    for name, schema in spec["components"]["schemas"].items():
        parts.append(f'<section id="schema-{e(name)}" class="schema"><h3>{e(name)}</h3>')
        if schema.get("description"):
            parts.append(f"<p>{e(schema['description'])}</p>")
        parts.append(f"<pre>{e(json.dumps(schema, indent=2, ensure_ascii=False))}</pre></section>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _ref_link(schema: Mapping[str, Any]) -> str:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        return f'<a href="#schema-{html.escape(name)}">{html.escape(name)}</a>'
    return html.escape(str(schema.get("type", "")))


def _schema_html(schema: Mapping[str, Any]) -> str:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return f"<p>{_ref_link(schema)}</p>"
    return f"<pre>{html.escape(json.dumps(schema, indent=2))}</pre>"


__all__ = [
    "API_KEY_QUERY",
    "BODY_RESPONSES",
    "CONNECTION_RESPONSES",
    "DOCS_CONTENT_SECURITY_POLICY",
    "DOCS_CSS_PATH",
    "DOCS_HEADERS",
    "DOCS_PATH",
    "OPENAPI_PATH",
    "SCHEMAS",
    "Operation",
    "Param",
    "describe_route",
    "docs_css",
    "openapi_document",
    "render_docs",
]
