"""How the digest was signed: personal_sign, eth_sign, a missing prefix, a second hash, the JSON text.

A method variant is a function from (domain separator, struct hash) to the 32 bytes that were
actually signed, so each composes with every domain and message variant ("personal_sign of the
digest *and* the wrong chain id"). Signing the JSON text does not depend on the separator or the
struct hash; it is a digest-layer hypothesis and composes with nothing.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any

from ..base.hashing import keccak256
from ..core.domain import DIGEST_PREFIX, eip712_digest, signing_preimage
from ..core.messages import hash_message
from .context import Context
from .findings import Finding, Variant
from .registry import NotApplicable, hypothesis

DigestFn = Callable[[bytes, "bytes | None"], bytes]

_BY_LIBRARY = (" Let the library build the digest — ethers TypedDataEncoder.hash(domain, types, message), viem "
               "hashTypedData, eth-account encode_typed_data — instead of assembling it by hand.")
_V4 = "eth_signTypedData_v4 over the digest keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))"


def _method(fn: DigestFn, finding: Finding) -> Variant[DigestFn]:
    return Variant(fn, (finding,))


def _needs_struct(fn: Callable[[bytes, bytes], bytes]) -> DigestFn:
    """Methods over the struct hash cannot apply when primaryType is EIP712Domain (no struct hash)."""
    def apply(separator: bytes, struct_hash: bytes | None) -> bytes:
        if struct_hash is None:
            raise NotApplicable
        return fn(separator, struct_hash)
    return apply


@hypothesis("personal-sign-digest", "method", "personal_sign / eth_sign of the digest's 32 bytes", tier=0)
def personal_sign_of_digest(ctx: Context) -> Iterator[Variant[DigestFn]]:
    yield _method(lambda sep, sh: hash_message(eip712_digest(sep, sh)), Finding(
        "PERSONAL_SIGN_OF_DIGEST",
        "The EIP-712 digest was signed as a personal message: personal_sign, geth's eth_sign or "
        "signMessage(digestBytes) add the prefix \"\\x19Ethereum Signed Message:\\n32\" and hash again. Sign the "
        "typed data itself (eth_signTypedData_v4, signTypedData, sign_typed_data), or the bare digest with a "
        "raw-hash signer (unsafe_sign_hash, signingKey.sign), which adds no prefix.",
        step="signing method", signed_value="personal_sign(digest)", given_value=_V4,
    ))


@hypothesis("personal-sign-digest-hex", "method", "personal_sign of the digest written as hex text", tier=1)
def personal_sign_of_digest_hex(ctx: Context) -> Iterator[Variant[DigestFn]]:
    forms: tuple[tuple[str, Callable[[bytes], str]], ...] = (
        ("0x-prefixed lowercase hex", lambda d: "0x" + d.hex()),
        ("hex without 0x", lambda d: d.hex()),
        ("0x-prefixed uppercase hex", lambda d: "0x" + d.hex().upper()),
        ("uppercase hex without 0x", lambda d: d.hex().upper()),
    )
    for label, render in forms:
        def apply(sep: bytes, sh: bytes | None, render: Callable[[bytes], str] = render) -> bytes:
            return hash_message(render(eip712_digest(sep, sh)))
        yield _method(apply, Finding(
            "PERSONAL_SIGN_OF_DIGEST_HEX",
            f"The digest was signed with personal_sign as text — its {label} (66 characters), not its 32 bytes: "
            "signMessage(\"0x…\") signs the characters. Sign the typed data with eth_signTypedData_v4; if you must "
            "sign the digest, pass bytes (ethers getBytes, viem { raw }) to a raw-hash signer.",
            step="signing method", signed_value=f"personal_sign({label} of the digest)", given_value=_V4,
        ))


@hypothesis("struct-hash-signed", "method", "hashStruct(message) signed raw, without 0x1901 and domain", tier=1)
def struct_hash_signed(ctx: Context) -> Iterator[Variant[DigestFn]]:
    yield _method(_needs_struct(lambda sep, sh: sh), Finding(
        "STRUCT_HASH_SIGNED",
        "The struct hash was signed as if it were the digest: the 0x1901 prefix and the domain separator were "
        "left out. Sign keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message)), or let the library build it "
        "(sign_typed_data / signTypedData).",
        step="digest", signed_value="hashStruct(message)",
        given_value="keccak256(0x1901 ‖ domainSeparator ‖ hashStruct)",
    ))


@hypothesis("digest-without-1901", "method", "keccak256(domainSeparator ‖ hashStruct) without the 0x1901 prefix",
            tier=2)
def digest_without_prefix(ctx: Context) -> Iterator[Variant[DigestFn]]:
    yield _method(lambda sep, sh: keccak256(sep + (sh or b"")), Finding(
        "DIGEST_WITHOUT_1901",
        "The digest was computed without the two bytes 0x19 0x01 in front of the domain separator. EIP-712 signs "
        "keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))." + _BY_LIBRARY,
        step="digest", signed_value="keccak256(domainSeparator ‖ hashStruct)",
        given_value="keccak256(0x1901 ‖ domainSeparator ‖ hashStruct)",
    ))


@hypothesis("digest-without-domain", "method", "keccak256(0x1901 ‖ hashStruct) without the domain separator",
            tier=2)
def digest_without_domain(ctx: Context) -> Iterator[Variant[DigestFn]]:
    yield _method(_needs_struct(lambda sep, sh: keccak256(DIGEST_PREFIX + sh)), Finding(
        "DIGEST_WITHOUT_DOMAIN",
        "The digest was computed without the domain separator: keccak256(0x1901 ‖ hashStruct). EIP-712 puts "
        "hashStruct(EIP712Domain, domain) between the prefix and the struct hash." + _BY_LIBRARY,
        step="digest", signed_value="keccak256(0x1901 ‖ hashStruct)",
        given_value="keccak256(0x1901 ‖ domainSeparator ‖ hashStruct)",
    ))


@hypothesis("digest-hashed-twice", "method", "the digest hashed again with keccak256 or SHA-256 before signing",
            tier=1)
def digest_hashed_again(ctx: Context) -> Iterator[Variant[DigestFn]]:
    yield _method(lambda sep, sh: keccak256(eip712_digest(sep, sh)), Finding(
        "DIGEST_HASHED_TWICE",
        "The digest was hashed again before signing: a 'sign message' helper that hashes its input (eth_keys "
        "sign_msg, web3j Sign.signMessage with needToHash=true, an eth_sign that hashes) was given the digest. "
        "Use the sign-a-hash form (sign_msg_hash, signMessage(..., false), unsafe_sign_hash).",
        step="signing method", signed_value="keccak256(digest)", given_value="digest",
    ))
    yield _method(lambda sep, sh: hashlib.sha256(eip712_digest(sep, sh)).digest(), Finding(
        "DIGEST_SHA256",
        "The digest was hashed with SHA-256 before signing — coincurve's PrivateKey.sign(digest) does that by "
        "default. Pass hasher=None (sign_recoverable(digest, hasher=None)) so the digest itself is signed.",
        step="signing method", signed_value="sha256(digest)", given_value="digest",
    ))


@hypothesis("personal-sign-struct-hash", "method", "personal_sign of the struct hash", tier=2)
def personal_sign_of_struct_hash(ctx: Context) -> Iterator[Variant[DigestFn]]:
    yield _method(_needs_struct(lambda sep, sh: hash_message(sh)), Finding(
        "PERSONAL_SIGN_OF_STRUCT_HASH",
        "hashStruct(message) was signed with personal_sign: both the EIP-712 framing (0x1901 and the domain "
        "separator) is missing and an EIP-191 prefix was added. Sign the typed data with eth_signTypedData_v4.",
        step="signing method", signed_value="personal_sign(hashStruct(message))", given_value=_V4,
    ))


@hypothesis("personal-sign-preimage", "method", "personal_sign of the 66-byte 0x1901 preimage", tier=2)
def personal_sign_of_preimage(ctx: Context) -> Iterator[Variant[DigestFn]]:
    yield _method(lambda sep, sh: hash_message(signing_preimage(sep, sh)), Finding(
        "PERSONAL_SIGN_OF_PREIMAGE",
        "The 66 bytes 0x1901 ‖ domainSeparator ‖ hashStruct were signed with personal_sign instead of being "
        "hashed and signed raw: personal_sign / signMessage adds its own prefix and hash. Call "
        "eth_signTypedData_v4 (signTypedData) with the document, or sign keccak256 of the 66 bytes with a raw-hash "
        "signer (signingKey.sign, unsafe_sign_hash).",
        step="signing method", signed_value="personal_sign(0x1901 ‖ domainSeparator ‖ hashStruct)", given_value=_V4,
    ))


def _json_texts(ctx: Context) -> Iterator[tuple[str, str, int]]:
    """The JSON texts a client plausibly passed to personal_sign, labelled, with their tier."""
    if ctx.source is not None:
        yield "the document's text exactly as given", ctx.source, 1
        if ctx.source.strip() != ctx.source:
            yield "the document's text without surrounding whitespace", ctx.source.strip(), 1
    standard = ctx.td.to_dict()
    original: Any = ctx.original if ctx.original is not None else standard
    for label, doc in (("the document", original), ("the document with EIP712Domain spelled out", standard),
                       ("the message object", ctx.message.value)):
        yield f"compact JSON of {label} (JSON.stringify)", json.dumps(doc, separators=(",", ":"), ensure_ascii=False), 1
        yield f"pretty JSON of {label} (2-space indent)", json.dumps(doc, indent=2, ensure_ascii=False), 1
        yield f"pretty JSON of {label} (4-space indent)", json.dumps(doc, indent=4, ensure_ascii=False), 1
        yield f"Python json.dumps of {label}", json.dumps(doc), 1
        yield f"compact JSON of {label} with sorted keys", json.dumps(doc, separators=(",", ":"), sort_keys=True,
                                                                       ensure_ascii=False), 1
        yield f"pretty JSON of {label} with sorted keys", json.dumps(doc, indent=2, sort_keys=True,
                                                                     ensure_ascii=False), 1
    yield from _reordered_json_texts(original, standard)


_JS_ORDERS = (("domain", "types", "primaryType", "message"), ("types", "domain", "primaryType", "message"),
              ("types", "primaryType", "domain", "message"))
"""The key orders JavaScript clients build the object in: viem's and eth-sig-util's examples
``{domain, types, primaryType, message}``, MetaMask's docs ``{types, domain, primaryType, message}``,
and the spec's. Every other order is tried too, as a long tail."""


def _reordered_json_texts(original: Any, standard: dict[str, Any]) -> Iterator[tuple[str, str, int]]:
    """The document built in another key order, with and without EIP712Domain in ``types``."""
    if not isinstance(original, dict) or set(original) != set(standard):
        return
    types = original["types"] if isinstance(original.get("types"), dict) else standard["types"]
    spelled = types if "EIP712Domain" in types else {"EIP712Domain": standard["types"]["EIP712Domain"], **types}
    bare = {k: v for k, v in types.items() if k != "EIP712Domain"}
    orders = list(_JS_ORDERS) + [o for o in itertools.permutations(standard) if o not in _JS_ORDERS]
    for order in orders:
        usual = order in _JS_ORDERS
        for with_domain, chosen in ((True, spelled), (False, bare)):
            doc = {key: chosen if key == "types" else original[key] for key in order}
            what = (f"the document built as {{{', '.join(order)}}} "
                    f"{'with' if with_domain else 'without'} EIP712Domain in types")
            yield f"compact JSON of {what} (JSON.stringify)", json.dumps(doc, separators=(",", ":"),
                                                                          ensure_ascii=False), 2 if usual else 3
            if usual:  # other formats only for the orders JavaScript clients actually build
                yield f"pretty JSON of {what} (2-space indent)", json.dumps(doc, indent=2, ensure_ascii=False), 2
                yield f"Python json.dumps of {what}", json.dumps(doc), 2


@hypothesis("personal-sign-json", "digest", "personal_sign of the typed-data JSON text (compact, pretty, sorted, in "
            "other key orders, with or without EIP712Domain)", tier=1)
def personal_sign_of_json(ctx: Context) -> Iterator[Variant[bytes]]:
    seen: set[str] = set()
    for label, text, tier in _json_texts(ctx):
        if text in seen:
            continue
        seen.add(text)
        yield Variant(hash_message(text), (Finding(
            "PERSONAL_SIGN_OF_JSON",
            f"The typed data was signed as plain text with personal_sign — {label} — so the wallet signed the "
            "characters of the JSON, not the EIP-712 digest. Pass the object to eth_signTypedData_v4 (MetaMask: "
            "ethereum.request({method: 'eth_signTypedData_v4', params: [address, JSON.stringify(typedData)]}); "
            "ethers: signer.signTypedData(domain, types, message); Python: sign_typed_data) instead of "
            "personal_sign / signMessage.",
            step="signing method", signed_value=f"personal_sign({label})", given_value=_V4,
        ),), compose=False, tier=tier)


__all__ = ["DigestFn"]
