"""Renamed public names keep working: each old name serves the new object and warns with its new name.

docs/design.md's Vocabulary gives the current names; a program written against an older release keeps
running, and its test run shows a DeprecationWarning that says what to write instead.
"""

from __future__ import annotations

import importlib
import re
import types

import pytest

from eip712kit.base.errors import ProtocolError
from eip712kit.base.renamed import module_getattr, renamed_keywords
from tests.helpers.devkeys import DEV_KEYS


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


def test_a_package_serves_the_old_names_of_its_modules_and_no_others() -> None:
    from eip712kit.protocols import sera

    with pytest.warns(DeprecationWarning, match=r"sera\.api_keys\.check_action is renamed .*parse_action"):
        assert sera.check_action is sera.parse_action
    with pytest.raises(AttributeError, match=r"'eip712kit\.protocols\.sera' has no attribute 'nothing'"):
        _ = sera.nothing  # type: ignore[attr-defined]


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


# Every public name renamed by the vocabulary (docs/design.md), module by module: old name -> new name.
RENAMED_NAMES = [
    ("eip712kit", "verify_digest", "check_digest"),
    ("eip712kit.core.api", "verify_digest", "check_digest"),
    ("eip712kit.interop", "sign_message", "account_sign_message"),
    ("eip712kit.interop", "recover_message", "account_recover_message"),
    ("eip712kit.core.type_graph", "check_encodable", "require_encodable"),
    ("eip712kit.protocols.amounts", "check_rounding", "parse_rounding"),
    ("eip712kit.protocols.amounts", "check_decimals", "parse_decimals"),
    ("eip712kit.protocols.windows", "check_timestamp_window", "require_in_window"),
    ("eip712kit.protocols.windows", "unix_time", "parse_unix_time"),
    ("eip712kit.protocols.requests", "check_signer", "require_signer"),
    ("eip712kit.protocols.trust", "check_text", "require_login_text"),
    ("eip712kit.protocols.renance", "check_timestamp", "require_timestamp_window"),
    ("eip712kit.protocols.renance", "check_leverage", "parse_leverage"),
    ("eip712kit.protocols.renance", "check_order_id", "parse_order_id"),
    ("eip712kit.protocols.sera", "check_action", "parse_action"),
    ("eip712kit.protocols.sera", "check_api_key", "parse_api_key"),
    ("eip712kit.protocols.sera", "check_api_key_timestamp", "require_api_key_window"),
    ("eip712kit.protocols.sera", "check_expiration", "require_expiration_window"),
    ("eip712kit.protocols.sera", "require_expiration", "parse_expiration"),
    ("eip712kit.protocols.sera.api_keys", "check_action", "parse_action"),
    ("eip712kit.protocols.sera.api_keys", "check_api_key", "parse_api_key"),
    ("eip712kit.protocols.sera.api_keys", "check_api_key_timestamp", "require_api_key_window"),
    ("eip712kit.protocols.sera.expiration", "check_expiration", "require_expiration_window"),
    ("eip712kit.protocols.sera.expiration", "require_expiration", "parse_expiration"),
    ("eip712kit.uuid_int", "check_binding", "require_binding"),
    ("eip712kit.uuid_int", "check_uuid4", "parse_uuid4"),
    ("eip712kit.protocols.sera.uuid_int", "check_binding", "require_binding"),
    ("eip712kit.protocols.sera.verdicts", "check_body_shape", "shape_refusal"),
    ("eip712kit.protocols.sera.verdicts", "check_manage_api_key", "require_manage_api_key"),
]


@pytest.mark.parametrize("module_name, old, new", RENAMED_NAMES, ids=[f"{m}.{o}" for m, o, _ in RENAMED_NAMES])
def test_every_renamed_public_name_still_imports(module_name: str, old: str, new: str) -> None:
    module = importlib.import_module(module_name)
    with pytest.warns(DeprecationWarning, match=rf"{re.escape(old)} is renamed .*{re.escape(new)}"):
        served = getattr(module, old)
    assert served is getattr(module, new)
    assert old not in module.__all__ and new in module.__all__


@pytest.mark.parametrize("module_name, old, value, code", [
    ("eip712kit.protocols.sera", "check_side", "buy", "INVALID_SIDE"),
    ("eip712kit.protocols.sera.orders", "check_side", "BID", "INVALID_SIDE"),
    ("eip712kit.protocols.renance", "check_side", "bid", "INVALID_SIDE"),
    ("eip712kit.protocols.renance", "check_order_type", "LIMIT", "INVALID_ORDER_TYPE"),
])
def test_the_old_side_checks_are_the_one_rule_bound_to_each_protocols_words(module_name: str, old: str, value: str,
                                                                             code: str) -> None:
    module = importlib.import_module(module_name)
    with pytest.warns(DeprecationWarning, match=rf"{old} is renamed parse_choice\("):
        check = getattr(module, old)
    good = module.SIDES[0] if old == "check_side" else module.ORDER_TYPES[0]
    assert check(good) == good
    with pytest.raises(ProtocolError) as refused:
        check(value)
    assert refused.value.code == code


def test_from_import_of_an_old_name_works() -> None:
    with pytest.warns(DeprecationWarning, match="check_binding is renamed"):
        from eip712kit.uuid_int import check_binding  # type: ignore[attr-defined]
    fields = check_binding("00000000-0000-4000-8000-000000000001",
                           "6427948336465191935941739505432058208337171677044006212075520", executor_id=0)
    assert fields.is_standalone


def test_renamed_methods_still_answer() -> None:
    from eip712kit.protocols import alura, sera
    from eip712kit.protocols.sera import uuid_int

    key, address = DEV_KEYS[0]
    message = sera.CancelOrder(owner=address, orderId=7)
    signature = message.sign(key, sera.DOMAIN)
    with pytest.warns(DeprecationWarning, match=r"Struct\.verify is renamed Struct\.check"):
        assert message.verify(signature, address, sera.DOMAIN) == message.check(signature, address, sera.DOMAIN)
    prepared = sera.api_key_request(address, "list", 1_750_000_000).sign(key, sera.DOMAIN)
    with pytest.warns(DeprecationWarning, match=r"Prepared\.verify is renamed Prepared\.check"):
        assert prepared.verify(sera.DOMAIN).valid
    challenge = alura.parse_challenge({"address": address, "nonce": "n1", "message": f"Sign in\n{address}\nNonce: n1"})
    with pytest.warns(DeprecationWarning, match=r"Challenge\.verify is renamed Challenge\.check"):
        assert challenge.verify(challenge.sign(key)).valid
    fields = uuid_int.unpack(uuid_int.pack("00000000-0000-4000-8000-000000000001", 0))
    with pytest.warns(DeprecationWarning, match=r"check_standalone is renamed UuidInt\.require_standalone"):
        fields.check_standalone()
