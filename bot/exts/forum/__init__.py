"""Forum channels: a new post in a configured forum is answered in its thread when the
answer is confident (silent otherwise), with a ✅ control for the poster and moderators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.forum.cog import Forum

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Forum(bot))
