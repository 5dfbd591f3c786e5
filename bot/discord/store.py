"""All persistent state of the Discord face, over one database (`bot.discord.database`:
SQLite by default, PostgreSQL with DATABASE_URL): sent answers, curated (pinned) answers
and their aliases, votes, the log of declined questions and each server's own settings,
each kept by a module of its own (`*_records.py`); every row scoped by server.

Scopes: every row carries the id of the server it belongs to (`guild_id`); direct messages
have a scope of their own, `DM_SCOPE` (0, never a server's id). A pin, a vote, a sent answer
or a declined question is only ever read back in its own scope, so nothing made in one server
shows in another. Rows written before scoping (schema 1) have `guild_id` NULL until
`adopt_unscoped` gives them their server; until then they are served nowhere.

Every question is matched against the pins' keys, so the keys are kept in memory, with each
pin's question and aliases for autocomplete (which must answer within 3 seconds, and cannot
wait for a write lock), and so are server settings (every question, cooldown and listener
consults them, on the event loop): matching and suggesting read no row. A process holds only
the servers of its own shards (`Shards`), and reloads a server when it changes:

- its own changes at once;
- another process's, on SQLite, when `PRAGMA data_version` (one pragma per question, which
  reads no page) says someone committed, and only then the pins' and settings' change counts
  (kept by triggers), so votes and logged questions cost no reload; on PostgreSQL by
  LISTEN/NOTIFY, a trigger naming the server, with no polling.

Several processes may share one database (a restart overlapping the old process, shards on
several machines); reloading was chosen over refusing a second process because it keeps
both right and needs no lock file that a crash could leave behind.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import threading
from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError

from bot.discord.answer_records import AnswerRecords, SentAnswer
from bot.discord.claim_records import ClaimRecords
from bot.discord.database import (
    BUSY_TIMEOUT,
    DATABASE_ERRORS,
    Database,
    PostgresDatabase,
    SqliteDatabase,
    StoreError,
    migrations,
    open_database,
)
from bot.discord.declined_records import DeclinedRecords, Unanswered
from bot.discord.pin_records import (
    NO_PINS,
    Alias,
    Pin,
    PinEdit,
    PinKeys,
    PinListing,
    PinRecords,
    ScopePins,
    Scopes,
    load_pins,
)
from bot.discord.settings import ServerSettings
from bot.discord.settings_records import NO_SETTINGS, SettingsRecords, load_settings
from bot.discord.sharding import DM_SCOPE, EVERY_SERVER, Shards
from bot.discord.vote_records import Feedback, Rated, Tally, VoteRecords
from bot.models import Answer

__all__ = [
    "BUSY_TIMEOUT",
    "DATABASE_ERRORS",
    "DM_SCOPE",
    "NO_PINS",
    "NO_SETTINGS",
    "SCHEMA_VERSION",
    "Alias",
    "Feedback",
    "Pin",
    "PinEdit",
    "PinKeys",
    "PinListing",
    "Rated",
    "ScopePins",
    "SentAnswer",
    "Store",
    "StoreError",
    "Tally",
    "Unanswered",
]

log = logging.getLogger(__name__)
SCHEMA_VERSION = max(migrations("sqlite"))
SCOPED_TABLES = ("answers", "pins", "votes", "declined")
_openings = itertools.count(1)


def _one(guild_id: int) -> Scopes:
    """One server's rows."""
    return lambda column: (f"{column} = ?", (guild_id,))


class Store:
    """All persistent state of the bot; every method commits before it returns.

    `database`: a SQLite file's path (or ":memory:"), or a `postgresql://` URL.
    `declined_retention_days`: declined questions older than this are deleted, on open and
    with every new one (None keeps them), unless their server chose its own retention.
    `busy_timeout`: how long a SQLite write waits for another process's write lock.
    `shards`: the servers this process serves, held in memory and pruned (default: all).
    """

    def __init__(
        self,
        database: Path | str,
        declined_retention_days: float | None = 90,
        busy_timeout: float = BUSY_TIMEOUT,
        shards: Shards = EVERY_SERVER,
    ) -> None:
        self.retention_days = declined_retention_days
        self.shards = shards
        # Names this store in claims and change notices: its host, process and opening.
        self.process = f"quotebot {socket.gethostname()}:{os.getpid()}/{next(_openings)}"
        self.db: Database = open_database(database, busy_timeout, self.process)
        self.answers = AnswerRecords(self.db)
        self.pin_rows = PinRecords(self.db)
        self.votes = VoteRecords(self.db)
        self.declined = DeclinedRecords(self.db)
        self.settings_rows = SettingsRecords(self.db)
        self.claims = ClaimRecords(self.db, self.process)
        self._memory_lock = threading.Lock()
        self._bad_pins: set[int] = set()
        self._pins: dict[int | None, ScopePins] = {}
        self._settings: dict[int, ServerSettings] = {}
        self._seen_changes = (-1, -1)
        try:
            self.db.migrate(migrations(self.db.kind))
            self._reload_all()
            self.prune_declined()
            self.claims.prune()
        except DATABASE_ERRORS as exc:
            self.close()
            raise StoreError(f"{self.db.where}: cannot use this database ({exc})") from None
        except StoreError:
            self.close()
            raise
        if isinstance(self.db, PostgresDatabase):
            self.db.listen(self._changed_elsewhere)

    @property
    def schema_version(self) -> int:
        return self.db.schema_version()

    def pragma(self, name: str) -> object:
        """A pragma's value on the live SQLite connection (`journal_mode`, `synchronous`)."""
        assert isinstance(self.db, SqliteDatabase)
        with self.db.read() as tx:
            return tx.execute(f"PRAGMA {name}").fetchone()[0]

    def close(self) -> None:
        self.db.close()

    # --- what this process holds in memory ---------------------------------------------------

    def _reload(self, what: str, guild_id: int | None) -> None:
        """Reload one server's pins or settings (None: every server this process owns).

        Reloads come from several threads (the store thread after this process's changes,
        the listening thread after another's, answer threads after SQLite's look), so each
        reads and applies under one lock: a reload that read earlier can never apply its
        older rows over a later one's. Readers take no lock: what they read is replaced
        whole."""
        if guild_id is not None and not self.shards.owns(guild_id):
            return
        scopes = self.shards.where if guild_id is None else _one(guild_id)
        with self._memory_lock:
            with self.db.read() as tx:
                pins = load_pins(tx, scopes) if what in ("pins", "all") else None
                settings = load_settings(tx, scopes) if what in ("settings", "all") else None
            if pins is not None:
                self._pins = pins if guild_id is None else _merged(self._pins, guild_id, pins)
            if settings is not None:
                self._settings = (
                    settings if guild_id is None else _merged(self._settings, guild_id, settings)
                )

    def _reload_all(self) -> None:
        self._reload("all", None)

    def _changed_elsewhere(self, what: str, guild_id: int | None, by: str) -> None:
        """A change a process committed, as PostgreSQL notified it: reloaded when it is
        another process's (this one's own are reloaded as they are made), for a server held
        here."""
        if by == self.process or (guild_id is not None and not self.shards.owns(guild_id)):
            return
        try:
            self._reload(what, guild_id)
        except DATABASE_ERRORS:
            log.exception("could not reload %s of server %s", what, guild_id)
            return
        if guild_id is not None:
            log.info("%s of server %s changed by %s: reloaded", what, guild_id, by)

    def _refresh(self) -> None:
        """SQLite: reload the pins or the settings when they changed since the last look (by
        another bot process, or by this store, whose own commits the watching connection sees
        too). PostgreSQL needs no look: notifications keep memory current."""
        if not isinstance(self.db, SqliteDatabase) or not self.db.changed():
            return
        with self.db.read() as tx:
            changes = tx.execute(
                "SELECT (SELECT n FROM pin_changes), (SELECT n FROM settings_changes)"
            ).fetchone()
        pins_changed = changes[0] != self._seen_changes[0]
        settings_changed = changes[1] != self._seen_changes[1]
        self._seen_changes = (changes[0], changes[1])
        if pins_changed and settings_changed:
            self._reload_all()
        elif pins_changed:
            self._reload("pins", None)
        elif settings_changed:
            self._reload("settings", None)

    def _scope_pins(self, guild_id: int) -> ScopePins:
        return self._pins.get(guild_id, NO_PINS)

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
        self.answers.record(message_id, channel_id, guild_id, answer, asked_by)

    def sent_answer(self, message_id: int, guild_id: int) -> SentAnswer | None:
        return self.answers.sent(message_id, guild_id)

    def answer_scope(self, message_id: int) -> int | None:
        return self.answers.scope(message_id)

    def forget_answer(self, message_id: int, guild_id: int) -> bool:
        return self.answers.forget(message_id, guild_id)

    # --- pins --------------------------------------------------------------------------------

    def pin(self, pin: Pin) -> None:
        self.pin_rows.pin(pin)
        self._bad_pins.discard(pin.message_id)
        self._reload("pins", pin.guild_id)

    def unpin(self, message_id: int, guild_id: int) -> bool:
        """Forget a curated answer of this scope, aliases and all; False when it was not
        pinned here."""
        gone = self.pin_rows.unpin(message_id, guild_id)
        if gone:
            self._reload("pins", guild_id)
        return gone

    def edit_pin(self, message_id: int, guild_id: int, edit: PinEdit, edited_by: str) -> bool:
        found = self.pin_rows.edit(message_id, guild_id, edit, edited_by)
        if found:
            self._reload("pins", guild_id)
        return found

    def pin_keys(self, guild_id: int) -> PinKeys:
        """This scope's pins' match keys by message id, oldest first: from memory, after a
        cheap check that no other process changed the database. Pins whose record no longer
        reads as an answer are left out."""
        self._refresh()
        keys = self._scope_pins(guild_id).keys
        if self._bad_pins & keys.keys():
            return {m: k for m, k in keys.items() if m not in self._bad_pins}
        return keys

    def pin_texts(self, guild_id: int) -> list[tuple[int, str]]:
        """(pin message id, wording) of every question and alias of this scope's readable pins
        (refreshed, as `pin_keys`): what a question is matched with, by words and meaning."""
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
        database call: autocomplete runs on the event loop and must answer at once)."""
        return self._scope_pins(guild_id).questions

    def pin_aliases(self, guild_id: int, message_id: int) -> tuple[str, ...]:
        """A curated answer's aliases, from memory only (as `pin_questions`)."""
        return self._scope_pins(guild_id).aliases.get(message_id, ())

    def pinned(self, message_id: int, guild_id: int) -> Pin | None:
        """One curated answer of this scope in full; None when it was unpinned meanwhile, or
        when its stored answer no longer validates (an older answer schema, a damaged row):
        that pin is then logged once and skipped, and the question gets the engine's answer."""
        found = self.pin_rows.pinned(message_id, guild_id)
        if isinstance(found, ValidationError):
            if message_id not in self._bad_pins:
                log.warning(
                    "skipping pin %s: its answer no longer validates: %s", message_id, found
                )
                self._bad_pins = {*self._bad_pins, message_id}
            return None
        return found

    def pin_channel(self, message_id: int, guild_id: int) -> int | None:
        return self.pin_rows.channel(message_id, guild_id)

    def pin_count(self, guild_id: int) -> int:
        return self.pin_rows.count(guild_id)

    def pins(self, guild_id: int, offset: int = 0, limit: int = 10) -> list[PinListing]:
        return self.pin_rows.page(guild_id, offset, limit)

    # --- votes -------------------------------------------------------------------------------

    def vote(self, message_id: int, guild_id: int, user_id: int, vote: int) -> bool:
        return self.votes.vote(message_id, guild_id, user_id, vote)

    def tally(self, message_id: int) -> Tally:
        return self.votes.tally(message_id)

    def feedback(self, guild_id: int, limit: int = 10) -> Feedback:
        return self.votes.feedback(guild_id, limit)

    # --- declined questions ------------------------------------------------------------------

    def _keep_days(self, guild_id: int) -> float | None:
        own = self._settings.get(guild_id, NO_SETTINGS).retention_days
        return own if own is not None else self.retention_days

    def log_declined(self, question: str, match_key: str, guild_id: int) -> None:
        """Log a declined question, and drop its server's past the retention in the same
        commit."""
        self.declined.log(question, match_key, guild_id, self._keep_days(guild_id))

    def prune_declined(self) -> int:
        """Delete this process's servers' declined questions older than their retention;
        how many went."""
        own = {g: s.retention_days for g, s in self._settings.items() if s.retention_days}
        with self.db.write() as tx:
            return self.declined.prune(tx, own, self.retention_days, self.shards.where())

    def unanswered(self, guild_id: int, days: int = 30, limit: int | None = 20) -> list[Unanswered]:
        return self.declined.unanswered(guild_id, days, limit)

    # --- server settings ---------------------------------------------------------------------

    def server_settings(self, guild_id: int) -> ServerSettings:
        """A server's own settings, from memory only (no database call: cooldowns and
        listeners read them on the event loop); all None when it chose nothing."""
        return self._settings.get(guild_id, NO_SETTINGS)

    def set_server_settings(self, guild_id: int, settings: ServerSettings, user_id: int) -> None:
        """Save a server's settings (settings that choose nothing delete its row), and apply
        a retention change at once."""
        with self.db.write() as tx:
            self.settings_rows.save(tx, guild_id, settings, user_id)
        self._reload("settings", guild_id)
        self.prune_declined()

    # --- claims ------------------------------------------------------------------------------

    def claim(self, message_id: int) -> bool:
        """True when this process is the first to claim the message, and so answers it."""
        return self.claims.claim(message_id)

    # --- rows from before scoping ------------------------------------------------------------

    def unscoped_rows(self) -> int:
        """How many rows have no scope yet (written before scoping, schema 1)."""
        with self.db.read() as tx:
            return sum(
                tx.execute(f"SELECT COUNT(*) FROM {t} WHERE guild_id IS NULL").fetchone()[0]
                for t in SCOPED_TABLES
            )

    def unscoped_channels(self) -> set[int]:
        """Channels of sent answers and pins that have no scope yet (schema 1 rows)."""
        with self.db.read() as tx:
            rows = tx.execute(
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
        with self.db.write() as tx:
            for table in ("answers", "pins"):
                for channel, guild in channel_guilds.items():
                    tx.execute(
                        f"UPDATE {table} SET guild_id = ? "
                        "WHERE guild_id IS NULL AND channel_id = ?",
                        (guild, channel),
                    )
            if only_guild is not None:
                for table in SCOPED_TABLES:
                    tx.execute(
                        f"UPDATE {table} SET guild_id = ? WHERE guild_id IS NULL", (only_guild,)
                    )
            tx.execute(
                "UPDATE votes SET guild_id = (SELECT a.guild_id FROM answers a "
                "WHERE a.message_id = votes.message_id) WHERE guild_id IS NULL"
            )
        self._reload("pins", None)
        return self.unscoped_rows()


def _merged(held: dict, guild_id: int, loaded: dict) -> dict:
    """`held` with one server's entry replaced by what was loaded for it (or dropped)."""
    merged = {k: v for k, v in held.items() if k != guild_id}
    if guild_id in loaded:
        merged[guild_id] = loaded[guild_id]
    return merged
