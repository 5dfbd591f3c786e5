"""Sent answers: what each bot message said, in which server, and who had it asked (so it
can be pinned, voted on or deleted later)."""

from __future__ import annotations

import logging

from pydantic import BaseModel, Field, ValidationError

from bot.discord.database import Database
from bot.discord.timestamps import now
from bot.models import Answer

log = logging.getLogger(__name__)


class SentAnswer(BaseModel):
    message_id: int
    channel_id: int
    guild_id: int
    answer: Answer
    asked_by: int | None = Field(
        default=None, description="Who had the bot answer; None for answers from before."
    )


class AnswerRecords:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(
        self,
        message_id: int,
        channel_id: int,
        guild_id: int,
        answer: Answer,
        asked_by: int | None = None,
    ) -> None:
        with self.db.write() as tx:
            tx.execute(
                "INSERT INTO answers (message_id, channel_id, guild_id, question, "
                "answer_json, created_at, asked_by) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (message_id) DO UPDATE SET channel_id = excluded.channel_id, "
                "guild_id = excluded.guild_id, question = excluded.question, "
                "answer_json = excluded.answer_json, created_at = excluded.created_at, "
                "asked_by = excluded.asked_by",
                (
                    message_id,
                    channel_id,
                    guild_id,
                    answer.question,
                    answer.model_dump_json(),
                    now(),
                    asked_by,
                ),
            )

    def sent(self, message_id: int, guild_id: int) -> SentAnswer | None:
        """What a bot message of this scope said; None when it is not on record here (or its
        record no longer reads as an answer, which is logged)."""
        with self.db.read() as tx:
            row = tx.execute(
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

    def scope(self, message_id: int) -> int | None:
        """The scope a bot message is on record in, whichever it is; None when nowhere. An
        action on an answer checks it against the scope the action comes from."""
        with self.db.read() as tx:
            row = tx.execute(
                "SELECT guild_id FROM answers WHERE message_id = ?", (message_id,)
            ).fetchone()
        return None if row is None else row[0]

    def forget(self, message_id: int, guild_id: int) -> bool:
        """Drop a deleted answer's record and its votes (a curated answer made from it stays:
        it is the moderators'); False when it was not on record here."""
        with self.db.write() as tx:
            gone = tx.execute(
                "DELETE FROM answers WHERE message_id = ? AND guild_id = ?",
                (message_id, guild_id),
            ).rowcount
            tx.execute(
                "DELETE FROM votes WHERE message_id = ? AND guild_id = ?", (message_id, guild_id)
            )
        return gone > 0
