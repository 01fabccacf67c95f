"""The content codings an answer may carry, decoded under the transport's size cap, one step at a time.

The transport asks for ``Accept-Encoding: identity``, yet a server (or a CDN in front of it) may
compress anyway, and a compressed answer is where a size cap is easiest to defeat: httpx decodes
each network chunk whole and stacks every coding the server names, so ``Content-Encoding: gzip,
gzip`` with 1.8 KB on the wire took the command to 2.1 GB of memory before the cap on the decoded
size was even looked at, and with 4 GiB inside under a 3 GB address-space limit it ended in
``MemoryError`` (an internal error, exit 70). The decision, written once here:

* **at most one coding**, and only ``gzip`` (``x-gzip``) or ``deflate`` — the two that the standard
  library decodes with a bound on each step's output; ``identity`` is no coding at all;
* **never more than the cap**: each step inflates at most :data:`STEP` bytes and the total stops one
  byte past the cap, so a bomb costs the cap plus one step, whatever its ratio;
* **everything else is refused** — two codings or more, ``br``, ``zstd``, ``compress``, a name nobody
  knows, a stream that is corrupt, truncated or followed by other bytes (a second gzip member included,
  which httpx dropped unread) — as a server error (exit 3),
  before any of it is read as the answer. A kit that cannot read an answer must not guess at it.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

STEP = 64 * 1024
"""Most bytes one decoding step produces: the memory a compressed chunk can cost before the cap is checked."""
DECODED = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}
"""The codings decoded (by the name a server may use, to the format): the rest are refused."""
_TOKEN = re.compile(r"[a-z0-9!#$%&'*+.^_`|~-]{1,32}")


class CodingError(Exception):
    """An answer's content coding this kit will not decode, or compressed data that does not decode."""


class TooLarge(Exception):
    """The decoded answer passed the cap."""


class Decoder:
    """One answer's decoding: :meth:`feed` the wire bytes as they come, :meth:`finish` at the end.

    Both return decoded bytes, never more in total than ``limit`` (:class:`TooLarge` instead).
    """

    def __init__(self, coding: str | None, limit: int):
        self.coding = coding
        self.limit = limit
        self.produced = 0
        self._zlib: zlib._Decompress | None = None
        self._pending = b""  # deflate: the first byte, until the second says which framing it is
        self._fed = False

    def feed(self, data: bytes) -> bytes:
        if self.coding is None:
            return self._count(data)
        if not data:
            return b""
        self._fed = True
        if self._zlib is None:
            if self.coding == "deflate" and len(self._pending + data) < 2:
                self._pending += data
                return b""
            data, self._pending = self._pending + data, b""
            self._zlib = zlib.decompressobj(_wbits(self.coding, data))
        return self._inflate(data)

    def finish(self) -> bytes:
        if self.coding is None or not self._fed:
            return b""
        if self._zlib is None:  # one byte of deflate: never a whole stream
            raise CodingError(f"its {self.coding} data ends before the stream does")
        tail = self._inflate(b"")
        if not self._zlib.eof:
            raise CodingError(f"its {self.coding} data ends before the stream does (truncated)")
        return tail

    def _inflate(self, data: bytes) -> bytes:
        """Inflate ``data`` in steps of at most :data:`STEP` bytes, until the input is used and nothing is pending."""
        assert self._zlib is not None
        out: list[bytes] = []
        while True:
            stream = self._zlib
            if stream.eof:
                if stream.unused_data or data:  # a second gzip member, or anything else: not one stream
                    raise CodingError(f"other bytes follow its {self.coding} stream")
                break
            step = min(STEP, self.limit - self.produced + 1)
            try:
                chunk = stream.decompress(data, step)
            except zlib.error:
                raise CodingError(f"its {self.coding} data is corrupt") from None
            out.append(self._count(chunk))
            data = stream.unconsumed_tail
            if not stream.eof and not data and len(chunk) < step:
                break  # all input used and the step was not full: nothing is pending
        return b"".join(out)

    def _count(self, chunk: bytes) -> bytes:
        self.produced += len(chunk)
        if self.produced > self.limit:
            raise TooLarge()
        return chunk


def _wbits(coding: str, head: bytes) -> int:
    """zlib's window parameter for the framing: gzip; deflate as the RFC says (zlib) or raw, as servers send it."""
    if coding == "gzip":
        return 16 + zlib.MAX_WBITS
    zlib_header = head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
    return zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS


def decoder(codings: Sequence[str], limit: int) -> Decoder:
    """The decoder for an answer whose ``Content-Encoding`` lists ``codings``; :class:`CodingError` says why not."""
    named = [c.strip().lower() for c in codings if c.strip() and c.strip().lower() != "identity"]
    if not named:
        return Decoder(None, limit)
    if len(named) > 1:
        raise CodingError(f"it is compressed {len(named)} times over ({_shown(named)}); this kit decodes one "
                          "gzip or deflate coding at most")
    if named[0] not in DECODED:
        raise CodingError(f"its content coding {_shown(named)} is not one this kit decodes (it asks for identity; "
                          "one gzip or deflate coding is decoded)")
    return Decoder(DECODED[named[0]], limit)


def _shown(names: Sequence[str]) -> str:
    """The coding names as a sentence may show them: a server's text, so only short HTTP tokens, others unnamed."""
    return ", ".join(name if _TOKEN.fullmatch(name) else "(a name that is not a token)" for name in names)


__all__ = ["DECODED", "STEP", "CodingError", "Decoder", "TooLarge", "decoder"]
