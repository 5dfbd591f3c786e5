"""The settings area's cog: the /settings group, for server admins (Manage Server, checked
on every use). Each change is acknowledged first, saved on the store thread, then shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import pages
from bot.discord.interactions import acknowledged, channels_here, require_admin, respond
from bot.discord.ranges import InRange
from bot.discord.settings import (
    MAX_COOLDOWN_RATE,
    MAX_COOLDOWN_SECONDS,
    MAX_RETENTION_DAYS,
    ServerSettings,
)
from bot.exts.settings.changes import RESETTABLE, changed, defaults_for, toggle_channel

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


def here_of(interaction: discord.Interaction) -> set[int]:
    """This server's channel ids (the group is guild-only)."""
    return channels_here(interaction) or set()


RESETS = [app_commands.Choice(name=n.replace("_", " "), value=n) for n in RESETTABLE]


class Settings(commands.Cog):
    settings = app_commands.Group(
        name="settings",
        description="Server admins: how the bot works in this server.",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot

    def own(self, interaction: discord.Interaction) -> ServerSettings:
        assert interaction.guild_id is not None  # the group is guild-only
        return self.bot.store.server_settings(interaction.guild_id)

    async def save(self, interaction: discord.Interaction, new: ServerSettings) -> None:
        """Acknowledge, save on the store thread, then show what is now in force."""

        async def work() -> None:
            guild = interaction.guild_id
            assert guild is not None
            await self.bot.stored(
                self.bot.store.set_server_settings, guild, new, interaction.user.id
            )
            chosen = self.bot.settings_in(guild)
            page = pages.settings_message(chosen, here_of(interaction), saved=True)
            await respond(interaction, page, ephemeral=True)

        await acknowledged(interaction, "The settings", work)

    async def toggle(
        self, interaction: discord.Interaction, field: str, channel_id: int, on: bool
    ) -> None:
        """Add a channel to the server's list `field` (a `ServerSettings` field, whose
        default has the same name in the bot's settings), or remove it, and save."""
        own = self.own(interaction)
        ids = toggle_channel(
            getattr(own, field),
            getattr(self.bot.settings, field),
            here_of(interaction),
            channel_id,
            on,
        )
        await self.save(interaction, changed(own, **{field: ids}))

    @settings.command(name="show", description="What is in force in this server.")
    @app_commands.check(require_admin)
    async def show(self, interaction: discord.Interaction) -> None:
        chosen = self.bot.settings_in(interaction.guild_id)
        await respond(
            interaction, pages.settings_message(chosen, here_of(interaction)), ephemeral=True
        )

    @settings.command(name="answer-channel", description="Answer mentions in a channel, or not.")
    @app_commands.describe(channel="A text channel", answer="Answer mentions there (or stop)")
    @app_commands.check(require_admin)
    async def answer_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel, answer: bool
    ) -> None:
        await self.toggle(interaction, "answer_channel_ids", channel.id, answer)

    @settings.command(name="forum", description="Answer new posts in a forum, or not.")
    @app_commands.describe(forum="A forum channel", answer="Answer its new posts (or stop)")
    @app_commands.check(require_admin)
    async def forum(
        self, interaction: discord.Interaction, forum: discord.ForumChannel, answer: bool
    ) -> None:
        await self.toggle(interaction, "forum_channel_ids", forum.id, answer)

    @settings.command(name="cooldown", description="How many questions a member may ask, how fast.")
    @app_commands.describe(questions="At most this many…", seconds="…per this many seconds")
    @app_commands.check(require_admin)
    async def cooldown(
        self,
        interaction: discord.Interaction,
        questions: InRange[int, 1, MAX_COOLDOWN_RATE],
        seconds: InRange[int, 1, MAX_COOLDOWN_SECONDS],
    ) -> None:
        new = changed(self.own(interaction), cooldown_rate=questions, cooldown_seconds=seconds)
        await self.save(interaction, new)

    @settings.command(name="mention-mode", description='Answer "@quotebot question", or not.')
    @app_commands.describe(on="Answer mentions")
    @app_commands.check(require_admin)
    async def mention_mode(self, interaction: discord.Interaction, on: bool) -> None:
        await self.save(interaction, changed(self.own(interaction), mention_mode=on))

    @settings.command(name="retention", description="How long declined questions are kept.")
    @app_commands.describe(days="Days (older ones are deleted at once)")
    @app_commands.check(require_admin)
    async def retention(
        self, interaction: discord.Interaction, days: InRange[int, 1, MAX_RETENTION_DAYS]
    ) -> None:
        await self.save(interaction, changed(self.own(interaction), retention_days=days))

    @settings.command(name="reset", description="Back to the bot's defaults.")
    @app_commands.describe(setting="Which setting (default: all)")
    @app_commands.choices(setting=RESETS)
    @app_commands.check(require_admin)
    async def reset(
        self, interaction: discord.Interaction, setting: app_commands.Choice[str] | None = None
    ) -> None:
        what = setting.value if setting else "all"
        await self.save(interaction, defaults_for(self.own(interaction), what))
