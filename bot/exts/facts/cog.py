"""The facts area's cog: /fact and its autocomplete."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.question import MAX_QUESTION_CHARS
from bot.discord import render
from bot.discord.choices import best_choices
from bot.discord.interactions import ask_cooldown, cooldown_key, respond
from bot.exts.facts.choices import fact_queries

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


class Facts(commands.Cog):
    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot
        # The fact book never changes while the bot runs: its queries are listed once.
        self.queries = [(q, q) for q in fact_queries(bot.service.engine.facts)]

    @app_commands.command(
        name="fact", description="Look up a figure, date or name: every claim and who makes it."
    )
    @app_commands.describe(query="What to look up, e.g. detainer requests received 2024")
    @app_commands.checks.dynamic_cooldown(ask_cooldown, key=cooldown_key)
    async def fact(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
    ) -> None:
        """Defer at once, look up off the loop, then follow up with the card."""
        await interaction.response.defer(thinking=True)
        result = await self.bot.fact(query)
        await respond(interaction, render.fact_message(result))

    @fact.autocomplete("query")
    async def query_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return best_choices(self.queries, current)
