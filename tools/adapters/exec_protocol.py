"""The ``--exec`` JSON-lines protocol around a Python library, standard library only (docs/vectors.md).

    from exec_protocol import serve
    serve(hello, {"typed_data": typed_data, "personal_sign": personal_sign})

An adapter for someone else's signer imports this and nothing of eip712kit: it runs under whatever
interpreter and packages the library needs (tools/others/ runs libraries of 2019-2020 under CPython
3.10). ``hello()`` returns the handshake's result; each op takes the request's ``input`` and returns
the result's fields, or raises: any exception is the library refusing the input (``INVALID``, the
exception's type and text as the message), as these libraries have no error codes of eip712kit's.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any

Op = Callable[[dict[str, Any]], dict[str, Any]]


def parse_line(line: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """``(request, None)``, or ``(None, the error response)`` for a line that is not a JSON object."""
    try:
        request = json.loads(line)
    except ValueError as exc:
        return None, {"id": None, "error": {"code": "ADAPTER_ERROR", "message": f"request is not JSON: {exc}"}}
    if not isinstance(request, dict):
        return None, {"id": None, "error": {"code": "ADAPTER_ERROR", "message": "request is not a JSON object"}}
    return request, None


def answer(hello: Callable[[], dict[str, Any]], ops: Mapping[str, Op], line: str) -> dict[str, Any]:
    """The response to one request line."""
    request, refused = parse_line(line)
    if request is None:
        assert refused is not None
        return refused
    rid, op = request.get("id"), request.get("op")
    if op == "hello":
        return {"id": rid, "result": hello()}
    if op not in ops:
        return {"id": rid, "error": {"code": "UNSUPPORTED", "message": f"op {op!r}"}}
    try:
        return {"id": rid, "result": ops[op](request.get("input") or {})}
    except RecursionError:
        return {"id": rid, "error": {"code": "INVALID", "message": "RecursionError: maximum recursion depth exceeded"}}
    except Exception as exc:  # the library refused the input; it has no finer codes
        return {"id": rid, "error": {"code": "INVALID", "message": f"{type(exc).__name__}: {str(exc)[:300]}"}}


def serve(hello: Callable[[], dict[str, Any]], ops: Mapping[str, Op]) -> None:
    """Answer every request line on stdin with one line on stdout, in order, until stdin closes."""
    for line in sys.stdin:
        if line.strip():
            # ensure_ascii: a refused lone surrogate may be echoed in a message; keep the line valid JSON
            sys.stdout.write(json.dumps(answer(hello, ops, line)) + "\n")
            sys.stdout.flush()


def hex0x(raw: bytes) -> str:
    return "0x" + bytes(raw).hex()


CANONICAL_DOMAIN = (("name", "string"), ("version", "string"), ("chainId", "uint256"),
                    ("verifyingContract", "address"), ("salt", "bytes32"))
"""The EIP712Domain fields in canonical order: derived for a document whose types declare none (the vectors'
``derived-domain-type`` cases), as wallets derive it, for a library that reads it from ``types`` only."""


def with_domain_type(doc: Mapping[str, Any]) -> dict[str, Any]:
    """``doc`` with ``types.EIP712Domain`` as declared, or derived from the domain's keys when absent."""
    types = doc.get("types")
    if not isinstance(types, dict) or "EIP712Domain" in types:
        return dict(doc)
    domain = doc.get("domain") if isinstance(doc.get("domain"), dict) else {}
    derived = [{"name": n, "type": t} for n, t in CANONICAL_DOMAIN if domain.get(n) is not None]
    return {**doc, "types": {**types, "EIP712Domain": derived}}


_INT = re.compile(r"u?int[0-9]+")
_FIXED_BYTES = re.compile(r"bytes[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_HEX_BYTES = re.compile(r"0x(?:[0-9a-fA-F]{2})*")


def native_values(doc: Mapping[str, Any], *, fixed_bytes: bool = False) -> dict[str, Any]:
    """``doc`` with each integer written as a string turned into an int, for a library that takes native ints.

    Only what docs/vectors.md allows an adapter: a ``uintN``/``intN`` value spelled as a decimal (``"-1"``) or
    0x-hex (``"0x1f"``) string becomes that int, and with ``fixed_bytes`` a ``bytesN`` value spelled as 0x-hex
    becomes bytes. Anything else, malformed values included (``" 1"``, ``"1e3"``, ``"abc"``), is left as it
    is, for the library to judge: an adapter never repairs an input.
    """
    types = doc.get("types") if isinstance(doc.get("types"), dict) else {}

    def convert(type_name: Any, value: Any, depth: int) -> Any:
        if not isinstance(type_name, str) or depth > 64:
            return value
        if type_name.endswith("]") and "[" in type_name:
            inner = type_name[: type_name.rindex("[")]
            return [convert(inner, v, depth + 1) for v in value] if isinstance(value, list) else value
        if type_name in types and isinstance(value, dict) and isinstance(types[type_name], list):
            out = dict(value)
            for field in types[type_name]:
                if isinstance(field, dict) and field.get("name") in out:
                    out[field["name"]] = convert(field.get("type"), out[field["name"]], depth + 1)
            return out
        if isinstance(value, str) and _INT.fullmatch(type_name):
            if _DECIMAL.fullmatch(value):
                return int(value)
            if _HEX.fullmatch(value):
                return int(value, 16) if not value.startswith("-") else value
        if fixed_bytes and isinstance(value, str) and _FIXED_BYTES.fullmatch(type_name) and _HEX_BYTES.fullmatch(value):
            return bytes.fromhex(value[2:])
        return value

    out = dict(doc)
    if "message" in doc:
        out["message"] = convert(doc.get("primaryType"), doc["message"], 0)
    if "domain" in doc:
        out["domain"] = convert("EIP712Domain", doc["domain"], 0)
    return out


__all__ = ["CANONICAL_DOMAIN", "Op", "answer", "hex0x", "native_values", "parse_line", "serve", "with_domain_type"]
