"""The optional extras: which feature needs which, and the one sentence a missing one gets.

The base install is what every platform installs from wheels alone, with no compiler. Features
that need more declare it here, and reach their imports through :func:`require`, so a missing
extra is a clear ``EXTRA_MISSING`` refusal naming the ``pip install`` to run (exit 2 at the
command line), never an ImportError traceback.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

from .errors import Eip712KitError

EXTRAS: dict[str, str] = {
    "keys": "eth-account and eth-keyfile: encrypted keystores, BIP-39 mnemonics, and building eth-account's "
            "SignableMessage/SignedMessage in eip712kit.core.interop",
    "server": "starlette and uvicorn: eip712kit serve (the reference verifier) and eip712kit debug",
    "test": "everything the test suite needs (the keys and server extras, pytest, hypothesis, ruff, mypy)",
}
"""Each extra of ``pyproject.toml`` and what it brings (README's table says the same)."""


def install_command(extra: str) -> str:
    """The command that installs ``extra``, quoted for any shell."""
    assert extra in EXTRAS, extra
    return f"pip install 'eip712kit[{extra}]'"


def require(module: str, *, extra: str, feature: str,
            error: type[Eip712KitError] = Eip712KitError) -> ModuleType:
    """Import ``module`` (which ``extra`` installs), or refuse ``feature`` in one sentence."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        missing = exc.name or module
        raise error(
            f"{feature} needs the {extra} extra, which is not installed ({missing} is missing): "
            f"{install_command(extra)}",
            code="EXTRA_MISSING",
        ) from None


def loaded_class(module: str, name: str) -> type | None:
    """``module.name`` if ``module`` is already imported, else None: never an import of its own.

    How the kit recognises eth-account's objects (``LocalAccount``, ``SignableMessage``,
    ``SignedMessage``) without the keys extra: a value can only be an instance of such a class once
    its module has been imported by whoever made the value.
    """
    cls = getattr(sys.modules.get(module), name, None)
    return cls if isinstance(cls, type) else None


__all__ = ["EXTRAS", "install_command", "loaded_class", "require"]
