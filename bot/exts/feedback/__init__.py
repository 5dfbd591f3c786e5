"""👍 / 👎 under every answer: one stored vote per user per answer (read back by
/answers feedback)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.feedback.cog import Feedback

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Feedback(bot))
