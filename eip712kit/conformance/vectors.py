"""The vector format (``eip712kit-vectors/1``): reading and checking the files, choosing cases, and the wire.

A vector file (described in ``docs/vectors.md``) holds cases; each case is an *input* and either
every *expected* value or the *error* code an implementation must refuse the input with. The runner
turns each case into one request ``{"id", "op", "input"}`` (:func:`request_for`); a target answers
``{"id", "result"}`` or ``{"id", "error": {"code", ...}}``, and ``UNSUPPORTED`` means "not mine to
judge". Both directions travel as one line of JSON (:func:`wire_json`) when the target is another
process. Everything the format promises is checked here, once, so targets and scoring can rely on it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from importlib import resources
from pathlib import Path
from typing import Any

from ..base.errors import Eip712KitError
from ..base.parsers import LONE_SURROGATE, MAX_SAFE_INTEGER
from .features import case_features

FORMAT = "eip712kit-vectors/1"
FORMAT_PREFIX = "eip712kit-vectors/"

KINDS: tuple[str, ...] = ("typed_data", "personal_sign", "uuid_int", "sera_order", "time_window")
"""The kinds of case this runner knows; a case of another kind (a newer file) is skipped, not failed."""

RESULT_FIELDS: dict[str, tuple[str, ...]] = {
    "typed_data": ("encodeType", "typeHash", "domainSeparator", "structHash", "digest", "signature", "signer"),
    "personal_sign": ("digest", "signature", "signer"),
    "uuid_int": ("uuid_int", "uuid_ints", "executor_id", "uuid", "group_id", "leg_id", "is_uuid4", "standalone"),
    "sera_order": ("order", "uuid_int", "domain", "domainSeparator", "structHash", "digest", "signature", "signer",
                   "body"),
    "time_window": ("accepted",),
}
"""Every field a positive case of each kind may expect, so every field a target's result may hold. A result
with another field is refused: a misspelt name (``encodeTypes``) would otherwise just turn its check off.
The JSON Schema (``vectors/schema.json``) is built to allow exactly these."""

UNSUPPORTED = "UNSUPPORTED"
"""The error code a target answers with for a request it does not implement: the case is skipped."""


_PACKAGE_DIR = Path(__file__).resolve().parent.parent


class VectorError(Eip712KitError):
    """A vector file does not follow the format; the path points into the file."""

    default_code = "VECTOR_INVALID"




def wire_json(value: Any) -> str:
    """One line of JSON in UTF-8, with lone surrogates (a negative case's input) as \\uXXXX escapes.

    UTF-8 cannot carry a lone surrogate, but a JSON escape can, and every JSON parser reads it
    back as the same lone code unit: the adapter sees exactly the input of the vector.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return re.sub(LONE_SURROGATE, lambda m: f"\\u{ord(m.group()):04x}", text)


@dataclass(frozen=True)
class Case:
    """One golden case. ``expected`` xor ``error`` is set."""

    id: str
    suite: str
    kind: str
    input: Mapping[str, Any]
    expected: Mapping[str, Any] | None
    error: Mapping[str, Any] | None
    description: str = ""
    attested_by: tuple[str, ...] = ()
    accepted_by: tuple[str, ...] = ()
    file: str = ""
    features: tuple[str, ...] = ()
    """Feature tags (:mod:`.features`): as the file writes them, or derived when a file has none."""

    @property
    def negative(self) -> bool:
        return self.error is not None


@dataclass(frozen=True)
class VectorFile:
    path: str
    suite: str
    description: str
    keys: Mapping[str, Mapping[str, str]]
    cases: tuple[Case, ...]
    sha256: str = ""
    """The SHA-256 of the file's bytes (of its canonical JSON when it was parsed from memory): which vectors ran."""


def bundled_vectors() -> Path:
    """The directory of the vectors shipped with the package (or of the source checkout).

    An installed wheel carries them as package data in ``eip712kit/vectors``; a source checkout
    has them in ``vectors/`` beside the package, which is also where ``eip712kit/vectors`` points.
    """
    try:
        packaged = Path(str(resources.files("eip712kit") / "vectors"))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - zipped installs
        packaged = _PACKAGE_DIR / "vectors"
    if packaged.is_dir() and any(packaged.glob("*.json")):
        return packaged
    return _PACKAGE_DIR.parent / "vectors"


def vector_paths(path: str | os.PathLike[str]) -> list[Path]:
    """The vector files at ``path``: the file itself, or every ``*.json`` vector file in a directory."""
    p = Path(path)
    if p.is_dir():
        out = []
        for candidate in sorted(p.glob("*.json")):
            try:
                head = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                out.append(candidate)  # reported as invalid by load_file
                continue
            if isinstance(head, dict) and str(head.get("format", "")).startswith(FORMAT_PREFIX):
                out.append(candidate)
        return out
    if p.is_file():
        return [p]
    raise VectorError(f"no vector file or directory at {str(p)!r}", path=str(p))


def load_vectors(path: str | os.PathLike[str] | None = None) -> list[VectorFile]:
    """Load and check every vector file at ``path`` (default: the bundled vectors)."""
    files = [load_file(p) for p in vector_paths(path if path is not None else bundled_vectors())]
    if not files:
        raise VectorError(f"no {FORMAT} file found in {str(path)!r}")
    seen: dict[str, str] = {}
    for vf in files:
        for case in vf.cases:
            if case.id in seen:
                raise VectorError(f"case id {case.id!r} appears in {seen[case.id]} and {vf.path}", path=case.id)
            seen[case.id] = vf.path
    return files


def load_file(path: str | os.PathLike[str]) -> VectorFile:
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise VectorError(f"cannot read {name}: {exc.strerror}") from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise VectorError(f"{name} is not valid JSON: {exc}") from None
    return parse_vector_file(doc, name, sha256=hashlib.sha256(raw).hexdigest())


def _invalid(message: str, where: str) -> VectorError:
    return VectorError(message, path=where)


def first_unsafe_number(value: Any, where: str) -> str | None:
    """The path of the first JSON integer a JavaScript reader would round (beyond 2**53 - 1)."""
    if type(value) is int and abs(value) > MAX_SAFE_INTEGER:
        return where
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = first_unsafe_number(item, f"{where}[{i}]")
            if found:
                return found
    elif isinstance(value, dict):
        for k, item in value.items():
            found = first_unsafe_number(item, f"{where}.{k}")
            if found:
                return found
    return None


def parse_vector_file(doc: Any, name: str = "<vectors>", *, sha256: str | None = None) -> VectorFile:
    """Check the structure every consumer relies on; the JSON Schema in ``vectors/schema.json`` says the rest.

    ``sha256`` is the file's own digest when its bytes were read; a document without them is
    identified by the digest of its canonical JSON."""
    if not isinstance(doc, dict):
        raise _invalid(f"{name}: a vector file is a JSON object", "")
    fmt = doc.get("format")
    if fmt != FORMAT:
        raise _invalid(f"{name}: format is {fmt!r}; this runner reads {FORMAT!r}", "format")
    suite = doc.get("suite")
    if not isinstance(suite, str) or not suite:
        raise _invalid(f"{name}: suite must be a non-empty string", "suite")
    keys = doc.get("keys", {})
    if not isinstance(keys, dict):
        raise _invalid(f"{name}: keys must be an object", "keys")
    for key_name, key in keys.items():
        if not isinstance(key, dict) or not isinstance(key.get("private_key"), str) or not isinstance(
            key.get("address"), str
        ):
            raise _invalid(f"{name}: key {key_name!r} needs private_key and address", f"keys.{key_name}")
    raw_cases = doc.get("cases")
    if not isinstance(raw_cases, list):
        raise _invalid(f"{name}: cases must be an array", "cases")
    cases: list[Case] = []
    ids: set[str] = set()
    for index, raw in enumerate(raw_cases):
        where = f"cases[{index}]"
        if not isinstance(raw, dict):
            raise _invalid(f"{name}: each case is an object", where)
        case_id = raw.get("id")
        if not isinstance(case_id, str) or not case_id:
            raise _invalid(f"{name}: case without a string id", f"{where}.id")
        if case_id in ids:
            raise _invalid(f"{name}: duplicate case id {case_id!r}", f"{where}.id")
        ids.add(case_id)
        kind = raw.get("kind")
        if not isinstance(kind, str):
            raise _invalid(f"{name}: case {case_id} has no kind", f"{where}.kind")
        inp = raw.get("input")
        if not isinstance(inp, dict):
            raise _invalid(f"{name}: case {case_id} has no input object", f"{where}.input")
        expected, error = raw.get("expected"), raw.get("error")
        if (expected is None) == (error is None):
            raise _invalid(f"{name}: case {case_id} needs exactly one of expected and error", where)
        if expected is not None and not isinstance(expected, dict):
            raise _invalid(f"{name}: case {case_id}: expected must be an object", f"{where}.expected")
        if error is not None and (not isinstance(error, dict) or not isinstance(error.get("code"), str)):
            raise _invalid(f"{name}: case {case_id}: error must be an object with a code", f"{where}.error")
        key_name = inp.get("key")
        if key_name is not None and key_name not in keys:
            raise _invalid(f"{name}: case {case_id} names unknown key {key_name!r}", f"{where}.input.key")
        unsafe = first_unsafe_number(inp, "input") or first_unsafe_number(expected, "expected")
        if unsafe:
            raise _invalid(
                f"{name}: case {case_id}: {unsafe} is a JSON number beyond 2**53 - 1; write it as a decimal string",
                f"{where}.{unsafe}",
            )
        features = raw.get("features")
        if features is None:
            features = case_features(kind, inp, error)
        elif not isinstance(features, list) or not all(isinstance(t, str) for t in features):
            raise _invalid(f"{name}: case {case_id}: features must be an array of strings", f"{where}.features")
        cases.append(
            Case(
                id=case_id,
                suite=suite,
                kind=kind,
                input=inp,
                expected=expected,
                error=error,
                description=str(raw.get("description", "")),
                attested_by=tuple(raw.get("attested_by", ())),
                accepted_by=tuple(raw.get("accepted_by", ())),
                file=name,
                features=tuple(sorted(set(features))),
            )
        )
    if sha256 is None:
        canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        sha256 = hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()
    return VectorFile(name, suite, str(doc.get("description", "")), keys, tuple(cases), sha256)


def vectors_identity(files: Iterable[VectorFile]) -> dict[str, Any]:
    """Which vectors a run used, for its reports: the format, the eip712kit release they were bundled with (None
    for other files) and one SHA-256 over the files' own (by suite), so two reports can tell whether they ran the
    same cases."""
    from .. import __version__

    chosen = sorted(files, key=lambda vf: vf.suite)
    bundled = bundled_vectors().resolve()
    in_bundle = bool(chosen) and all(Path(vf.path).resolve().parent == bundled for vf in chosen)
    listing = "".join(f"{vf.suite} {vf.sha256}\n" for vf in chosen)
    return {"format": FORMAT, "eip712kit": __version__ if in_bundle else None,
            "sha256": hashlib.sha256(listing.encode("utf-8")).hexdigest(),
            "files": {vf.suite: vf.sha256 for vf in chosen}}


def select(
    files: Iterable[VectorFile], suites: Sequence[str] = (), ids: Sequence[str] = ()
) -> list[tuple[Case, VectorFile]]:
    """The cases to run: of the named suites (all when none), whose id matches a glob (all when none)."""
    out = []
    for vf in files:
        if suites and vf.suite not in suites:
            continue
        for case in vf.cases:
            if ids and not any(fnmatchcase(case.id, pattern) for pattern in ids):
                continue
            out.append((case, vf))
    return out


def request_for(case: Case, keys: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """The request a target receives: the case's input, with the named key replaced by its private key."""
    inp = {k: v for k, v in case.input.items() if k != "key"}
    key_name = case.input.get("key")
    if key_name is not None:
        inp["private_key"] = keys[key_name]["private_key"]
    return {"id": case.id, "op": case.kind, "input": inp}


__all__ = [
    "FORMAT",
    "FORMAT_PREFIX",
    "KINDS",
    "RESULT_FIELDS",
    "UNSUPPORTED",
    "Case",
    "VectorError",
    "VectorFile",
    "bundled_vectors",
    "first_unsafe_number",
    "load_file",
    "load_vectors",
    "parse_vector_file",
    "request_for",
    "select",
    "vector_paths",
    "vectors_identity",
    "wire_json",
]
