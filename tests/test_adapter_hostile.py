"""An --exec adapter is someone else's program: it sees no key, it cannot outlive the run, it cannot flood the runner.

Each test plays the adapter an attacker would write (a script under tmp_path) against the real
runner: reading its environment and the runner's ``/proc/<pid>/environ``, forking a child that
sleeps, writing a line that never ends. Memory is the runner's own peak (VmHWM, measured inside
the subprocess, as tests/helpers/hostile_server.py does for the checks).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from eip712kit import conformance
from eip712kit.base.secrets import key_shaped
from eip712kit.conformance.adapter import MAX_LINE_BYTES, adapter_environment, is_secret_env
from tests.helpers import cli_runner
from tests.helpers.cli_runner import InProcess, clean_env
from tests.helpers.devkeys import DEV_KEY
from tests.helpers.hostile_server import run_measured

PY = sys.executable
KEY = DEV_KEY  # PUBLIC development key (Hardhat/Anvil account #0), standing in for a real one
PHRASE = "test test test test test test test test test test test junk"  # PUBLIC: Hardhat's development mnemonic
FLAG = "--expose-env-keys-to-adapter"
UNSUPPORTED = """
    import json, sys
    for line in sys.stdin:
        request = json.loads(line)
        print(json.dumps({"id": request["id"], "error": {"code": "UNSUPPORTED", "message": "no"}}), flush=True)
"""
"""An adapter's loop that can do nothing: every case is skipped, never passed (exit 1, no case passed)."""


def script(tmp_path: Path, name: str, *parts: str) -> str:
    """An adapter script made of ``parts`` (each dedented on its own), and the command line that runs it."""
    path = tmp_path / name
    path.write_text("".join(textwrap.dedent(part) for part in parts), encoding="utf-8")
    return f'"{PY}" "{path}"'


def invoke(*args: str) -> InProcess:
    """``eip712kit conformance ARGS…`` through the CLI's one error handler, in this process."""
    return cli_runner.invoke("conformance", *args)


# --- what counts as key material ------------------------------------------------------------------

@pytest.mark.parametrize("name, value", [
    ("PRIVATEKEY", KEY), ("PRIV_KEY", KEY), ("DEPLOYER_PK", KEY), ("WALLET_SEED", PHRASE),
    ("KEYSTORE_PASS", "correct horse"), ("ETH_SECRET_KEY", KEY), ("db_passwd", "x"),
    ("DEPLOYER", KEY), ("DEPLOYER", KEY[2:]), ("DEPLOYER", "0X" + KEY[2:].upper()), ("DEPLOYER", f'"{KEY}"'),
    ("KEYS", f"{KEY},{KEY}"), ("SIGNER", PHRASE), ("SIGNER", PHRASE.title()), ("SIGNER", PHRASE.replace(" ", ", ")),
    ("SIGNER", " ".join(PHRASE.split() * 2)),
])
def test_a_secret_is_known_by_its_name_or_by_its_value(name: str, value: str) -> None:
    assert is_secret_env(name, (), value)
    assert name not in adapter_environment({name: value, "PATH": "/bin"})


@pytest.mark.parametrize("name, value", [
    ("PATH", "/usr/bin:/bin"), ("PWD", "/work"), ("PYTHONHASHSEED", "0"), ("BYPASS_CACHE", "1"),
    ("GITHUB_SHA", "ab" * 20), ("DIGEST", "ab" * 64), ("GREETING", "eleven words " * 5 + "x"),
    ("MESSAGE", "Only eleven words here, which is not the shape of a phrase at all"),
])
def test_ordinary_variables_are_kept(name: str, value: str) -> None:
    assert not is_secret_env(name, (), value)


def test_a_field_is_key_shaped_in_every_spelling() -> None:
    for text in (KEY, KEY[2:], "0X" + KEY[2:], KEY.upper().replace("0X", "0x"), PHRASE, PHRASE.upper(),
                 PHRASE.replace(" ", ","), "  " + PHRASE + "\n"):
        assert key_shaped(text), text
    assert not key_shaped("0x" + "ab" * 65) and not key_shaped("one two three")


# --- the runner's own environment --------------------------------------------------------------------

def spy(tmp_path: Path) -> tuple[str, Path]:
    """An adapter that writes what it can see: its own environment, and the runner's by /proc."""
    seen = tmp_path / "seen.json"
    return script(tmp_path, "spy.py", f"""
        import json, os, sys
        def environ(pid):
            raw = open(f"/proc/{{pid}}/environ", "rb").read()
            return dict(i.decode("utf-8", "replace").split("=", 1) for i in raw.split(b"\\0") if b"=" in i)
        runner = os.getppid()
        if open(f"/proc/{{runner}}/comm").read().strip() in ("sh", "dash", "bash"):  # shell=True: one more hop
            runner = int(next(l for l in open(f"/proc/{{runner}}/status") if l.startswith("PPid:")).split()[1])
        json.dump({{"own": dict(os.environ), "runner": environ(runner)}}, open({str(seen)!r}, "w"))
    """, UNSUPPORTED), seen


SECRETS = {"PRIVATEKEY": KEY, "PRIV_KEY": KEY, "DEPLOYER_PK": KEY, "WALLET_SEED": PHRASE,
           "KEYSTORE_PASS": "hunter2", "ETH_SECRET_KEY": KEY, "DEPLOYER": KEY}


def test_an_adapter_is_not_started_while_keys_sit_in_the_runners_environment(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    adapter, seen = spy(tmp_path)
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    result = invoke("--exec", adapter, "--case", "core/mail")
    assert result.exit_code == 2
    said = result.output
    assert "can read this process's own (/proc/<pid>/environ)" in said and FLAG in said
    assert all(name in said for name in sorted(SECRETS)[:8])
    assert KEY[2:] not in said.lower() and "hunter2" not in said and "junk" not in said
    assert not seen.exists()  # never started
    as_json = json.loads(invoke("--exec", adapter, "--case", "core/mail", "--json").stdout)
    assert as_json["ok"] is False and "DEPLOYER_PK" in as_json["error"]["message"]


def test_with_the_flag_the_adapter_runs_and_still_sees_no_key_of_its_own(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    adapter, seen = spy(tmp_path)
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    invoke("--exec", adapter, "--case", "core/mail", FLAG)
    own = json.loads(seen.read_text())["own"]
    assert not set(SECRETS) & set(own)
    assert not any(key_shaped(value) for value in own.values())


def test_a_key_deleted_from_os_environ_is_still_seen_through_proc(tmp_path: Path) -> None:
    """A wrapper that `del`s the variable has not hidden it: /proc/<pid>/environ is what the process started with."""
    adapter, seen = spy(tmp_path)
    runner = ("import os, sys\ndel os.environ['DEPLOYER']\nfrom eip712kit.cli import run\n"
              "sys.exit(run(sys.argv[1:]))\n")
    env = clean_env(DEPLOYER=KEY)
    refused = subprocess.run([PY, "-c", runner, "conformance", "--exec", adapter, "--case", "core/mail"],
                             capture_output=True, text=True, env=env, timeout=120)
    assert refused.returncode == 2 and "key material (DEPLOYER)" in refused.stderr and not seen.exists()
    allowed = subprocess.run([PY, "-c", runner, "conformance", "--exec", adapter, "--case", "core/mail", FLAG],
                             capture_output=True, text=True, env=env, timeout=120)
    assert allowed.returncode == 1, allowed.stderr  # UNSUPPORTED everywhere: no case passed
    view = json.loads(seen.read_text())
    assert "DEPLOYER" not in view["own"] and view["runner"]["DEPLOYER"] == KEY  # the risk the flag names


# --- the adapter's children -------------------------------------------------------------------------

def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead and waiting for its reaper, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
@pytest.mark.parametrize("exits", [True, False], ids=["adapter-exits-on-eof", "adapter-ignores-eof"])
def test_no_child_of_the_adapter_outlives_the_run(tmp_path: Path, exits: bool) -> None:
    pids = tmp_path / "pids"
    forker = script(tmp_path, "forker.py", f"""
        import signal, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        open({str(pids)!r}, "a").write(f"{{child.pid}}\\n")
    """, UNSUPPORTED, "" if exits else """
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # and it does not go when its stdin closes
        time.sleep(600)
    """)
    invoke("--exec", forker, "--case", "core/mail", "--case", "core/recursive-tree")
    children = [int(p) for p in pids.read_text().split()]
    assert children
    guard = time.monotonic() + 10
    while any(alive(p) for p in children) and time.monotonic() < guard:
        time.sleep(0.05)
    assert not [p for p in children if alive(p)]


# --- lines that do not end ----------------------------------------------------------------------------

def test_an_endless_line_fails_its_case_in_bounded_memory_and_the_run_goes_on(tmp_path: Path) -> None:
    flooded = tmp_path / "flooded"
    flood = script(tmp_path, "flood.py", f"""
        import json, os, sys
        for line in sys.stdin:
            request = json.loads(line)
            if request.get("op") != "hello" and not os.path.exists({str(flooded)!r}):  # the first case only
                open({str(flooded)!r}, "w").close()
                try:
                    while True:
                        sys.stdout.buffer.write(b"x" * 65536)
                except BrokenPipeError:
                    sys.exit(0)
            print(json.dumps({{"id": request["id"], "error": {{"code": "UNSUPPORTED", "message": "no"}}}}), flush=True)
    """)
    done, rss_kib, _ = run_measured("conformance", "--exec", flood, "--case", "core/mail", "--case",
                                    "core/recursive-tree", "--json", env=clean_env(), rss_file=tmp_path / "rss")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    status = {case["id"]: case for case in json.loads(done.stdout)["cases"]}
    assert status["core/mail"]["status"] == "failed"
    assert f"a line longer than {MAX_LINE_BYTES:,} bytes" in json.dumps(status["core/mail"])
    assert status["core/recursive-tree"]["status"] == "skipped"  # the restarted adapter went on
    assert 0 < rss_kib < 100 * 1024  # an 8 MiB line at most, never the flood


def test_a_huge_stderr_line_is_cut_not_kept(tmp_path: Path) -> None:
    loud = script(tmp_path, "loud.py", """
        import sys
        sys.stderr.write("e" * (50 * 1024 * 1024) + "\\nerror: last words\\n")
        sys.stderr.flush()
        sys.exit(1)
    """)
    with conformance.ExecTarget(loud, timeout=20) as target:
        with pytest.raises(conformance.AdapterFailure) as failure:
            target.handle({"id": "1", "op": "hello"})
        tail = target.stderr_tail()
    assert max(len(line) for line in tail) <= 4096 and "error: last words" in str(failure.value)


def test_the_flag_is_documented_where_a_user_looks() -> None:
    assert FLAG in invoke("--help").output


def test_the_debugger_page_detects_key_shapes_by_the_same_patterns() -> None:
    """The page cannot import Python: its two patterns are these, written out, and held equal here."""
    from eip712kit.base.secrets import HEX_KEY, MNEMONIC_WORDS

    page = (Path(__file__).resolve().parent.parent / "eip712kit/server/static/debug/debug.js").read_text()
    assert f"const KEY_SHAPE = /^{HEX_KEY}$/;" in page
    assert f"const WORDS_SHAPE = /^{MNEMONIC_WORDS}$/;" in page
