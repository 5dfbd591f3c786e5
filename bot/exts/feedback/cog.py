"""The feedback area's cog: the 👍 / 👎 buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.discord import controls
from bot.discord.interactions import CogButton
from bot.exts.feedback import voting

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


class VoteButton(CogButton, template=controls.VOTE):
    """👍 / 👎 feedback: one vote per user per answer."""

    cog, handler = "Feedback", "vote"

    def __init__(self, way: str) -> None:
        super().__init__(controls.vote_button(way), way=way)


class Feedback(commands.Cog):
    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot

    async def vote(self, interaction: discord.Interaction, way: str) -> None:
        await voting.vote(interaction, 1 if way == "up" else -1)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(VoteButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(VoteButton)
