"""What a diagnosis answers: the verdict, the confirmed findings, and an account of the search.

:class:`Diagnosis` is what :func:`~eip712kit.doctor.diagnose` and
:func:`~eip712kit.doctor.diagnose_message` return, and ``to_dict`` is the ``--json`` object of
``eip712kit doctor``; :class:`Tried` is one line of the account of what was searched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .findings import Finding, json_safe


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


__all__ = ["Diagnosis", "Tried"]
