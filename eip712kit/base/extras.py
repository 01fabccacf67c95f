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

MODULES: dict[str, tuple[str, ...]] = {
    "keys": ("eth_keyfile", "eth_account"),
    "server": ("starlette", "uvicorn"),
}
"""The modules whose absence means an extra is missing, for the extras a feature cannot run without
(the fast extra only speeds up what runs anyway). :func:`require_extra` imports these; the tests hide
them to see each feature refuse in one sentence."""

NEEDED_BY: dict[str, tuple[str, ...]] = {
    "keys": ("--keystore", "--mnemonic-env"),
    "server": ("serve", "debug"),
}
"""Which command-line options and commands need each extra: they refuse with ``EXTRA_MISSING`` before
anything else (an option as soon as it is read; a command before it starts)."""


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


def require_extra(extra: str, *, feature: str, error: type[Eip712KitError] = Eip712KitError) -> None:
    """Import every module of :data:`MODULES` ``[extra]``, or refuse ``feature`` naming the first one missing.

    For a feature that needs all of them, checked before it starts: a module imported only later
    (uvicorn, once the server runs) would otherwise fail after the feature had begun.
    """
    for module in MODULES[extra]:
        require(module, extra=extra, feature=feature, error=error)


def loaded_class(module: str, name: str) -> type | None:
    """``module.name`` if ``module`` is already imported, else None: never an import of its own.

    How the kit recognises eth-account's objects (``LocalAccount``, ``SignableMessage``,
    ``SignedMessage``) without the keys extra: a value can only be an instance of such a class once
    its module has been imported by whoever made the value.
    """
    cls = getattr(sys.modules.get(module), name, None)
    return cls if isinstance(cls, type) else None


__all__ = ["EXTRAS", "MODULES", "NEEDED_BY", "install_command", "loaded_class", "require", "require_extra"]
