"""👍 / 👎 under every answer: one stored vote per user per answer."""

from __future__ import annotations

from discord.ext import commands

from bot.discord.controls import VoteButton


class Feedback(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(VoteButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(VoteButton)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Feedback(bot))
