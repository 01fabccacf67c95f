"""The one error hierarchy of eip712kit.

Every refusal in the kit is an :class:`Eip712KitError` carrying three things a caller can act on:

* ``code`` — a stable identifier (``INVALID_ADDRESS``, ``INT_OUT_OF_RANGE`` …) that programs and
  negative golden vectors match on; the catalogue below is the single list of them;
* ``path`` — where in the JSON input the offending value sits (``message.legs[2].amount``);
* ``message`` — one sentence a person can act on.

Paths are assembled on the way *out*: an encoder deep in a struct raises with no path and each
enclosing level prepends its own segment (:meth:`Eip712KitError.at`). That keeps the success path
free of string building, which matters in the hot loop of hashing.

A message never contains a private key or a password: key errors describe the problem, never the
value.
"""

from __future__ import annotations

from typing import Any

# The catalogue: code -> what it means. Documentation (docs/errors.md) and the vector schema are
# generated from this dict, so a new code is added here and nowhere else.
CODES: dict[str, str] = {
    # document shape
    "INVALID_JSON": "the input is not valid JSON",
    "INVALID_DOCUMENT": "the typed-data document is not an object with types, primaryType, domain and message",
    "LIMIT_EXCEEDED": "the input is larger or deeper than the configured limits allow",
    # type definitions
    "INVALID_TYPES": "the types object or a struct definition is malformed",
    "INVALID_TYPE_NAME": "a struct or field name is not a valid identifier",
    "UNKNOWN_TYPE": "a field refers to a type that is neither atomic nor defined in types",
    "DUPLICATE_FIELD": "a struct declares the same field name twice",
    "RESERVED_TYPE_NAME": "a struct is named like an atomic type",
    "UNENCODABLE_CYCLE": "structs reference each other in a cycle no finite value can satisfy",
    "MISSING_PRIMARY_TYPE": "primaryType is missing and cannot be derived unambiguously",
    "INVALID_DOMAIN": "the domain does not match its EIP712Domain type",
    # values
    "INVALID_VALUE": "a value does not fit the type it is declared with",
    "MISSING_FIELD": "a struct value lacks a field its type declares",
    "EXTRA_FIELD": "a struct value has a field its type does not declare",
    "INVALID_STRUCT": "a struct value is not a JSON object",
    "INVALID_ARRAY": "an array value is not a JSON array",
    "ARRAY_LENGTH": "a fixed-size array value has the wrong number of elements",
    "INVALID_INT": "an integer value is not a JSON integer, decimal string or 0x-hex string",
    "INT_OUT_OF_RANGE": "an integer does not fit its uintN/intN type",
    "INVALID_BOOL": "a bool value is not true or false",
    "INVALID_ADDRESS": "an address is not 0x followed by 40 hex digits",
    "BAD_CHECKSUM": "a mixed-case address fails its EIP-55 checksum",
    "INVALID_HEX": "a bytes value is not 0x-prefixed hex with an even number of digits",
    "BYTES_LENGTH": "a bytesN value does not have exactly N bytes",
    "INVALID_STRING": "a string value is not text that can be encoded as UTF-8",
    "INVALID_MESSAGE": "a personal_sign message is neither text nor bytes",
    # signatures
    "SIGNATURE_MALFORMED": "a signature is not 0x-hex of 64 or 65 bytes, or r/s is out of range",
    "SIGNATURE_V_INVALID": "a 65-byte signature's v is not 0, 1, 27 or 28",
    "SIGNATURE_HIGH_S": "a signature's s is in the upper half of the curve order (EIP-2)",
    "RECOVERY_FAILED": "no public key can be recovered from the signature and digest",
    # keys
    "KEY_INVALID": "a private key is not 32 bytes of hex in the valid secp256k1 range",
    "KEY_NOT_FOUND": "the key source (environment variable, file) is empty or missing",
    "KEYSTORE_INVALID": "an encrypted keystore file is malformed or the password is wrong",
    "MNEMONIC_INVALID": "a mnemonic phrase or derivation path is invalid",
    "EXTRA_MISSING": "a feature needs an optional extra that is not installed; the message names the pip command",
    # protocols
    "PROTOCOL_VIOLATION": "a value breaks a rule of Sera, Renance or Alura",
    "UUID_INVALID": "a UUID string is malformed",
    "UUID_INT_OUT_OF_RANGE": "a uuid_int or one of its fields does not fit its bit width",
    "UUID_MISMATCH": "an order_id and a uuid_int do not encode the same order",
    "UUID_NOT_V4": "an order id is not a version-4 UUID (version digit 4, RFC 4122 variant 8, 9, a or b)",
    "UUID_NOT_STANDALONE": "a standalone order's uuid_int has a leg_id other than 0 or a group_id other than "
                           "its own UUID's first 112 bits",
    "EXECUTOR_ID_OUT_OF_RANGE": "an executor id does not fit in 4 bits",
    "TOO_MANY_LEGS": "a virtual-liquidity batch has more legs than 12 bits can number",
    "EXPIRATION_MISSING": "an expiration or deadline is missing or zero",
    "EXPIRATION_PAST": "an expiration or deadline is not strictly after server time",
    "EXPIRATION_TOO_FAR": "an expiration or deadline is more than 365 days - 300 s after server time",
    "TIMESTAMP_OUT_OF_WINDOW": "a signed timestamp is outside the server's accepted window",
    "INVALID_SIDE": "an order side is not one the protocol accepts",
    "INVALID_ORDER_TYPE": "an order type is not one the protocol accepts",
    "INVALID_AMOUNT": "an amount or price is not a positive decimal number",
    "AMOUNT_PRECISION": "an amount does not convert exactly into the token's base units",
    "UNKNOWN_TOKEN": "a token is not in the known token list",
    "INVALID_ACTION": "an API-key action is not create, list, revoke_<api_key> or revoke_all",
    "INVALID_ORDER_ID": "an order id is empty or contains the batch separator",
    "DOMAIN_MISMATCH": "a server's domain differs from the pinned one (documented, or given with --domain)",
    "TOKEN_MISMATCH": "a server's token list differs from a pinned token (address or decimals)",
    "UNTRUSTED": "a server sent something to sign that differs from what is pinned; refused unless the user "
                 "grants that trust with a flag",
    "CHALLENGE_MISMATCH": "a server's login text does not name the nonce and address it was issued for, "
                          "or asks to sign in to another site",
    "INVALID_CONFIG": "a server configuration response lacks a required field",
    "DUPLICATE_ORDER_ID": "the same order id appears twice in one batch",
    "INVALID_ROUNDING": "a rounding mode is not one of down, up or half_even",
    "INVALID_TOKEN": "a token description lacks a valid address or decimals, or base and quote are the same",
    "INVALID_SYMBOL": "a trading pair symbol is empty or not a string",
    "INVALID_LEVERAGE": "a leverage is not a whole number from 1 to 2**32-1",
    "TOO_MANY_ORDER_IDS": "a batch cancel has more order ids than one call accepts",
    "KEY_MISMATCH": "the signing key's address is not the signer the message names",
    "SIGNATURE_MISSING": "a request body needs a signature and none was given",
    "INVALID_CHALLENGE": "a login challenge response is malformed or is for another address",
    # the command line
    "INVALID_USAGE": "the command line is malformed: an unknown command or option, a missing or extra argument, "
                     "options that do not go together; the message names the --help that shows the usage",
    "INVALID_OPTION": "an option's or argument's value is not one it takes (a number, a range, one of a list)",
    "FILE_NOT_FOUND": "a file named on the command line does not exist (a relative name is read from the "
                      "current directory, which the message names)",
    "FILE_UNREADABLE": "a file named on the command line exists but cannot be opened: a directory, or no "
                       "permission",
    # tools
    "UNKNOWN_PROTOCOL": "a protocol hint names no protocol the kit knows (sera, renance)",
    "ADAPTER_UNUSABLE": "a conformance --exec adapter cannot be used at all: it does not start, or exits or "
                        "answers out of protocol before its handshake, or this environment holds key material it "
                        "could read (--expose-env-keys-to-adapter)",
    "VECTOR_INVALID": "a golden-vector file does not follow the vector format",
    "NETWORK_ERROR": "a server could not be reached, did not answer in time, or answered with an error",
    "SERVER_ERROR": "a server's answer cannot be used: malformed, over the size or nesting limit, of the wrong "
                    "content type, or out of any plausible range",
    "INTERNAL_ERROR": "a bug in eip712kit stopped one operation (the conformance runner fails that case, runs on)",
    # verdicts and the reference verifier (eip712kit serve, eip712kit check)
    "SIGNER_MISMATCH": "a signature recovers to another address than the expected signer",
    "ZERO_ADDRESS": "the expected signer is the zero address, which no key can sign as",
    "INVALID_REQUEST": "a request body or query is not the JSON object the endpoint expects",
    "UNKNOWN_MARKET": "a base/quote token pair is not a listed market",
    "SIGNATURE_REPLAYED": "a signed message was already used once; sign again with a new timestamp",
    "API_KEY_LIMIT": "the wallet already has the maximum number of active API keys",
    "API_KEY_NOT_FOUND": "no active API key with this id belongs to the wallet",
    "UNAUTHORIZED": "an api_key/api_secret pair or bearer credential is not valid",
    "UNSUPPORTED_MEDIA_TYPE": "a request body is not declared Content-Type: application/json",
    "FOREIGN_ORIGIN": "a request came from another site's page, or reached a loopback server by a foreign host "
                      "name (DNS rebinding)",
    "REQUEST_TIMEOUT": "a client did not send its request headers or body within the server's time limit",
    "SERVICE_UNAVAILABLE": "the server cannot answer now (too many open connections, or its store is "
                           "unavailable); retry",
}


class Eip712KitError(Exception):
    """Base of every error the kit raises on purpose.

    ``str(error)`` is ``"<path>: <message> [<code>]"`` so that a log line alone tells what, where
    and which rule.
    """

    default_code = "INTERNAL_ERROR"
    """Each subclass names its own; an error raised without a code on purpose is a kit bug."""

    def __init__(self, message: str, *, code: str | None = None, path: str = "", **details: Any):
        self.code = code or self.default_code
        if self.code not in CODES:  # a typo in a code is a bug in the kit, catch it early
            raise AssertionError(f"unknown error code {self.code!r}")
        self.message = message
        self._segments: list[str | int] = [path] if path else []
        self.details = details
        super().__init__(message)

    @property
    def path(self) -> str:
        out = ""
        for seg in self._segments:
            if isinstance(seg, int):
                out += f"[{seg}]"
            else:
                out += f".{seg}" if out else seg
        return out

    def at(self, segment: str | int) -> Eip712KitError:
        """Prepend a path segment: a field name, an array index or a root like ``message``."""
        self._segments.insert(0, segment)
        return self

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self._segments:
            out["path"] = self.path
        return out

    def __str__(self) -> str:
        where = f"{self.path}: " if self._segments else ""
        return f"{where}{self.message} [{self.code}]"


class DocumentError(Eip712KitError):
    """The input as a whole is malformed (not JSON, missing top-level keys, over limits)."""

    default_code = "INVALID_DOCUMENT"


class TypeDefinitionError(Eip712KitError):
    """The ``types`` graph is malformed; raised once, when the schema is compiled."""

    default_code = "INVALID_TYPES"


class ValueEncodingError(Eip712KitError):
    """A value does not fit the type it is declared with."""

    default_code = "INVALID_VALUE"


class SignatureError(Eip712KitError):
    """A signature cannot be parsed, or recovery fails."""

    default_code = "SIGNATURE_MALFORMED"


class KeySourceError(Eip712KitError):
    """A private key cannot be loaded. Its message never contains the key or a password."""

    default_code = "KEY_INVALID"


class ProtocolError(Eip712KitError):
    """A value breaks a rule of Sera, Renance or Alura (windows, sides, amounts, uuid_int)."""

    default_code = "PROTOCOL_VIOLATION"


class NetworkError(Eip712KitError):
    """A live endpoint could not be reached, or its answer cannot be used (exit 3)."""

    default_code = "NETWORK_ERROR"


class TrustError(ProtocolError):
    """A server asked the kit to sign something other than what is pinned (exit 1).

    The signer decides; a server only informs. A domain, a token's decimals or a login text from a
    network answer that differs from the documented (or user-pinned) value is refused with both
    values named, unless the user grants that trust with an explicit flag.
    """

    default_code = "UNTRUSTED"


__all__ = [
    "CODES",
    "DocumentError",
    "Eip712KitError",
    "KeySourceError",
    "NetworkError",
    "ProtocolError",
    "SignatureError",
    "TrustError",
    "TypeDefinitionError",
    "ValueEncodingError",
]
