"""The command tree's error handler, owned by a cog (installed on load, the previous one put
back on unload): the user gets a friendly ephemeral note, the log gets the details."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.interactions import friendly_error, shown, taken_elsewhere, tell
from bot.discord.ranges import OutOfRange

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot

log = logging.getLogger(__name__)


class Errors(commands.Cog):
    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot
        self._previous = bot.tree.on_error

    async def cog_load(self) -> None:
        self.bot.tree.error(self.on_app_command_error)

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous  # type: ignore[method-assign]

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if taken_elsewhere(error):
            log.info("interaction %s was answered by another session", interaction.id)
            return
        if not isinstance(error, app_commands.CheckFailure | OutOfRange):
            log.error("command %r failed", interaction.command, exc_info=error)
        try:
            if (
                interaction.response.type
                == discord.InteractionResponseType.deferred_channel_message
                and not shown(interaction)
            ):
                # The "thinking…" message is public; remove it so the note can be ephemeral.
                # Once a follow-up went out it *is* that message: an answer never deleted.
                await interaction.delete_original_response()
            await tell(interaction, friendly_error(error))
        except discord.HTTPException:
            log.exception("could not tell the user about an error")
