"""``eip712kit.testing``: the golden vectors as pytest parameters for other projects' signers.

A public import path, kept for code written against it. The module itself is
:mod:`eip712kit.conformance.testing` (the package's folders are its layers: docs/design.md). Importing this
name gives that same module object, so attributes set on one are set on the other.
"""

import sys

from .conformance import testing as _module
from .conformance.testing import *  # noqa: F403  (the names type checkers see)

sys.modules[__name__] = _module
