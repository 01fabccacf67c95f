"""``eip712kit.interop``: eth-account's message and signature types in and out.

A public import path, kept for code written against it. The module itself is :mod:`eip712kit.core.interop`
(the package's folders are its layers: docs/design.md). Importing this name gives that same module object, so
attributes set on one are set on the other.
"""

import sys

from .core import interop as _module
from .core.interop import *  # noqa: F403  (the names type checkers see)

sys.modules[__name__] = _module
