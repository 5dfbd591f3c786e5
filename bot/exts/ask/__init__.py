"""Asking: /ask (public or private), the "Answer with quotebot" message menu, and the 🗑
button that lets the asker (or a moderator) delete the bot's answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.ask.cog import Ask

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Ask(bot))
