"""The document under diagnosis, as the hypotheses read it: split by what each part knows.

A typed-data hypothesis reads a :class:`Context`:

* ``ctx.domain`` — a :class:`~eip712kit.doctor.domain_context.DomainContext`: the domain's values,
  its ``EIP712Domain`` fields and separator, and how a domain variant is hashed;
* ``ctx.message`` — a :class:`~eip712kit.doctor.message_context.MessageContext`: the schema, the
  primary type, the message's value, its atomic values and struct values, and how a message
  variant is hashed (through the word tree);
* the signature as the doctor reads it (``ctx.signature``, canonical low-s; the other readings are
  :mod:`.readings`') and the address it should recover (``ctx.expected``);
* the document as given (``ctx.td``, ``ctx.source``, ``ctx.original``), the detected protocol and
  the document's digest.

Every rebuilt value goes through the core encoder (:class:`~eip712kit.core.schema.Schema`): a
hypothesis says *what* the mistaken client changed and the part that knows it hashes it exactly as
the core would, so a confirmed variant is the document with that one change and nothing else.
:meth:`Context.combine` puts variants of several layers (or, through their edits, of one) together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core.signature import Signature
from ..core.typed_data import TypedData, eip712_digest
from .domain_context import DomainContext
from .findings import DomainEdit, MessageEdit, Variant
from .message_context import MessageContext
from .registry import NotApplicable

_LAYER_ORDER = {"method": 0, "domain": 1, "message": 2}


class Context:
    """What the typed-data hypotheses read (see the module docstring), and how their variants combine."""

    def __init__(self, td: TypedData, *, source: str | None, protocol: str | None, expected: str,
                 signature: Signature, original: Mapping[str, Any] | None = None):
        self.td = td
        self.domain = DomainContext(td)
        self.message = MessageContext(td)
        self.digest: bytes = td.digest()
        self.source = source
        """The document's text exactly as given (None when it came as a dict)."""
        self.original = original
        """The document as the caller's JSON object, key order kept (None when it came as a TypedData)."""
        self.protocol = protocol
        self.expected = expected
        self.signature = signature
        """The signature as the doctor reads it (canonical low-s)."""
        self._merged: dict[tuple[int, ...], bytes | None] = {}

    def combine(self, parts: Sequence[tuple[str, Variant[Any]]]) -> bytes | None:
        """The digest of several variants of different (or, through their edits, the same) layers.

        ``parts`` are (layer, variant) pairs; None when they cannot apply together (two methods,
        two edits of the same value, a variant without an edit beside another of its layer).
        Merged separators and struct hashes are remembered, so a triple reuses its pair's work.
        """
        if len(parts) == 2 and parts[0][0] != parts[1][0]:  # the common case, without the general machinery
            (la, a), (lb, b) = sorted(parts, key=lambda p: _LAYER_ORDER[p[0]])
            try:
                if la == "method":
                    value: bytes = (a.value(b.value, self.message.struct_hash) if lb == "domain" else
                                    a.value(self.domain.separator, b.value))
                    return value
            except NotApplicable:
                return None
            return eip712_digest(a.value, b.value)
        methods = [v for layer, v in parts if layer == "method"]
        domains = [v for layer, v in parts if layer == "domain"]
        messages = [v for layer, v in parts if layer == "message"]
        if len(methods) > 1 or len(methods) + len(domains) + len(messages) != len(parts):
            return None
        separator = self._merged_value(domains, self.domain.separator, "domain")
        struct_hash = self._merged_value(messages, self.message.struct_hash, "message")
        if separator is None or (messages and struct_hash is None):
            return None
        if methods:
            try:
                digest: bytes = methods[0].value(separator, struct_hash)
            except NotApplicable:
                return None
            return digest
        return eip712_digest(separator, struct_hash)

    def _merged_value(self, variants: list[Variant[Any]], default: bytes | None, layer: str) -> bytes | None:
        if not variants:
            return default
        if len(variants) == 1:
            value: bytes = variants[0].value
            return value
        key = tuple(id(v) for v in variants)  # the engine combines in one fixed order: a triple finds its pair
        if key not in self._merged:
            merged: bytes | None = None
            if layer == "domain":
                domain_edits = [v.edit for v in variants if isinstance(v.edit, DomainEdit)]
                if len(domain_edits) == len(variants):
                    merged = self.domain.merge(domain_edits)
            else:
                message_edits = [v.edit for v in variants if isinstance(v.edit, MessageEdit)]
                if len(message_edits) == len(variants):
                    merged = self.message.merge(message_edits)
            if merged is not None and merged in {v.value for v in variants}:
                merged = None  # one edit undoes or hides the other: not two mistakes
            self._merged[key] = merged
        return self._merged[key]



__all__ = ["Context"]
