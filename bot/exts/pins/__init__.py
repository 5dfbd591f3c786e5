"""Moderator pins: the "Pin answer" / "Unpin answer" message menus and the 📌 button. A pinned
answer is pinned in the channel and served first to later questions that match it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.pins.cog import Pins

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Pins(bot))
