"""Claims: exactly one bot process answers a message (a mention, a forum post) even when
two sessions briefly serve one shard during a hand-over: the first to insert the message's
id answers, the others see the row and stay silent."""

from __future__ import annotations

from bot.discord.database import Database
from bot.discord.timestamps import ago, now

KEEP_DAYS = 1.0  # Discord redelivers an event for minutes, never a day later


class ClaimRecords:
    def __init__(self, db: Database, process: str) -> None:
        self.db = db
        self.process = process

    def claim(self, message_id: int) -> bool:
        """True when this process is the first to claim the message (and so answers it)."""
        with self.db.write() as tx:
            return (
                tx.execute(
                    "INSERT INTO claims (id, claimed_by, claimed_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (id) DO NOTHING",
                    (message_id, self.process, now()),
                ).rowcount
                == 1
            )

    def prune(self) -> int:
        with self.db.write() as tx:
            return tx.execute("DELETE FROM claims WHERE claimed_at < ?", (ago(KEEP_DAYS),)).rowcount
