"""Moderator pins: "Pin answer" / "Unpin answer" message menus and the 📌 button. A pinned
answer is pinned in the channel and served first to later questions that match it."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import actions
from bot.discord.controls import PinButton

MODERATORS = discord.Permissions(manage_messages=True)


def moderator_menu(name: str, callback: object) -> app_commands.ContextMenu:
    """A message menu hidden from non-moderators by default, and checked on every use."""
    menu = app_commands.ContextMenu(name=name, callback=callback)  # type: ignore[arg-type]
    menu.default_permissions = MODERATORS
    menu.guild_only = True
    menu.add_check(actions.require_moderator)
    return menu


class Pins(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.menus = [
            moderator_menu("Pin answer", self.pin),
            moderator_menu("Unpin answer", self.unpin),
        ]

    async def pin(self, interaction: discord.Interaction, message: discord.Message) -> None:
        await actions.pin_answer(interaction, message)

    async def unpin(self, interaction: discord.Interaction, message: discord.Message) -> None:
        await actions.unpin_answer(interaction, message)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PinButton)
        for menu in self.menus:
            self.bot.tree.add_command(menu)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PinButton)
        for menu in self.menus:
            self.bot.tree.remove_command(menu.name, type=menu.type)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Pins(bot))
