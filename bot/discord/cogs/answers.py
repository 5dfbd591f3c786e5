"""/answers unanswered: declined questions, most frequent first, for moderators to see which
sources are worth adding."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import actions, render


class Answers(commands.Cog):
    answers = app_commands.Group(
        name="answers",
        description="Moderators: review the bot's answers.",
        default_permissions=discord.Permissions(manage_messages=True),
        guild_only=True,
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @answers.command(
        name="unanswered", description="Recent questions the sources could not answer."
    )
    @app_commands.describe(days="How many days back to look (default 30)")
    @app_commands.check(actions.require_moderator)
    async def unanswered(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 30
    ) -> None:
        bot = actions.bot_of(interaction)
        rows = await bot.stored(bot.store.unanswered, actions.scope_of(interaction), days)
        await actions.respond(interaction, render.unanswered_message(rows, days), ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Answers(bot))
