"""The search: recover the signer over each candidate digest until one gives the expected address.

1. Read the signature once (:mod:`~eip712kit.doctor.readings`): its canonical low-s form is what
   every recovery uses, so v as 0/1, compact and high-s compose with everything at no cost.
2. Recover over the document's own digest. The expected address means the document is right and
   only the signature's *form* can be at fault (or nothing is).
3. Otherwise run every hypothesis alone, in registry order, then the pairs: method × domain,
   method × message, domain × message (variants marked ``compose`` only).
4. Stop at the first digest that recovers the expected address, at the time budget, or at the
   candidate cap — whichever comes first — and say which.

A cause is reported only when recovery over its digest gives the expected address: a wrong
guess would need a keccak collision to pass, so a reported cause is a confirmed one. What cannot
be confirmed is reported as ``UNEXPLAINED`` with the list of what was tried.

Recovery costs about 30 µs (libsecp256k1 through coincurve) and a candidate's hashing a few more,
so the default five-second budget covers well over a hundred thousand candidates; the single
hypotheses number a few thousand.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..encoding import parse_address, to_checksum_address
from ..errors import Eip712KitError, SignatureError, ValueEncodingError
from ..hashing import keccak256
from ..limits import load_json
from ..signature import ZERO_ADDRESS, Signature, public_key_to_address, recover_public_key
from ..typed_data import TypedData
from .context import Context, detect_protocol
from .findings import Finding, Variant, json_safe
from .readings import Reading, read_signature
from .registry import HYPOTHESES, Hypothesis, NotApplicable

DEFAULT_TIME_BUDGET = 5.0
"""Seconds the search may take before it stops and reports what it tried."""
DEFAULT_MAX_CANDIDATES = 250_000
"""Candidate digests recovered at most, whatever the time budget."""

_SEARCH_ORDER = ("signature", "method", "digest", "domain", "message")
"""Layer by layer, registration order within a layer; tail hypotheses after all the rest."""
_PAIRS: tuple[tuple[str, str], ...] = (("method", "domain"), ("method", "message"), ("domain", "message"))


@dataclass(frozen=True)
class Tried:
    """One line of the search's account: a hypothesis (or a pairing) and how many candidates it gave."""

    name: str
    summary: str
    candidates: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "summary": self.summary, "candidates": self.candidates}


@dataclass(frozen=True)
class Diagnosis:
    """Why a signature does (not) verify for a document and an expected signer.

    ``valid`` follows the kit's own verify: the document's digest recovers ``expected`` with a
    low-s signature (v as 0/1 and the compact form are valid, though ``cause`` then names the
    form, since strict servers refuse it). ``cause`` is None for a valid canonical signature, a
    confirmed cause code otherwise, or ``UNEXPLAINED``.
    """

    valid: bool
    expected: str
    signer: str | None
    """What the signature recovers to over the document as given (None if recovery failed)."""
    cause: str | None
    sentence: str
    findings: tuple[Finding, ...]
    """Every confirmed difference, the main one first (a pair of mistakes gives two, a bad form one more)."""
    digest: bytes
    """The document's own EIP-712 digest."""
    signed_digest: bytes | None
    """The 32 bytes the signature was actually made over, when found."""
    signature: str
    canonical_signature: str
    """The same signature as 65 bytes r‖s‖v, v 27/28, low s: the form every verifier accepts."""
    protocol: str | None
    tried: tuple[Tried, ...]
    candidates: int
    elapsed: float
    complete: bool
    """False when the time budget or the candidate cap stopped the search before it was done."""
    stopped: str | None = None

    @property
    def causes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.findings)

    @property
    def explained(self) -> bool:
        return self.cause not in (None, "UNEXPLAINED")

    @property
    def field(self) -> str | None:
        return self.findings[0].field if self.findings else None

    @property
    def step(self) -> str | None:
        return self.findings[0].step if self.findings else None

    @property
    def signed_value(self) -> Any:
        return self.findings[0].signed_value if self.findings else None

    @property
    def given_value(self) -> Any:
        return self.findings[0].given_value if self.findings else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "expected": self.expected,
            "signer": self.signer,
            "cause": self.cause,
            "causes": list(self.causes),
            "sentence": self.sentence,
            "field": self.field,
            "step": self.step,
            "signed_value": json_safe(self.signed_value),
            "given_value": json_safe(self.given_value),
            "findings": [f.to_dict() for f in self.findings],
            "digest": "0x" + self.digest.hex(),
            "signed_digest": None if self.signed_digest is None else "0x" + self.signed_digest.hex(),
            "signature": self.signature,
            "canonical_signature": self.canonical_signature,
            "protocol": self.protocol,
            "search": {
                "candidates": self.candidates,
                "elapsed_ms": round(self.elapsed * 1000, 1),
                "complete": self.complete,
                "stopped": self.stopped,
                "tried": [t.to_dict() for t in self.tried],
            },
        }


class _Stop(Exception):
    """The budget or the cap is spent."""


class _Search:
    """Recovery over candidate digests, counted, deduplicated and bounded."""

    def __init__(self, expected: bytes, signature: Signature, deadline: float, cap: int):
        self.expected = expected
        self.signature = signature
        self.deadline = deadline
        self.cap = cap
        self.count = 0
        self.seen: set[bytes] = set()

    def hits(self, digest: bytes, signature: Signature | None = None) -> bool:
        sig = signature or self.signature
        key = digest if signature is None else digest + signature.to_bytes()
        if key in self.seen:
            return False
        if self.count >= self.cap:
            raise _Stop(f"the candidate cap of {self.cap}")
        if time.perf_counter() > self.deadline:  # ~60 ns: checked every time, a candidate can be slow to build
            raise _Stop("the time budget")
        self.seen.add(key)
        self.count += 1
        try:
            public = recover_public_key(digest, sig)
        except SignatureError:
            return False
        return keccak256(public[1:])[12:] == self.expected


@dataclass(frozen=True)
class _Match:
    digest: bytes
    findings: tuple[Finding, ...]


def _expected_address(expect: Any) -> tuple[str, bytes]:
    try:
        raw = parse_address(expect)
    except Eip712KitError as exc:
        raise exc.at("expect") from None
    address = to_checksum_address(raw)
    if address == ZERO_ADDRESS:
        raise ValueEncodingError(
            "the zero address cannot sign (it is what a failed ecrecover returns): expect the wallet's address",
            code="INVALID_ADDRESS",
            path="expect",
        )
    return address, raw


def _source_text(document: Any) -> str | None:
    if isinstance(document, str):
        return document
    if isinstance(document, (bytes, bytearray)):
        try:
            return bytes(document).decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def _select(names: Iterable[str] | None) -> list[Hypothesis]:
    if names is None:
        return list(HYPOTHESES)
    wanted = list(names)
    known = {h.name for h in HYPOTHESES}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise ValueError(f"unknown hypotheses: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    return [h for h in HYPOTHESES if h.name in wanted]


def diagnose(
    document: Mapping[str, Any] | str | bytes | TypedData,
    signature: Any,
    expect: str,
    *,
    protocol: str | None = None,
    time_budget: float = DEFAULT_TIME_BUDGET,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    hypotheses: Iterable[str] | None = None,
) -> Diagnosis:
    """Say why ``signature`` does or does not verify as ``expect``'s signature of ``document``.

    ``document`` is the typed data the server expects (dict, JSON text or :class:`TypedData`);
    ``protocol`` (``sera`` or ``renance``) only orders the search — the document's shape is
    detected otherwise. ``hypotheses`` restricts the search to the named ones. Bad input (a
    malformed document, address or signature) raises :class:`~eip712kit.errors.Eip712KitError`;
    a signature that does not verify never raises.
    """
    if not time_budget > 0:
        raise ValueError("time_budget is a positive number of seconds")
    if max_candidates < 1:
        raise ValueError("max_candidates is at least 1")
    started = time.perf_counter()
    selected = _select(hypotheses)
    source = _source_text(document)
    td = document if isinstance(document, TypedData) else TypedData(document)
    expected, expected_raw = _expected_address(expect)
    reading = read_signature(signature)
    detected = detect_protocol(td, protocol)
    original = document if isinstance(document, Mapping) else (
        load_json(source) if source is not None else None)
    ctx = Context(td, source=source, protocol=detected, expected=expected, signature=reading.signature,
                  original=original)
    search = _Search(expected_raw, reading.signature, started + time_budget, max_candidates)

    try:
        signer: str | None = public_key_to_address(recover_public_key(ctx.digest, reading.signature))
    except SignatureError:
        # r is not the x-coordinate of a curve point: that holds for every digest, so no search can help.
        raise SignatureError(
            "no public key recovers from this signature over any digest: its r is not the x-coordinate of a "
            "point on secp256k1, so the bytes were damaged (truncated or re-encoded on the way)",
            code="RECOVERY_FAILED",
            path="signature",
        ) from None
    search.seen.add(ctx.digest)
    search.count = 1

    def finish(match: _Match | None, tried: list[Tried], stopped: str | None, used: Reading = reading) -> Diagnosis:
        return _diagnosis(ctx, used, signer, match, tried, search.count, time.perf_counter() - started, stopped)

    if signer == expected:
        return finish(_Match(ctx.digest, ()), [], None)

    tried: list[Tried] = []
    for alternative in reading.alternatives:  # another reading of the same bytes, over the document as given
        search.count += 1
        try:
            alternative_signer = public_key_to_address(recover_public_key(ctx.digest, alternative.signature))
        except SignatureError:
            continue
        if alternative_signer == expected:
            tried.append(Tried("signature-readings", "other readings of the signature bytes",
                               len(reading.alternatives)))
            return finish(_Match(ctx.digest, ()), tried, None, alternative)
    if reading.alternatives:
        tried.append(Tried("signature-readings", "other readings of the signature bytes", len(reading.alternatives)))
    pools: dict[str, list[Variant[Any]]] = {"method": [], "domain": [], "message": []}
    try:
        match = _singles(ctx, search, selected, pools, tried) or _pairs(ctx, search, pools, tried)
    except _Stop as stop:
        return finish(None, tried, str(stop))
    return finish(match, tried, None)


def _candidate(ctx: Context, layer: str, value: Any) -> bytes | None:
    """The digest a single variant stands for (None when a method does not apply)."""
    if layer == "method":
        try:
            digest: bytes = value(ctx.separator, ctx.struct_hash)
        except NotApplicable:
            return None
        return digest
    if layer == "domain":
        return ctx.digest_of(value, ctx.struct_hash)
    if layer == "message":
        return ctx.digest_of(ctx.separator, value)
    if layer == "digest":
        return value  # type: ignore[no-any-return]
    return ctx.digest


def _singles(ctx: Context, search: _Search, selected: list[Hypothesis], pools: dict[str, list[Variant[Any]]],
             tried: list[Tried]) -> _Match | None:
    for hyp in sorted(selected, key=lambda h: (h.tail, _SEARCH_ORDER.index(h.layer))):
        before = search.count
        try:
            for variant in hyp.generate(ctx):
                digest = _candidate(ctx, hyp.layer, variant.value)
                if digest is None:
                    continue
                signature = variant.value if hyp.layer == "signature" else None
                if search.hits(digest, signature):
                    return _Match(digest, variant.findings)
                if variant.compose and hyp.layer in pools:
                    pools[hyp.layer].append(variant)
        finally:
            tried.append(Tried(hyp.name, hyp.summary, search.count - before))
    return None


def _pairs(ctx: Context, search: _Search, pools: dict[str, list[Variant[Any]]], tried: list[Tried]) -> _Match | None:
    for first, second in _PAIRS:
        if not pools[first] or not pools[second]:
            continue
        before = search.count
        try:
            for a in pools[first]:
                for b in pools[second]:
                    try:
                        if first == "method":
                            separator, struct_hash = (b.value, ctx.struct_hash) if second == "domain" else (
                                ctx.separator, b.value)
                            digest = a.value(separator, struct_hash)
                        else:
                            digest = ctx.digest_of(a.value, b.value)
                    except NotApplicable:
                        break
                    if search.hits(digest):
                        # The change to what was signed first, then how it was signed.
                        findings = b.findings + a.findings if first == "method" else a.findings + b.findings
                        return _Match(digest, findings)
        finally:
            tried.append(Tried(f"{first} × {second}", f"every {first} variant combined with every {second} variant",
                               search.count - before))
    return None


def _diagnosis(ctx: Context, reading: Reading, signer: str | None, match: _Match | None, tried: list[Tried],
               candidates: int, elapsed: float, stopped: str | None) -> Diagnosis:
    expected = ctx.expected
    common: dict[str, Any] = {
        "expected": expected, "signer": signer, "digest": ctx.digest, "signature": reading.given,
        "canonical_signature": reading.signature.to_hex(), "protocol": ctx.protocol, "tried": tuple(tried),
        "candidates": candidates, "elapsed": elapsed, "complete": stopped is None, "stopped": stopped,
    }
    if match is None:
        total_hypotheses = sum(1 for t in tried if "×" not in t.name)
        cut = (f" The search stopped at {stopped} after {candidates} candidates; raise the budget "
               "(--time-budget) to search the rest." if stopped else "")
        sentence = (
            f"The signature recovers to {signer or 'no address'}, not {expected}, and none of the {candidates} "
            f"candidate digests from {total_hypotheses} hypotheses (and their pairs) recovers {expected}. Either "
            "another key signed exactly this document (check which account the client signs with) or the "
            f"mistake is one the doctor does not know; the list of what was tried follows.{cut}"
        )
        return Diagnosis(valid=False, cause="UNEXPLAINED", sentence=sentence, findings=(), signed_digest=None,
                         **common)
    findings = match.findings + reading.findings
    if not match.findings:  # the document's own digest: only the signature's form can be at fault
        if not findings:
            return Diagnosis(valid=True, cause=None, findings=(), signed_digest=ctx.digest, sentence=(
                f"The signature is valid: {expected} signed exactly this document (digest 0x{ctx.digest.hex()})."
            ), **common)
        lead = (f"The signature is over this very document and recovers {expected}, but its form is "
                + ("accepted only by lenient verifiers. " if reading.accepted else "refused by verifiers. "))
        return Diagnosis(valid=reading.accepted, cause=findings[0].code, findings=findings, signed_digest=ctx.digest,
                         sentence=lead + " ".join(f.sentence for f in findings), **common)
    lead = "" if len(match.findings) == 1 else f"{len(match.findings)} mistakes together. "
    return Diagnosis(valid=False, cause=findings[0].code, findings=findings, signed_digest=match.digest,
                     sentence=lead + " ".join(f.sentence for f in findings), **common)


__all__ = ["DEFAULT_MAX_CANDIDATES", "DEFAULT_TIME_BUDGET", "Diagnosis", "Tried", "diagnose"]
