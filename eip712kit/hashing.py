"""``eip712kit.hashing``: keccak-256 and the binding in use (BACKEND).

A public import path, kept for code written against it. The module itself is :mod:`eip712kit.base.hashing`
(the package's folders are its layers: docs/design.md). Importing this name gives that same module object, so
attributes set on one are set on the other.
"""

import sys

from .base import hashing as _module
from .base.hashing import *  # noqa: F403  (the names type checkers see)

sys.modules[__name__] = _module
