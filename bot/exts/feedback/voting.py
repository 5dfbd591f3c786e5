"""A vote: acknowledged first, saved after, then the voter is told how it went and where the
answer stands."""

from __future__ import annotations

import discord

from bot.discord.interactions import acknowledged, bot_of, scope_of, tell
from bot.discord.store import Tally


def thanks(value: int, changed: bool, tally: Tally) -> str:
    thumb = "👍" if value > 0 else "👎"
    said = f"Your vote is now {thumb}." if changed else f"Thanks: your {thumb} is recorded."
    return f"{said} This answer has {tally.up} 👍 and {tally.down} 👎."


async def vote(interaction: discord.Interaction, value: int) -> None:
    await acknowledged(interaction, "Your vote", lambda: _vote(interaction, value))


async def _vote(interaction: discord.Interaction, value: int) -> None:
    bot = bot_of(interaction)
    message, scope = interaction.message, scope_of(interaction)
    if message is None or await bot.stored(bot.store.sent_answer, message.id, scope) is None:
        await tell(interaction, "This answer is no longer on record, so it can't be rated.")
        return
    changed = await bot.stored(bot.store.vote, message.id, scope, interaction.user.id, value)
    tally = await bot.stored(bot.store.tally, message.id)
    await tell(interaction, thanks(value, changed, tally))
