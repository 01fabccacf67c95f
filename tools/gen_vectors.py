#!/usr/bin/env python3
"""Regenerate the golden vectors in ``vectors/`` — deterministically, and cross-checked as they are made.

    python tools/gen_vectors.py              # write vectors/*.json
    python tools/gen_vectors.py --out DIR    # write elsewhere (the determinism test does)
    python tools/gen_vectors.py --check      # exit 1 if vectors/ differs from a fresh generation

No clock and no free random seed: every value below is written out, or drawn from a
``random.Random`` seeded with a fixed string, so a regeneration on a clean clone is byte-identical.

Where the values come from, and who vouches for them:

* expected values are computed with eip712kit (the same request/response code the runner uses);
* every positive ``typed_data`` and ``personal_sign`` case is recomputed with **eth-account**
  wherever eth-account can express it (it cannot: a non-canonical ``EIP712Domain``, a
  ``primaryType`` that is not the single root, ``primaryType: EIP712Domain``); a disagreement
  stops the generator. The Sera order cases have their Order re-hashed by eth-account too;
* negative cases name the code and path by hand here; the generator stops unless eip712kit
  refuses with exactly those. eth-account is asked as well, and a case it accepts anyway records
  that in ``accepted_by`` (a kit policy stricter than the field, not a broken hash);
* the Node implementations (ethers, viem, @metamask/eth-sig-util) are added from
  ``vectors/attestations.json``, written by ``node tools/node/attest.mjs --record
  vectors/attestations.json``, for a positive case only when the recorded digest equals the
  case's digest, and for a negative case only when the recorded input fingerprint matches;
* amounts and uuid_ints are recomputed with plain ``Decimal`` arithmetic and bit shifts written
  here, apart from the library; time windows are decided by the table written here.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import random
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eth_account import Account  # noqa: E402
from eth_account.messages import encode_defunct, encode_typed_data  # noqa: E402
from eth_utils import keccak  # noqa: E402

from eip712kit import conformance  # noqa: E402
from eip712kit.protocols import renance, sera  # noqa: E402
from eip712kit.protocols.base import Domain, Struct  # noqa: E402
from eip712kit.typed_data import DOMAIN_FIELD_TYPES  # noqa: E402
from tests.helpers.devkeys import DEV_KEYS  # noqa: E402  (PUBLIC development keys, shared with the tests)

try:  # eth-account's own encodeType, for the encodeType/typeHash cross-check
    from eth_account._utils.encode_typed_data.encoding_and_hashing import encode_type as ea_encode_type
except ImportError:  # pragma: no cover - a future eth-account may move it; the hashes are still checked
    ea_encode_type = None

VECTORS = ROOT / "vectors"
ATTESTATIONS = VECTORS / "attestations.json"
ETH_ACCOUNT = f"eth-account@{version('eth-account')}"
GENERATOR = "tools/gen_vectors.py"

# PUBLIC development keys (Hardhat/Anvil accounts #0..#2): published, never hold funds.
KEYS: dict[str, dict[str, str]] = {
    f"dev{i}": {
        "private_key": key,
        "address": address,
        "note": f"PUBLIC development key (Hardhat/Anvil account #{i}) - never use for funds",
    }
    for i, (key, address) in enumerate(DEV_KEYS)
}
DEV0 = KEYS["dev0"]["address"]
DEV1 = KEYS["dev1"]["address"]
DEV2 = KEYS["dev2"]["address"]

UINT256_MAX = 2**256 - 1
UINT48_MAX = 2**48 - 1
UINT32_MAX = 2**32 - 1


class GenerationError(Exception):
    """A cross-check failed: the vectors would not be trustworthy, so none are written."""


def js_safe(value: int) -> int | str:
    """An integer as a vector carries it: a JSON number up to 2**53, a decimal string beyond."""
    return value if abs(value) <= 2**53 else str(value)


# --- independent references -------------------------------------------------------------------


def eth_account_blocker(doc: dict[str, Any]) -> str | None:
    """Why eth-account cannot compute this document the way EIP-712 wallets do, or None."""
    types = dict(doc["types"])
    primary = doc.get("primaryType")
    if primary == "EIP712Domain":
        return "primaryType EIP712Domain"
    declared = types.pop("EIP712Domain", None)
    if declared is not None:
        derived = [{"name": k, "type": t} for k, t in DOMAIN_FIELD_TYPES.items() if k in doc["domain"]]
        if declared != derived:
            return "non-canonical EIP712Domain (eth-account always derives it from the domain's keys)"
    referenced = set()
    for name, fields in types.items():
        for f in fields:
            base = re.sub(r"(\[[0-9]*\])+$", "", f["type"])
            if base != name:
                referenced.add(base)
    roots = [n for n in types if n not in referenced]
    if roots != [primary]:
        return "primaryType is not the single root of types"
    return None


def eth_account_typed(doc: dict[str, Any], key: str | None) -> dict[str, Any]:
    """The values eth-account computes for a typed-data document."""
    signable = encode_typed_data(full_message=doc)
    out: dict[str, Any] = {
        "domainSeparator": "0x" + bytes(signable.header).hex(),
        "structHash": "0x" + bytes(signable.body).hex(),
        "digest": "0x" + bytes(keccak(b"\x19" + signable.version + signable.header + signable.body)).hex(),
    }
    if ea_encode_type is not None:
        types = {k: v for k, v in doc["types"].items() if k != "EIP712Domain"}
        domain_types = {"EIP712Domain": [{"name": k, "type": t} for k, t in DOMAIN_FIELD_TYPES.items()
                                         if k in doc["domain"]]}
        out["encodeType"] = {"EIP712Domain": ea_encode_type("EIP712Domain", domain_types)}
        for name in types:
            out["encodeType"][name] = ea_encode_type(name, types)
        out["typeHash"] = {n: "0x" + bytes(keccak(text=t)).hex() for n, t in out["encodeType"].items()}
    if key is not None:
        signed = Account.sign_message(signable, KEYS[key]["private_key"])
        out["signature"] = "0x" + bytes(signed.signature).hex()
        out["signer"] = Account.recover_message(signable, signature=signed.signature)
    return out


def eth_account_personal(message: str, encoding: str, key: str | None) -> dict[str, Any]:
    signable = encode_defunct(hexstr=message) if encoding == "hex" else encode_defunct(text=message)
    out: dict[str, Any] = {
        "digest": "0x" + bytes(keccak(b"\x19" + signable.version + signable.header + signable.body)).hex()
    }
    if key is not None:
        signed = Account.sign_message(signable, KEYS[key]["private_key"])
        out["signature"] = "0x" + bytes(signed.signature).hex()
        out["signer"] = Account.recover_message(signable, signature=signed.signature)
    return out


def _agree(case_id: str, ours: dict[str, Any], theirs: dict[str, Any], who: str) -> None:
    """Every value both computed must be equal (hex without regard to case)."""
    problems: list[conformance.Problem] = []
    shared = {k: v for k, v in theirs.items() if k in ours}
    if isinstance(shared.get("encodeType"), dict):
        shared["encodeType"] = {k: v for k, v in shared["encodeType"].items() if k in ours["encodeType"]}
        shared["typeHash"] = {k: v for k, v in shared["typeHash"].items() if k in ours["typeHash"]}
    conformance.compare(shared, ours, "", problems, [])
    missing = [k for k in ("digest",) if k in ours and k not in theirs]
    if problems or missing:
        details = "; ".join(p.describe().replace("\n", " ") for p in problems) or f"missing {missing}"
        raise GenerationError(f"{case_id}: eip712kit and {who} disagree: {details}")


def canonical_fingerprint(value: Any) -> str:
    """sha256 of the input as JavaScript's JSON.stringify writes it (attest.mjs computes the same)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)
    return "0x" + hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- building suites --------------------------------------------------------------------------


class Suite:
    """The cases of one vector file, each computed, cross-checked and stamped as it is added."""

    def __init__(self, name: str, description: str, attestations: dict[str, Any]):
        self.name = name
        self.description = description
        self.cases: list[dict[str, Any]] = []
        self._attestations = attestations.get("cases", {})
        self._target = conformance.LibraryTarget()
        self._ids: set[str] = set()
        self.stale: list[str] = []
        """Cases whose node attestation record no longer matches them (attest again)."""

    # -- the library's answer --

    def _ask(self, case_id: str, kind: str, inp: dict[str, Any]) -> dict[str, Any]:
        case = conformance.Case(case_id, self.name, kind, inp, {}, None)
        return self._target.handle(conformance.request_for(case, KEYS))

    def _new(self, name: str, kind: str, description: str, inp: dict[str, Any]) -> dict[str, Any]:
        case_id = f"{self.name}/{name}"
        if case_id in self._ids:
            raise GenerationError(f"duplicate case id {case_id}")
        self._ids.add(case_id)
        unsafe = conformance.first_unsafe_number(inp, "input")
        if unsafe:
            raise GenerationError(f"{case_id}: {unsafe} is a JSON number beyond 2**53")
        return {"id": case_id, "kind": kind, "description": description, "input": inp}

    def positive(self, name: str, kind: str, description: str, inp: dict[str, Any],
                 check: Callable[[str, dict[str, Any]], list[str]] | None = None) -> dict[str, Any]:
        """A case whose expected values eip712kit computes; ``check`` returns who attested it."""
        case = self._new(name, kind, description, inp)
        response = self._ask(case["id"], kind, inp)
        if "result" not in response:
            raise GenerationError(f"{case['id']}: eip712kit refused a positive case: {response.get('error')}")
        expected = response["result"]
        attested = check(case["id"], expected) if check else []
        record = self._attestations.get(case["id"])
        if record and record.get("digest") and record["digest"].lower() == str(expected.get("digest", "")).lower():
            attested.extend(record.get("attested_by", []))
        elif record:
            self.stale.append(case["id"])
        case["expected"] = expected
        if attested:
            case["attested_by"] = sorted(set(attested))
        self.cases.append(case)
        return case

    def negative(self, name: str, kind: str, description: str, inp: dict[str, Any], code: str,
                 path: str | None, accepted: Callable[[], bool] | None = None) -> dict[str, Any]:
        """A case eip712kit must refuse with ``code`` at ``path`` (None: path not pinned).

        ``accepted`` asks eth-account whether it would sign the input anyway.
        """
        case = self._new(name, kind, description, inp)
        response = self._ask(case["id"], kind, inp)
        error = response.get("error")
        if error is None:
            raise GenerationError(f"{case['id']}: eip712kit accepted an input meant to be refused with {code}")
        if error["code"] != code or (path is not None and error.get("path") != path):
            raise GenerationError(
                f"{case['id']}: eip712kit refused with {error['code']} at {error.get('path')!r}, "
                f"the case says {code} at {path!r} ({error.get('message')})"
            )
        case["error"] = {"code": code, **({"path": path} if path is not None else {})}
        accepted_by, refused_by = [], []
        if accepted is not None:
            (accepted_by if accepted() else refused_by).append(ETH_ACCOUNT)
        record = self._attestations.get(case["id"])
        if record and record.get("input_sha256") == canonical_fingerprint(inp):
            accepted_by.extend(record.get("accepted_by", []))
            refused_by.extend(record.get("refused_by", []))
        elif record:
            self.stale.append(case["id"])
        if refused_by:
            case["refused_by"] = sorted(set(refused_by))
        if accepted_by:
            case["accepted_by"] = sorted(set(accepted_by))
        self.cases.append(case)
        return case

    # -- typed data and personal_sign --

    def typed(self, name: str, description: str, doc: dict[str, Any], key: str | None = "dev0",
              known_digest: str | None = None) -> dict[str, Any]:
        inp: dict[str, Any] = {"typed_data": doc}
        if key is not None:
            inp["key"] = key

        def check(case_id: str, ours: dict[str, Any]) -> list[str]:
            if known_digest is not None and ours["digest"] != known_digest:
                raise GenerationError(f"{case_id}: digest {ours['digest']} is not the published {known_digest}")
            if eth_account_blocker(doc) is not None:
                return []
            try:
                theirs = eth_account_typed(doc, key)
            except Exception as exc:  # eth-account was expected to compute this one
                raise GenerationError(f"{case_id}: eth-account failed on a case it should compute: {exc}") from exc
            _agree(case_id, ours, theirs, ETH_ACCOUNT)
            return [ETH_ACCOUNT]

        return self.positive(name, "typed_data", description, inp, check)

    def typed_error(self, name: str, description: str, doc: Any, code: str, path: str | None) -> dict[str, Any]:
        def accepted() -> bool:
            try:
                encode_typed_data(full_message=doc)
            except Exception:
                return False
            return True

        return self.negative(name, "typed_data", description, {"typed_data": doc}, code, path, accepted)

    def personal(self, name: str, description: str, message: str, encoding: str = "utf8",
                 key: str | None = "dev0") -> dict[str, Any]:
        inp: dict[str, Any] = {"message": message, "encoding": encoding}
        if key is not None:
            inp["key"] = key

        def check(case_id: str, ours: dict[str, Any]) -> list[str]:
            _agree(case_id, ours, eth_account_personal(message, encoding, key), ETH_ACCOUNT)
            return [ETH_ACCOUNT]

        return self.positive(name, "personal_sign", description, inp, check)

    def personal_error(self, name: str, description: str, message: Any, encoding: str, code: str,
                       path: str | None) -> dict[str, Any]:
        def accepted() -> bool:
            try:
                if encoding == "hex":
                    encode_defunct(hexstr=message)
                else:
                    encode_defunct(text=message)
            except Exception:
                return False
            return True

        inp = {"message": message, "encoding": encoding}
        return self.negative(name, "personal_sign", description, inp, code, path, accepted)

    def struct(self, name: str, description: str, struct: Struct, domain: Domain, key: str | None = "dev0"
               ) -> dict[str, Any]:
        """A declared protocol struct as its standard typed-data document (both paths must agree)."""
        doc = struct.to_typed_data(domain)
        case = self.typed(name, description, doc, key)
        if case["expected"]["digest"] != "0x" + struct.digest(domain).hex():
            raise GenerationError(f"{case['id']}: the struct's digest differs from its typed-data document's")
        return case

    # -- output --

    def to_json(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for case in self.cases:
            for who in case.get("attested_by", []):
                counts[who] = counts.get(who, 0) + 1
        used_keys = sorted({c["input"]["key"] for c in self.cases if "key" in c["input"]})
        return {
            "format": conformance.FORMAT,
            "suite": self.name,
            "description": self.description,
            "generated_by": GENERATOR,
            "attested_by": dict(sorted(counts.items())),
            "keys": {k: KEYS[k] for k in used_keys},
            "cases": self.cases,
        }


def dump(doc: dict[str, Any]) -> str:
    """Stable JSON text: two-space indent, UTF-8 kept readable, lone surrogates escaped."""
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


# --- shared values ----------------------------------------------------------------------------

MAIL_TYPES = {
    "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
    "Mail": [
        {"name": "from", "type": "Person"},
        {"name": "to", "type": "Person"},
        {"name": "contents", "type": "string"},
    ],
}
MAIL_DOMAIN = {
    "name": "Ether Mail",
    "version": "1",
    "chainId": 1,
    "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC",
}
MAIL_MESSAGE = {
    "from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
    "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
    "contents": "Hello, Bob!",
}
MAIL_DIGEST = "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"
"""The digest published in the EIP-712 specification for its Mail example."""

DOMAIN_TYPE_FULL = [{"name": k, "type": t} for k, t in DOMAIN_FIELD_TYPES.items()]
SALT = "0x" + hashlib.sha256(b"eip712kit golden vectors salt").hexdigest()
ADDR_A = "0x1111111111111111111111111111111111111111"
ADDR_B = "0x000000000000000000000000000000000000dEaD"
USDC = "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238"  # Sepolia USDC, for realism only
EURC = "0x08210F9170F89Ab7658F0B5E3fF39b0E03C594D4"  # Sepolia EURC, for realism only
WETH = "0xfFf9976782d46CC05630D1f6eBAb18b2324d6B14"  # Sepolia WETH, for realism only


def doc_of(types: dict[str, Any], primary: str, domain: dict[str, Any], message: Any) -> dict[str, Any]:
    return {"types": types, "primaryType": primary, "domain": domain, "message": message}


def simple(field_type: str, value: Any, domain: dict[str, Any] | None = None, name: str = "Value") -> dict[str, Any]:
    """A one-field document: the smallest frame around one value of one type."""
    return doc_of({name: [{"name": "value", "type": field_type}]}, name,
                  domain if domain is not None else {"name": "eip712kit", "version": "1", "chainId": 1},
                  {"value": value})


def rng(label: str) -> random.Random:
    """A generator seeded with a fixed string: reproducible everywhere, chosen by nobody's clock."""
    return random.Random(f"eip712kit-vectors/{label}")


def rand_address(r: random.Random) -> str:
    from eip712kit.encoding import to_checksum_address

    return to_checksum_address(bytes(r.getrandbits(8) for _ in range(20)))


def rand_uuid4(r: random.Random) -> str:
    bits = r.getrandbits(128)
    bits = (bits & ~(0xF << 76)) | (0x4 << 76)
    bits = (bits & ~(0x3 << 62)) | (0x2 << 62)
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# --- suite: core (EIP-712 itself) ---------------------------------------------------------------


def build_core(att: dict[str, Any]) -> Suite:
    s = Suite("core", "EIP-712 itself: the specification's Mail example, every atomic type at its edges, "
              "arrays of every shape, recursion, domain subsets and the conventions wallets differ on.", att)

    full_types = {"EIP712Domain": DOMAIN_TYPE_FULL[:4], **MAIL_TYPES}
    s.typed("mail", "The EIP-712 specification's Mail example; its digest is the published one.",
            doc_of(full_types, "Mail", MAIL_DOMAIN, MAIL_MESSAGE), known_digest=MAIL_DIGEST)
    s.typed("mail-derived-domain", "Mail without EIP712Domain in types: the domain type is derived from the "
            "domain's keys in canonical order, as ethers and viem do.",
            doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN, MAIL_MESSAGE), known_digest=MAIL_DIGEST)
    s.typed("mail-unsigned", "Mail with no key: every intermediate, no signature.",
            doc_of(full_types, "Mail", MAIL_DOMAIN, MAIL_MESSAGE), key=None, known_digest=MAIL_DIGEST)
    s.typed("mail-dev1", "Mail signed by the second development key.",
            doc_of(full_types, "Mail", MAIL_DOMAIN, MAIL_MESSAGE), key="dev1", known_digest=MAIL_DIGEST)
    s.typed("mail-lowercase-addresses", "Mail with all-lowercase addresses: the same digest (no checksum to check).",
            doc_of(MAIL_TYPES, "Mail", {**MAIL_DOMAIN, "verifyingContract": MAIL_DOMAIN["verifyingContract"].lower()},
                   {"from": {"name": "Cow", "wallet": MAIL_MESSAGE["from"]["wallet"].lower()},
                    "to": {"name": "Bob", "wallet": MAIL_MESSAGE["to"]["wallet"].lower()},
                    "contents": "Hello, Bob!"}), known_digest=MAIL_DIGEST)
    s.typed("mail-unicode", "Mail with non-ASCII names and contents (UTF-8 is hashed).",
            doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN,
                   {"from": {"name": "Zoë Ångström", "wallet": DEV0},
                    "to": {"name": "李小龍 🐉", "wallet": DEV1},
                    "contents": "Grüße — 你好 — مرحبا — 👋🏽"}))
    s.typed("mail-empty-strings", "Mail with every string empty (keccak of no bytes).",
            doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN,
                   {"from": {"name": "", "wallet": DEV0}, "to": {"name": "", "wallet": DEV1}, "contents": ""}))

    # Every atomic type, one value each, in one struct.
    atoms_types = {"Atoms": [
        {"name": "a", "type": "address"}, {"name": "b", "type": "bool"}, {"name": "s", "type": "string"},
        {"name": "d", "type": "bytes"}, {"name": "b1", "type": "bytes1"}, {"name": "b32", "type": "bytes32"},
        {"name": "u8", "type": "uint8"}, {"name": "u256", "type": "uint256"}, {"name": "i8", "type": "int8"},
        {"name": "i256", "type": "int256"},
    ]}
    s.typed("atoms-typical", "One field of each atomic kind with ordinary values.", doc_of(atoms_types, "Atoms",
            {"name": "atoms"}, {"a": DEV0, "b": True, "s": "text", "d": "0xdeadbeef", "b1": "0x7f",
                                "b32": SALT, "u8": 42, "u256": "123456789012345678901234567890", "i8": -42,
                                "i256": "-123456789012345678901234567890"}))
    s.typed("atoms-zero", "Every atomic kind at zero / false / empty.", doc_of(atoms_types, "Atoms",
            {"name": "atoms"}, {"a": "0x0000000000000000000000000000000000000000", "b": False, "s": "",
                                "d": "0x", "b1": "0x00", "b32": "0x" + "00" * 32, "u8": 0, "u256": 0,
                                "i8": 0, "i256": 0}))
    s.typed("atoms-maxima", "Every atomic kind at its maximum.", doc_of(atoms_types, "Atoms", {"name": "atoms"}, {
        "a": "0xffffffffffffffffffffffffffffffffffffffff", "b": True, "s": "\U0010ffff" * 3, "d": "0x" + "ff" * 64,
        "b1": "0xff", "b32": "0x" + "ff" * 32, "u8": 255, "u256": str(UINT256_MAX), "i8": 127,
        "i256": str(2**255 - 1)}))
    s.typed("atoms-minima", "Signed integers at their minimum (two's complement words).",
            doc_of(atoms_types, "Atoms", {"name": "atoms"}, {
                "a": ADDR_A, "b": False, "s": "min", "d": "0x00", "b1": "0x80", "b32": "0x80" + "00" * 31,
                "u8": 0, "u256": 0, "i8": -128, "i256": str(-(2**255))}))

    # Every integer width, at both ends.
    widths = list(range(8, 257, 8))
    uint_types = {"Uints": [{"name": f"u{w}", "type": f"uint{w}"} for w in widths]}
    int_types = {"Ints": [{"name": f"i{w}", "type": f"int{w}"} for w in widths]}
    s.typed("uint-widths-max", "uint8 … uint256, each at 2**N - 1.", doc_of(uint_types, "Uints", {"chainId": 1},
            {f"u{w}": js_safe(2**w - 1) for w in widths}))
    s.typed("uint-widths-zero", "uint8 … uint256, each at 0.", doc_of(uint_types, "Uints", {"chainId": 1},
            {f"u{w}": 0 for w in widths}))
    s.typed("int-widths-min", "int8 … int256, each at -2**(N-1).", doc_of(int_types, "Ints", {"chainId": 1},
            {f"i{w}": js_safe(-(2 ** (w - 1))) for w in widths}))
    s.typed("int-widths-max", "int8 … int256, each at 2**(N-1) - 1.", doc_of(int_types, "Ints", {"chainId": 1},
            {f"i{w}": js_safe(2 ** (w - 1) - 1) for w in widths}))
    s.typed("int-widths-minus-one", "int8 … int256, each at -1 (all ones).", doc_of(int_types, "Ints",
            {"chainId": 1}, {f"i{w}": -1 for w in widths}))
    for label, value in (("uint48-max", UINT48_MAX), ("uint32-max", UINT32_MAX),
                         ("uint64-js-max-safe", 2**53 - 1), ("uint64-above-js-safe", 2**53 + 1),
                         ("uint256-max", UINT256_MAX), ("uint256-max-hex", UINT256_MAX)):
        field_type = "uint" + re.sub(r"\D.*", "", label[4:])
        encoded: Any = js_safe(value) if not label.endswith("hex") else hex(value)
        s.typed(f"value-{label}", f"{field_type} {value} written as {type(encoded).__name__} {encoded!r}.",
                simple(field_type, encoded))
    s.typed("uint-hex-string", "A uint256 given as 0x-hex: the same number as its decimal.",
            simple("uint256", "0x2a"))
    s.typed("uint-decimal-string", "A small uint256 given as a decimal string.", simple("uint256", "42"))
    s.typed("int-negative-string", "An int256 given as a negative decimal string.", simple("int256", "-42"))

    # bytes: dynamic of odd lengths, fixed of every edge size.
    for n in (0, 1, 3, 31, 32, 33, 65, 100):
        s.typed(f"bytes-len-{n}", f"Dynamic bytes of {n} bytes: keccak of exactly those bytes.",
                simple("bytes", "0x" + bytes(range(1, n + 1)).hex()))
    for n in (1, 3, 16, 31, 32):
        s.typed(f"bytes{n}", f"bytes{n}: right-padded to a word.", simple(f"bytes{n}", "0x" + "ab" * n))
    s.typed("bytes-uppercase-hex", "Hex digits in upper case are the same bytes.",
            simple("bytes", "0xDEADBEEF"))

    # strings
    for label, text in (("empty", ""), ("ascii", "The quick brown fox"), ("cjk", "签名测试"),
                        ("emoji", "🦊🔑✍️"), ("combining", "e\u0301 ≠ é"), ("rtl", "مرحبا بالعالم"),
                        ("control", "tab\tnewline\nnul\u0000end"), ("quote-backslash", 'say "hi" \\ bye'),
                        ("long-1000", "abcdefghij" * 100), ("astral", "\U0001d54f\U0001f600\U00010348")):
        s.typed(f"string-{label}", f"A string field: {label}.", simple("string", text))
    s.typed("bool-true", "bool true.", simple("bool", True))
    s.typed("bool-false", "bool false.", simple("bool", False))

    # arrays
    s.typed("array-empty-uint", "An empty uint256[] hashes to keccak256 of no bytes.", simple("uint256[]", []))
    s.typed("array-empty-bytes32", "An empty bytes32[].", simple("bytes32[]", []))
    s.typed("array-one", "A one-element array.", simple("uint256[]", [1]))
    s.typed("array-long-uint", "A 300-element uint256[].", simple("uint256[]", list(range(300))))
    s.typed("array-long-strings", "A 64-element string[] (each element hashed, then the words hashed).",
            simple("string[]", [f"item {i} ✓" for i in range(64)]))
    s.typed("array-addresses", "address[] with checksummed, lowercase and zero addresses.",
            simple("address[]", [DEV0, DEV1.lower(), "0x0000000000000000000000000000000000000000"]))
    s.typed("array-fixed-3", "A fixed string[3].", simple("string[3]", ["a", "", "c"]))
    s.typed("array-fixed-bool-2", "A fixed bool[2].", simple("bool[2]", [True, False]))
    s.typed("array-of-arrays", "uint8[][] with an empty inner array.", simple("uint8[][]", [[1, 2], [], [255]]))
    s.typed("array-fixed-of-dynamic", "uint256[][2]: two dynamic arrays.", simple("uint256[][2]", [[1], [2, 3]]))
    s.typed("array-dynamic-of-fixed", "uint256[2][]: dynamic array of pairs.",
            simple("uint256[2][]", [[1, 2], [3, 4], [5, 6]]))
    s.typed("array-3-dims", "int8[2][][2]: three dimensions.",
            simple("int8[2][][2]", [[[1, -1], [2, -2]], [[-128, 127]]]))
    s.typed("array-bytes-odd", "bytes[] with elements of 0, 1 and 3 bytes.",
            simple("bytes[]", ["0x", "0x01", "0x010203"]))
    s.typed("array-bytes3-fixed", "bytes3[2].", simple("bytes3[2]", ["0x010203", "0xfffefd"]))

    # structs in arrays, nesting
    group_types = {**MAIL_TYPES, "Group": [{"name": "title", "type": "string"},
                                           {"name": "members", "type": "Person[]"},
                                           {"name": "pairs", "type": "Person[2][]"},
                                           {"name": "mail", "type": "Mail"}]}
    person = {"name": "Ann", "wallet": DEV0}
    other = {"name": "Ben", "wallet": DEV1}
    s.typed("struct-arrays", "Arrays of structs, fixed arrays of structs, and a nested struct.",
            doc_of(group_types, "Group", MAIL_DOMAIN, {"title": "team", "members": [person, other, person],
                                                      "pairs": [[person, other], [other, person]],
                                                      "mail": MAIL_MESSAGE}))
    s.typed("struct-arrays-empty", "Empty arrays of structs.",
            doc_of(group_types, "Group", MAIL_DOMAIN, {"title": "", "members": [], "pairs": [], "mail": MAIL_MESSAGE}))
    deep_types = {"L0": [{"name": "v", "type": "uint8"}, {"name": "next", "type": "L1"}],
                  "L1": [{"name": "v", "type": "uint8"}, {"name": "next", "type": "L2"}],
                  "L2": [{"name": "v", "type": "uint8"}, {"name": "leaves", "type": "L3[]"}],
                  "L3": [{"name": "v", "type": "string"}]}
    s.typed("struct-deep", "Four levels of nested structs; encodeType lists dependencies sorted by name.",
            doc_of(deep_types, "L0", {"name": "deep"},
                   {"v": 0, "next": {"v": 1, "next": {"v": 2, "leaves": [{"v": "x"}, {"v": "y"}]}}}))
    sort_types = {"Zeta": [{"name": "b", "type": "Beta"}, {"name": "a", "type": "Alpha"},
                           {"name": "c", "type": "Charlie[]"}],
                  "Charlie": [{"name": "x", "type": "uint8"}], "Alpha": [{"name": "x", "type": "uint8"}],
                  "Beta": [{"name": "a", "type": "Alpha"}]}
    s.typed("encode-type-order", "encodeType puts the primary type first, then dependencies in name order, "
            "whatever the declaration order.", doc_of(sort_types, "Zeta", {"name": "order"},
                                                      {"b": {"a": {"x": 1}}, "a": {"x": 2}, "c": [{"x": 3}]}))
    s.typed("names-dollar-underscore", "Struct and field names with $ and _ (valid identifiers).",
            doc_of({"$Pay_1": [{"name": "_to", "type": "address"}, {"name": "$amt", "type": "uint256"}]},
                   "$Pay_1", {"name": "names"}, {"_to": DEV0, "$amt": 1}))

    # recursion
    tree_types = {"Node": [{"name": "label", "type": "string"}, {"name": "children", "type": "Node[]"}]}
    s.typed("recursive-tree", "A self-referencing struct (Node with Node[] children), three levels deep.",
            doc_of(tree_types, "Node", {"name": "tree"}, {"label": "root", "children": [
                {"label": "a", "children": [{"label": "a1", "children": []}]},
                {"label": "b", "children": []}]}))
    s.typed("recursive-leaf", "A self-referencing struct with no children.",
            doc_of(tree_types, "Node", {"name": "tree"}, {"label": "leaf", "children": []}))
    mutual = {"Ping": [{"name": "n", "type": "uint8"}, {"name": "pongs", "type": "Pong[]"}],
              "Pong": [{"name": "n", "type": "uint8"}, {"name": "pings", "type": "Ping[]"}]}
    s.typed("recursive-mutual", "Two structs referencing each other (Ping ↔ Pong).",
            doc_of(mutual, "Ping", {"name": "mutual"},
                   {"n": 1, "pongs": [{"n": 2, "pings": [{"n": 3, "pongs": []}]}]}))
    spec_person = {"Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"},
                              {"name": "friends", "type": "Person[]"}],
                   "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person"},
                            {"name": "contents", "type": "string"}]}
    s.typed("recursive-mail-friends", "Mail whose Person has Person[] friends (recursion through a dependency).",
            doc_of(spec_person, "Mail", MAIL_DOMAIN,
                   {"from": {"name": "Cow", "wallet": MAIL_MESSAGE["from"]["wallet"],
                             "friends": [{"name": "Dot", "wallet": DEV0, "friends": []}]},
                    "to": {"name": "Bob", "wallet": MAIL_MESSAGE["to"]["wallet"], "friends": []},
                    "contents": "Hello, Bob!"}))

    # domains
    value_types = {"Ping": [{"name": "n", "type": "uint256"}]}
    domains = {
        "empty": {},
        "name": {"name": "only name"},
        "version": {"version": "2"},
        "chainId": {"chainId": 137},
        "verifyingContract": {"verifyingContract": ADDR_B},
        "salt": {"salt": SALT},
        "name-salt": {"name": "with salt", "salt": SALT},
        "name-version-chainId": {"name": "n", "version": "v", "chainId": 10},
        "all-five": {"name": "all", "version": "1", "chainId": 1, "verifyingContract": ADDR_A, "salt": SALT},
        "chainId-string": {"name": "n", "chainId": "11155111"},
        "chainId-large": {"name": "n", "chainId": str(2**64 + 1)},
        "chainId-zero": {"name": "n", "chainId": 0},
        "unicode-name": {"name": "Ðömäin ✓", "version": "β"},
        "keys-out-of-order": {"verifyingContract": ADDR_A, "chainId": 1, "name": "order", "version": "1"},
    }
    for label, domain in domains.items():
        s.typed(f"domain-{label}", f"Domain {label}: EIP712Domain derived from the keys present, canonical order.",
                doc_of(value_types, "Ping", domain, {"n": 1}))
    s.typed("domain-declared-subset", "EIP712Domain declared as the canonical subset (name, chainId).",
            doc_of({"EIP712Domain": [{"name": "name", "type": "string"}, {"name": "chainId", "type": "uint256"}],
                    **value_types}, "Ping", {"name": "declared", "chainId": 5}, {"n": 1}))
    s.typed("domain-declared-with-salt", "EIP712Domain declared with all five fields, salt included.",
            doc_of({"EIP712Domain": DOMAIN_TYPE_FULL, **value_types}, "Ping", domains["all-five"], {"n": 1}))
    s.typed("domain-declared-noncanonical", "A declared EIP712Domain in non-canonical order (version before "
            "name): its order is part of the hash, as MetaMask and viem honour it. ethers cannot express it.",
            doc_of({"EIP712Domain": [{"name": "version", "type": "string"}, {"name": "name", "type": "string"},
                                     {"name": "chainId", "type": "uint256"}], **value_types},
                   "Ping", {"name": "reordered", "version": "1", "chainId": 1}, {"n": 1}))
    s.typed("domain-declared-noncanonical-salt-first", "A declared EIP712Domain with salt first.",
            doc_of({"EIP712Domain": [{"name": "salt", "type": "bytes32"}, {"name": "name", "type": "string"}],
                    **value_types}, "Ping", {"name": "salted", "salt": SALT}, {"n": 1}))
    s.typed("primary-eip712domain", "primaryType EIP712Domain: only the domain is signed, "
            "keccak256(0x1901 ‖ domainSeparator), as MetaMask computes it.",
            doc_of({"EIP712Domain": DOMAIN_TYPE_FULL[:4]}, "EIP712Domain", MAIL_DOMAIN, {}))
    s.typed("primary-not-root", "primaryType names a type that another type references: the message is "
            "hashed as that type; the unreferenced root takes no part.",
            doc_of(MAIL_TYPES, "Person", MAIL_DOMAIN, {"name": "Cow", "wallet": MAIL_MESSAGE["from"]["wallet"]}))
    s.typed("unused-type", "types holds a struct unrelated to primaryType: it is ignored.",
            doc_of({**MAIL_TYPES, "Unused": [{"name": "x", "type": "uint8"}]}, "Mail", MAIL_DOMAIN, MAIL_MESSAGE),
            known_digest=MAIL_DIGEST)

    # Seeded random documents: many shapes, reproducible.
    r = rng("core/random")
    atom_pool = ["address", "bool", "string", "bytes", "bytes4", "bytes32", "uint8", "uint64", "uint256",
                 "int16", "int256"]

    def rand_value(t: str) -> Any:
        if t.endswith("[]"):
            return [rand_value(t[:-2]) for _ in range(r.randint(0, 4))]
        if t == "address":
            return rand_address(r)
        if t == "bool":
            return r.random() < 0.5
        if t == "string":
            return "".join(r.choice("abcxyz ñ✓日") for _ in range(r.randint(0, 12)))
        if t == "bytes":
            return "0x" + bytes(r.getrandbits(8) for _ in range(r.randint(0, 40))).hex()
        if t.startswith("bytes"):
            return "0x" + bytes(r.getrandbits(8) for _ in range(int(t[5:]))).hex()
        bits = int(re.sub(r"\D", "", t))
        if t.startswith("uint"):
            return js_safe(r.getrandbits(bits))
        return js_safe(r.getrandbits(bits) - 2 ** (bits - 1))

    for i in range(40):
        inner = [{"name": f"f{j}", "type": r.choice(atom_pool) + r.choice(["", "", "[]"])}
                 for j in range(r.randint(1, 4))]
        outer = [{"name": f"g{j}", "type": r.choice(atom_pool)} for j in range(r.randint(0, 3))]
        outer.append({"name": "items", "type": "Inner[]" if r.random() < 0.5 else "Inner"})
        types = {"Outer": outer, "Inner": inner}

        def inner_value(inner: list[dict[str, str]] = inner) -> dict[str, Any]:
            return {f["name"]: rand_value(f["type"]) for f in inner}

        message = {f["name"]: rand_value(f["type"]) for f in outer if f["name"] != "items"}
        message["items"] = [inner_value() for _ in range(r.randint(0, 3))] if outer[-1]["type"] == "Inner[]" \
            else inner_value()
        domain_keys = [k for k in DOMAIN_FIELD_TYPES if r.random() < 0.6]
        domain = {k: {"name": "rand", "version": str(i), "chainId": r.randint(1, 10**6),
                      "verifyingContract": rand_address(r), "salt": SALT}[k] for k in domain_keys}
        s.typed(f"random-{i:02d}", "A seeded random document (nested struct, arrays, assorted atoms).",
                doc_of(types, "Outer", domain, message), key=r.choice(["dev0", "dev1", "dev2"]))
    return s


# --- suite: negative (documents every implementation must refuse) ------------------------------


def build_negative(att: dict[str, Any]) -> Suite:
    s = Suite("negative", "Typed-data documents and personal_sign inputs that must be refused, each with "
              "the error code and JSON path eip712kit refuses them with. accepted_by lists independent "
              "implementations that sign them anyway (a stricter kit policy, see docs/vectors.md).", att)
    dom = {"name": "eip712kit", "version": "1", "chainId": 1}

    def field(name: str, t: str, value: Any, code: str, description: str) -> None:
        s.typed_error(name, description, simple(t, value), code, "message.value")

    # integers
    field("uint8-overflow", "uint8", 256, "INT_OUT_OF_RANGE", "256 does not fit uint8.")
    field("uint256-overflow", "uint256", str(2**256), "INT_OUT_OF_RANGE", "2**256 does not fit uint256.")
    field("uint48-overflow", "uint48", str(2**48), "INT_OUT_OF_RANGE", "2**48 does not fit uint48 (Sera expiration).")
    field("uint32-overflow", "uint32", 2**32, "INT_OUT_OF_RANGE", "2**32 does not fit uint32 (Renance leverage).")
    field("uint-negative", "uint256", -1, "INT_OUT_OF_RANGE", "A uint cannot be negative.")
    field("uint-negative-string", "uint64", "-5", "INT_OUT_OF_RANGE", "A negative decimal string for a uint.")
    field("int8-underflow", "int8", -129, "INT_OUT_OF_RANGE", "-129 does not fit int8.")
    field("int8-overflow", "int8", 128, "INT_OUT_OF_RANGE", "128 does not fit int8.")
    field("int256-underflow", "int256", str(-(2**255) - 1), "INT_OUT_OF_RANGE", "-2**255-1 does not fit int256.")
    field("uint-fraction", "uint256", 1.5, "INVALID_INT", "A JSON number with a fraction is not an integer.")
    field("uint-exponent-string", "uint256", "1e3", "INVALID_INT", "Exponent notation is not an integer string.")
    field("uint-empty-string", "uint256", "", "INVALID_INT", "An empty string is not an integer.")
    field("uint-whitespace", "uint256", " 1", "INVALID_INT", "Whitespace around digits is refused, not trimmed.")
    field("uint-bool", "uint256", True, "INVALID_INT", "true is not an integer.")
    field("uint-null", "uint256", None, "INVALID_INT", "null is not an integer (no silent zero).")
    field("uint-hex-bad-digit", "uint256", "0xg1", "INVALID_INT", "0xg1 is not hex.")
    field("uint-unsafe-float", "uint256", 1e21, "INVALID_INT", "A float beyond 2**53 has lost digits already.")
    # addresses
    field("address-bad-checksum", "address", "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "BAD_CHECKSUM",
          "A mixed-case address whose EIP-55 checksum is wrong (one letter's case flipped).")
    field("address-short", "address", "0x1234", "INVALID_ADDRESS", "An address of 2 bytes.")
    field("address-long", "address", "0x" + "11" * 21, "INVALID_ADDRESS", "An address of 21 bytes.")
    field("address-no-prefix", "address", "11" * 20, "INVALID_ADDRESS", "40 hex digits without 0x.")
    field("address-number", "address", 1, "INVALID_ADDRESS", "A JSON number is not an address.")
    field("address-empty", "address", "", "INVALID_ADDRESS", "An empty string is not an address.")
    field("address-non-hex", "address", "0x" + "zz" * 20, "INVALID_ADDRESS", "Non-hex digits.")
    # bytes
    field("bytes4-short", "bytes4", "0x010203", "BYTES_LENGTH", "bytes4 given 3 bytes: no silent padding.")
    field("bytes4-long", "bytes4", "0x0102030405", "BYTES_LENGTH", "bytes4 given 5 bytes: no silent truncation.")
    field("bytes32-empty", "bytes32", "0x", "BYTES_LENGTH", "bytes32 given no bytes.")
    field("bytes-odd-digits", "bytes", "0x123", "INVALID_HEX", "An odd number of hex digits.")
    field("bytes-no-prefix", "bytes", "1234", "INVALID_HEX", "Hex without 0x.")
    field("bytes-number", "bytes", 5, "INVALID_HEX", "A JSON number is not bytes.")
    field("bytes1-non-hex", "bytes1", "0xzz", "INVALID_HEX", "Non-hex digits.")
    # bool, string
    field("bool-string", "bool", "true", "INVALID_BOOL", "The string \"true\" is not a bool.")
    field("bool-number", "bool", 1, "INVALID_BOOL", "1 is not a bool.")
    field("bool-null", "bool", None, "INVALID_BOOL", "null is not false.")
    field("string-number", "string", 5, "INVALID_STRING", "A number is not a string.")
    field("string-null", "string", None, "INVALID_STRING", "null is not an empty string.")
    field("string-lone-surrogate", "string", "\ud800", "INVALID_STRING",
          "A lone UTF-16 surrogate has no UTF-8 encoding.")
    # arrays
    field("array-not-array", "uint256[]", 5, "INVALID_ARRAY", "A number where an array is declared.")
    field("array-object", "uint256[]", {"0": 1}, "INVALID_ARRAY", "An object where an array is declared.")
    field("array-fixed-short", "uint256[3]", [1, 2], "ARRAY_LENGTH", "uint256[3] given 2 elements.")
    field("array-fixed-long", "uint256[2]", [1, 2, 3], "ARRAY_LENGTH", "uint256[2] given 3 elements.")
    s.typed_error("array-element-bad", "The error path names the element.", simple("uint8[]", [1, 2, 300]),
                  "INT_OUT_OF_RANGE", "message.value[2]")
    s.typed_error("array-nested-element-bad", "The error path names the element of the inner array.",
                  simple("uint8[][]", [[1], [2, -1]]), "INT_OUT_OF_RANGE", "message.value[1][1]")
    # struct values
    s.typed_error("struct-missing-field", "A struct value without one of its declared fields.",
                  doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN, {"from": MAIL_MESSAGE["from"], "to": MAIL_MESSAGE["to"]}),
                  "MISSING_FIELD", "message.contents")
    s.typed_error("struct-extra-field", "A struct value with an undeclared field: refused, not ignored.",
                  doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN, {**MAIL_MESSAGE, "cc": "Eve"}), "EXTRA_FIELD",
                  "message.cc")
    s.typed_error("struct-nested-missing", "A nested struct value missing a field.",
                  doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN, {**MAIL_MESSAGE, "to": {"name": "Bob"}}),
                  "MISSING_FIELD", "message.to.wallet")
    s.typed_error("struct-null", "null where a struct is declared (no silent zero word).",
                  doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN, {**MAIL_MESSAGE, "to": None}), "INVALID_STRUCT",
                  "message.to")
    s.typed_error("struct-string", "A string where a struct is declared.",
                  doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN, {**MAIL_MESSAGE, "to": "Bob"}), "INVALID_STRUCT",
                  "message.to")
    s.typed_error("nested-bad-address", "The error path walks into the nested struct.",
                  doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN,
                         {**MAIL_MESSAGE, "from": {"name": "Cow", "wallet": "0x1234"}}),
                  "INVALID_ADDRESS", "message.from.wallet")
    s.typed_error("message-not-object", "The message is an array.", doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN, []),
                  "INVALID_STRUCT", "message")
    # types
    s.typed_error("type-unknown", "A field type that is neither atomic nor defined.",
                  doc_of({"M": [{"name": "x", "type": "Missing"}]}, "M", dom, {"x": 1}), "UNKNOWN_TYPE",
                  "types.M[0].type")
    s.typed_error("type-uint-alias", "uint without a width is not an EIP-712 type.",
                  doc_of({"M": [{"name": "x", "type": "uint"}]}, "M", dom, {"x": 1}), "UNKNOWN_TYPE",
                  "types.M[0].type")
    s.typed_error("type-uint7", "uint7 is not a width EIP-712 allows.",
                  doc_of({"M": [{"name": "x", "type": "uint7"}]}, "M", dom, {"x": 1}), "UNKNOWN_TYPE",
                  "types.M[0].type")
    s.typed_error("type-bytes33", "bytes33 does not exist.",
                  doc_of({"M": [{"name": "x", "type": "bytes33"}]}, "M", dom, {"x": "0x00"}), "UNKNOWN_TYPE",
                  "types.M[0].type")
    s.typed_error("type-array-zero", "A fixed array of size 0 is not a type.",
                  doc_of({"M": [{"name": "x", "type": "uint8[0]"}]}, "M", dom, {"x": []}), "UNKNOWN_TYPE",
                  "types.M[0].type")
    s.typed_error("type-duplicate-field", "A struct declaring the same field twice.",
                  doc_of({"M": [{"name": "x", "type": "uint8"}, {"name": "x", "type": "uint16"}]}, "M", dom,
                         {"x": 1}), "DUPLICATE_FIELD", "types.M[1]")
    s.typed_error("type-reserved-name", "A struct named like an atomic type.",
                  doc_of({"uint256": [{"name": "x", "type": "uint8"}], "M": [{"name": "y", "type": "uint8"}]},
                         "M", dom, {"y": 1}), "RESERVED_TYPE_NAME", "types.uint256")
    s.typed_error("type-bad-name", "A struct name with a space.",
                  doc_of({"My Type": [{"name": "x", "type": "uint8"}]}, "My Type", dom, {"x": 1}),
                  "INVALID_TYPE_NAME", "types.My Type")
    s.typed_error("type-unencodable-cycle", "A struct that contains itself directly: no finite value exists.",
                  doc_of({"Loop": [{"name": "next", "type": "Loop"}]}, "Loop", dom, {"next": {}}),
                  "UNENCODABLE_CYCLE", "types.Loop")
    s.typed_error("primary-undefined", "primaryType names no struct in types.",
                  doc_of(MAIL_TYPES, "Letter", MAIL_DOMAIN, MAIL_MESSAGE), "UNKNOWN_TYPE", "primaryType")
    # domains
    s.typed_error("domain-unknown-key", "A domain key outside the five EIP712Domain fields, with no declared type.",
                  doc_of(MAIL_TYPES, "Mail", {**MAIL_DOMAIN, "chain": 1}, MAIL_MESSAGE), "INVALID_DOMAIN",
                  "domain.chain")
    s.typed_error("domain-bad-contract", "A verifyingContract with a bad checksum.",
                  doc_of(MAIL_TYPES, "Mail", {**MAIL_DOMAIN, "verifyingContract":
                                              "0xCCCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"}, MAIL_MESSAGE),
                  "BAD_CHECKSUM", "domain.verifyingContract")
    s.typed_error("domain-chainid-negative", "chainId -1.",
                  doc_of(MAIL_TYPES, "Mail", {**MAIL_DOMAIN, "chainId": -1}, MAIL_MESSAGE), "INT_OUT_OF_RANGE",
                  "domain.chainId")
    s.typed_error("domain-salt-short", "A salt of 31 bytes.",
                  doc_of(MAIL_TYPES, "Mail", {"name": "x", "salt": "0x" + "11" * 31}, MAIL_MESSAGE),
                  "BYTES_LENGTH", "domain.salt")
    s.typed_error("domain-declared-missing-value", "EIP712Domain declares version but the domain has none.",
                  doc_of({"EIP712Domain": DOMAIN_TYPE_FULL[:2], **MAIL_TYPES}, "Mail", {"name": "x"},
                         MAIL_MESSAGE), "MISSING_FIELD", "domain.version")
    s.typed_error("domain-not-object", "The domain is a string.", doc_of(MAIL_TYPES, "Mail", "Ether Mail",
                                                                          MAIL_MESSAGE), "INVALID_STRUCT", "domain")
    # document shape
    s.typed_error("document-no-types", "A document without types.",
                  {"primaryType": "Mail", "domain": MAIL_DOMAIN, "message": MAIL_MESSAGE}, "INVALID_DOCUMENT",
                  "types")
    s.typed_error("document-no-message", "A document without message.",
                  {"types": MAIL_TYPES, "primaryType": "Mail", "domain": MAIL_DOMAIN}, "INVALID_DOCUMENT",
                  "message")
    s.typed_error("document-extra-key", "An unknown top-level key (a typo of primaryType).",
                  {**doc_of(MAIL_TYPES, "Mail", MAIL_DOMAIN, MAIL_MESSAGE), "primarytype": "Mail"},
                  "INVALID_DOCUMENT", "primarytype")
    s.typed_error("document-array", "A document that is an array.", [MAIL_TYPES], "INVALID_DOCUMENT", None)
    s.typed_error("primary-eip712domain-with-message", "primaryType EIP712Domain with a non-empty message.",
                  doc_of({"EIP712Domain": DOMAIN_TYPE_FULL[:4]}, "EIP712Domain", MAIL_DOMAIN, {"x": 1}),
                  "INVALID_DOCUMENT", "message")

    # personal_sign
    s.personal_error("personal-odd-hex", "encoding hex with an odd number of digits.", "0x123", "hex",
                     "INVALID_HEX", "message")
    s.personal_error("personal-hex-no-prefix", "encoding hex without 0x.", "1234", "hex", "INVALID_HEX", "message")
    s.personal_error("personal-not-string", "A message that is a number.", 42, "utf8", "INVALID_MESSAGE", "message")
    s.personal_error("personal-lone-surrogate", "Text with a lone surrogate has no UTF-8 form.", "a\udc00b", "utf8",
                     "INVALID_STRING", "message")
    return s


# --- suite: alura (personal_sign) --------------------------------------------------------------


def alura_challenge(address: str, nonce: str, issued_at: str) -> str:
    """A login challenge in the shape Alura's ``POST /auth/evm/challenge`` returns it (EIP-4361 style).

    The seed document shows only ``{address, nonce, message}``; this text is illustrative, and the
    point of the vector is that the exact text (newlines included) is what gets signed.
    """
    return (
        "testnet.alura.fun wants you to sign in with your Ethereum account:\n"
        f"{address}\n\n"
        "Sign in to Alura.\n\n"
        "URI: https://testnet-api.alura.fun\n"
        "Version: 1\n"
        "Chain ID: 1\n"
        f"Nonce: {nonce}\n"
        f"Issued At: {issued_at}"
    )


def build_alura(att: dict[str, Any]) -> Suite:
    s = Suite("alura", "EIP-191 personal_sign: Alura login challenges and the message shapes around them "
              "(unicode, raw bytes, empty, hex-looking text).", att)
    for i, (key, nonce, at) in enumerate([
        ("dev0", "7d2c1f0a9b", "2026-03-29T10:15:00.000Z"),
        ("dev1", "0000000000", "2026-01-01T00:00:00.000Z"),
        ("dev2", "f" * 32, "2026-12-31T23:59:59.999Z"),
    ]):
        address = KEYS[key]["address"]
        s.personal(f"challenge-{i + 1}", "An Alura login challenge, signed by the wallet it names.",
                   alura_challenge(address, nonce, at), key=key)
    s.personal("challenge-lowercase-address", "A challenge naming the address in lower case (signed as written).",
               alura_challenge(DEV0.lower(), "abc123", "2026-03-29T10:15:00.000Z"))
    s.personal("challenge-short", "A one-line challenge.", "Sign this message to log in to Alura: nonce 123456")
    s.personal("challenge-crlf", "A challenge with CRLF line ends: the bytes, not the lines, are signed.",
               "Alura login\r\nNonce: 42\r\n")
    s.personal("challenge-unsigned", "A challenge with no key: only the digest.",
               alura_challenge(DEV0, "nokey", "2026-03-29T10:15:00.000Z"), key=None)
    for label, text in (("hello", "hello"), ("empty", ""), ("space", " "), ("unicode", "登录 Alura ✓ — ñ"),
                        ("emoji", "🔐🦊"), ("newlines", "line 1\nline 2\n\nline 4"),
                        ("hex-looking", "0x1234"), ("hex-looking-long", "0x" + "ab" * 32),
                        ("nul", "a\u0000b"), ("long", "Alura " * 400),
                        ("length-10", "0123456789"), ("length-100", "x" * 100)):
        s.personal(f"text-{label}", f"UTF-8 text: {label} (its byte length goes into the prefix).", text)
    for label, hexdata in (("empty", "0x"), ("one-byte", "0x00"), ("bytes-3", "0x010203"),
                           ("hash-32", "0x" + hashlib.sha256(b"alura").hexdigest()),
                           ("non-utf8", "0xfffe80c0"), ("uppercase-hex", "0xDEADBEEF")):
        s.personal(f"bytes-{label}", f"Raw bytes given as hex ({label}), signed as bytes, not as text.",
                   hexdata, encoding="hex")
    s.personal("text-dev1", "The same text signed by another key.", "hello", key="dev1")
    return s


# --- suite: sera (every Sera struct on every Sera domain) ----------------------------------------

SERA_CONFIG = {"chain_id": 11155111, "sera_address": "0xd0fc92d8eF9bE26D7288fCa1D6458f675e72B83a",
               "vault_address": "0x3333333333333333333333333333333333333333",
               "sor_address": "0x4444444444444444444444444444444444444444"}
"""A GET /config response for the documented Sepolia deployment (the vault and SOR addresses are placeholders)."""
SERA_CONFIG_OTHER = {"chain_id": "42161", "sera_address": "0x5fbdb2315678afecb367f032d93f642f64180aa3",
                     "vault_address": "0x3333333333333333333333333333333333333333",
                     "sor_address": "0x4444444444444444444444444444444444444444"}
"""A hypothetical other deployment: chain id as a string, contract address in lower case."""
SEED_ORDER_ID = "00000000-0000-4000-8000-000000000001"
SEED_UUID_INT = 6427948336465191935941739505432058208337171677044006212075520
"""The Sera document's valid example (order_id → uuid_int with executor_id 0)."""
SERVER_NOW = 1774779300
"""A fixed server time (2026-03-29T10:15:00Z) for every window and expiration in the vectors."""


def build_sera(att: dict[str, Any]) -> Suite:
    s = Suite("sera", "Every Sera struct (ManageApiKey, Order, Intent, CancelOrder, CancelVLBatch, "
              "WithdrawIntent) with typical, zero, maximal, empty, unicode and long values, on the documented "
              "Sera domain and on domains built from GET /config responses.", att)
    domains = {
        "default": (sera.DOMAIN, "the documented Sera domain (Sepolia)"),
        "config": (sera.domain_from_config(SERA_CONFIG),
                   f"the domain built from GET /config {json.dumps(SERA_CONFIG)}"),
        "config-other": (sera.domain_from_config(SERA_CONFIG_OTHER),
                         f"the domain built from GET /config {json.dumps(SERA_CONFIG_OTHER)}"),
    }
    if domains["config"][0] != sera.DOMAIN:
        raise GenerationError("the documented /config response does not give the documented domain")
    z = "0x0000000000000000000000000000000000000000"
    values: dict[type[Struct], dict[str, dict[str, Any]]] = {
        sera.ManageApiKey: {
            "create": {"owner": DEV0, "action": "create", "timestamp": SERVER_NOW},
            "list": {"owner": DEV0, "action": "list", "timestamp": SERVER_NOW + 1},
            "revoke-key": {"owner": DEV0, "action": "revoke_sera_8f3a2b1c9d", "timestamp": SERVER_NOW},
            "revoke-all": {"owner": DEV0, "action": "revoke_all", "timestamp": SERVER_NOW},
            "zero": {"owner": z, "action": "", "timestamp": 0},
            "maxima": {"owner": DEV0, "action": "create", "timestamp": str(UINT256_MAX)},
            "unicode": {"owner": DEV0, "action": "revoke_キー✓", "timestamp": SERVER_NOW},
        },
        sera.Order: {
            "seed-bid": {"user": DEV0, "expiration": SERVER_NOW + 86400, "feeBps": 0, "recipient": z,
                         "fromToken": USDC, "toToken": EURC, "fromAmount": "1085000000", "toAmount": "1000000000",
                         "initialDepositAmount": 0, "uuid": str(SEED_UUID_INT)},
            "zero": {"user": z, "expiration": 0, "feeBps": 0, "recipient": z, "fromToken": z, "toToken": z,
                     "fromAmount": 0, "toAmount": 0, "initialDepositAmount": 0, "uuid": 0},
            "maxima": {"user": DEV0, "expiration": UINT48_MAX, "feeBps": UINT48_MAX, "recipient": DEV1,
                       "fromToken": WETH, "toToken": USDC, "fromAmount": str(UINT256_MAX),
                       "toAmount": str(UINT256_MAX), "initialDepositAmount": str(UINT256_MAX),
                       "uuid": str(UINT256_MAX)},
            "fee-recipient-deposit": {"user": DEV0, "expiration": SERVER_NOW + 3600, "feeBps": 30, "recipient": DEV1,
                                      "fromToken": EURC, "toToken": USDC, "fromAmount": 1000000000,
                                      "toAmount": 1085000000, "initialDepositAmount": 500000000,
                                      "uuid": str(SEED_UUID_INT + 1)},
        },
        sera.Intent: {
            "typical": {"taker": DEV0, "inputToken": USDC, "outputToken": WETH, "maxInputAmount": "3012340000",
                        "minOutputAmount": "990000000000000000", "recipient": DEV0, "initialDepositAmount": 0,
                        "uuid": str(SEED_UUID_INT), "deadline": SERVER_NOW + 120},
            "zero": {"taker": z, "inputToken": z, "outputToken": z, "maxInputAmount": 0, "minOutputAmount": 0,
                     "recipient": z, "initialDepositAmount": 0, "uuid": 0, "deadline": 0},
            "maxima": {"taker": DEV0, "inputToken": USDC, "outputToken": WETH, "maxInputAmount": str(UINT256_MAX),
                       "minOutputAmount": str(UINT256_MAX), "recipient": DEV1,
                       "initialDepositAmount": str(UINT256_MAX), "uuid": str(UINT256_MAX), "deadline": UINT48_MAX},
        },
        sera.CancelOrder: {
            "seed-uuid-int": {"owner": DEV0, "orderId": str(SEED_UUID_INT)},
            "zero": {"owner": z, "orderId": 0},
            "maxima": {"owner": DEV0, "orderId": str(UINT256_MAX)},
        },
        sera.CancelVLBatch: {
            "uuid-id": {"owner": DEV0, "vlBatchId": "5f0c6a2e-8d1b-4c3a-9e7f-0a1b2c3d4e5f"},
            "empty": {"owner": DEV0, "vlBatchId": ""},
            "unicode": {"owner": DEV0, "vlBatchId": "批次-β-🧪"},
            "long": {"owner": DEV0, "vlBatchId": "vl-" + "0123456789abcdef" * 64},
            "zero-owner": {"owner": z, "vlBatchId": "x"},
        },
        sera.WithdrawIntent: {
            "one-token": {"user": DEV0, "tokens": [USDC], "amounts": ["1000000"], "recipient": DEV0,
                          "deadline": SERVER_NOW + 600, "uuid": str(SEED_UUID_INT)},
            "two-tokens": {"user": DEV0, "tokens": [USDC, EURC], "amounts": [1, 2], "recipient": DEV1,
                           "deadline": SERVER_NOW + 600, "uuid": 7},
            "empty-arrays": {"user": DEV0, "tokens": [], "amounts": [], "recipient": DEV0,
                             "deadline": SERVER_NOW + 600, "uuid": 0},
            "long-arrays": {"user": DEV0, "tokens": [rand_address(rng(f"withdraw/{i}")) for i in range(50)],
                            "amounts": [str(10**i) for i in range(50)], "recipient": DEV0,
                            "deadline": SERVER_NOW + 600, "uuid": 1},
            "maxima": {"user": DEV0, "tokens": [WETH], "amounts": [str(UINT256_MAX)], "recipient": DEV0,
                       "deadline": str(UINT256_MAX), "uuid": str(UINT256_MAX)},
            "zero": {"user": z, "tokens": [z], "amounts": [0], "recipient": z, "deadline": 0, "uuid": 0},
        },
    }
    struct_cases(s, values, domains, "sera", sera.DOMAIN)
    return s


def random_message(cls: type[Struct], r: random.Random) -> dict[str, Any]:
    """Random values of a declared struct's fields, drawn from ``r``."""
    out: dict[str, Any] = {}
    for name, t in cls.fields:
        def one(t: str) -> Any:
            if t == "address":
                return rand_address(r)
            if t == "string":
                return "".join(r.choice("abc_-,0123 ü✓") for _ in range(r.randint(0, 20)))
            bits = int(t[4:])
            return js_safe(r.getrandbits(r.choice([8, bits // 2, bits])))

        if t.endswith("[]"):
            n = r.randint(0, 5)
            out[name] = [one(t[:-2]) for _ in range(n)]
        else:
            out[name] = one(t)
    if "tokens" in out and "amounts" in out:  # WithdrawIntent pairs them
        out["amounts"] = out["amounts"][: len(out["tokens"])] + [1] * (len(out["tokens"]) - len(out["amounts"]))
    return out


# --- suite: renance (every Renance struct on the XBlade Vault domain) ---------------------------

RENANCE_NONCE_TYPED_DATA = {
    "types": {"EIP712Domain": renance.DOMAIN.types(), **renance.Login.types()},
    "primaryType": "Login",
    "domain": {**renance.DOMAIN.to_dict(), "chainId": 42161},
    "message": {"wallet": DEV0.lower(), "nonce": 918273, "timestamp": SERVER_NOW},
}
"""A GET /auth/nonce typed_data from a server on another chain (42161): the domain is taken from it."""



def struct_cases(s: Any, values: dict[Any, dict[str, dict[str, Any]]], domains: dict[str, Any], protocol: str,
                 default_domain: Any) -> None:
    """Each struct's value sets — the first on every domain, the rest on the default — and 3 seeded randoms."""
    for cls, sets in values.items():
        first = True
        for label, message in sets.items():
            struct = cls.from_message(message)
            targets = domains.items() if first else [("default", domains["default"])]
            for dname, (domain, dtext) in targets:
                s.struct(f"{cls.primary_type}-{label}-{dname}", f"{cls.primary_type} ({label}) on {dtext}.",
                         struct, domain)
            first = False
        r = rng(f"{protocol}/{cls.primary_type}")
        for i in range(3):
            s.struct(f"{cls.primary_type}-random-{i}", f"{cls.primary_type} with seeded random values.",
                     cls.from_message(random_message(cls, r)), default_domain, key=r.choice(["dev0", "dev1"]))

def build_renance(att: dict[str, Any]) -> Suite:
    s = Suite("renance", "Every Renance / XBlade Vault struct (Login, CreateOrder, CancelOrder, "
              "BatchCancelOrders) on the documented XBlade Vault domain and on a domain handed out by a "
              "server's GET /auth/nonce typed_data.", att)
    served, differences = renance.domain_from_typed_data(RENANCE_NONCE_TYPED_DATA)
    if not differences:
        raise GenerationError("the served domain was meant to differ from the documented one")
    domains = {"default": (renance.DOMAIN, "the documented XBlade Vault domain (Arbitrum Sepolia)"),
               "served": (served, "a domain served in GET /auth/nonce typed_data (" + "; ".join(differences) + ")")}
    z = "0x0000000000000000000000000000000000000000"
    twenty = ",".join(f"ord-{i:04d}" for i in range(20))
    values: dict[type[Struct], dict[str, dict[str, Any]]] = {
        renance.Login: {
            "typical": {"wallet": DEV0, "nonce": 918273, "timestamp": SERVER_NOW},
            "zero": {"wallet": z, "nonce": 0, "timestamp": 0},
            "maxima": {"wallet": DEV1, "nonce": str(UINT256_MAX), "timestamp": str(UINT256_MAX)},
            "large-nonce": {"wallet": DEV0, "nonce": "340282366920938463463374607431768211455",
                            "timestamp": SERVER_NOW},
        },
        renance.CreateOrder: {
            "limit-buy": {"wallet": DEV0, "symbol": "BTCUSDT", "side": "buy", "orderType": "limit",
                          "price": "65000.5", "amount": "0.001", "leverage": 1, "timestamp": SERVER_NOW},
            "limit-sell-leverage": {"wallet": DEV0, "symbol": "ETHUSDT", "side": "sell", "orderType": "limit",
                                    "price": "3012.34", "amount": "1.25", "leverage": 20, "timestamp": SERVER_NOW},
            "market-empty-price": {"wallet": DEV0, "symbol": "BTCUSDT", "side": "buy", "orderType": "market",
                                   "price": "", "amount": "0.5", "leverage": 1, "timestamp": SERVER_NOW},
            "leverage-max": {"wallet": DEV0, "symbol": "SOLUSDT", "side": "sell", "orderType": "limit",
                             "price": "150", "amount": "10", "leverage": UINT32_MAX, "timestamp": SERVER_NOW},
            "zero": {"wallet": z, "symbol": "", "side": "", "orderType": "", "price": "", "amount": "",
                     "leverage": 0, "timestamp": 0},
            "unicode": {"wallet": DEV0, "symbol": "币安币/USDT", "side": "buy", "orderType": "limit",
                        "price": "１２３", "amount": "0.1", "leverage": 1, "timestamp": SERVER_NOW},
            "trailing-zeros": {"wallet": DEV0, "symbol": "BTCUSDT", "side": "buy", "orderType": "limit",
                               "price": "65000.50", "amount": "0.0010", "leverage": 1, "timestamp": SERVER_NOW},
            "long-strings": {"wallet": DEV0, "symbol": "X" * 300, "side": "buy", "orderType": "limit",
                             "price": "1" * 80, "amount": "9" * 80, "leverage": 1, "timestamp": SERVER_NOW},
        },
        renance.CancelOrder: {
            "typical": {"wallet": DEV0, "orderId": "ord-20260329-000001", "timestamp": SERVER_NOW},
            "empty": {"wallet": DEV0, "orderId": "", "timestamp": SERVER_NOW},
            "unicode": {"wallet": DEV0, "orderId": "订单-✓", "timestamp": SERVER_NOW},
            "maxima": {"wallet": DEV0, "orderId": "x", "timestamp": str(UINT256_MAX)},
        },
        renance.BatchCancelOrders: {
            "one": {"wallet": DEV0, "orderIds": "ord-1", "timestamp": SERVER_NOW},
            "three": {"wallet": DEV0, "orderIds": "ord-1,ord-2,ord-3", "timestamp": SERVER_NOW},
            "twenty": {"wallet": DEV0, "orderIds": twenty, "timestamp": SERVER_NOW},
            "empty": {"wallet": DEV0, "orderIds": "", "timestamp": 0},
        },
    }
    struct_cases(s, values, domains, "renance", renance.DOMAIN)
    # The request builders sign exactly these structs: the body strings are the signed strings.
    built = renance.create_order(wallet=DEV0, symbol="BTCUSDT", side="buy", order_type="market", amount="0.5",
                                 timestamp=SERVER_NOW)
    s.struct("CreateOrder-built-market", "CreateOrder as the request builder makes it for a market order "
             f"(price convention: {renance.MARKET_PRICE!r}, see docs/protocols.md).", built.message, renance.DOMAIN)
    batch = renance.batch_cancel([f"ord-{i}" for i in range(5)], wallet=DEV0, timestamp=SERVER_NOW)
    s.struct("BatchCancelOrders-built", "BatchCancelOrders as the builder joins five ids with ','.",
             batch.message, renance.DOMAIN)
    return s


# --- suite: uuid_int (Sera's packed order id) ------------------------------------------------------


def seed_standalone(order_id: str, executor_id: int) -> int:
    """The Sera document's encodeStandaloneUuid, written out again here: the independent check."""
    raw = int(order_id.replace("-", ""), 16)
    return (executor_id << 252) | (raw << 124) | ((raw >> 16) << 12)


def seed_vl(order_id: str, executor_id: int, leg_id: int, group_order_id: str) -> int:
    """The Sera document's encodeVlUuid, written out again here."""
    raw = int(order_id.replace("-", ""), 16)
    group = int(group_order_id.replace("-", ""), 16) >> 16
    return (executor_id << 252) | (raw << 124) | (group << 12) | leg_id


def build_uuid_int(att: dict[str, Any]) -> Suite:
    s = Suite("uuid_int", "Sera's uuid_int: [255:252] executor_id | [251:124] UUID | [123:12] group_id | "
              "[11:0] leg_id. Packing standalone orders and virtual-liquidity batches, unpacking, the "
              "order_id binding check, and every field at its extremes.", att)

    def pack(name: str, description: str, order_id: str, executor_id: int) -> None:
        def check(case_id: str, ours: dict[str, Any]) -> list[str]:
            if int(ours["uuid_int"]) != seed_standalone(order_id, executor_id):
                raise GenerationError(f"{case_id}: uuid_int differs from the document's formula")
            return []

        s.positive(name, "uuid_int", description,
                   {"operation": "pack", "order_id": order_id, "executor_id": executor_id}, check)

    pack("seed-example", "The Sera document's example: executor 0, order 00000000-0000-4000-8000-000000000001.",
         SEED_ORDER_ID, 0)
    if seed_standalone(SEED_ORDER_ID, 0) != SEED_UUID_INT:
        raise GenerationError("the document's example does not hold")
    s.cases[-1]["expected"]["uuid_int"] = str(SEED_UUID_INT)  # (equal, asserted above: the published value)
    pack("executor-max", "executor_id 15, the largest 4-bit value.", SEED_ORDER_ID, 15)
    pack("executor-1", "executor_id 1.", SEED_ORDER_ID, 1)
    pack("uuid-zero", "The all-zero UUID (not version 4; packing is about bits).",
         "00000000-0000-0000-0000-000000000000", 0)
    pack("uuid-max", "The all-ones UUID with executor 15: every bit of the top 252 set.",
         "ffffffff-ffff-ffff-ffff-ffffffffffff", 15)
    pack("uuid-uppercase", "A UUID in upper case packs to the same bits.", "5F0C6A2E-8D1B-4C3A-9E7F-0A1B2C3D4E5F", 3)
    r = rng("uuid_int/pack")
    for i in range(6):
        pack(f"random-{i}", "A seeded random UUID4 with a random executor.", rand_uuid4(r), r.randint(0, 15))

    def batch(name: str, description: str, order_ids: list[str], executor_id: int) -> None:
        def check(case_id: str, ours: dict[str, Any]) -> list[str]:
            want = [str(seed_vl(o, executor_id, leg, order_ids[0])) for leg, o in enumerate(order_ids)]
            if ours["uuid_ints"] != want:
                raise GenerationError(f"{case_id}: batch differs from the document's formula")
            return []

        s.positive(name, "uuid_int", description,
                   {"operation": "pack_batch", "order_ids": order_ids, "executor_id": executor_id}, check)

    r = rng("uuid_int/batch")
    for n in (1, 2, 3, 10, 40):
        batch(f"batch-{n}", f"A virtual-liquidity batch of {n} order(s): group from order 0, legs 0..{n - 1}.",
              [rand_uuid4(r) for _ in range(n)], r.randint(0, 15))
    batch("batch-seed-first", "A batch whose order 0 is the document's example order.",
          [SEED_ORDER_ID, "00000000-0000-4000-8000-000000000002"], 0)

    def leg(name: str, description: str, order_id: str, executor_id: int, leg_id: int, group_order_id: str) -> None:
        def check(case_id: str, ours: dict[str, Any]) -> list[str]:
            if int(ours["uuid_int"]) != seed_vl(order_id, executor_id, leg_id, group_order_id):
                raise GenerationError(f"{case_id}: leg differs from the document's formula")
            return []

        s.positive(name, "uuid_int", description, {"operation": "pack_leg", "order_id": order_id,
                                                   "executor_id": executor_id, "leg_id": leg_id,
                                                   "group_order_id": group_order_id}, check)

    leg("leg-max", "leg_id 4095, the largest 12-bit leg.", "00000000-0000-4000-8000-000000000fff", 2, 4095,
        SEED_ORDER_ID)
    leg("leg-0-own-group", "Leg 0 grouped under itself equals the standalone packing.", SEED_ORDER_ID, 0, 0,
        SEED_ORDER_ID)
    leg("leg-group-max", "A group from the all-ones UUID (group_id = 2**112 - 1).", SEED_ORDER_ID, 0, 7,
        "ffffffff-ffff-ffff-ffff-ffffffffffff")

    def unpack(name: str, description: str, value: int) -> None:
        def check(case_id: str, ours: dict[str, Any]) -> list[str]:
            fields = (value >> 252, (value >> 124) & (2**128 - 1), (value >> 12) & (2**112 - 1), value & 0xFFF)
            got = (ours["executor_id"], int(ours["uuid"].replace("-", ""), 16), int(ours["group_id"]),
                   ours["leg_id"])
            if got != fields:
                raise GenerationError(f"{case_id}: unpack differs from the layout's shifts")
            return []

        s.positive(name, "uuid_int", description, {"operation": "unpack", "uuid_int": str(value)}, check)

    unpack("unpack-seed", "Unpack the document's example.", SEED_UUID_INT)
    unpack("unpack-zero", "Unpack 0: every field zero.", 0)
    unpack("unpack-max", "Unpack 2**256 - 1: every field at its maximum.", UINT256_MAX)
    unpack("unpack-executor-only", "Only the executor bits set.", 15 << 252)
    unpack("unpack-leg-only", "Only the leg bits set (4095).", 0xFFF)
    unpack("unpack-group-only", "Only the group bits set.", (2**112 - 1) << 12)
    unpack("unpack-batch-leg", "A leg of a batch: its group is not its own UUID's (not standalone).",
           seed_vl("00000000-0000-4000-8000-000000000002", 0, 1, SEED_ORDER_ID))
    s.positive("check-binding-seed", "uuid_int",
               "order_id and uuid_int of the document's example encode the same order.",
               {"operation": "check_binding", "order_id": SEED_ORDER_ID, "uuid_int": str(SEED_UUID_INT)})
    s.positive("check-binding-executor", "uuid_int", "The binding check with the current executor_id given too.",
               {"operation": "check_binding", "order_id": SEED_ORDER_ID,
                            "uuid_int": str(seed_standalone(SEED_ORDER_ID, 9)), "executor_id": 9})
    s.positive("check-binding-leg", "uuid_int",
               "A batch leg binds to its own order_id (group and leg are not checked).",
               {"operation": "check_binding", "order_id": "00000000-0000-4000-8000-000000000002",
                            "uuid_int": str(seed_vl("00000000-0000-4000-8000-000000000002", 0, 1, SEED_ORDER_ID))})

    # negatives
    s.negative("executor-16", "uuid_int", "executor_id 16 does not fit 4 bits.",
               {"operation": "pack", "order_id": SEED_ORDER_ID, "executor_id": 16}, "EXECUTOR_ID_OUT_OF_RANGE",
               "executor_id")
    s.negative("executor-negative", "uuid_int", "executor_id -1.",
               {"operation": "pack", "order_id": SEED_ORDER_ID, "executor_id": -1}, "EXECUTOR_ID_OUT_OF_RANGE",
               "executor_id")
    s.negative("batch-executor-16", "uuid_int", "A batch with executor_id 16.",
               {"operation": "pack_batch", "order_ids": [SEED_ORDER_ID], "executor_id": 16},
               "EXECUTOR_ID_OUT_OF_RANGE", "executor_id")
    r = rng("uuid_int/too-many")
    s.negative("batch-4097-legs", "uuid_int", "4097 orders in one batch: legs are numbered in 12 bits (0..4095).",
               {"operation": "pack_batch", "order_ids": [rand_uuid4(r) for _ in range(4097)], "executor_id": 0},
               "TOO_MANY_LEGS", "order_ids")
    s.negative("leg-4096", "uuid_int", "leg_id 4096 does not fit 12 bits.",
               {"operation": "pack_leg", "order_id": SEED_ORDER_ID, "executor_id": 0, "leg_id": 4096,
                "group_order_id": SEED_ORDER_ID}, "TOO_MANY_LEGS", "leg_id")
    s.negative("batch-duplicate", "uuid_int", "The same order twice in one batch.",
               {"operation": "pack_batch", "order_ids": [SEED_ORDER_ID, SEED_ORDER_ID], "executor_id": 0},
               "DUPLICATE_ORDER_ID", "order_ids[1]")
    s.negative("unpack-2-256", "uuid_int", "2**256 is beyond 256 bits.",
               {"operation": "unpack", "uuid_int": str(2**256)}, "UUID_INT_OUT_OF_RANGE", "uuid_int")
    s.negative("unpack-negative", "uuid_int", "A negative uuid_int.",
               {"operation": "unpack", "uuid_int": "-1"}, "UUID_INT_OUT_OF_RANGE", "uuid_int")
    s.negative("unpack-not-a-number", "uuid_int", "A uuid_int that is not a decimal string.",
               {"operation": "unpack", "uuid_int": "12ab"}, "INVALID_INT", "uuid_int")
    for label, bad in (("no-hyphens", "00000000000040008000000000000001"),
                       ("braces", "{00000000-0000-4000-8000-000000000001}"),
                       ("urn", "urn:uuid:00000000-0000-4000-8000-000000000001"),
                       ("short", "00000000-0000-4000-8000-00000000001"),
                       ("non-hex", "0000000g-0000-4000-8000-000000000001"),
                       ("empty", ""), ("spaces", " 00000000-0000-4000-8000-000000000001")):
        s.negative(f"uuid-malformed-{label}", "uuid_int", f"A malformed UUID string ({label}).",
                   {"operation": "pack", "order_id": bad, "executor_id": 0}, "UUID_INVALID", "order_id")
    s.negative("batch-malformed", "uuid_int", "A malformed UUID inside a batch: the path names its index.",
               {"operation": "pack_batch", "order_ids": [SEED_ORDER_ID, "nope"], "executor_id": 0},
               "UUID_INVALID", "order_ids[1]")
    s.negative("binding-mismatch", "uuid_int", "order_id and uuid_int of different orders.",
               {"operation": "check_binding", "order_id": "00000000-0000-4000-8000-000000000002",
                "uuid_int": str(SEED_UUID_INT)}, "UUID_MISMATCH", "uuid_int")
    s.negative("binding-executor-mismatch", "uuid_int", "uuid_int packed with executor 0, current executor is 1.",
               {"operation": "check_binding", "order_id": SEED_ORDER_ID, "uuid_int": str(SEED_UUID_INT),
                "executor_id": 1}, "UUID_MISMATCH", "uuid_int")
    return s


# --- suite: sera_order (the order builder) ---------------------------------------------------------

EURC_T = {"address": EURC, "decimals": 6, "symbol": "EURC"}
USDC_T = {"address": USDC, "decimals": 6, "symbol": "USDC"}
WETH_T = {"address": WETH, "decimals": 18, "symbol": "WETH"}
EXPIRATION = SERVER_NOW + 86400


def order_units(side: str, amount: str, price: str, base: dict[str, Any], quote: dict[str, Any]
                ) -> tuple[str, int, str, int]:
    """(fromToken, fromAmount, toToken, toAmount) by plain Decimal arithmetic, apart from the library."""
    base_units = Decimal(amount) * Decimal(10) ** base["decimals"]
    quote_units = Decimal(amount) * Decimal(price) * Decimal(10) ** quote["decimals"]
    if base_units != base_units.to_integral_value() or quote_units != quote_units.to_integral_value():
        raise GenerationError(f"{amount} at {price} does not convert exactly")
    b, q = int(base_units), int(quote_units)
    return (quote["address"], q, base["address"], b) if side == "bid" else (base["address"], b, quote["address"], q)


def build_sera_order(att: dict[str, Any]) -> Suite:
    s = Suite("sera_order", "The Sera order builder: side (bid/ask), decimal amount and price, base and quote "
              "tokens with their decimals → the signed Order (what is spent and received, exact integers), its "
              "digest and signature on the documented Sera domain, and the /verify-signature body. A bid spends "
              "quote and receives base; an ask is the mirror (inferred from the document's example).", att)
    sera_domain = sera.DOMAIN.to_dict()
    order_types = {"EIP712Domain": sera.DOMAIN.types(), **sera.Order.types()}

    def order(name: str, description: str, side: str, amount: str, price: str, base: dict[str, Any],
              quote: dict[str, Any], key: str = "dev0", **extra: Any) -> None:
        inp: dict[str, Any] = {"side": side, "amount": amount, "price": price, "base": base, "quote": quote,
                               "user": KEYS[key]["address"], "expiration": EXPIRATION}
        if "uuid_int" not in extra:
            inp.update(order_id=SEED_ORDER_ID, executor_id=0)
        inp.update(extra)
        inp["key"] = key

        def check(case_id: str, ours: dict[str, Any]) -> list[str]:
            rounding = extra.get("rounding")
            if rounding is None:
                from_token, from_amount, to_token, to_amount = order_units(side, amount, price, base, quote)
                got = ours["order"]
                if (got["fromToken"], int(got["fromAmount"]), got["toToken"], int(got["toAmount"])) != (
                        from_token, from_amount, to_token, to_amount):
                    raise GenerationError(f"{case_id}: amounts differ from the Decimal arithmetic")
            packed = int(extra["uuid_int"]) if "uuid_int" in extra else seed_standalone(SEED_ORDER_ID, 0)
            if int(ours["uuid_int"]) != packed or int(ours["order"]["uuid"]) != packed:
                raise GenerationError(f"{case_id}: uuid differs")
            doc = doc_of(order_types, "Order", sera_domain, ours["order"])
            theirs = eth_account_typed(doc, key)
            _agree(case_id, {k: v for k, v in ours.items() if k not in ("order", "uuid_int", "body")},
                   {k: theirs[k] for k in ("domainSeparator", "structHash", "digest", "signature", "signer")},
                   ETH_ACCOUNT)
            return [ETH_ACCOUNT]

        s.positive(name, "sera_order", description, inp, check)

    order("seed-bid", "The document's example: bid 1000.0 EURC at 1.085 USDC, both 6 decimals → spend "
          "1085000000 USDC units, receive 1000000000 EURC units.", "bid", "1000.0", "1.085", EURC_T, USDC_T)
    seed = s.cases[-1]["expected"]["order"]
    if (int(seed["fromAmount"]), int(seed["toAmount"])) != (1085000000, 1000000000):
        raise GenerationError("the document's bid example does not hold")
    order("seed-ask", "The mirror: ask 1000.0 EURC at 1.085 USDC → spend 1000000000 EURC units, receive "
          "1085000000 USDC units.", "ask", "1000.0", "1.085", EURC_T, USDC_T)
    order("weth-bid", "bid 0.5 WETH (18 decimals) at 3012.34 USDC (6 decimals).", "bid", "0.5", "3012.34",
          WETH_T, USDC_T)
    order("weth-ask", "ask 0.5 WETH at 3012.34 USDC.", "ask", "0.5", "3012.34", WETH_T, USDC_T)
    order("smallest-unit", "One base unit at price 1.", "bid", "0.000001", "1", EURC_T, USDC_T)
    order("integer-amount", "An amount without a decimal point.", "ask", "250", "1.1", EURC_T, USDC_T)
    order("trailing-zeros", "Trailing zeros in amount and price change nothing in the Order.", "bid", "1000.000000",
          "1.0850", EURC_T, USDC_T)
    order("large", "A large order: 123456789.123456 EURC at 0.5.", "bid",
          "123456789.123456", "0.5", EURC_T, USDC_T)
    order("price-below-one", "A price below 1.", "ask", "12.5", "0.000008", WETH_T, USDC_T)
    order("eighteen-each", "Base and quote both 18 decimals.", "bid", "1.000000000000000001", "2",
          WETH_T, {"address": ADDR_B, "decimals": 18, "symbol": "DAI"})
    order("zero-decimals", "A token with 0 decimals as base.", "bid", "7", "1.5",
          {"address": ADDR_A, "decimals": 0, "symbol": "NFTX"}, USDC_T)
    order("fee-recipient-deposit", "feeBps 30, a recipient other than the user and an initial deposit.",
          "bid", "10", "1.085", EURC_T, USDC_T, fee_bps=30, recipient=DEV1, initial_deposit_amount="5000000")
    order("given-uuid-int", "uuid_int given directly (a leg of a batch) with its order_id.", "ask", "1", "1.085",
          EURC_T, USDC_T, order_id="00000000-0000-4000-8000-000000000002",
          uuid_int=str(seed_vl("00000000-0000-4000-8000-000000000002", 0, 1, SEED_ORDER_ID)))
    order("executor-7", "Packed with executor_id 7.", "bid", "1", "1", EURC_T, USDC_T,
          uuid_int=str(seed_standalone(SEED_ORDER_ID, 7)), order_id=SEED_ORDER_ID)
    order("window-checked", "With server_now given, the expiration window is checked (and passes).", "bid", "1",
          "1.085", EURC_T, USDC_T, server_now=SERVER_NOW)
    order("rounding-down", "An amount finer than the token, with rounding named explicitly (down).", "bid",
          "1.0000009", "1", EURC_T, USDC_T, rounding="down")
    order("dev1", "Signed by the second development key for its own address.", "ask", "3", "1.085", EURC_T,
          USDC_T, key="dev1")

    def bad(name: str, description: str, code: str, path: str | None, **changes: Any) -> None:
        inp: dict[str, Any] = {"side": "bid", "amount": "1000.0", "price": "1.085", "base": EURC_T,
                               "quote": USDC_T, "user": DEV0, "expiration": EXPIRATION, "order_id": SEED_ORDER_ID,
                               "executor_id": 0, "key": "dev0"}
        inp.update(changes)
        for k in [k for k, v in inp.items() if v is None]:
            del inp[k]
        s.negative(name, "sera_order", description, inp, code, path)

    bad("precision-amount", "1000.0000001 EURC has 7 decimals; EURC has 6.", "AMOUNT_PRECISION", "amount",
        amount="1000.0000001")
    bad("precision-product", "amount × price needs 7 decimals of USDC (path not pinned: eip712kit names it "
        "'amount × price').", "AMOUNT_PRECISION", None, amount="1", price="1.0000001")
    bad("side-buy", "'buy' is Renance's word; Sera's sides are bid and ask.", "INVALID_SIDE", "side", side="buy")
    bad("side-uppercase", "'BID' in upper case.", "INVALID_SIDE", "side", side="BID")
    bad("side-empty", "An empty side.", "INVALID_SIDE", "side", side="")
    bad("amount-zero", "A zero amount.", "INVALID_AMOUNT", "amount", amount="0")
    bad("amount-negative", "A negative amount.", "INVALID_AMOUNT", "amount", amount="-1")
    bad("amount-exponent", "Exponent notation.", "INVALID_AMOUNT", "amount", amount="1e3")
    bad("amount-float", "A JSON number with a fraction (floats cannot carry decimals exactly).", "INVALID_AMOUNT",
        "amount", amount=1.5)
    bad("amount-empty", "An empty amount.", "INVALID_AMOUNT", "amount", amount="")
    bad("price-zero", "A zero price.", "INVALID_AMOUNT", "price", price="0")
    bad("same-token", "Base and quote are the same token.", "INVALID_TOKEN", "quote", quote=EURC_T)
    bad("token-decimals", "Token decimals that are not a whole number.", "INVALID_TOKEN", "base.decimals",
        base={"address": EURC, "decimals": "6"})
    bad("token-bad-checksum", "A token address with a bad checksum.", "BAD_CHECKSUM", "base.address",
        base={"address": EURC.replace("F", "f", 1), "decimals": 6})
    bad("user-bad-address", "A user that is not an address (path not pinned: eip712kit names the Order field, "
        "message.user).", "INVALID_ADDRESS", None, user="0x1234")
    bad("expiration-zero", "Expiration 0.", "EXPIRATION_MISSING", "expiration", expiration=0)
    bad("expiration-past", "Expiration equal to server time (must be strictly after).", "EXPIRATION_PAST",
        "expiration", expiration=SERVER_NOW, server_now=SERVER_NOW)
    bad("expiration-too-far", "Expiration one second beyond now + 365 days - 300 s.", "EXPIRATION_TOO_FAR",
        "expiration", expiration=SERVER_NOW + sera.EXPIRATION_MAX_AHEAD + 1, server_now=SERVER_NOW)
    bad("uuid-mismatch", "A uuid_int packed from another order than order_id.", "UUID_MISMATCH", "uuid_int",
        order_id="00000000-0000-4000-8000-000000000002", uuid_int=str(SEED_UUID_INT))
    bad("no-uuid", "Neither uuid_int nor executor_id.", "MISSING_FIELD", "uuid_int", executor_id=None)
    bad("key-mismatch", "Signed with a key that is not the order's user.", "KEY_MISMATCH", None, key="dev1")
    bad("rounding-unknown", "A rounding mode that does not exist.", "INVALID_ROUNDING", "rounding",
        amount="1.0000009", rounding="nearest")
    return s


# --- suite: time_window (expiration and timestamp windows, with a fixed server time) --------------


def build_time_window(att: dict[str, Any]) -> Suite:
    s = Suite("time_window", "Time rules with a fixed server_now (no clock): Sera expiration and quote deadline "
              "(strictly after now, at most now + 365 days - 300 s), Sera API-key timestamps (±300 s) and "
              "Renance timestamps (±30 s), at and around every boundary. The outcomes are written by hand "
              "from the rule, and eip712kit must agree.", att)
    now = SERVER_NOW
    far = 365 * 86400 - 300

    def case(rule: str, label: str, value: Any, outcome: str | None, description: str) -> None:
        name = conformance.TIME_WINDOW_RULES[rule]
        inp: dict[str, Any] = {"rule": rule, "server_now": now}
        if value is not _ABSENT:
            inp[name] = value
        cid = f"{rule}-{label}"
        if outcome is None:
            s.positive(cid, "time_window", description, inp)
        else:
            s.negative(cid, "time_window", description, inp, outcome, name)

    for rule in ("sera_expiration", "sera_deadline"):
        case(rule, "now-plus-1", now + 1, None, "One second after server time: accepted.")
        case(rule, "one-day", now + 86400, None, "One day ahead: accepted.")
        case(rule, "max", now + far, None, "Exactly now + 365 days - 300 s: accepted (the bound is inclusive).")
        case(rule, "max-minus-1", now + far - 1, None, "One second inside the far bound: accepted.")
        case(rule, "max-plus-1", now + far + 1, "EXPIRATION_TOO_FAR", "One second beyond the far bound.")
        case(rule, "365-days", now + 365 * 86400, "EXPIRATION_TOO_FAR", "A full 365 days ahead is too far.")
        case(rule, "uint48-max", UINT48_MAX, "EXPIRATION_TOO_FAR", "uint48 max: far too far.")
        case(rule, "now", now, "EXPIRATION_PAST", "Equal to server time: not strictly after.")
        case(rule, "now-minus-1", now - 1, "EXPIRATION_PAST", "One second in the past.")
        case(rule, "one", 1, "EXPIRATION_PAST", "1970-01-01T00:00:01Z.")
        case(rule, "zero", 0, "EXPIRATION_MISSING", "Zero means missing.")
        case(rule, "absent", _ABSENT, "EXPIRATION_MISSING", "No value at all.")
        case(rule, "decimal-string", str(now + 60), None, "A decimal string is the same number: accepted.")
    for rule, window in (("sera_api_key_timestamp", 300), ("renance_timestamp", 30)):
        for delta in (0, 1, -1, window - 1, -(window - 1), window, -window):
            case(rule, f"delta-{'plus' if delta >= 0 else 'minus'}-{abs(delta)}", now + delta, None,
                 f"{delta:+d} s from server time: within ±{window} s (inclusive).")
        for delta in (window + 1, -(window + 1), 10 * window, -now):
            case(rule, f"delta-{'plus' if delta >= 0 else 'minus'}-{abs(delta)}", now + delta,
                 "TIMESTAMP_OUT_OF_WINDOW", f"{delta:+d} s from server time: outside ±{window} s.")
    return s


_ABSENT = object()


# --- the JSON Schema of the format ------------------------------------------------------------------


def build_schema() -> dict[str, Any]:
    """vectors/schema.json: the format as JSON Schema (draft 2020-12), error codes from errors.CODES."""
    from eip712kit.errors import CODES

    hex32 = {"type": "string", "pattern": "^0x[0-9a-fA-F]{64}$"}
    address = {"type": "string", "pattern": "^0x[0-9a-fA-F]{40}$"}
    signature = {"type": "string", "pattern": "^0x[0-9a-fA-F]{130}$",
                 "description": "65 bytes r ‖ s ‖ v with v 27 or 28 (0x1b/0x1c), low s"}
    dec = {"type": "string", "pattern": "^-?[0-9]+$", "description": "a decimal integer as a string"}
    uint = {"oneOf": [{"type": "integer", "minimum": 0, "maximum": 2**53}, {"type": "string", "pattern": "^[0-9]+$"}],
            "description": "an unsigned integer: a JSON number up to 2**53, a decimal string beyond"}
    implementations = {"type": "array", "items": {"type": "string", "pattern": "^@?[^@\\s]+@[^@\\s]+$"},
                       "uniqueItems": True, "description": "implementations as name@version"}
    positive_kind = {
        "typed_data": (
            {"type": "object", "required": ["typed_data"], "additionalProperties": False, "properties": {
                "typed_data": {"type": "object", "required": ["types", "primaryType", "domain", "message"],
                               "additionalProperties": False, "properties": {
                                   "types": {"type": "object", "additionalProperties": {
                                       "type": "array", "items": {
                                           "type": "object", "required": ["name", "type"],
                                           "additionalProperties": False,
                                           "properties": {"name": {"type": "string"}, "type": {"type": "string"}}}}},
                                   "primaryType": {"type": "string"},
                                   "domain": {"$ref": "#/$defs/jsSafe"},
                                   "message": {"$ref": "#/$defs/jsSafe"}}},
                "key": {"type": "string"}}},
            {"type": "object", "required": ["encodeType", "typeHash", "domainSeparator", "digest"],
             "additionalProperties": False, "properties": {
                 "encodeType": {"type": "object", "required": ["EIP712Domain"],
                                "additionalProperties": {"type": "string"}},
                 "typeHash": {"type": "object", "required": ["EIP712Domain"], "additionalProperties": hex32},
                 "domainSeparator": hex32, "structHash": hex32, "digest": hex32, "signature": signature,
                 "signer": address}},
        ),
        "personal_sign": (
            {"type": "object", "required": ["message", "encoding"], "additionalProperties": False, "properties": {
                "message": {"type": "string"}, "encoding": {"enum": ["utf8", "hex"]}, "key": {"type": "string"}}},
            {"type": "object", "required": ["digest"], "additionalProperties": False,
             "properties": {"digest": hex32, "signature": signature, "signer": address}},
        ),
        "uuid_int": (
            {"type": "object", "required": ["operation"], "additionalProperties": False, "properties": {
                "operation": {"enum": ["pack", "pack_batch", "pack_leg", "unpack", "check_binding"]},
                "order_id": {"type": "string"}, "order_ids": {"type": "array", "items": {"type": "string"}},
                "group_order_id": {"type": "string"}, "executor_id": {"type": "integer"},
                "leg_id": {"type": "integer"}, "uuid_int": dec}},
            {"type": "object", "additionalProperties": False, "minProperties": 1, "properties": {
                "uuid_int": dec, "uuid_ints": {"type": "array", "items": dec},
                "executor_id": {"type": "integer"}, "uuid": {"type": "string"}, "group_id": dec,
                "leg_id": {"type": "integer"}, "is_uuid4": {"type": "boolean"}, "standalone": {"type": "boolean"}}},
        ),
        "sera_order": (
            {"type": "object", "required": ["side", "amount", "price", "base", "quote", "user", "expiration"],
             "additionalProperties": False, "properties": {
                 "side": {"type": "string"}, "amount": {"type": "string"}, "price": {"type": "string"},
                 "base": {"$ref": "#/$defs/token"}, "quote": {"$ref": "#/$defs/token"}, "user": address,
                 "expiration": uint, "order_id": {"type": "string"}, "executor_id": {"type": "integer"},
                 "uuid_int": dec, "fee_bps": uint, "recipient": address, "initial_deposit_amount": uint,
                 "rounding": {"enum": ["down", "up", "half_even"]}, "server_now": uint,
                 "domain": {"$ref": "#/$defs/jsSafe"}, "key": {"type": "string"}}},
            {"type": "object", "required": ["order", "uuid_int", "domain", "domainSeparator", "structHash", "digest"],
             "additionalProperties": False, "properties": {
                 "order": {"type": "object", "additionalProperties": False,
                           "required": [n for n, _ in sera.Order.fields],
                           "properties": {n: (address if t == "address" else uint) for n, t in sera.Order.fields}},
                 "uuid_int": dec, "domain": {"$ref": "#/$defs/jsSafe"}, "domainSeparator": hex32,
                 "structHash": hex32, "digest": hex32, "signature": signature, "signer": address,
                 "body": {"type": "object", "description": "the POST /verify-signature (and /orders) body"}}},
        ),
        "time_window": (
            {"type": "object", "required": ["rule", "server_now"], "additionalProperties": False, "properties": {
                "rule": {"enum": list(conformance.TIME_WINDOW_RULES)}, "server_now": uint,
                "expiration": uint, "deadline": uint, "timestamp": uint}},
            {"type": "object", "required": ["accepted"], "additionalProperties": False,
             "properties": {"accepted": {"const": True}}},
        ),
    }
    kind_rules = []
    for kind, (inp, expected) in positive_kind.items():
        kind_rules.append({"if": {"required": ["expected"], "properties": {"kind": {"const": kind}}},
                           "then": {"properties": {"input": inp, "expected": expected}}})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:eip712kit:vectors:1",
        "title": f"eip712kit golden vectors ({conformance.FORMAT})",
        "description": "One vector file: a suite of cases, each an input and either every expected value or the "
                       "error an implementation must refuse the input with. Written by tools/gen_vectors.py; "
                       "explained in docs/vectors.md.",
        "type": "object",
        "required": ["format", "suite", "description", "keys", "cases"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": conformance.FORMAT},
            "suite": {"type": "string", "pattern": "^[a-z0-9_]+$"},
            "description": {"type": "string"},
            "generated_by": {"type": "string"},
            "attested_by": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1},
                            "description": "how many cases of this file each implementation attested"},
            "keys": {"type": "object", "additionalProperties": {"$ref": "#/$defs/key"}},
            "cases": {"type": "array", "items": {"$ref": "#/$defs/case"}},
        },
        "$defs": {
            "key": {"type": "object", "required": ["private_key", "address", "note"], "additionalProperties": False,
                    "properties": {"private_key": hex32, "address": address,
                                   "note": {"type": "string", "pattern": "^PUBLIC development key"}}},
            "token": {"type": "object", "required": ["address", "decimals"], "additionalProperties": False,
                      "properties": {"address": address, "decimals": {"type": "integer", "minimum": 0, "maximum": 255},
                                     "symbol": {"type": "string"}}},
            "jsSafe": {"description": "any JSON value whose numbers a JavaScript reader keeps exactly (|n| <= 2**53)",
                       "anyOf": [{"type": ["string", "boolean", "null"]},
                                 {"type": "number", "minimum": -(2**53), "maximum": 2**53},
                                 {"type": "array", "items": {"$ref": "#/$defs/jsSafe"}},
                                 {"type": "object", "additionalProperties": {"$ref": "#/$defs/jsSafe"}}]},
            "error": {"type": "object", "required": ["code"], "additionalProperties": False, "properties": {
                "code": {"enum": sorted(CODES)},
                "path": {"type": "string", "description": "JSON path of the offending value in the input"}}},
            "case": {
                "type": "object",
                "required": ["id", "kind", "input"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9_]+/[A-Za-z0-9_.$-]+$"},
                    "kind": {"enum": list(conformance.KINDS)},
                    "description": {"type": "string"},
                    "input": {"type": "object"},
                    "expected": {"type": "object"},
                    "error": {"$ref": "#/$defs/error"},
                    "attested_by": implementations,
                    "accepted_by": implementations,
                    "refused_by": implementations,
                },
                "oneOf": [{"required": ["expected"]}, {"required": ["error"]}],
                "allOf": kind_rules,
            },
        },
    }


# --- main ---------------------------------------------------------------------------------------

BUILDERS: list[tuple[str, Callable[[dict[str, Any]], Suite]]] = [
    ("core.json", build_core),
    ("negative.json", build_negative),
    ("alura.json", build_alura),
    ("sera.json", build_sera),
    ("renance.json", build_renance),
    ("uuid_int.json", build_uuid_int),
    ("sera_order.json", build_sera_order),
    ("time_window.json", build_time_window),
]


def load_attestations(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def generate(attestations: dict[str, Any]) -> dict[str, str]:
    """Every vector file's text, by file name."""
    out = {}
    for name, build in BUILDERS:
        suite = build(attestations)
        if suite.stale:
            print(f"gen_vectors: {name}: {len(suite.stale)} case(s) changed since the node attestation "
                  f"(e.g. {suite.stale[0]}): run node tools/node/attest.mjs --record vectors/attestations.json "
                  "and generate again", file=sys.stderr)
        out[name] = dump(suite.to_json())
    out["schema.json"] = json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=VECTORS, help="directory to write (default: vectors/)")
    parser.add_argument("--attestations", type=Path, default=ATTESTATIONS,
                        help="node attestation record (default: vectors/attestations.json)")
    parser.add_argument("--check", action="store_true", help="compare with --out instead of writing; exit 1 on a diff")
    args = parser.parse_args(argv)
    try:
        files = generate(load_attestations(args.attestations))
    except GenerationError as exc:
        print(f"gen_vectors: {exc}", file=sys.stderr)
        return 1
    if args.check:
        stale = []
        for name, text in files.items():
            target = args.out / name
            current = target.read_text(encoding="utf-8") if target.is_file() else ""
            if current != text:
                stale.append(name)
                diff = difflib.unified_diff(current.splitlines(), text.splitlines(), f"a/{name}", f"b/{name}",
                                            lineterm="", n=1)
                print("\n".join(list(diff)[:40]), file=sys.stderr)
        if stale:
            print(f"gen_vectors: out of date: {', '.join(stale)} (run python tools/gen_vectors.py)", file=sys.stderr)
            core = args.out / "core.json"
            committed = core.read_text(encoding="utf-8") if core.is_file() else ""
            if ETH_ACCOUNT not in committed and "eth-account@" in committed:
                print(f"gen_vectors: note: the files were stamped by another eth-account version than the installed "
                      f"{ETH_ACCOUNT}; install that version to compare like with like, or commit the new stamps",
                      file=sys.stderr)
            return 1
        print(f"gen_vectors: {len(files)} files up to date")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, text in files.items():
        (args.out / name).write_text(text, encoding="utf-8")
        if name == "schema.json":
            print(f"{name}: the format's JSON Schema")
            continue
        count = text.count('\n      "id": ')
        total += count
        print(f"{name}: {count} cases")
    print(f"total: {total} cases in {len(files) - 1} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
