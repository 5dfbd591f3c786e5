"""/ask question: an answer quoted from the sources."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import actions
from bot.question import MAX_QUESTION_CHARS


def ask_cooldown(interaction: discord.Interaction) -> app_commands.Cooldown:
    """Per-user cooldown, from the settings (ASK_COOLDOWN_RATE per ASK_COOLDOWN_SECONDS)."""
    settings = actions.bot_of(interaction).settings
    return app_commands.Cooldown(settings.ask_cooldown_rate, settings.ask_cooldown_seconds)


class Ask(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="ask", description="Ask a question; the answer quotes the sources.")
    @app_commands.describe(question="What you want to know")
    @app_commands.checks.dynamic_cooldown(ask_cooldown)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
    ) -> None:
        await actions.answer_interaction(interaction, question)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Ask(bot))
