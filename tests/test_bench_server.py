"""tools/bench_server.py --in-process: both stacks answer through the in-memory transport, and it says what they cost.

Only that the tool runs and reads its answers is tested here (a handful of requests); what the costs
are is for the tool to say on a quiet machine, never for a test to assert.
"""

from __future__ import annotations

from tools.bench_server import measure_in_process, render_in_process


def test_the_in_process_bench_drives_both_stacks_and_reports_each() -> None:
    result = measure_in_process(requests=20, turns=1)
    assert list(result["least_cpu_us_per_request"]) == [
        "POST /verify-signature (eip712kit serve)", "POST /echo (bare Starlette)",
        "GET /health (eip712kit serve)", "GET /health (bare Starlette)"]
    assert all(cost > 0 for cost in result["least_cpu_us_per_request"].values())
    assert "/verify-signature / bare echo, by CPU" in render_in_process(result)
