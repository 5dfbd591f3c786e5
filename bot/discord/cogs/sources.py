"""/sources: the documents answers may quote."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import actions, render


class Sources(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="sources", description="List the documents answers quote from.")
    async def sources(self, interaction: discord.Interaction) -> None:
        listing = actions.bot_of(interaction).service.sources()
        await actions.respond(interaction, render.sources_message(listing))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Sources(bot))
