"""The conformance runner: golden vectors in, a verdict per case out — for this library or anyone's signer.

A vector file (format ``eip712kit-vectors/1``, described in ``docs/vectors.md``) holds cases; each
case is an *input* and either every *expected* value or the *error* code an implementation must
refuse the input with. The runner turns each case into one request ``{"id", "op", "input"}``, hands
it to a *target* and compares the answer field by field:

* :class:`LibraryTarget` answers in-process with eip712kit itself (``eip712kit conformance``);
* :class:`ExecTarget` answers through a long-running process that speaks the same request and
  response objects as JSON lines on stdin/stdout (``--exec "COMMAND"``), so a signer in any
  language can be held to the same vectors.

Scoring, in one place (:func:`score`):

* a positive case passes when every expected field the target reported is equal, and at least one
  was reported; fields it did not report are listed, never guessed;
* a negative case passes when the target refuses with the expected ``code`` (and, when the target
  names one, the expected ``path``); ``loose_codes`` accepts any refusal — for signers that have no
  eip712kit codes; ``lenient`` forgives accepting a negative case that an independent, recorded
  implementation also accepts (the case's ``accepted_by``): that is stricter-than-the-field policy
  of this kit, not a broken hash;
* ``UNSUPPORTED`` from the target is *skipped*, never passed.

Nothing here prints: reports are rendered as text, JSON or JUnit XML by the functions at the end,
and the CLI (:mod:`eip712kit.cli.conformance`) decides where they go.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO, Any, Protocol
from xml.etree import ElementTree

from .errors import Eip712KitError
from .keys import PrivateKey
from .messages import hash_message
from .signature import recover_digest, sign_digest
from .typed_data import TypedData, compile_types

FORMAT = "eip712kit-vectors/1"
FORMAT_PREFIX = "eip712kit-vectors/"

KINDS: tuple[str, ...] = ("typed_data", "personal_sign", "uuid_int", "sera_order", "time_window")
"""The kinds of case this runner knows; a case of another kind (a newer file) is skipped, not failed."""

UNSUPPORTED = "UNSUPPORTED"
MAX_SAFE_JSON_INT = 2**53
DEFAULT_TIMEOUT = 10.0

_HEX = re.compile(r"0x[0-9a-fA-F]*\Z")
_DECIMAL = re.compile(r"-?[0-9]+\Z")


class VectorError(Eip712KitError):
    """A vector file does not follow the format; the path points into the file."""

    default_code = "VECTOR_INVALID"


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def wire_json(value: Any) -> str:
    """One line of JSON in UTF-8, with lone surrogates (a negative case's input) as \\uXXXX escapes.

    UTF-8 cannot carry a lone surrogate, but a JSON escape can, and every JSON parser reads it
    back as the same lone code unit: the adapter sees exactly the input of the vector.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# --- the vectors ------------------------------------------------------------------------------


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


def bundled_vectors() -> Path:
    """The directory of the vectors shipped with the package (or of the source checkout).

    An installed wheel carries them as package data in ``eip712kit/vectors``; a source checkout
    has them in ``vectors/`` beside the package, which is also where ``eip712kit/vectors`` points.
    """
    try:
        packaged = Path(str(resources.files("eip712kit") / "vectors"))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - zipped installs
        packaged = Path(__file__).resolve().parent / "vectors"
    if packaged.is_dir() and any(packaged.glob("*.json")):
        return packaged
    return Path(__file__).resolve().parent.parent / "vectors"


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
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise VectorError(f"cannot read {name}: {exc.strerror}") from None
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise VectorError(f"{name} is not valid JSON: {exc}") from None
    return parse_vector_file(doc, name)


def _invalid(message: str, where: str) -> VectorError:
    return VectorError(message, path=where)


def _unsafe_numbers(value: Any, where: str) -> str | None:
    """The path of the first JSON integer a JavaScript reader would round (beyond 2**53)."""
    if type(value) is int and abs(value) > MAX_SAFE_JSON_INT:
        return where
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _unsafe_numbers(item, f"{where}[{i}]")
            if found:
                return found
    elif isinstance(value, dict):
        for k, item in value.items():
            found = _unsafe_numbers(item, f"{where}.{k}")
            if found:
                return found
    return None


def parse_vector_file(doc: Any, name: str = "<vectors>") -> VectorFile:
    """Check the structure every consumer relies on; the JSON Schema in ``vectors/schema.json`` says the rest."""
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
        unsafe = _unsafe_numbers(inp, "input") or _unsafe_numbers(expected, "expected")
        if unsafe:
            raise _invalid(
                f"{name}: case {case_id}: {unsafe} is a JSON number beyond 2**53; write it as a decimal string",
                f"{where}.{unsafe}",
            )
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
            )
        )
    return VectorFile(name, suite, str(doc.get("description", "")), keys, tuple(cases))


def select(
    files: Iterable[VectorFile], suites: Sequence[str] = (), ids: Sequence[str] = ()
) -> list[tuple[Case, VectorFile]]:
    """The cases to run: of the named suites (all when none), whose id matches a glob (all when none)."""
    from fnmatch import fnmatchcase

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


# --- the library as a target ------------------------------------------------------------------


def _hex(raw: bytes) -> str:
    return "0x" + raw.hex()


def _signing(inp: Mapping[str, Any], digest: bytes, out: dict[str, Any]) -> None:
    secret = inp.get("private_key")
    if secret is None:
        return
    key = PrivateKey.from_hex(secret)
    signature = sign_digest(digest, key)
    out["signature"] = signature.to_hex()
    out["signer"] = recover_digest(digest, signature)


def compute_typed_data(inp: Mapping[str, Any]) -> dict[str, Any]:
    """Every intermediate of a typed-data document, as a vector's ``expected`` spells them."""
    if "typed_data" not in inp:
        raise VectorError("a typed_data request needs input.typed_data", path="input.typed_data")
    td = TypedData(inp["typed_data"])
    names: list[str] = []
    if td.primary_type != "EIP712Domain":
        names = sorted(td.schema.dependencies(td.primary_type) - {"EIP712Domain"})
    if "EIP712Domain" in td.schema.types:
        domain_schema = td.schema
    else:
        domain_schema = compile_types({"EIP712Domain": td.domain_types()})
    encode_type = {"EIP712Domain": domain_schema.encode_type("EIP712Domain")}
    type_hash = {"EIP712Domain": _hex(domain_schema.type_hash("EIP712Domain"))}
    for name in names:
        encode_type[name] = td.schema.encode_type(name)
        type_hash[name] = _hex(td.schema.type_hash(name))
    out: dict[str, Any] = {
        "encodeType": encode_type,
        "typeHash": type_hash,
        "domainSeparator": _hex(td.domain_separator()),
    }
    if td.primary_type != "EIP712Domain":
        out["structHash"] = _hex(td.struct_hash())
    out["digest"] = _hex(td.digest())
    _signing(inp, td.digest(), out)
    return out


def compute_personal_sign(inp: Mapping[str, Any]) -> dict[str, Any]:
    message = inp.get("message")
    encoding = inp.get("encoding", "utf8")
    if encoding not in ("utf8", "hex"):
        raise VectorError(f"encoding is {encoding!r}; use utf8 or hex", path="input.encoding")
    if not isinstance(message, str):
        raise Eip712KitError("a personal_sign message is a JSON string", code="INVALID_MESSAGE", path="message")
    digest = hash_message(message, hex=encoding == "hex")
    out: dict[str, Any] = {"digest": _hex(digest)}
    _signing(inp, digest, out)
    return out


Operation = Callable[[Mapping[str, Any]], dict[str, Any]]


def _need(inp: Mapping[str, Any], key: str) -> Any:
    if key not in inp:
        raise Eip712KitError(f"the input needs {key!r}", code="MISSING_FIELD", path=key)
    return inp[key]


def compute_uuid_int(inp: Mapping[str, Any]) -> dict[str, Any]:
    """Sera's uuid_int: ``operation`` is pack, pack_batch, pack_leg, unpack or check_binding."""
    from . import uuid_int

    operation = inp.get("operation")
    if operation == "pack":
        return {"uuid_int": str(uuid_int.pack(_need(inp, "order_id"), _need(inp, "executor_id")))}
    if operation == "pack_batch":
        values = uuid_int.pack_batch(_need(inp, "order_ids"), _need(inp, "executor_id"))
        return {"uuid_ints": [str(v) for v in values]}
    if operation == "pack_leg":
        value = uuid_int.pack_leg(_need(inp, "order_id"), _need(inp, "executor_id"), _need(inp, "leg_id"),
                                  _need(inp, "group_order_id"))
        return {"uuid_int": str(value)}
    if operation in ("unpack", "check_binding"):
        if operation == "unpack":
            fields = uuid_int.unpack(_need(inp, "uuid_int"))
        else:
            fields = uuid_int.check_binding(_need(inp, "order_id"), _need(inp, "uuid_int"),
                                            executor_id=inp.get("executor_id"))
        return {"executor_id": fields.executor_id, "uuid": fields.uuid, "group_id": str(fields.group_id),
                "leg_id": fields.leg_id, "is_uuid4": uuid_int.is_uuid4(fields.uuid),
                "standalone": fields.is_standalone}
    raise VectorError(f"uuid_int operation {operation!r} is not pack, pack_batch, pack_leg, unpack or "
                      "check_binding", path="operation")


def _token(inp: Mapping[str, Any], side: str) -> Any:
    from .protocols import sera

    raw = _need(inp, side)
    if not isinstance(raw, Mapping):
        raise Eip712KitError(f"{side} is a token object {{address, decimals, symbol}}", code="INVALID_TOKEN",
                             path=side)
    try:
        return sera.Token(_need(raw, "address"), _need(raw, "decimals"), raw.get("symbol"))
    except Eip712KitError as exc:
        raise exc.at(side) from None


def compute_sera_order(inp: Mapping[str, Any]) -> dict[str, Any]:
    """The Sera order builder: a side, amount and price on a pair → the signed Order and its body."""
    from .protocols import sera
    from .protocols.base import as_domain

    domain = as_domain(inp["domain"]) if "domain" in inp else sera.DOMAIN
    built = sera.build_order(
        side=_need(inp, "side"), amount=_need(inp, "amount"), price=_need(inp, "price"),
        base=_token(inp, "base"), quote=_token(inp, "quote"), user=_need(inp, "user"),
        expiration=_need(inp, "expiration"), uuid_int=inp.get("uuid_int"), order_id=inp.get("order_id"),
        executor_id=inp.get("executor_id"), fee_bps=inp.get("fee_bps", 0),
        recipient=inp.get("recipient", sera.ZERO_ADDRESS),
        initial_deposit_amount=inp.get("initial_deposit_amount", 0), rounding=inp.get("rounding"),
        server_now=inp.get("server_now"),
    )
    out: dict[str, Any] = {
        "order": built.order.to_message(),
        "uuid_int": str(built.uuid_int),
        "domain": domain.to_dict(),
        "domainSeparator": _hex(domain.separator()),
        "structHash": _hex(built.order.struct_hash()),
        "digest": _hex(built.digest(domain)),
    }
    secret = inp.get("private_key")
    if secret is not None:
        signed = built.sign(PrivateKey.from_hex(secret), domain)
        assert signed.signature is not None
        out["signature"] = signed.signature
        out["signer"] = recover_digest(built.digest(domain), signed.signature)
        out["body"] = signed.verify_signature_body()
    return out


TIME_WINDOW_RULES: dict[str, str] = {
    "sera_expiration": "expiration",
    "sera_deadline": "deadline",
    "sera_api_key_timestamp": "timestamp",
    "renance_timestamp": "timestamp",
}
"""time_window rules and the input field each one checks."""


def compute_time_window(inp: Mapping[str, Any]) -> dict[str, Any]:
    """Whether a signed time is inside a protocol's window around a fixed ``server_now`` (no clock)."""
    from .protocols import renance, sera

    rule = inp.get("rule")
    if rule not in TIME_WINDOW_RULES:
        raise VectorError(f"time_window rule {rule!r} is not one of {', '.join(TIME_WINDOW_RULES)}", path="rule")
    name = TIME_WINDOW_RULES[rule]
    value, now = inp.get(name), _need(inp, "server_now")
    if rule in ("sera_expiration", "sera_deadline"):
        sera.check_expiration(value, now, field=name)
    elif rule == "sera_api_key_timestamp":
        sera.check_api_key_timestamp(_need(inp, name), now)
    else:
        renance.check_timestamp(_need(inp, name), now)
    return {"accepted": True}


def _protocol_ops() -> dict[str, Operation]:
    """The protocol operations (they sit a layer above the core, so are imported when first used)."""
    return {"uuid_int": compute_uuid_int, "sera_order": compute_sera_order, "time_window": compute_time_window}


class LibraryTarget:
    """Answers requests in-process with eip712kit: what ``eip712kit conformance`` checks by default."""

    name = "eip712kit (library)"

    def __init__(self) -> None:
        self._ops: dict[str, Operation] = {
            "typed_data": compute_typed_data,
            "personal_sign": compute_personal_sign,
        }

    def _op(self, op: str) -> Operation | None:
        found = self._ops.get(op)
        if found is None and op in KINDS:
            self._ops.update(_protocol_ops())
            found = self._ops.get(op)
        return found

    def handle(self, request: Mapping[str, Any]) -> dict[str, Any]:
        op = self._op(str(request.get("op")))
        if op is None:
            return {"id": request.get("id"), "error": {"code": UNSUPPORTED, "message": f"op {request.get('op')!r}"}}
        inp = request.get("input")
        if not isinstance(inp, Mapping):
            return {"id": request.get("id"), "error": {"code": "VECTOR_INVALID", "message": "input must be an object"}}
        try:
            return {"id": request.get("id"), "result": op(inp)}
        except Eip712KitError as exc:
            return {"id": request.get("id"), "error": exc.to_dict()}
        except Exception as exc:  # a bug in the kit: fail this case, keep running the others
            return {"id": request.get("id"), "error": {
                "code": "INTERNAL_ERROR", "message": f"{type(exc).__name__} in eip712kit: {str(exc)[:200]}"}}

    def close(self) -> None:
        pass


# --- another program as a target --------------------------------------------------------------


class AdapterFailure(Exception):
    """The adapter did not answer a request properly (timeout, exit, garbage): the case fails."""


class ExecTarget:
    """One long-running adapter process speaking JSON lines on stdin/stdout.

    Requests are sent one at a time; each must be answered by one line, a JSON object with the same
    ``id``, within ``timeout`` seconds. A timeout, an exit or a line that is not the answer fails
    that case and the process is restarted for the next one (a hung adapter cannot be trusted to
    resynchronise); after ``max_restarts`` consecutive failures of that kind the rest of the run
    fails without starting it again. The adapter's stderr is kept (the last lines) for the report.
    """

    def __init__(self, command: str, *, timeout: float = DEFAULT_TIMEOUT, max_restarts: int = 3,
                 cwd: str | None = None, env: Mapping[str, str] | None = None):
        self.command = command
        self.name = f"exec: {command}"
        self.timeout = timeout
        self.max_restarts = max_restarts
        self._cwd = cwd
        self._env = dict(env) if env is not None else None
        self._proc: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=20)
        self._consecutive_failures = 0
        self.restarts = 0

    # -- process management --

    def _start(self) -> subprocess.Popen[bytes]:
        self._lines = queue.Queue()
        self._stderr = deque(maxlen=20)
        posix = os.name == "posix"
        try:
            # shell=True: the command is the user's own adapter command line, as in a CI step.
            proc = subprocess.Popen(
                self.command,
                shell=True,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=self._cwd,
                env=self._env,
                start_new_session=posix,
            )
        except OSError as exc:
            raise AdapterFailure(f"cannot start the adapter: {exc}") from None
        assert proc.stdout is not None and proc.stderr is not None
        lines = self._lines
        stderr = self._stderr

        def pump_stdout(stream: IO[bytes]) -> None:
            for line in iter(stream.readline, b""):
                lines.put(line)
            lines.put(None)

        def pump_stderr(stream: IO[bytes]) -> None:
            for line in iter(stream.readline, b""):
                stderr.append(line.decode("utf-8", "replace").rstrip())

        threading.Thread(target=pump_stdout, args=(proc.stdout,), daemon=True).start()
        threading.Thread(target=pump_stderr, args=(proc.stderr,), daemon=True).start()
        self._proc = proc
        return proc

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
        except OSError:
            pass
        if proc.poll() is None:
            try:
                if os.name == "posix":
                    os.killpg(proc.pid, signal.SIGKILL)
                else:  # pragma: no cover
                    proc.kill()
            except (ProcessLookupError, PermissionError):
                pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass

    def stderr_tail(self) -> list[str]:
        return list(self._stderr)

    def _fail(self, message: str) -> AdapterFailure:
        time.sleep(0.05)  # let the stderr pump catch the adapter's last words
        self._kill()
        self._consecutive_failures += 1
        tail = self.stderr_tail()
        if tail:
            message += "; adapter stderr (last lines): " + " | ".join(tail[-5:])
        return AdapterFailure(message)

    def handle(self, request: Mapping[str, Any]) -> dict[str, Any]:
        if self._consecutive_failures > self.max_restarts:
            raise AdapterFailure(
                f"the adapter failed {self._consecutive_failures} times in a row; not restarting it again"
            )
        proc = self._proc
        if proc is None or proc.poll() is not None:
            if proc is not None or self._consecutive_failures:
                self.restarts += 1
            proc = self._start()
        assert proc.stdin is not None
        try:
            proc.stdin.write(wire_json(request).encode("utf-8") + b"\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._fail(f"the adapter exited (status {proc.poll()}) before reading the request") from None
        deadline = time.monotonic() + self.timeout
        try:
            line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise self._fail(
                f"no response within {self.timeout:g} s (the adapter was stopped and will be restarted)"
            ) from None
        if line is None:
            try:
                status = proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                status = None
            raise self._fail(f"the adapter closed its stdout (exit status {status}) without answering")
        text = line.decode("utf-8", "replace").strip()
        try:
            response = json.loads(text)
        except ValueError:
            raise self._fail(f"the adapter answered with a line that is not JSON: {text[:120]!r}") from None
        if not isinstance(response, dict):
            raise self._fail(f"the adapter answered with JSON that is not an object: {text[:120]!r}")
        if response.get("id") != request.get("id"):
            raise self._fail(f"the adapter answered id {response.get('id')!r} to request {request.get('id')!r}")
        self._consecutive_failures = 0
        return response

    def close(self) -> None:
        proc = self._proc
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self._kill()

    def __enter__(self) -> ExecTarget:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- comparing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One way an answer differs from the vector: a field with its expected and computed value."""

    field: str
    expected: Any = None
    got: Any = None
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field}
        if self.message:
            out["message"] = self.message
        else:
            out["expected"] = self.expected
            out["got"] = self.got
        return out

    def describe(self) -> str:
        if self.message:
            return f"{self.field}: {self.message}"
        return f"{self.field}: expected {_show(self.expected)}\n{' ' * len(self.field)}       got {_show(self.got)}"


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def _as_int(value: Any) -> int | None:
    if type(value) is int:
        return value
    if isinstance(value, str) and _DECIMAL.match(value) and len(value) < 100:
        return int(value)
    return None


def _equal(expected: Any, got: Any) -> bool:
    """Equal as the format defines it: hex without regard to case, integers by value, text exactly."""
    if isinstance(expected, str) and isinstance(got, str):
        if _HEX.match(expected) and _HEX.match(got):
            return expected.lower() == got.lower()
        if expected == got:
            return True
    if type(expected) is not bool and type(got) is not bool:
        e, g = _as_int(expected), _as_int(got)
        if e is not None and g is not None:
            return e == g
    return bool(expected == got) and type(expected) is type(got)


def compare(expected: Any, got: Any, where: str, problems: list[Problem], unreported: list[str]) -> int:
    """Compare recursively; returns how many leaf values were compared."""
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            problems.append(Problem(where, expected, got))
            return 1
        count = 0
        for key, value in expected.items():
            sub = f"{where}.{key}" if where else key
            if key not in got or got[key] is None:
                unreported.append(sub)
                continue
            count += compare(value, got[key], sub, problems, unreported)
        return count
    if isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            problems.append(Problem(where, expected, got))
            return 1
        count = 0
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            count += compare(e, g, f"{where}[{i}]", problems, unreported)
        return count
    if not _equal(expected, got):
        problems.append(Problem(where, expected, got))
    return 1


@dataclass
class Outcome:
    """The verdict on one case."""

    case: Case
    status: str  # "passed" | "failed" | "skipped"
    problems: list[Problem] = field(default_factory=list)
    reason: str = ""
    unreported: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.case.id, "suite": self.case.suite, "kind": self.case.kind,
                               "status": self.status}
        if self.reason:
            out["reason"] = self.reason
        if self.problems:
            out["problems"] = [p.to_dict() for p in self.problems]
        if self.unreported:
            out["not_reported"] = self.unreported
        out["seconds"] = round(self.seconds, 6)
        return out


@dataclass(frozen=True)
class Policy:
    """How strictly refusals are judged (see the module docstring)."""

    loose_codes: bool = False
    lenient: bool = False


def score(case: Case, response: Mapping[str, Any], policy: Policy = Policy()) -> Outcome:
    """Judge one target response against one case."""
    error = response.get("error")
    result = response.get("result")
    if error is not None:
        if not isinstance(error, dict):
            return Outcome(case, "failed", [Problem("error", message=f"error must be an object, got {error!r}")])
        code = error.get("code")
        message = str(error.get("message", ""))
        if code == UNSUPPORTED:
            return Outcome(case, "skipped", reason=f"unsupported by the target{': ' + message if message else ''}")
        if case.error is None:
            return Outcome(case, "failed", [Problem(
                "error", message=f"refused a valid input with {code}" + (f": {message}" if message else "")
            )])
        want_code = case.error["code"]
        if policy.loose_codes:
            return Outcome(case, "passed", reason=f"refused with {code} (codes not compared: --loose-codes)")
        refusal: list[Problem] = []
        if code != want_code:
            refusal.append(Problem("error.code", want_code, code))
        want_path, got_path = case.error.get("path"), error.get("path")
        if want_path is not None and got_path is not None and got_path != want_path:
            refusal.append(Problem("error.path", want_path, got_path))
        if refusal:
            return Outcome(case, "failed", refusal, reason=message)
        return Outcome(case, "passed")
    if not isinstance(result, dict):
        return Outcome(case, "failed", [Problem("response", message="neither a result object nor an error object")])
    if case.error is not None:
        if policy.lenient and case.accepted_by:
            return Outcome(case, "skipped", reason=(
                f"accepted, as {', '.join(case.accepted_by)} do too; eip712kit refuses it with "
                f"{case.error['code']} (forgiven by --lenient)"))
        where = f" at {case.error['path']}" if case.error.get("path") else ""
        return Outcome(case, "failed", [Problem(
            "error", message=f"accepted an input that must be refused with {case.error['code']}{where}"
        )])
    problems: list[Problem] = []
    unreported: list[str] = []
    assert case.expected is not None
    compared = compare(case.expected, result, "", problems, unreported)
    if problems:
        return Outcome(case, "failed", problems, unreported=unreported)
    if not compared:
        return Outcome(case, "failed", [Problem(
            "result", message="the result reports none of the expected fields ("
            + ", ".join(case.expected) + ")")], unreported=unreported)
    return Outcome(case, "passed", unreported=unreported)


# --- running ----------------------------------------------------------------------------------


class Target(Protocol):
    """What the runner needs of a target: LibraryTarget and ExecTarget qualify, and so may a test double."""

    name: str

    def handle(self, request: Mapping[str, Any]) -> dict[str, Any]: ...

    def close(self) -> None: ...


@dataclass
class Report:
    target: str
    outcomes: list[Outcome]
    files: list[str]
    seconds: float = 0.0
    policy: Policy = Policy()

    @property
    def ok(self) -> bool:
        return not any(o.status == "failed" for o in self.outcomes)

    def counts(self, suite: str | None = None) -> dict[str, int]:
        out = {"passed": 0, "failed": 0, "skipped": 0}
        for o in self.outcomes:
            if suite is None or o.case.suite == suite:
                out[o.status] += 1
        return out

    def suites(self) -> list[str]:
        seen: dict[str, None] = {}
        for o in self.outcomes:
            seen.setdefault(o.case.suite, None)
        return list(seen)


def run_case(case: Case, vf: VectorFile, target: Target, policy: Policy = Policy()) -> Outcome:
    if case.kind not in KINDS:
        return Outcome(case, "skipped", reason=f"kind {case.kind!r} is not known to this runner")
    started = time.perf_counter()
    try:
        response = target.handle(request_for(case, vf.keys))
    except AdapterFailure as exc:
        outcome = Outcome(case, "failed", [Problem("adapter", message=str(exc))])
    else:
        outcome = score(case, response, policy)
    outcome.seconds = time.perf_counter() - started
    return outcome


def run(cases: Sequence[tuple[Case, VectorFile]], target: Target, policy: Policy = Policy(),
        progress: Callable[[int, int, Case], None] | None = None) -> Report:
    """Run every case against ``target`` in order and collect the verdicts."""
    started = time.perf_counter()
    outcomes = []
    files: dict[str, None] = {}
    for index, (case, vf) in enumerate(cases):
        files.setdefault(vf.path, None)
        if progress is not None:
            progress(index, len(cases), case)
        outcomes.append(run_case(case, vf, target, policy))
    return Report(target.name, outcomes, list(files),
                  time.perf_counter() - started, policy)


def verdict(report: Report, *, no_skips: bool = False) -> str | None:
    """Why the run as a whole fails, or None when it passes.

    A run passes when no case failed and at least one passed: a target that skips everything has
    shown nothing. With ``no_skips`` a skipped case fails the run too.
    """
    counts = report.counts()
    if counts["failed"]:
        return f"{counts['failed']} case(s) failed"
    if not counts["passed"]:
        return "no case passed (every selected case was skipped)"
    if no_skips and counts["skipped"]:
        return f"{counts['skipped']} case(s) skipped and --no-skips was given"
    return None


# --- reports ----------------------------------------------------------------------------------


def render_text(report: Report, *, verbose: bool = False) -> str:
    """The human report: each failing case with its differences, then one summary line per suite."""
    lines = [f"eip712kit conformance: {len(report.outcomes)} cases from {len(report.files)} file(s) "
             f"against {report.target}"]
    for o in report.outcomes:
        if o.status == "failed":
            lines.append(f"FAIL {o.case.id} [{o.case.kind}]" + (f" {o.case.description}" if o.case.description else ""))
            for p in o.problems:
                lines.extend("     " + part for part in p.describe().split("\n"))
            if o.reason:
                lines.append(f"     (target said: {o.reason})")
        elif verbose and o.status == "skipped":
            lines.append(f"SKIP {o.case.id} [{o.case.kind}] {o.reason}")
        elif verbose:
            note = f" ({o.reason})" if o.reason else ""
            unreported = f" [not reported: {', '.join(o.unreported)}]" if o.unreported else ""
            lines.append(f"ok   {o.case.id}{note}{unreported}")
    width = max([len(s) for s in report.suites()] + [5])
    lines.append("")
    lines.append(f"{'suite'.ljust(width)}  {'passed':>7}  {'failed':>7}  {'skipped':>7}")
    for suite in report.suites():
        c = report.counts(suite)
        lines.append(f"{suite.ljust(width)}  {c['passed']:>7}  {c['failed']:>7}  {c['skipped']:>7}")
    c = report.counts()
    lines.append(f"{'total'.ljust(width)}  {c['passed']:>7}  {c['failed']:>7}  {c['skipped']:>7}")
    flags = [f for f, on in (("--loose-codes", report.policy.loose_codes), ("--lenient", report.policy.lenient)) if on]
    verdict = "OK" if report.ok else "FAILED"
    lines.append(f"{verdict}: {c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped "
                 f"in {report.seconds:.2f} s" + (f" ({' '.join(flags)})" if flags else ""))
    return "\n".join(lines)


def render_json(report: Report) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "target": report.target,
        "files": report.files,
        "policy": {"loose_codes": report.policy.loose_codes, "lenient": report.policy.lenient},
        "totals": report.counts(),
        "suites": {s: report.counts(s) for s in report.suites()},
        "seconds": round(report.seconds, 3),
        "cases": [o.to_dict() for o in report.outcomes],
    }


def render_junit(report: Report) -> bytes:
    """JUnit XML, one ``testsuite`` per vector suite, for CI systems that draw test reports."""
    c = report.counts()
    root = ElementTree.Element("testsuites", {
        "name": "eip712kit conformance", "tests": str(len(report.outcomes)), "failures": str(c["failed"]),
        "skipped": str(c["skipped"]), "errors": "0", "time": f"{report.seconds:.3f}",
    })
    for suite in report.suites():
        outcomes = [o for o in report.outcomes if o.case.suite == suite]
        sc = report.counts(suite)
        node = ElementTree.SubElement(root, "testsuite", {
            "name": suite, "tests": str(len(outcomes)), "failures": str(sc["failed"]),
            "skipped": str(sc["skipped"]), "errors": "0",
            "time": f"{sum(o.seconds for o in outcomes):.3f}",
        })
        for o in outcomes:
            tc = ElementTree.SubElement(node, "testcase", {
                "classname": f"{suite}.{o.case.kind}", "name": o.case.id, "time": f"{o.seconds:.6f}",
            })
            if o.status == "failed":
                failure = ElementTree.SubElement(tc, "failure", {
                    "type": "mismatch" if o.problems and o.problems[0].field != "adapter" else "adapter",
                    "message": "; ".join(p.describe().split("\n")[0] for p in o.problems)[:500],
                })
                failure.text = "\n".join(p.describe() for p in o.problems)
            elif o.status == "skipped":
                ElementTree.SubElement(tc, "skipped", {"message": o.reason})
    ElementTree.indent(root)
    xml: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml + b"\n"


__all__ = [
    "DEFAULT_TIMEOUT",
    "FORMAT",
    "KINDS",
    "UNSUPPORTED",
    "AdapterFailure",
    "Case",
    "ExecTarget",
    "LibraryTarget",
    "Outcome",
    "Policy",
    "Problem",
    "Report",
    "Target",
    "VectorError",
    "VectorFile",
    "bundled_vectors",
    "compare",
    "compute_personal_sign",
    "compute_typed_data",
    "load_file",
    "load_vectors",
    "parse_vector_file",
    "render_json",
    "render_junit",
    "render_text",
    "request_for",
    "run",
    "run_case",
    "score",
    "select",
    "vector_paths",
    "verdict",
    "wire_json",
]
