"""Run the real bot against `FakeDiscord`: discord.py's API base and gateway point at it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord.client import QuoteBot
from bot.discord.service import AnswerService
from bot.discord.settings import BotSettings
from bot.discord.store import BUSY_TIMEOUT, Store
from bot.engine import Engine
from tests.discord.fake_discord import TOKEN, FakeDiscord

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
