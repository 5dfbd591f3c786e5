"""SQLite storage for the Discord face: sent answers, curated (pinned) answers, votes, and the
log of declined questions.

WAL mode with `synchronous=FULL`: a commit is on disk when `commit()` returns, so killing the
process at any moment loses no committed pin. One connection guarded by a lock, because calls
come both from the bot's store thread and from the executor threads that answer questions
(never from the event loop: a commit waits for the disk).

Every question is matched against the pins' keys, so the keys are also kept in memory
(loaded on open, replaced on every pin and unpin): matching reads no row and takes no lock.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel

from bot.models import Answer

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
]


class StoreError(Exception):
    """The database cannot be used (cannot be created or opened, newer schema than this code,
    or not a database); the message names the path."""


class SentAnswer(BaseModel):
    message_id: int
    channel_id: int
    answer: Answer


class Pin(BaseModel):
    """A curated answer: served first to later questions that match `match_key`."""

    message_id: int
    channel_id: int
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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """All persistent state of the bot; every method commits before it returns."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            if Path(path).is_dir():
                raise StoreError(f"{path} is a folder; give the path of a database file")
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"{path}: cannot create the folder {Path(path).parent} ({exc.strerror})"
                ) from None
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._migrate(path)
            self._check_writable(path)
            self._pin_keys: Mapping[int, str] = dict(
                self._db.execute(
                    "SELECT message_id, match_key FROM pins ORDER BY pinned_at, message_id"
                ).fetchall()
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

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self, sql: str, params: tuple) -> int:
        with self._lock:
            return self._db.execute(sql, params).rowcount

    # --- sent answers ------------------------------------------------------------------------

    def record_answer(self, message_id: int, channel_id: int, answer: Answer) -> None:
        """Remember what a bot message said, so it can be pinned or voted on later."""
        self._write(
            "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
            (message_id, channel_id, answer.question, answer.model_dump_json(), _now()),
        )

    def sent_answer(self, message_id: int) -> SentAnswer | None:
        with self._lock:
            row = self._db.execute(
                "SELECT message_id, channel_id, answer_json FROM answers WHERE message_id = ?",
                (message_id,),
            ).fetchone()
        if row is None:
            return None
        return SentAnswer(
            message_id=row[0], channel_id=row[1], answer=Answer.model_validate_json(row[2])
        )

    # --- pins --------------------------------------------------------------------------------

    def pin(self, pin: Pin) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO pins VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pin.message_id,
                    pin.channel_id,
                    pin.question,
                    pin.match_key,
                    pin.answer.model_dump_json(),
                    pin.pinned_by,
                    pin.pinned_by_name,
                    pin.pinned_at,
                ),
            )
            keys = {k: v for k, v in self._pin_keys.items() if k != pin.message_id}
            self._pin_keys = {**keys, pin.message_id: pin.match_key}

    def unpin(self, message_id: int) -> bool:
        """Forget a curated answer; False when it was not pinned."""
        with self._lock:
            gone = self._db.execute("DELETE FROM pins WHERE message_id = ?", (message_id,))
            self._pin_keys = {k: v for k, v in self._pin_keys.items() if k != message_id}
        return gone.rowcount > 0

    def pin_keys(self) -> Mapping[int, str]:
        """Each pin's match key by message id, oldest pin first; from memory, never the disk.
        The mapping is replaced, never changed, on pin and unpin, so readers need no lock."""
        return self._pin_keys

    def pinned(self, message_id: int) -> Pin | None:
        """One curated answer in full; None when it was unpinned meanwhile."""
        with self._lock:
            r = self._db.execute(
                "SELECT message_id, channel_id, question, match_key, answer_json, pinned_by, "
                "pinned_by_name, pinned_at FROM pins WHERE message_id = ?",
                (message_id,),
            ).fetchone()
        if r is None:
            return None
        return Pin(
            message_id=r[0],
            channel_id=r[1],
            question=r[2],
            match_key=r[3],
            answer=Answer.model_validate_json(r[4]),
            pinned_by=r[5],
            pinned_by_name=r[6],
            pinned_at=r[7],
        )

    # --- votes -------------------------------------------------------------------------------

    def vote(self, message_id: int, user_id: int, vote: int) -> bool:
        """Record a user's vote on an answer, replacing any earlier one; True if it changed."""
        with self._lock:
            old = self._db.execute(
                "SELECT vote FROM votes WHERE message_id = ? AND user_id = ?",
                (message_id, user_id),
            ).fetchone()
            self._db.execute(
                "INSERT OR REPLACE INTO votes VALUES (?, ?, ?, ?)",
                (message_id, user_id, vote, _now()),
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

    def log_declined(self, question: str, match_key: str) -> None:
        self._write(
            "INSERT INTO declined (question, match_key, asked_at) VALUES (?, ?, ?)",
            (question, match_key, _now()),
        )

    def unanswered(self, days: int = 30, limit: int = 20) -> list[Unanswered]:
        """Declined questions of the last `days`, grouped by wording, most frequent first."""
        since = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
        with self._lock:
            rows = self._db.execute(
                "SELECT question, COUNT(*) AS n, MAX(asked_at) AS last FROM declined "
                "WHERE asked_at >= ? GROUP BY match_key ORDER BY n DESC, last DESC LIMIT ?",
                (since, limit),
            ).fetchall()
        return [Unanswered(question=q, count=n, last_asked=last) for q, n, last in rows]
