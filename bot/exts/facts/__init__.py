"""/fact: every claim the sources make about a figure, date or name, who makes it, and where;
disagreements side by side. Autocompletes from the measures the fact book knows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.facts.cog import Facts

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Facts(bot))
