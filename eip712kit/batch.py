"""``eip712kit.batch``: the batch verbs (hash_many, sign_many, recover_many).

A public import path, kept for code written against it. The module itself is :mod:`eip712kit.core.batch` (the
package's folders are its layers: docs/design.md). Importing this name gives that same module object, so
attributes set on one are set on the other.
"""

import sys

from .core import batch as _module
from .core.batch import *  # noqa: F403  (the names type checkers see)

sys.modules[__name__] = _module
