"""Reports: a :class:`~eip712kit.conformance.runner.Report` rendered as text, JSON or JUnit XML.

Rendering never prints: the CLI (:mod:`eip712kit.cli.conformance`) decides where each report goes.
What an adapter said (its name and tags in the handshake, its reasons, its stderr, its values) is
another program's text: the text and JUnit reports show it through
:func:`eip712kit.protocols.trust.visible`, every control, bidi and zero-width character escaped (XML
could not even hold a C0 control); the JSON report keeps the values, escaped as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree

from ..protocols.trust import visible
from .runner import DECLARED, Report

_COLUMNS = (("passed", "passed"), ("failed", "failed"), ("skipped", "skipped"), (DECLARED, "declared"),
            ("xfail", "xfail"), ("xpass", "xpass"))
"""(status, column header) of the text table; xfail/xpass columns appear only when a run has them."""


def _summary(counts: dict[str, int]) -> str:
    parts = [f"{counts['passed']} passed", f"{counts['failed']} failed", f"{counts['skipped']} skipped"]
    if counts[DECLARED]:
        parts.append(f"{counts[DECLARED]} skipped by declaration")
    for status in ("xfail", "xpass"):
        if counts[status]:
            parts.append(f"{counts[status]} {status}")
    return ", ".join(parts)


def render_text(report: Report, *, verbose: bool = False) -> str:
    """The human report: each failing case with its differences, then one summary line per suite."""
    lines = [f"eip712kit conformance: {len(report.outcomes)} cases from {len(report.files)} file(s) "
             f"against {report.target}"]
    if report.vectors is not None:
        lines.append(f"vectors: {describe_vectors(report.vectors)}")
    if report.declaration.answered:
        lines.append(f"handshake: {visible(report.declaration.describe())}")
    for o in report.outcomes:
        if o.status in ("failed", "xpass"):
            label = "FAIL" if o.status == "failed" else "XPASS"
            lines.append(f"{label} {o.case.id} [{o.case.kind}]" + (f" {visible(o.case.description)}"
                                                                    if o.case.description else ""))
            for p in o.problems:
                lines.extend("     " + part for part in p.describe().split("\n"))
            if o.reason:
                lines.append(f"     (target said: {visible(o.reason)})")
        elif verbose and o.status == "skipped":
            lines.append(f"SKIP {o.case.id} [{o.case.kind}] {visible(o.reason)}")
        elif verbose and o.status == DECLARED:
            lines.append(f"DECL {o.case.id} [{o.case.kind}] {visible(o.reason)}")
        elif verbose and o.status == "xfail":
            lines.append(f"XFAIL {o.case.id} [{o.case.kind}] {visible(o.reason)}")
        elif verbose:
            note = f" ({visible(o.reason)})" if o.reason else ""
            unreported = f" [not reported: {', '.join(o.unreported)}]" if o.unreported else ""
            lines.append(f"ok   {o.case.id}{note}{unreported}")
    if report.expected_failures is not None:
        for entry in report.expected_failures.unused():
            lines.append(f"note: expected failure {entry.pattern!r} (line {entry.line}) matched no case of this run")
    total = report.counts()
    columns = [(s, h) for s, h in _COLUMNS if s not in ("xfail", "xpass") or total[s]]
    width = max([len(s) for s in report.suites()] + [5])
    lines.append("")
    lines.append(f"{'suite'.ljust(width)}  " + "  ".join(f"{h:>8}" for _, h in columns))
    for suite in report.suites():
        c = report.counts(suite)
        lines.append(f"{suite.ljust(width)}  " + "  ".join(f"{c[s]:>8}" for s, _ in columns))
    lines.append(f"{'total'.ljust(width)}  " + "  ".join(f"{total[s]:>8}" for s, _ in columns))
    flags = [f for f, on in (("--loose-codes", report.policy.loose_codes), ("--lenient", report.policy.lenient)) if on]
    if report.policy.loose_codes and report.declaration.error_codes == "generic":
        flags = ["refusal codes not compared: the target declares generic codes" if f == "--loose-codes" else f
                 for f in flags]
    if report.policy.no_skips:
        flags.append("--no-skips")
    verdict = report.verdict
    if verdict is not None and not total["failed"]:  # a failed case speaks for itself in the counts
        flags.insert(0, verdict)
    lines.append(("OK" if verdict is None else "FAILED") + f": {_summary(total)} in {report.seconds:.2f} s"
                 + (f" ({'; '.join(flags)})" if flags else ""))
    return "\n".join(lines)


def describe_vectors(identity: Mapping[str, Any]) -> str:
    """``eip712kit-vectors/1 bundled with eip712kit 0.1.0, sha256 1a2b3c4d5e6f7a8b``: which vectors ran."""
    source = f"bundled with eip712kit {identity['eip712kit']}" if identity.get("eip712kit") else "from other files"
    return f"{identity.get('format')} {source}, sha256 {str(identity.get('sha256', ''))[:16]}"


def adapter_identity(report: Report) -> dict[str, Any]:
    """Who was checked: the name and version its handshake gave (None when it declared nothing), and the target."""
    d = report.declaration
    return {"name": d.name or None, "version": d.version or None, "target": report.target}


def junit_properties(report: Report) -> dict[str, str]:
    """The JUnit ``<property>`` pairs that say who was checked on which vectors (absent values left out)."""
    adapter = adapter_identity(report)
    found: dict[str, Any] = {"adapter.name": adapter["name"], "adapter.version": adapter["version"],
                             "target": report.target}
    if report.vectors is not None:
        found.update({f"vectors.{k}": report.vectors.get(k) for k in ("format", "eip712kit", "sha256")})
    return {name: visible(str(value)) for name, value in found.items() if value is not None}


def render_json(report: Report) -> dict[str, Any]:
    out = {
        "ok": report.ok,
        "verdict": report.verdict,
        "target": report.target,
        "adapter": adapter_identity(report),
        "vectors": report.vectors,
        "handshake": report.declaration.to_dict(),
        "files": report.files,
        "policy": {"loose_codes": report.policy.loose_codes, "lenient": report.policy.lenient,
                   "no_skips": report.policy.no_skips},
        "totals": report.counts(),
        "suites": {s: report.counts(s) for s in report.suites()},
        "seconds": round(report.seconds, 3),
        "cases": [o.to_dict() for o in report.outcomes],
    }
    if report.expected_failures is not None:
        out["expected_failures"] = {
            "file": report.expected_failures.source,
            "unused": [e.pattern for e in report.expected_failures.unused()],
        }
    return out


def render_junit(report: Report) -> bytes:
    """JUnit XML (the common junit-10.xsd shape), one ``testsuite`` per vector suite, for CI test reports.

    ``<testsuites>`` carries only the attributes that schema allows (no ``skipped`` there; each
    ``<testsuite>`` has its own). A case skipped by declaration or an expected failure is a
    ``<skipped>`` with the reason; an expected failure that passed is a ``<failure>``. Each
    ``<testcase>``'s ``status`` attribute is the runner's own verdict.
    """
    c = report.counts()
    adapter = adapter_identity(report)
    who = visible(" ".join(str(v) for v in (adapter["name"], adapter["version"]) if v) or report.target)
    properties = junit_properties(report)
    root = ElementTree.Element("testsuites", {
        "name": f"eip712kit conformance: {who}", "tests": str(len(report.outcomes)),
        "failures": str(c["failed"] + c["xpass"]), "errors": "0", "time": f"{report.seconds:.3f}",
    })
    for suite in report.suites():
        outcomes = [o for o in report.outcomes if o.case.suite == suite]
        sc = report.counts(suite)
        node = ElementTree.SubElement(root, "testsuite", {
            "name": suite, "tests": str(len(outcomes)), "failures": str(sc["failed"] + sc["xpass"]),
            "errors": "0", "skipped": str(sc["skipped"] + sc[DECLARED] + sc["xfail"]),
            "time": f"{sum(o.seconds for o in outcomes):.3f}",
        })
        props = ElementTree.SubElement(node, "properties")
        for name, value in properties.items():
            ElementTree.SubElement(props, "property", {"name": name, "value": value})
        for o in outcomes:
            tc = ElementTree.SubElement(node, "testcase", {
                "name": o.case.id, "classname": f"{suite}.{o.case.kind}", "time": f"{o.seconds:.6f}",
                "status": o.status,
            })
            if o.status in ("failed", "xpass"):
                kind = "xpass" if o.status == "xpass" else (
                    "mismatch" if o.problems and o.problems[0].field != "adapter" else "adapter")
                failure = ElementTree.SubElement(tc, "failure", {
                    "type": kind, "message": "; ".join(p.describe().split("\n")[0] for p in o.problems)[:500],
                })
                failure.text = "\n".join(p.describe() for p in o.problems)
            elif o.status == DECLARED:
                ElementTree.SubElement(tc, "skipped", {"message": f"skipped by declaration: {visible(o.reason)}"})
            elif o.status in ("skipped", "xfail"):
                ElementTree.SubElement(tc, "skipped", {"message": visible(o.reason)})
    ElementTree.indent(root)
    xml: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml + b"\n"


__all__ = [
    "adapter_identity",
    "describe_vectors",
    "junit_properties",
    "render_json",
    "render_junit",
    "render_text",
]
