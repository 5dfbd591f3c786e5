"""How every feature answers an interaction: who may act (moderators, admins), where it comes
from (its scope), and replying within Discord's rules (3 seconds to acknowledge, the first
follow-up after a defer *is* the original response, failures told in one ephemeral line).

Infrastructure shared by the extensions under `bot.exts`; it knows no feature.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any, ClassVar, Self, cast

import discord
from discord import app_commands

from bot.discord import render
from bot.discord.ranges import OutOfRange
from bot.discord.store import DATABASE_ERRORS, DM_SCOPE

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot
    from bot.discord.settings import Effective

log = logging.getLogger(__name__)
UNEXPECTED = "Sorry, something went wrong while answering. The details are in the bot's log."
STOPPING = "The bot is restarting; please try again in a minute."
ANSWERED = "quotebot:answered"  # in `interaction.extras` once a follow-up went out
FOR_MODERATORS = "This is for moderators (Manage Messages permission)."
FOR_ADMINS = "This is for server admins (Manage Server permission)."


class NotAdmin(app_commands.CheckFailure):
    """The member lacks Manage Server, which every /settings command needs."""


def bot_of(interaction: discord.Interaction) -> QuoteBot:
    return cast("QuoteBot", interaction.client)


def scope_of(interaction: discord.Interaction) -> int:
    """The server an interaction comes from; direct messages are a scope of their own."""
    return interaction.guild_id or DM_SCOPE


def settings_of(interaction: discord.Interaction) -> Effective:
    """The settings in force where the interaction comes from: the server's own choices over
    the bot's defaults (in memory: no database call)."""
    return bot_of(interaction).settings_in(interaction.guild_id)


def ask_cooldown(interaction: discord.Interaction) -> app_commands.Cooldown:
    """Per-user cooldown of questions: the server's own (/settings cooldown), else
    ASK_COOLDOWN_RATE per ASK_COOLDOWN_SECONDS."""
    chosen = settings_of(interaction)
    return app_commands.Cooldown(chosen.cooldown_rate, chosen.cooldown_seconds)


def cooldown_key(interaction: discord.Interaction) -> Hashable:
    """One bucket per user and server, and a new one when the server changes its cooldown
    (discord.py keeps a bucket until its window passes)."""
    chosen = settings_of(interaction)
    return (
        scope_of(interaction),
        interaction.user.id,
        chosen.cooldown_rate,
        chosen.cooldown_seconds,
    )


def channels_here(interaction: discord.Interaction) -> set[int] | None:
    """The ids of the channels of the server an interaction comes from (None in a DM)."""
    guild = interaction.guild
    return None if guild is None else {c.id for c in guild.channels}


def is_moderator(interaction: discord.Interaction) -> bool:
    """Moderators are members allowed to manage messages in the channel."""
    return interaction.guild is not None and interaction.permissions.manage_messages


def is_admin(interaction: discord.Interaction) -> bool:
    """Server admins are members allowed to manage the server."""
    return interaction.guild is not None and interaction.permissions.manage_guild


def require_moderator(interaction: discord.Interaction) -> bool:
    """An app command check: enforced on every call, whatever the server's command settings."""
    if not is_moderator(interaction):
        raise app_commands.MissingPermissions(["manage_messages"])
    return True


def require_admin(interaction: discord.Interaction) -> bool:
    """An app command check for /settings, enforced on every call."""
    if not is_admin(interaction):
        raise NotAdmin(FOR_ADMINS)
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
        return FOR_MODERATORS
    if isinstance(error, NotAdmin):
        return FOR_ADMINS
    if isinstance(error, OutOfRange):
        return str(error)
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return UNEXPECTED


ALREADY_ACKNOWLEDGED = 40060  # Discord's error code for a second response to an interaction


def taken_elsewhere(error: BaseException) -> bool:
    """Whether an interaction failed only because another session of its shard answered it
    first (two processes briefly serve one shard during a hand-over; Discord accepts one
    response): nothing to tell, nothing went wrong."""
    original = getattr(error, "original", error)
    return isinstance(original, discord.HTTPException) and original.code == ALREADY_ACKNOWLEDGED


async def guarded(interaction: discord.Interaction, work: Awaitable[None]) -> None:
    """Run a button's action: a failure is logged in full and told to the user in one line."""
    try:
        await work
    except Exception as exc:
        if taken_elsewhere(exc):
            log.info("component %s was answered by another session", interaction.id)
            return
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


async def acknowledged(
    interaction: discord.Interaction, what: str, work: Callable[[], Awaitable[None]]
) -> None:
    """Acknowledge at once (an ephemeral "thinking…"), well inside Discord's 3 seconds, and
    only then do `work`, whose database calls may wait for another process's write lock;
    the outcome follows up. A database failure is told as `what` not being saved."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    await saving(interaction, what, work)


async def saving(
    interaction: discord.Interaction, what: str, work: Callable[[], Awaitable[None]]
) -> None:
    """`work` (already acknowledged) as one of the bot's jobs; a database failure is logged
    and told as `what` not being saved."""
    try:
        await in_flight(interaction, work)
    except DATABASE_ERRORS:
        log.exception("%s could not be saved (interaction %s)", what, interaction.id)
        await tell(
            interaction,
            f"{what} could not be saved: the database is busy or unavailable. Please try again.",
        )


class CogButton(discord.ui.DynamicItem[discord.ui.Button], template=r"(?!)"):
    """A persistent button whose click is handled by a method of its area's cog, reached
    through `interaction.client.get_cog` (the button never imports the code it triggers).
    Subclasses give the `template` (one of `bot.discord.controls`' patterns), the cog's name
    and the method's; the method gets the interaction and the template's named groups. This
    base's own template matches nothing: only subclasses are registered."""

    cog: ClassVar[str]
    handler: ClassVar[str]

    def __init__(self, button: discord.ui.Button, **fields: str) -> None:
        super().__init__(button)
        self.fields = fields

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str], /
    ) -> Self:
        return cls(**match.groupdict())

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = interaction.client.get_cog(self.cog)  # type: ignore[attr-defined]
        if cog is None:  # its extension is being reloaded, or was unloaded
            await tell(interaction, "This button does not work right now; try again soon.")
            return
        await guarded(interaction, getattr(cog, self.handler)(interaction, **self.fields))
