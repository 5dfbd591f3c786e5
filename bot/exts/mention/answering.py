"""Where mention mode answers, and how: in a thread on the asking message (or in the thread
it is in), or as a reply where the bot may not start one."""

from __future__ import annotations

import logging
from collections.abc import Hashable
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.discord import limits
from bot.discord.posting import controls_in, post_answer
from bot.discord.store import DM_SCOPE

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot
    from bot.discord.settings import Effective

log = logging.getLogger(__name__)


def in_answer_channel(channel: object, channel_ids: list[int]) -> bool:
    """Answer everywhere when no channels are listed; else in those channels and their threads."""
    if not channel_ids:
        return True
    ids = {getattr(channel, "id", None), getattr(channel, "parent_id", None)}
    return bool(ids & set(channel_ids))


def settings_for(bot: QuoteBot, message: discord.Message) -> Effective:
    """The settings in force where `message` was posted (in memory)."""
    return bot.settings_in(message.guild.id if message.guild else None)


def mention_cooldown(bot: QuoteBot) -> commands.DynamicCooldownMapping[discord.Message]:
    """Mention mode's per-user cooldown, the same as /ask's in each server."""

    def bucket(message: discord.Message) -> commands.Cooldown:
        chosen = settings_for(bot, message)
        return commands.Cooldown(chosen.cooldown_rate, chosen.cooldown_seconds)

    def key(message: discord.Message) -> Hashable:
        chosen = settings_for(bot, message)
        guild = message.guild.id if message.guild else DM_SCOPE
        return (guild, message.author.id, chosen.cooldown_rate, chosen.cooldown_seconds)

    return commands.DynamicCooldownMapping(bucket, key)


async def answer_mention(bot: QuoteBot, message: discord.Message, question: str) -> None:
    """Answer in a thread on the asking message (or in the thread it is in); where the bot
    may not start a thread, reply in the channel instead. Not while stopping: the question
    stays in the channel, to be asked again. Not when another process claimed it first."""
    if bot.stopping:
        return
    async with bot.job():
        # During a hand-over, another process serving this shard may have claimed it.
        if await bot.claimed(message.id):
            await _answer_mention(bot, message, question)


async def _answer_mention(bot: QuoteBot, message: discord.Message, question: str) -> None:
    scope = message.guild.id if message.guild else DM_SCOPE
    reply = await bot.reply(question, scope)
    asker = message.author.id
    if isinstance(message.channel, discord.TextChannel):
        name = limits.trim(" ".join(question.split()), limits.THREAD_NAME)
        try:
            thread = await message.create_thread(name=name)
        except discord.Forbidden:
            log.warning("no permission to start a thread in %s; replying there", message.channel)
        else:
            await post_answer(bot, thread.send, reply, controls_in(thread), scope, asker)
            return
    await post_answer(bot, message.reply, reply, controls_in(message.channel), scope, asker)
