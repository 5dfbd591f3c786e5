"""Votes: one 👍 or 👎 per member per answer, read back as a tally and as the server's
best and worst rated answers."""

from __future__ import annotations

from pydantic import BaseModel

from bot.discord.database import Database
from bot.discord.timestamps import now


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


UP = "SUM(CASE WHEN v.vote = 1 THEN 1 ELSE 0 END)"
DOWN = "SUM(CASE WHEN v.vote = -1 THEN 1 ELSE 0 END)"


class VoteRecords:
    def __init__(self, db: Database) -> None:
        self.db = db

    def vote(self, message_id: int, guild_id: int, user_id: int, vote: int) -> bool:
        """Record a user's vote on an answer, replacing any earlier one; True if it changed."""
        with self.db.write() as tx:
            old = tx.execute(
                "SELECT vote FROM votes WHERE message_id = ? AND user_id = ?",
                (message_id, user_id),
            ).fetchone()
            tx.execute(
                "INSERT INTO votes (message_id, guild_id, user_id, vote, voted_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id, user_id) DO UPDATE SET "
                "guild_id = excluded.guild_id, vote = excluded.vote, voted_at = excluded.voted_at",
                (message_id, guild_id, user_id, vote, now()),
            )
        return old is not None and old[0] != vote

    def tally(self, message_id: int) -> Tally:
        with self.db.read() as tx:
            up, down = tx.execute(
                f"SELECT COALESCE({UP}, 0), COALESCE({DOWN}, 0) FROM votes v "
                "WHERE v.message_id = ?",
                (message_id,),
            ).fetchone()
        return Tally(up=up, down=down)

    def feedback(self, guild_id: int, limit: int = 10) -> Feedback:
        """This scope's answers with the most 👎 (fewest 👍 first among equals) of those
        with at least as many 👎 as 👍, and those with the most 👍 of the rest: what
        moderators should fix, and what works (an answer is in one list only)."""
        query = (
            "SELECT message_id, channel_id, question, up, down, last FROM ("
            f"SELECT a.message_id, a.channel_id, a.question, {UP} AS up, {DOWN} AS down, "
            "MAX(v.voted_at) AS last FROM votes v "
            "JOIN answers a ON a.message_id = v.message_id AND a.guild_id = v.guild_id "
            "WHERE v.guild_id = ? GROUP BY a.message_id, a.channel_id, a.question) rated "
            "WHERE {having} ORDER BY {order}, last DESC LIMIT ?"
        )
        with self.db.read() as tx:
            worst = tx.execute(
                query.format(having="down > 0 AND down >= up", order="down DESC, up"),
                (guild_id, limit),
            ).fetchall()
            best = tx.execute(
                query.format(having="up > down", order="up DESC, down"), (guild_id, limit)
            ).fetchall()

        def rated(rows: list[tuple]) -> list[Rated]:
            return [
                Rated(message_id=m, channel_id=c, question=q, up=u, down=d, last_vote=t)
                for m, c, q, u, d, t in rows
            ]

        return Feedback(worst=rated(worst), best=rated(best))
