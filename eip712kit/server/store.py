"""API keys and used signatures, in SQLite, one transaction per change.

Every state change — create a key, revoke one, revoke all, consume a signature — is one
``BEGIN IMMEDIATE … COMMIT``: the replay check, the 10-key count and the writes happen under the
same write lock, so two concurrent requests cannot both pass the limit, and a process killed
mid-write (SIGKILL included) leaves either the whole change or none of it. The journal is WAL with
``synchronous=FULL``, so a committed change survives a crash of the process and of the machine.

Secrets are stored as SHA-256 hashes and compared with :func:`hmac.compare_digest`. The secret is
256 random bits, so a fast hash is enough (nothing to brute-force); the plaintext is returned once,
at creation, and exists nowhere else.

A signature is "used" by the digest it signs: the same ManageApiKey message (owner, action,
timestamp) is accepted once, however its signature is written (v as 0/1 or 27/28, compact form).
Used digests are kept past the ±5-minute window and then pruned, since an expired timestamp is
refused anyway — by the window while the clock only moves forward, and by the *replay floor* when it
does not: pruning records the timestamp below which digests may be gone, and a message below it is
refused whatever the clock says now. Without it a clock stepped forward (pruning everything) and then
back let a used signature through again. The replay check keys on the signed timestamp and the
digest, never on the wall clock alone.

The schema is versioned with ``PRAGMA user_version``: :data:`MIGRATIONS` is the ordered list of
steps from an empty (or pre-versioning, version 0) database to :data:`SCHEMA_VERSION`; opening a
store applies the missing steps in order, each with its version bump in one transaction. A
database written by a newer eip712kit is refused (:class:`SchemaError`) rather than guessed at.

A store that fails underneath (the file unreadable, corrupt or gone, the disk full, the
connection closed) raises :class:`StoreUnavailable` — an HTTP 503, "retry" — never a 500.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from ..base.errors import ProtocolError
from ..protocols.sera import API_KEY_TIMESTAMP_WINDOW, MAX_ACTIVE_API_KEYS

T = TypeVar("T")

API_KEY_PREFIX = "sera_"
REPLAY_MEMORY = 2 * API_KEY_TIMESTAMP_WINDOW + 60
"""Used digests are kept until their message's timestamp is this far in the past (then it is refused anyway)."""

log = logging.getLogger("eip712kit.server")


@dataclass(frozen=True)
class Migration:
    """One step of the schema: the statements that take a database from ``version - 1`` to ``version``."""

    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "API keys (secrets as SHA-256) and used signatures (the replay guard); a database made "
              "before versioning (user_version 0) already has these tables, and is only stamped",
              (
                  """CREATE TABLE IF NOT EXISTS api_keys (
                      api_key      TEXT PRIMARY KEY,
                      owner        TEXT NOT NULL,
                      secret_hash  BLOB NOT NULL,
                      label        TEXT,
                      created_at   INTEGER NOT NULL,
                      revoked_at   INTEGER
                  )""",
                  "CREATE INDEX IF NOT EXISTS api_keys_active ON api_keys (owner, revoked_at)",
                  """CREATE TABLE IF NOT EXISTS used_signatures (
                      digest     BLOB PRIMARY KEY,
                      owner      TEXT NOT NULL,
                      action     TEXT NOT NULL,
                      timestamp  INTEGER NOT NULL,
                      used_at    INTEGER NOT NULL
                  )""",
                  "CREATE INDEX IF NOT EXISTS used_signatures_time ON used_signatures (timestamp)",
              )),
    Migration(2, "the replay floor: timestamps below it may have had their digests pruned, so they are refused "
              "whatever the clock says now (a clock stepped forward, then back, let a replay through)",
              (
                  """CREATE TABLE IF NOT EXISTS replay_floor (
                      id     INTEGER PRIMARY KEY CHECK (id = 0),
                      below  INTEGER NOT NULL
                  )""",
                  "INSERT OR IGNORE INTO replay_floor (id, below) VALUES (0, 0)",
              )),
)
"""Every schema change, in order. A new one is appended (never edited in place) with the next version."""

SCHEMA_VERSION = MIGRATIONS[-1].version


class SchemaError(Exception):
    """The database cannot be used by this version of eip712kit (written by a newer one, or not a store)."""


def migrate(db: sqlite3.Connection, migrations: tuple[Migration, ...] = MIGRATIONS, *, path: str = "") -> int:
    """Apply the steps ``db`` lacks, in order, each in one transaction with its ``user_version``; the new version.

    ``db`` is in autocommit mode (``isolation_level=None``). A failing step rolls back whole: the
    database keeps the last version that was completed.
    """
    latest = migrations[-1].version if migrations else 0
    (current,) = db.execute("PRAGMA user_version").fetchone()
    if current > latest:
        raise SchemaError(
            f"{path or 'the database'} has schema version {current}, newer than this eip712kit knows "
            f"({latest}): it was written by a newer eip712kit. Upgrade eip712kit (pip install -U "
            "'eip712kit[server]'), or give --db another file")
    for step in migrations:
        if step.version <= current:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in step.statements:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {int(step.version)}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        current = step.version
    return int(current)


class StoreError(ProtocolError):
    """A refusal with the HTTP status the endpoint answers with."""

    def __init__(self, status: int, message: str, *, code: str, path: str = ""):
        super().__init__(message, code=code, path=path)
        self.status = status


UNAVAILABLE_DETAIL = "Service temporarily unavailable; please retry"
"""The Sera document's 503 sentence ("驗證後端不可達")."""


class StoreUnavailable(StoreError):
    """The store failed underneath (I/O, corruption, closed): 503, the client may retry."""

    def __init__(self) -> None:
        super().__init__(503, UNAVAILABLE_DETAIL, code="SERVICE_UNAVAILABLE")


@contextmanager
def _unavailable_as_503() -> Iterator[None]:
    """Turn a failure of SQLite itself into :class:`StoreUnavailable` (logged by its type, never its data)."""
    try:
        yield
    except sqlite3.Error as exc:
        log.error("the API-key store is unavailable: %s", type(exc).__name__)
        raise StoreUnavailable() from None


@dataclass(frozen=True)
class ApiKey:
    api_key: str
    owner: str
    label: str | None
    created_at: int
    revoked_at: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"api_key": self.api_key, "owner_address": self.owner, "label": self.label,
                "created_at": self.created_at, "revoked_at": self.revoked_at,
                "active": self.revoked_at is None}


def _hash_secret(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("utf-8")).digest()


_DUMMY_HASH = _hash_secret("no such key")


def store_uri(path: str) -> str:
    """The SQLite URI that opens ``path`` as a plain file (``:memory:`` as itself); :class:`SchemaError` if it cannot.

    ``--db`` takes a path, never a URI: SQLite as most systems build it reads a name starting with
    ``file:`` as one, so ``file:x?mode=memory`` kept the state in memory while the banner named a
    file, and a replay after a restart was accepted. The path is made into a URI here, escaped, so
    nothing in it is read as a parameter; and it must be a regular file or not exist yet
    (``/proc/self/fd/1``, a pipe, ended in an internal error).
    """
    if path == ":memory:":
        return path
    if path[:5].lower() == "file:":
        raise SchemaError(f"{path!r} is an SQLite URI: --db takes a plain path to a file (the state in memory is "
                          "what no --db gives)")
    file = Path(path)
    if file.exists() and not file.is_file():
        raise SchemaError(f"{path} is not a regular file (a directory, a device, a pipe …): give --db a path to a "
                          "file, new or an eip712kit store")
    return "file:" + quote(str(file.absolute())) + "?mode=rwc"


class ApiKeyStore:
    """The verifier's durable state. Thread-safe: one connection, one lock, one transaction per call."""

    def __init__(self, path: str = ":memory:"):
        self.path = path
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(store_uri(path), isolation_level=None, check_same_thread=False,
                                       timeout=10.0, uri=path != ":memory:")
        except sqlite3.DatabaseError as exc:
            raise SchemaError(f"{path} cannot be used as the verifier's store ({exc}): give --db a new file "
                              "or an eip712kit store") from None
        try:
            self._db.execute("PRAGMA busy_timeout = 10000")
            if path != ":memory:":
                self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self.schema_version = migrate(self._db, path=path)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise SchemaError(f"{path} cannot be used as the verifier's store ({exc}): give --db a new file "
                              "or an eip712kit store") from None
        except SchemaError:
            self._db.close()
            raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, _unavailable_as_503():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                with suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock, _unavailable_as_503():
            return fn(self._db)

    # -- signatures --

    @staticmethod
    def _consume(db: sqlite3.Connection, digest: bytes, owner: str, action: str, timestamp: int, now: int) -> None:
        (floor,) = db.execute("SELECT below FROM replay_floor WHERE id = 0").fetchone()
        if timestamp < floor:
            raise StoreError(400, f"timestamp {timestamp} is older than what this server still remembers of used "
                             f"signatures ({floor}; its clock has gone back): sign again with the current time",
                             code="TIMESTAMP_OUT_OF_WINDOW", path="timestamp")
        if now - REPLAY_MEMORY > floor:
            db.execute("DELETE FROM used_signatures WHERE timestamp < ?", (now - REPLAY_MEMORY,))
            db.execute("UPDATE replay_floor SET below = ? WHERE id = 0", (now - REPLAY_MEMORY,))
        try:
            db.execute("INSERT INTO used_signatures (digest, owner, action, timestamp, used_at) VALUES (?, ?, ?, ?, ?)",
                       (digest, owner, action, timestamp, now))
        except sqlite3.IntegrityError:
            raise StoreError(409, "this signature was already used: sign the request again with a new timestamp",
                             code="SIGNATURE_REPLAYED", path="signature") from None

    # -- the operations --

    def create(self, *, owner: str, label: str | None, digest: bytes, timestamp: int, now: int) -> tuple[ApiKey, str]:
        """A new key and its secret (the only time the secret exists in plaintext)."""
        api_key = API_KEY_PREFIX + secrets.token_hex(16)
        secret = secrets.token_urlsafe(32)
        with self._transaction() as db:
            self._consume(db, digest, owner, "create", timestamp, now)
            (active,) = db.execute("SELECT COUNT(*) FROM api_keys WHERE owner = ? AND revoked_at IS NULL",
                                   (owner,)).fetchone()
            if active >= MAX_ACTIVE_API_KEYS:
                raise StoreError(400, f"{owner} already has {active} active API keys, the most a wallet may hold; "
                                 "revoke one first", code="API_KEY_LIMIT")
            db.execute("INSERT INTO api_keys (api_key, owner, secret_hash, label, created_at) VALUES (?, ?, ?, ?, ?)",
                       (api_key, owner, _hash_secret(secret), label, now))
        return ApiKey(api_key, owner, label, now, None), secret

    def list_keys(self, *, owner: str, digest: bytes, timestamp: int, now: int) -> list[ApiKey]:
        with self._transaction() as db:
            self._consume(db, digest, owner, "list", timestamp, now)
            rows = db.execute("SELECT api_key, owner, label, created_at, revoked_at FROM api_keys "
                              "WHERE owner = ? AND revoked_at IS NULL ORDER BY created_at, rowid",
                              (owner,)).fetchall()
        return [ApiKey(*row) for row in rows]

    def revoke(self, *, owner: str, api_key: str, digest: bytes, timestamp: int, now: int) -> None:
        with self._transaction() as db:
            self._consume(db, digest, owner, "revoke_" + api_key, timestamp, now)
            updated = db.execute("UPDATE api_keys SET revoked_at = ? WHERE api_key = ? AND owner = ? "
                                 "AND revoked_at IS NULL", (now, api_key, owner)).rowcount
            if updated != 1:
                raise StoreError(404, f"{owner} has no active API key {api_key}", code="API_KEY_NOT_FOUND",
                                 path="api_key")

    def revoke_all(self, *, owner: str, digest: bytes, timestamp: int, now: int) -> list[str]:
        with self._transaction() as db:
            self._consume(db, digest, owner, "revoke_all", timestamp, now)
            keys = [k for (k,) in db.execute("SELECT api_key FROM api_keys WHERE owner = ? AND revoked_at IS NULL "
                                             "ORDER BY created_at, rowid", (owner,)).fetchall()]
            db.execute("UPDATE api_keys SET revoked_at = ? WHERE owner = ? AND revoked_at IS NULL", (now, owner))
        return keys

    def self_revoke(self, *, api_key: str, secret: str, now: int) -> ApiKey:
        with self._transaction() as db:
            key = self._authenticate(db, api_key, secret)
            if key is None:
                raise StoreError(401, "Invalid api_key or api_secret", code="UNAUTHORIZED")
            db.execute("UPDATE api_keys SET revoked_at = ? WHERE api_key = ?", (now, api_key))
        return ApiKey(key.api_key, key.owner, key.label, key.created_at, now)

    def verify(self, *, api_key: str, secret: str) -> ApiKey | None:
        """The active key this pair authenticates, or None (in about the same time either way)."""
        return self._read(lambda db: self._authenticate(db, api_key, secret))

    @staticmethod
    def _authenticate(db: sqlite3.Connection, api_key: str, secret: str) -> ApiKey | None:
        row = db.execute("SELECT api_key, owner, label, created_at, revoked_at, secret_hash FROM api_keys "
                         "WHERE api_key = ?", (api_key,)).fetchone()
        given = _hash_secret(secret)
        if row is None:
            hmac.compare_digest(given, _DUMMY_HASH)
            return None
        matches = hmac.compare_digest(given, bytes(row[5]))
        if not matches or row[4] is not None:
            return None
        return ApiKey(*row[:5])

    def counts(self) -> dict[str, int]:
        """Totals for /health and tests: keys, active keys, remembered signatures."""
        def read(db: sqlite3.Connection) -> dict[str, int]:
            keys, active = db.execute("SELECT COUNT(*), COUNT(*) - COUNT(revoked_at) FROM api_keys").fetchone()
            (used,) = db.execute("SELECT COUNT(*) FROM used_signatures").fetchone()
            return {"api_keys": keys, "active_api_keys": active, "used_signatures": used}

        return self._read(read)


__all__ = [
    "API_KEY_PREFIX",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "UNAVAILABLE_DETAIL",
    "ApiKey",
    "ApiKeyStore",
    "Migration",
    "SchemaError",
    "StoreError",
    "StoreUnavailable",
    "migrate",
    "store_uri",
]
