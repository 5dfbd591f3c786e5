"""/answers: the moderators' review of the bot's answers: the curated answers (paged, each
editable and removable), the answers members rated, and the declined questions (shown, or
exported as a CSV or JSON file)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.exts.answers.cog import Answers

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Answers(bot))
