"""Where the Discord face's state lives, behind one small interface: SQLite (the embedded
default: one file, nothing to install or run) or PostgreSQL (`DATABASE_URL`: one database
shared by bot processes on several machines).

The aggregates (`bot/discord/*_records.py`) write each statement once, with `?` placeholders
and the SQL both engines speak (`ON CONFLICT`, `CASE`, `>>` and `%`), and run it through
`read()` or `write()`, which yield a transaction whose `execute` returns a DB-API cursor.

SQLite: one connection guarded by a lock, WAL with `synchronous=FULL` (a commit is on disk
when it returns), and a second connection whose `PRAGMA data_version` tells cheaply whether
another process committed. PostgreSQL: psycopg 3's synchronous API over a `psycopg_pool`
pool, called from the bot's store and answer threads as SQLite is (benchmarks/store_backends.py
measured it against asyncpg; README, "Running at scale"); changes made by other processes
arrive by LISTEN/NOTIFY (`listen`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import psycopg
import psycopg_pool

log = logging.getLogger(__name__)

BUSY_TIMEOUT = 5.0  # seconds a write waits for another connection's write lock
CHANNEL = "quotebot_changes"  # the NOTIFY channel of migrations/postgresql/003_schema.sql
# What a failing database call raises, whichever the backend: callers that can live without
# the write (a declined question's log line, an answer's record) catch these.
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, psycopg.Error)


class StoreError(Exception):
    """The database cannot be used (cannot be created, opened, reached or written, newer
    schema than this code, or not a database); the message names where it is."""


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Tx(Protocol):
    """One transaction: statements with `?` placeholders."""

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor: ...


def is_url(database: Path | str) -> bool:
    return str(database).startswith(("postgresql://", "postgres://"))


class Database(ABC):
    """A backend: transactions, the schema version, migrations and a lock spacing IDENTIFYs."""

    kind: str  # names the folder of its migrations, bot/discord/migrations/<kind>/

    def __init__(self, where: str) -> None:
        self.where = where  # for messages: a path, or a URL without its password

    @abstractmethod
    def read(self) -> contextlib.AbstractContextManager[Tx]: ...

    @abstractmethod
    def write(self) -> contextlib.AbstractContextManager[Tx]: ...

    @abstractmethod
    def migrate(self, scripts: dict[int, str]) -> None:
        """Apply every script newer than the database's version, each with its version, one
        transaction each; `StoreError` when the database is newer than the newest script."""

    @abstractmethod
    def schema_version(self) -> int: ...

    @abstractmethod
    def identify_lock(self, bucket: int) -> contextlib.AbstractContextManager[None]:
        """Held by one process of all those sharing this database at a time, per bucket:
        blocks until it is free (call it off the event loop)."""

    @abstractmethod
    def close(self) -> None: ...

    def newer(self, version: int, known: int) -> StoreError:
        return StoreError(
            f"{self.where}: schema version {version} is newer than this quotebot knows "
            f"({known}); run the newer quotebot, or restore a backup made for this one"
        )


class _SqliteTx:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        return self._db.execute(sql, params)


class SqliteDatabase(Database):
    """One SQLite file (or `:memory:`): today's behaviour, WAL with full sync."""

    kind = "sqlite"

    def __init__(self, path: Path | str, busy_timeout: float = BUSY_TIMEOUT) -> None:
        super().__init__(str(path))
        self.memory = str(path) == ":memory:"
        if not self.memory:
            if Path(path).is_dir():
                raise StoreError(f"{path} is a folder; give the path of a database file")
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"{path}: cannot create the folder {Path(path).parent} ({exc.strerror})"
                ) from None
        self.path = path
        self.lock = threading.Lock()
        self._watch_lock = threading.Lock()
        self._watch: sqlite3.Connection | None = None
        self.connection = self._connect(busy_timeout)
        try:
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=FULL")
            if not self.memory:  # an in-memory database is this connection's alone
                self._watch = self._connect(busy_timeout)
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StoreError(f"{path}: cannot use this database ({exc})") from None
        self._seen = -1

    def _connect(self, busy_timeout: float) -> sqlite3.Connection:
        try:
            return sqlite3.connect(
                str(self.path), timeout=busy_timeout, check_same_thread=False, isolation_level=None
            )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot use this database ({exc})") from None

    @contextlib.contextmanager
    def read(self) -> Iterator[Tx]:
        with self.lock:
            yield _SqliteTx(self.connection)

    @contextlib.contextmanager
    def write(self) -> Iterator[Tx]:
        """One write transaction under the lock: committed when the block ends, rolled back
        when it raises."""
        with self.lock:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTx(self.connection)
                self.connection.execute("COMMIT")
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise

    def schema_version(self) -> int:
        with self.lock:
            return self.connection.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self, scripts: dict[int, str]) -> None:
        version, known = self.schema_version(), max(scripts)
        if version > known:
            raise self.newer(version, known)
        for number in sorted(v for v in scripts if v > version):
            with self.lock:
                self.connection.executescript(
                    f"BEGIN; {scripts[number]}\nPRAGMA user_version = {number}; COMMIT;"
                )
        self._check_writable()

    def _check_writable(self) -> None:
        """Fail now, not on the first answer, when the database cannot be written: SQLite
        opens a read-only file read-only without a word. The probe is a real write, in a
        transaction that is rolled back, so the database is left as it was."""
        with self.lock:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                version = self.connection.execute("PRAGMA user_version").fetchone()[0]
                self.connection.execute(f"PRAGMA user_version = {version}")
            except sqlite3.OperationalError as exc:
                raise StoreError(f"{self.path}: the database cannot be written ({exc})") from None
            finally:
                self.connection.execute("ROLLBACK")

    def changed(self) -> bool:
        """Whether anyone (another process, or this one) committed since the last look: one
        pragma on the watching connection, which reads no page."""
        if self._watch is None:
            return False
        with self._watch_lock:
            version = self._watch.execute("PRAGMA data_version").fetchone()[0]
        if version == self._seen:
            return False
        self._seen = version
        return True

    @contextlib.contextmanager
    def identify_lock(self, bucket: int) -> Iterator[None]:
        """A byte-range lock on a file beside the database: the processes sharing one SQLite
        file share one machine."""
        if self.memory:
            yield
            return
        fd = os.open(f"{self.path}.identify", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX, 1, bucket)
            yield
        finally:
            os.close(fd)  # closing drops the lock

    def close(self) -> None:
        with self.lock, self._watch_lock:
            self.connection.close()
            if self._watch is not None:
                self._watch.close()


class _PgTx:
    def __init__(self, conn: psycopg.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        return self._conn.execute(sql.replace("%", "%%").replace("?", "%s"), params)  # type: ignore[arg-type]


ADVISORY = 0x71626F74  # "qbot": the first key of this project's advisory locks
MIGRATION_LOCK = -1  # its second key while migrating; IDENTIFY buckets are 0 and up


class PostgresDatabase(Database):
    """A PostgreSQL database shared by every bot process: a pool of connections for the
    store's calls, one more connection listening for other processes' changes."""

    kind = "postgresql"

    def __init__(self, url: str, name: str, pool_size: int = 6) -> None:
        super().__init__(_without_password(url))
        self.url = url
        self.name = name  # application_name: change notices say which process made them
        self._stop = threading.Event()
        self._listener: threading.Thread | None = None
        try:  # one connection first: its failure says why, where the pool's would only time out
            psycopg.connect(url, **_connect_timeout(url)).close()
        except psycopg.Error as exc:
            raise StoreError(f"{self.where}: cannot connect ({_first_line(exc)})") from None
        try:
            self.pool = psycopg_pool.ConnectionPool(
                url,
                min_size=1,
                max_size=pool_size,
                open=False,
                timeout=10.0,
                kwargs={"application_name": name},
            )
            self.pool.open(wait=True, timeout=10.0)
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            raise StoreError(f"{self.where}: cannot connect ({_first_line(exc)})") from None

    @contextlib.contextmanager
    def read(self) -> Iterator[Tx]:
        with self.pool.connection() as conn:
            yield _PgTx(conn)

    write = read  # every pooled connection commits when its block ends, rolls back on error

    def schema_version(self) -> int:
        with self.pool.connection() as conn:
            found = conn.execute("SELECT to_regclass('quotebot_schema')").fetchone()
            if found is None or found[0] is None:
                return 0
            return conn.execute("SELECT version FROM quotebot_schema").fetchone()[0]

    def migrate(self, scripts: dict[int, str]) -> None:
        """All under one transaction-scoped advisory lock: processes starting together
        migrate once, the others wait and find the work done."""
        known = max(scripts)
        with self.pool.connection() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (ADVISORY, MIGRATION_LOCK))
            conn.execute("CREATE TABLE IF NOT EXISTS quotebot_schema (version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM quotebot_schema").fetchone()
            if row is None:
                conn.execute("INSERT INTO quotebot_schema VALUES (0)")
            version = 0 if row is None else row[0]
            if version > known:
                raise self.newer(version, known)
            for number in sorted(v for v in scripts if v > version):
                conn.execute(scripts[number].encode())  # several statements, no parameters
                conn.execute("UPDATE quotebot_schema SET version = %s", (number,))

    @contextlib.contextmanager
    def identify_lock(self, bucket: int) -> Iterator[None]:
        """A session advisory lock on a connection of its own (held across the wait, so not
        a pooled one), released with it."""
        with psycopg.connect(self.url, autocommit=True, **_connect_timeout(self.url)) as conn:
            conn.execute("SELECT pg_advisory_lock(%s, %s)", (ADVISORY, bucket))
            yield

    def listen(self, changed: Callable[[str, int | None, str], None]) -> None:
        """Call `changed(what, guild, by)` ("pins" or "settings", the server's id or None,
        the process that made it) for every change any process commits, from a thread of its
        own, until `close`. A lost connection is retried every second; `changed("all", None,
        "")` then says notifications may have been missed."""

        def run() -> None:
            while not self._stop.is_set():
                try:
                    with psycopg.connect(
                        self.url, autocommit=True, **_connect_timeout(self.url)
                    ) as conn:
                        conn.execute(f"LISTEN {CHANNEL}")
                        changed("all", None, "")
                        while not self._stop.is_set():
                            # A notice comes as soon as it is sent; the timeout is only
                            # how soon `close` is noticed.
                            for note in conn.notifies(timeout=0.1):
                                notice = _notice(note.payload)
                                if notice is None:
                                    log.warning(
                                        "ignoring a change notice that is not quotebot's: %.100r",
                                        note.payload,
                                    )
                                    continue
                                changed(*notice)
                except psycopg.Error as exc:
                    log.warning("listening for changes: %s; retrying", _first_line(exc))
                    self._stop.wait(1.0)

        self._listener = threading.Thread(target=run, name="listen", daemon=True)
        self._listener.start()

    def close(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.join(5.0)
        self.pool.close()


def _notice(payload: str) -> tuple[str, int | None, str] | None:
    """(what, guild, by) of a notice the trigger of migrations/postgresql/003_schema.sql
    sent; None for anything else sent on the channel."""
    try:
        data = json.loads(payload)
        what, guild, by = data["what"], data["guild"], data.get("by") or ""
    except (ValueError, KeyError, TypeError):
        return None
    if what not in ("pins", "settings") or not isinstance(guild, int | None):
        return None
    return what, guild, str(by)


def _without_password(url: str) -> str:
    """The URL as messages and logs may show it."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return "the database URL (which cannot be read as one)"
    shown = {k: v for k, v in info.items() if k != "password"}
    return f"postgresql://{shown.get('user', '')}@{shown.get('host', '')}:" + (
        f"{shown.get('port', 5432)}/{shown.get('dbname', '')}"
    )


def _connect_timeout(url: str) -> dict[str, int]:
    """Wait at most 10 s for a server that does not answer (libpq's default is to wait for
    ever), unless the URL says how long."""
    try:
        given = "connect_timeout" in psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        given = False
    return {} if given else {"connect_timeout": 10}


def password_of(url: str) -> str | None:
    """The password a URL carries, if any (kept out of the log)."""
    try:
        return psycopg.conninfo.conninfo_to_dict(url).get("password")  # type: ignore[return-value]
    except psycopg.Error:
        return None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def open_database(
    database: Path | str, busy_timeout: float = BUSY_TIMEOUT, name: str = "quotebot"
) -> Database:
    """PostgreSQL for a `postgresql://` URL (connecting as `name`), else the SQLite file at
    that path."""
    if is_url(database):
        return PostgresDatabase(str(database), name)
    return SqliteDatabase(database, busy_timeout)


def migrations(kind: str) -> dict[int, str]:
    """A backend's migration scripts by version, from their files' numbers
    (`migrations/<kind>/004_claims.sql` is version 4); never edit one that has shipped."""
    folder = Path(__file__).parent / "migrations" / kind
    return {
        int(p.name.split("_", 1)[0]): p.read_text(encoding="utf-8") for p in folder.glob("*.sql")
    }
