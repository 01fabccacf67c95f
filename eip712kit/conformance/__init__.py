"""The conformance runner: golden vectors in, a verdict per case out — for this library or anyone's signer.

The runner turns each case of a vector file into one request, hands it to a *target* and judges the
answer field by field. One module per concern, each importing only the ones listed before it:

* :mod:`.features` — the feature tags of a case (what it exercises), derived from its content, written
  into every vector and declared unsupported by adapters;
* :mod:`.vectors` — the ``eip712kit-vectors/1`` format: loading and checking files, choosing cases,
  the request a target receives and the JSON line it travels as;
* :mod:`.scoring` — comparing one answer with one case (:func:`score`, :class:`Policy`,
  :class:`Outcome`, :class:`Problem`): the format's equality and refusal rules, in one place;
* :mod:`.runner` — the :class:`Target` contract, the handshake (:class:`Declaration`), expected
  failures, :func:`run` and the whole-run :func:`verdict`;
* the targets: :mod:`.library` (:class:`LibraryTarget`, eip712kit in-process), :mod:`.adapter`
  (:class:`ExecTarget`, ``--exec "COMMAND"``: any signer speaking JSON lines), and :mod:`.api`
  (:func:`run_api`, ``--api URL``: a live verifier rather than a signer);
* :mod:`.reports` — text, JSON and JUnit XML renderings of a :class:`Report`;
* :mod:`.options` — the run options the command line and the pytest plugin share (:data:`RUN_OPTIONS`),
  each written once, and the :class:`Policy` they ask for.

Nothing here prints; the CLI (:mod:`eip712kit.cli.conformance`) decides where reports go. Every
public name is re-exported here, so ``from eip712kit.conformance import run, LibraryTarget`` and
``conformance.score(...)`` do not depend on which module holds it.
"""

from __future__ import annotations

from .adapter import SECRET_ENV_MARKERS, ExecTarget, KeysInEnvironment, adapter_environment, is_secret_env
from .api import API_SUITE, API_TAMPERS, Tamper, development_keys, run_api
from .features import FEATURES, case_features, refusal_tag
from .library import (
    TIME_WINDOW_RULES,
    LibraryTarget,
    Operation,
    compute_personal_sign,
    compute_sera_order,
    compute_time_window,
    compute_typed_data,
    compute_uuid_int,
)
from .options import RUN_OPTIONS, RunOption, policy_from
from .reports import render_json, render_junit, render_text
from .runner import (
    DECLARED,
    DEFAULT_TIMEOUT,
    HELLO,
    NOTHING_DECLARED,
    PROTOCOL,
    STATUSES,
    AdapterFailure,
    Declaration,
    ExpectedFailure,
    ExpectedFailures,
    Report,
    Target,
    TargetUnusable,
    baseline,
    expect,
    handshake,
    hello_request,
    parse_hello,
    run,
    run_case,
    verdict,
)
from .scoring import STRICT, Outcome, Policy, Problem, compare, policy_for, score
from .vectors import (
    FORMAT,
    FORMAT_PREFIX,
    KINDS,
    RESULT_FIELDS,
    UNSUPPORTED,
    Case,
    VectorError,
    VectorFile,
    bundled_vectors,
    first_unsafe_number,
    load_file,
    load_vectors,
    parse_vector_file,
    request_for,
    select,
    vector_paths,
    vectors_identity,
    wire_json,
)

__all__ = [
    "API_SUITE",
    "API_TAMPERS",
    "DECLARED",
    "DEFAULT_TIMEOUT",
    "FEATURES",
    "FORMAT",
    "FORMAT_PREFIX",
    "HELLO",
    "KINDS",
    "NOTHING_DECLARED",
    "PROTOCOL",
    "RESULT_FIELDS",
    "RUN_OPTIONS",
    "SECRET_ENV_MARKERS",
    "STATUSES",
    "STRICT",
    "TIME_WINDOW_RULES",
    "UNSUPPORTED",
    "AdapterFailure",
    "Case",
    "Declaration",
    "ExecTarget",
    "ExpectedFailure",
    "ExpectedFailures",
    "KeysInEnvironment",
    "LibraryTarget",
    "Operation",
    "Outcome",
    "Policy",
    "Problem",
    "Report",
    "RunOption",
    "Tamper",
    "Target",
    "TargetUnusable",
    "VectorError",
    "VectorFile",
    "adapter_environment",
    "baseline",
    "bundled_vectors",
    "case_features",
    "compare",
    "compute_personal_sign",
    "compute_sera_order",
    "compute_time_window",
    "compute_typed_data",
    "compute_uuid_int",
    "development_keys",
    "expect",
    "first_unsafe_number",
    "handshake",
    "hello_request",
    "is_secret_env",
    "load_file",
    "load_vectors",
    "parse_hello",
    "parse_vector_file",
    "policy_for",
    "policy_from",
    "refusal_tag",
    "render_json",
    "render_junit",
    "render_text",
    "request_for",
    "run",
    "run_api",
    "run_case",
    "score",
    "select",
    "vector_paths",
    "vectors_identity",
    "verdict",
    "wire_json",
]
