"""What /answers does with the curated answers: a page of them, an edit, a removal; each
acknowledged before it reads or writes the store."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import discord

from bot.discord import render, reports
from bot.discord.interactions import bot_of, respond, scope_of, tell
from bot.discord.render import OutgoingMessage
from bot.exts.answers.curation import chosen_pin, edit_problem

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot

NO_SUCH_PIN = "No curated answer of this server matches “{}”: pick one from the list."


async def page_of(bot: QuoteBot, scope: int, page: int) -> OutgoingMessage:
    """Page `page` of a scope's curated answers (the last one when it is past the end)."""
    total = await bot.stored(bot.store.pin_count, scope)
    page = max(min(page, reports.page_count(total) - 1), 0)
    start = page * reports.PINS_PER_PAGE
    pins = await bot.stored(bot.store.pins, scope, start, reports.PINS_PER_PAGE)
    return reports.pinned_page(pins, page, total)


async def edit(
    interaction: discord.Interaction,
    pin: str,
    question: str | None,
    add_alias: str | None,
    remove_alias: str | None,
) -> None:
    """Change the curated answer `pin` names, when the edit can be made; say what it now is."""
    bot, scope = bot_of(interaction), scope_of(interaction)
    store = bot.store
    message_id = chosen_pin(store.pin_questions(scope), pin)
    if message_id is None:
        await respond(interaction, render.echoing(NO_SUCH_PIN, pin), ephemeral=True)
        return
    problem = edit_problem(store.pin_aliases(scope, message_id), question, add_alias, remove_alias)
    if problem is not None:
        await tell(interaction, problem)
        return
    editor = interaction.user.display_name
    changed = await bot.stored(
        bot.service.edit_pin, message_id, scope, editor, question, add_alias, remove_alias
    )
    if not changed:  # removed meanwhile
        await respond(interaction, render.echoing(NO_SUCH_PIN, pin), ephemeral=True)
        return
    now = store.pin_questions(scope).get(message_id, question or pin)
    notice = render.edited_notice(now, store.pin_aliases(scope, message_id))
    await respond(interaction, notice, ephemeral=True)


async def remove(interaction: discord.Interaction, pin: str) -> None:
    """Forget the curated answer `pin` names, and unpin its message too."""
    bot, scope = bot_of(interaction), scope_of(interaction)
    message_id = chosen_pin(bot.store.pin_questions(scope), pin)
    channel_id = None
    if message_id is not None:
        channel_id = await bot.stored(bot.store.pin_channel, message_id, scope)
    if message_id is None or not await bot.stored(bot.store.unpin, message_id, scope):
        await respond(interaction, render.echoing(NO_SUCH_PIN, pin), ephemeral=True)
        return
    await unpin_message(bot, channel_id, message_id)
    await tell(interaction, "Removed: its questions get the engine's answer again.")


async def unpin_message(bot: QuoteBot, channel_id: int | None, message_id: int) -> None:
    """Unpin the answer's message in its channel too, when Discord lets the bot (the
    message or channel may be gone: the curated answer is removed all the same)."""
    channel = bot.get_channel(channel_id) if channel_id else None
    if isinstance(channel, discord.TextChannel | discord.Thread):
        with contextlib.suppress(discord.HTTPException):
            await channel.get_partial_message(message_id).unpin(reason="quotebot: removed")
