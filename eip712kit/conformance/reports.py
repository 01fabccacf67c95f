"""Reports: a :class:`~eip712kit.conformance.runner.Report` rendered as text, JSON or JUnit XML.

Rendering never prints: the CLI (:mod:`eip712kit.cli.conformance`) decides where each report goes.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from .runner import Report


def render_text(report: Report, *, verbose: bool = False) -> str:
    """The human report: each failing case with its differences, then one summary line per suite."""
    lines = [f"eip712kit conformance: {len(report.outcomes)} cases from {len(report.files)} file(s) "
             f"against {report.target}"]
    for o in report.outcomes:
        if o.status == "failed":
            lines.append(f"FAIL {o.case.id} [{o.case.kind}]" + (f" {o.case.description}" if o.case.description else ""))
            for p in o.problems:
                lines.extend("     " + part for part in p.describe().split("\n"))
            if o.reason:
                lines.append(f"     (target said: {o.reason})")
        elif verbose and o.status == "skipped":
            lines.append(f"SKIP {o.case.id} [{o.case.kind}] {o.reason}")
        elif verbose:
            note = f" ({o.reason})" if o.reason else ""
            unreported = f" [not reported: {', '.join(o.unreported)}]" if o.unreported else ""
            lines.append(f"ok   {o.case.id}{note}{unreported}")
    width = max([len(s) for s in report.suites()] + [5])
    lines.append("")
    lines.append(f"{'suite'.ljust(width)}  {'passed':>7}  {'failed':>7}  {'skipped':>7}")
    for suite in report.suites():
        c = report.counts(suite)
        lines.append(f"{suite.ljust(width)}  {c['passed']:>7}  {c['failed']:>7}  {c['skipped']:>7}")
    c = report.counts()
    lines.append(f"{'total'.ljust(width)}  {c['passed']:>7}  {c['failed']:>7}  {c['skipped']:>7}")
    flags = [f for f, on in (("--loose-codes", report.policy.loose_codes), ("--lenient", report.policy.lenient)) if on]
    verdict = "OK" if report.ok else "FAILED"
    lines.append(f"{verdict}: {c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped "
                 f"in {report.seconds:.2f} s" + (f" ({' '.join(flags)})" if flags else ""))
    return "\n".join(lines)


def render_json(report: Report) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "target": report.target,
        "files": report.files,
        "policy": {"loose_codes": report.policy.loose_codes, "lenient": report.policy.lenient},
        "totals": report.counts(),
        "suites": {s: report.counts(s) for s in report.suites()},
        "seconds": round(report.seconds, 3),
        "cases": [o.to_dict() for o in report.outcomes],
    }


def render_junit(report: Report) -> bytes:
    """JUnit XML, one ``testsuite`` per vector suite, for CI systems that draw test reports."""
    c = report.counts()
    root = ElementTree.Element("testsuites", {
        "name": "eip712kit conformance", "tests": str(len(report.outcomes)), "failures": str(c["failed"]),
        "skipped": str(c["skipped"]), "errors": "0", "time": f"{report.seconds:.3f}",
    })
    for suite in report.suites():
        outcomes = [o for o in report.outcomes if o.case.suite == suite]
        sc = report.counts(suite)
        node = ElementTree.SubElement(root, "testsuite", {
            "name": suite, "tests": str(len(outcomes)), "failures": str(sc["failed"]),
            "skipped": str(sc["skipped"]), "errors": "0",
            "time": f"{sum(o.seconds for o in outcomes):.3f}",
        })
        for o in outcomes:
            tc = ElementTree.SubElement(node, "testcase", {
                "classname": f"{suite}.{o.case.kind}", "name": o.case.id, "time": f"{o.seconds:.6f}",
            })
            if o.status == "failed":
                failure = ElementTree.SubElement(tc, "failure", {
                    "type": "mismatch" if o.problems and o.problems[0].field != "adapter" else "adapter",
                    "message": "; ".join(p.describe().split("\n")[0] for p in o.problems)[:500],
                })
                failure.text = "\n".join(p.describe() for p in o.problems)
            elif o.status == "skipped":
                ElementTree.SubElement(tc, "skipped", {"message": o.reason})
    ElementTree.indent(root)
    xml: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml + b"\n"


__all__ = [
    "render_json",
    "render_junit",
    "render_text",
]
