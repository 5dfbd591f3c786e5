"""The buttons under every answer. They are `DynamicItem`s: the custom id carries what a click
means, so clicks work on any answer, also after a restart, and no per-message view is kept in
memory. Their callbacks are thin: the work is in `bot.discord.actions`."""

from __future__ import annotations

import re

import discord

from bot.discord import actions

VOTE_UP, VOTE_DOWN = "quotebot:vote:up", "quotebot:vote:down"
PIN = "quotebot:pin"


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"quotebot:vote:(?P<way>up|down)"
):
    """👍 / 👎 feedback: one vote per user per answer."""

    def __init__(self, way: str) -> None:
        up = way == "up"
        super().__init__(
            discord.ui.Button(
                emoji="👍" if up else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=VOTE_UP if up else VOTE_DOWN,
            ),
            row=0,
        )
        self.way = way

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str], /
    ) -> VoteButton:
        return cls(match["way"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await actions.guarded(interaction, actions.vote(interaction, 1 if self.way == "up" else -1))


class PinButton(discord.ui.DynamicItem[discord.ui.Button], template=r"quotebot:pin"):
    """📌 Pin: for moderators; the same action as the "Pin answer" context menu."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="📌", label="Pin", style=discord.ButtonStyle.secondary, custom_id=PIN
            ),
            row=0,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str], /
    ) -> PinButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        if interaction.message is not None:
            await actions.guarded(interaction, actions.pin_answer(interaction, interaction.message))
