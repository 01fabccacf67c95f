"""What the doctor knows of the document's domain, and how a domain hypothesis rebuilds its separator.

A domain hypothesis says which domain the mistaken client signed — other values, other
``EIP712Domain`` fields — and :meth:`DomainContext.variant` hashes it through the core
(:class:`~eip712kit.core.schema.Schema`), so a confirmed variant is the document's domain with that
change and nothing else. Domain schemas are compiled once per field list (directly, not through the
shared ``compile_types`` cache: a diagnosis tries many, and they must not evict a server's).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..base.errors import Eip712KitError
from ..base.parsers import parse_int
from ..core.schema import Schema
from ..core.typed_data import TypedData
from .findings import DomainEdit, Fields, Finding, Variant


class DomainContext:
    """The document's domain — its values, its ``EIP712Domain`` fields, its separator — and its variants."""

    def __init__(self, td: TypedData):
        self.values: dict[str, Any] = dict(td.domain)
        """The domain's values as given."""
        self.fields: Fields = tuple((f["name"], f["type"]) for f in td.domain_types())
        """The ``EIP712Domain`` fields the document hashes with (declared, or derived from the keys)."""
        self.separator: bytes = td.domain_separator()
        self._schemas: dict[Fields, Schema | None] = {}

    def separator_with(self, values: Mapping[str, Any], fields: Fields | None = None) -> bytes | None:
        """The separator of ``values`` under ``fields`` (default: the document's domain type).

        None when the values do not fit the fields: a variant the client could not have signed.
        """
        fields = self.fields if fields is None else fields
        if fields in self._schemas:
            schema = self._schemas[fields]
        else:
            try:
                schema = Schema({"EIP712Domain": [{"name": n, "type": t} for n, t in fields]})
            except Eip712KitError:
                schema = None
            self._schemas[fields] = schema
        if schema is None:
            return None
        try:
            return schema.hash_struct("EIP712Domain", {n: values[n] for n, _ in fields})
        except (Eip712KitError, KeyError):
            return None

    def variant(self, values: Mapping[str, Any], *findings: Finding, fields: Fields | None = None,
                compose: bool = True, tier: int | None = None) -> Variant[bytes] | None:
        """A variant for the domain the signer used (its values, and its EIP712Domain fields if other).

        None when it does not hash or hashes to the document's own separator.
        """
        separator = self.separator_with(values, fields)
        if separator is None or separator == self.separator:
            return None
        changed = {k: v for k, v in values.items()
                   if k not in self.values or type(v) is not type(self.values[k]) or v != self.values[k]}
        edit = DomainEdit(changed, None if fields is None or fields == self.fields else fields)
        return Variant(separator, findings, compose, tier, edit)

    def merge(self, edits: Sequence[DomainEdit]) -> bytes | None:
        """The separator with every edit applied, or None when two edits touch the same thing."""
        values: dict[str, Any] = {}
        fields: Fields | None = None
        for edit in edits:
            if values.keys() & edit.values.keys():
                return None
            values.update(edit.values)
            if edit.fields is not None:
                if fields is not None:
                    return None
                fields = edit.fields
        final = self.fields if fields is None else fields
        names = {n for n, _ in final}
        if any(k not in names for k in values):
            return None  # a value for a field the signer's domain does not have: no change at all
        return self.separator_with({**self.values, **values}, final)

    def int_value(self, key: str) -> int | None:
        """A numeric domain value (chainId) as an int, or None when absent or not numeric."""
        if key not in self.values:
            return None
        try:
            return parse_int(self.values[key])
        except Eip712KitError:
            return None


__all__ = ["DomainContext"]
