"""Build the hand-made vector files used by tools/node/selftest (independent of eip712kit).

Expected values come from eth-account (Python), not from any of the Node
implementations that attest.mjs checks, so the self-test is a real
cross-implementation check.  Only the PUBLIC Hardhat/Anvil development key
#0 is used.

    python tools/node/selftest/make_fixtures.py [OUT_DIR]   # needs eth-account

OUT_DIR defaults to tools/node/selftest/fixtures.

writes OUT_DIR/good/selftest.json (every positive case correct) and
OUT_DIR/bad/selftest-bad.json (deliberate mistakes that attest.mjs must flag).
"""

import copy
import json
import os
import sys

from eth_account import Account
from eth_account._utils.encode_typed_data.encoding_and_hashing import (
    encode_type,
    hash_struct,
    hash_type,
)
from eth_account.messages import encode_defunct, encode_typed_data
from eth_utils import keccak

DEV0_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
DEV0_ADDR = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
KEYS = {
    "dev0": {
        "private_key": DEV0_KEY,
        "address": DEV0_ADDR,
        "note": "PUBLIC development key (Hardhat/Anvil account #0) - never use for funds",
    }
}
CANON = [
    ("name", "string"),
    ("version", "string"),
    ("chainId", "uint256"),
    ("verifyingContract", "address"),
    ("salt", "bytes32"),
]


def hx(b):
    return "0x" + bytes(b).hex()


def derived_domain_type(domain):
    return [{"name": n, "type": t} for n, t in CANON if domain.get(n) is not None]


def reachable(name, types, acc=None):
    acc = set() if acc is None else acc
    base = name.split("[")[0]
    if base in acc or base not in types:
        return acc
    acc.add(base)
    for f in types[base]:
        reachable(f["type"], types, acc)
    return acc


def typed_case(cid, td, key="dev0", description="", cross_check=True):
    types = copy.deepcopy(td["types"])
    domain_type = types.get("EIP712Domain") or derived_domain_type(td["domain"])
    types["EIP712Domain"] = domain_type
    primary = td["primaryType"]
    ds = hash_struct("EIP712Domain", {"EIP712Domain": domain_type}, td["domain"])
    sh = hash_struct(primary, types, td["message"])
    digest = keccak(b"\x19\x01" + ds + (b"" if primary == "EIP712Domain" else sh))
    if cross_check:
        # Same digest through eth-account's high-level API.
        sm = encode_typed_data(full_message=td)
        assert keccak(b"\x19" + sm.version + sm.header + sm.body) == digest, cid
    names = sorted(reachable(primary, types) | {"EIP712Domain"})
    expected = {
        "encodeType": {n: encode_type(n, types) for n in names},
        "typeHash": {n: hx(hash_type(n, types)) for n in names},
        "domainSeparator": hx(ds),
        "structHash": hx(sh),
        "digest": hx(digest),
    }
    inp = {"typed_data": td}
    if key:
        sig = Account.unsafe_sign_hash(digest, KEYS[key]["private_key"])
        assert Account._recover_hash(digest, signature=sig.signature) == KEYS[key]["address"]
        expected["signature"] = hx(sig.signature)
        expected["signer"] = KEYS[key]["address"]
        inp["key"] = key
    return {"id": cid, "kind": "typed_data", "description": description, "input": inp, "expected": expected}


def personal_case(cid, message, encoding, key="dev0", description=""):
    if encoding == "hex":
        sm = encode_defunct(hexstr=message)
    else:
        sm = encode_defunct(text=message)
    digest = keccak(b"\x19" + sm.version + sm.header + sm.body)
    signed = Account.sign_message(sm, KEYS[key]["private_key"])
    assert hx(signed.message_hash) == hx(digest)
    return {
        "id": cid,
        "kind": "personal_sign",
        "description": description,
        "input": {"message": message, "encoding": encoding, "key": key},
        "expected": {"digest": hx(digest), "signature": hx(signed.signature), "signer": KEYS[key]["address"]},
    }


# The EIP-712 specification's Mail example, from its one copy in the repository.
with open(os.path.join(os.path.dirname(__file__), "..", "..", "..", "examples", "mail.json"), encoding="utf-8") as fh:
    MAIL = json.load(fh)
MAIL_TYPES = MAIL["types"]
MAIL_DOMAIN = MAIL["domain"]
MAIL_MESSAGE = MAIL["message"]
MAIL_DIGEST = "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"


def good_cases():
    cases = []
    c = typed_case("selftest/mail", MAIL, description="EIP-712 spec Mail example, EIP712Domain given")
    assert c["expected"]["digest"] == MAIL_DIGEST, c["expected"]["digest"]
    cases.append(c)

    no_dom = copy.deepcopy(MAIL)
    del no_dom["types"]["EIP712Domain"]
    c = typed_case("selftest/mail-derived-domain", no_dom, description="Mail without types.EIP712Domain")
    assert c["expected"]["digest"] == MAIL_DIGEST
    cases.append(c)

    cases.append(typed_case("selftest/mail-no-key", no_dom, key=None, description="no key: hashes only"))

    kitchen = {
        "types": {
            "Item": [
                {"name": "id", "type": "uint256"},
                {"name": "tag", "type": "bytes4"},
                {"name": "blob", "type": "bytes"},
                {"name": "delta", "type": "int64"},
                {"name": "flags", "type": "bool[2]"},
            ],
            "Basket": [
                {"name": "owner", "type": "address"},
                {"name": "items", "type": "Item[]"},
                {"name": "grid", "type": "uint8[][]"},
                {"name": "names", "type": "string[3]"},
                {"name": "empty", "type": "bytes32[]"},
                {"name": "big", "type": "uint256"},
                {"name": "neg", "type": "int256"},
                {"name": "ok", "type": "bool"},
            ],
        },
        "primaryType": "Basket",
        "domain": {
            "name": "Kitchen",
            "chainId": "11155111",
            "salt": "0x" + "11" * 32,
        },
        "message": {
            "owner": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
            "items": [
                {
                    "id": "115792089237316195423570985008687907853269984665640564039457584007913129639935",
                    "tag": "0xdeadbeef",
                    "blob": "0x",
                    "delta": -5,
                    "flags": [True, False],
                },
                {
                    "id": 7,
                    "tag": "0x00000001",
                    "blob": "0x0102030405",
                    "delta": "-9223372036854775808",
                    "flags": [False, True],
                },
            ],
            "grid": [[1, 2, 3], [], [255]],
            "names": ["a", "", "\u00e9\u20ac\U0001f600"],
            "empty": [],
            "big": "340282366920938463463374607431768211456",
            "neg": "-57896044618658097711785492504343953926634992332820282019728792003956564819968",
            "ok": True,
        },
    }
    cases.append(
        typed_case("selftest/kitchen-sink", kitchen, description="arrays, bytesN, bytes, ints, salt, string chainId")
    )

    recursive = {
        "types": {
            "Person": [
                {"name": "name", "type": "string"},
                {"name": "wallet", "type": "address"},
                {"name": "friends", "type": "Person[]"},
            ],
        },
        "primaryType": "Person",
        "domain": {"name": "Recursive", "version": "1", "chainId": 1},
        "message": {
            "name": "Alice",
            "wallet": "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
            "friends": [
                {"name": "Bob", "wallet": "0x90F79bf6EB2c4f870365E785982E1f101E93b906", "friends": []},
                {
                    "name": "Carol",
                    "wallet": "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
                    "friends": [
                        {"name": "Dave", "wallet": "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", "friends": []}
                    ],
                },
            ],
        },
    }
    cases.append(
        typed_case("selftest/recursive-person", recursive, description="self-referencing struct (ethers refuses)")
    )

    mutual = {
        "types": {
            "A": [{"name": "b", "type": "B[]"}, {"name": "x", "type": "uint8"}],
            "B": [{"name": "a", "type": "A[]"}, {"name": "y", "type": "string"}],
        },
        "primaryType": "A",
        "domain": {"name": "Mutual"},
        "message": {"x": 1, "b": [{"y": "hi", "a": [{"x": 2, "b": []}]}]},
    }
    cases.append(
        typed_case("selftest/mutual-recursion", mutual, cross_check=False, description="A <-> B mutual recursion")
    )

    custom_dom = copy.deepcopy(MAIL)
    custom_dom["types"]["EIP712Domain"] = [
        {"name": "chainId", "type": "uint256"},
        {"name": "name", "type": "string"},
        {"name": "verifyingContract", "type": "address"},
        {"name": "version", "type": "string"},
    ]
    cases.append(
        typed_case(
            "selftest/noncanonical-domain-order",
            custom_dom,
            cross_check=False,
            description="types.EIP712Domain in a non-canonical order (ethers cannot)",
        )
    )

    dom_only = {
        "types": {"EIP712Domain": MAIL_TYPES["EIP712Domain"]},
        "primaryType": "EIP712Domain",
        "domain": MAIL_DOMAIN,
        "message": MAIL_DOMAIN,
    }
    cases.append(
        typed_case(
            "selftest/primary-eip712domain",
            dom_only,
            cross_check=False,
            description="primaryType EIP712Domain: digest = keccak(0x1901 || domainSeparator)",
        )
    )

    unused = copy.deepcopy(no_dom)
    unused["types"]["Unused"] = [{"name": "z", "type": "uint256"}]
    cases.append(
        typed_case(
            "selftest/unused-type",
            unused,
            cross_check=False,
            description="an extra type not reachable from primaryType",
        )
    )

    sub = copy.deepcopy(no_dom)
    sub["primaryType"] = "Person"
    sub["message"] = MAIL_MESSAGE["from"]
    cases.append(
        typed_case(
            "selftest/primary-not-root",
            sub,
            cross_check=False,
            description="primaryType Person while Mail is also defined",
        )
    )

    cases.append(personal_case("selftest/personal-hello", "hello", "utf8"))
    cases.append(personal_case("selftest/personal-hex", "0xdeadbeef00ff", "hex"))
    cases.append(
        personal_case(
            "selftest/personal-hexlike-text",
            "0x1234",
            "utf8",
            description="text that looks like hex must be signed as text",
        )
    )
    cases.append(personal_case("selftest/personal-empty", "", "utf8"))
    cases.append(personal_case("selftest/personal-multiline", "Sign in to Alura\nnonce: 42\n\u00e9", "utf8"))

    cases.append(
        {
            "id": "selftest/bad-address",
            "kind": "typed_data",
            "input": {"typed_data": {**no_dom, "message": {**MAIL_MESSAGE, "to": {"name": "Bob", "wallet": "0x123"}}}},
            "error": {"code": "INVALID_ADDRESS", "path": "message.to.wallet"},
        }
    )
    cases.append(
        {
            "id": "selftest/uuid",
            "kind": "uuid_int",
            "input": {"order_id": "00000000-0000-4000-8000-000000000001", "executor_id": 0},
            "expected": {"uuid_int": "6427948336465191935941739505432058208337171677044006212075520"},
        }
    )
    return cases


def bad_cases():
    good = {c["id"]: c for c in good_cases()}
    cases = []
    c = copy.deepcopy(good["selftest/mail"])
    c["id"] = "selftest-bad/wrong-digest"
    c["expected"]["digest"] = "0x" + "00" * 31 + "01"
    cases.append(c)
    c = copy.deepcopy(good["selftest/kitchen-sink"])
    c["id"] = "selftest-bad/wrong-typehash-and-signer"
    c["expected"]["typeHash"]["Item"] = "0x" + "ab" * 32
    c["expected"]["signer"] = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    cases.append(c)
    c = copy.deepcopy(good["selftest/personal-hello"])
    c["id"] = "selftest-bad/personal-wrong-signature"
    c["expected"]["signature"] = good["selftest/personal-hex"]["expected"]["signature"]
    cases.append(c)
    c = copy.deepcopy(good["selftest/mail"])
    c["id"] = "selftest-bad/unknown-key"
    c["input"]["key"] = "nobody"
    cases.append(c)
    return cases


def write(path, suite, cases):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    doc = {
        "format": "eip712kit-vectors/1",
        "suite": suite,
        "description": "hand-made self-test vectors for tools/node/attest.mjs (expected values from eth-account)",
        "keys": KEYS,
        "cases": cases,
    }
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2, ensure_ascii=False)
        fh.write("\n")


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "fixtures")
    write(os.path.join(out, "good", "selftest.json"), "selftest", good_cases())
    write(os.path.join(out, "bad", "selftest-bad.json"), "selftest-bad", bad_cases())
    print("wrote", out)
