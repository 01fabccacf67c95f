"""The verifier's SQLite schema: versioned with ``PRAGMA user_version``, migrated in order, never downgraded."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest

from eip712kit.server.store import MIGRATIONS, SCHEMA_VERSION, ApiKeyStore, Migration, SchemaError, migrate
from tests.helpers.cli_runner import Runner, clean_env, run
from tests.helpers.devkeys import DEV_KEYS

_, OWNER = DEV_KEYS[0]  # PUBLIC development account #0

# The schema eip712kit wrote before the store was versioned (user_version stayed 0), as it was.
VERSION_0_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    api_key      TEXT PRIMARY KEY,
    owner        TEXT NOT NULL,
    secret_hash  BLOB NOT NULL,
    label        TEXT,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX IF NOT EXISTS api_keys_active ON api_keys (owner, revoked_at);
CREATE TABLE IF NOT EXISTS used_signatures (
    digest     BLOB PRIMARY KEY,
    owner      TEXT NOT NULL,
    action     TEXT NOT NULL,
    timestamp  INTEGER NOT NULL,
    used_at    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS used_signatures_time ON used_signatures (timestamp);
"""


def _version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        (version,) = db.execute("PRAGMA user_version").fetchone()
    return int(version)


def test_a_new_store_is_at_the_latest_version(tmp_path: Path) -> None:
    store = ApiKeyStore(str(tmp_path / "new.sqlite3"))
    store.close()
    assert _version(tmp_path / "new.sqlite3") == SCHEMA_VERSION == MIGRATIONS[-1].version
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_a_version_0_database_is_migrated_and_keeps_its_keys(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(VERSION_0_SCHEMA)
        db.execute("INSERT INTO api_keys (api_key, owner, secret_hash, label, created_at) VALUES (?, ?, ?, ?, ?)",
                   ("sera_old", OWNER, hashlib.sha256(b"the-old-secret").digest(), "old", 1_700_000_000))
        db.execute("INSERT INTO used_signatures VALUES (?, ?, ?, ?, ?)", (b"\x01" * 32, OWNER, "create",
                                                                          1_700_000_000, 1_700_000_000))
    assert _version(path) == 0
    store = ApiKeyStore(str(path))
    try:
        assert store.schema_version == SCHEMA_VERSION
        key = store.verify(api_key="sera_old", secret="the-old-secret")
        assert key is not None and (key.owner, key.label) == (OWNER, "old")
        assert store.counts() == {"api_keys": 1, "active_api_keys": 1, "used_signatures": 1}
    finally:
        store.close()
    assert _version(path) == SCHEMA_VERSION
    ApiKeyStore(str(path)).close()  # opening again changes nothing
    assert _version(path) == SCHEMA_VERSION


def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaError) as info:
        ApiKeyStore(str(path))
    message = str(info.value)
    assert f"schema version {SCHEMA_VERSION + 1}" in message and "newer eip712kit" in message
    assert _version(path) == SCHEMA_VERSION + 1  # untouched


def test_migrations_apply_in_order_and_a_failing_one_rolls_back_whole(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "steps.sqlite3", isolation_level=None)
    steps = (
        Migration(1, "a table", ("CREATE TABLE t (a INTEGER)",)),
        Migration(2, "a column and a row", ("ALTER TABLE t ADD COLUMN b TEXT", "INSERT INTO t VALUES (1, 'x')")),
        Migration(3, "fails half-way", ("INSERT INTO t VALUES (2, 'y')", "INSERT INTO no_such_table VALUES (1)")),
    )
    assert migrate(db, steps[:1]) == 1
    assert migrate(db, steps[:2]) == 2
    assert db.execute("SELECT a, b FROM t").fetchall() == [(1, "x")]
    with pytest.raises(sqlite3.OperationalError):
        migrate(db, steps)
    assert db.execute("PRAGMA user_version").fetchone() == (2,)
    assert db.execute("SELECT a, b FROM t").fetchall() == [(1, "x")]  # the failed step left nothing
    db.close()


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not sqlite\n" * 100)
    with pytest.raises(SchemaError) as info:
        ApiKeyStore(str(path))
    assert "cannot be used as the verifier's store" in str(info.value)


def test_serve_refuses_a_newer_database_with_exit_2(cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    result = cli("serve", "--port", "0", "--db", str(path))
    assert result.returncode == 2
    assert "newer eip712kit" in result.stderr and "Traceback" not in result.stderr


# --- the store is a file named by a plain path ------------------------------------------------------

@pytest.mark.parametrize("path, says", [
    ("file:state.sqlite3?mode=memory", "is an SQLite URI: --db takes a plain path"),
    ("FILE:state.sqlite3", "is an SQLite URI"),
    ("/dev/null", "is not a regular file"),
])
def test_the_store_takes_a_plain_path_to_a_regular_file_only(path: str, says: str) -> None:
    with pytest.raises(SchemaError, match=re.escape(says)):
        ApiKeyStore(path)


def test_characters_a_uri_would_read_are_part_of_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "state?mode=memory#x.sqlite3"
    ApiKeyStore(str(path)).close()
    assert path.is_file() and migrate(sqlite3.connect(path)) == SCHEMA_VERSION


@pytest.mark.parametrize("value", ["file:{tmp}/state.sqlite3?mode=memory", "/proc/self/fd/1"])
def test_serve_refuses_a_uri_or_a_pipe_as_its_database_with_exit_2(tmp_path: Path, value: str) -> None:
    """stdout is a pipe here, so /proc/self/fd/1 names one (it was an internal error, exit 70)."""
    done = run("serve", "--port", "0", env=clean_env(EIP712KIT_SERVE_DB=value.format(tmp=tmp_path)), timeout=30)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "is an SQLite URI" in done.stderr or "is not a regular file" in done.stderr
    assert not Path("file:").exists()  # no folder made for the URI's "path" either
