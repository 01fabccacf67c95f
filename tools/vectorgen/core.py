"""The core suite: EIP-712 itself — the specification's Mail, every atomic type at its edges, arrays,
recursion, domain subsets and the conventions wallets differ on.
"""

from __future__ import annotations

import re
from typing import Any

from eip712kit.core.domain import DOMAIN_FIELD_TYPES

from .common import (
    ADDR_A,
    ADDR_B,
    DEV0,
    DEV1,
    DOMAIN_TYPE_FULL,
    MAIL_DIGEST,
    MAIL_DOMAIN,
    MAIL_MESSAGE,
    MAIL_TYPES,
    SALT,
    UINT32_MAX,
    UINT48_MAX,
    UINT256_MAX,
    doc_of,
    js_safe,
    rand_address,
    rng,
    simple,
)
from .suite import Suite


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
