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
============  ==========================================================================

Layers are what makes combinations cheap: after every hypothesis has been tried alone, the
engine pairs methods with domains, methods with messages and domains with messages. To teach the
doctor a new mistake, write one generator in the module of its layer and decorate it::

    @hypothesis("chain-id", "domain", "the domain's chainId replaced by each known chain id")
    def other_chain_ids(ctx: Context) -> Iterator[Variant[bytes]]:
        ...

The engine searches layer by layer — signature, method, digest, domain, message — in
registration order within a layer, and ``tail=True`` hypotheses (long tails of unlikely values)
after all the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .findings import Variant

if TYPE_CHECKING:
    from .context import Context

Layer = Literal["signature", "method", "domain", "message", "digest"]
LAYERS: tuple[Layer, ...] = ("signature", "method", "domain", "message", "digest")

Generator = Callable[["Context"], Iterable[Variant[Any]]]


@dataclass(frozen=True)
class Hypothesis:
    name: str
    """Short stable slug (``chain-id``), used in ``tried`` and to select hypotheses."""
    layer: Layer
    summary: str
    """What is searched, in one line (printed when nothing matches)."""
    generate: Generator
    tail: bool = False
    """Tried after every other single hypothesis (long tails of unlikely values)."""


HYPOTHESES: list[Hypothesis] = []


class NotApplicable(Exception):
    """Raised by a method variant that has nothing to apply to for this document; the engine skips it."""


def hypothesis(name: str, layer: Layer, summary: str, *, tail: bool = False) -> Callable[[Generator], Generator]:
    """Register a generator as a hypothesis (see the module docstring)."""
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}")

    def register(generate: Generator) -> Generator:
        if any(h.name == name for h in HYPOTHESES):
            raise ValueError(f"hypothesis {name!r} is registered twice")
        HYPOTHESES.append(Hypothesis(name, layer, summary, generate, tail))
        return generate

    return register


__all__ = ["HYPOTHESES", "LAYERS", "Generator", "Hypothesis", "Layer", "NotApplicable", "hypothesis"]
