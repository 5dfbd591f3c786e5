"""Curated (pinned) answers and their aliases: the rows, and the in-memory form every
question is matched against (`ScopePins`), loaded for the servers a process owns."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel, Field, ValidationError

from bot.discord.database import Database, Tx
from bot.discord.timestamps import now
from bot.models import Answer


class Pin(BaseModel):
    """A curated answer: served first to later questions of its server that match its
    question or one of its aliases, as the running version reads them (`match_key` is the
    question's key as the version that pinned it read it)."""

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


PinKeys = Mapping[int, str]  # match key by pin message id, oldest pin first


@dataclass(frozen=True)
class ScopePins:
    """One scope's curated answers as matching and autocomplete need them, in memory."""

    keys: dict[int, str]
    """The question's match key by pin message id, oldest pin first."""
    questions: dict[int, str]
    aliases: dict[int, tuple[str, ...]]


NO_PINS = ScopePins({}, {}, {})


Scopes = Callable[[str], tuple[str, tuple[int, ...]]]
"""Which scopes to load: given the column, a SQL condition and its parameters."""


def load_pins(tx: Tx, scopes: Scopes) -> dict[int | None, ScopePins]:
    """The pins (keys, questions, aliases) of the scopes `scopes` selects, by scope."""
    where, params = scopes("guild_id")
    pins = tx.execute(
        f"SELECT guild_id, message_id, match_key, question FROM pins WHERE {where} "
        "ORDER BY pinned_at, message_id",
        params,
    ).fetchall()
    where, params = scopes("p.guild_id")
    aliases: dict[int, list[str]] = {}
    for message_id, alias in tx.execute(
        "SELECT a.message_id, a.alias FROM pin_aliases a "
        f"JOIN pins p ON p.message_id = a.message_id WHERE {where} ORDER BY a.rowid",
        params,
    ).fetchall():
        aliases.setdefault(message_id, []).append(alias)
    rows: dict[int | None, list[tuple[int, str, str]]] = {}
    for scope, message_id, key, question in pins:
        rows.setdefault(scope, []).append((message_id, key, question))
    scopes = {}
    for scope, entries in rows.items():
        scopes[scope] = ScopePins(
            keys={m: k for m, k, _ in entries},
            questions={m: q for m, _, q in entries},
            aliases={m: tuple(aliases.get(m, ())) for m, _, _ in entries},
        )
    return scopes


class PinRecords:
    def __init__(self, db: Database) -> None:
        self.db = db

    def pin(self, pin: Pin) -> None:
        with self.db.write() as tx:
            tx.execute(
                "INSERT INTO pins (message_id, channel_id, guild_id, question, match_key, "
                "answer_json, pinned_by, pinned_by_name, pinned_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO UPDATE SET "
                "channel_id = excluded.channel_id, guild_id = excluded.guild_id, "
                "question = excluded.question, match_key = excluded.match_key, "
                "answer_json = excluded.answer_json, pinned_by = excluded.pinned_by, "
                "pinned_by_name = excluded.pinned_by_name, pinned_at = excluded.pinned_at",
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

    def unpin(self, message_id: int, guild_id: int) -> bool:
        """Forget a curated answer of this scope, aliases and all; False when it was not
        pinned here."""
        with self.db.write() as tx:
            # Aliases first: their change notice names the server while the pin still does.
            tx.execute(
                "DELETE FROM pin_aliases WHERE message_id IN "
                "(SELECT message_id FROM pins WHERE message_id = ? AND guild_id = ?)",
                (message_id, guild_id),
            )
            gone = tx.execute(
                "DELETE FROM pins WHERE message_id = ? AND guild_id = ?", (message_id, guild_id)
            ).rowcount
        return gone > 0

    def edit(self, message_id: int, guild_id: int, edit: PinEdit, edited_by: str) -> bool:
        """Change a curated answer's question wording or aliases (in one commit), noting who
        did and when; False when it is not pinned here."""
        with self.db.write() as tx:
            found = tx.execute(
                "UPDATE pins SET edited_by_name = ?, edited_at = ?, "
                "question = COALESCE(?, question), match_key = COALESCE(?, match_key) "
                "WHERE message_id = ? AND guild_id = ?",
                (edited_by, now(), edit.question, edit.match_key, message_id, guild_id),
            ).rowcount
            if found and edit.add_alias is not None:
                tx.execute(
                    "INSERT INTO pin_aliases (message_id, alias, match_key) VALUES (?, ?, ?) "
                    "ON CONFLICT (message_id, alias) DO UPDATE SET match_key = excluded.match_key",
                    (message_id, edit.add_alias.text, edit.add_alias.match_key),
                )
            if found and edit.remove_alias is not None:
                tx.execute(
                    "DELETE FROM pin_aliases WHERE message_id = ? AND alias = ?",
                    (message_id, edit.remove_alias),
                )
        return found > 0

    def pinned(self, message_id: int, guild_id: int) -> Pin | ValidationError | None:
        """One curated answer of this scope in full; None when not pinned here, the error
        when its stored answer no longer validates (the caller logs it once)."""
        with self.db.read() as tx:
            r = tx.execute(
                "SELECT channel_id, question, match_key, answer_json, pinned_by, "
                "pinned_by_name, pinned_at, edited_by_name, edited_at FROM pins "
                "WHERE message_id = ? AND guild_id = ?",
                (message_id, guild_id),
            ).fetchone()
            aliases = [
                a
                for (a,) in tx.execute(
                    "SELECT alias FROM pin_aliases WHERE message_id = ? ORDER BY rowid",
                    (message_id,),
                ).fetchall()
            ]
        if r is None:
            return None
        try:
            answer = Answer.model_validate_json(r[3])
        except ValidationError as exc:
            return exc
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

    def channel(self, message_id: int, guild_id: int) -> int | None:
        """The channel a curated answer of this scope was pinned in; None if not pinned here."""
        with self.db.read() as tx:
            row = tx.execute(
                "SELECT channel_id FROM pins WHERE message_id = ? AND guild_id = ?",
                (message_id, guild_id),
            ).fetchone()
        return row[0] if row else None

    def count(self, guild_id: int) -> int:
        with self.db.read() as tx:
            return tx.execute(
                "SELECT COUNT(*) FROM pins WHERE guild_id = ?", (guild_id,)
            ).fetchone()[0]

    def page(self, guild_id: int, offset: int = 0, limit: int = 10) -> list[PinListing]:
        """A page of this scope's curated answers, oldest first, with their aliases."""
        with self.db.read() as tx:
            rows = tx.execute(
                "SELECT message_id, channel_id, question, pinned_by_name, pinned_at, "
                "edited_by_name, edited_at, answer_json FROM pins WHERE guild_id = ? "
                "ORDER BY pinned_at, message_id LIMIT ? OFFSET ?",
                (guild_id, limit, offset),
            ).fetchall()
            aliases: dict[int, list[str]] = {}
            for message_id, alias in tx.execute(
                "SELECT a.message_id, a.alias FROM pin_aliases a JOIN pins p "
                "ON p.message_id = a.message_id WHERE p.guild_id = ? ORDER BY a.rowid",
                (guild_id,),
            ).fetchall():
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
