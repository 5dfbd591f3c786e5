"""SQLite storage for the Discord face: sent answers, curated (pinned) answers and their
aliases, votes, the log of declined questions, every row scoped by server; and each server's
own settings.

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
(loaded on open, reloaded on every change to the pins), with each pin's question and aliases
for autocomplete (which must answer within 3 seconds, and cannot wait for a write lock):
matching and suggesting read no row. Server settings are kept in memory the same way: every
question, cooldown and listener consults them, on the event loop. Several bot
processes may share one database (a restart overlapping the old process, or two bots on
purpose), so the keys are also reloaded when another connection has changed the pins:
`PRAGMA data_version` on a connection of its own tells, cheaply (it reads no page), whether
anyone committed since the last look, and only then are the pins' and the settings' change
counts (kept by triggers) read, so votes and logged questions cost no reload. Another
process's settings are picked up at the next question answered here. Reloading was chosen over
refusing a second process (a lock file) because it keeps both bots right instead of stopping
one, costs a pragma per question, and needs no lock file that a crash could leave behind.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from bot.discord.settings import ServerSettings
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
    # Who asked (the 🗑 button is theirs), moderators' edits of curated answers and their
    # aliases (more wordings that get the answer), and each server's own settings, with a
    # change count like the pins'.
    """
    ALTER TABLE answers ADD COLUMN asked_by INTEGER;
    ALTER TABLE pins ADD COLUMN edited_by_name TEXT;
    ALTER TABLE pins ADD COLUMN edited_at TEXT;
    CREATE TABLE pin_aliases (
        message_id INTEGER NOT NULL,
        alias TEXT NOT NULL,
        match_key TEXT NOT NULL,
        PRIMARY KEY (message_id, alias)
    );
    CREATE TRIGGER alias_added AFTER INSERT ON pin_aliases
        BEGIN UPDATE pin_changes SET n = n + 1; END;
    CREATE TRIGGER alias_removed AFTER DELETE ON pin_aliases
        BEGIN UPDATE pin_changes SET n = n + 1; END;
    CREATE INDEX votes_by_guild ON votes (guild_id, message_id);
    CREATE TABLE server_settings (
        guild_id INTEGER PRIMARY KEY,
        settings_json TEXT NOT NULL,
        updated_by INTEGER NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE settings_changes (n INTEGER NOT NULL);
    INSERT INTO settings_changes VALUES (0);
    CREATE TRIGGER settings_added AFTER INSERT ON server_settings
        BEGIN UPDATE settings_changes SET n = n + 1; END;
    CREATE TRIGGER settings_changed AFTER UPDATE ON server_settings
        BEGIN UPDATE settings_changes SET n = n + 1; END;
    CREATE TRIGGER settings_removed AFTER DELETE ON server_settings
        BEGIN UPDATE settings_changes SET n = n + 1; END;
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
    asked_by: int | None = Field(
        default=None, description="Who had the bot answer; None for answers from before."
    )


class Pin(BaseModel):
    """A curated answer: served first to later questions of its server that match
    `match_key` or one of its aliases' keys."""

    message_id: int
    channel_id: int
    guild_id: int
    question: str
    match_key: str
    answer: Answer
    pinned_by: int
    pinned_by_name: str
    pinned_at: str
    aliases: list[str] = Field(default_factory=list)
    edited_by_name: str | None = None
    edited_at: str | None = None


class PinListing(BaseModel):
    """A curated answer as `/answers pinned` lists it: what it answers and who curated it
    (its answer's sources read leniently, so a damaged row is still listed to be removed)."""

    message_id: int
    channel_id: int
    question: str
    aliases: list[str]
    pinned_by_name: str
    pinned_at: str
    edited_by_name: str | None
    edited_at: str | None
    sources: list[str]
    readable: bool


class Alias(BaseModel):
    """Another wording that gets a curated answer, with its match key."""

    text: str
    match_key: str


class PinEdit(BaseModel):
    """A moderator's change to a curated answer; None leaves that part as it is."""

    question: str | None = None
    match_key: str | None = None
    add_alias: Alias | None = None
    remove_alias: str | None = None


class Tally(BaseModel):
    up: int
    down: int


class Rated(BaseModel):
    """One answer's votes, for `/answers feedback`."""

    message_id: int
    channel_id: int
    question: str
    up: int
    down: int
    last_vote: str


class Feedback(BaseModel):
    """A server's answers with the most 👎 and with the most 👍."""

    worst: list[Rated]
    best: list[Rated]


class Unanswered(BaseModel):
    question: str
    count: int
    last_asked: str


PinKeys = Mapping[int, str]  # match key by pin message id, oldest pin first


@dataclass(frozen=True)
class ScopePins:
    """One scope's curated answers as matching and autocomplete need them, in memory."""

    keys: dict[int, str]
    """The question's match key by pin message id, oldest pin first."""
    questions: dict[int, str]
    aliases: dict[int, tuple[str, ...]]
    match: tuple[tuple[int, str], ...]
    """(pin message id, match key) for every question and alias."""


NO_PINS = ScopePins({}, {}, {}, ())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")


def _load_pins(db: sqlite3.Connection) -> dict[int | None, ScopePins]:
    """Every scope's pins (keys, questions, aliases) from the database."""
    pins = db.execute(
        "SELECT guild_id, message_id, match_key, question FROM pins ORDER BY pinned_at, message_id"
    ).fetchall()
    aliases: dict[int, list[tuple[str, str]]] = {}
    for message_id, alias, key in db.execute(
        "SELECT message_id, alias, match_key FROM pin_aliases ORDER BY rowid"
    ):
        aliases.setdefault(message_id, []).append((alias, key))
    rows: dict[int | None, list[tuple[int, str, str]]] = {}
    for scope, message_id, key, question in pins:
        rows.setdefault(scope, []).append((message_id, key, question))
    scopes = {}
    for scope, entries in rows.items():
        match = []
        for message_id, key, _ in entries:
            match.append((message_id, key))
            match.extend((message_id, k) for _, k in aliases.get(message_id, []))
        scopes[scope] = ScopePins(
            keys={m: k for m, k, _ in entries},
            questions={m: q for m, _, q in entries},
            aliases={m: tuple(a for a, _ in aliases.get(m, [])) for m, _, _ in entries},
            match=tuple(match),
        )
    return scopes


def _load_settings(db: sqlite3.Connection) -> dict[int, ServerSettings]:
    """Every server's own settings; a row that no longer validates is logged and ignored (the
    defaults apply there), so one damaged row costs only its server's choices."""
    settings = {}
    for guild_id, raw in db.execute("SELECT guild_id, settings_json FROM server_settings"):
        try:
            settings[guild_id] = ServerSettings.model_validate_json(raw)
        except ValidationError as exc:
            log.warning(
                "server %s: stored settings no longer validate, using defaults: %s", guild_id, exc
            )
    return settings


class Store:
    """All persistent state of the bot; every method commits before it returns.

    `declined_retention_days`: declined questions older than this are deleted, on open and
    with every new one (None keeps them), unless their server chose its own retention.
    `busy_timeout`: how long a write waits for another connection (another bot process)
    holding the write lock before it fails.
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
        self._settings: dict[int, ServerSettings] = {}
        self._db = self._connect(path, busy_timeout)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._migrate(path)
            self._check_writable(path)
            self._settings = _load_settings(self._db)
            self.prune_declined()
            if not memory:  # an in-memory database is this connection's alone
                self._watch = self._connect(path, busy_timeout)
                self._seen_version, self._seen_changes = self._data_version(), (-1, -1)
            self._pins = _load_pins(self._db)
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

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction under the lock: committed when the block ends, rolled back
        when it raises."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    # --- sent answers ------------------------------------------------------------------------

    def record_answer(
        self,
        message_id: int,
        channel_id: int,
        guild_id: int,
        answer: Answer,
        asked_by: int | None = None,
    ) -> None:
        """Remember what a bot message said (and who had it asked), so it can be pinned,
        voted on or deleted later."""
        self._write(
            "INSERT OR REPLACE INTO answers (message_id, channel_id, guild_id, question, "
            "answer_json, created_at, asked_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                message_id,
                channel_id,
                guild_id,
                answer.question,
                answer.model_dump_json(),
                _now(),
                asked_by,
            ),
        )

    def sent_answer(self, message_id: int, guild_id: int) -> SentAnswer | None:
        """What a bot message of this scope said; None when it is not on record here (or its
        record no longer reads as an answer, which is logged)."""
        with self._lock:
            row = self._db.execute(
                "SELECT channel_id, answer_json, asked_by FROM answers "
                "WHERE message_id = ? AND guild_id = ?",
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
            message_id=message_id,
            channel_id=row[0],
            guild_id=guild_id,
            answer=answer,
            asked_by=row[2],
        )

    def answer_scope(self, message_id: int) -> int | None:
        """The scope a bot message is on record in, whichever it is; None when nowhere. An
        action on an answer checks it against the scope the action comes from."""
        with self._lock:
            row = self._db.execute(
                "SELECT guild_id FROM answers WHERE message_id = ?", (message_id,)
            ).fetchone()
        return None if row is None else row[0]

    def forget_answer(self, message_id: int, guild_id: int) -> bool:
        """Drop a deleted answer's record and its votes (a curated answer made from it stays:
        it is the moderators'); False when it was not on record here."""
        with self._transaction() as db:
            gone = db.execute(
                "DELETE FROM answers WHERE message_id = ? AND guild_id = ?",
                (message_id, guild_id),
            ).rowcount
            db.execute(
                "DELETE FROM votes WHERE message_id = ? AND guild_id = ?", (message_id, guild_id)
            )
        return gone > 0

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
            self._pins = _load_pins(self._db)

    def unpin(self, message_id: int, guild_id: int) -> bool:
        """Forget a curated answer of this scope, aliases and all; False when it was not
        pinned here."""
        with self._transaction() as db:
            gone = db.execute(
                "DELETE FROM pins WHERE message_id = ? AND guild_id = ?", (message_id, guild_id)
            ).rowcount
            if gone:
                db.execute("DELETE FROM pin_aliases WHERE message_id = ?", (message_id,))
        if gone:
            with self._lock:
                self._pins = _load_pins(self._db)
        return gone > 0

    def edit_pin(self, message_id: int, guild_id: int, edit: PinEdit, edited_by: str) -> bool:
        """Change a curated answer's question wording or aliases (in one commit), noting who
        did and when; False when it is not pinned here."""
        with self._transaction() as db:
            found = db.execute(
                "UPDATE pins SET edited_by_name = ?, edited_at = ?, "
                "question = COALESCE(?, question), match_key = COALESCE(?, match_key) "
                "WHERE message_id = ? AND guild_id = ?",
                (edited_by, _now(), edit.question, edit.match_key, message_id, guild_id),
            ).rowcount
            if found and edit.add_alias is not None:
                db.execute(
                    "INSERT OR REPLACE INTO pin_aliases (message_id, alias, match_key) "
                    "VALUES (?, ?, ?)",
                    (message_id, edit.add_alias.text, edit.add_alias.match_key),
                )
            if found and edit.remove_alias is not None:
                db.execute(
                    "DELETE FROM pin_aliases WHERE message_id = ? AND alias = ?",
                    (message_id, edit.remove_alias),
                )
        if found:
            with self._lock:
                self._pins = _load_pins(self._db)
        return found > 0

    def _data_version(self) -> int:
        assert self._watch is not None
        return self._watch.execute("PRAGMA data_version").fetchone()[0]

    def _refresh(self) -> None:
        """Reload the pins or the settings when they changed since the last look (by another
        bot process, or by this store, whose own commits the watching connection sees too)."""
        if self._watch is None:
            return
        with self._watch_lock:
            version = self._data_version()
            if version == self._seen_version:
                return
            self._seen_version = version
            changes = self._watch.execute(
                "SELECT (SELECT n FROM pin_changes), (SELECT n FROM settings_changes)"
            ).fetchone()
            pins_changed = changes[0] != self._seen_changes[0]
            settings_changed = changes[1] != self._seen_changes[1]
            self._seen_changes = (changes[0], changes[1])
            if pins_changed:
                self._pins = _load_pins(self._watch)
            if settings_changed:
                self._settings = _load_settings(self._watch)

    def _scope_pins(self, guild_id: int) -> ScopePins:
        return self._pins.get(guild_id, NO_PINS)

    def pin_keys(self, guild_id: int) -> PinKeys:
        """This scope's pins' match keys by message id, oldest first: from memory, after a
        cheap check that no other process changed the database. Pins whose record no longer
        reads as an answer are left out."""
        self._refresh()
        keys = self._scope_pins(guild_id).keys
        if self._bad_pins & keys.keys():
            return {m: k for m, k in keys.items() if m not in self._bad_pins}
        return keys

    def pin_match_keys(self, guild_id: int) -> Sequence[tuple[int, str]]:
        """(pin message id, match key) of every question and alias of this scope's pins, as
        `pin_keys` (refreshed, readable pins only)."""
        self._refresh()
        match = self._scope_pins(guild_id).match
        if self._bad_pins:
            return [(m, k) for m, k in match if m not in self._bad_pins]
        return match

    def pin_texts(self, guild_id: int) -> list[tuple[int, str]]:
        """(pin message id, wording) of every question and alias of this scope's pins, as
        `pin_match_keys`: what matching on meaning compares a question with."""
        self._refresh()
        pins = self._scope_pins(guild_id)
        return [
            (m, text)
            for m, question in pins.questions.items()
            if m not in self._bad_pins
            for text in (question, *pins.aliases.get(m, ()))
        ]

    def pin_questions(self, guild_id: int) -> Mapping[int, str]:
        """This scope's curated questions by message id, oldest first, from memory only (no
        database call: autocomplete runs on the event loop and must answer at once; another
        process's changes show after the next question answered here reloads them)."""
        return self._scope_pins(guild_id).questions

    def pin_aliases(self, guild_id: int, message_id: int) -> tuple[str, ...]:
        """A curated answer's aliases, from memory only (as `pin_questions`)."""
        return self._scope_pins(guild_id).aliases.get(message_id, ())

    def pinned(self, message_id: int, guild_id: int) -> Pin | None:
        """One curated answer of this scope in full; None when it was unpinned meanwhile, or
        when its stored answer no longer validates (an older answer schema, a damaged row):
        that pin is then logged once and skipped, and the question gets the engine's answer."""
        with self._lock:
            r = self._db.execute(
                "SELECT channel_id, question, match_key, answer_json, pinned_by, "
                "pinned_by_name, pinned_at, edited_by_name, edited_at FROM pins "
                "WHERE message_id = ? AND guild_id = ?",
                (message_id, guild_id),
            ).fetchone()
            aliases = [
                a
                for (a,) in self._db.execute(
                    "SELECT alias FROM pin_aliases WHERE message_id = ? ORDER BY rowid",
                    (message_id,),
                )
            ]
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
            aliases=aliases,
            edited_by_name=r[7],
            edited_at=r[8],
        )

    def pin_channel(self, message_id: int, guild_id: int) -> int | None:
        """The channel a curated answer of this scope was pinned in; None if not pinned here."""
        with self._lock:
            row = self._db.execute(
                "SELECT channel_id FROM pins WHERE message_id = ? AND guild_id = ?",
                (message_id, guild_id),
            ).fetchone()
        return row[0] if row else None

    def pin_count(self, guild_id: int) -> int:
        with self._lock:
            return self._db.execute(
                "SELECT COUNT(*) FROM pins WHERE guild_id = ?", (guild_id,)
            ).fetchone()[0]

    def pins(self, guild_id: int, offset: int = 0, limit: int = 10) -> list[PinListing]:
        """A page of this scope's curated answers, oldest first, with their aliases."""
        with self._lock:
            rows = self._db.execute(
                "SELECT message_id, channel_id, question, pinned_by_name, pinned_at, "
                "edited_by_name, edited_at, answer_json FROM pins WHERE guild_id = ? "
                "ORDER BY pinned_at, message_id LIMIT ? OFFSET ?",
                (guild_id, limit, offset),
            ).fetchall()
            aliases: dict[int, list[str]] = {}
            for message_id, alias in self._db.execute(
                "SELECT a.message_id, a.alias FROM pin_aliases a JOIN pins p "
                "ON p.message_id = a.message_id WHERE p.guild_id = ? ORDER BY a.rowid",
                (guild_id,),
            ):
                aliases.setdefault(message_id, []).append(alias)
        return [
            PinListing(
                message_id=r[0],
                channel_id=r[1],
                question=r[2],
                aliases=aliases.get(r[0], []),
                pinned_by_name=r[3],
                pinned_at=r[4],
                edited_by_name=r[5],
                edited_at=r[6],
                **_sources_of(r[7]),
            )
            for r in rows
        ]

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

    def feedback(self, guild_id: int, limit: int = 10) -> Feedback:
        """This scope's answers with the most 👎 (fewest 👍 first among equals) of those
        with at least as many 👎 as 👍, and those with the most 👍 of the rest: what
        moderators should fix, and what works (an answer is in one list only)."""
        query = (
            "SELECT a.message_id, a.channel_id, a.question, SUM(v.vote = 1) AS up, "
            "SUM(v.vote = -1) AS down, MAX(v.voted_at) AS last FROM votes v "
            "JOIN answers a ON a.message_id = v.message_id AND a.guild_id = v.guild_id "
            "WHERE v.guild_id = ? GROUP BY a.message_id HAVING {having} "
            "ORDER BY {order}, last DESC LIMIT ?"
        )
        with self._lock:
            worst = self._db.execute(
                query.format(having="down > 0 AND down >= up", order="down DESC, up"),
                (guild_id, limit),
            ).fetchall()
            best = self._db.execute(
                query.format(having="up > down", order="up DESC, down"), (guild_id, limit)
            ).fetchall()

        def rated(rows: list[tuple]) -> list[Rated]:
            return [
                Rated(message_id=m, channel_id=c, question=q, up=u, down=d, last_vote=t)
                for m, c, q, u, d, t in rows
            ]

        return Feedback(worst=rated(worst), best=rated(best))

    # --- declined questions ------------------------------------------------------------------

    def log_declined(self, question: str, match_key: str, guild_id: int) -> None:
        """Log a declined question, and drop those past the retention in the same commit
        (the index on `asked_at` makes that a look at the oldest rows only)."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO declined (question, match_key, asked_at, guild_id) "
                "VALUES (?, ?, ?, ?)",
                (question, match_key, _now(), guild_id),
            )
            self._prune(db)

    def _prune(self, db: sqlite3.Connection) -> int:
        """Delete declined questions past their server's retention (its own, else the
        default); how many went."""
        own = {
            guild: s.retention_days
            for guild, s in self._settings.items()
            if s.retention_days is not None
        }
        gone = 0
        for guild, days in own.items():
            gone += db.execute(
                "DELETE FROM declined WHERE guild_id = ? AND asked_at < ?", (guild, _ago(days))
            ).rowcount
        if self.retention_days is not None:
            others = ""
            if own:
                marks = ", ".join("?" * len(own))
                others = f" AND (guild_id IS NULL OR guild_id NOT IN ({marks}))"
            gone += db.execute(
                f"DELETE FROM declined WHERE asked_at < ?{others}",
                (_ago(self.retention_days), *own),
            ).rowcount
        return gone

    def prune_declined(self) -> int:
        """Delete declined questions older than the retention; how many went."""
        with self._lock:
            return self._prune(self._db)

    def unanswered(self, guild_id: int, days: int = 30, limit: int | None = 20) -> list[Unanswered]:
        """This scope's declined questions of the last `days`, grouped by wording, most
        frequent first (all of them when `limit` is None)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT question, COUNT(*) AS n, MAX(asked_at) AS last FROM declined "
                "WHERE guild_id = ? AND asked_at >= ? GROUP BY match_key "
                "ORDER BY n DESC, last DESC LIMIT ?",
                (guild_id, _ago(days), -1 if limit is None else limit),
            ).fetchall()
        return [Unanswered(question=q, count=n, last_asked=last) for q, n, last in rows]

    # --- server settings ---------------------------------------------------------------------

    def server_settings(self, guild_id: int) -> ServerSettings:
        """A server's own settings, from memory only (no database call: cooldowns and
        listeners read them on the event loop); all None when it chose nothing."""
        return self._settings.get(guild_id, NO_SETTINGS)

    def set_server_settings(self, guild_id: int, settings: ServerSettings, user_id: int) -> None:
        """Save a server's settings (settings that choose nothing delete its row), and apply
        a retention change at once."""
        with self._transaction() as db:
            if settings == NO_SETTINGS:
                db.execute("DELETE FROM server_settings WHERE guild_id = ?", (guild_id,))
            else:
                db.execute(
                    "INSERT OR REPLACE INTO server_settings "
                    "(guild_id, settings_json, updated_by, updated_at) VALUES (?, ?, ?, ?)",
                    (guild_id, settings.model_dump_json(exclude_none=True), user_id, _now()),
                )
        with self._lock:
            self._settings = _load_settings(self._db)
            self._prune(self._db)

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
        with self._transaction() as db:
            for table in ("answers", "pins"):
                db.executemany(
                    f"UPDATE {table} SET guild_id = ? WHERE guild_id IS NULL AND channel_id = ?",
                    [(guild, channel) for channel, guild in channel_guilds.items()],
                )
            if only_guild is not None:
                for table in SCOPED_TABLES:
                    db.execute(
                        f"UPDATE {table} SET guild_id = ? WHERE guild_id IS NULL", (only_guild,)
                    )
            db.execute(
                "UPDATE votes SET guild_id = (SELECT a.guild_id FROM answers a "
                "WHERE a.message_id = votes.message_id) WHERE guild_id IS NULL"
            )
            left = self._count_unscoped(db)
        with self._lock:
            self._pins = _load_pins(self._db)
        return left


NO_SETTINGS = ServerSettings()


def _sources_of(answer_json: str) -> dict[str, object]:
    """The titles an answer quotes, read leniently from its stored JSON (a pin whose answer
    no longer validates is still listed, as unreadable, so moderators can remove it)."""
    try:
        data = json.loads(answer_json)
        titles = [str(s["title"]) for s in data["snippets"]]
    except (ValueError, TypeError, KeyError):
        titles = []
    try:
        Answer.model_validate_json(answer_json)
    except ValidationError:
        return {"sources": titles, "readable": False}
    return {"sources": list(dict.fromkeys(titles)), "readable": True}
