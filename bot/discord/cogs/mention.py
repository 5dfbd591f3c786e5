"""Mention mode: "@Bot question" in an answer channel gets its answer in a thread."""

from __future__ import annotations

import logging
import re

import discord
from discord.ext import commands

from bot.discord import actions, render
from bot.discord.client import QuoteBot

log = logging.getLogger(__name__)


def mention_question(content: str, bot_id: int) -> str:
    """The message without the bot's mentions: what is being asked."""
    return re.sub(rf"<@!?{bot_id}>", " ", content).strip()


def in_answer_channel(channel: object, channel_ids: list[int]) -> bool:
    """Answer everywhere when no channels are listed; else in those channels and their threads."""
    if not channel_ids:
        return True
    ids = {getattr(channel, "id", None), getattr(channel, "parent_id", None)}
    return bool(ids & set(channel_ids))


class Mention(commands.Cog):
    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot
        settings = bot.settings
        self.cooldown = commands.CooldownMapping.from_cooldown(
            settings.ask_cooldown_rate, settings.ask_cooldown_seconds, commands.BucketType.user
        )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if message.author.bot or me is None or me not in message.mentions:
            return
        if not in_answer_channel(message.channel, self.bot.settings.answer_channel_ids):
            return
        question = mention_question(message.content, me.id)
        retry_after = self.cooldown.update_rate_limit(message) if question else None
        try:
            if not question:
                hint = render.notice(f"Ask me after the mention: @{me.name} your question")
                await message.reply(**hint.send_kwargs())
            elif retry_after:
                wait = render.notice(f"You're asking quickly: try again in {retry_after:.0f} s.")
                await message.reply(**wait.send_kwargs())
            else:
                await actions.answer_mention(self.bot, message, question)
        except discord.HTTPException:
            log.exception("could not answer message %s", message.id)


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Mention(bot))
