"""/settings end to end: server admins (Manage Server, checked on every use) choose answer
channels, forums, the cooldown, mention mode and retention for their server only; the
choices persist in the database, and the environment stays the default elsewhere."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.engine import Engine
from bot.discord.client import QuoteBot
from bot.discord.store import Store
from tests.discord.fake_discord import (
    BOT_ID,
    CHANNEL_ID,
    FORUM_ID,
    GUILD_ID,
    OTHER_CHANNEL_ID,
    OTHER_GUILD_CHANNEL_ID,
    OTHER_GUILD_ID,
    Channel,
    FakeDiscord,
)
from tests.discord.harness import (
    MANAGE_GUILD,
    MANAGE_MESSAGES,
    QUESTION,
    ask,
    description,
    ephemeral,
    refused,
    run,
)

ADMIN = {"permissions": MANAGE_GUILD}
CHANGES: list[tuple[str, dict[str, Any]]] = [
    ("settings show", {}),
    ("settings answer-channel", {"channel": Channel(CHANNEL_ID), "answer": True}),
    ("settings forum", {"forum": Channel(FORUM_ID), "answer": True}),
    ("settings cooldown", {"questions": 1, "seconds": 60}),
    ("settings mention-mode", {"on": False}),
    ("settings retention", {"days": 5}),
    ("settings reset", {}),
]


async def change(fake: FakeDiscord, name: str, **options: Any) -> dict[str, Any]:
    """An admin's /settings command, acknowledged in time; its ephemeral reply."""
    record = await fake.slash(name, **ADMIN, **options)
    reply = await fake.answered(record)
    assert record.ack_latency is not None and record.ack_latency < 3
    assert ephemeral(reply)
    return reply


@pytest.mark.parametrize(("name", "options"), CHANGES, ids=[n for n, _ in CHANGES])
def test_every_settings_command_is_for_server_admins(
    engine: Engine, tmp_path: Path, name: str, options: dict[str, Any]
) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        for permissions in (0, MANAGE_MESSAGES):  # members, and moderators too
            record = await fake.slash(name, permissions=permissions, **options)
            await refused(record, fake, "server admins")
        assert bot.store.server_settings(GUILD_ID).model_dump(exclude_none=True) == {}

    run(engine, tmp_path, scenario)


def test_a_server_s_cooldown_is_its_own_and_persists(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        shown = description(await change(fake, "settings show"))
        assert "**Cooldown:** 3 questions per 30 s per member *(default)*" in shown
        saved = await change(fake, "settings cooldown", questions=1, seconds=60)
        assert saved["embeds"][0]["title"] == "Settings saved"
        assert "1 question per 60 s per member *(this server's choice)*" in description(saved)
        await ask(bot, fake, QUESTION, user_id=1)
        await refused(await fake.slash("ask", user_id=1, question=QUESTION), fake, "try again")
        for _ in range(2):  # the other server keeps the default, 3 per 30 s
            await ask(bot, fake, QUESTION, user_id=1, channel_id=OTHER_GUILD_CHANNEL_ID)
        # /fact has its own bucket, with the server's cooldown too.
        await fake.answered(await fake.slash("fact", user_id=1, query="detainer requests"))
        fact = await fake.slash("fact", user_id=1, query="detainer requests")
        await refused(fact, fake, "try again")

    run(engine, tmp_path, scenario)
    store = Store(tmp_path / "bot.sqlite3")
    assert store.server_settings(GUILD_ID).cooldown_rate == 1
    assert store.server_settings(OTHER_GUILD_ID).cooldown_rate is None
    store.close()


async def answered_mention(fake: FakeDiscord, channel_id: int) -> bool:
    """Mention the bot in `channel_id`; whether it answered there (in a thread)."""
    threads = len(fake.threads)
    await fake.post(f"<@{BOT_ID}> {QUESTION}", author_id=7100 + threads, channel_id=channel_id)
    for _ in range(20):  # an answer starts its thread within milliseconds
        await asyncio.sleep(0.02)
        if len(fake.threads) > threads:
            return True
    return False


def test_mention_mode_and_answer_channels_per_server(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        assert await answered_mention(fake, CHANNEL_ID)  # the default: every channel
        saved = await change(
            fake, "settings answer-channel", channel=Channel(OTHER_CHANNEL_ID), answer=True
        )
        assert f"<#{OTHER_CHANNEL_ID}>" in description(saved)
        assert not await answered_mention(fake, CHANNEL_ID)
        assert await answered_mention(fake, OTHER_CHANNEL_ID)
        await change(fake, "settings mention-mode", on=False)
        assert not await answered_mention(fake, OTHER_CHANNEL_ID)
        assert await answered_mention(fake, OTHER_GUILD_CHANNEL_ID)  # its own, the default
        await change(fake, "settings reset", setting="mention_mode")
        assert await answered_mention(fake, OTHER_CHANNEL_ID)
        reset = await change(fake, "settings reset")
        assert "*(this server's choice)*" not in description(reset)
        assert await answered_mention(fake, CHANNEL_ID)

    run(engine, tmp_path, scenario)


def test_a_shorter_retention_deletes_older_declined_questions_at_once(
    engine: Engine, tmp_path: Path
) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        asked = (datetime.now(UTC) - timedelta(days=10)).isoformat(timespec="seconds")
        with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
            for guild in (GUILD_ID, OTHER_GUILD_ID):
                db.execute(
                    "INSERT INTO declined (question, match_key, asked_at, guild_id) "
                    "VALUES ('Old question?', 'old question', ?, ?)",
                    (asked, guild),
                )
        saved = await change(fake, "settings retention", days=5)
        assert "5 days *(this server's choice)*" in description(saved)
        assert bot.store.unanswered(GUILD_ID, days=30) == []
        assert [r.question for r in bot.store.unanswered(OTHER_GUILD_ID, days=30)] == [
            "Old question?"
        ]

    run(engine, tmp_path, scenario)
