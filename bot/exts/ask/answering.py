"""What /ask, "Answer with quotebot" and 🗑 do: acknowledge within Discord's 3 seconds,
answer off the loop, reply, record the answer with who asked for it."""

from __future__ import annotations

import logging

import discord

from bot.discord import render
from bot.discord.interactions import (
    bot_of,
    in_flight,
    is_moderator,
    respond,
    saving,
    scope_of,
    tell,
)
from bot.discord.posting import controls_in, message_question, post_answer
from bot.discord.render import PRIVATE, Controls
from bot.discord.store import SentAnswer

log = logging.getLogger(__name__)
NOT_SAVED = (
    "Your answer is shown, but it could not be saved, so it can't be pinned or rated. "
    "The details are in the bot's log."
)
NO_TEXT = "This message has no text to answer."
OWN_MESSAGE = "That is one of my own messages: ask about it with /ask instead."
CANNOT_POST = (
    "I can't reply in this channel: I need the Send Messages and Read Message History "
    "permissions here."
)
NOT_YOURS = "Only the person who asked (or a moderator) can delete this answer."
NOT_HERE = "This answer belongs to another server: it can't be changed from here."


def answer_controls(interaction: discord.Interaction, private: bool) -> Controls:
    """/ask's buttons: a private answer gets votes only; a public one 🗑, and 📌 in a server
    where the bot may pin in this channel."""
    if private:
        return PRIVATE
    return Controls(
        pin=interaction.guild is not None and interaction.app_permissions.manage_messages
    )


def may_delete(sent: SentAnswer | None, user_id: int, moderator: bool) -> bool:
    """Moderators may delete any answer; others only one they asked for (an answer not on
    record, or from before askers were recorded, is the moderators' to delete)."""
    return moderator or (sent is not None and sent.asked_by == user_id)


async def answer_interaction(
    interaction: discord.Interaction, question: str, private: bool = False
) -> None:
    """/ask: defer at once (the 3-second window), answer off the loop, then follow up;
    `private` answers are ephemeral (seen by the asker only)."""
    await in_flight(interaction, lambda: _answer_interaction(interaction, question, private))


async def _answer_interaction(
    interaction: discord.Interaction, question: str, private: bool
) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer(thinking=True, ephemeral=private)
    scope = scope_of(interaction)
    reply = await bot.reply(question, scope)
    outgoing = render.answer_message(reply, answer_controls(interaction, private))
    sent = await respond(interaction, outgoing, ephemeral=private)
    if sent is not None and not await bot.remember(sent, reply, scope, interaction.user.id):
        # The answer stays: it is right, only pins and votes on it will not work.
        await tell(interaction, NOT_SAVED)


async def answer_message(interaction: discord.Interaction, message: discord.Message) -> None:
    """ "Answer with quotebot" on someone's message: a reply to it, mentioning no one (not
    even its author); the helper who asked is told where, privately."""
    await in_flight(interaction, lambda: _answer_message(interaction, message))


async def _answer_message(interaction: discord.Interaction, message: discord.Message) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    me = bot.user
    if me is not None and message.author.id == me.id:
        await tell(interaction, OWN_MESSAGE)
        return
    # A message menu's target carries its text without the Message Content intent.
    question = message_question(message.content, me.id if me else 0)
    if not question:
        await tell(interaction, NO_TEXT)
        return
    scope = scope_of(interaction)
    reply = await bot.reply(question, scope)
    try:
        sent = await post_answer(
            bot,
            message.reply,
            reply,
            controls_in(message.channel),
            scope,
            interaction.user.id,
            mention_author=False,
        )
    except discord.Forbidden:
        await tell(interaction, CANNOT_POST)
        return
    await tell(interaction, f"Answered in a reply: {sent.jump_url}")


async def delete_answer(interaction: discord.Interaction) -> None:
    """🗑: acknowledged as an update of the answer itself (so `@original` is the answer),
    then, for the asker or a moderator, the answer is deleted and its record forgotten."""
    await interaction.response.defer()
    await saving(interaction, "The deletion", lambda: _delete(interaction))


async def _delete(interaction: discord.Interaction) -> None:
    bot = bot_of(interaction)
    message, scope = interaction.message, scope_of(interaction)
    if message is None:
        return
    sent = await bot.stored(bot.store.sent_answer, message.id, scope)
    if sent is None and await bot.stored(bot.store.answer_scope, message.id) not in (None, scope):
        # Discord never sends this; a forged interaction must not act with this server's
        # permissions on another server's answer.
        await tell(interaction, NOT_HERE)
        return
    if not may_delete(sent, interaction.user.id, is_moderator(interaction)):
        await tell(interaction, NOT_YOURS)
        return
    await interaction.delete_original_response()
    if sent is not None:
        await bot.stored(bot.store.forget_answer, message.id, scope)
    log.info("answer %s deleted by %s", message.id, interaction.user.id)
