"""The pins area's cog: the moderators' message menus and the 📌 button."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import controls
from bot.discord.interactions import CogButton, require_moderator
from bot.exts.pins import pinning

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot

MODERATORS = discord.Permissions(manage_messages=True)
MenuCallback = Callable[[discord.Interaction, discord.Message], Awaitable[None]]


def moderator_menu(name: str, callback: MenuCallback) -> app_commands.ContextMenu:
    """A message menu hidden from non-moderators by default, and checked on every use."""
    menu = app_commands.ContextMenu(name=name, callback=callback)
    menu.default_permissions = MODERATORS
    menu.guild_only = True
    menu.add_check(require_moderator)
    return menu


class PinButton(CogButton, template=controls.PIN):
    """📌 Pin: for moderators; the same action as the "Pin answer" context menu. Only shown
    where it can be used (see `render.Controls`)."""

    cog, handler = "Pins", "pin_button"

    def __init__(self) -> None:
        super().__init__(controls.pin_button())


class Pins(commands.Cog):
    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot
        self.menus = [
            moderator_menu("Pin answer", self.pin),
            moderator_menu("Unpin answer", self.unpin),
        ]

    async def pin(self, interaction: discord.Interaction, message: discord.Message) -> None:
        await pinning.pin_answer(interaction, message)

    async def unpin(self, interaction: discord.Interaction, message: discord.Message) -> None:
        await pinning.unpin_answer(interaction, message)

    async def pin_button(self, interaction: discord.Interaction) -> None:
        if interaction.message is not None:
            await pinning.pin_answer(interaction, interaction.message)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PinButton)
        for menu in self.menus:
            self.bot.tree.add_command(menu)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PinButton)
        for menu in self.menus:
            self.bot.tree.remove_command(menu.name, type=menu.type)
