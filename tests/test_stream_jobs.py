"""``--jobs N``: the same answers, in the same order, with the same exit code, in bounded memory.

The parallel path only starts for a stream of more than one block (:data:`stream.BLOCK_BYTES`), so
the in-process tests shrink the block to a few hundred bytes, and the command-line ones send a
stream of several blocks.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from eip712kit import sign_typed_data
from eip712kit.base.errors import DocumentError
from eip712kit.base.limits import DEFAULT_LIMITS, Limits
from eip712kit.cli import stream
from eip712kit.core.batch import available_cores
from eip712kit.core.keys import PrivateKey
from tests.helpers.cli_runner import Runner
from tests.helpers.devkeys import DEV_KEYS
from tests.helpers.examples import order_document
from tests.helpers.fuzzing import fuzzed

KEY0, ADDR0 = DEV_KEYS[0]  # PUBLIC development key (Hardhat/Anvil account #0)
_, ADDR1 = DEV_KEYS[1]


def cut_in_blocks(data: bytes, max_bytes: int, size: int) -> list[tuple[int, bytes | None]]:
    """The numbered lines a worker sees: each block cut by read_lines, renumbered from its first line."""
    return [(first + number - 1, line)
            for first, block in stream.blocks(io.BytesIO(data), max_bytes, size)
            for number, line in stream.read_lines(io.BytesIO(block), max_bytes)]


@fuzzed(st.lists(st.sampled_from([b"a", b"bb", b"\n", b"\r\n", b"x" * 7, b"{}", b" "]), max_size=60).map(b"".join),
        st.integers(1, 9), st.integers(1, 12), quick=300, full=5000)
def test_blocks_cut_the_lines_a_single_process_reads(data: bytes, max_bytes: int, size: int) -> None:
    """Every line, its number and its content (None: over the limit) as read_lines gives them in one go."""
    assert cut_in_blocks(data, max_bytes, size) == list(stream.read_lines(io.BytesIO(data), max_bytes))


def test_a_line_far_over_the_limit_is_not_held_whole() -> None:
    """A 1 MB line under a 10-byte limit: reported too long; each block stays near the read size."""
    data = b'{"a":1}\n' + b"x" * 1_000_000 + b'\n{"b":2}\n'
    sizes = [len(block) for _, block in stream.blocks(io.BytesIO(data), 10, 64)]
    assert max(sizes) <= 64 + 10 + 3
    assert cut_in_blocks(data, 10, 64) == [(1, b'{"a":1}\n'), (2, None), (3, b'{"b":2}\n')]


def digest_or_refuse(line: bytes) -> tuple[str, bool]:
    """A line handler: valid JSON objects are ok, {"negative": …} a negative verdict, anything else an error."""
    try:
        value = json.loads(line)
    except ValueError:
        raise DocumentError("not JSON", code="INVALID_JSON") from None
    if not isinstance(value, dict):
        raise DocumentError("not an object", code="INVALID_DOCUMENT", path="x")
    return '"keys":' + json.dumps(sorted(value)), "negative" not in value


MIXED = b"".join([b'{"a":1}\n', b"\n", b'{"negative":1}\n', b"[1]\n", b"{broken\n", b"x" * 300 + b"\n",
                  b'{"b":2}\r\n', b"   \n"] * 40 + [b'{"last":1}'])


SMALL = Limits(max_document_bytes=200)


def run(data: bytes, jobs: int, handler: Any = digest_or_refuse) -> tuple[bytes, stream.StreamSummary]:
    out = io.BytesIO()
    summary = stream.run_stream(io.BytesIO(data), out, handler, SMALL, ("keys",), jobs=jobs)
    return out.getvalue(), summary


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "BLOCK_BYTES", 256)


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("jobs", [2, 3])
def test_many_jobs_answer_as_one_does(jobs: int) -> None:
    one, one_summary = run(MIXED, 1)
    many, many_summary = run(MIXED, jobs)
    assert many == one
    assert many_summary == one_summary
    assert (one_summary.ok, one_summary.negative, one_summary.errors) == (81, 40, 120)
    assert one_summary.exit_code == many_summary.exit_code == 2
    numbers = [json.loads(line)["line"] for line in one.splitlines()]
    assert numbers == sorted(numbers) and numbers[:4] == [1, 3, 4, 5]  # line 2 is blank: no answer


@pytest.mark.usefixtures("small_blocks")
def test_a_bug_in_a_worker_is_raised_as_with_one_job() -> None:
    """Not a per-line error: an exception that is not the kit's reaches the command's handler (exit 70)."""
    def broken(line: bytes) -> tuple[str, bool]:
        raise RuntimeError("a bug")

    for jobs in (1, 2):
        with pytest.raises(RuntimeError, match="a bug"):
            run(MIXED, jobs, broken)


class CountingInput(io.RawIOBase):
    """An endless-looking stream of ``lines`` copies of one line; counts the bytes read from it."""

    def __init__(self, line: bytes, lines: int):
        self.data = line * lines
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self.data[self.position:self.position + len(buffer)]
        buffer[:len(chunk)] = chunk
        self.position += len(chunk)
        return len(chunk)


class WatchingOutput(io.BytesIO):
    """Notes, at every write, how far the input was read ahead of what has been answered."""

    def __init__(self, source: CountingInput, line: bytes):
        super().__init__()
        self.source, self.line_bytes = source, len(line)
        self.ahead: list[int] = []

    def write(self, data: Any) -> int:
        written = super().write(data)
        answered = self.getvalue().count(b"\n") * self.line_bytes
        self.ahead.append(self.source.position - answered)
        return written


@pytest.mark.usefixtures("small_blocks")
def test_only_a_window_of_blocks_is_in_flight() -> None:
    """Bounded memory: the input read but not yet answered stays within the window, however long the stream."""
    line = b'{"a":1}\n'
    source = CountingInput(line, 20_000)
    out = WatchingOutput(source, line)
    summary = stream.run_stream(io.BufferedReader(source, 256), out, digest_or_refuse, DEFAULT_LIMITS, ("keys",),
                                jobs=2)
    assert summary.lines == 20_000 and summary.exit_code == 0
    window = 2 * stream.WINDOW_PER_JOB + 3  # the blocks in flight, the one being cut, the reader's buffer
    assert len(out.ahead) > 100 and max(out.ahead) <= window * stream.BLOCK_BYTES + len(line)


# --- the commands ---------------------------------------------------------------------------------

ORDERS = 900
BAD_RUNS = len(range(7, ORDERS, 40))  # where the bad lines go: after order 7, 47, 87, …
MISMATCHES = len(range(3, ORDERS, 50))


def mixed_stream(kind: str) -> str:
    """Several blocks of Sera orders with bad lines among them: what ``kind`` (hash, recover, verify) reads."""
    key = PrivateKey.from_hex(KEY0)
    lines: list[str] = []
    for n in range(ORDERS):
        doc = order_document(uuid=n)
        if kind == "hash":
            item: Any = doc
        else:
            item = {"typedData": doc, "signature": sign_typed_data(doc, key).to_hex()}
            if kind == "verify":
                item["address"] = ADDR1 if n % 50 == 3 else ADDR0  # a mismatch now and then: a negative verdict
        lines.append(json.dumps(item))
        if n % 40 == 7:
            lines += ["{broken", "", json.dumps({"typedData": {}, "signature": "0x12"}), "x" * 6000, "[]"]
    return "\n".join(lines)  # the last line without its newline


@pytest.mark.parametrize("command", ["hash", "recover", "verify"])
def test_jobs_2_prints_what_jobs_1_prints(cli: Runner, tmp_path: Path, command: str) -> None:
    path = tmp_path / f"{command}.jsonl"
    path.write_text(mixed_stream(command))
    assert path.stat().st_size > 3 * stream.BLOCK_BYTES  # the workers do start
    args = (command, "--jsonl", str(path), "--max-document-bytes", "5000")
    one = cli(*args, "--jobs", "1")
    two = cli(*args, "--jobs", "2")
    every_core = cli(*args, "-j", "0")
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)
    assert (every_core.returncode, every_core.stdout) == (one.returncode, one.stdout)
    assert one.returncode == 2  # bad lines are bad input, whichever the worst verdict
    answers = [json.loads(line) for line in one.stdout.splitlines()]
    assert len(answers) == ORDERS + BAD_RUNS * 4  # each blank line is skipped
    assert {a["error"]["code"] for a in answers if a["error"]} >= {"INVALID_JSON", "LIMIT_EXCEEDED"}
    if command == "recover":
        assert sum(a.get("signer") == ADDR0 for a in answers) == ORDERS
    if command == "verify":
        assert sum(a.get("valid") is False for a in answers) == MISMATCHES


def test_jobs_goes_with_jsonl(cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "order.json"
    path.write_text(json.dumps(order_document()))
    refused = cli("hash", str(path), "--jobs", "2")
    assert refused.returncode == 2 and "--jobs goes with --jsonl" in refused.stderr
    assert cli("hash", str(path), "--jobs", "1").returncode == 2  # given is given, even the default value
    assert cli("hash", str(path)).returncode == 0
    negative = cli("hash", "--jsonl", str(path), "--jobs", "-1")
    assert negative.returncode == 2 and "--jobs" in negative.stderr


def test_every_core_means_this_process_s_cores() -> None:
    assert 1 <= available_cores() <= (os.cpu_count() or 1)
