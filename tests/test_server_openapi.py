"""``/api/openapi.json`` describes every route of the app, and ``/api/docs`` shows it with nothing from outside."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema
import pytest
from starlette.routing import Route

from eip712kit.base.errors import CODES
from eip712kit.server.app import create_app
from eip712kit.server.openapi import DOCS_CONTENT_SECURITY_POLICY
from tests.helpers.login_servers import LiveServer

# The shape of an OpenAPI 3.1 document, as much of it as this server uses (the full specification's
# schema is not vendored: these are the rules a reader of the document relies on).
_REF = {"type": "object", "required": ["$ref"], "properties": {"$ref": {"type": "string",
                                                                         "pattern": "^#/components/schemas/"}}}
_MEDIA = {"type": "object", "additionalProperties": {"type": "object", "required": ["schema"],
                                                     "properties": {"schema": {"type": "object"}}}}
OPENAPI_SHAPE: dict[str, Any] = {
    "type": "object",
    "required": ["openapi", "info", "paths", "components"],
    "properties": {
        "openapi": {"type": "string", "pattern": r"^3\.1\.\d+$"},
        "info": {"type": "object", "required": ["title", "version"],
                 "properties": {"title": {"type": "string"}, "version": {"type": "string"}}},
        "servers": {"type": "array", "items": {"type": "object", "required": ["url"]}},
        "paths": {"type": "object", "minProperties": 1, "propertyNames": {"pattern": "^/"},
                  "additionalProperties": {
                      "type": "object", "minProperties": 1,
                      "propertyNames": {"enum": ["get", "put", "post", "delete", "options", "head", "patch", "trace"]},
                      "additionalProperties": {
                          "type": "object", "required": ["responses", "operationId", "summary"],
                          "properties": {
                              "operationId": {"type": "string"}, "summary": {"type": "string", "minLength": 1},
                              "tags": {"type": "array", "items": {"type": "string"}},
                              "parameters": {"type": "array", "items": {
                                  "type": "object", "required": ["name", "in"],
                                  "properties": {"in": {"enum": ["query", "header", "path", "cookie"]}}}},
                              "requestBody": {"type": "object", "required": ["content"],
                                              "properties": {"content": _MEDIA}},
                              "responses": {"type": "object", "minProperties": 1,
                                            "propertyNames": {"pattern": "^[1-5][0-9][0-9]$"},
                                            "additionalProperties": {
                                                "type": "object", "required": ["description"],
                                                "properties": {"description": {"type": "string"},
                                                               "content": _MEDIA}}},
                          }}}},
        "components": {"type": "object", "required": ["schemas"],
                       "properties": {"schemas": {"type": "object", "additionalProperties": {"type": "object"}}}},
    },
}


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app()


@pytest.fixture(scope="module")
def http(app: Any) -> Iterator[httpx.Client]:
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def spec(http: httpx.Client) -> dict[str, Any]:
    answer = http.get("/api/openapi.json")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert isinstance(body, dict)
    return body


def test_the_description_has_the_openapi_shape(spec: dict[str, Any]) -> None:
    jsonschema.validate(spec, OPENAPI_SHAPE)
    ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    for schema in spec["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_every_route_of_the_app_is_described_with_its_methods(app: Any, spec: dict[str, Any]) -> None:
    routes = {route.path: {m.lower() for m in (route.methods or ())} - {"head"}
              for route in app.routes if isinstance(route, Route)}
    assert {path: set(item) for path, item in spec["paths"].items()} == routes
    for expected in ("/api/v1/verify-signature", "/api/v1/api-keys/verify", "/api/openapi.json", "/api/docs",
                     "/debug", "/debug/api/inspect"):
        assert expected in spec["paths"]


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref":
                yield item
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def test_every_reference_resolves_and_every_refusal_has_a_body(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for ref in _refs(spec):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref
    for path, item in spec["paths"].items():
        for method, op in item.items():
            statuses = set(op["responses"])
            assert {"403", "408", "503"} <= statuses, (method, path)
            if "requestBody" in op:
                assert {"400", "413", "415"} <= statuses, (method, path)
            for status, answer in op["responses"].items():
                if int(status) >= 400:
                    (media,) = answer["content"]
                    assert media == "application/json", (method, path, status)


def test_the_error_body_names_detail_code_and_field(spec: dict[str, Any]) -> None:
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"detail", "code", "field"} and error["required"] == ["detail"]
    assert set(error["properties"]["code"]["enum"]) == set(CODES)
    request = spec["components"]["schemas"]["VerifySignatureRequest"]
    assert request["required"] == ["owner_address", "side", "amount", "price", "from_address", "to_address",
                                   "order_id", "uuid_int", "signature", "expiration"]


def test_the_verifiers_answers_match_the_description(http: httpx.Client, spec: dict[str, Any]) -> None:
    """Real answers validate against the schemas the description gives for their status."""
    schemas = spec["components"]["schemas"]

    def check(method: str, path: str, answer: httpx.Response) -> None:
        described = spec["paths"][path][method.lower()]["responses"][str(answer.status_code)]
        schema = described["content"]["application/json"]["schema"]
        jsonschema.validate(answer.json(), {**schema, "components": {"schemas": schemas}})

    for path in ("/api/v1/health", "/api/v1/system/time", "/api/v1/config", "/api/v1/tokens", "/api/v1/markets"):
        check("GET", path, http.get(path))
    check("POST", "/api/v1/verify-signature", http.post("/api/v1/verify-signature", json={"side": "bid"}))
    check("POST", "/api/v1/verify-signature", http.post("/api/v1/verify-signature", content=b"x",
                                                        headers={"Content-Type": "text/plain"}))
    check("POST", "/api/v1/api-keys/verify", http.post("/api/v1/api-keys/verify",
                                                       json={"api_key": "sera_x", "api_secret": "y"}))
    check("POST", "/api/v1/api-keys", http.post("/api/v1/api-keys", json={"owner_address": "0x12"}))
    check("GET", "/api/v1/api-keys", http.get("/api/v1/api-keys", params={"action": "list"}))


def test_the_docs_page_works_offline_under_a_strict_policy(http: httpx.Client, spec: dict[str, Any]) -> None:
    page = http.get("/api/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == DOCS_CONTENT_SECURITY_POLICY
    assert "script-src" not in DOCS_CONTENT_SECURITY_POLICY and "default-src 'none'" in DOCS_CONTENT_SECURITY_POLICY
    text = page.text
    assert "<script" not in text.lower() and " style=" not in text.lower() and "<style" not in text.lower()
    for attribute in re.findall(r'(?:href|src)="([^"]*)"', text):
        assert attribute.startswith(("/", "#")) and not attribute.startswith("//"), attribute
    for path, item in spec["paths"].items():
        assert f"<code>{path}</code>" in text
        for op in item.values():
            assert f'id="{op["operationId"]}"' in text
    css = http.get("/api/docs/docs.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "url(" not in css.text and "@import" not in css.text


def test_a_spec_value_cannot_inject_markup() -> None:
    from eip712kit.server.openapi import Operation, openapi_document, render_docs

    async def handler(request: Any) -> Any:
        return None

    spec = openapi_document([Operation("GET", "/x", handler, '<script>alert("x")</script>', {200: ("<b>", None)})])
    page = render_docs(spec)
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>" not in page
