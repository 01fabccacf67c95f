"""The one trust policy: what may be signed when a server provided it, and how a server's text is shown.

The signer decides; a server only informs. A server — over the network, or through an answer the
user saved to a file — hands a signer three kinds of material, and each is held to a pin:

==========================  =================================================  =======================
what a server provides      what it is held to                                 the flag that grants it
==========================  =================================================  =======================
a domain (Sera's            the documented deployment, or the user's own       ``--trust-server-domain``
``GET /config``, Renance's  (``--domain FILE``, ``--chain-id``,
nonce ``typed_data``)       ``--verifying-contract``)
token addresses and         the documented deployment's tokens (when signing   ``--trust-server-tokens``
decimals (``GET /tokens``)  for it) and the user's ``--tokens FILE``
a text to personal_sign     it names its nonce and the address, a Sign-In-     ``--trust-server-text``
(Alura's challenge)         With-Ethereum text is for the API's own host, and
                            nothing in it is unseen (no control, bidi or
                            zero-width character: :func:`unseen_characters`)
==========================  =================================================  =======================

What differs is refused — :class:`~eip712kit.base.errors.TrustError`, exit 1 at the command line,
both values named, nothing signed or sent — unless the user grants that one trust by the flag that
names it (in the library, the keyword of the same name: ``trust_server_domain=True``). A grant is
never silent: it comes back as a note (:attr:`Decision.notes`) that the caller prints beside what it
signs. The command line (``eip712kit.cli``) and the HTTP clients (``eip712kit.client``) both decide
here, so a program that uses the client gets the same policy as a person at the terminal.

How a server's text is shown (:func:`visible`, :func:`dumps`): every character that a terminal, a
log viewer or a browser does not draw as itself — the Unicode categories ``Cc`` (C0 and C1
controls, DEL, so ESC and every CSI/OSC sequence), ``Cf`` (bidi embeddings, overrides and isolates,
LRM/RLM, U+061C, zero-width space/joiners, U+2060, U+FEFF, tag characters), ``Zl``/``Zp`` (U+2028,
U+2029) and ``Cs`` (lone surrogates) — is replaced by an escape (``\\x1b``, ``\\x9b``, ``\\r``,
``\\u202e``, ``\\u2028``), so what is on the screen is what the text holds: an OSC string cannot
retitle a window or write the clipboard, a ``\\r`` cannot write over the line that reports a
refusal, and a right-to-left override cannot reorder a clause that is about to be signed. The
debugger page (``server/static/debug/debug.js``) applies the same categories, held to
:data:`UNSEEN_CATEGORIES` by ``tests/test_trust_display.py``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..base.errors import Eip712KitError, TrustError
from ..base.renamed import module_getattr
from ..core.domain import Domain

if TYPE_CHECKING:  # the display half is imported by every command: it does not pay for the protocols
    from .renance import NonceChallenge
    from .sera.tokens import TokenList

# --- how a server's text is shown -------------------------------------------------------------------

UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
"""Unicode categories of the characters never shown as themselves: controls, format characters (bidi,
zero-width), line and paragraph separators, lone surrogates."""

_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")
"""Every character worth a second look: all of the unseen ones are outside printable ASCII."""
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def is_unseen(char: str) -> bool:
    """Whether ``char`` is one a terminal or a page would not draw as itself (:data:`UNSEEN_CATEGORIES`)."""
    return unicodedata.category(char) in UNSEEN_CATEGORIES


def escape(char: str) -> str:
    """The visible spelling of one character: ``\\n``, ``\\r``, ``\\t``, ``\\x1b``, ``\\u202e``, ``\\U000e0041``."""
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str, *, newlines: bool = False) -> str:
    """``text`` with every unseen character replaced by its escape (:func:`escape`).

    For a server's string placed inside a line of output: its newlines are escaped too, so it
    cannot start a line of its own that looks like the command's. ``newlines=True`` keeps ``\\n``
    (for a whole block of output, where lines are the command's own).
    """
    if text.isascii() and text.isprintable():
        return text

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if (newlines and char == "\n") or not is_unseen(char):
            return char
        return escape(char)

    return _NOT_PRINTABLE_ASCII.sub(replace, text)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_visible(text: str) -> str:
    """JSON text (as :func:`json.dumps` writes it) with every unseen character as a ``\\uXXXX`` escape.

    ``json.dumps`` escapes C0 controls but writes DEL, C1 controls, bidi and zero-width characters
    and U+2028 as they are; inside a JSON string their escape is the same value, and outside strings
    JSON holds none of them — only the newlines of indentation, which are kept. The result parses
    to the same value and shows every character.
    """
    if text.isascii() and "\x7f" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        return char if char == "\n" or not is_unseen(char) else _json_escape(char)

    return _NOT_PRINTABLE_ASCII.sub(replace, text)


def dumps(value: Any, *, indent: int | None = None) -> str:
    """JSON for a person or a program: readable non-ASCII text, unseen characters escaped (:func:`json_visible`)."""
    if indent is None:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    else:
        text = json.dumps(value, ensure_ascii=False, indent=indent)
    return json_visible(text)


def quoted(text: str) -> str:
    """``text`` as a JSON string literal with every unseen character escaped: exactly what a text holds."""
    return dumps(text)


def unseen_characters(text: str, *, allowed: str = "\n") -> list[str]:
    """Each distinct unseen character in ``text`` (except ``allowed``), named: ``U+202E RIGHT-TO-LEFT OVERRIDE``."""
    found: dict[str, None] = {}
    for char in _NOT_PRINTABLE_ASCII.findall(text):
        if char not in allowed and is_unseen(char):
            found.setdefault(char)
    return [f"U+{ord(c):04X} {unicodedata.name(c, unicodedata.category(c) + ' control')}" for c in found]


# --- domains ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    """The domain to sign with, and a note for each difference the user chose to trust (shown with it)."""

    domain: Domain
    notes: tuple[str, ...] = ()


def decide_domain(pinned: Domain, offered: Domain | None, *, trust_server_domain: bool = False,
                  source: str = "the server") -> Decision:
    """The domain to sign with: ``pinned``, unless ``offered`` (a server's) differs and the user trusts it.

    ``offered`` None means the server named no domain (the pinned one is used). A difference
    without ``trust_server_domain`` is refused: DOMAIN_MISMATCH naming each field with both values.
    """
    if offered is None:
        return Decision(pinned)
    differences = pinned.differences(offered)
    if not differences:
        return Decision(pinned)
    if not trust_server_domain:
        raise TrustError(f"{source} names another deployment than the pinned one — {'; '.join(differences)}. "
                         "Nothing was signed or sent: pin that deployment (--domain FILE, or --chain-id and "
                         "--verifying-contract), or pass --trust-server-domain to sign for it",
                         code="DOMAIN_MISMATCH", path="domain")
    return Decision(offered, tuple(f"signing for the server's domain (--trust-server-domain): {d}"
                                   for d in differences))


def decide_login_domain(challenge: NonceChallenge, pinned: Domain, *, trust_server_domain: bool = False,
                        source: str = "the nonce's typed_data") -> Decision:
    """The domain to sign a Renance nonce challenge's Login with (a checked ``NonceChallenge``).

    Its domain is held to ``pinned`` (:func:`decide_domain`). Beyond trust: the typed data the
    server sent must hash exactly like the documented Login in the server's own domain — a
    non-canonical ``EIP712Domain`` declaration, or a typed data that hashes otherwise, is refused
    even with ``trust_server_domain``, because this kit signs the documented Login only.
    """
    decision = decide_domain(pinned, challenge.domain, trust_server_domain=trust_server_domain, source=source)
    if challenge.differences and not decision.notes:  # only the declared EIP712Domain form differs
        raise TrustError(f"{source} differs from the pinned domain — " + "; ".join(challenge.differences)
                         + ". Nothing was signed or sent: this command signs the documented Login only",
                         code="DOMAIN_MISMATCH", path="domain")
    if challenge.typed_data is not None:
        from ..core.typed_data import TypedData

        try:
            digest = TypedData(challenge.typed_data).digest()
        except Eip712KitError as exc:
            raise exc.at("typed_data") from None
        if digest != challenge.request().digest(challenge.domain):
            raise TrustError(f"{source} does not hash like the documented Login in its own domain; refusing to sign "
                             "something other than the documented message. Nothing was signed or sent",
                             code="DOMAIN_MISMATCH", path="typed_data")
    return decision


# --- tokens -------------------------------------------------------------------------------------------

def sera_token_pins(domain: Domain, given: TokenList | None = None, *, trust_server_tokens: bool = False,
                    source: str = "--tokens FILE") -> TokenList:
    """The Sera tokens a signer holds a server to: the documented deployment's and the user's ``given`` list.

    The documented EURC and USDC are pins when ``domain`` is on the documented chain. A ``given``
    list (``--tokens FILE``, often a saved ``GET /tokens`` answer) that contradicts them is refused
    (TOKEN_MISMATCH) unless ``trust_server_tokens``; otherwise its other tokens are pinned with them.
    """
    from .sera import DOMAIN, NO_TOKENS, SEPOLIA_TOKENS

    documented = SEPOLIA_TOKENS if domain.chain_id == DOMAIN.chain_id else NO_TOKENS
    if given is None:
        return documented
    return decide_tokens(documented, given, trust_server_tokens=trust_server_tokens, source=source)


def decide_tokens(pins: TokenList, served: TokenList, *, trust_server_tokens: bool = False,
                  source: str = "GET /tokens") -> TokenList:
    """The token list to sign with: ``served`` with every pinned token in its place, or — trusted — as served.

    A served token at a pinned address with other decimals, or a pinned symbol at another address,
    is refused (TOKEN_MISMATCH, both values named) unless ``trust_server_tokens``.
    """
    conflicts = served.conflicts(pins)
    if conflicts and not trust_server_tokens:
        raise TrustError(f"{source} contradicts the pinned tokens — " + "; ".join(visible(c) for c in conflicts)
                         + ". Nothing was signed or sent: fix the pin (--tokens FILE), or pass --trust-server-tokens "
                         "to use the server's values", code="TOKEN_MISMATCH", path="tokens")
    return served if trust_server_tokens else served.pinned_by(pins)


# --- texts to personal_sign ---------------------------------------------------------------------------

_SIWE_FIRST_LINE = r"(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?P<domain>\S+) wants you to sign in with your Ethereum account:\Z"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _authority(text: str) -> tuple[str, int | None]:
    """``(host, port)`` of a URL or a bare ``host[:port]``, with a scheme's default port dropped."""
    parts = urlsplit(text if "://" in text else "//" + text)
    try:
        port = parts.port
    except ValueError:
        port = -1  # an unparsable port matches nothing
    if port is not None and port == _DEFAULT_PORTS.get(parts.scheme):
        port = None
    return (parts.hostname or "").lower(), port


def text_problems(text: str, *, nonce: Any, address: str, api_url: str | None = None) -> list[str]:
    """Why a server's login text should not be signed for this challenge (empty when it may be).

    The text must contain the nonce and the address it was issued for, and hold no unseen
    character (a control, a bidi or zero-width character: a clause the person cannot see or read
    in order). A Sign-In-With-Ethereum text (EIP-4361) must name ``api_url``'s host as its domain,
    and this address and nonce on its own lines; without ``api_url`` its domain cannot be checked,
    which is a problem too.
    """
    problems = []
    if str(nonce) not in text:
        problems.append(f"the text does not contain the nonce {nonce!r} it was issued with")
    if address.lower() not in text.lower():
        problems.append(f"the text does not contain the address {address} it was issued for")
    unseen = unseen_characters(text)
    if unseen:
        problems.append("the text holds characters a person does not see as themselves (" + ", ".join(unseen)
                        + "): part of it could be hidden or reordered on the screen")
    siwe = re.match(_SIWE_FIRST_LINE, text.split("\n", 1)[0].strip())
    if siwe is not None:
        domain = siwe.group("domain")
        if api_url is None:
            problems.append(f"it is a Sign-In-With-Ethereum text for {domain!r}, and no API host was given "
                            "to check that domain against")
        elif _authority(domain) != _authority(api_url):
            problems.append(f"it is a Sign-In-With-Ethereum text for {domain!r}, not for the API's host "
                            f"{urlsplit(api_url).netloc!r}: signing it would sign in to another site")
        lines = text.split("\n")
        if len(lines) < 2 or lines[1].strip().lower() != address.lower():
            problems.append("its second line is not the address the challenge was issued for")
        nonces = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Nonce:")]
        if nonces != [str(nonce)]:
            problems.append(f"its Nonce line is not the challenge's nonce {nonce!r}")
    return problems


def require_login_text(text: str, *, nonce: Any, address: str, api_url: str | None = None,
                       trust_server_text: bool = False) -> None:
    """Refuse (CHALLENGE_MISMATCH) a login text with :func:`text_problems`, unless ``trust_server_text``."""
    problems = [] if trust_server_text else text_problems(text, nonce=nonce, address=address, api_url=api_url)
    if problems:
        raise TrustError(
            "refusing to sign the server's login text: " + "; ".join(problems)
            + ". Nothing was signed or sent; if you trust this server's text, say so explicitly (trust_server_text "
            "/ --trust-server-text)",
            code="CHALLENGE_MISMATCH",
            path="message",
        )


__all__ = [
    "UNSEEN_CATEGORIES",
    "Decision",
    "decide_domain",
    "decide_login_domain",
    "decide_tokens",
    "dumps",
    "escape",
    "is_unseen",
    "json_visible",
    "quoted",
    "require_login_text",
    "sera_token_pins",
    "text_problems",
    "unseen_characters",
    "visible",
]

if not TYPE_CHECKING:  # old names kept working, with a warning (base/renamed.py)
    __getattr__ = module_getattr(__name__, {"check_text": "require_login_text"}, globals())
