"""The mention area's cog: the listener that answers "@quotebot question"."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.discord import render
from bot.discord.posting import message_question
from bot.exts.mention.answering import (
    answer_mention,
    in_answer_channel,
    mention_cooldown,
    settings_for,
)

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot

log = logging.getLogger(__name__)


class Mention(commands.Cog):
    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot
        self.cooldown = mention_cooldown(bot)

    def forum_answers(self, message: discord.Message) -> bool:
        """Whether `message` starts a post in a forum the bot answers: the forum area's to
        answer (a post's first message has the thread's id), not mention mode's too."""
        forum: Any = self.bot.get_cog("Forum")
        channel = message.channel
        starts_post = isinstance(channel, discord.Thread) and message.id == channel.id
        return starts_post and forum is not None and forum.answers_in(channel)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if message.author.bot or me is None or me not in message.mentions:
            return
        if self.forum_answers(message):
            return
        chosen = settings_for(self.bot, message)
        if not chosen.mention_mode or not in_answer_channel(
            message.channel, chosen.answer_channel_ids
        ):
            return
        question = message_question(message.content, me.id)
        retry_after = self.cooldown.update_rate_limit(message) if question else None
        try:
            if not question:
                hint = render.notice(f"Ask me after the mention: @{me.name} your question")
                await message.reply(**hint.send_kwargs())
            elif retry_after:
                wait = render.notice(f"You're asking quickly: try again in {retry_after:.0f} s.")
                await message.reply(**wait.send_kwargs())
            else:
                await answer_mention(self.bot, message, question)
        except discord.HTTPException:
            log.exception("could not answer message %s", message.id)
