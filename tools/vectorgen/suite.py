"""A suite under construction: each case computed by eip712kit, cross-checked, and stamped as it is added."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from eth_account.messages import encode_defunct, encode_typed_data

from eip712kit import conformance
from eip712kit.conformance.features import case_features
from eip712kit.core.domain import Domain
from eip712kit.protocols.struct import Struct
from tools.attestations import stamps

from .common import ETH_ACCOUNT, GENERATOR, KEYS, GenerationError, js_safe, rand_address, rng
from .references import agree, eth_account_blocker, eth_account_personal, eth_account_typed


class Suite:
    """The cases of one vector file, each computed, cross-checked and stamped as it is added."""

    def __init__(self, name: str, description: str, attestations: dict[str, Any]):
        """``attestations``: the record (tools/attestations.py) whose fresh verdicts stamp the cases."""
        self.name = name
        self.description = description
        self.cases: list[dict[str, Any]] = []
        self._record = attestations
        self._target = conformance.LibraryTarget()
        self._ids: set[str] = set()
        self.stale: list[str] = []
        """Cases whose node attestation record no longer matches them (attest again)."""

    # -- the library's answer --

    def _ask(self, case_id: str, kind: str, inp: dict[str, Any]) -> dict[str, Any]:
        case = conformance.Case(case_id, self.name, kind, inp, {}, None)
        return self._target.handle(conformance.request_for(case, KEYS))

    def _new(self, name: str, kind: str, description: str, inp: dict[str, Any]) -> dict[str, Any]:
        case_id = f"{self.name}/{name}"
        if case_id in self._ids:
            raise GenerationError(f"duplicate case id {case_id}")
        self._ids.add(case_id)
        unsafe = conformance.first_unsafe_number(inp, "input")
        if unsafe:
            raise GenerationError(f"{case_id}: {unsafe} is a JSON number beyond 2**53 - 1")
        return {"id": case_id, "kind": kind, "description": description, "input": inp}

    def positive(self, name: str, kind: str, description: str, inp: dict[str, Any],
                 check: Callable[[str, dict[str, Any]], list[str]] | None = None) -> dict[str, Any]:
        """A case whose expected values eip712kit computes; ``check`` returns who attested it."""
        case = self._new(name, kind, description, inp)
        response = self._ask(case["id"], kind, inp)
        if "result" not in response:
            raise GenerationError(f"{case['id']}: eip712kit refused a positive case: {response.get('error')}")
        expected = response["result"]
        attested = check(case["id"], expected) if check else []
        case["expected"] = expected
        found, stale = stamps(self._record, case)
        attested.extend(found.get("attested_by", []))
        if stale:
            self.stale.append(case["id"])
        if attested:
            case["attested_by"] = sorted(set(attested))
        self.cases.append(case)
        return case

    def negative(self, name: str, kind: str, description: str, inp: dict[str, Any], code: str,
                 path: str | None, accepted: Callable[[], bool] | None = None) -> dict[str, Any]:
        """A case eip712kit must refuse with ``code`` at ``path`` (None: path not pinned).

        ``accepted`` asks eth-account whether it would sign the input anyway.
        """
        case = self._new(name, kind, description, inp)
        response = self._ask(case["id"], kind, inp)
        error = response.get("error")
        if error is None:
            raise GenerationError(f"{case['id']}: eip712kit accepted an input meant to be refused with {code}")
        if error["code"] != code or (path is not None and error.get("path") != path):
            raise GenerationError(
                f"{case['id']}: eip712kit refused with {error['code']} at {error.get('path')!r}, "
                f"the case says {code} at {path!r} ({error.get('message')})"
            )
        accepted_by, refused_by = [], []
        if accepted is not None:
            (accepted_by if accepted() else refused_by).append(ETH_ACCOUNT)
        case["error"] = {"code": code, **({"path": path} if path is not None else {})}
        found, stale = stamps(self._record, case)
        accepted_by.extend(found.get("accepted_by", []))
        refused_by.extend(found.get("refused_by", []))
        if stale:
            self.stale.append(case["id"])
        if refused_by:
            case["refused_by"] = sorted(set(refused_by))
        if accepted_by:
            case["accepted_by"] = sorted(set(accepted_by))
        self.cases.append(case)
        return case

    # -- typed data and personal_sign --

    def typed(self, name: str, description: str, doc: dict[str, Any], key: str | None = "dev0",
              known_digest: str | None = None) -> dict[str, Any]:
        inp: dict[str, Any] = {"typed_data": doc}
        if key is not None:
            inp["key"] = key

        def check(case_id: str, ours: dict[str, Any]) -> list[str]:
            if known_digest is not None and ours["digest"] != known_digest:
                raise GenerationError(f"{case_id}: digest {ours['digest']} is not the published {known_digest}")
            if eth_account_blocker(doc) is not None:
                return []
            try:
                theirs = eth_account_typed(doc, key)
            except Exception as exc:  # eth-account was expected to compute this one
                raise GenerationError(f"{case_id}: eth-account failed on a case it should compute: {exc}") from exc
            agree(case_id, ours, theirs, ETH_ACCOUNT)
            return [ETH_ACCOUNT]

        return self.positive(name, "typed_data", description, inp, check)

    def typed_error(self, name: str, description: str, doc: Any, code: str, path: str | None) -> dict[str, Any]:
        def accepted() -> bool:
            try:
                encode_typed_data(full_message=doc)
            except Exception:
                return False
            return True

        return self.negative(name, "typed_data", description, {"typed_data": doc}, code, path, accepted)

    def personal(self, name: str, description: str, message: str, encoding: str = "utf8",
                 key: str | None = "dev0") -> dict[str, Any]:
        inp: dict[str, Any] = {"message": message, "encoding": encoding}
        if key is not None:
            inp["key"] = key

        def check(case_id: str, ours: dict[str, Any]) -> list[str]:
            agree(case_id, ours, eth_account_personal(message, encoding, key), ETH_ACCOUNT)
            return [ETH_ACCOUNT]

        return self.positive(name, "personal_sign", description, inp, check)

    def personal_error(self, name: str, description: str, message: Any, encoding: str, code: str,
                       path: str | None) -> dict[str, Any]:
        def accepted() -> bool:
            try:
                if encoding == "hex":
                    encode_defunct(hexstr=message)
                else:
                    encode_defunct(text=message)
            except Exception:
                return False
            return True

        inp = {"message": message, "encoding": encoding}
        return self.negative(name, "personal_sign", description, inp, code, path, accepted)

    def struct(self, name: str, description: str, struct: Struct, domain: Domain, key: str | None = "dev0"
               ) -> dict[str, Any]:
        """A declared protocol struct as its standard typed-data document (both paths must agree)."""
        doc = struct.to_typed_data(domain)
        case = self.typed(name, description, doc, key)
        if case["expected"]["digest"] != "0x" + struct.digest(domain).hex():
            raise GenerationError(f"{case['id']}: the struct's digest differs from its typed-data document's")
        return case

    # -- output --

    def to_json(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for case in self.cases:
            for who in case.get("attested_by", []):
                counts[who] = counts.get(who, 0) + 1
        used_keys = sorted({c["input"]["key"] for c in self.cases if "key" in c["input"]})
        return {
            "format": conformance.FORMAT,
            "suite": self.name,
            "description": self.description,
            "generated_by": GENERATOR,
            "attested_by": dict(sorted(counts.items())),
            "keys": {k: KEYS[k] for k in used_keys},
            "cases": [with_features(case) for case in self.cases],
        }


def with_features(case: dict[str, Any]) -> dict[str, Any]:
    """The case with its feature tags (derived by the package, one rule for every reader) after its description."""
    tags = case_features(case["kind"], case["input"], case.get("error"))
    out: dict[str, Any] = {}
    for key, value in case.items():
        out[key] = value
        if key == "description":
            out["features"] = tags
    return out


def random_message(cls: type[Struct], r: random.Random) -> dict[str, Any]:
    """Random values of a declared struct's fields, drawn from ``r``."""
    out: dict[str, Any] = {}
    for name, t in cls.fields:
        def one(t: str) -> Any:
            if t == "address":
                return rand_address(r)
            if t == "string":
                return "".join(r.choice("abc_-,0123 ü✓") for _ in range(r.randint(0, 20)))
            bits = int(t[4:])
            return js_safe(r.getrandbits(r.choice([8, bits // 2, bits])))

        if t.endswith("[]"):
            n = r.randint(0, 5)
            out[name] = [one(t[:-2]) for _ in range(n)]
        else:
            out[name] = one(t)
    if "tokens" in out and "amounts" in out:  # WithdrawIntent pairs them
        out["amounts"] = out["amounts"][: len(out["tokens"])] + [1] * (len(out["tokens"]) - len(out["amounts"]))
    return out


def struct_cases(s: Any, values: dict[Any, dict[str, dict[str, Any]]], domains: dict[str, Any], protocol: str,
                 default_domain: Any) -> None:
    """Each struct's value sets — the first on every domain, the rest on the default — and 3 seeded randoms."""
    for cls, sets in values.items():
        first = True
        for label, message in sets.items():
            struct = cls.from_message(message)
            targets = domains.items() if first else [("default", domains["default"])]
            for dname, (domain, dtext) in targets:
                s.struct(f"{cls.primary_type}-{label}-{dname}", f"{cls.primary_type} ({label}) on {dtext}.",
                         struct, domain)
            first = False
        r = rng(f"{protocol}/{cls.primary_type}")
        for i in range(3):
            s.struct(f"{cls.primary_type}-random-{i}", f"{cls.primary_type} with seeded random values.",
                     cls.from_message(random_message(cls, r)), default_domain, key=r.choice(["dev0", "dev1"]))
