"""Start the bot or sync its commands: settings, engine and store wired into a `QuoteBot`."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import discord

from bot.discord.client import QuoteBot, sync_commands
from bot.discord.service import AnswerService
from bot.discord.settings import BotSettings, SettingsError, load_settings
from bot.discord.store import Store, StoreError
from bot.loader import load_engine

log = logging.getLogger(__name__)
EXIT_OK, EXIT_SETUP = 0, 2


def build_bot(settings: BotSettings, sources: Path, cache: Path | None) -> QuoteBot:
    engine, notes = load_engine(sources, cache)
    for note in notes:
        log.warning("%s", note)
    store = Store(settings.database_path)
    return QuoteBot(settings, AnswerService(engine, store, settings.pin_match_threshold))


def setup_logging(settings: BotSettings) -> None:
    """Log to stderr at LOG_LEVEL, unless the host (a test runner) already set up logging."""
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def _settings() -> BotSettings | None:
    try:
        return load_settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def run(sources: Path, cache: Path | None) -> int:
    """`python -m bot run`: connect and answer until stopped."""
    settings = _settings()
    if settings is None:
        return EXIT_SETUP
    setup_logging(settings)
    try:
        bot = build_bot(settings, sources, cache)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SETUP
    try:
        bot.run(settings.discord_token, log_handler=None)
    except discord.LoginFailure:
        print("error: Discord rejected DISCORD_TOKEN; check it in .env.", file=sys.stderr)
        return EXIT_SETUP
    finally:
        bot.store.close()
    return EXIT_OK


async def _sync(bot: QuoteBot) -> list[str]:
    async with bot:
        await bot.login(bot.settings.discord_token)
        return [command.name for command in await sync_commands(bot)]


def sync(sources: Path, cache: Path | None) -> int:
    """`python -m bot sync`: register the slash commands and menus with Discord, then exit."""
    settings = _settings()
    if settings is None:
        return EXIT_SETUP
    setup_logging(settings)
    try:
        bot = build_bot(settings, sources, cache)
        names = asyncio.run(_sync(bot))
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SETUP
    except discord.LoginFailure:
        print("error: Discord rejected DISCORD_TOKEN; check it in .env.", file=sys.stderr)
        return EXIT_SETUP
    where = f"server {settings.dev_guild_id}" if settings.dev_guild_id else "all servers"
    print(f"synced {len(names)} commands to {where}: {', '.join(names)}")
    return EXIT_OK
