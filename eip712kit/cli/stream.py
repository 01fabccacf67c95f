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
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from ..base.errors import DocumentError, Eip712KitError
from ..base.limits import Limits
from ._common import EXIT_BAD_INPUT, EXIT_INVALID, EXIT_OK, dumps

# A handler turns one line into the body of its result object (the JSON text of the result keys, after
# "line"), or raises an Eip712KitError. It returns (body, ok): ok False marks a valid but negative verdict.
LineHandler = Callable[[bytes], tuple[str, bool]]

_CHUNK = 1 << 16


@dataclass
class StreamSummary:
    lines: int = 0
    ok: int = 0
    negative: int = 0
    errors: int = 0

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


def run_stream(stream: IO[bytes], out: IO[bytes], handler: LineHandler, limits: Limits, keys: tuple[str, ...],
               flush_each: bool = False) -> StreamSummary:
    """Answer each line of ``stream`` on ``out``; ``keys`` are the result keys ``handler``'s bodies hold."""
    summary = StreamSummary()
    write = out.write
    nulls = "".join(f'"{key}":null,' for key in keys)  # a failed line's result keys
    too_long = error_body(DocumentError(
        f"the line is over {limits.max_document_bytes} bytes; raise --max-document-bytes if this is intended",
        code="LIMIT_EXCEEDED",
    ))
    for number, line in read_lines(stream, limits.max_document_bytes):
        if line is not None and not line.strip():
            continue
        summary.lines += 1
        if line is None:
            summary.errors += 1
            body = nulls + '"error":' + too_long
        else:
            try:
                result, ok = handler(line.rstrip(b"\r\n"))
            except Eip712KitError as exc:
                summary.errors += 1
                body = nulls + '"error":' + error_body(exc)
            else:
                body = result + ',"error":null'
                if ok:
                    summary.ok += 1
                else:
                    summary.negative += 1
        # backslashreplace: a lone surrogate an error echoes becomes its JSON escape, not a crash.
        write(b'{"line":%d,%s}\n' % (number, body.encode("utf-8", "backslashreplace")))
        if flush_each:
            out.flush()
    out.flush()
    return summary


__all__ = ["LineHandler", "StreamSummary", "error_body", "read_lines", "run_stream"]
