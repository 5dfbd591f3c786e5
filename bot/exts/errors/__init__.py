"""Command errors: every failed command, menu or check ends in one friendly ephemeral line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.errors.cog import Errors

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Errors(bot))
