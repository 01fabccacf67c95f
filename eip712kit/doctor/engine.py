"""The search: recover the signer over each candidate digest until one gives the expected address.

1. Read the signature once (:mod:`~eip712kit.doctor.readings`): its canonical low-s form is what
   every recovery uses, so v as 0/1, compact and high-s compose with everything at no cost.
2. Recover over the document's own digest. The expected address means the document is right and
   only the signature's *form* can be at fault (or nothing is).
3. Otherwise generate every hypothesis's variants and search them **by cost**: a single variant
   costs its tier (0 the mistakes seen every week … 4 the long tails), a pair the sum of its
   tiers + :data:`PAIR_COST`, a triple the sum + :data:`TRIPLE_COST`. Pairs combine variants of
   different layers (a method and a domain, a domain and a message) or, through their edits, of
   the same layer (two domain changes, two message changes); only pairs whose tiers add up to at
   most :data:`PAIR_TIERS` and triples of tier-0 variants are tried, so likely answers come first
   and rare-times-rare products do not crowd the budget.
4. Stop at the first digest that recovers the expected address, at the time budget, or at the
   candidate cap — whichever comes first — and say which. After a match, the rest of the
   candidates of the same cost (and the single variants a little less likely) are hashed — not
   recovered — to find other explanations of the *same* digest; they are reported, ranked, as
   ``alternatives``.

A cause is reported only when recovery over its digest gives the expected address: a wrong
guess would need a keccak collision to pass, so a reported cause is a confirmed one. What cannot
be confirmed is reported as ``UNEXPLAINED`` with the list of what was tried.

Recovery dominates the cost (see :mod:`.recovery`); building a candidate reuses the encoded words
(:class:`~eip712kit.doctor.word_tree.WordTree`), so a Sera ``Order``'s complete search — about
9 000 candidates — takes 1–2 s on a busy 2-core machine (docs/doctor.md has the measurements). The
clock is injectable so tests assert candidates and outcomes, never wall time.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..encoding import parse_address, to_checksum_address
from ..errors import Eip712KitError, SignatureError, ValueEncodingError
from ..hashing import keccak256
from ..limits import load_json
from ..messages import message_bytes
from ..signature import ZERO_ADDRESS, Signature, public_key_to_address, recover_public_key
from ..typed_data import TypedData
from .context import Context
from .detection import detect_protocol
from .findings import DomainEdit, Finding, MessageEdit, TextEdit, Variant, json_safe
from .readings import Reading, read_signature
from .recovery import Recoverer
from .registry import HYPOTHESES, LAYERS, MAX_TIER, TYPED_LAYERS, Hypothesis
from .text import TextContext

DEFAULT_TIME_BUDGET = 5.0
"""Seconds the search may take before it stops and reports what it tried."""
DEFAULT_MAX_CANDIDATES = 250_000
"""Candidate digests recovered at most, whatever the time budget."""
PAIR_TIERS = 2
"""Pairs are tried when their two tiers add up to at most this (0+2, 1+1, ...)."""
TRIPLE_TIERS = 0
"""Triples are tried when their three tiers add up to at most this: three cheap mistakes."""
PAIR_COST = 2
TRIPLE_COST = 4
ALTERNATIVE_TIERS = 2
"""After a match, single variants up to this many tiers above it are hashed for other explanations."""
MAX_COST = max(MAX_TIER, PAIR_TIERS + PAIR_COST, TRIPLE_TIERS + TRIPLE_COST)

Clock = Callable[[], float]

_FINDING_ORDER = {"domain": 0, "message": 1, "text": 1, "method": 2}
"""Within a combination: what was signed (domain, message, text) first, then how (method)."""


@dataclass(frozen=True)
class Tried:
    """One line of the search's account: a hypothesis (or a combination) and how many candidates it gave."""

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
    """The document's own digest (EIP-712, or EIP-191 for ``diagnose_message``)."""
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
    alternatives: tuple[tuple[Finding, ...], ...] = ()
    """Other explanations of the very same signed digest (equally confirmed), likeliest first."""
    kind: str = "typed-data"
    """``typed-data`` (EIP-712) or ``message`` (personal_sign text)."""

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
            "kind": self.kind,
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
            "alternatives": [{"causes": [f.code for f in alt], "findings": [f.to_dict() for f in alt]}
                             for alt in self.alternatives],
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
    """Recovery over candidate digests, counted, deduplicated and bounded by a clock and a cap."""

    def __init__(self, expected: bytes, signature: Signature, deadline: float, cap: int, clock: Clock):
        self.expected = expected
        self.recoverer = Recoverer(signature)
        self.deadline = deadline
        self.cap = cap
        self.clock = clock
        self.count = 0
        self.seen: set[bytes] = set()

    def check(self) -> None:
        """Raise _Stop once the time budget is spent (called while building candidates too)."""
        if self.clock() > self.deadline:
            raise _Stop("the time budget")

    def hits(self, digest: bytes, signature: Signature | None = None) -> bool:
        key = digest if signature is None else digest + signature.to_bytes()
        if key in self.seen:
            return False
        if self.count >= self.cap:
            raise _Stop(f"the candidate cap of {self.cap}")
        self.check()  # a clock read per candidate: a candidate can be slow to build
        self.seen.add(key)
        self.count += 1
        if signature is None:
            return self.recoverer.address(digest) == self.expected
        try:
            public = recover_public_key(digest, signature)
        except SignatureError:
            return False
        return keccak256(public[1:])[12:] == self.expected


class _Diagnosable(Protocol):
    """What the engine needs from a context: the document's digest and how variants combine."""

    digest: bytes
    expected: str
    protocol: str | None

    def combine(self, parts: Sequence[tuple[str, Variant[Any]]]) -> bytes | None: ...


@dataclass(frozen=True)
class _Item:
    """A variant with where it came from, what it costs, and what it would clash with."""

    layer: str
    tier: int
    variant: Variant[Any]
    hypothesis: str
    rank: int
    """Position in the search order (ties broken by registration order)."""
    exclusive: bool
    """Combines with no other variant of its layer (a method; a variant without an edit)."""
    touches: frozenset[Any]
    """What its edit changes (domain keys, message paths, the types, a text phase): two variants of one
    layer that touch the same thing are one mistake made twice, not two mistakes."""


def _touches(layer: str, variant: Variant[Any]) -> tuple[bool, frozenset[Any]]:
    edit = variant.edit
    if layer == "domain" and isinstance(edit, DomainEdit):
        return False, frozenset([*edit.values, *(["fields"] if edit.fields is not None else [])])
    if layer == "message" and isinstance(edit, MessageEdit):
        typed = ["types"] if edit.types is not None or edit.primary is not None or edit.type_hashes else []
        return False, frozenset([*(path for path, _ in edit.values), *typed])
    if layer == "text" and isinstance(edit, TextEdit):
        return False, frozenset(["method"] if edit.method is not None else [edit.phase])
    return True, frozenset()


def _findings(items: Sequence[_Item]) -> tuple[Finding, ...]:
    ordered = sorted(items, key=lambda i: _FINDING_ORDER.get(i.layer, 1))
    return tuple(f for i in ordered for f in i.variant.findings)


@dataclass
class _Match:
    digest: bytes
    findings: tuple[Finding, ...]
    alternatives: list[tuple[Finding, ...]] = field(default_factory=list)


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
    """The hypotheses to search, in search order: by tier, then layer, then registration."""
    pool = [h for h in HYPOTHESES if h.layer in layers]
    if names is not None:
        wanted = list(names)
        known = {h.name for h in pool}
        unknown = [n for n in wanted if n not in known]
        if unknown:
            raise ValueError(f"unknown hypotheses: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        pool = [h for h in pool if h.name in wanted]
    return sorted(pool, key=lambda h: (h.tier, LAYERS.index(h.layer)))


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
    address or signature) raises :class:`~eip712kit.errors.Eip712KitError`; a signature that does
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


def _diagnose(ctx: _Diagnosable, reading: Reading, selected: list[Hypothesis], expected_raw: bytes, started: float,
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
    search = _Search(expected_raw, reading.signature, started + time_budget, max_candidates, clock)
    search.seen.add(ctx.digest)
    search.count = 1

    def finish(match: _Match | None, tried: list[Tried], stopped: str | None, used: Reading = reading) -> Diagnosis:
        return _diagnosis(ctx, used, signer, match, tried, search.count, clock() - started, stopped, kind)

    if signer == ctx.expected:
        return finish(_Match(ctx.digest, ()), [], None)

    tried: list[Tried] = []
    for alternative in reading.alternatives:  # another reading of the same bytes, over the document as given
        search.count += 1
        try:
            alternative_signer = public_key_to_address(recover_public_key(ctx.digest, alternative.signature))
        except SignatureError:
            continue
        if alternative_signer == ctx.expected:
            tried.append(Tried("signature-readings", "other readings of the signature bytes",
                               len(reading.alternatives)))
            return finish(_Match(ctx.digest, ()), tried, None, alternative)
    if reading.alternatives:
        tried.append(Tried("signature-readings", "other readings of the signature bytes", len(reading.alternatives)))
    counts: Counter[str] = Counter()
    variants = _Variants(ctx, search, selected)
    try:
        match = _search(ctx, search, variants, counts)
    except _Stop as stop:
        return finish(None, tried + _account(selected, variants.reached, counts), str(stop))
    return finish(match, tried + _account(selected, variants.reached, counts), None)


_COMBINATION_SUMMARIES = {
    2: "every pair of {} variants whose tiers add up to at most " + str(PAIR_TIERS),
    3: "every triple of tier-0 {} variants",
}


def _account(selected: list[Hypothesis], reached: list[str], counts: Counter[str]) -> list[Tried]:
    """What was tried: each hypothesis that ran (in search order), then each kind of combination."""
    ran = set(reached)
    lines = [Tried(h.name, h.summary, counts.pop(h.name, 0)) for h in selected if h.name in ran]
    for label, number in counts.items():  # the combinations, in the order they were first tried
        size = label.count("×") + 1
        lines.append(Tried(label, _COMBINATION_SUMMARIES[size].format(label.replace(" × ", ", ")), number))
    return lines


class _Variants:
    """Every hypothesis's variants, generated lazily by tier: a quick answer does not wait for the long tails.

    A variant's tier is never below its hypothesis's (a hypothesis's tier is its likeliest variant's),
    so once the hypotheses of tier ≤ t have run, every variant of tier ≤ t is known.
    """

    def __init__(self, ctx: _Diagnosable, search: _Search, selected: list[Hypothesis]):
        self.ctx = ctx
        self.search = search
        self.pending = list(selected)  # in search order: by tier, then layer, then registration
        self.reached: list[str] = []
        self.by_tier: dict[int, list[_Item]] = {}
        self.pools: dict[int, list[_Item]] = {}
        """Variants that combine (compose, and of a layer that combines), by tier."""
        self.count = 0

    def upto(self, tier: int) -> None:
        """Run every hypothesis of tier ≤ ``tier`` not yet run."""
        while self.pending and self.pending[0].tier <= tier:
            hyp = self.pending.pop(0)
            self.reached.append(hyp.name)
            for variant in hyp.generate(self.ctx):
                self.search.check()
                own = hyp.tier if variant.tier is None else variant.tier
                if own < hyp.tier:
                    raise AssertionError(f"{hyp.name}: a variant of tier {own} below its hypothesis's {hyp.tier}")
                exclusive, touches = _touches(hyp.layer, variant)
                item = _Item(hyp.layer, own, variant, hyp.name, self.count, exclusive, touches)
                self.count += 1
                self.by_tier.setdefault(own, []).append(item)
                if variant.compose and hyp.layer not in ("signature", "digest"):
                    self.pools.setdefault(own, []).append(item)


Candidate = tuple[int, tuple[_Item, ...], bytes]
"""(cost, the variants combined, the digest they stand for)."""


def _single_digest(ctx: _Diagnosable, item: _Item) -> bytes | None:
    if item.layer == "signature":
        return ctx.digest
    if item.layer == "digest":
        value: bytes = item.variant.value
        return value
    return ctx.combine([(item.layer, item.variant)])


def _clash(a: _Item, b: _Item) -> bool:
    return a.layer == b.layer and (a.exclusive or b.exclusive or not a.touches.isdisjoint(b.touches))


def _combinations(pools: dict[int, list[_Item]], size: int, total: int) -> Iterator[tuple[_Item, ...]]:
    """Every ``size`` items (distinct, unordered, not clashing) whose tiers add up to ``total``."""
    for tiers in itertools.combinations_with_replacement(range(total + 1), size):
        if sum(tiers) != total:
            continue
        groups = Counter(tiers)
        parts = [itertools.combinations(pools.get(tier, []), k) for tier, k in sorted(groups.items())]
        for chosen in itertools.product(*parts):
            items = tuple(item for group in chosen for item in group)
            if size == 2:
                if not _clash(items[0], items[1]):
                    yield items
            elif not any(_clash(x, y) for x, y in itertools.combinations(items, 2)):
                yield items


def _candidates(ctx: _Diagnosable, variants: _Variants) -> Iterator[Candidate | None]:
    """Every candidate, by cost: singles of that tier, then pairs, then triples (None: one that did not apply)."""
    combine = ctx.combine
    for cost in range(MAX_COST + 1):
        variants.upto(cost)
        for item in variants.by_tier.get(cost, []):
            digest = _single_digest(ctx, item)
            yield None if digest is None else (cost, (item,), digest)
        for size, extra, limit in ((2, PAIR_COST, PAIR_TIERS), (3, TRIPLE_COST, TRIPLE_TIERS)):
            total = cost - extra
            if 0 <= total <= limit:
                for items in _combinations(variants.pools, size, total):
                    digest = combine([(i.layer, i.variant) for i in items])
                    yield None if digest is None else (cost, items, digest)


def _label(items: tuple[_Item, ...], labels: dict[tuple[str, ...], str]) -> str:
    if len(items) == 1:
        return items[0].hypothesis
    layers = tuple(i.layer for i in items)
    label = labels.get(layers)
    if label is None:
        label = labels[layers] = " × ".join(sorted(layers, key=LAYERS.index))
    return label


def _search(ctx: _Diagnosable, search: _Search, variants: _Variants, counts: Counter[str]) -> _Match | None:
    stream = _candidates(ctx, variants)
    labels: dict[tuple[str, ...], str] = {}
    for candidate in stream:
        if candidate is None:
            search.check()
            continue
        cost, items, digest = candidate
        signature = items[0].variant.value if items[0].layer == "signature" else None
        before = search.count
        found = search.hits(digest, signature)
        counts[_label(items, labels)] += search.count - before
        if found:
            match = _Match(digest, _findings(items))
            if signature is None:
                _alternatives(ctx, search, match, cost, stream, variants)
            return match
    return None


def _alternatives(ctx: _Diagnosable, search: _Search, match: _Match, cost: int, stream: Iterator[Candidate | None],
                  variants: _Variants) -> None:
    """Other explanations of the matched digest: the rest of its cost level, and the single variants
    up to :data:`ALTERNATIVE_TIERS` tiers above it.

    Only hashing, no recovery (the digest is known). Bounded by the same clock; a cut ranking is
    simply shorter.
    """
    seen: list[tuple[Finding, ...]] = [match.findings]  # findings may hold lists: compared, not hashed

    def consider(items: Sequence[_Item]) -> None:
        findings = _findings(items)
        if findings not in seen:
            seen.append(findings)
            match.alternatives.append(findings)

    try:
        for candidate in stream:
            if candidate is None:
                continue
            if candidate[0] > cost:
                break
            search.check()
            if candidate[2] == match.digest:
                consider(candidate[1])
        last = min(MAX_TIER, cost + ALTERNATIVE_TIERS)
        variants.upto(last)
        for tier in range(cost + 1, last + 1):
            for item in variants.by_tier.get(tier, []):
                if item.layer == "signature":
                    continue
                search.check()
                if _single_digest(ctx, item) == match.digest:
                    consider((item,))
    except _Stop:
        pass


def _diagnosis(ctx: _Diagnosable, reading: Reading, signer: str | None, match: _Match | None, tried: list[Tried],
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
    "PAIR_TIERS",
    "TRIPLE_TIERS",
    "Clock",
    "Diagnosis",
    "Tried",
    "diagnose",
    "diagnose_message",
]
