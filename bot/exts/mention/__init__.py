"""Mention mode: "@quotebot question" in an answer channel gets its answer in a thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.mention.cog import Mention

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Mention(bot))
