"""Sharding in one process, end to end against the fake Discord's shards: a connection per
shard, each READY listing only its servers, events on their server's shard, IDENTIFYs
spaced, a shard-count mismatch told in one line, and a mention answered once when two
sessions serve one shard (a hand-over)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.engine import Engine
from bot.discord import client
from bot.discord.client import QuoteBot, ShardedQuoteBot, make_bot
from bot.discord.service import AnswerService
from bot.discord.store import Store
from tests.discord.fake_discord import (
    BOT_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    OTHER_GUILD_ID,
    THIRD_CHANNEL_ID,
    THIRD_GUILD_ID,
    TOKEN,
    FakeDiscord,
    shard_of,
)
from tests.discord.harness import QUESTION, bot_messages_in, cli_against_fake, pointed_at, settings


@contextlib.asynccontextmanager
async def bots(
    engine: Engine,
    tmp_path: Path,
    fake: FakeDiscord,
    *shard_ids: list[int] | None,
    **overrides: Any,
) -> AsyncIterator[list[QuoteBot]]:
    """One bot per entry of `shard_ids` (None: not sharded), over one SQLite database, all
    connected to `fake`."""
    fake.start()
    running: list[tuple[QuoteBot, asyncio.Task[None]]] = []
    try:
        async with pointed_at(fake):
            for ids in shard_ids:
                extra = {} if ids is None else {"shard_count": fake.shard_count, "shard_ids": ids}
                config = settings(tmp_path, **extra, **overrides)
                store = Store(config.database_path, shards=config.shards())
                bot = make_bot(config, AnswerService(engine, store))
                running.append((bot, asyncio.create_task(bot.start(TOKEN))))
            want = sum(len(ids) if ids else 1 for ids in shard_ids)
            await fake.wait_until(
                lambda: len(fake.identifies) >= want or any(t.done() for _, t in running),
                timeout=30,
                what="every shard READY",
            )
            for _, task in running:
                if task.done():
                    task.result()
            await fake.wait_until(lambda: all(b.is_ready() for b, _ in running), what="ready")
            yield [b for b, _ in running]
            for bot, task in running:
                await bot.close()
                await asyncio.wait_for(task, 10)
    finally:
        for bot, _ in running:
            bot.store.close()
        fake.stop()


def test_each_shard_gets_its_servers_and_their_events(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "IDENTIFY_GAP", 0.5)
    fake = FakeDiscord(shard_count=2)
    assert shard_of(GUILD_ID, 2) == shard_of(OTHER_GUILD_ID, 2) == 0
    assert shard_of(THIRD_GUILD_ID, 2) == 1

    async def go() -> None:
        async with bots(engine, tmp_path, fake, [0, 1]) as (bot,):
            assert isinstance(bot, ShardedQuoteBot) and bot.shard_count == 2
            assert {g.id: g.shard_id for g in bot.guilds} == {
                GUILD_ID: 0,
                OTHER_GUILD_ID: 0,
                THIRD_GUILD_ID: 1,
            }
            (first, _), (second, _) = fake.identifies
            # Spaced by the bucket's lock (less the jitter of the fake's own clock readings,
            # taken on its loop, which a busy machine delays by milliseconds).
            assert second - first >= 0.5 - 0.05
            for channel in (CHANNEL_ID, THIRD_CHANNEL_ID, DM_CHANNEL_ID):
                record = await fake.slash("ask", channel_id=channel, question=QUESTION)
                assert (await fake.answered(record, timeout=20))["embeds"]

    asyncio.run(go())


def test_a_process_sees_only_its_shards_servers(engine: Engine, tmp_path: Path) -> None:
    fake = FakeDiscord(shard_count=2)

    async def go() -> None:
        async with bots(engine, tmp_path, fake, [1]) as (bot,):
            assert [g.id for g in bot.guilds] == [THIRD_GUILD_ID]
            assert bot.store.shards.owns(THIRD_GUILD_ID)
            assert not bot.store.shards.owns(GUILD_ID)
            record = await fake.slash("ask", channel_id=THIRD_CHANNEL_ID, question=QUESTION)
            assert (await fake.answered(record, timeout=20))["embeds"]

    asyncio.run(go())


def test_a_shard_count_discord_refuses_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    fake = FakeDiscord(shard_count=2)
    code = cli_against_fake(
        fake, tmp_path, monkeypatch, "run", DISCORD_TOKEN=TOKEN, SHARD_COUNT="3", SHARD_IDS="0"
    )
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert code == 2 and len(lines) == 1 and "4010" in lines[0] and "SHARD_COUNT" in lines[0]
    assert "Traceback" not in captured.err


def test_sharding_discord_requires_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """A bot in more than 2,500 servers must shard: one process without SHARD_COUNT is
    refused (close code 4011), and told so in one line."""
    fake = FakeDiscord()
    fake.sharding_required = True
    code = cli_against_fake(fake, tmp_path, monkeypatch, "run", DISCORD_TOKEN=TOKEN)
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert code == 2 and len(lines) == 1 and "4011" in lines[0] and "SHARD_COUNT" in lines[0]
    assert "Traceback" not in captured.err


def test_two_sessions_of_one_shard_answer_a_mention_once(engine: Engine, tmp_path: Path) -> None:
    """A rolling restart: the new process connects before the old one leaves, and Discord
    may send both the same message. The claim row lets exactly one answer."""
    fake = FakeDiscord()

    async def go() -> None:
        async with bots(engine, tmp_path, fake, None, None) as both:
            assert len(fake.sessions[0]) == 2
            for n in range(3):
                await fake.post(f"<@{BOT_ID}> {QUESTION} ({n})")
            await fake.wait_until(lambda: len(fake.threads) >= 3, timeout=20, what="threads")
            await asyncio.sleep(1.0)  # time for a second answer, were one coming
            assert len(fake.threads) == 3
            for thread in fake.threads:
                assert len(bot_messages_in(fake, thread)) == 1
            with both[0].store.db.read() as tx:
                assert tx.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 3

    asyncio.run(go())
