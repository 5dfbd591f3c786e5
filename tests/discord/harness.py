"""Run the real bot against `FakeDiscord`: discord.py's API base and gateway point at it;
and the steps end-to-end tests share (ask and wait for the answer on record, check that
Discord rejected nothing and every message went out with mentions off)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.cli import main
from bot.core.engine import Engine
from bot.discord.client import QuoteBot
from bot.discord.service import AnswerService
from bot.discord.settings import BotSettings
from bot.discord.store import BUSY_TIMEOUT, Store
from tests.discord.fake_discord import BOT_ID, EPHEMERAL, GUILD_ID, TOKEN, Dispatched, FakeDiscord
from tests.paths import SOURCES

MANAGE_MESSAGES = 1 << 13
MANAGE_GUILD = 1 << 5
MANAGE_THREADS = 1 << 34


def settings(tmp_path: Path, **overrides: Any) -> BotSettings:
    values: dict[str, Any] = {
        "discord_token": TOKEN,
        "database_path": tmp_path / "bot.sqlite3",
        **overrides,
    }
    return BotSettings(_env_file=None, **values)  # type: ignore[call-arg]


@contextlib.asynccontextmanager
async def pointed_at(fake: FakeDiscord) -> AsyncIterator[None]:
    """discord.py talks to the fake while inside this block."""
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = fake.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


@contextlib.asynccontextmanager
async def running_bot(
    engine: Engine,
    tmp_path: Path,
    fake: FakeDiscord | None = None,
    busy_timeout: float = BUSY_TIMEOUT,
    **overrides: Any,
) -> AsyncIterator[tuple[QuoteBot, FakeDiscord]]:
    """The bot connected to a fake Discord, with its own database under `tmp_path`
    (`busy_timeout`: how long its writes wait for another connection's lock)."""
    fake = fake or FakeDiscord()
    fake.start()
    config = settings(tmp_path, **overrides)
    store = Store(config.database_path, config.declined_retention_days, busy_timeout)
    bot = QuoteBot(config, AnswerService(engine, store))
    try:
        async with pointed_at(fake):
            task = asyncio.create_task(bot.start(TOKEN))
            await fake.wait_until(
                lambda: task.done() or (fake.connected and bot.user is not None), what="READY"
            )
            if task.done():
                task.result()
            yield bot, fake
            await bot.close()
            await asyncio.wait_for(task, 10)
    finally:
        bot.store.close()
        fake.stop()


QUESTION = "How many detainer requests did Boston police ignore in 2025?"
REWORDED = "In 2025, how many detainer requests did the Boston police ignore?"
OFF_TOPIC = "What is the boiling point of mercury?"
Scenario = Callable[[QuoteBot, FakeDiscord], Awaitable[None]]


def run(engine: Engine, tmp_path: Path, scenario: Scenario, **settings: Any) -> None:
    async def go() -> None:
        async with running_bot(engine, tmp_path, **settings) as (bot, fake):
            await scenario(bot, fake)
            assert_safe(fake)

    asyncio.run(go())


def assert_safe(fake: FakeDiscord) -> None:
    """Every message went out with mentions disabled, and Discord rejected nothing."""
    bodies = fake.message_bodies()
    assert bodies
    for body in bodies:
        assert pings_no_one(body), body
    for record in fake.dispatched.values():
        assert record.refused == [], record
    assert [c for c in fake.calls if c.status >= 400] == []


def pings_no_one(body: dict[str, Any]) -> bool:
    """Mentions off: nothing parsed, no user or role allowed, no ping of a replied-to author."""
    allowed = body["allowed_mentions"]
    return allowed in ({"parse": []}, {"parse": [], "replied_user": False})


def ephemeral(message: dict[str, Any]) -> bool:
    return bool(message["flags"] & EPHEMERAL)


def description(message: dict[str, Any]) -> str:
    return message["embeds"][0]["description"]


async def ask(
    bot: QuoteBot,
    fake: FakeDiscord,
    question: str,
    user_id: int = 7001,
    channel_id: int | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Ask, and wait until the bot has also recorded its answer (just after sending it), so
    that what the test does next cannot race that write."""
    where = {} if channel_id is None else {"channel_id": channel_id}
    record = await fake.slash("ask", user_id=user_id, question=question, **where, **options)
    reply = await fake.answered(record)
    assert record.callback_type == 5  # deferred at once, answered by a follow-up
    assert record.ack_latency is not None and record.ack_latency < 3
    scope = fake.channel_guild[record.channel_id] or 0
    if reply.get("embeds"):
        await fake.wait_until(
            lambda: bot.store.sent_answer(int(reply["id"]), scope) is not None,
            what="stored answer",
        )
    return reply


async def refused(record: Dispatched, fake: FakeDiscord, words: str) -> None:
    reply = await fake.answered(record)
    assert ephemeral(reply)
    assert words in reply["content"]


def cli_against_fake(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, **env: str
) -> int:
    """Run `python -m bot COMMAND` in-process, talking to the fake, with settings from `env`."""
    fake.start()
    try:
        monkeypatch.setattr(Route, "BASE", fake.api_base)
        monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db.sqlite3"))
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return main(["--sources", str(SOURCES), "--cache", str(tmp_path / "cache"), command])
    finally:
        fake.stop()


def custom_ids(message: dict[str, Any]) -> list[str]:
    """The ids of a message's buttons, links left out, in order."""
    return [
        c["custom_id"]
        for row in message.get("components") or []
        for c in row["components"]
        if "custom_id" in c
    ]


async def gone(fake: FakeDiscord, message_id: int) -> None:
    await fake.wait_until(lambda: message_id not in fake.messages, what="the message deleted")


# Every command and message menu the bot registers.
COMMANDS = {
    "ask",
    "fact",
    "sources",
    "help",
    "answers",
    "settings",
    "Answer with quotebot",
    "Pin answer",
    "Unpin answer",
}


def bot_messages_in(fake: FakeDiscord, channel_id: int) -> list[dict[str, Any]]:
    """The bot's messages in a channel or thread."""
    return [
        m
        for m in fake.messages.values()
        if m["channel_id"] == str(channel_id) and m["author"]["id"] == str(BOT_ID)
    ]


async def answer_in_thread(
    bot: QuoteBot, fake: FakeDiscord, thread_id: int, scope: int = GUILD_ID
) -> dict[str, Any]:
    """Wait for the bot's one answer in a thread, and for it to be on record in `scope`."""
    await fake.wait_until(lambda: bool(bot_messages_in(fake, thread_id)), what="the answer")
    (answer,) = bot_messages_in(fake, thread_id)
    await fake.wait_until(
        lambda: bot.store.sent_answer(int(answer["id"]), scope) is not None,
        what="the answer on record",
    )
    return answer
