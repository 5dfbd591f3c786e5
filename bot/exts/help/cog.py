"""The help area's cog: /help, answered at once and privately (it reads only memory)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import pages
from bot.discord.interactions import channels_here, respond, settings_of

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


class Help(commands.Cog):
    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What I know, how to ask, what I won't do.")
    async def help(self, interaction: discord.Interaction) -> None:
        page = pages.help_message(
            self.bot.service.sources(), settings_of(interaction), channels_here(interaction)
        )
        await respond(interaction, page, ephemeral=True)
