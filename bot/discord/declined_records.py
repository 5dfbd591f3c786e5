"""The log of declined questions: what a server's members asked that the sources could not
answer, kept for the server's retention, listed grouped by wording."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from bot.discord.database import Database, Tx
from bot.discord.timestamps import ago, now


class Unanswered(BaseModel):
    question: str
    count: int
    last_asked: str


class DeclinedRecords:
    def __init__(self, db: Database) -> None:
        self.db = db

    def log(self, question: str, match_key: str, guild_id: int, keep_days: float | None) -> None:
        """Log a declined question, and drop that server's questions past `keep_days` in the
        same commit (the index on (guild_id, asked_at) makes it a look at its oldest rows):
        one server's decline never costs a scan of the others'."""
        with self.db.write() as tx:
            tx.execute(
                "INSERT INTO declined (question, match_key, asked_at, guild_id) "
                "VALUES (?, ?, ?, ?)",
                (question, match_key, now(), guild_id),
            )
            if keep_days is not None:
                tx.execute(
                    "DELETE FROM declined WHERE guild_id = ? AND asked_at < ?",
                    (guild_id, ago(keep_days)),
                )

    def prune(
        self,
        tx: Tx,
        own: Mapping[int, float],
        default_days: float | None,
        scopes: tuple[str, tuple[int, ...]],
    ) -> int:
        """Delete declined questions past their server's retention (`own`, by server), else
        `default_days`, among the rows `scopes` selects (a process's own servers); how many
        went."""
        gone = 0
        for guild, days in own.items():
            gone += tx.execute(
                "DELETE FROM declined WHERE guild_id = ? AND asked_at < ?", (guild, ago(days))
            ).rowcount
        if default_days is not None:
            where, params = scopes
            others = ""
            if own:
                marks = ", ".join("?" * len(own))
                others = f" AND (guild_id IS NULL OR guild_id NOT IN ({marks}))"
            gone += tx.execute(
                f"DELETE FROM declined WHERE asked_at < ? AND {where}{others}",
                (ago(default_days), *params, *own),
            ).rowcount
        return gone

    def unanswered(self, guild_id: int, days: int = 30, limit: int | None = 20) -> list[Unanswered]:
        """This scope's declined questions of the last `days`, grouped by wording, most
        frequent first (all of them when `limit` is None), each shown in its latest wording."""
        bound = "" if limit is None else " LIMIT ?"
        with self.db.read() as tx:
            rows = tx.execute(
                "SELECT d.question, g.n, g.last FROM (SELECT match_key, COUNT(*) AS n, "
                "MAX(asked_at) AS last, MAX(id) AS latest FROM declined "
                "WHERE guild_id = ? AND asked_at >= ? GROUP BY match_key) g "
                f"JOIN declined d ON d.id = g.latest ORDER BY g.n DESC, g.last DESC{bound}",
                (guild_id, ago(days), *(() if limit is None else (limit,))),
            ).fetchall()
        return [Unanswered(question=q, count=n, last_asked=last) for q, n, last in rows]
