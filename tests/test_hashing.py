"""The keccak binding: each available one computes keccak-256, the choice falls back, the vectors hold under it."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from importlib.metadata import requires

import pytest
from Crypto.Hash import keccak as crypto_keccak
from hypothesis import strategies as st
from packaging.requirements import Requirement

from eip712kit import hashing
from tests.helpers.cli_runner import COMMAND, clean_env
from tests.helpers.fuzzing import fuzzed

AVAILABLE = hashing.available()


def reference(data: bytes) -> bytes:
    return crypto_keccak.new(digest_bits=256, data=data).digest()


def test_the_fallback_binding_is_there_and_the_default_is_the_first_that_works() -> None:
    assert "pycryptodome" in AVAILABLE
    forced = os.environ.get(hashing.ENV)  # CI runs the whole suite once with the fallback forced
    assert hashing.BACKEND == (forced or next(iter(AVAILABLE)))  # else the first of PREFERENCE that loads
    assert list(AVAILABLE) == [name for name in hashing.PREFERENCE if name in AVAILABLE]


def test_the_base_install_brings_the_fastest_binding_where_it_has_wheels() -> None:
    """tiny-keccak is a base dependency on the platforms it ships wheels for, and then the binding in use."""
    declared = [Requirement(line) for line in requires("eip712kit") or []]
    (tiny,) = [r for r in declared if r.name == "tiny-keccak"]
    assert hashing.PREFERENCE[0] == "tiny-keccak"
    if tiny.marker is None or tiny.marker.evaluate():
        assert "tiny-keccak" in AVAILABLE
        if not os.environ.get(hashing.ENV):
            assert hashing.BACKEND == "tiny-keccak"


@pytest.mark.parametrize("name", sorted(AVAILABLE))
@fuzzed(st.binary(max_size=600), quick=100, full=2000)
def test_every_binding_computes_keccak256(name: str, data: bytes) -> None:
    assert AVAILABLE[name](data) == reference(data)
    assert AVAILABLE[name](bytearray(data)) == reference(data)
    assert AVAILABLE[name](memoryview(data)) == reference(data)


@pytest.mark.parametrize("name", sorted(AVAILABLE))
@pytest.mark.parametrize("value", [None, 5, "abc", [1, 2]], ids=repr)
def test_every_binding_refuses_what_is_not_bytes(name: str, value: object) -> None:
    """Never the hash of some other bytes: ``bytes(5)`` is five zero bytes, and None is no data to pycryptodome."""
    with pytest.raises(TypeError):
        AVAILABLE[name](value)  # type: ignore[arg-type]


def test_a_binding_that_computes_something_else_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(hashing.BINDINGS, "pycryptodome", lambda: lambda data: hashlib.sha3_256(data).digest())
    with pytest.raises(ImportError, match="does not compute keccak-256"):
        hashing.load("pycryptodome")


def backend_under(value: str) -> subprocess.CompletedProcess[str]:
    code = "import eip712kit.base.hashing as h; print(h.BACKEND)"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=clean_env(EIP712KIT_KECCAK=value))


@pytest.mark.parametrize("name", sorted(AVAILABLE))
def test_a_binding_can_be_forced(name: str) -> None:
    done = backend_under(name)
    assert (done.returncode, done.stdout.strip()) == (0, name), done.stderr


def test_forcing_an_unknown_or_missing_binding_fails_loudly() -> None:
    done = backend_under("md5")
    assert done.returncode == 1 and "EIP712KIT_KECCAK='md5': the keccak bindings are" in done.stderr
    for name in set(hashing.PREFERENCE) - set(AVAILABLE):  # e.g. safe-pysha3, which the kit does not install
        assert backend_under(name).returncode == 1


def test_the_golden_vectors_hold_under_the_always_available_binding() -> None:
    """What a platform without a tiny-keccak wheel runs: every vector, through pycryptodome."""
    done = subprocess.run([*COMMAND, "conformance"], capture_output=True, text=True,
                          env=clean_env(EIP712KIT_KECCAK="pycryptodome"), timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert " 0 failed" in done.stdout
