"""The attestation record, ``vectors/attestations.json``: who reproduced which golden case, by several recorders.

Format ``eip712kit-attestations/2`` (docs/vectors.md, "Attestation"): one entry per independent
implementation, keyed by its name, each owned by the program that records it (``recorder``)::

    {"format": "eip712kit-attestations/2",
     "implementations": {"cast": {"version": "1.7.1", "language": "Rust", "api": "...",
                                  "recorder": "tools/node/attest.mjs", "runtime": "node v20.20.2",
                                  "unsupported": ["hash-only"],
                                  "cases": {"core/mail": "pass 0xbe609aee343fb3c4", ...}}}}

A verdict is ``"<status> <fingerprint>[ <note>]"``. The fingerprint ties it to the case as it was when
recorded (:func:`fingerprint`); a reader ignores a verdict whose case has changed since. Each recorder
replaces only the entries it owns (:func:`merge`) and writes the canonical text (:func:`dump`), which
``tools/node/attest.mjs`` writes byte for byte too, so recorders in two languages never clobber each
other. Readers: the vector generator (the ``attested_by``/``refused_by``/``accepted_by`` stamps),
``tools/compat_matrix.py`` (docs/compatibility.md) and ``tests/test_vectors.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from eip712kit.conformance import wire_json
from eip712kit.protocols.sera import Order

FORMAT = "eip712kit-attestations/2"
STATUSES = ("pass", "differs", "refuses", "accepts", "not-expressible")
"""Every verdict, as the compatibility matrix orders them."""
PROBED_KINDS = ("typed_data", "personal_sign", "sera_order")
FINGERPRINT_DIGITS = 16
NOTE_LIMIT = 160
ENTRY_FIELDS = ("version", "language", "api", "role", "recorder", "runtime", "unsupported", "cases")
SURVEYED = "surveyed"
"""The ``role`` of an implementation whose results are published (docs/compatibility.md) but which does not
stamp the vectors: a library with known bugs, or an older release of an attested one. Its acceptances must not
widen what ``conformance --lenient`` forgives, nor its passes count as an attestation. An entry without a
``role`` is an attester."""
INFORMATIVE = ("runtime",)
"""Entry fields a ``--check`` does not compare (they describe the machine, not the verdicts)."""
SERA_ORDER_FIELDS = ("domainSeparator", "structHash", "digest", "signature", "signer")
"""What a sera_order case is attested on: the hashes and signature of its Order typed-data document."""

POSITIVE_STAMPS = {"pass": "attested_by"}
NEGATIVE_STAMPS = {"refuses": "refused_by", "accepts": "accepted_by"}
"""The vectors' stamp a fresh verdict becomes, on a positive and on a negative case."""


class RecordError(Exception):
    """The record cannot be read or written as asked (another format, or an entry another recorder owns)."""


# -- the cases and what identifies them --

def probed(case: Mapping[str, Any]) -> bool:
    """Whether recorders probe this case: typed_data and personal_sign ones, and positive sera_order ones."""
    kind = case.get("kind")
    return kind in PROBED_KINDS and not (kind == "sera_order" and case.get("error") is not None)


def fingerprint(case: Mapping[str, Any]) -> str:
    """``0x`` + 16 hex digits: of the expected digest (positive), or of sha256(JSON.stringify(input)) (negative)."""
    expected = case.get("expected") or {}
    digest = expected.get("digest")
    if case.get("error") is None and isinstance(digest, str) and digest.startswith("0x"):
        return digest[: 2 + FINGERPRINT_DIGITS].lower()
    return "0x" + hashlib.sha256(wire_json(case["input"]).encode("utf-8")).hexdigest()[:FINGERPRINT_DIGITS]


def request_and_expected(case: Mapping[str, Any], keys: Mapping[str, Mapping[str, str]]
                         ) -> tuple[dict[str, Any], Mapping[str, Any] | None]:
    """The request a probed case is sent as, and the values its answer is compared with.

    A sera_order case is attested as the typed data it signs: ``sera.Order``'s declared types with the
    case's ``expected.domain`` and ``expected.order``, compared on :data:`SERA_ORDER_FIELDS`.
    """
    inp = dict(case["input"])
    key = inp.pop("key", None)
    private = {"private_key": keys[key]["private_key"]} if key is not None else {}
    if case["kind"] == "sera_order":
        e = case["expected"]
        doc = {"types": Order.types(), "primaryType": Order.primary_type, "domain": e["domain"], "message": e["order"]}
        expected = {f: e[f] for f in SERA_ORDER_FIELDS if f in e}
        return {"id": case["id"], "op": "typed_data", "input": {"typed_data": doc, **private}}, expected
    return {"id": case["id"], "op": case["kind"], "input": {**inp, **private}}, case.get("expected")


# -- verdicts --

def verdict(status: str, case: Mapping[str, Any], note: str = "") -> str:
    """One case's verdict text; the note (a positive case's differs/refuses) made one short printable line."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    text = f"{status} {fingerprint(case)}"
    if note and case.get("error") is None and status in ("differs", "refuses"):
        clean = re.sub(r"\s+", " ", "".join(c if c.isprintable() else " " for c in note)).strip()
        if clean:
            text += " " + clean[:NOTE_LIMIT]
    return text


def parse_verdict(text: str) -> tuple[str, str, str]:
    """``(status, fingerprint, note)`` of a verdict text."""
    status, _, rest = text.partition(" ")
    fp, _, note = rest.partition(" ")
    return status, fp, note


def case_verdicts(record: Mapping[str, Any], case: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """``({stamp: status}, [stale stamps])`` for one case: the verdicts recorded on the case as it is now."""
    fresh: dict[str, str] = {}
    stale: list[str] = []
    fp = fingerprint(case)
    for name, entry in record.get("implementations", {}).items():
        text = entry.get("cases", {}).get(case["id"])
        if text is None:
            continue
        status, recorded, _ = parse_verdict(text)
        stamp = f"{name}@{entry['version']}"
        if recorded == fp:
            fresh[stamp] = status
        else:
            stale.append(stamp)
    return fresh, stale


def stamps(record: Mapping[str, Any], case: Mapping[str, Any]) -> tuple[dict[str, list[str]], list[str]]:
    """The vectors' stamps of one case (``attested_by`` / ``refused_by`` / ``accepted_by``) and the stale ones."""
    fresh, stale = case_verdicts(record, case)
    out: dict[str, list[str]] = {}
    wanted = NEGATIVE_STAMPS if case.get("error") is not None else POSITIVE_STAMPS
    surveyed = {f"{name}@{entry['version']}" for name, entry in record.get("implementations", {}).items()
                if entry.get("role") == SURVEYED}
    for stamp, status in sorted(fresh.items()):
        if stamp in surveyed:
            continue
        if status in wanted:
            out.setdefault(wanted[status], []).append(stamp)
    return out, stale


# -- reading and writing --

def empty() -> dict[str, Any]:
    return {"format": FORMAT, "implementations": {}}


def parse(text: str, source: str = "the record") -> dict[str, Any]:
    try:
        record = json.loads(text)
    except ValueError as exc:
        raise RecordError(f"{source} is not JSON: {exc}") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        got = record.get("format") if isinstance(record, dict) else type(record).__name__
        raise RecordError(f"{source} is not an {FORMAT} record (format {got!r}); "
                          "record it again with the recorders named in docs/vectors.md")
    implementations = record.get("implementations")
    if not isinstance(implementations, dict):
        raise RecordError(f"{source}: implementations must be an object")
    for name, entry in implementations.items():
        missing = [f for f in ("version", "recorder", "cases") if not isinstance(entry, dict) or f not in entry]
        if missing:
            raise RecordError(f"{source}: implementation {name!r} lacks {', '.join(missing)}")
    return record


def load(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The record at ``path``; an empty one when the file does not exist."""
    p = Path(path)
    if not p.is_file():
        return empty()
    return parse(p.read_text(encoding="utf-8"), str(p))


def dump(record: Mapping[str, Any]) -> str:
    """The canonical text: keys sorted at every level, indent 2, UTF-8 as is, a final newline.

    ``JSON.stringify(sortKeysDeep(record), null, 2) + "\\n"`` writes the same bytes (tools/node/lib/record.mjs).
    """
    return json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def merge(record: Mapping[str, Any], entries: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """``record`` with each of ``entries`` replacing the entry of its name; every other entry kept.

    Raises :class:`RecordError` when a name is owned by another recorder: two programs writing one
    implementation would overwrite each other's verdicts.
    """
    out = {"format": FORMAT, "implementations": dict(record.get("implementations", {}))}
    for name, entry in entries.items():
        old = out["implementations"].get(name)
        if old is not None and old.get("recorder") != entry.get("recorder"):
            raise RecordError(f"{name!r} is recorded by {old.get('recorder')}, not {entry.get('recorder')}: "
                              "one implementation has one recorder (delete its entry first to move it)")
        out["implementations"][name] = dict(entry)
    return out


def write(path: str | os.PathLike[str], record: Mapping[str, Any]) -> None:
    """Write the canonical text atomically (a temporary file in the same directory, then a rename)."""
    p = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".attestations-", dir=p.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(dump(record))
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def differences(record: Mapping[str, Any], entries: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What ``--check`` reports: how the recomputed ``entries`` differ from the record (runtime not compared)."""
    out = []
    recorded = record.get("implementations", {})
    for name, entry in entries.items():
        old = recorded.get(name)
        if old is None:
            out.append(f"{name}: not in the record")
            continue
        for field in ENTRY_FIELDS:
            if field in INFORMATIVE or field == "cases" or old.get(field) == entry.get(field):
                continue
            out.append(f"{name}: {field} is {old.get(field)!r} in the record, {entry.get(field)!r} now")
        old_cases, new_cases = old.get("cases", {}), entry.get("cases", {})
        changed = sorted(k for k in old_cases.keys() | new_cases.keys() if old_cases.get(k) != new_cases.get(k))
        for cid in changed[:10]:
            out.append(f"{name}: {cid}: {old_cases.get(cid)!r} in the record, {new_cases.get(cid)!r} now")
        if len(changed) > 10:
            out.append(f"{name}: ... and {len(changed) - 10} more case(s)")
    return out


def counts(entry: Mapping[str, Any], ids: Iterable[str] | None = None) -> dict[str, int]:
    """How many of an entry's verdicts (of ``ids``, default all) have each status."""
    out = dict.fromkeys(STATUSES, 0)
    cases = entry.get("cases", {})
    for cid in cases if ids is None else ids:
        if cid in cases:
            out[parse_verdict(cases[cid])[0]] += 1
    return out
