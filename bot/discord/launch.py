"""Start the bot or sync its commands: settings, engine and store wired into a `QuoteBot`."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import aiohttp
import discord

from bot.core.engine import Engine
from bot.discord import redact
from bot.discord.client import QuoteBot, sync_commands
from bot.discord.service import AnswerService
from bot.discord.settings import BotSettings, SettingsError, load_settings
from bot.discord.store import Store, StoreError
from bot.loader import load_engine

log = logging.getLogger(__name__)
EXIT_OK, EXIT_UNREACHABLE, EXIT_SETUP = 0, 1, 2


def build_bot(
    settings: BotSettings, sources: Path, cache: Path | None, semantic: bool | None = None
) -> QuoteBot:
    """The bot over its database and engine. The database is opened first: a bad
    DATABASE_PATH fails at once, where indexing may take minutes."""
    store = open_store(settings)
    try:
        engine = open_engine(sources, cache, semantic)
    except BaseException:
        store.close()
        raise
    return QuoteBot(settings, AnswerService(engine, store, settings.pin_match_threshold))


def open_store(settings: BotSettings) -> Store:
    """The bot's database, or a `SettingsError` naming DATABASE_PATH and the path."""
    try:
        return Store(settings.database_path, settings.declined_retention_days)
    except StoreError as exc:
        raise SettingsError(f"DATABASE_PATH: {exc}") from None


def open_engine(sources: Path, cache: Path | None, semantic: bool | None = None) -> Engine:
    """The engine, its notes logged (an index cache that cannot be written is one of them:
    the index is then built for this run only; so is a model that cannot load)."""
    engine, notes = load_engine(sources, cache, semantic=semantic)
    for note in notes:
        log.warning("%s", note)
    engine.retriever.expect_many_queries()
    return engine


def setup_logging(settings: BotSettings) -> None:
    """Log to stderr at LOG_LEVEL, unless the host (a test runner) already set up logging;
    either way, interaction tokens and the bot token are redacted from every record."""
    redact.install([settings.discord_token.get_secret_value()])
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def with_bot(
    sources: Path,
    cache: Path | None,
    use: Callable[[QuoteBot], int],
    semantic: bool | None = None,
) -> int:
    """Load settings, build the bot and hand it to `use`; setup problems are one line, exit 2."""
    try:
        settings = load_settings()
        setup_logging(settings)
        bot = build_bot(settings, sources, cache, semantic)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SETUP
    try:
        return use(bot)
    except discord.LoginFailure:
        print("error: Discord rejected DISCORD_TOKEN; check it in .env.", file=sys.stderr)
        return EXIT_SETUP
    except discord.PrivilegedIntentsRequired:
        print(
            "error: MESSAGE_CONTENT_INTENT is on, but the Message Content intent is not "
            "enabled for this application: switch it on in the Developer Portal (Bot → "
            "Privileged Gateway Intents), or set MESSAGE_CONTENT_INTENT=false.",
            file=sys.stderr,
        )
        return EXIT_SETUP
    except (aiohttp.ClientError, OSError) as exc:
        print(f"error: cannot reach Discord ({exc}).", file=sys.stderr)
        return EXIT_UNREACHABLE
    finally:
        bot.store.close()


def _run(bot: QuoteBot) -> int:
    asyncio.run(serve(bot))
    return EXIT_OK


async def serve(bot: QuoteBot) -> None:
    """Connect and answer until SIGTERM or SIGINT, then close gracefully: answers, pins and
    votes in flight finish, sent and saved (see `QuoteBot.close`). discord.py's own `run`
    handles only KeyboardInterrupt, so `docker stop` or `systemctl stop` (SIGTERM) would kill
    the process mid-write. A second signal while closing stops at once."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    signals = (signal.SIGTERM, signal.SIGINT)

    def stopping(name: str) -> None:
        log.info("%s: finishing the answers in flight, then stopping", name)
        for sig in signals:
            loop.remove_signal_handler(sig)  # the next one acts at once, as by default
        stop.set()

    for sig in signals:
        loop.add_signal_handler(sig, stopping, sig.name)
    try:
        async with bot:
            running = asyncio.create_task(bot.start(bot.settings.discord_token.get_secret_value()))
            stopped = asyncio.create_task(stop.wait())
            await asyncio.wait({running, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if stopped.done():
                await bot.close()
            stopped.cancel()
            await running  # a failed login or connection raises here
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)


async def _register(bot: QuoteBot) -> list[str]:
    async with bot:
        await bot.login(bot.settings.discord_token.get_secret_value())
        return [command.name for command in await sync_commands(bot)]


def _sync(bot: QuoteBot) -> int:
    names = asyncio.run(_register(bot))
    guild = bot.settings.dev_guild_id
    where = f"server {guild}" if guild else "all servers"
    print(f"synced {len(names)} commands to {where}: {', '.join(names)}")
    return EXIT_OK


def run(sources: Path, cache: Path | None, semantic: bool | None = None) -> int:
    """`python -m bot run`: connect and answer until stopped."""
    return with_bot(sources, cache, _run, semantic)


def sync(sources: Path, cache: Path | None, semantic: bool | None = None) -> int:
    """`python -m bot sync`: register the slash commands and menus with Discord, then exit."""
    return with_bot(sources, cache, _sync, semantic)
