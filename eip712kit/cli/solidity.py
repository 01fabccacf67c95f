"""``eip712kit solidity``: the Solidity a verifying contract needs for a document or a declared struct."""

from __future__ import annotations

import sys
from typing import IO, Any

import click

from ..base.errors import DocumentError
from ..core.typed_data import TypedData
from ..protocols.registry import declared_struct, struct_names
from ..solidity import harness_source, library_source
from ._common import EXIT_OK, current_limits, limits_options, read_input

_FILE = click.File("rb")


def _declared_document(name: str, td: TypedData) -> dict[str, Any]:
    """The document as the declared struct ``name`` signs it: its declaration, the document's domain and values.

    The document's own primary struct must be that declaration, field for field: a contract generated
    from the declaration would hash anything else differently.
    """
    struct, _ = declared_struct(name)
    declared = [(f, t) for f, t in struct.fields]
    found = list(td.schema.types.get(struct.primary_type, ()))
    if td.primary_type != struct.primary_type or found != declared:
        mine = ", ".join(f"{t} {f}" for f, t in found) if found else "no such struct"
        raise DocumentError(
            f"the document does not sign {name}: its primaryType is {td.primary_type!r} and its "
            f"{struct.primary_type} is ({mine}); {name} is ({', '.join(f'{t} {f}' for f, t in declared)})",
            code="INVALID_TYPES",
            path=f"types.{struct.primary_type}",
        )
    struct.from_message(td.message)  # the values, checked as the declared struct checks them
    return {"types": struct.types(), "primaryType": struct.primary_type, "domain": dict(td.domain),
            "message": td.message}


@click.command("solidity")
@click.argument("file", type=_FILE, required=False)
@click.option("--struct", "struct_name", metavar="PROTOCOL.STRUCT",
              help="A declared protocol struct (" + ", ".join(struct_names()[:3]) + ", ...): its declaration "
              "is written; the domain is the protocol's documented one, or FILE's when FILE is given.")
@click.option("--check-contract", is_flag=True,
              help="Also print contract Eip712KitCheck: it builds FILE's message from its values and returns "
                   "digest(), domainSeparator(), structHash() and recover(signature) on-chain.")
@limits_options
def command(file: IO[bytes] | None, struct_name: str | None, check_contract: bool) -> int:
    """Print Solidity that computes EIP-712 hashes.

    For a typed-data document's types, or for a declared struct's.

    \b
    Examples:
      eip712kit solidity mail.json                    library: structs, typehashes, hash(), digest()
      eip712kit solidity mail.json --check-contract   + contract Eip712KitCheck, for a test
      eip712kit solidity --struct sera.Order          the declared struct, Sera's documented domain
      eip712kit solidity order.json --struct sera.Order --check-contract

    \b
    The output compiles as is with solc >= 0.8.4: one library with a struct per EIP-712 struct,
    its *_TYPEHASH (keccak256 of the encodeType string), hash(<Struct> memory) = hashStruct, a
    hash() per array type of structs, strings, bytes or arrays, domainSeparator() of the domain's
    values and digest() = keccak256(0x1901 ‖ domainSeparator ‖ hashStruct). A Solidity keyword
    used as a name gets a trailing _ (noted at the top; no hash changes). With --check-contract,
    paste the whole output into a Foundry or Hardhat test: Eip712KitCheck.digest() must equal
    `eip712kit hash FILE`. FILE is the standard {types, primaryType, domain, message} JSON, or -.
    """
    if file is None and struct_name is None:
        raise click.UsageError("give a typed-data document FILE (or -), or --struct PROTOCOL.STRUCT")
    if check_contract and file is None:
        raise click.UsageError("--check-contract builds a document's message from its values: give FILE too")
    if file is None:
        assert struct_name is not None
        struct, domain = declared_struct(struct_name)
        sys.stdout.write(library_source(struct.types(), struct.primary_type, domain.to_dict()))
        return EXIT_OK
    td = TypedData(read_input(file, current_limits()), limits=current_limits())
    if struct_name is not None:
        td = TypedData(_declared_document(struct_name, td))
    if check_contract:
        sys.stdout.write(harness_source(td))
    else:
        sys.stdout.write(library_source(td.to_dict()["types"], td.primary_type, td.domain))
    return EXIT_OK
