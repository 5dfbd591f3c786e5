"""/settings: each server's own choices (answer channels, forums, cooldown, mention mode,
retention), set by its admins and kept in the database; the environment gives the defaults."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.settings.cog import Settings

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Settings(bot))
