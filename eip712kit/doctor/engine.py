"""The diagnosis: recover the signer over each candidate digest until one gives the expected address.

1. Read the signature once (:mod:`~eip712kit.doctor.readings`): its canonical low-s form is what
   every recovery uses, so v as 0/1, compact and high-s compose with everything at no cost.
2. Recover over the document's own digest. The expected address means the document is right and
   only the signature's *form* can be at fault (or nothing is).
3. Otherwise generate every hypothesis's variants and search them **by cost**
   (:mod:`~eip712kit.doctor.search`): a single variant costs its tier (0 the mistakes seen every
   week … 4 the long tails), a pair the sum of its tiers + ``PAIR_COST``, a triple the sum +
   ``TRIPLE_COST``. Pairs combine variants of different layers (a method and a domain, a domain
   and a message) or, through their edits, of the same layer (two domain changes, two message
   changes); only pairs whose tiers add up to at most ``PAIR_TIERS`` and triples of tier-0
   variants are tried, so likely answers come first and rare-times-rare products do not crowd
   the budget.
4. Stop at the first digest that recovers the expected address, at the time budget, or at the
   candidate cap — whichever comes first — and say which. After a match, the rest of the
   candidates of the same cost (and the single variants a little less likely) are hashed — not
   recovered — to find other explanations of the *same* digest; they are reported, ranked, as
   ``alternatives``. The answer is a :class:`~eip712kit.doctor.diagnosis.Diagnosis`.

A cause is reported only when recovery over its digest gives the expected address: a wrong
guess would need a keccak collision to pass, so a reported cause is a confirmed one. What cannot
be confirmed is reported as ``UNEXPLAINED`` with the list of what was tried.

Recovery dominates the cost (:class:`~eip712kit.core.signature.Recoverer`); building a candidate reuses the encoded
words (:class:`~eip712kit.doctor.word_tree.WordTree`), so a Sera ``Order``'s complete search — about
9 000 candidates — takes 1–2 s on a busy 2-core machine (docs/doctor.md has the measurements). The
clock is injectable so tests assert candidates and outcomes, never wall time.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..base.errors import Eip712KitError, SignatureError, ValueEncodingError
from ..base.limits import load_json
from ..base.parsers import parse_address, to_checksum_address
from ..core.messages import message_bytes
from ..core.signature import ZERO_ADDRESS, public_key_to_address, recover_public_key
from ..core.typed_data import TypedData
from .context import Context
from .detection import detect_protocol
from .diagnosis import Diagnosis, Tried
from .readings import Reading, read_signature
from .registry import HYPOTHESES, TYPED_LAYERS, Hypothesis, search_order
from .search import Clock, Diagnosable, Match, Search, Stop, Variants, account, find_match
from .text import TextContext

DEFAULT_TIME_BUDGET = 5.0
"""Seconds the search may take before it stops and reports what it tried."""
DEFAULT_MAX_CANDIDATES = 250_000
"""Candidate digests recovered at most, whatever the time budget."""


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


def _select(names: Iterable[str] | None, layers: Sequence[str]) -> list[Hypothesis]:
    """The hypotheses to search, in the search order (:data:`~eip712kit.doctor.registry.SEARCH_ORDER`)."""
    pool = [h for h in HYPOTHESES if h.layer in layers]
    if names is not None:
        wanted = list(names)
        known = {h.name for h in pool}
        unknown = [n for n in wanted if n not in known]
        if unknown:
            raise ValueError(f"unknown hypotheses: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        pool = [h for h in pool if h.name in wanted]
    return search_order(pool)


def _check_bounds(time_budget: float, max_candidates: int) -> None:
    if not time_budget > 0:
        raise ValueError("time_budget is a positive number of seconds")
    if max_candidates < 1:
        raise ValueError("max_candidates is at least 1")


def diagnose(
    document: Mapping[str, Any] | str | bytes | TypedData,
    signature: Any,
    expect: str,
    *,
    protocol: str | None = None,
    time_budget: float = DEFAULT_TIME_BUDGET,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    hypotheses: Iterable[str] | None = None,
    clock: Clock = time.perf_counter,
) -> Diagnosis:
    """Say why ``signature`` does or does not verify as ``expect``'s signature of ``document``.

    ``document`` is the typed data the server expects (dict, JSON text or :class:`TypedData`);
    ``protocol`` (``sera`` or ``renance``) only orders the search — the document's shape is
    detected otherwise. ``hypotheses`` restricts the search to the named ones; ``clock`` (seconds,
    monotonic) measures the budget — tests pass a counter. Bad input (a malformed document,
    address or signature) raises :class:`~eip712kit.base.errors.Eip712KitError`; a signature that does
    not verify never raises.
    """
    _check_bounds(time_budget, max_candidates)
    started = clock()
    selected = _select(hypotheses, TYPED_LAYERS)
    source = _source_text(document)
    td = document if isinstance(document, TypedData) else TypedData(document)
    expected, expected_raw = _expected_address(expect)
    reading = read_signature(signature)
    detected = detect_protocol(td, protocol)
    original = document if isinstance(document, Mapping) else (
        load_json(source) if source is not None else None)
    ctx = Context(td, source=source, protocol=detected, expected=expected, signature=reading.signature,
                  original=original)
    return _diagnose(ctx, reading, selected, expected_raw, started, time_budget, max_candidates, clock,
                     "typed-data")


def diagnose_message(
    message: str | bytes,
    signature: Any,
    expect: str,
    *,
    nonce: Any = None,
    nonces: Iterable[Any] = (),
    challenge: Mapping[str, Any] | None = None,
    protocol: str | None = None,
    time_budget: float = DEFAULT_TIME_BUDGET,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    hypotheses: Iterable[str] | None = None,
    clock: Clock = time.perf_counter,
) -> Diagnosis:
    """Say why ``signature`` does or does not verify as ``expect``'s personal_sign of ``message``.

    ``message`` is the text the server asked to sign (Alura's challenge ``message``, any EIP-191
    login text) as ``str``, or its exact bytes. ``nonce`` is the challenge's nonce when known (it
    locates the nonce in the text); ``nonces`` are other nonces the client may have signed (an
    earlier challenge's); ``challenge`` is the whole challenge response, when the client may have
    signed it as JSON. The search covers the text versus its hex, newlines, CRLF, trimmed
    whitespace, the nonce and the address in the text, a JSON-quoted text and a hashed text.
    """
    _check_bounds(time_budget, max_candidates)
    started = clock()
    selected = _select(hypotheses, ("signature", "text"))
    expected, expected_raw = _expected_address(expect)
    reading = read_signature(signature)
    raw = message_bytes(message)  # refuses what is no text or bytes, at path "message"
    ctx = TextContext(raw, expected=expected, signature=reading.signature, nonce=nonce, nonces=tuple(nonces),
                      protocol=protocol, challenge=challenge)
    return _diagnose(ctx, reading, selected, expected_raw, started, time_budget, max_candidates, clock, "message")


def _diagnose(ctx: Diagnosable, reading: Reading, selected: list[Hypothesis], expected_raw: bytes, started: float,
              time_budget: float, max_candidates: int, clock: Clock, kind: str) -> Diagnosis:
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
    search = Search(expected_raw, reading.signature, started + time_budget, max_candidates, clock)
    search.seen.add(ctx.digest)
    search.count = 1

    def finish(match: Match | None, tried: list[Tried], stopped: str | None, used: Reading = reading) -> Diagnosis:
        return _diagnosis(ctx, used, signer, match, tried, search.count, clock() - started, stopped, kind)

    if signer == ctx.expected:
        return finish(Match(ctx.digest, ()), [], None)

    tried = [Tried("signature-readings", "other readings of the signature bytes", len(reading.alternatives))
             ] if reading.alternatives else []
    for alternative in reading.alternatives:  # another reading of the same bytes, over the document as given
        search.count += 1
        try:
            alternative_signer = public_key_to_address(recover_public_key(ctx.digest, alternative.signature))
        except SignatureError:
            continue
        if alternative_signer == ctx.expected:
            return finish(Match(ctx.digest, ()), tried, None, alternative)
    counts: Counter[str] = Counter()
    variants = Variants(ctx, search, selected)
    try:
        match = find_match(ctx, search, variants, counts)
    except Stop as stop:
        return finish(None, tried + account(selected, variants.reached, counts), str(stop))
    return finish(match, tried + account(selected, variants.reached, counts), None)


def _diagnosis(ctx: Diagnosable, reading: Reading, signer: str | None, match: Match | None, tried: list[Tried],
               candidates: int, elapsed: float, stopped: str | None, kind: str) -> Diagnosis:
    expected = ctx.expected
    common: dict[str, Any] = {
        "expected": expected, "signer": signer, "digest": ctx.digest, "signature": reading.given,
        "canonical_signature": reading.signature.to_hex(), "protocol": ctx.protocol, "tried": tuple(tried),
        "candidates": candidates, "elapsed": elapsed, "complete": stopped is None, "stopped": stopped,
        "kind": kind,
    }
    what = "document" if kind == "typed-data" else "message"
    if match is None:
        total_hypotheses = sum(1 for t in tried if "×" not in t.name and t.name != "signature-readings")
        cut = (f" The search stopped at {stopped} after {candidates} candidates, before it was complete; raise "
               "the budget (--time-budget) to search the rest." if stopped else
               " The search was complete.")
        sentence = (
            f"The signature recovers to {signer or 'no address'}, not {expected}, and none of the {candidates} "
            f"candidate digests from {total_hypotheses} hypotheses (and their combinations) recovers {expected}. "
            f"Either another key signed exactly this {what} (check which account the client signs with) or the "
            f"mistake is one the doctor does not know; the list of what was tried follows.{cut}"
        )
        return Diagnosis(valid=False, cause="UNEXPLAINED", sentence=sentence, findings=(), signed_digest=None,
                         **common)
    findings = match.findings + reading.findings
    if not match.findings:  # the document's own digest: only the signature's form can be at fault
        if not findings:
            return Diagnosis(valid=True, cause=None, findings=(), signed_digest=ctx.digest, sentence=(
                f"The signature is valid: {expected} signed exactly this {what} (digest 0x{ctx.digest.hex()})."
            ), **common)
        lead = (f"The signature is over this very {what} and recovers {expected}, but its form is "
                + ("accepted only by lenient verifiers. " if reading.accepted else "refused by verifiers. "))
        return Diagnosis(valid=reading.accepted, cause=findings[0].code, findings=findings, signed_digest=ctx.digest,
                         sentence=lead + " ".join(f.sentence for f in findings), **common)
    lead = "" if len(match.findings) == 1 else f"{len(match.findings)} mistakes together. "
    sentence = lead + " ".join(f.sentence for f in findings)
    if match.alternatives:
        count = len(match.alternatives)
        sentence += (f" {count} other explanation{'s give' if count > 1 else ' gives'} this very digest (each as "
                     "confirmed; the first above is the likeliest): "
                     + "; ".join(" + ".join(f.code for f in alt) for alt in match.alternatives) + ".")
    return Diagnosis(valid=False, cause=findings[0].code, findings=findings, signed_digest=match.digest,
                     sentence=sentence, alternatives=tuple(match.alternatives), **common)


__all__ = [
    "DEFAULT_MAX_CANDIDATES",
    "DEFAULT_TIME_BUDGET",
    "Clock",
    "diagnose",
    "diagnose_message",
]
