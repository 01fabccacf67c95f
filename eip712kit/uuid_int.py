"""``eip712kit.uuid_int``: Sera's uuid_int bit-packer.

A public import path, kept for code written against it. The module itself is
:mod:`eip712kit.protocols.sera.uuid_int` (the package's folders are its layers: docs/design.md). Importing
this name gives that same module object, so attributes set on one are set on the other.
"""

import sys

from .protocols.sera import uuid_int as _module
from .protocols.sera.uuid_int import *  # noqa: F403  (the names type checkers see)

sys.modules[__name__] = _module
