"""What every command shares: exit codes, output modes, reading inputs, and the key options.

Exit codes are part of the interface (scripts branch on them):

====  ===========================================================================
0     ok: the digest, signature or address was produced; a signature is valid
1     invalid: a signature does not verify, a server refused, local and server disagree
2     bad input or usage: malformed document, address, option; missing key source
3     network or server error: unreachable, timed out, 5xx, an answer that is not JSON
70    internal error: a bug in eip712kit (the message says how to report it)
====  ===========================================================================

Keys never travel as arguments (they would land in shell history and ``ps``): a key comes from an
environment variable, a file, an encrypted keystore or a mnemonic held in a variable.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, TypeVar

import click

from ..base.errors import Eip712KitError, KeySourceError
from ..base.extras import NEEDED_BY, require_extra
from ..base.limits import DEFAULT_LIMITS, Limits
from ..core.keys import DEFAULT_DERIVATION_PATH, DEFAULT_KEY_ENV, PrivateKey, load_key
from ..protocols import trust

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_BAD_INPUT = 2
EXIT_NETWORK = 3
EXIT_INTERNAL = 70

F = TypeVar("F", bound=Callable[..., Any])


class Output:
    """Process-wide output mode, so that the top-level error handler can answer in JSON too."""

    json = False


def _set_json(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        Output.json = True
    return value


def json_option(f: F) -> F:
    return click.option(
        "--json", "as_json", is_flag=True, callback=_set_json, help="Print one JSON object for programs."
    )(f)


def dumps(data: Any) -> str:
    """One line of JSON; unseen characters (C1 controls, bidi, zero-width, U+2028) escaped (trust.dumps)."""
    return trust.dumps(data)


def emit(as_json: bool, data: Any, text: str | None) -> None:
    """Print the JSON form or the human form of one result."""
    if as_json:
        click.echo(dumps(data))
    elif text is not None:
        click.echo(text)


def text_to_sign(text: str) -> str:
    """The line every command prints before it personal_signs a server's text: exactly that text, quoted,
    every control, bidi and zero-width character in it escaped (``\\u202e``), so nothing in it is hidden."""
    return f"text to sign (personal_sign, UTF-8): {trust.quoted(text)}"


def read_input(stream: IO[bytes], limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Read a whole document, refusing (not truncating) one over the size limit before it is in memory."""
    data = stream.read(limits.max_document_bytes + 1)
    if len(data) > limits.max_document_bytes:
        from ..base.errors import DocumentError

        raise DocumentError(
            f"the input is over {limits.max_document_bytes} bytes; raise --max-document-bytes if this is intended",
            code="LIMIT_EXCEEDED",
        )
    return bytes(data)


# --- click's own refusals ----------------------------------------------------------------------

def parameter_name(param: click.Parameter | None) -> str:
    """How a refusal names a parameter: an option by its long name (``--max-depth``), an argument in
    capitals (``FILE``), as the usage line shows them."""
    if param is None:
        return ""
    if isinstance(param, click.Option):
        return next((opt for opt in param.opts if opt.startswith("--")), param.opts[0])
    return (param.name or "").upper()


def _sentence(text: str) -> str:
    return text.strip().rstrip(".")


def _file_refusal(name: str, error: OSError) -> Eip712KitError:
    shown = os.fsdecode(error.filename) if error.filename is not None else "the file"
    where = "" if os.path.isabs(shown) else f" (relative to {os.getcwd()})"
    if isinstance(error, FileNotFoundError):
        return Eip712KitError(f"{shown!r} does not exist{where}", code="FILE_NOT_FOUND", path=name)
    reason = (error.strerror or type(error).__name__).lower()
    return Eip712KitError(f"{shown!r} cannot be read: {reason}{where}", code="FILE_UNREADABLE", path=name)


def _from_environment(exc: click.BadParameter) -> str:
    """`` (from VARIABLE)`` when the refused value came from an option's environment variable, not the line."""
    param, ctx = exc.param, exc.ctx
    if not isinstance(param, click.Option) or ctx is None or param.name is None or not param.envvar:
        return ""
    if ctx.get_parameter_source(param.name) is not click.core.ParameterSource.ENVIRONMENT:
        return ""
    names = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar)
    return f" (from the environment: {' or '.join(names)})"


def click_refusal(exc: click.ClickException) -> Eip712KitError:
    """One of click's own refusals, said as the kit says every other: a code, the parameter, a sentence.

    click reports a missing or unreadable FILE, a value that does not convert and a malformed command
    line in a usage block of its own; the kit's format is one line (``error: <path>: <sentence>
    [<CODE>]``) and, under ``--json``, one object, whatever refused.
    """
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter):
        name = _sentence(exc.param_hint) if isinstance(exc.param_hint, str) else parameter_name(exc.param)
        name = name.strip("'\"")
        if isinstance(cause, OSError):  # click.File could not open it
            return _file_refusal(name, cause)
        message = _sentence(exc.message)
        if exc.param is not None and isinstance(exc.param.type, click.Path):
            code = "FILE_NOT_FOUND" if message.endswith("does not exist") else "FILE_UNREADABLE"
            return Eip712KitError(message, code=code, path=name)
        return Eip712KitError(message + _from_environment(exc), code="INVALID_OPTION", path=name)
    if isinstance(exc, click.FileError):  # a file click opens lazily, for writing
        if isinstance(cause, OSError):
            return _file_refusal("", cause)
        return Eip712KitError(_sentence(exc.format_message()), code="FILE_UNREADABLE")
    message = _sentence(exc.format_message())
    if isinstance(exc, click.MissingParameter):
        message = message.replace("Missing", "missing", 1)
    if isinstance(exc, click.UsageError) and exc.ctx is not None:
        message += f" ({exc.ctx.command_path} --help shows the usage)"
    return Eip712KitError(message, code="INVALID_USAGE")


# --- limits -----------------------------------------------------------------------------------

def _limits_callback(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None:
        ctx.meta.setdefault("eip712kit.base.limits", {})[param.name] = value
    return value


def limits_options(f: F) -> F:
    """``--max-document-bytes`` and friends: bounds on untrusted input (see :mod:`eip712kit.base.limits`)."""
    defaults = DEFAULT_LIMITS
    for name, help_text in (
        ("max_document_bytes", f"largest document or JSON line in bytes [default: {defaults.max_document_bytes}]"),
        ("max_depth", f"deepest JSON nesting [default: {defaults.max_depth}]"),
        ("max_array_length", f"longest array value [default: {defaults.max_array_length}]"),
    ):
        f = click.option(
            "--" + name.replace("_", "-"),
            name,
            type=click.IntRange(min=1),
            default=None,
            expose_value=False,
            callback=_limits_callback,
            help=help_text,
        )(f)
    return f


def current_limits() -> Limits:
    """The limits the options asked for; the shared default object otherwise (it keeps the schema cache)."""
    chosen = click.get_current_context().meta.get("eip712kit.base.limits")
    if not chosen:
        return DEFAULT_LIMITS
    return Limits(**{**DEFAULT_LIMITS.__dict__, **chosen})


# --- keys -------------------------------------------------------------------------------------

@dataclass
class KeySpec:
    env: str | None = None
    file: str | None = None
    keystore: str | None = None
    password_env: str | None = None
    mnemonic_env: str | None = None
    path: str | None = None

    def load(self) -> PrivateKey:
        if self.password_env is not None and self.keystore is None:
            raise click.UsageError("--password-env goes with --keystore")
        if self.path is not None and self.mnemonic_env is None:
            raise click.UsageError("--path goes with --mnemonic-env")
        prompt = self.password_env is None and _can_prompt()
        if self.keystore is not None and self.password_env is None and not prompt:
            raise KeySourceError(
                f"keystore {self.keystore} needs a password and there is no terminal to ask for it: name the "
                "environment variable that holds it with --password-env NAME",
                code="KEY_NOT_FOUND", path="--password-env",
            )
        return load_key(
            env=self.env,
            file=self.file,
            keystore=self.keystore,
            password_env=self.password_env,
            prompt=prompt,
            mnemonic_env=self.mnemonic_env,
            path=self.path or DEFAULT_DERIVATION_PATH,
        )


def _can_prompt() -> bool:
    """Whether a password prompt can reach a person (getpass would otherwise read stdin, the document)."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return False
    os.close(fd)
    return True


def _key_callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    spec: KeySpec = ctx.meta.setdefault("eip712kit.key", KeySpec())
    if value is not None and param.opts[0] in NEEDED_BY["keys"]:
        # As the option is read: a missing extra is the first thing to fix, before a password or a variable.
        require_extra("keys", feature=param.opts[0], error=KeySourceError)
    if value is not None:
        setattr(spec, (param.name or "").removeprefix("key_"), value)
    return value


def key_options(f: F) -> F:
    """The key sources. None takes a key itself: a key on the command line ends up in history and ``ps``."""
    hidden: dict[str, Any] = {"expose_value": False, "callback": _key_callback, "default": None}
    options = [
        click.option("--key-env", "key_env", metavar="NAME", **hidden,
                     help=f"Environment variable holding the hex key [default: {DEFAULT_KEY_ENV}]."),
        click.option("--key-file", "key_file", type=click.Path(dir_okay=False), **hidden,
                     help="File holding the hex key."),
        click.option("--keystore", "key_keystore", type=click.Path(dir_okay=False), **hidden,
                     help="Encrypted JSON keystore (v3); password from --password-env or a prompt."),
        click.option("--password-env", "key_password_env", metavar="NAME", **hidden,
                     help="Environment variable holding the keystore password."),
        click.option("--mnemonic-env", "key_mnemonic_env", metavar="NAME", **hidden,
                     help="Environment variable holding a BIP-39 mnemonic."),
        click.option("--path", "key_path", metavar="PATH", **hidden,
                     help=f"Derivation path for --mnemonic-env [default: {DEFAULT_DERIVATION_PATH}]."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def load_cli_key() -> PrivateKey:
    """The one key the options name (the ``EIP712KIT_PRIVATE_KEY`` variable when none is named)."""
    spec: KeySpec = click.get_current_context().meta.get("eip712kit.key") or KeySpec()
    return spec.load()


__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INVALID",
    "EXIT_NETWORK",
    "EXIT_OK",
    "KeySourceError",
    "Output",
    "click_refusal",
    "current_limits",
    "dumps",
    "emit",
    "json_option",
    "key_options",
    "limits_options",
    "load_cli_key",
    "parameter_name",
    "read_input",
    "text_to_sign",
]
