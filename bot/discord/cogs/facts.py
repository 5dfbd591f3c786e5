"""/fact query: every claim the sources make about a figure, date or name, who makes it, and
where; disagreements side by side."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import actions
from bot.discord.cogs.ask import ask_cooldown
from bot.question import MAX_QUESTION_CHARS


class Facts(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(
        name="fact", description="Look up a figure, date or name: every claim and who makes it."
    )
    @app_commands.describe(query="What to look up, e.g. detainer requests received 2024")
    @app_commands.checks.dynamic_cooldown(ask_cooldown)
    async def fact(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
    ) -> None:
        await actions.fact_interaction(interaction, query)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Facts(bot))
