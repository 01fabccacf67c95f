"""``--jsonl``: a stream of inputs in, one result line out per input line, errors per line.

Built for pipelines of many documents: stdin is read line by line (memory stays flat however long
the stream), each line is bounded by the document size limit before it is parsed, results go to a
buffered binary stdout, and everything that can be reused across lines (the compiled schema, the
key, the formatting) is. A line that fails does not stop the stream: its result is an ``error``
object with the kit's code, message and path, and the exit code reports the worst outcome.

Every output line is a JSON object with the same keys, so a program reads each line alike: ``"line"``
(the 1-based number of the input line it answers), the command's result keys, and ``"error"``. A
line that succeeds has ``"error": null``; one that fails has its result keys null and ``"error":
{"code", "message", "path"}`` (``path`` null where the failure has no place in the input, as for
text that is not JSON). Blank input lines are skipped (no output, but they count for numbering).

``--jobs N`` (``hash``, ``recover`` and ``verify``) spreads the lines over N worker processes
(``0``: one per core this process may use). The output is the same bytes as with one job, in input
order, with the same exit code: each line is cut by the same :func:`read_lines` and answered by the
same :func:`answer_line`, in whichever process. The input goes to the workers in blocks of whole
lines, and only a bounded window of blocks is in flight (:data:`BLOCK_BYTES` a block,
:data:`WINDOW_PER_JOB` blocks a job), so memory stays flat however long the stream. The workers
are forked, so the command's line handler (its options, its compiled schemas) is theirs without
being sent; where there is no fork (Windows), and for a terminal on stdin (answers as each line is
typed), the stream runs in this process. ``python tools/bench.py`` measures 1 against 2 jobs on
100,000 Sera orders (README's speed table).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, TypeVar

import click
from click.core import ParameterSource

from ..base import forked
from ..base.errors import DocumentError, Eip712KitError
from ..base.limits import Limits
from ..core.batch import available_cores
from ._common import EXIT_BAD_INPUT, EXIT_INVALID, EXIT_OK, dumps

# A handler turns one line into the body of its result object (the JSON text of the result keys, after
# "line"), or raises an Eip712KitError. It returns (body, ok): ok False marks a valid but negative verdict.
LineHandler = Callable[[bytes], tuple[str, bool]]

_CHUNK = 1 << 16

BLOCK_BYTES = 1 << 18
"""Input sent to a worker at a time (whole lines, so a little more or less): a few hundred documents,
enough that a block's round trip is small beside its work."""
WINDOW_PER_JOB = 4
"""Blocks in flight per job (read, their answers not yet written): a worker has up to :data:`QUEUED` of them, one
being answered and the next ones in its pipe, so it never waits for this process, which is busy with blocks of its
own; the rest let this process, or a worker, run ahead of the other by a few blocks."""
QUEUED = 3

# The outcome of one line, as StreamSummary counts it (blank lines: none, they are not counted).
_OK, _NEGATIVE, _ERROR = 0, 1, 2

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class StreamSummary:
    lines: int = 0
    ok: int = 0
    negative: int = 0
    errors: int = 0

    def count(self, outcome: int) -> None:
        self.lines += 1
        if outcome == _OK:
            self.ok += 1
        elif outcome == _NEGATIVE:
            self.negative += 1
        else:
            self.errors += 1

    def add(self, other: StreamSummary) -> None:
        self.lines += other.lines
        self.ok += other.ok
        self.negative += other.negative
        self.errors += other.errors

    @property
    def exit_code(self) -> int:
        if self.errors:
            return EXIT_BAD_INPUT
        if self.negative:
            return EXIT_INVALID
        return EXIT_OK


def read_lines(stream: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, content)``; content is ``None`` for a line over ``max_bytes`` (never held whole)."""
    number = 0
    readline = stream.readline
    while True:
        line = readline(max_bytes + 2)
        if not line:
            return
        number += 1
        if line[-1:] == b"\n" or len(line) <= max_bytes:
            yield number, line
            continue
        # Too long: drain the rest of this line in bounded chunks, then report it.
        while line and line[-1:] != b"\n":
            line = readline(_CHUNK)
        yield number, None


def error_body(exc: Eip712KitError) -> str:
    """A failed line's ``"error"`` value: code, message and path, the path null where there is none."""
    return dumps({"code": exc.code, "message": exc.message, "path": exc.path or None})


def _too_long(limits: Limits) -> DocumentError:
    return DocumentError(
        f"the line is over {limits.max_document_bytes} bytes; raise --max-document-bytes if this is intended",
        code="LIMIT_EXCEEDED",
    )


def answer_line(number: int, line: bytes | None, handler: LineHandler, limits: Limits,
                keys: tuple[str, ...]) -> tuple[bytes, int]:
    """The output line for input line ``number`` (``None``: over the size limit) and its outcome.

    Every line has the same keys: ``line``, the command's result ``keys`` (null on a failed line), ``error``.
    """
    try:
        if line is None:
            raise _too_long(limits)
        result, ok = handler(line.rstrip(b"\r\n"))
    except Eip712KitError as exc:
        outcome = _ERROR
        body = "".join(f'"{key}":null,' for key in keys) + '"error":' + error_body(exc)
    else:
        outcome = _OK if ok else _NEGATIVE
        body = result + ',"error":null'
    # backslashreplace: a lone surrogate an error echoes becomes its JSON escape, not a crash.
    return b'{"line":%d,%s}\n' % (number, body.encode("utf-8", "backslashreplace")), outcome


def _is_blank(line: bytes | None) -> bool:
    return line is not None and not line.strip()


def run_stream(stream: IO[bytes], out: IO[bytes], handler: LineHandler, limits: Limits, keys: tuple[str, ...],
               flush_each: bool = False, jobs: int = 1) -> StreamSummary:
    """Answer every line of ``stream`` on ``out``, in order; ``keys`` are the result keys ``handler``'s bodies
    hold; ``jobs`` > 1 spreads the lines over processes."""
    if jobs > 1 and not flush_each and forked.CAN_FORK:
        return _run_parallel(stream, out, handler, limits, keys, jobs)
    summary = StreamSummary()
    write = out.write
    for number, line in read_lines(stream, limits.max_document_bytes):
        if _is_blank(line):
            continue
        answer, outcome = answer_line(number, line, handler, limits, keys)
        summary.count(outcome)
        write(answer)
        if flush_each:
            out.flush()
    out.flush()
    return summary


# --- the lines spread over worker processes ------------------------------------------------------

_FIRST = struct.Struct("<Q")  # a request: the number of the block's first line, then the block
_COUNTS = struct.Struct("<QQQ")  # an answer: ok, negative and error lines, then the answers


def _answer_block_with(handler: LineHandler, limits: Limits, keys: tuple[str, ...], first: int,
                       block: bytes) -> tuple[bytes, StreamSummary]:
    """The answers to the lines of ``block``, numbered from ``first``; :func:`read_lines` cuts it as a stream."""
    summary = StreamSummary()
    answers = []
    for number, line in read_lines(io.BytesIO(block), limits.max_document_bytes):
        if _is_blank(line):
            continue
        answer, outcome = answer_line(first + number - 1, line, handler, limits, keys)
        summary.count(outcome)
        answers.append(answer)
    return b"".join(answers), summary


def blocks(stream: IO[bytes], max_bytes: int, size: int) -> Iterator[tuple[int, bytes]]:
    """``stream`` as blocks of whole lines, each with the number of its first line.

    The parent reads ``size`` bytes at a time and never looks at a line, so it stays light beside
    the workers. A line longer than :func:`read_lines` accepts is cut to ``max_bytes + 2`` bytes
    (still too long, so still reported as such) and the rest of it skipped unread into memory.
    """
    number = 1
    carry = b""
    skipping = False  # inside a too-long line whose start was already sent
    while True:
        data = stream.read(size)
        if not data:
            if carry:
                yield number, carry
            return
        if skipping:
            end = data.find(b"\n")
            if end < 0:
                continue
            data, skipping = data[end + 1:], False
        last = data.rfind(b"\n")
        if last < 0:
            carry += data
            if len(carry) > max_bytes + 2:  # no end in sight: send what proves it too long, skip the rest
                yield number, carry[:max_bytes + 2] + b"\n"
                number += 1
                carry, skipping = b"", True
            continue
        # One copy at most: the line begun in the last read, then this read up to its last newline.
        block = b"".join((carry, memoryview(data)[:last + 1])) if carry or last + 1 < len(data) else data
        carry = data[last + 1:]
        if len(carry) > max_bytes + 2:  # the unfinished line is already too long (a read of more than the limit)
            block += carry[:max_bytes + 2] + b"\n"
            carry, skipping = b"", True
        yield number, block
        number += block.count(b"\n")


def _run_parallel(stream: IO[bytes], out: IO[bytes], handler: LineHandler, limits: Limits, keys: tuple[str, ...],
                  jobs: int) -> StreamSummary:
    summary = StreamSummary()
    todo = blocks(stream, limits.max_document_bytes, BLOCK_BYTES)
    first = next(todo, None)
    second = next(todo, None) if first is not None else None
    if first is None or second is None:  # one block at most: answered here, quicker than starting workers
        answers, summary = _answer_block_with(handler, limits, keys, *(first or (1, b"")))
        out.write(answers)
        out.flush()
        return summary
    todo = itertools.chain((first, second), todo)

    def answer(request: bytes) -> bytes:
        (number,) = _FIRST.unpack_from(request)
        answers, counted = _answer_block_with(handler, limits, keys, number, request[_FIRST.size:])
        return _COUNTS.pack(counted.ok, counted.negative, counted.errors) + answers

    requests = ((_FIRST.pack(number), block) for number, block in todo)
    answered = forked.ordered(jobs, answer, requests, queued=QUEUED, window=jobs * WINDOW_PER_JOB)
    with contextlib.closing(answered):
        for reply in answered:
            ok, negative, errors = _COUNTS.unpack_from(reply)
            summary.add(StreamSummary(ok + negative + errors, ok, negative, errors))
            out.write(memoryview(reply)[_COUNTS.size:])
    out.flush()
    return summary


def refuse_jobs_without_jsonl() -> None:
    """``--jobs`` given to a command run on one document: a usage error, not silently ignored."""
    ctx = click.get_current_context()
    if ctx.get_parameter_source("jobs") not in (None, ParameterSource.DEFAULT):
        raise click.UsageError("--jobs goes with --jsonl (a stream of documents); one document is one job")


def _jobs_callback(ctx: click.Context, param: click.Parameter, value: int) -> int:
    return value or available_cores()


def jobs_option(f: F) -> F:
    """``--jobs N`` of a ``--jsonl`` command: worker processes (0: one per core); the value given is resolved."""
    return click.option(
        "--jobs", "-j", "jobs", type=click.IntRange(min=0), default=1, show_default=True, callback=_jobs_callback,
        help="With --jsonl: answer the lines in N worker processes, 0 for one per core. The output is the same, in "
             "input order, with the same exit code (on Windows, and for a terminal on stdin: one process).",
    )(f)


__all__ = ["BLOCK_BYTES", "WINDOW_PER_JOB", "LineHandler", "StreamSummary", "answer_line",
           "blocks", "error_body", "jobs_option", "read_lines", "refuse_jobs_without_jsonl", "run_stream"]
