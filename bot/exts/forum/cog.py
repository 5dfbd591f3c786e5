"""The forum area's cog: the listener for new posts and the ✅ button."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.discord import controls
from bot.discord.interactions import CogButton
from bot.exts.forum import answering
from bot.exts.forum.posts import is_forum_post

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


class SolvedButton(CogButton, template=controls.SOLVED):
    """✅ under the answer to a forum post."""

    cog, handler = "Forum", "solved"

    def __init__(self) -> None:
        super().__init__(controls.solved_button())


class Forum(commands.Cog):
    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot

    def answers_in(self, thread: discord.Thread) -> bool:
        """Whether new posts of this thread's forum are the bot's to answer."""
        forums = self.bot.settings_in(thread.guild.id).forum_channel_ids
        return is_forum_post(thread) and thread.parent_id in forums

    @commands.Cog.listener()
    async def on_thread_create(self, thread: discord.Thread) -> None:
        """A new thread; in a configured forum, a new post (needs only the default intents:
        `guilds` for the thread, `guild_messages` for its first message)."""
        if self.answers_in(thread):
            await answering.answer_post(self.bot, thread)

    async def solved(self, interaction: discord.Interaction) -> None:
        await answering.mark_solved(interaction)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(SolvedButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(SolvedButton)
