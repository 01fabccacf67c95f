"""The search machinery: candidates by cost, combined across and within layers, recovered until one matches.

A single variant costs its tier (0 the mistakes seen every week … 4 the long tails), a pair the
sum of its tiers + :data:`PAIR_COST`, a triple the sum + :data:`TRIPLE_COST`. :class:`Variants`
runs the hypotheses lazily, tier by tier, so a quick answer does not wait for the long tails;
the candidates of one cost are its single variants, then the pairs whose tiers add up to at most
:data:`PAIR_TIERS`, then the triples of tier-0 variants. Pairs combine variants of different
layers (a method and a domain, a domain and a message) or, through their edits, of the same
layer; two variants that touch the same value are one mistake made twice and do not combine.

:class:`Search` recovers the signer over each candidate digest — counted, deduplicated, bounded
by a clock and a cap (:class:`Stop`) — and :func:`find_match` returns the first that gives the
expected address, with the other explanations of the very same digest (hashed, not recovered).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..base.errors import SignatureError
from ..base.hashing import keccak256
from ..core.signature import Recoverer, Signature, recover_public_key
from .diagnosis import Tried
from .findings import DomainEdit, Finding, MessageEdit, TextEdit, Variant
from .registry import LAYERS, MAX_TIER, Hypothesis

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


class Stop(Exception):
    """The budget or the cap is spent."""


class Search:
    """Recovery over candidate digests, counted, deduplicated and bounded by a clock and a cap."""

    def __init__(self, expected: bytes, signature: Signature, deadline: float, cap: int, clock: Clock):
        self.expected = expected
        self.recoverer = Recoverer(signature)
        self.deadline = deadline
        self.cap = cap
        self.clock = clock
        self.count = 0
        self.seen: set[bytes] = set()

    def require_time_left(self) -> None:
        """Raise Stop once the time budget is spent (called while building candidates too)."""
        if self.clock() > self.deadline:
            raise Stop("the time budget")

    def hits(self, digest: bytes, signature: Signature | None = None) -> bool:
        key = digest if signature is None else digest + signature.to_bytes()
        if key in self.seen:
            return False
        if self.count >= self.cap:
            raise Stop(f"the candidate cap of {self.cap}")
        self.require_time_left()  # a clock read per candidate: a candidate can be slow to build
        self.seen.add(key)
        self.count += 1
        if signature is None:
            return self.recoverer.address(digest) == self.expected
        try:
            public = recover_public_key(digest, signature)
        except SignatureError:
            return False
        return keccak256(public[1:])[12:] == self.expected


class Diagnosable(Protocol):
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
class Match:
    """The digest that recovered the expected address, what it means, and its other explanations."""

    digest: bytes
    findings: tuple[Finding, ...]
    alternatives: list[tuple[Finding, ...]] = field(default_factory=list)


_COMBINATION_SUMMARIES = {
    2: "every pair of {} variants whose tiers add up to at most " + str(PAIR_TIERS),
    3: "every triple of tier-0 {} variants",
}


def account(selected: list[Hypothesis], reached: list[str], counts: Counter[str]) -> list[Tried]:
    """What was tried: each hypothesis that ran (in search order), then each kind of combination."""
    ran = set(reached)
    lines = [Tried(h.name, h.summary, counts.pop(h.name, 0)) for h in selected if h.name in ran]
    for label, number in counts.items():  # the combinations, in the order they were first tried
        size = label.count("×") + 1
        lines.append(Tried(label, _COMBINATION_SUMMARIES[size].format(label.replace(" × ", ", ")), number))
    return lines


class Variants:
    """Every hypothesis's variants, generated lazily by tier: a quick answer does not wait for the long tails.

    A variant's tier is never below its hypothesis's (a hypothesis's tier is its likeliest variant's),
    so once the hypotheses of tier ≤ t have run, every variant of tier ≤ t is known.
    """

    def __init__(self, ctx: Diagnosable, search: Search, selected: list[Hypothesis]):
        self.ctx = ctx
        self.search = search
        self.pending = list(selected)  # in search order (registry.SEARCH_ORDER)
        self.reached: list[str] = []
        self.by_tier: dict[int, list[_Item]] = {}
        self.pools: dict[int, list[_Item]] = {}
        """Variants that combine (compose, and of a layer that combines), by tier."""

    def upto(self, tier: int) -> None:
        """Run every hypothesis of tier ≤ ``tier`` not yet run."""
        while self.pending and self.pending[0].tier <= tier:
            hyp = self.pending.pop(0)
            self.reached.append(hyp.name)
            for variant in hyp.variants(self.ctx):
                self.search.require_time_left()
                own = hyp.tier if variant.tier is None else variant.tier
                if own < hyp.tier:
                    raise AssertionError(f"{hyp.name}: a variant of tier {own} below its hypothesis's {hyp.tier}")
                exclusive, touches = _touches(hyp.layer, variant)
                item = _Item(hyp.layer, own, variant, hyp.name, exclusive, touches)
                self.by_tier.setdefault(own, []).append(item)
                if variant.compose and hyp.layer not in ("signature", "digest"):
                    self.pools.setdefault(own, []).append(item)


Candidate = tuple[int, tuple[_Item, ...], bytes]
"""(cost, the variants combined, the digest they stand for)."""


def _single_digest(ctx: Diagnosable, item: _Item) -> bytes | None:
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


def _candidates(ctx: Diagnosable, variants: Variants) -> Iterator[Candidate | None]:
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


def find_match(ctx: Diagnosable, search: Search, variants: Variants, counts: Counter[str]) -> Match | None:
    stream = _candidates(ctx, variants)
    labels: dict[tuple[str, ...], str] = {}
    for candidate in stream:
        if candidate is None:
            search.require_time_left()
            continue
        cost, items, digest = candidate
        signature = items[0].variant.value if items[0].layer == "signature" else None
        before = search.count
        found = search.hits(digest, signature)
        counts[_label(items, labels)] += search.count - before
        if found:
            match = Match(digest, _findings(items))
            if signature is None:
                _alternatives(ctx, search, match, cost, stream, variants)
            return match
    return None


def _alternatives(ctx: Diagnosable, search: Search, match: Match, cost: int, stream: Iterator[Candidate | None],
                  variants: Variants) -> None:
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
            search.require_time_left()
            if candidate[2] == match.digest:
                consider(candidate[1])
        last = min(MAX_TIER, cost + ALTERNATIVE_TIERS)
        variants.upto(last)
        for tier in range(cost + 1, last + 1):
            for item in variants.by_tier.get(tier, []):
                if item.layer == "signature":
                    continue
                search.require_time_left()
                if _single_digest(ctx, item) == match.digest:
                    consider((item,))
    except Stop:
        pass


__all__ = [
    "ALTERNATIVE_TIERS",
    "MAX_COST",
    "PAIR_COST",
    "PAIR_TIERS",
    "TRIPLE_COST",
    "TRIPLE_TIERS",
    "Candidate",
    "Clock",
    "Diagnosable",
    "Match",
    "Search",
    "Stop",
    "Variants",
    "account",
    "find_match",
]
