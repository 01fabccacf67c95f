"""Renamed public names keep working: each old name serves the new object and warns with its new name.

docs/design.md's Vocabulary gives the current names; a program written against an older release keeps
running, and its test run shows a DeprecationWarning that says what to write instead.
"""

from __future__ import annotations

import types

import pytest

from eip712kit.base.renamed import module_getattr, renamed_keywords


def _module_with(renames: dict[str, str], served: dict[str, object] | None = None) -> types.ModuleType:
    module = types.ModuleType("example")

    def parse_side(side: str) -> str:
        return side

    module.parse_side = parse_side  # type: ignore[attr-defined]
    setattr(module, "__getattr__", module_getattr("example", renames, vars(module), served))  # noqa: B010
    return module


def test_an_old_module_name_serves_the_new_object_and_names_it() -> None:
    module = _module_with({"check_side": "parse_side"})
    with pytest.warns(DeprecationWarning, match=r"example\.check_side is renamed example\.parse_side"):
        old = module.check_side
    assert old is module.parse_side


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    module = _module_with({"check_side": "parse_side"})
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = module.nothing


def test_an_old_name_may_serve_an_object_that_has_no_module_level_name() -> None:
    def bound(side: str) -> str:
        return side.upper()

    module = _module_with({"check_side": "parse_choice(side, SIDES, ...)"}, {"check_side": bound})
    with pytest.warns(DeprecationWarning, match=r"renamed parse_choice\(side, SIDES, \.\.\.\)"):
        assert module.check_side("bid") == "BID"


def test_old_keywords_are_taken_as_the_new_ones() -> None:
    @renamed_keywords({"base": "from_address"})
    def build(*, from_address: str) -> str:
        return from_address

    assert build(from_address="EURC") == "EURC"
    with pytest.warns(DeprecationWarning, match=r"build\(base=\) is renamed build\(from_address=\)"):
        assert build(base="EURC") == "EURC"  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="both base= and from_address="):
        build(base="EURC", from_address="USDC")  # type: ignore[call-arg]
