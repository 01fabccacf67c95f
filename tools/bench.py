#!/usr/bin/env python3
"""The benchmark: eip712kit against eth-account and the libsecp256k1 floor, measured in one run.

``python tools/bench.py [--quick] [--json]`` prints one row per operation: our rate, the
reference's rate, the ratio and the target. Timings on a shared machine are noisy; ratios measured
side by side in the same process much less so, so every row compares two things timed in turns,
each the best of several repeats. It lives beside the package, not in it: nothing installed
depends on a benchmark, and the tests never import it.

eth-account is measured as installed: eth-keys picks its libsecp256k1 (coincurve) backend when
coincurve is importable — and it always is beside eip712kit — which makes eth-account's signing and
recovery much faster than a plain ``pip install eth-account``. ``--eth-keys-native`` measures the
pure-Python backend instead (what most installs of eth-account run).

The benchmark document is ``examples/sera_order.json`` (a Sera ``Order``), signed with the PUBLIC
development key #0 from ``tests/helpers/devkeys.py``.

What it measures: the installed kit with the keccak binding it picks by itself (set
``EIP712KIT_KECCAK`` to force another), each binding's cost per call (``--keccak-only``), the
headline ratios again under each binding available here (``--bindings``), and ``hash --jsonl``
streams: rate and memory, and ``--jobs 2`` against ``--jobs 1`` on Sera orders from
``tools/sera_orders.py`` beside the machine's own two-process scaling (``--jobs-only``). The
verifier's rate against a bare Starlette app is ``tools/bench_server.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eip712kit import hashing  # noqa: E402  (the keccak binding in use, and every available one)
from tests.helpers.devkeys import DEV_KEY  # noqa: E402  (PUBLIC development key: benchmarks sign with it)
from tests.helpers.examples import order_document  # noqa: E402

ORDER_VALUES: dict[str, Any] = order_document()["message"]


@dataclass
class Row:
    operation: str
    ours: float  # operations per second
    reference: float | None
    reference_name: str
    ratio: float | None
    target: str
    met: bool | None


def _calibrate(function: Callable[[], Any], seconds: float) -> int:
    """How many calls make one timed run last about ``seconds``."""
    number = 1
    while True:
        elapsed = timeit.timeit(function, number=number)
        if elapsed >= seconds / 5 or number >= 1 << 22:
            break
        number *= 2
    return max(1, int(number * (seconds / max(elapsed, 1e-9))))


def rate(function: Callable[[], Any], *, seconds: float, repeats: int) -> float:
    """Operations per second: the best of ``repeats`` runs of about ``seconds`` each.

    The best, not the median, as timeit advises: on a shared machine a neighbour only ever slows a
    run down, so the fastest run is the closest to what the code costs.
    """
    number = _calibrate(function, seconds)
    return max(number / timeit.timeit(function, number=number) for _ in range(repeats))


def rates(ours: Callable[[], Any], reference: Callable[[], Any], *, seconds: float,
          repeats: int) -> tuple[float, float]:
    """Both sides' best rates, their runs interleaved (ours, reference, ours, ...).

    Timed in turns, a slow spell of the machine falls on both sides alike instead of on whichever
    happened to be measured during it; that is what keeps a ratio steady from one run to the next.
    """
    n_ours, n_ref = _calibrate(ours, seconds), _calibrate(reference, seconds)
    best_ours = best_ref = 0.0
    for _ in range(repeats):
        best_ours = max(best_ours, n_ours / timeit.timeit(ours, number=n_ours))
        best_ref = max(best_ref, n_ref / timeit.timeit(reference, number=n_ref))
    return best_ours, best_ref


def measure(quick: bool, stream_lines: int) -> tuple[list[Row], dict[str, Any]]:
    import coincurve
    from eth_account import Account
    from eth_account.messages import encode_typed_data
    from eth_keys.backends import get_backend
    from eth_utils.crypto import keccak

    import eip712kit
    from eip712kit.core.signature import recover_digest, sign_digest

    seconds, repeats = (0.25, 3) if quick else (1.0, 5)
    doc = order_document()
    key = eip712kit.PrivateKey.from_hex(DEV_KEY)
    signature = eip712kit.sign_typed_data(doc, key).to_hex()
    digest = eip712kit.hash_typed_data(doc)

    def eth_digest() -> bytes:
        signable = encode_typed_data(full_message=doc)
        return bytes(keccak(b"\x19" + signable.version + signable.header + signable.body))

    assert eth_digest() == digest, "eth-account and eip712kit disagree on the benchmark document"
    rows: list[Row] = []

    def compare(name: str, ours: Callable[[], Any], reference: Callable[[], Any], ref_name: str,
                target: float | None) -> float:
        ours_rate, ref_rate = rates(ours, reference, seconds=seconds, repeats=repeats)
        ratio = ours_rate / ref_rate
        rows.append(Row(name, ours_rate, ref_rate, ref_name, ratio,
                        f">= {target:g}x" if target else "", (ratio >= target) if target else None))
        return ours_rate

    compare("digest of a typed-data document (Sera Order)", lambda: eip712kit.hash_typed_data(doc), eth_digest,
            "eth-account encode_typed_data", 20)
    text = json.dumps(doc)
    compare("digest from JSON text (parse + hash)", lambda: eip712kit.hash_typed_data(text),
            lambda: eth_digest_from_text(text), "eth-account (json.loads + encode)", None)
    compare("sign a typed-data document", lambda: eip712kit.sign_typed_data(doc, key),
            lambda: Account.sign_message(encode_typed_data(full_message=doc), DEV_KEY),
            "eth-account sign_message", 10)
    # Both sides spend most of a recovery in the same libsecp256k1 ecdsa_recover call, which caps
    # the ratio over eth-account near 10x however thin our side is; the "vs coincurve bare" rows
    # below hold it to that floor too.
    compare("recover the signer", lambda: eip712kit.recover_typed_data(doc, signature),
            lambda: Account.recover_message(encode_typed_data(full_message=doc), signature=signature),
            "eth-account recover_message", 5)
    try:
        from eip712kit.protocols import sera

        order = sera.Order.from_message(ORDER_VALUES)
        assert order.digest(sera.DOMAIN) == digest, "declared Order digest differs from the document digest"
        compare("declared struct digest: Order(...).digest(DOMAIN)",
                lambda: sera.Order(**ORDER_VALUES).digest(sera.DOMAIN), eth_digest,
                "eth-account encode_typed_data", 30)
        compare("declared struct, sign: Order(...).sign(key, DOMAIN)",
                lambda: sera.Order(**ORDER_VALUES).sign(key, sera.DOMAIN),
                lambda: Account.sign_message(encode_typed_data(full_message=doc), DEV_KEY),
                "eth-account sign_message", None)
    except ImportError:
        pass

    # The floor: libsecp256k1 (coincurve) bare, on the digest alone. Our whole typed-data sign and
    # recover (parse nothing, hash the document, sign or recover, format) against it, and the
    # wrapper alone (a precomputed digest).
    bare = key._signing_key
    raw = bytes.fromhex(signature[2:])
    compact = raw[:64] + bytes([raw[64] % 27])

    def bare_sign() -> Any:
        return bare.sign_recoverable(digest, hasher=None)

    def bare_recover() -> Any:
        return coincurve.PublicKey.from_signature_and_message(compact, digest, hasher=None).format(compressed=False)

    compare("sign a typed-data document (vs coincurve bare, digest given)", lambda: eip712kit.sign_typed_data(doc, key),
            bare_sign, "coincurve sign_recoverable", 0.65)
    compare("recover the signer of a document (vs coincurve bare, digest given)",
            lambda: eip712kit.recover_typed_data(doc, signature), bare_recover, "coincurve recover + serialize", 0.65)
    compare("sign a precomputed digest (vs coincurve bare)", lambda: sign_digest(digest, key), bare_sign,
            "coincurve sign_recoverable", 0.6)
    compare("recover from a precomputed digest (vs coincurve bare)", lambda: recover_digest(digest, signature),
            bare_recover, "coincurve recover + serialize", 0.6)

    keccaks = measure_keccaks(seconds=seconds / 2, repeats=repeats)

    stream: dict[str, Any] = {}
    if stream_lines:
        stream = measure_stream(stream_lines)
        rows.append(Row(f"hash --jsonl stream of {stream['lines']:,} documents", stream["lines_per_second"], None,
                        "", None, ">= 10,000 lines/s", stream["lines_per_second"] >= 10_000 and stream["memory_flat"]))
        jobs = measure_jobs(stream_lines, repeats=2 if quick else 3)
        stream["jobs"] = jobs
        rows.append(Row(f"hash --jsonl --jobs 2 (vs --jobs 1), {stream_lines:,} Sera orders", jobs["jobs_2"],
                        jobs["jobs_1"], "hash --jsonl --jobs 1", jobs["jobs_2"] / jobs["jobs_1"], ">= 1.5x",
                        jobs["jobs_2"] / jobs["jobs_1"] >= 1.5))
        rows.append(Row(f"hash_many(processes=2) (vs processes=1), {jobs['batch_documents']:,} Sera orders",
                        jobs["batch_2"], jobs["batch_1"], "hash_many processes=1", jobs["batch_2"] / jobs["batch_1"],
                        "", None))
        rows.append(Row("  the machine's own: 2 CPU-bound processes (vs 1), same turns", jobs["ceiling_2"],
                        jobs["ceiling_1"], "1 CPU-bound process", jobs["ceiling_2"] / jobs["ceiling_1"], "", None))
    info = {
        "python": sys.version.split()[0],
        "keccak_backend": hashing.BACKEND,
        "keccak_rates": keccaks,
        "eth_keys_backend": type(get_backend()).__name__,
        "cpu_count": os.cpu_count(),
        "stream": stream,
        "quick": quick,
    }
    return rows, info


def measure_keccaks(*, seconds: float, repeats: int) -> dict[str, float]:
    """Calls per second of every keccak binding this interpreter has, on a 200-byte input.

    The bindings are eip712kit.base.hashing's own (the order there is this measurement's), beside
    pycryptodome's public ``keccak.new`` and eth-hash's backends for comparison.
    """
    from Crypto.Hash import keccak as crypto_keccak
    from eth_hash.backends import pycryptodome as eth_hash_pycryptodome

    data = bytes(range(200))
    candidates: dict[str, Callable[[bytes], bytes]] = {
        f"{name} (eip712kit.base.hashing)": function for name, function in hashing.available().items()}
    candidates["pycryptodome keccak.new(...)"] = lambda d: crypto_keccak.new(digest_bits=256, data=d).digest()
    candidates["eth-hash pycryptodome backend"] = eth_hash_pycryptodome.keccak256
    try:
        from eth_hash.backends import pysha3 as eth_hash_pysha3

        candidates["eth-hash pysha3 backend"] = eth_hash_pysha3.keccak256
    except ImportError:  # safe-pysha3 is not installed (the kit does not need it)
        pass
    expected = hashing.keccak256(data)
    measured: dict[str, float] = {}
    for name, function in candidates.items():
        assert function(data) == expected, name
        measured[name] = rate(partial(function, data), seconds=seconds, repeats=repeats)
    return measured


def eth_digest_from_text(text: str) -> bytes:
    from eth_account.messages import encode_typed_data
    from eth_utils.crypto import keccak

    signable = encode_typed_data(full_message=json.loads(text))
    return bytes(keccak(b"\x19" + signable.version + signable.header + signable.body))


def measure_stream(lines: int) -> dict[str, Any]:
    """Time ``eip712kit hash --jsonl`` over a file of distinct documents; compare peak memory at two lengths."""
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for count in (lines // 10, lines):
            path = os.path.join(tmp, f"docs-{count}.jsonl")
            with open(path, "w") as out:
                for i in range(count):
                    out.write(json.dumps(order_document(uuid=i), separators=(",", ":")) + "\n")
            command = [sys.executable, "-m", "eip712kit", "hash", "--jsonl", path]
            start = time.perf_counter()
            with open(os.devnull, "w") as sink:
                proc = subprocess.run(command, stdout=sink, stderr=subprocess.PIPE, text=True, check=False)
            elapsed = time.perf_counter() - start
            if proc.returncode != 0:
                raise RuntimeError(f"hash --jsonl failed: {proc.stderr.strip()[:500]}")
            results[count] = (elapsed, _child_peak_rss_kib())
    small, large = results[lines // 10], results[lines]
    return {
        "lines": lines,
        "seconds": large[0],
        "lines_per_second": lines / large[0],
        "peak_rss_kib": {str(lines // 10): small[1], str(lines): large[1]},
        # ru_maxrss is the largest child so far; flat means the 10x longer stream grew it < 20%
        "memory_flat": large[1] <= small[1] * 1.2,
    }


_BURN = "x = 0\nfor i in range({}): x += i * i"
"""Pure CPU work for the machine's own two-process scaling (no I/O, no memory to share)."""


def _run_seconds(commands: list[list[str]]) -> float:
    """Wall time of ``commands`` run at once, each to its end (output discarded; any failure raises)."""
    start = time.perf_counter()
    processes = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for command in commands]
    for process, command in zip(processes, commands, strict=True):
        _, err = process.communicate()
        if process.returncode != 0:  # every order is valid: anything else is a failure
            raise RuntimeError(f"{' '.join(command[:6])} failed: {err.decode(errors='replace')[-500:]}")
    return time.perf_counter() - start


def measure_jobs(lines: int, *, repeats: int) -> dict[str, Any]:
    """``hash --jsonl`` of ``lines`` Sera orders with ``--jobs 1`` and ``--jobs 2``, lines per second, in turns.

    Beside them, in the same turns, the machine's own scaling: one process doing two units of pure
    CPU work against two processes doing one each. On a quiet two-core machine that is near 2x;
    when it is far below, other load is taking the second core, and ``--jobs 2`` cannot do better.
    """
    from eip712kit.core.batch import hash_many
    from tools.sera_orders import orders, write

    burn = 8_000_000  # iterations per unit: about a second of one core
    documents = list(orders(min(lines, BATCH_DOCUMENTS)))
    best = {"jobs_1": 0.0, "jobs_2": 0.0, "ceiling_1": 0.0, "ceiling_2": 0.0, "batch_1": 0.0, "batch_2": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.jsonl"
        write(path, lines, "hash")
        for _ in range(repeats):
            for jobs in (1, 2):
                command = [sys.executable, "-m", "eip712kit", "hash", "--jsonl", str(path), "--jobs", str(jobs)]
                best[f"jobs_{jobs}"] = max(best[f"jobs_{jobs}"], lines / _run_seconds([command]))
            for processes in (1, 2):
                started = time.perf_counter()
                hash_many(documents, processes=processes)
                best[f"batch_{processes}"] = max(best[f"batch_{processes}"],
                                                 len(documents) / (time.perf_counter() - started))
            for processes in (1, 2):
                units = [[sys.executable, "-c", _BURN.format(2 * burn // processes)]] * processes
                best[f"ceiling_{processes}"] = max(best[f"ceiling_{processes}"], 2 / _run_seconds(units))
    return {**best, "lines": lines, "batch_documents": len(documents), "repeats": repeats}


BATCH_DOCUMENTS = 20_000
"""Documents ``hash_many`` gets in the jobs measurement (held in memory as dicts, unlike a stream)."""


def _child_peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def render(rows: list[Row], info: dict[str, Any]) -> str:
    width = max(len("operation"), *(len(row.operation) for row in rows))
    lines = [
        f"eip712kit benchmark — Python {info['python']}, {info['cpu_count']} cores, keccak: {info['keccak_backend']}, "
        f"eth-keys backend: {info['eth_keys_backend']}{' (quick)' if info['quick'] else ''}",
        "",
        f"| {'operation':<{width}} | {'eip712kit /s':>12} | {'reference /s':>12} | {'ratio':>7} "
        f"| {'target':>17} | met |",
        f"|{'-' * (width + 2)}|{'-' * 14}|{'-' * 14}|{'-' * 9}|{'-' * 19}|-----|",
    ]
    def rate(value: float) -> str:  # the machine's own scaling counts units of pure work: a few a second
        return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"

    for row in rows:
        ref = rate(row.reference) if row.reference else "—"
        ratio = f"{row.ratio:.1f}x" if row.ratio and row.ratio >= 1 else (f"{row.ratio:.2f}x" if row.ratio else "—")
        met = "yes" if row.met else ("NO" if row.met is False else "")
        ours = rate(row.ours)
        lines.append(
            f"| {row.operation:<{width}} | {ours:>12} | {ref:>12} | {ratio:>7} | {row.target:>17} | {met:>3} |"
        )
    lines.append("")
    lines.append("reference per row: " + "; ".join(sorted({r.reference_name for r in rows if r.reference_name})))
    lines.append("keccak per call (200 bytes): " + ", ".join(
        f"{name} {1e6 / r:.2f} µs" for name, r in sorted(info["keccak_rates"].items(), key=lambda kv: -kv[1])))
    stream = info["stream"]
    if stream:
        lines.append(f"stream: {stream['lines']:,} lines in {stream['seconds']:.2f} s; peak RSS "
                     + ", ".join(f"{k} lines: {v / 1024:.1f} MiB" for k, v in stream["peak_rss_kib"].items())
                     + (" (flat)" if stream["memory_flat"] else " (GROWS)"))
    return "\n".join(lines)


BINDING_ROWS = {
    "digest": "digest of a typed-data document (Sera Order)",
    "sign": "sign a typed-data document",
    "recover": "recover the signer",
    "sign/bare": "sign a typed-data document (vs coincurve bare, digest given)",
    "recover/bare": "recover the signer of a document (vs coincurve bare, digest given)",
}
"""The rows the per-binding table shows, by short name."""


def measure_bindings(quick: bool) -> list[dict[str, Any]]:
    """The benchmark again under each keccak binding available here (``EIP712KIT_KECCAK``), one process each."""
    measured = []
    for name in hashing.available():
        command = [sys.executable, __file__, "--json", "--lines", "0", *(["--quick"] if quick else [])]
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              env={**os.environ, hashing.ENV: name})
        if done.returncode not in (0, 1):
            raise RuntimeError(f"the benchmark under {name} failed: {done.stderr[-500:]}")
        report = json.loads(done.stdout)
        ratios = {r["operation"]: r["ratio"] for r in report["rows"]}
        keccak = report["info"]["keccak_rates"][f"{name} (eip712kit.base.hashing)"]
        measured.append({"binding": name, "keccak_us": 1e6 / keccak,
                         **{short: ratios[row] for short, row in BINDING_ROWS.items()}})
    return measured


def render_bindings(measured: list[dict[str, Any]]) -> str:
    head = "| binding | keccak µs | " + " | ".join(BINDING_ROWS) + " |"
    lines = ["ratios under each keccak binding (digest, sign, recover: vs eth-account; /bare: vs coincurve bare)", "",
             head, "|" + "---|" * (2 + len(BINDING_ROWS))]
    for m in measured:
        lines.append(f"| {m['binding']} | {m['keccak_us']:.2f} | "
                     + " | ".join(f"{m[short]:.2f}x" for short in BINDING_ROWS) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tools/bench.py",
        description="Rates of eip712kit against eth-account and coincurve, measured in the same run.",
    )
    parser.add_argument("--quick", action="store_true", help="shorter runs (finishes in under a minute)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--lines", type=int, default=None,
                        help="documents in the --jsonl stream tests [100,000; --quick 20,000; 0 leaves them out]")
    parser.add_argument("--keccak-only", action="store_true",
                        help="only the keccak bindings' cost per call (what eip712kit/base/hashing.py orders by)")
    parser.add_argument("--eth-keys-native", action="store_true",
                        help="measure eth-account with eth-keys' pure-Python backend (a plain pip install)")
    parser.add_argument("--bindings", action="store_true",
                        help="only the digest, sign and recover ratios under each keccak binding available here")
    parser.add_argument("--jobs-only", action="store_true",
                        help="only hash --jsonl --jobs 2 against --jobs 1 (and the machine's own two-core scaling)")
    args = parser.parse_args(argv)
    if args.bindings:
        measured = measure_bindings(args.quick)
        print(json.dumps(measured, indent=2) if args.json else render_bindings(measured))
        return 0
    if args.jobs_only:
        jobs = measure_jobs(args.lines or 100_000, repeats=2 if args.quick else 3)
        print(json.dumps(jobs, indent=2) if args.json else
              f"hash --jsonl, {jobs['lines']:,} Sera orders, best of {jobs['repeats']} in turns: --jobs 1 "
              f"{jobs['jobs_1']:,.0f} lines/s, --jobs 2 {jobs['jobs_2']:,.0f} lines/s: "
              f"{jobs['jobs_2'] / jobs['jobs_1']:.2f}x (target >= 1.5x); hash_many processes=2 against 1 on "
              f"{jobs['batch_documents']:,}: {jobs['batch_2'] / jobs['batch_1']:.2f}x; the machine's own "
              f"two-process scaling in the same turns: {jobs['ceiling_2'] / jobs['ceiling_1']:.2f}x")
        return 0 if jobs["jobs_2"] / jobs["jobs_1"] >= 1.5 else 1
    if args.eth_keys_native:
        os.environ["ECC_BACKEND_CLASS"] = "eth_keys.backends.NativeECCBackend"
    if args.keccak_only:
        rates = measure_keccaks(seconds=0.5 if args.quick else 2.0, repeats=5)
        report = {"keccak_backend": hashing.BACKEND, "keccak_us_per_call": {k: 1e6 / v for k, v in rates.items()}}
        fastest_first = sorted(rates.items(), key=lambda kv: -kv[1])
        print(json.dumps(report, indent=2) if args.json else f"keccak binding in use: {hashing.BACKEND}\n"
              + "\n".join(f"  {name:<40} {1e6 / r:6.2f} µs per call" for name, r in fastest_first))
        return 0
    lines = args.lines if args.lines is not None else (20_000 if args.quick else 100_000)
    rows, info = measure(args.quick, lines)
    if args.json:
        print(json.dumps({"rows": [asdict(r) for r in rows], "info": info}, indent=2))
    else:
        print(render(rows, info))
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
