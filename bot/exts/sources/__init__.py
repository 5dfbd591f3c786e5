"""/sources: the documents answers may quote."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.sources.cog import Sources

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Sources(bot))
