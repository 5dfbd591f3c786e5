"""What happens when someone asks, pins, unpins or votes: the Discord side of each action,
shared by slash commands, context menus, buttons and mention mode. The work itself is in
`bot.discord.service`; these functions answer the interaction and log what went wrong."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands

from bot.discord import limits, render
from bot.discord.store import DM_SCOPE

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot

log = logging.getLogger(__name__)
UNEXPECTED = "Sorry, something went wrong while answering. The details are in the bot's log."
NOT_SAVED = (
    "Your answer is shown, but it could not be saved, so it can't be pinned or rated. "
    "The details are in the bot's log."
)
STOPPING = "The bot is restarting; please try again in a minute."
ANSWERED = "quotebot:answered"  # in `interaction.extras` once a follow-up went out


def bot_of(interaction: discord.Interaction) -> QuoteBot:
    return cast("QuoteBot", interaction.client)


def scope_of(interaction: discord.Interaction) -> int:
    """The server an interaction comes from; direct messages are a scope of their own."""
    return interaction.guild_id or DM_SCOPE


def is_moderator(interaction: discord.Interaction) -> bool:
    """Moderators are members allowed to manage messages in the channel."""
    return interaction.guild is not None and interaction.permissions.manage_messages


def require_moderator(interaction: discord.Interaction) -> bool:
    """An app command check: enforced on every call, whatever the server's command settings."""
    if not is_moderator(interaction):
        raise app_commands.MissingPermissions(["manage_messages"])
    return True


async def respond(
    interaction: discord.Interaction, message: render.OutgoingMessage, ephemeral: bool = False
) -> discord.Message | None:
    """Answer the interaction, or follow up when it was already answered (deferred). After a
    defer, Discord makes the first follow-up the original response (with the defer's
    ephemerality): `shown` tells error handling that deleting `@original` would delete it."""
    kwargs: dict[str, Any] = message.send_kwargs()
    if interaction.response.is_done():
        sent = await interaction.followup.send(ephemeral=ephemeral, wait=True, **kwargs)
        interaction.extras[ANSWERED] = True
        return sent
    await interaction.response.send_message(ephemeral=ephemeral, **kwargs)
    return None


def shown(interaction: discord.Interaction) -> bool:
    """Whether a follow-up already went out: the original response is then an answer."""
    return bool(interaction.extras.get(ANSWERED))


async def tell(interaction: discord.Interaction, text: str) -> None:
    """A short ephemeral note to the user who acted."""
    await respond(interaction, render.notice(text), ephemeral=True)


def friendly_error(error: app_commands.AppCommandError) -> str:
    """What the user is told; anything unexpected is logged in full by the caller."""
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"You're asking quickly: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.MissingPermissions):
        return "This is for moderators (Manage Messages permission)."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return UNEXPECTED


async def guarded(interaction: discord.Interaction, work: Awaitable[None]) -> None:
    """Run a button's action: a failure is logged in full and told to the user in one line."""
    try:
        await work
    except Exception:
        log.exception("component %s failed", interaction.data)
        with contextlib.suppress(discord.HTTPException):
            await tell(interaction, UNEXPECTED)


async def in_flight(interaction: discord.Interaction, work: Callable[[], Awaitable[None]]) -> None:
    """Run an action that writes as one of the bot's jobs (stopping waits for it to finish);
    once the bot is stopping, turn it away with a note instead."""
    bot = bot_of(interaction)
    if bot.stopping:
        await tell(interaction, STOPPING)
        return
    async with bot.job():
        await work()


async def answer_interaction(interaction: discord.Interaction, question: str) -> None:
    """/ask: defer at once (the 3-second window), answer off the loop, then follow up."""
    await in_flight(interaction, lambda: _answer_interaction(interaction, question))


async def _answer_interaction(interaction: discord.Interaction, question: str) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer(thinking=True)
    scope = scope_of(interaction)
    reply = await bot.reply(question, scope)
    sent = await respond(interaction, render.answer_message(reply))
    if sent is not None and not await bot.remember(sent, reply, scope):
        # The answer stays: it is right, only pins and votes on it will not work.
        await tell(interaction, NOT_SAVED)


async def fact_interaction(interaction: discord.Interaction, query: str) -> None:
    """/fact: defer at once, look up off the loop, then follow up with the card."""
    await interaction.response.defer(thinking=True)
    result = await bot_of(interaction).fact(query)
    await respond(interaction, render.fact_message(result))


async def answer_mention(bot: QuoteBot, message: discord.Message, question: str) -> None:
    """Mention mode: answer in a thread on the asking message (or in the thread it is in);
    where the bot may not start a thread, reply in the channel instead. Not while stopping:
    the question stays in the channel, to be asked again."""
    if bot.stopping:
        return
    async with bot.job():
        await _answer_mention(bot, message, question)


async def _answer_mention(bot: QuoteBot, message: discord.Message, question: str) -> None:
    scope = message.guild.id if message.guild else DM_SCOPE
    reply = await bot.reply(question, scope)
    outgoing = render.answer_message(reply).send_kwargs()
    sent: discord.Message | None = None
    if isinstance(message.channel, discord.TextChannel):
        name = limits.trim(" ".join(question.split()), limits.THREAD_NAME)
        try:
            thread = await message.create_thread(name=name)
            sent = await thread.send(**outgoing)
        except discord.Forbidden:
            log.warning("no permission to start a thread in %s; replying there", message.channel)
    if sent is None:
        sent = await message.reply(**outgoing)
    await bot.remember(sent, reply, scope)


async def acknowledged(
    interaction: discord.Interaction, what: str, work: Callable[[], Awaitable[None]]
) -> None:
    """Acknowledge at once (an ephemeral "thinking…"), well inside Discord's 3 seconds, and
    only then do `work`, whose database calls may wait for another process's write lock;
    the outcome follows up. A database failure is told as `what` not being saved."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        await in_flight(interaction, work)
    except sqlite3.Error:
        log.exception("%s could not be saved (interaction %s)", what, interaction.id)
        await tell(
            interaction,
            f"{what} could not be saved: the database is busy or unavailable. Please try again.",
        )


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


async def vote(interaction: discord.Interaction, value: int) -> None:
    await acknowledged(interaction, "Your vote", lambda: _vote(interaction, value))


async def _vote(interaction: discord.Interaction, value: int) -> None:
    bot = bot_of(interaction)
    message, scope = interaction.message, scope_of(interaction)
    if message is None or await bot.stored(bot.store.sent_answer, message.id, scope) is None:
        await tell(interaction, "This answer is no longer on record, so it can't be rated.")
        return
    changed = await bot.stored(bot.store.vote, message.id, scope, interaction.user.id, value)
    thumb = "👍" if value > 0 else "👎"
    await tell(
        interaction,
        f"Your vote is now {thumb}." if changed else f"Thanks: your {thumb} is recorded.",
    )
