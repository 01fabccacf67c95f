"""What reaches the terminal: nothing the CLI writes can hide, move the cursor, retitle or clear the screen.

A server's strings are made visible where they enter a line (:func:`eip712kit.protocols.trust.visible`
escapes their newlines too, so they cannot start a line that looks like the command's). This is
the floor under that, for whatever was not: stdout and stderr are re-encoded through a codec that
writes every unseen character (:data:`~eip712kit.protocols.trust.UNSEEN_CATEGORIES`: C0 and C1
controls, ESC, bidi and zero-width characters, U+2028/2029, lone surrogates) as its JSON escape
(``\\u001b``, ``\\u202e``) — from any source: a saved server file, a document's string, an
adapter's words. Only the newline passes. JSON escapes keep JSON output valid JSON with the same
values, so ``--json`` and ``--body`` mean what they meant; a lone surrogate comes out as
``\\ud800``, as the ``backslashreplace`` it replaces wrote it.
"""

from __future__ import annotations

import codecs
from typing import Any

from ..protocols.trust import json_visible

PREFIX = "eip712kit_visible_"
"""The codec's name is this and the stream's own encoding (``eip712kit_visible_utf_8``)."""


def _codec_info(base: codecs.CodecInfo) -> codecs.CodecInfo:
    class Encoder(codecs.IncrementalEncoder):
        def __init__(self, errors: str = "strict"):
            super().__init__(errors)
            self._inner = base.incrementalencoder(errors)

        def encode(self, text: str, final: bool = False) -> bytes:
            return self._inner.encode(json_visible(text), final)

        def reset(self) -> None:
            self._inner.reset()

        def getstate(self) -> Any:
            return self._inner.getstate()

        def setstate(self, state: Any) -> None:
            self._inner.setstate(state)

    def encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
        return base.encode(json_visible(text), errors)[0], len(text)

    return codecs.CodecInfo(encode, base.decode, incrementalencoder=Encoder,
                            incrementaldecoder=base.incrementaldecoder, name=PREFIX + base.name.replace("-", "_"))


def _search(name: str) -> codecs.CodecInfo | None:
    if not name.startswith(PREFIX):
        return None
    try:
        return _codec_info(codecs.lookup(name[len(PREFIX):]))
    except LookupError:
        return None


codecs.register(_search)


def visible_encoding(encoding: str | None) -> str:
    """The guarded form of a stream's ``encoding`` (itself when already guarded)."""
    name = codecs.lookup(encoding or "utf-8").name.replace("-", "_")
    return name if name.startswith(PREFIX) else PREFIX + name


def guard(stream: Any) -> None:
    """Re-encode a text stream so that no unseen character reaches what reads it (a no-op for others)."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None:
        return
    try:
        reconfigure(encoding=visible_encoding(getattr(stream, "encoding", None)), errors="backslashreplace")
    except (ValueError, OSError, LookupError):  # a closed or detached stream: nothing will be written to it
        pass


def write_own_control(stream: Any, text: str) -> None:
    """Write the CLI's own terminal control (the progress line's ``\\r``) past the guard, as bytes.

    The one door for a control character the CLI means: ``text`` is the command's, never a server's.
    """
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # a stream without bytes underneath (a test's StringIO): nothing to guard either
        stream.write(text)
    else:
        buffer.write(text.encode("utf-8", "backslashreplace"))
        buffer.flush()


__all__ = ["PREFIX", "guard", "visible_encoding", "write_own_control"]
