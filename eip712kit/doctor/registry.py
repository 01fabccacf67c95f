"""The list of hypotheses the doctor searches, and the decorator that adds one.

A hypothesis is a small generator named after one mistake. It reads the document under diagnosis
(a :class:`~eip712kit.doctor.context.Context`) and yields :class:`~eip712kit.doctor.findings.Variant`
objects at one *layer* of the signing pipeline:

============  ==========================================================================
layer         a variant's value
============  ==========================================================================
signature     another reading of the signature bytes (tried over the document's digest)
method        a function ``(domain separator, struct hash) -> digest``: how it was signed
domain        another domain separator (combined with the document's struct hash)
message       another struct hash (combined with the document's domain separator)
digest        a whole digest that composes with nothing (the JSON text signed as a message)
text          a personal_sign text diagnosis (``doctor message``): another digest of the text
============  ==========================================================================

Layers are what makes combinations cheap: after every hypothesis has been tried alone, the
engine combines variants of different layers (a method with a domain, a domain with a message)
and — through the *edits* a variant carries — of the same layer (two domain changes, two message
changes), and three at once when each is cheap. To teach the doctor a new mistake, write one
generator in the module of its layer and decorate it::

    @hypothesis("chain-id", "domain", "the domain's chainId replaced by each known chain id", tier=0)
    def other_chain_ids(ctx: Context) -> Iterator[Variant[bytes] | None]:
        ...

Then list its name in :data:`SEARCH_ORDER`, among the hypotheses of its tier and layer.

**Tiers** order the search by how common and how cheap a mistake is: 0 the mistakes seen every
week (a lowercase name, personal_sign of the digest, BUY for buy), 1 common, 2 plausible, 3 rare,
4 the long tails (999 millisecond remainders). A hypothesis gives the default tier and a variant
may say its own (chain id 1 is tier 0, Fantom's is tier 2). The engine tries every single variant
by tier, then pairs whose tiers add up to at most :data:`~eip712kit.doctor.search.PAIR_TIERS`,
then triples of tier-0 variants — so the likely answers come first and the rare-times-rare
products that would crowd the budget are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .findings import Variant

Layer = Literal["signature", "method", "domain", "message", "digest", "text"]
LAYERS: tuple[Layer, ...] = ("signature", "method", "domain", "message", "digest", "text")
TYPED_LAYERS: tuple[Layer, ...] = ("signature", "method", "domain", "message", "digest")
"""The layers of a typed-data diagnosis; ``doctor message`` searches ``signature`` and ``text``."""
MAX_TIER = 4

Generator = Callable[[Any], Iterable["Variant[Any] | None"]]
"""A hypothesis: a context (:class:`~eip712kit.doctor.context.Context` for typed data,
:class:`~eip712kit.doctor.text.TextContext` for a personal_sign text) to the variants it proposes.

It yields what the context's variant builders return — ``ctx.domain.variant(...)``,
``ctx.message.value_variant(...)`` … — as they come: a builder returns None for a change that
does not hash (a value that does not fit its type) or changes nothing, and
:meth:`Hypothesis.variants` drops those, so no hypothesis checks."""


@dataclass(frozen=True)
class Hypothesis:
    name: str
    """Short stable slug (``chain-id``), used in ``tried`` and to select hypotheses."""
    layer: Layer
    summary: str
    """What is searched, in one line (printed when nothing matches)."""
    generate: Generator
    tier: int = 1
    """How common and cheap the mistake is: 0 (every week) .. 4 (long tail). Variants may override it."""

    def variants(self, ctx: Any) -> Iterator[Variant[Any]]:
        """The variants this hypothesis proposes for ``ctx``, those that are none dropped."""
        return (variant for variant in self.generate(ctx) if variant is not None)


SEARCH_ORDER: tuple[str, ...] = (
    # tier 0: the mistakes seen every week
    "v-parity",
    "personal-sign-digest",
    "chain-id", "verifying-contract", "domain-name", "domain-version", "domain-field-missing", "domain-field-order",
    "v3-arrays-dropped", "milliseconds-for-seconds", "human-amount", "amount-in-string", "string-case",
    "id-list-format", "value-swap", "type-width", "uuid-as-uuid-int",
    "text-hex", "text-trailing-newline", "text-line-endings", "text-nonce", "text-address",
    # tier 1: common
    "personal-sign-digest-hex", "struct-hash-signed", "digest-hashed-twice",
    "domain-field-added", "other-protocol-domain", "domain-salt",
    "v3-array-abi", "array-of-structs-encode-data", "v3-field-omitted", "seconds-for-milliseconds",
    "amount-decimals", "string-synonym", "address-case-in-string", "field-order", "struct-renamed", "other-struct",
    "uuid-int-executor",
    "personal-sign-json",
    "text-json-quoted", "text-whitespace", "text-hashed",
    # tier 2: plausible
    "digest-without-1901", "digest-without-domain", "personal-sign-struct-hash", "personal-sign-preimage",
    "verifying-contract-as-string", "chain-id-as-string",
    "clock-skew", "number-rounded", "type-without-width", "field-swap", "field-name", "number-as-string",
    "field-added", "field-dropped",
    # tier 3: rare
    "chain-id-and-contract",
    # tier 4: the long tails
    "milliseconds-remainder",
)
"""The order the doctor tries its hypotheses in: by tier, then by layer (:data:`LAYERS`), then as listed.

The one statement of the search order — which variant is tried first among equals, and so how many
candidates a diagnosis needs. A hypothesis is registered only when it is listed here, and a test
holds the list to the tiers and layers the hypotheses declare (and docs/doctor.md's table to it).
"""
_POSITION = {name: index for index, name in enumerate(SEARCH_ORDER)}

HYPOTHESES: list[Hypothesis] = []
"""Every registered hypothesis, in the order their modules were imported (the search order is :func:`search_order`)."""


def search_order(hypotheses: Iterable[Hypothesis]) -> list[Hypothesis]:
    """``hypotheses`` in :data:`SEARCH_ORDER`."""
    return sorted(hypotheses, key=lambda h: _POSITION[h.name])


class NotApplicable(Exception):
    """Raised by a method variant that has nothing to apply to for this document; the engine skips it."""


def hypothesis(name: str, layer: Layer, summary: str, *, tier: int = 1) -> Callable[[Generator], Generator]:
    """Register a generator as a hypothesis (see the module docstring)."""
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}")
    if not 0 <= tier <= MAX_TIER:
        raise ValueError(f"a tier is 0..{MAX_TIER}, not {tier}")

    def register(generate: Generator) -> Generator:
        if any(h.name == name for h in HYPOTHESES):
            raise ValueError(f"hypothesis {name!r} is registered twice")
        if name not in _POSITION:
            raise ValueError(f"hypothesis {name!r} is not in SEARCH_ORDER: list it where it should be tried")
        HYPOTHESES.append(Hypothesis(name, layer, summary, generate, tier))
        return generate

    return register


__all__ = ["HYPOTHESES", "LAYERS", "MAX_TIER", "SEARCH_ORDER", "TYPED_LAYERS", "Generator", "Hypothesis", "Layer",
           "NotApplicable", "hypothesis", "search_order"]
