"""Pinning and unpinning an answer: acknowledged first, saved after, then pinned in the
channel too; every step checks the member is a moderator."""

from __future__ import annotations

import logging

import discord

from bot.discord import render
from bot.discord.interactions import (
    acknowledged,
    bot_of,
    is_moderator,
    respond,
    scope_of,
    tell,
)

log = logging.getLogger(__name__)


async def pin_answer(interaction: discord.Interaction, message: discord.Message) -> None:
    """Save one of the bot's answers as curated, then pin it in the channel."""
    await acknowledged(interaction, "The pin", lambda: _pin(interaction, message))


async def _pin(interaction: discord.Interaction, message: discord.Message) -> None:
    bot = bot_of(interaction)
    if not is_moderator(interaction):
        await tell(interaction, "Only moderators (Manage Messages) can pin answers.")
        return
    sent = await bot.stored(bot.store.sent_answer, message.id, scope_of(interaction))
    if sent is None:
        await tell(interaction, "Only the bot's answers can be pinned.")
        return
    if sent.answer.status == "no_answer":
        await tell(interaction, "This answer has no quotes, so there is nothing to pin.")
        return
    user = interaction.user
    pin = await bot.stored(bot.service.pin, sent, user.id, user.display_name)
    refused = False
    try:
        await message.pin(reason=f"quotebot: pinned by {interaction.user}")
    except discord.HTTPException:
        log.exception("saved pin %s but Discord refused to pin the message", message.id)
        refused = True
    await respond(interaction, render.pinned_notice(pin.question, refused), ephemeral=True)


async def unpin_answer(interaction: discord.Interaction, message: discord.Message) -> None:
    await acknowledged(interaction, "The unpin", lambda: _unpin(interaction, message))


async def _unpin(interaction: discord.Interaction, message: discord.Message) -> None:
    bot = bot_of(interaction)
    if not is_moderator(interaction):
        await tell(interaction, "Only moderators (Manage Messages) can unpin answers.")
        return
    if not await bot.stored(bot.store.unpin, message.id, scope_of(interaction)):
        await tell(interaction, "This answer is not pinned.")
        return
    try:
        await message.unpin(reason=f"quotebot: unpinned by {interaction.user}")
    except discord.HTTPException:
        log.exception("removed pin %s but Discord refused to unpin the message", message.id)
    await tell(interaction, "Unpinned: later questions get the engine's answer again.")
