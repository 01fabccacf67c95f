"""personal_sign texts (``eip712kit doctor message``): why an EIP-191 login signature does not verify.

Alura's login — and any "sign this text to log in" — signs the server's text with personal_sign:
``keccak256("\\x19Ethereum Signed Message:\\n" ‖ len ‖ text)``. One byte more or less is another
message, and the usual bytes are few: a trailing newline (``echo``, an editor), CRLF (Windows, a
form), trimmed or re-indented whitespace (``.trim()``, a template literal in indented code), the
text's hex signed as characters or a hex-looking text signed as the bytes it spells (MetaMask
decodes ``0x…``), an earlier challenge's nonce, the address in another case, the text JSON-quoted,
or its keccak signed instead of the text.

A text variant is a *transform* of the text (or a *method* of hashing it); transforms compose in
phase order, so "CRLF *and* a trailing newline" is one combination, not a hypothesis of its own.
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from ..base.errors import Eip712KitError
from ..base.hashing import keccak256
from ..base.parsers import ADDRESS_IN_TEXT, parse_address, to_checksum_address
from ..core.messages import hash_message
from ..core.signature import Signature
from .findings import Finding, TextEdit, Variant, show
from .registry import hypothesis

_HEX_TEXT = r"0x(?:[0-9a-fA-F]{2})+\Z"
_NONCE_IN_TEXT = r"(?i)\bnonce\b\W{0,3}([0-9A-Za-z_\-]{1,128})"

Transform = Callable[[str], "str | bytes"]

# Phases: what the text says, then its whitespace, line endings, trailing newline, then its encoding.
CONTENT, WHITESPACE, LINE_ENDINGS, TRAILING, ENCODING = range(5)


class TextContext:
    """The personal_sign text under diagnosis and the helpers its hypotheses use."""

    def __init__(self, raw: bytes, *, expected: str, signature: Signature, nonce: Any = None,
                 nonces: Sequence[Any] = (), protocol: str | None = None,
                 challenge: Mapping[str, Any] | None = None):
        self.raw = raw
        """The message's exact bytes (UTF-8 of a text)."""
        try:
            self.text: str | None = raw.decode("utf-8")
        except UnicodeDecodeError:
            self.text = None  # raw bytes: only their hex form can be tried
        self.digest = hash_message(raw)
        self.expected = expected
        self.signature = signature
        self.protocol = protocol
        self.nonce = None if nonce is None else str(nonce)
        """The challenge's nonce, when the caller knows it."""
        self.nonces = tuple(str(n) for n in nonces)
        """Other nonces the client may have signed (an earlier challenge's), from the caller."""
        self.challenge = challenge
        """The whole challenge response ({address, nonce, message}), when given."""

    def _body(self, text: str | bytes) -> bytes:
        return text.encode("utf-8") if isinstance(text, str) else text

    def transform_variant(self, transform: Transform, finding: Finding, *, phase: int, tier: int | None = None
                          ) -> Variant[bytes] | None:
        """A variant for the text changed by ``transform`` (None when the text is bytes or nothing changes)."""
        if self.text is None:
            return None
        body = self._body(transform(self.text))
        if body == self.raw:
            return None
        return Variant(hash_message(body), (finding,), True, tier, TextEdit(transform=transform, phase=phase))

    def method_variant(self, method: Callable[[bytes], bytes], finding: Finding, *, tier: int | None = None
                       ) -> Variant[bytes]:
        """A variant for the text hashed another way before signing."""
        return Variant(method(self.raw), (finding,), True, tier, TextEdit(method=method))

    def combine(self, parts: Sequence[tuple[str, Variant[Any]]]) -> bytes | None:
        """The digest of several text variants: transforms in phase order, then at most one method."""
        if len(parts) == 1:
            value: bytes = parts[0][1].value
            return value
        edits = [v.edit for layer, v in parts if layer == "text" and isinstance(v.edit, TextEdit)]
        if len(edits) != len(parts) or self.text is None:
            return None
        methods = [e.method for e in edits if e.method is not None]
        transforms = sorted((e for e in edits if e.transform is not None), key=lambda e: e.phase)
        if len(methods) > 1 or len(methods) + len(transforms) != len(edits):
            return None
        if len({e.phase for e in transforms}) != len(transforms):
            return None  # two changes of the same kind (two nonces, two trailing newlines)
        text: str | bytes = self.text
        for edit in transforms:
            if isinstance(text, bytes):
                return None
            assert edit.transform is not None
            text = edit.transform(text)
        body = self._body(text)
        if body == self.raw:
            return None
        return methods[0](body) if methods else hash_message(body)


# --- the text's encoding ------------------------------------------------------------------------

@hypothesis("text-hex", "text", "the text versus its hex: a 0x-hex text signed as the bytes it spells, the text's "
            "hex signed as characters", tier=0)
def text_versus_hex(ctx: TextContext) -> Iterator[Variant[bytes] | None]:
    if ctx.text is None:  # bytes that are no UTF-8: their hex signed as characters
        for label, hex_text in (("0x-prefixed hex", "0x" + ctx.raw.hex()), ("hex without 0x", ctx.raw.hex())):
            yield Variant(hash_message(hex_text), (_hex_as_text(label, hex_text),), False)
        return
    if re.match(_HEX_TEXT, ctx.text):
        yield ctx.transform_variant(lambda s: bytes.fromhex(s[2:]) if re.match(_HEX_TEXT, s) else s, Finding(
            "MESSAGE_HEX_AS_BYTES",
            f"The message {show(ctx.text)} looks like hex, and the wallet signed the {len(ctx.text) // 2 - 1} bytes "
            "it spells instead of its characters: MetaMask's personal_sign decodes a 0x-hex string. To sign the "
            "characters, pass their UTF-8 as hex (ethers hexlify(toUtf8Bytes(text)), viem toHex(text)); if the server "
            "means the bytes, give the doctor the bytes (--hex).",
            step="message encoding", signed_value=f"the {len(ctx.text) // 2 - 1} bytes of {ctx.text}",
            given_value="the text's characters",
        ), phase=ENCODING)
    forms: tuple[tuple[str, Transform], ...] = (
        ("0x-prefixed hex", lambda s: "0x" + s.encode("utf-8").hex()),
        ("hex without 0x", lambda s: s.encode("utf-8").hex()),
        ("0x-prefixed uppercase hex", lambda s: "0x" + s.encode("utf-8").hex().upper()),
    )
    for index, (label, transform) in enumerate(forms):
        yield ctx.transform_variant(transform, _hex_as_text(label, transform(ctx.text)), phase=ENCODING,
                                        tier=0 if index == 0 else 2)


def _hex_as_text(label: str, hex_text: Any) -> Finding:
    return Finding(
        "MESSAGE_HEX_AS_TEXT",
        f"The message's UTF-8 {label} was signed as characters ({show(hex_text)}), not as the bytes it spells: "
        "a library that treats every string as text (ethers signMessage(\"0x…\"), viem signMessage({message: "
        "\"0x…\"}), eth-account encode_defunct(text=…)) was given the hex meant for MetaMask's personal_sign. Pass "
        "the text itself (signMessage(message)), or the bytes (getBytes(hex), { raw: hex }, "
        "encode_defunct(hexstr=hex)).",
        step="message encoding", signed_value=hex_text, given_value="the message's text",
    )


@hypothesis("text-json-quoted", "text", "the text signed as a JSON string (JSON.stringify), or the whole challenge "
            "object as JSON", tier=1)
def json_quoted(ctx: TextContext) -> Iterator[Variant[bytes] | None]:
    forms: list[tuple[str, Transform, int]] = [
        ("JSON.stringify(message) — quoted and escaped", lambda s: json.dumps(s, ensure_ascii=False), 1),
        ("Python json.dumps(message) — quoted, non-ASCII escaped", lambda s: json.dumps(s), 2),
    ]
    yield from _forms(ctx, forms, "MESSAGE_JSON_QUOTED", _JSON_ADVICE, phase=ENCODING, given="the message's text")
    if ctx.challenge is not None:
        for label, text in (("the challenge response as compact JSON",
                             json.dumps(ctx.challenge, separators=(",", ":"), ensure_ascii=False)),
                            ("the challenge response as pretty JSON", json.dumps(ctx.challenge, indent=2,
                                                                                 ensure_ascii=False))):
            yield Variant(hash_message(text), (_json_finding(label),), False, 1)


_JSON_ADVICE = ("The signed text is {label}, not the message: the quotes, escapes (\\n for a newline) or the whole "
                "object went into personal_sign. Sign the message string itself (response.message, not "
                "JSON.stringify of it).")


def _json_finding(label: str) -> Finding:
    return Finding("MESSAGE_JSON_QUOTED", _JSON_ADVICE.format(label=label), step="message text", signed_value=label,
                   given_value="the message's text")


# --- whitespace and line endings ----------------------------------------------------------------

def _forms(ctx: TextContext, forms: Sequence[tuple[str, Transform, int]], code: str, advice: str, *, phase: int,
           given: str) -> Iterator[Variant[bytes] | None]:
    """One variant per labelled transform, each a finding ``code`` whose sentence is the label and the advice."""
    for label, transform, tier in forms:
        yield ctx.transform_variant(transform, Finding(
            code, advice.format(label=label), step="message text", signed_value=label, given_value=given,
        ), phase=phase, tier=tier)


@hypothesis("text-trailing-newline", "text", "a trailing newline added (LF, CRLF) or removed", tier=0)
def trailing_newline(ctx: TextContext) -> Iterator[Variant[bytes] | None]:
    forms: list[tuple[str, Transform, int]] = [
        ("a trailing newline added (echo, an editor, print)", lambda s: s + "\n", 0),
        ("a trailing CRLF added", lambda s: s + "\r\n", 1),
        ("two trailing newlines added", lambda s: s + "\n\n", 2),
    ]
    if ctx.text is not None and ctx.text.endswith("\n"):
        forms.insert(0, ("the trailing newline removed (.trim(), readline().strip(), $(...))",
                         lambda s: s[:-2] if s.endswith("\r\n") else s[:-1] if s.endswith("\n") else s, 0))
    yield from _forms(ctx, forms, "MESSAGE_TRAILING_NEWLINE",
                      "The signed text differs from the message at its end: {label}. Sign the message exactly as the "
                      "server returned it — take the JSON field, print it with printf '%s' (not echo), and do not "
                      "trim it.", phase=TRAILING, given="the message as returned")


@hypothesis("text-line-endings", "text", "line endings converted: LF to CRLF, CRLF to LF, LF to CR", tier=0)
def line_endings(ctx: TextContext) -> Iterator[Variant[bytes] | None]:
    if ctx.text is None or not ("\n" in ctx.text or "\r" in ctx.text):
        return
    forms: list[tuple[str, Transform, int]] = [
        ("LF converted to CRLF (a Windows file, a textarea, an HTTP form)",
         lambda s: s.replace("\r\n", "\n").replace("\n", "\r\n"), 0),
        ("CRLF converted to LF (git, a Unix editor, Python's text mode)", lambda s: s.replace("\r\n", "\n"), 0),
        ("LF converted to CR", lambda s: s.replace("\r\n", "\n").replace("\n", "\r"), 2),
    ]
    yield from _forms(ctx, forms, "MESSAGE_LINE_ENDINGS",
                      "The signed text has other line endings than the message: {label}. Line endings are bytes and "
                      "are signed; sign the message string from the response without passing it through a file or a "
                      "form.", phase=LINE_ENDINGS, given="the message's line endings")


def _each_line(change: Callable[[str], str]) -> Transform:
    return lambda s: "\n".join(change(line) for line in s.split("\n"))


def _replacing(old: str, new: str) -> Transform:
    return lambda s: s.replace(old, new)


def _indenting(width: int) -> Transform:
    return lambda s: s.replace("\n", "\n" + " " * width)


@hypothesis("text-whitespace", "text", "whitespace trimmed (both ends, each line), collapsed, or lines indented as "
            "in a template literal", tier=1)
def whitespace(ctx: TextContext) -> Iterator[Variant[bytes] | None]:
    forms: list[tuple[str, Transform, int]] = [
        ("trimmed at both ends (.trim(), .strip())", str.strip, 1),
        ("trimmed at the end", str.rstrip, 1),
        ("trimmed at the start", str.lstrip, 1),
        ("each line trimmed", _each_line(str.strip), 1),
        ("trailing spaces of each line removed", _each_line(str.rstrip), 1),
        ("runs of spaces collapsed to one", lambda s: re.sub(r"[ \t]+", " ", s), 2),
        ("common indentation removed (dedent)", textwrap.dedent, 2),
    ]
    for width in (2, 4, 6, 8):
        forms.append((f"lines after the first indented by {width} spaces (a template literal in indented code)",
                      _indenting(width), 2))
    yield from _forms(ctx, forms, "MESSAGE_WHITESPACE",
                      "The signed text's whitespace differs from the message's: {label}. Every space is signed: sign "
                      "the message as returned, without trimming, re-indenting or rebuilding it.", phase=WHITESPACE,
                      given="the message's whitespace")


# --- what the text says -------------------------------------------------------------------------

def _nonce_in_text(ctx: TextContext) -> str | None:
    if ctx.text is None:
        return None
    if ctx.nonce is not None and ctx.nonce in ctx.text:
        return ctx.nonce
    found = re.search(_NONCE_IN_TEXT, ctx.text)
    return found.group(1) if found else None


def _nonce_candidates(ctx: TextContext, given: str) -> list[tuple[str, str, int]]:
    """(nonce, where it comes from, tier) — the caller's, the challenge's, one request off, other notation."""
    out: list[tuple[str, str, int]] = [(n, "given with --nonce", 0) for n in ctx.nonces]
    if ctx.nonce is not None and ctx.nonce != given:
        out.append((ctx.nonce, "the challenge's nonce field", 0))
    if given.isascii() and given.isdigit():  # only ASCII digits are digits (int() takes others)
        number = int(given)
        out += [(str(number + d), f"{'+' if d > 0 else ''}{d} from the message's", 1)
                for d in (-1, 1, -2, 2, -3, 3) if number + d >= 0]
        out.append((hex(number), "the same nonce in hex", 2))
    elif re.fullmatch(r"0x[0-9a-fA-F]+", given):
        out.append((str(int(given, 16)), "the same nonce in decimal", 2))
    seen: set[str] = {given}
    unique = []
    for nonce, origin, tier in out:
        if nonce not in seen:
            seen.add(nonce)
            unique.append((nonce, origin, tier))
    return unique


@hypothesis("text-nonce", "text", "another nonce in the text: --nonce values, the challenge's, one or two requests "
            "off, hex for decimal", tier=0)
def other_nonces(ctx: TextContext) -> Iterator[Variant[bytes] | None]:
    given = _nonce_in_text(ctx)
    if given is None:
        return
    for nonce, origin, tier in _nonce_candidates(ctx, given):
        yield ctx.transform_variant(_replacing(given, nonce), Finding(
            "MESSAGE_NONCE",
            f"The signed text carries the nonce {nonce} ({origin}) where the message has {given}: the client signed "
            "an earlier challenge (or rebuilt the text with a cached nonce). A challenge is single use: request a "
            "new one and sign its message as returned.",
            field="nonce", step="message text", signed_value=nonce, given_value=given,
        ), phase=CONTENT, tier=tier)


@hypothesis("text-address", "text", "the address in the text lowercased, checksummed or uppercased, or replaced by "
            "the expected signer's", tier=0)
def other_addresses(ctx: TextContext) -> Iterator[Variant[bytes] | None]:
    if ctx.text is None:
        return
    for address in dict.fromkeys(re.findall(ADDRESS_IN_TEXT, ctx.text)):
        try:
            checksummed = to_checksum_address(parse_address(address.lower()))
        except Eip712KitError:
            continue
        forms = [("lowercase", address.lower(), 0), ("EIP-55 checksummed", checksummed, 0),
                 ("uppercase hex", "0x" + address[2:].upper(), 1)]
        if checksummed != ctx.expected:
            forms += [("the expected signer's address", ctx.expected, 0),
                      ("the expected signer's address in lowercase", ctx.expected.lower(), 0)]
        for label, written, tier in forms:
            if written == address:
                continue
            yield ctx.transform_variant(_replacing(address, written), Finding(
                "MESSAGE_ADDRESS",
                f"The signed text writes the address as {written} ({label}) where the message has {address}. In a "
                "text an address is characters, so its case counts"
                + (" — and this is another account: the challenge was requested for one address and signed for "
                   "another; request it for the signing wallet." if label.startswith("the expected") else
                   ": sign the server's text as returned; do not rebuild it with getAddress() or toLowerCase()."),
                field="address", step="message text", signed_value=written, given_value=address,
            ), phase=CONTENT, tier=tier)


# --- how the text was hashed --------------------------------------------------------------------

@hypothesis("text-hashed", "text", "keccak256 of the text signed raw, or with personal_sign (as bytes or hex text)",
            tier=1)
def hashed_text(ctx: TextContext) -> Iterator[Variant[bytes] | None]:
    methods: tuple[tuple[str, Callable[[bytes], bytes], int], ...] = (
        ("keccak256(text) signed raw, without the EIP-191 prefix (sign_msg_hash / signDigest)", keccak256, 1),
        ("keccak256(text) signed with personal_sign (its 32 bytes prefixed and hashed again)",
         lambda body: hash_message(keccak256(body)), 1),
        ("keccak256(text) as 0x-hex text signed with personal_sign",
         lambda body: hash_message("0x" + keccak256(body).hex()), 2),
        ("sha256(text) signed raw (coincurve's default hasher)", lambda body: hashlib.sha256(body).digest(), 2),
    )
    for label, method, tier in methods:
        yield ctx.method_variant(method, Finding(
            "MESSAGE_HASH_SIGNED",
            f"The text was hashed before signing: {label}. personal_sign hashes the text itself (with its "
            "\"\\x19Ethereum Signed Message:\\n\" prefix): pass the text to personal_sign / signMessage / "
            "sign_message(encode_defunct(text=...)) and nothing else.",
            step="signing method", signed_value=label, given_value="personal_sign(text)",
        ), tier=tier)


__all__ = ["TextContext"]
