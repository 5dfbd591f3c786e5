"""The sources area's cog: /sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import render
from bot.discord.interactions import respond

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


class Sources(commands.Cog):
    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot

    @app_commands.command(name="sources", description="List the documents answers quote from.")
    async def sources(self, interaction: discord.Interaction) -> None:
        await respond(interaction, render.sources_message(self.bot.service.sources()))
