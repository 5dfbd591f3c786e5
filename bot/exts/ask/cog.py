"""The ask area's cog: /ask, the "Answer with quotebot" menu and the 🗑 button, each a thin
handler over `bot.exts.ask.answering`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.question import MAX_QUESTION_CHARS
from bot.discord import controls
from bot.discord.interactions import CogButton, ask_cooldown, cooldown_key
from bot.exts.ask import answering

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


class DeleteButton(CogButton, template=controls.DELETE):
    """🗑 under a public answer: for whoever asked for it, and moderators."""

    cog, handler = "Ask", "delete"

    def __init__(self) -> None:
        super().__init__(controls.delete_button())


class Ask(commands.Cog):
    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot
        menu = app_commands.ContextMenu(name="Answer with quotebot", callback=self.answer_this)
        self.menu = app_commands.checks.dynamic_cooldown(ask_cooldown, key=cooldown_key)(menu)

    @app_commands.command(name="ask", description="Ask a question; the answer quotes the sources.")
    @app_commands.describe(
        question="What you want to know", private="Only you see the answer (default: no)"
    )
    @app_commands.checks.dynamic_cooldown(ask_cooldown, key=cooldown_key)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
        private: bool = False,
    ) -> None:
        await answering.answer_interaction(interaction, question, private)

    async def answer_this(self, interaction: discord.Interaction, message: discord.Message) -> None:
        await answering.answer_message(interaction, message)

    async def delete(self, interaction: discord.Interaction) -> None:
        await answering.delete_answer(interaction)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(DeleteButton)
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(DeleteButton)
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)
