"""Old public names kept working after a rename: each one hands out the new object and says its new name.

A name that a public module exported is a promise to the code written against it; a rename keeps that
code running and tells it, with a ``DeprecationWarning``, what to write instead. Two shapes cover every
rename: a module's names (:func:`module_getattr`, the module's ``__getattr__``, PEP 562) and a
function's keywords (:func:`renamed_keywords`). docs/design.md's Vocabulary says which names are current.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def warn_renamed(old: str, new: str, *, stacklevel: int = 3) -> None:
    """The one sentence a renamed name warns with."""
    warnings.warn(f"{old} is renamed {new}; the old name still works but will be removed",
                  DeprecationWarning, stacklevel=stacklevel)


def module_getattr(module: str, renames: Mapping[str, str], namespace: Mapping[str, Any],
                   served: Mapping[str, Any] | None = None) -> Callable[[str], Any]:
    """A module ``__getattr__`` that serves each old name of ``renames`` as the object now named by its value.

    ``namespace`` is the module's ``globals()``. ``served`` gives the object for an old name whose new
    form is no module-level name (a shared rule bound to one protocol's words): the warning then names
    the new form as ``renames`` writes it.
    """

    def __getattr__(name: str) -> Any:
        new = renames.get(name)
        if new is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        warn_renamed(f"{module}.{name}", new if served and name in served else f"{module}.{new}")
        return served[name] if served and name in served else namespace[new]

    return __getattr__


def package_getattr(package: str, modules: Iterable[ModuleType]) -> Callable[[str], Any]:
    """A package ``__getattr__`` that serves the old names of the modules it re-exports, as they do.

    So a package lists no old name twice: ``sera.check_action`` is ``sera.api_keys``'s, with its warning.
    """
    sources = tuple(modules)

    def __getattr__(name: str) -> Any:
        for module in sources:
            try:
                return getattr(module, name)
            except AttributeError:
                continue
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


def renamed_keywords(renames: Mapping[str, str]) -> Callable[[F], F]:
    """Accept each old keyword of ``renames`` as its new one, with a warning; both at once is a TypeError."""

    old_names = frozenset(renames)

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if old_names.isdisjoint(kwargs):  # the new names only, as nearly every call: straight through
                return function(*args, **kwargs)
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{function.__name__}() got both {old}= and {new}= (the same argument; "
                                        f"{old} is its old name)")
                    warn_renamed(f"{function.__name__}({old}=)", f"{function.__name__}({new}=)")
                    kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


__all__ = ["module_getattr", "package_getattr", "renamed_keywords", "warn_renamed"]
