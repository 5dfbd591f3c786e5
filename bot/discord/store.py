"""SQLite storage for the Discord face: sent answers, curated (pinned) answers, votes, and the
log of declined questions, every row scoped by server.

WAL mode with `synchronous=FULL`: a commit is on disk when `commit()` returns, so neither a
killed process nor a power cut loses a committed pin. One connection guarded by a lock,
because calls come both from the bot's store thread and from the executor threads that
answer questions (never from the event loop: a commit waits for the disk).

Scopes: every row carries the id of the server it belongs to (`guild_id`); direct messages
have a scope of their own, `DM_SCOPE` (0, never a server's id). A pin, a vote, a sent answer
or a declined question is only ever read back in its own scope, so nothing made in one server
shows in another. Rows written before scoping (schema 1) have `guild_id` NULL until
`adopt_unscoped` gives them their server; until then they are served nowhere.

Every question is matched against the pins' keys, so the keys are also kept in memory
(loaded on open, replaced on every pin and unpin): matching reads no row. Several bot
processes may share one database (a restart overlapping the old process, or two bots on
purpose), so the keys are also reloaded when another connection has changed the pins:
`PRAGMA data_version` on a connection of its own tells, cheaply (it reads no page), whether
anyone committed since the last look, and only then is the pins' change count (kept by
triggers) read, so votes and logged questions cost no reload. Reloading was chosen over
refusing a second process (a lock file) because it keeps both bots right instead of stopping
one, costs a pragma per question, and needs no lock file that a crash could leave behind.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ValidationError

from bot.models import Answer

log = logging.getLogger(__name__)

DM_SCOPE = 0  # direct messages: no server's id is 0
BUSY_TIMEOUT = 5.0  # seconds a write waits for another connection's write lock

# Each entry moves the schema from version i to i + 1; never edit one that has shipped.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE answers (
        message_id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL,
        question TEXT NOT NULL,
        answer_json TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE pins (
        message_id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL,
        question TEXT NOT NULL,
        match_key TEXT NOT NULL,
        answer_json TEXT NOT NULL,
        pinned_by INTEGER NOT NULL,
        pinned_by_name TEXT NOT NULL,
        pinned_at TEXT NOT NULL
    );
    CREATE TABLE votes (
        message_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        voted_at TEXT NOT NULL,
        PRIMARY KEY (message_id, user_id)
    );
    CREATE TABLE declined (
        id INTEGER PRIMARY KEY,
        question TEXT NOT NULL,
        match_key TEXT NOT NULL,
        asked_at TEXT NOT NULL
    );
    CREATE INDEX declined_by_time ON declined (asked_at);
    """,
    # Scope every row by server (NULL: written before this, server not known yet), and
    # count changes to the pins, so another process knows when to reload their keys.
    """
    ALTER TABLE answers ADD COLUMN guild_id INTEGER;
    ALTER TABLE pins ADD COLUMN guild_id INTEGER;
    ALTER TABLE votes ADD COLUMN guild_id INTEGER;
    ALTER TABLE declined ADD COLUMN guild_id INTEGER;
    CREATE INDEX declined_by_guild ON declined (guild_id, asked_at);
    CREATE TABLE pin_changes (n INTEGER NOT NULL);
    INSERT INTO pin_changes VALUES (0);
    CREATE TRIGGER pin_added AFTER INSERT ON pins BEGIN UPDATE pin_changes SET n = n + 1; END;
    CREATE TRIGGER pin_changed AFTER UPDATE ON pins BEGIN UPDATE pin_changes SET n = n + 1; END;
    CREATE TRIGGER pin_removed AFTER DELETE ON pins BEGIN UPDATE pin_changes SET n = n + 1; END;
    """,
]
SCOPED_TABLES = ("answers", "pins", "votes", "declined")


class StoreError(Exception):
    """The database cannot be used (cannot be created, opened or written, newer schema than
    this code, or not a database); the message names the path."""


class SentAnswer(BaseModel):
    message_id: int
    channel_id: int
    guild_id: int
    answer: Answer


class Pin(BaseModel):
    """A curated answer: served first to later questions of its server that match
    `match_key`."""

    message_id: int
    channel_id: int
    guild_id: int
    question: str
    match_key: str
    answer: Answer
    pinned_by: int
    pinned_by_name: str
    pinned_at: str


class Tally(BaseModel):
    up: int
    down: int


class Unanswered(BaseModel):
    question: str
    count: int
    last_asked: str


PinKeys = Mapping[int, str]  # match key by pin message id, oldest pin first


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")


def _by_scope(rows: Iterable[tuple[int | None, int, str]]) -> dict[int | None, PinKeys]:
    keys: dict[int | None, dict[int, str]] = {}
    for scope, message_id, key in rows:
        keys.setdefault(scope, {})[message_id] = key
    return dict(keys)


class Store:
    """All persistent state of the bot; every method commits before it returns.

    `declined_retention_days`: declined questions older than this are deleted, on open and
    with every new one (None keeps them). `busy_timeout`: how long a write waits for another
    connection (another bot process) holding the write lock before it fails.
    """

    def __init__(
        self,
        path: Path | str,
        declined_retention_days: float | None = 90,
        busy_timeout: float = BUSY_TIMEOUT,
    ) -> None:
        memory = str(path) == ":memory:"
        if not memory:
            if Path(path).is_dir():
                raise StoreError(f"{path} is a folder; give the path of a database file")
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"{path}: cannot create the folder {Path(path).parent} ({exc.strerror})"
                ) from None
        self.retention_days = declined_retention_days
        self._lock = threading.Lock()
        self._watch_lock = threading.Lock()
        self._watch: sqlite3.Connection | None = None
        self._bad_pins: set[int] = set()
        self._db = self._connect(path, busy_timeout)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._migrate(path)
            self._check_writable(path)
            self.prune_declined()
            if not memory:  # an in-memory database is this connection's alone
                self._watch = self._connect(path, busy_timeout)
                self._seen_version, self._seen_changes = self._data_version(), -1
            self._pin_keys = self._load_pin_keys(self._db)
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StoreError(f"{path}: cannot use this database ({exc})") from None
        except StoreError:
            self.close()
            raise

    @staticmethod
    def _connect(path: Path | str, busy_timeout: float) -> sqlite3.Connection:
        try:
            return sqlite3.connect(
                str(path), timeout=busy_timeout, check_same_thread=False, isolation_level=None
            )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot use this database ({exc})") from None

    def _migrate(self, path: Path | str) -> None:
        """Bring the schema up to date, one version per transaction."""
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{path}: schema version {version} is newer than this quotebot knows "
                f"({len(MIGRATIONS)})"
            )
        for number in range(version, len(MIGRATIONS)):
            self._db.executescript(
                f"BEGIN; {MIGRATIONS[number]} PRAGMA user_version = {number + 1}; COMMIT;"
            )

    def _check_writable(self, path: Path | str) -> None:
        """Fail now, not on the first answer, when the database cannot be written: SQLite
        opens a read-only file read-only without a word. The probe is a real write, in a
        transaction that is rolled back, so the database is left as it was."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            self._db.execute(f"PRAGMA user_version = {version}")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{path}: the database cannot be written ({exc})") from None
        finally:
            self._db.execute("ROLLBACK")

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self._db.execute("PRAGMA user_version").fetchone()[0]

    def pragma(self, name: str) -> object:
        """A pragma's value on the live connection (`journal_mode`, `synchronous`, ...)."""
        with self._lock:
            return self._db.execute(f"PRAGMA {name}").fetchone()[0]

    def close(self) -> None:
        with self._lock, self._watch_lock:
            self._db.close()
            if self._watch is not None:
                self._watch.close()

    def _write(self, sql: str, params: tuple) -> int:
        with self._lock:
            return self._db.execute(sql, params).rowcount

    # --- sent answers ------------------------------------------------------------------------

    def record_answer(
        self, message_id: int, channel_id: int, guild_id: int, answer: Answer
    ) -> None:
        """Remember what a bot message said, so it can be pinned or voted on later."""
        self._write(
            "INSERT OR REPLACE INTO answers "
            "(message_id, channel_id, guild_id, question, answer_json, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (message_id, channel_id, guild_id, answer.question, answer.model_dump_json(), _now()),
        )

    def sent_answer(self, message_id: int, guild_id: int) -> SentAnswer | None:
        """What a bot message of this scope said; None when it is not on record here (or its
        record no longer reads as an answer, which is logged)."""
        with self._lock:
            row = self._db.execute(
                "SELECT channel_id, answer_json FROM answers WHERE message_id = ? AND guild_id = ?",
                (message_id, guild_id),
            ).fetchone()
        if row is None:
            return None
        try:
            answer = Answer.model_validate_json(row[1])
        except ValidationError as exc:
            log.warning("answer %s on record no longer reads as an answer: %s", message_id, exc)
            return None
        return SentAnswer(
            message_id=message_id, channel_id=row[0], guild_id=guild_id, answer=answer
        )

    # --- pins --------------------------------------------------------------------------------

    def pin(self, pin: Pin) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO pins (message_id, channel_id, guild_id, question, "
                "match_key, answer_json, pinned_by, pinned_by_name, pinned_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pin.message_id,
                    pin.channel_id,
                    pin.guild_id,
                    pin.question,
                    pin.match_key,
                    pin.answer.model_dump_json(),
                    pin.pinned_by,
                    pin.pinned_by_name,
                    pin.pinned_at,
                ),
            )
            self._bad_pins.discard(pin.message_id)
            self._replace_keys(pin.message_id, (pin.guild_id, pin.match_key))

    def unpin(self, message_id: int, guild_id: int) -> bool:
        """Forget a curated answer of this scope; False when it was not pinned here."""
        with self._lock:
            gone = self._db.execute(
                "DELETE FROM pins WHERE message_id = ? AND guild_id = ?", (message_id, guild_id)
            ).rowcount
            if gone:
                self._replace_keys(message_id, None)
        return gone > 0

    def _replace_keys(self, message_id: int, new: tuple[int, str] | None) -> None:
        """New pin keys without `message_id`, plus `new` (scope, key) when given. The mapping
        is replaced, never changed, so readers need no lock."""
        keys = {
            scope: {m: k for m, k in pins.items() if m != message_id}
            for scope, pins in self._pin_keys.items()
        }
        if new is not None:
            keys.setdefault(new[0], {})[message_id] = new[1]
        self._pin_keys = keys

    @staticmethod
    def _load_pin_keys(db: sqlite3.Connection) -> dict[int | None, PinKeys]:
        return _by_scope(
            db.execute(
                "SELECT guild_id, message_id, match_key FROM pins ORDER BY pinned_at, message_id"
            ).fetchall()
        )

    def _data_version(self) -> int:
        assert self._watch is not None
        return self._watch.execute("PRAGMA data_version").fetchone()[0]

    def _refresh_pin_keys(self) -> None:
        """Reload the keys when the pins changed since the last look (by another bot
        process, or by this store, whose own commits the watching connection sees too)."""
        if self._watch is None:
            return
        with self._watch_lock:
            version = self._data_version()
            if version == self._seen_version:
                return
            self._seen_version = version
            changes = self._watch.execute("SELECT n FROM pin_changes").fetchone()[0]
            if changes == self._seen_changes:
                return
            self._seen_changes = changes
            self._pin_keys = self._load_pin_keys(self._watch)

    def pin_keys(self, guild_id: int) -> PinKeys:
        """This scope's pins' match keys by message id, oldest first: from memory, after a
        cheap check that no other process changed the database. Pins whose record no longer
        reads as an answer are left out."""
        self._refresh_pin_keys()
        keys = self._pin_keys.get(guild_id, {})
        if self._bad_pins & keys.keys():
            return {m: k for m, k in keys.items() if m not in self._bad_pins}
        return keys

    def pinned(self, message_id: int, guild_id: int) -> Pin | None:
        """One curated answer of this scope in full; None when it was unpinned meanwhile, or
        when its stored answer no longer validates (an older answer schema, a damaged row):
        that pin is then logged once and skipped, and the question gets the engine's answer."""
        with self._lock:
            r = self._db.execute(
                "SELECT channel_id, question, match_key, answer_json, pinned_by, "
                "pinned_by_name, pinned_at FROM pins WHERE message_id = ? AND guild_id = ?",
                (message_id, guild_id),
            ).fetchone()
        if r is None:
            return None
        try:
            answer = Answer.model_validate_json(r[3])
        except ValidationError as exc:
            if message_id not in self._bad_pins:
                log.warning("skipping pin %s: its answer no longer validates: %s", message_id, exc)
                self._bad_pins = {*self._bad_pins, message_id}
            return None
        return Pin(
            message_id=message_id,
            channel_id=r[0],
            guild_id=guild_id,
            question=r[1],
            match_key=r[2],
            answer=answer,
            pinned_by=r[4],
            pinned_by_name=r[5],
            pinned_at=r[6],
        )

    # --- votes -------------------------------------------------------------------------------

    def vote(self, message_id: int, guild_id: int, user_id: int, vote: int) -> bool:
        """Record a user's vote on an answer, replacing any earlier one; True if it changed."""
        with self._lock:
            old = self._db.execute(
                "SELECT vote FROM votes WHERE message_id = ? AND user_id = ?",
                (message_id, user_id),
            ).fetchone()
            self._db.execute(
                "INSERT OR REPLACE INTO votes (message_id, guild_id, user_id, vote, voted_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (message_id, guild_id, user_id, vote, _now()),
            )
        return old is not None and old[0] != vote

    def tally(self, message_id: int) -> Tally:
        with self._lock:
            up, down = self._db.execute(
                "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0) "
                "FROM votes WHERE message_id = ?",
                (message_id,),
            ).fetchone()
        return Tally(up=up, down=down)

    # --- declined questions ------------------------------------------------------------------

    def log_declined(self, question: str, match_key: str, guild_id: int) -> None:
        """Log a declined question, and drop those past the retention in the same commit
        (the index on `asked_at` makes that a look at the oldest rows only)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO declined (question, match_key, asked_at, guild_id) "
                    "VALUES (?, ?, ?, ?)",
                    (question, match_key, _now(), guild_id),
                )
                self._prune(self._db)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _prune(self, db: sqlite3.Connection) -> int:
        if self.retention_days is None:
            return 0
        return db.execute(
            "DELETE FROM declined WHERE asked_at < ?", (_ago(self.retention_days),)
        ).rowcount

    def prune_declined(self) -> int:
        """Delete declined questions older than the retention; how many went."""
        with self._lock:
            return self._prune(self._db)

    def unanswered(self, guild_id: int, days: int = 30, limit: int = 20) -> list[Unanswered]:
        """This scope's declined questions of the last `days`, grouped by wording, most
        frequent first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT question, COUNT(*) AS n, MAX(asked_at) AS last FROM declined "
                "WHERE guild_id = ? AND asked_at >= ? GROUP BY match_key "
                "ORDER BY n DESC, last DESC LIMIT ?",
                (guild_id, _ago(days), limit),
            ).fetchall()
        return [Unanswered(question=q, count=n, last_asked=last) for q, n, last in rows]

    # --- rows from before scoping ------------------------------------------------------------

    def unscoped_rows(self) -> int:
        """How many rows have no scope yet (written before scoping, schema 1)."""
        with self._lock:
            return self._count_unscoped(self._db)

    @staticmethod
    def _count_unscoped(db: sqlite3.Connection) -> int:
        return sum(
            db.execute(f"SELECT COUNT(*) FROM {t} WHERE guild_id IS NULL").fetchone()[0]
            for t in SCOPED_TABLES
        )

    def unscoped_channels(self) -> set[int]:
        """Channels of sent answers and pins that have no scope yet (schema 1 rows)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT channel_id FROM answers WHERE guild_id IS NULL "
                "UNION SELECT channel_id FROM pins WHERE guild_id IS NULL"
            ).fetchall()
        return {r[0] for r in rows}

    def adopt_unscoped(self, channel_guilds: Mapping[int, int], only_guild: int | None) -> int:
        """Give rows from before scoping their server: answers and pins by their channel's
        server (`channel_guilds`, as Discord knows them), votes by their answer's; and when
        the bot is in one server only (`only_guild`), everything left, declined questions
        too, goes to it, since it can only have come from there. Rows whose server cannot be
        known stay unscoped and are never served. Returns how many rows stay unscoped."""
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                for table in ("answers", "pins"):
                    db.executemany(
                        f"UPDATE {table} SET guild_id = ? "
                        "WHERE guild_id IS NULL AND channel_id = ?",
                        [(guild, channel) for channel, guild in channel_guilds.items()],
                    )
                if only_guild is not None:
                    for table in SCOPED_TABLES:
                        db.execute(
                            f"UPDATE {table} SET guild_id = ? WHERE guild_id IS NULL",
                            (only_guild,),
                        )
                db.execute(
                    "UPDATE votes SET guild_id = (SELECT a.guild_id FROM answers a "
                    "WHERE a.message_id = votes.message_id) WHERE guild_id IS NULL"
                )
                left = self._count_unscoped(db)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self._pin_keys = self._load_pin_keys(db)
        return left
