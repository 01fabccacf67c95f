"""The golden vectors against a signer of your own, in-process, as items of your own pytest suite.

    pytest examples/test_in_process_signer.py

"My signer" here is eth-account; replace ``my_signer`` with yours. Each vector case is one test,
named by its case id. The feature tags eth-account cannot handle are declared, so those cases are
skipped by declaration (with the reason), never passed; docs/vectors.md lists every tag.
"""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak

import eip712kit.testing as vectors

UNSUPPORTED = [
    "declared-domain-order", "primary-eip712domain", "non-root-primary", "unused-types",  # cannot express
    "array-length-refusal", "bad-checksum-refusal", "bytes-length-refusal", "document-extra-key-refusal",
    "duplicate-field-refusal", "extra-field-refusal", "int-alias-refusal", "invalid-bool-refusal",
    "invalid-hex-refusal", "invalid-string-refusal", "invalid-struct-refusal", "invalid-type-name-refusal",
    "missing-field-refusal", "padded-number-refusal", "unencodable-cycle-refusal", "unprefixed-address-refusal",
    "zero-length-array-refusal",  # inputs it signs although eip712kit refuses them
]


def my_signer(inp: dict[str, Any]) -> dict[str, Any]:
    """Your code: hash (and sign, when a key is given) one typed-data document."""
    signable = encode_typed_data(full_message=inp["typed_data"])
    out: dict[str, Any] = {"digest": "0x" + keccak(b"\x19" + signable.version + signable.header + signable.body).hex()}
    if "private_key" in inp:  # a PUBLIC development key from the vectors
        signed = Account.sign_message(signable, inp["private_key"])
        out["signature"] = "0x" + bytes(signed.signature).hex()
    return out


@vectors.parametrize_cases(kinds=["typed_data"], unsupported=UNSUPPORTED)
def test_my_signer(case: vectors.VectorCase) -> None:
    try:
        result: dict[str, Any] | Exception = my_signer(case.input)
    except Exception as exc:  # a refusal: what a negative case expects
        result = exc
    vectors.check(case, result)
