"""The discord.py client: loads one extension per feature (`bot.exts`), and answers and stores
off the event loop, so the gateway heartbeat never waits on retrieval or SQLite."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render
from bot.discord.service import AnswerService, Reply
from bot.discord.settings import BotSettings, Effective, ServerSettings, effective
from bot.exts import extensions
from bot.facts.models import FactLookup

log = logging.getLogger(__name__)
T = TypeVar("T")
DRAIN_SECONDS = 8.0  # within docker's default 10 s between SIGTERM and SIGKILL


def intents(settings: BotSettings) -> discord.Intents:
    """The default intents, none privileged: mentions, context-menu targets and forum post
    titles carry their text without the Message Content intent. MESSAGE_CONTENT_INTENT adds
    it, for the text of forum posts that do not mention the bot (it must then be switched on
    in the Developer Portal too)."""
    chosen = discord.Intents.default()
    chosen.message_content = settings.message_content_intent
    return chosen


class QuoteBot(commands.Bot):
    """The bot: its settings, its answer service and store, and the threads that keep their
    work off the event loop."""

    def __init__(self, settings: BotSettings, service: AnswerService, workers: int = 4) -> None:
        # The bot never joins voice: no warnings about voice libraries it does not need.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(settings),
            allowed_mentions=render.NO_MENTIONS,
            help_command=None,
        )
        self.settings = settings
        self.service = service
        self.store = service.store
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="answer")
        # Store calls get a thread of their own: a commit waits for the disk
        # (synchronous=FULL), and a pin or a vote must not queue behind slow retrievals
        # when Discord wants its response within 3 seconds.
        self.store_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        # Actions in flight (answers, pins, votes): close() lets them finish first.
        self.stopping = False
        self._jobs = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def setup_hook(self) -> None:
        for extension in extensions():
            await self.load_extension(extension)

    async def on_ready(self) -> None:
        """Connected, the servers known: rows stored before scoping get their server (see
        `Store.adopt_unscoped`). On every READY, so a reconnect after an upgrade works too;
        when nothing is unscoped it costs one count."""
        unscoped = await self.stored(self.store.unscoped_rows)
        if not unscoped:
            return
        channels = await self.stored(self.store.unscoped_channels)
        guilds = {}
        for channel_id in channels:
            channel = self.get_channel(channel_id)
            if isinstance(channel, discord.abc.GuildChannel | discord.Thread):
                guilds[channel_id] = channel.guild.id
        only = self.guilds[0].id if len(self.guilds) == 1 else None
        left = await self.stored(self.store.adopt_unscoped, guilds, only)
        log.info(
            "%d rows from before server scoping: %d now scoped, %d of unknown server "
            "are kept but never shown",
            unscoped,
            unscoped - left,
            left,
        )

    def settings_in(self, guild_id: int | None) -> Effective:
        """The settings in force in a server (its admins' choices over the defaults), or the
        defaults in direct messages; from memory, so the event loop may ask."""
        server = self.store.server_settings(guild_id) if guild_id else ServerSettings()
        return effective(server, self.settings)

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: mention mode is the mention cog's listener."""

    async def reply(self, question: str, scope: int) -> Reply:
        """Answer in an executor thread so the gateway heartbeat never waits on retrieval."""
        return await self._off_loop(self.executor, self.service.reply, question, scope)

    async def fact(self, query: str) -> FactLookup:
        """Look a fact up in an executor thread, like answers: the loop never waits on it."""
        return await self._off_loop(self.executor, self.service.fact, query)

    async def stored(self, work: Callable[..., T], *args: object) -> T:
        """Run a store call (`self.store.x` or a service method that writes) on the store
        thread, so the event loop never waits on SQLite's lock or the disk."""
        return await self._off_loop(self.store_thread, work, *args)

    async def _off_loop(self, pool: ThreadPoolExecutor, work: Callable[..., T], *args: object) -> T:
        """`work(*args)` in `pool`; the loop goes on serving Discord meanwhile."""
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(pool, work, *args)
        if self.is_closed():
            # Finished after close(): like work still queued then, the caller is cancelled
            # instead of talking to a connection that is gone (the work itself is done).
            raise asyncio.CancelledError
        return result

    async def remember(
        self, message: discord.Message, reply: Reply, scope: int, asked_by: int | None = None
    ) -> bool:
        """Record what an answer message said (for pins, votes and 🗑) in the scope it was
        asked in, and who had it asked, off the loop: it syncs. False when the database
        refused (logged): the answer was sent and stays."""
        try:
            await self.stored(
                self.store.record_answer,
                message.id,
                message.channel.id,
                scope,
                reply.answer,
                asked_by,
            )
        except sqlite3.Error:
            log.exception("answer %s was sent but could not be recorded", message.id)
            return False
        return True

    @contextlib.asynccontextmanager
    async def job(self) -> AsyncIterator[None]:
        """An action in flight (an answer, a pin, a vote): `close` waits for it to finish,
        sent and saved, before it disconnects. Callers check `stopping` first: once closing
        has begun, new actions are turned away."""
        self._jobs += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._jobs -= 1
            if not self._jobs:
                self._idle.set()

    async def close(self) -> None:
        """Stop taking new actions, let those in flight finish (for at most `DRAIN_SECONDS`:
        docker and systemd kill a process that takes too long), disconnect, then wait for
        the answers and store calls still running (work still queued is dropped): whoever
        owns the store closes it after this, and a thread still writing would hit a closed
        connection."""
        if not self.stopping:
            self.stopping = True
            try:
                await asyncio.wait_for(self._idle.wait(), DRAIN_SECONDS)
            except TimeoutError:
                log.warning("closing with %d actions still in flight", self._jobs)
        await super().close()
        for pool in (self.executor, self.store_thread):
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)


async def sync_commands(bot: QuoteBot) -> list[app_commands.AppCommand]:
    """Register the commands with Discord: instantly in the dev server when one is set, else
    globally. Run on demand (`python -m bot sync`), never on every start."""
    guild_id = bot.settings.dev_guild_id
    if guild_id is None:
        return await bot.tree.sync()
    guild = discord.Object(id=guild_id)
    bot.tree.copy_global_to(guild=guild)
    return await bot.tree.sync(guild=guild)
