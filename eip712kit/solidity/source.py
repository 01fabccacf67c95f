"""Solidity source for EIP-712 hashing, written by one walk over a schema's parsed field types.

For a set of EIP-712 structs (a document's ``types``, or a declared protocol struct) and a domain,
:func:`library_source` writes one Solidity >= 0.8 library: a ``struct`` per EIP-712 struct, its
``*_TYPEHASH`` constant (``keccak256`` of the literal ``encodeType`` string), a ``hash(S memory)`` per
struct that is ``hashStruct``, a ``hash(T memory)`` per array type whose elements are not atomic static
values, the domain separator of the given domain values, and ``digest`` (``keccak256(0x1901 ‖ domain
separator ‖ hashStruct)``). :func:`harness_source` adds ``contract Eip712KitCheck`` that builds a
document's message from its values and returns its digest, domain separator and struct hash on-chain,
and recovers a signature with ``ecrecover``: a harness to paste into a Foundry or Hardhat test.

The walk is the core's: each struct's fields come parsed (:meth:`~eip712kit.core.schema.Schema.struct_fields`,
:class:`~eip712kit.core.field_types.FieldType`), and a message's value is taken apart by
:func:`eip712kit.core.walk.walk` into one assignment per leaf. Every field's encoding is decided in one
place, :meth:`_Writer.word`, from the parsed field type:

=========================  ===================================================================
field type                 its 32-byte word in ``abi.encode`` (encodeData)
=========================  ===================================================================
address, bool, uintN,      the value itself: ``abi.encode`` pads it to 32 bytes as encodeData
intN, bytesN               does (intN sign-extended, bytesN right-padded)
string / bytes             ``keccak256(bytes(v))`` / ``keccak256(v)``
struct                     ``hash(v)``: its hashStruct
T[] / T[N], T atomic       ``keccak256(abi.encodePacked(v))``: the elements' padded words,
and static                 concatenated
any other array            ``hash(v)``: a generated function hashing the words of the elements
=========================  ===================================================================

The type hashes are eip712kit's ``encodeType`` strings written out; the encoding of every value —
padding, sign extension, nested and array hashes, the domain separator and the digest — is the EVM's.
Nothing here is executed by Python: the source is text for solc.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..base.errors import TypeDefinitionError
from ..core.domain import derived_domain_type, domain_separator
from ..core.encoders import atomic_reader
from ..core.field_types import FieldType
from ..core.schema import Schema, compile_types
from ..core.typed_data import TypedData
from ..core.walk import Visit, walk
from .literals import literal, string_literal
from .names import BUILTINS, constant_name, unique

PRAGMA = "pragma solidity ^0.8.4;"
"""0.8.4: ``bytes.concat``; the generated code uses nothing newer (solc-js 0.8.x compiles it)."""
CHECK_CONTRACT = "Eip712KitCheck"
DOMAIN = "EIP712Domain"
WORDS_PER_ENCODE = 12
"""Words per ``abi.encode`` call in a struct's hash (the type hash and 11 fields: Sera's Order in one
call). More arguments at once exceed the EVM's 16 reachable stack slots ("stack too deep": 14 words
fail with solc 0.8.37, no optimizer); the words of several calls are joined with ``bytes.concat``,
the same bytes, since every word is 32 bytes. tests/test_solidity.py compiles the widest vector."""
LINE = 110
"""Longest line written with every argument on it; longer calls get one argument per line."""
EMPTY_MEMBER = "__eip712kit_no_fields"
"""Solidity has no struct without members: an EIP-712 struct with no fields gets this one, which its
hash ignores (``hashStruct`` of such a struct is ``keccak256(typeHash)``)."""
_GENERATED = frozenset({"hash", "digest", "domainSeparator", "message", "structHash", "recover", CHECK_CONTRACT,
                        "value", "words", "i", "domain", "signature", "r", "s", "v", "Eip191", "decimal"})
"""Names the generated source declares or uses as locals: a struct must not be named like them."""


def _static_atomic(t: FieldType) -> bool:
    """An atomic type whose value ``abi.encode`` pads into its one encodeData word (not string or bytes)."""
    return t.kind == "atomic" and t.base not in ("string", "bytes")


Assignment = tuple[str, str]
"""One statement of a value's construction: the lvalue's path below the value (``.from.name``,
``[2]``) and the expression assigned to it."""


class _Assignments:
    """A visitor of :func:`eip712kit.core.walk.walk`: the statements that build a value, leaves as literals.

    A memory struct and a fixed-size array start allocated and zero; a dynamic array is allocated
    (``new T[](n)``) before its elements are set.
    """

    def __init__(self, writer: _Writer, qualify: bool):
        self.writer = writer
        self.qualify = qualify

    def atomic(self, at: Visit) -> list[Assignment]:
        return [("", literal(at.type.base, atomic_reader(at.type.base)(at.value)))]

    def struct(self, at: Visit, fields: Sequence[tuple[str, list[Assignment]]]) -> list[Assignment]:
        members = dict(zip((f.name for f in self.writer.schema.struct_fields(at.type.base)),
                           self.writer.fields[at.type.base], strict=True))
        return [(f".{members[name]}{lvalue}", rhs) for name, parts in fields for lvalue, rhs in parts]

    def array(self, at: Visit, items: Sequence[list[Assignment]]) -> list[Assignment]:
        allocate = [("", f"new {self.writer.sol_type(at.type, self.qualify)}({len(items)})")] \
            if at.type.length is None else []
        return allocate + [(f"[{i}]{lvalue}", rhs) for i, parts in enumerate(items) for lvalue, rhs in parts]


@dataclass(frozen=True)
class Renamed:
    """A name Solidity cannot take as written, and the one the source uses instead."""

    what: str
    eip712: str
    solidity: str


def _listed(items: Sequence[str], indent: int) -> list[str]:
    """One argument per line, comma-separated, at ``indent`` spaces."""
    return [" " * indent + item + ("," if i < len(items) - 1 else "") for i, item in enumerate(items)]


class _Writer:
    """The names of one program and the walk that writes its library (see the module docstring)."""

    def __init__(self, schema: Schema, primary: str):
        self.schema = schema
        self.primary = primary
        taken: set[str] = set()
        avoid = BUILTINS | _GENERATED
        self.library = unique(f"Eip712{primary}", taken, avoid)
        self.structs = {name: unique(name, taken, avoid) for name in schema.types}
        stems: set[str] = set()
        self.constants = {name: unique(f"{constant_name(name)}_TYPEHASH", stems) for name in schema.types}
        self.fields: dict[str, list[str]] = {}
        self.renamed = [Renamed("struct", n, s) for n, s in self.structs.items() if n != s]
        for name in schema.types:
            members: set[str] = set()
            declared = [f.name for f in schema.struct_fields(name)]
            self.fields[name] = [unique(f, members) for f in declared]
            self.renamed += [Renamed(f"field of {name}", f, s) for f, s in zip(declared, self.fields[name],
                                                                                strict=True) if f != s]
        self.helpers: dict[str, list[str]] = {}

    # -- types and words --

    def sol_type(self, t: FieldType, qualify: bool = False) -> str:
        """The Solidity type of a field type: the same text, with a struct's Solidity name (outside the
        library, ``qualify``: prefixed with the library's)."""
        if t.struct is None:
            return t.text
        return t.with_base((f"{self.library}." if qualify else "") + self.structs[t.struct])

    def word(self, t: FieldType, expr: str) -> str:
        """The expression of a value's encodeData word (the table of the module docstring)."""
        if t.element is not None:
            if _static_atomic(t.element):
                return f"keccak256(abi.encodePacked({expr}))"
            self._array_helper(t)
            return f"hash({expr})"
        if t.base == "string":
            return f"keccak256(bytes({expr}))"
        if t.base == "bytes":
            return f"keccak256({expr})"
        return expr if t.kind == "atomic" else f"hash({expr})"

    def _array_helper(self, t: FieldType) -> None:
        """``hash(T memory)`` for an array type: keccak256 of its elements' words, concatenated."""
        if t.text in self.helpers:
            return
        self.helpers[t.text] = []  # taken before the walk into the elements: a recursive type ends here
        assert t.element is not None
        self.helpers[t.text] = [
            f"    function hash({self.sol_type(t)} memory value) internal pure returns (bytes32) {{",
            "        bytes32[] memory words = new bytes32[](value.length);",
            "        for (uint256 i = 0; i < value.length; i++) {",
            f"            words[i] = {self.word(t.element, 'value[i]')};",
            "        }",
            "        return keccak256(abi.encodePacked(words));",
            "    }",
        ]

    # -- the library --

    def struct_declaration(self, name: str) -> list[str]:
        fields = self.schema.struct_fields(name)
        members = [f"        {self.sol_type(f.type)} {m};" for f, m in zip(fields, self.fields[name], strict=True)]
        return [f"    struct {self.structs[name]} {{", *(members or [f"        bool {EMPTY_MEMBER};"]), "    }"]

    def hash_function(self, name: str) -> list[str]:
        fields = self.schema.struct_fields(name)
        words = [self.constants[name]] + [self.word(f.type, f"value.{m}")
                                          for f, m in zip(fields, self.fields[name], strict=True)]
        head = [f"    /// hashStruct({name}): keccak256(typeHash ‖ the 32-byte word of each field).",
                f"    function hash({self.structs[name]} memory{' value' if fields else ''}) internal pure "
                "returns (bytes32) {"]
        inline = f"        return keccak256(abi.encode({', '.join(words)}));"
        if len(inline) <= LINE:
            return [*head, inline, "    }"]
        if len(words) <= WORDS_PER_ENCODE:
            return [*head, "        return keccak256(abi.encode(", *_listed(words, 12), "        ));", "    }"]
        body = ["        // the words in groups: the same bytes as one abi.encode, within the EVM's 16 stack slots",
                "        return keccak256(bytes.concat("]
        groups = [words[i:i + WORDS_PER_ENCODE] for i in range(0, len(words), WORDS_PER_ENCODE)]
        for n, group in enumerate(groups):
            close = "            )" + ("," if n < len(groups) - 1 else "")
            body += ["            abi.encode(", *_listed(group, 16), close]
        return [*head, *body, "        ));", "    }"]

    def assignments(self, type_text: str, target: str, value: Any, qualify: bool = False) -> list[str]:
        """Statements that set ``target`` (allocated, zero) to ``value`` of ``type_text``: a walk over the value
        (``qualify``: written outside the library)."""
        parts = walk(self.schema, type_text, value, _Assignments(self, qualify))
        return [f"{target}{lvalue} = {rhs};" for lvalue, rhs in parts]

    def library_source(self, domain: Mapping[str, Any]) -> list[str]:
        order = [DOMAIN, *[n for n in self.schema.types if n != DOMAIN]]
        lines = [f"/// EIP-712 hashing of {self.primary}, for the domain below. Generated by eip712kit.",
                 f"library {self.library} {{"]
        for name in order:
            lines += self.struct_declaration(name)
        lines.append("")
        for name in order:
            lines.append(f"    bytes32 internal constant {self.constants[name]} =")
            lines.append(f"        keccak256({string_literal(self.schema.encode_type(name))});")
        for name in order:
            lines += ["", *self.hash_function(name)]
        for helper in self.helpers.values():
            lines += ["", *helper]
        body = self.assignments(DOMAIN, "domain", domain)
        lines += [
            "",
            "    /// The domain separator: hashStruct(EIP712Domain) of the domain's values.",
            "    function domainSeparator() internal pure returns (bytes32) {",
            f"        {self.structs[DOMAIN]} memory domain;",
            *(f"        {s}" for s in body),
            "        return hash(domain);",
            "    }",
            "",
        ]
        if self.primary == DOMAIN:
            lines += ["    /// primaryType EIP712Domain: keccak256(0x1901 ‖ domain separator), no message hash.",
                      "    function digest() internal pure returns (bytes32) {",
                      '        return keccak256(abi.encodePacked(hex"1901", domainSeparator()));',
                      "    }"]
        else:
            lines += ["    /// The EIP-712 digest: keccak256(0x1901 ‖ domain separator ‖ hashStruct(value)).",
                      f"    function digest({self.structs[self.primary]} memory value) internal pure "
                      "returns (bytes32) {",
                      '        return keccak256(abi.encodePacked(hex"1901", domainSeparator(), hash(value)));',
                      "    }"]
        lines.append("}")
        return lines

    def notes(self) -> list[str]:
        return [f"// {r.what} {r.eip712!r} is {r.solidity} here (a reserved word in Solidity; no hash changes)"
                for r in self.renamed]


def _header(what: str, renamed: list[str]) -> list[str]:
    return [
        "// SPDX-License-Identifier: MIT",
        f"// {what}",
        "// Generated by eip712kit (`eip712kit solidity`): the type strings are EIP-712's encodeType, and",
        "// every value is encoded and hashed by the EVM.",
        *renamed,
        PRAGMA,
        "",
    ]


def library_source(types: Mapping[str, Any], primary: str, domain: Mapping[str, Any]) -> str:
    """The Solidity library for ``types`` (with or without EIP712Domain), ``primary`` and the domain's values.

    The structs and the domain are checked by eip712kit first (the kit's errors, with their paths):
    only what the kit itself would hash is written.
    """
    schema = compile_types(types)
    if primary not in schema.types:
        raise TypeDefinitionError(f"{primary!r} is not a struct defined in types", code="UNKNOWN_TYPE",
                                  path="primaryType")
    if DOMAIN not in schema.types:
        schema = compile_types({**types, DOMAIN: derived_domain_type(domain)})
    domain_separator(domain, schema)
    writer = _Writer(schema, primary)
    body = writer.library_source(domain)
    return "\n".join(_header(f"EIP-712 structs of {primary}.", writer.notes()) + body) + "\n"


def harness_source(document: Mapping[str, Any] | TypedData) -> str:
    """The library of a typed-data document plus ``contract Eip712KitCheck`` building its message on-chain."""
    td = document if isinstance(document, TypedData) else TypedData(document)
    full = td.to_dict()
    schema = compile_types(full["types"])
    writer = _Writer(schema, td.primary_type)
    library = writer.library_source(td.domain)
    lib = writer.library
    lines = [
        "",
        "/// A harness for a Foundry or Hardhat test: digest() is the document's EIP-712 digest, computed by the EVM.",
        f"contract {CHECK_CONTRACT} {{",
    ]
    if td.primary_type == DOMAIN:
        digest = f"{lib}.digest()"
    else:
        body = writer.assignments(td.primary_type, "value", td.message, qualify=True)
        lines += [
            "    /// The document's message, value by value.",
            f"    function message() internal pure returns ({lib}.{writer.structs[td.primary_type]} memory value) {{",
            *(f"        {s}" for s in body),
            "    }",
            "",
            "    function structHash() external pure returns (bytes32) {",
            f"        return {lib}.hash(message());",
            "    }",
            "",
        ]
        digest = f"{lib}.digest(message())"
    lines += [
        "    function domainSeparator() external pure returns (bytes32) {",
        f"        return {lib}.domainSeparator();",
        "    }",
        "",
        "    function digest() external pure returns (bytes32) {",
        f"        return {digest};",
        "    }",
        "",
        "    /// The address whose key made `signature` (65 bytes: r ‖ s ‖ v) over digest(), by ecrecover.",
        "    function recover(bytes calldata signature) external pure returns (address) {",
        '        require(signature.length == 65, "a signature is 65 bytes: r, s, v");',
        "        bytes32 r = bytes32(signature[0:32]);",
        "        bytes32 s = bytes32(signature[32:64]);",
        "        uint8 v = uint8(signature[64]);",
        f"        return ecrecover({digest}, v, r, s);",
        "    }",
        "}",
    ]
    header = _header(f"EIP-712 structs of {td.primary_type}, and a check of one document's digest on-chain.",
                     writer.notes())
    return "\n".join(header + library + lines) + "\n"


def personal_harness_source(message: bytes) -> str:
    """``contract Eip712KitCheck`` whose digest() is EIP-191's of ``message``, its length written on-chain."""
    return "\n".join([
        "// SPDX-License-Identifier: MIT",
        "// EIP-191 (personal_sign) of one message, computed by the EVM. Generated by eip712kit.",
        PRAGMA,
        "",
        "library Eip191 {",
        "    /// keccak256(\"\\x19Ethereum Signed Message:\\n\" ‖ decimal length ‖ message).",
        "    function digest(bytes memory message) internal pure returns (bytes32) {",
        '        return keccak256(abi.encodePacked("\\x19Ethereum Signed Message:\\n", decimal(message.length), '
        "message));",
        "    }",
        "",
        "    function decimal(uint256 n) internal pure returns (bytes memory out) {",
        "        uint256 digits = 1;",
        "        for (uint256 rest = n / 10; rest != 0; rest /= 10) digits++;",
        "        out = new bytes(digits);",
        "        for (uint256 i = digits; i > 0; i--) {",
        "            out[i - 1] = bytes1(uint8(48 + n % 10));",
        "            n /= 10;",
        "        }",
        "    }",
        "}",
        "",
        f"contract {CHECK_CONTRACT} {{",
        "    function message() internal pure returns (bytes memory) {",
        f'        return hex"{message.hex()}";',
        "    }",
        "",
        "    function digest() external pure returns (bytes32) {",
        "        return Eip191.digest(message());",
        "    }",
        "",
        "    function recover(bytes calldata signature) external pure returns (address) {",
        '        require(signature.length == 65, "a signature is 65 bytes: r, s, v");',
        "        return ecrecover(Eip191.digest(message()), uint8(signature[64]), bytes32(signature[0:32]), "
        "bytes32(signature[32:64]));",
        "    }",
        "}",
    ]) + "\n"


__all__ = ["CHECK_CONTRACT", "PRAGMA", "Renamed", "harness_source", "library_source", "personal_harness_source"]
