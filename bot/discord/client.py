"""The discord.py client: loads one extension per feature (`bot.exts`), and answers and stores
off the event loop, so the gateway heartbeat never waits on retrieval or SQLite."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render
from bot.discord.service import AnswerService, Reply
from bot.discord.settings import BotSettings, Effective, ServerSettings, effective
from bot.discord.store import DATABASE_ERRORS
from bot.exts import extensions
from bot.facts.models import FactLookup

log = logging.getLogger(__name__)
T = TypeVar("T")
DRAIN_SECONDS = 8.0  # within docker's default 10 s between SIGTERM and SIGKILL
IDENTIFY_GAP = 5.0  # Discord allows one IDENTIFY per 5 s per max_concurrency bucket


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

    def __init__(
        self,
        settings: BotSettings,
        service: AnswerService,
        workers: int = 4,
        **shards: object,
    ) -> None:
        # The bot never joins voice: no warnings about voice libraries it does not need.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(settings),
            allowed_mentions=render.NO_MENTIONS,
            help_command=None,
            **shards,
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
        # One server seen means the bot is in one server only when this process sees them
        # all; a sharded process sees only its shards' servers.
        alone = len(self.guilds) == 1 and not self.settings.shards().sharded
        only = self.guilds[0].id if alone else None
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

    async def claimed(self, message_id: int) -> bool:
        """Whether this process answers the message (a mention, a forum post): the first of
        the processes serving its shard to claim it, during a hand-over when two do. When
        the database cannot say, it answers (a duplicate is better than no answer)."""
        try:
            return await self.stored(self.store.claim, message_id)
        except DATABASE_ERRORS:
            log.exception("could not claim message %s; answering it anyway", message_id)
            return True

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
        except DATABASE_ERRORS:
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


class ShardedQuoteBot(QuoteBot, commands.AutoShardedBot):
    """The bot running SHARD_IDS of SHARD_COUNT shards (discord.py's `AutoShardedBot`), with
    IDENTIFYs spaced across every process sharing the database: one per `IDENTIFY_GAP` per
    bucket (`shard_id % max_concurrency`), under a lock the database provides (an advisory
    lock on PostgreSQL, a file lock beside a SQLite file) and, because such a lock is the
    process's own, an asyncio lock per bucket within it."""

    def __init__(self, settings: BotSettings, service: AnswerService, workers: int = 4) -> None:
        shards = settings.shards()
        super().__init__(
            settings, service, workers, shard_count=shards.count, shard_ids=list(shards.ids)
        )
        self._buckets: dict[int, asyncio.Lock] = {}
        self._max_concurrency: int | None = None
        self._releases: set[asyncio.Task[None]] = set()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Take the shard's bucket, here and across processes, and give it back
        `IDENTIFY_GAP` seconds later: this IDENTIFY goes out as soon as this returns."""
        if self._max_concurrency is None:
            _, _, limits = await self.http.get_bot_gateway()
            self._max_concurrency = max(1, int(limits.get("max_concurrency", 1)))
        bucket = (shard_id or 0) % self._max_concurrency
        here = self._buckets.setdefault(bucket, asyncio.Lock())
        await here.acquire()
        everywhere = self.store.db.identify_lock(bucket)
        try:
            await asyncio.to_thread(everywhere.__enter__)
        except BaseException:
            here.release()
            raise

        async def release() -> None:
            try:
                await asyncio.sleep(IDENTIFY_GAP)
            finally:
                await asyncio.to_thread(everywhere.__exit__, None, None, None)
                here.release()

        task = asyncio.create_task(release())
        self._releases.add(task)
        task.add_done_callback(self._releases.discard)


def make_bot(settings: BotSettings, service: AnswerService) -> QuoteBot:
    """The sharded bot when SHARD_COUNT is set, else today's single process."""
    if settings.shards().sharded:
        return ShardedQuoteBot(settings, service)
    return QuoteBot(settings, service)


async def sync_commands(bot: QuoteBot) -> list[app_commands.AppCommand]:
    """Register the commands with Discord: instantly in the dev server when one is set, else
    globally. Run on demand (`python -m bot sync`), never on every start."""
    guild_id = bot.settings.dev_guild_id
    if guild_id is None:
        return await bot.tree.sync()
    guild = discord.Object(id=guild_id)
    bot.tree.copy_global_to(guild=guild)
    return await bot.tree.sync(guild=guild)
