"""/help: what the bot knows (its sources), how to ask it here, and what it won't do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.help.cog import Help

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Help(bot))
