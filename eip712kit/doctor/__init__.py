"""The doctor: say why a signature does not verify.

:func:`diagnose` recovers the signer of a typed-data signature and, when it is not the expected
address, searches the mistakes clients actually make — another chain id or contract, a
``personal_sign`` of the digest, milliseconds for seconds, ``BUY`` for ``buy``, the order's UUID
where Sera's ``uuid_int`` belongs, v as 0/1 … — until one reproduces a digest that recovers the
expected address. It reports that cause (a stable code, a sentence, the field or step, the value
signed versus the value given) or, when nothing matches within the budget, what it tried.

:func:`diagnose_message` does the same for a personal_sign text (Alura's login challenge): the
text versus its hex, a trailing newline, CRLF, trimmed whitespace, another nonce or address.

The search is a list of small named hypotheses, one per mistake, in the modules of their layer
(:mod:`.readings`, :mod:`.methods`, :mod:`.domain`, :mod:`.times`, :mod:`.values`,
:mod:`.declared`, :mod:`.arrays`, :mod:`.sera`, :mod:`.text`); :mod:`.registry` explains how to
add one and holds the search order (``SEARCH_ORDER``). ``docs/doctor.md`` lists them all.
"""

# Importing the layer modules registers their hypotheses; the order they are tried in is
# registry.SEARCH_ORDER, whatever the order of this import.
from . import arrays, declared, domain, methods, readings, sera, text, times, values  # noqa: F401
from .diagnosis import Diagnosis, Tried
from .engine import DEFAULT_MAX_CANDIDATES, DEFAULT_TIME_BUDGET, diagnose, diagnose_message
from .findings import CAUSES, Finding, Variant
from .registry import HYPOTHESES, SEARCH_ORDER, Hypothesis, hypothesis
from .search import PAIR_TIERS, TRIPLE_TIERS

__all__ = [
    "CAUSES",
    "DEFAULT_MAX_CANDIDATES",
    "DEFAULT_TIME_BUDGET",
    "HYPOTHESES",
    "PAIR_TIERS",
    "SEARCH_ORDER",
    "TRIPLE_TIERS",
    "Diagnosis",
    "Finding",
    "Hypothesis",
    "Tried",
    "Variant",
    "diagnose",
    "diagnose_message",
    "hypothesis",
]
