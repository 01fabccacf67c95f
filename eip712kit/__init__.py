"""eip712kit — EIP-712 and EIP-191 signatures for trading APIs, exact, fast and explained.

The public surface: :class:`TypedData` and the verbs ``hash_typed_data``, ``sign_typed_data``,
``recover_typed_data``, ``verify_typed_data`` (and their ``*_message`` twins for personal_sign),
the :class:`Signature` value, :class:`PrivateKey` and the error classes. Protocol structs live in
:mod:`eip712kit.protocols`; the Sera bit-packer in :mod:`eip712kit.protocols.sera.uuid_int`.
"""

from typing import TYPE_CHECKING

from .base.errors import (
    CODES,
    DocumentError,
    Eip712KitError,
    KeySourceError,
    NetworkError,
    ProtocolError,
    SignatureError,
    TrustError,
    TypeDefinitionError,
    ValueEncodingError,
)
from .base.limits import DEFAULT_LIMITS, Limits
from .base.parsers import to_checksum_address
from .base.renamed import module_getattr
from .core.api import (
    Verification,
    check_digest,
    check_message,
    check_typed_data,
    hash_typed_data,
    recover_message,
    recover_typed_data,
    sign_message,
    sign_typed_data,
    verify_message,
    verify_typed_data,
)
from .core.keys import PrivateKey, load_key
from .core.messages import hash_message
from .core.signature import Signature, recover_digest, sign_digest
from .core.typed_data import Schema, TypedData, compile_types

__version__ = "0.1.0"  # the one place the version is written: pyproject.toml reads it (dynamic version)

__all__ = [
    "CODES",
    "DEFAULT_LIMITS",
    "DocumentError",
    "Eip712KitError",
    "KeySourceError",
    "Limits",
    "NetworkError",
    "PrivateKey",
    "ProtocolError",
    "Schema",
    "Signature",
    "SignatureError",
    "TrustError",
    "TypeDefinitionError",
    "TypedData",
    "ValueEncodingError",
    "Verification",
    "__version__",
    "check_digest",
    "check_message",
    "check_typed_data",
    "compile_types",
    "hash_message",
    "hash_typed_data",
    "load_key",
    "recover_digest",
    "recover_message",
    "recover_typed_data",
    "sign_digest",
    "sign_message",
    "sign_typed_data",
    "to_checksum_address",
    "verify_message",
    "verify_typed_data",
]

if not TYPE_CHECKING:  # old names kept working, with a warning (base/renamed.py)
    __getattr__ = module_getattr(__name__, {"verify_digest": "check_digest"}, globals())
