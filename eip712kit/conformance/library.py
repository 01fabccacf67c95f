"""The library as a target: every operation a vector can ask for, answered in-process by eip712kit.

This is what ``eip712kit conformance`` checks by default, and what ``tools/adapters/eip712kit_adapter.py``
puts behind the JSON-lines protocol. Each ``compute_*`` returns the fields a vector's ``expected``
names; a refusal is the kit's own error, whose ``code`` and ``path`` the negative vectors pin.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..base.errors import Eip712KitError
from ..core.keys import PrivateKey
from ..core.messages import hash_message
from ..core.schema import compile_types
from ..core.signature import recover_digest, sign_digest
from ..core.typed_data import TypedData
from .runner import HELLO
from .vectors import KINDS, UNSUPPORTED, VectorError


def _hex(raw: bytes) -> str:
    return "0x" + raw.hex()


def _signing(inp: Mapping[str, Any], digest: bytes, out: dict[str, Any]) -> None:
    secret = inp.get("private_key")
    if secret is None:
        return
    key = PrivateKey.from_hex(secret)
    signature = sign_digest(digest, key)
    out["signature"] = signature.to_hex()
    out["signer"] = recover_digest(digest, signature)


def compute_typed_data(inp: Mapping[str, Any]) -> dict[str, Any]:
    """Every intermediate of a typed-data document, as a vector's ``expected`` spells them."""
    if "typed_data" not in inp:
        raise VectorError("a typed_data request needs input.typed_data", path="input.typed_data")
    td = TypedData(inp["typed_data"])
    names: list[str] = []
    if td.primary_type != "EIP712Domain":
        names = sorted(td.schema.dependencies(td.primary_type) - {"EIP712Domain"})
    if "EIP712Domain" in td.schema.types:
        domain_schema = td.schema
    else:
        domain_schema = compile_types({"EIP712Domain": td.domain_types()})
    encode_type = {"EIP712Domain": domain_schema.encode_type("EIP712Domain")}
    type_hash = {"EIP712Domain": _hex(domain_schema.type_hash("EIP712Domain"))}
    for name in names:
        encode_type[name] = td.schema.encode_type(name)
        type_hash[name] = _hex(td.schema.type_hash(name))
    out: dict[str, Any] = {
        "encodeType": encode_type,
        "typeHash": type_hash,
        "domainSeparator": _hex(td.domain_separator()),
    }
    if td.primary_type != "EIP712Domain":
        out["structHash"] = _hex(td.struct_hash())
    out["digest"] = _hex(td.digest())
    _signing(inp, td.digest(), out)
    return out


def compute_personal_sign(inp: Mapping[str, Any]) -> dict[str, Any]:
    message = inp.get("message")
    encoding = inp.get("encoding", "utf8")
    if encoding not in ("utf8", "hex"):
        raise VectorError(f"encoding is {encoding!r}; use utf8 or hex", path="input.encoding")
    if not isinstance(message, str):
        raise Eip712KitError("a personal_sign message is a JSON string", code="INVALID_MESSAGE", path="message")
    digest = hash_message(message, hex=encoding == "hex")
    out: dict[str, Any] = {"digest": _hex(digest)}
    _signing(inp, digest, out)
    return out


Operation = Callable[[Mapping[str, Any]], dict[str, Any]]


def _need(inp: Mapping[str, Any], key: str) -> Any:
    if key not in inp:
        raise Eip712KitError(f"the input needs {key!r}", code="MISSING_FIELD", path=key)
    return inp[key]


def compute_uuid_int(inp: Mapping[str, Any]) -> dict[str, Any]:
    """Sera's uuid_int: ``operation`` is pack, pack_batch, pack_leg, unpack or check_binding."""
    from ..protocols.sera import uuid_int

    operation = inp.get("operation")
    if operation == "pack":
        return {"uuid_int": str(uuid_int.pack(_need(inp, "order_id"), _need(inp, "executor_id")))}
    if operation == "pack_batch":
        values = uuid_int.pack_batch(_need(inp, "order_ids"), _need(inp, "executor_id"))
        return {"uuid_ints": [str(v) for v in values]}
    if operation == "pack_leg":
        value = uuid_int.pack_leg(_need(inp, "order_id"), _need(inp, "executor_id"), _need(inp, "leg_id"),
                                  _need(inp, "group_order_id"))
        return {"uuid_int": str(value)}
    if operation in ("unpack", "check_binding"):
        if operation == "unpack":
            fields = uuid_int.unpack(_need(inp, "uuid_int"))
        else:
            fields = uuid_int.require_binding(_need(inp, "order_id"), _need(inp, "uuid_int"),
                                              executor_id=inp.get("executor_id"))
        return {"executor_id": fields.executor_id, "uuid": fields.uuid, "group_id": str(fields.group_id),
                "leg_id": fields.leg_id, "is_uuid4": uuid_int.is_uuid4(fields.uuid),
                "standalone": fields.is_standalone}
    raise VectorError(f"uuid_int operation {operation!r} is not pack, pack_batch, pack_leg, unpack or "
                      "check_binding", path="operation")


def _token(inp: Mapping[str, Any], side: str) -> Any:
    from ..protocols import sera

    raw = _need(inp, side)
    if not isinstance(raw, Mapping):
        raise Eip712KitError(f"{side} is a token object {{address, decimals, symbol}}", code="INVALID_TOKEN",
                             path=side)
    try:
        return sera.Token(_need(raw, "address"), _need(raw, "decimals"), raw.get("symbol"))
    except Eip712KitError as exc:
        raise exc.at(side) from None


SERA_ORDER_VECTOR_NAMES = {"from_address": "base", "to_address": "quote", "owner_address": "user"}
"""The builder's request names and what the ``sera_order`` vector format calls them. The format is
published and other implementations read it, so it keeps its names; they are mapped here and only here."""


def compute_sera_order(inp: Mapping[str, Any]) -> dict[str, Any]:
    """The Sera order builder: a side, amount and price on a pair → the signed Order and its body."""
    from ..core.domain import as_domain
    from ..protocols import sera

    domain = as_domain(inp["domain"]) if "domain" in inp else sera.DOMAIN
    try:
        built = sera.build_order(
            owner_address=_need(inp, "user"), side=_need(inp, "side"), amount=_need(inp, "amount"),
            price=_need(inp, "price"), from_address=_token(inp, "base"), to_address=_token(inp, "quote"),
            expiration=_need(inp, "expiration"), order_id=inp.get("order_id"), uuid_int=inp.get("uuid_int"),
            executor_id=inp.get("executor_id"), fee_bps=inp.get("fee_bps", 0),
            recipient=inp.get("recipient", sera.ZERO_ADDRESS),
            initial_deposit_amount=inp.get("initial_deposit_amount", 0), rounding=inp.get("rounding"),
            server_now=inp.get("server_now"),
        )
    except Eip712KitError as exc:
        head = exc.path.split(".", 1)[0]
        if head in SERA_ORDER_VECTOR_NAMES:
            raise type(exc)(exc.message, code=exc.code, path=SERA_ORDER_VECTOR_NAMES[head] + exc.path[len(head):],
                            **exc.details) from None
        raise
    out: dict[str, Any] = {
        "order": built.order.to_message(),
        "uuid_int": str(built.uuid_int),
        "domain": domain.to_dict(),
        "domainSeparator": _hex(domain.separator()),
        "structHash": _hex(built.order.struct_hash()),
        "digest": _hex(built.digest(domain)),
    }
    secret = inp.get("private_key")
    if secret is not None:
        signed = built.sign(PrivateKey.from_hex(secret), domain)
        assert signed.signature is not None
        out["signature"] = signed.signature
        out["signer"] = recover_digest(built.digest(domain), signed.signature)
        out["body"] = signed.verify_signature_body()
    return out


TIME_WINDOW_RULES: dict[str, str] = {
    "sera_expiration": "expiration",
    "sera_deadline": "deadline",
    "sera_api_key_timestamp": "timestamp",
    "renance_timestamp": "timestamp",
}
"""time_window rules and the input field each one checks."""


def compute_time_window(inp: Mapping[str, Any]) -> dict[str, Any]:
    """Whether a signed time is inside a protocol's window around a fixed ``server_now`` (no clock)."""
    from ..protocols import renance, sera

    rule = inp.get("rule")
    if rule not in TIME_WINDOW_RULES:
        raise VectorError(f"time_window rule {rule!r} is not one of {', '.join(TIME_WINDOW_RULES)}", path="rule")
    name = TIME_WINDOW_RULES[rule]
    value, now = inp.get(name), _need(inp, "server_now")
    if rule in ("sera_expiration", "sera_deadline"):
        sera.require_expiration_window(value, now, field=name)
    elif rule == "sera_api_key_timestamp":
        sera.require_api_key_window(_need(inp, name), now)
    else:
        renance.require_timestamp_window(_need(inp, name), now)
    return {"accepted": True}


def _protocol_ops() -> dict[str, Operation]:
    """The protocol operations (they sit a layer above the core, so are imported when first used)."""
    return {"uuid_int": compute_uuid_int, "sera_order": compute_sera_order, "time_window": compute_time_window}


class LibraryTarget:
    """Answers requests in-process with eip712kit: what ``eip712kit conformance`` checks by default."""

    name = "eip712kit (library)"

    def __init__(self) -> None:
        self._ops: dict[str, Operation] = {
            "typed_data": compute_typed_data,
            "personal_sign": compute_personal_sign,
        }

    def _op(self, op: str) -> Operation | None:
        found = self._ops.get(op)
        if found is None and op in KINDS:
            self._ops.update(_protocol_ops())
            found = self._ops.get(op)
        return found

    def declaration(self) -> dict[str, Any]:
        """The handshake answer: every op of the format, no unsupported feature, eip712kit's own codes."""
        from .. import __version__

        return {"name": "eip712kit", "version": __version__, "ops": list(KINDS), "unsupported": [],
                "error_codes": "eip712kit"}

    def handle(self, request: Mapping[str, Any]) -> dict[str, Any]:
        if request.get("op") == HELLO:
            return {"id": request.get("id"), "result": self.declaration()}
        op = self._op(str(request.get("op")))
        if op is None:
            return {"id": request.get("id"), "error": {"code": UNSUPPORTED, "message": f"op {request.get('op')!r}"}}
        inp = request.get("input")
        if not isinstance(inp, Mapping):
            return {"id": request.get("id"), "error": {"code": "VECTOR_INVALID", "message": "input must be an object"}}
        try:
            return {"id": request.get("id"), "result": op(inp)}
        except Eip712KitError as exc:
            return {"id": request.get("id"), "error": exc.to_dict()}
        except Exception as exc:  # a bug in the kit: fail this case, keep running the others
            return {"id": request.get("id"), "error": {
                "code": "INTERNAL_ERROR", "message": f"{type(exc).__name__} in eip712kit: {str(exc)[:200]}"}}

    def close(self) -> None:
        pass


__all__ = [
    "TIME_WINDOW_RULES",
    "LibraryTarget",
    "Operation",
    "compute_personal_sign",
    "compute_sera_order",
    "compute_time_window",
    "compute_typed_data",
    "compute_uuid_int",
]
