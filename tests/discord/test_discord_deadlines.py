"""Discord wants every interaction acknowledged within 3 seconds (the fake enforces it).
Votes and pins write to the database, which another process may be holding: they must
acknowledge first, write after, and then say how it went."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.core.engine import Engine
from tests.discord.fake_discord import GUILD_ID
from tests.discord.harness import (
    MANAGE_MESSAGES,
    QUESTION,
    ask,
    assert_safe,
    ephemeral,
    running_bot,
)

HOLD = 3.5  # seconds another process holds the write lock: past Discord's deadline


def lock_database(path: Path) -> sqlite3.Connection:
    """Another process's connection, holding the write lock until rolled back."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_votes_and_pins_meet_the_deadline_while_the_database_is_locked(
    engine: Engine, tmp_path: Path
) -> None:
    async def go() -> None:
        async with running_bot(engine, tmp_path) as (bot, fake):
            message_id = int((await ask(bot, fake, QUESTION))["id"])
            other = lock_database(tmp_path / "bot.sqlite3")
            try:
                vote = await fake.click("quotebot:vote:up", message_id, user_id=1)
                down = await fake.click("quotebot:vote:down", message_id, user_id=2)
                pin = await fake.menu("Pin answer", message_id, permissions=MANAGE_MESSAGES)
                await asyncio.sleep(HOLD)
                for record in (vote, down, pin):
                    assert record.ack_latency is not None and record.ack_latency < 3
                    assert record.messages == []  # nothing saved yet: nothing claimed yet
            finally:
                other.rollback()
                other.close()
            assert "recorded" in (await fake.answered(vote))["content"]
            assert "recorded" in (await fake.answered(down))["content"]
            assert (await fake.answered(pin))["content"].startswith("Pinned.")
            assert all(ephemeral(r.messages[0]) for r in (vote, down, pin))
            assert bot.store.tally(message_id).model_dump() == {"up": 1, "down": 1}
            assert list(bot.store.pin_keys(GUILD_ID)) == [message_id]
            assert_safe(fake)

    asyncio.run(go())


def test_a_vote_that_cannot_be_saved_says_so(engine: Engine, tmp_path: Path) -> None:
    async def go() -> None:
        async with running_bot(engine, tmp_path, busy_timeout=0.3) as (bot, fake):
            message_id = int((await ask(bot, fake, QUESTION))["id"])
            other = lock_database(tmp_path / "bot.sqlite3")
            try:
                vote = await fake.click("quotebot:vote:up", message_id)
                pin = await fake.menu("Pin answer", message_id, permissions=MANAGE_MESSAGES)
                note = await fake.answered(vote)
                pinned = await fake.answered(pin)
            finally:
                other.rollback()
                other.close()
            assert ephemeral(note) and "could not be saved" in note["content"]
            assert "pin could not be saved" in pinned["content"]
            assert vote.refused == [] and pin.refused == []
            assert bot.store.tally(message_id).up == 0
            assert bot.store.pin_keys(GUILD_ID) == {} and fake.pinned == set()

    asyncio.run(go())
