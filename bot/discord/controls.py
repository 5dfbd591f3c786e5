"""The buttons under the bot's messages as Discord sees them: their custom ids, which are the
contract between a message sent and the feature that handles its clicks, and their looks.

Messages are built from these plain buttons (`bot.discord.render` imports nothing that acts);
each feature's cog registers a `DynamicItem` whose template is one of these patterns, so a
click works on any message, also one sent before a restart, and no per-message view is kept
in memory. The item's callback reaches its cog through `interaction.client.get_cog(...)`.
"""

from __future__ import annotations

import discord

VOTE = r"quotebot:vote:(?P<way>up|down)"
PIN = r"quotebot:pin"
DELETE = r"quotebot:delete"
SOLVED = r"quotebot:solved"
PAGE = r"quotebot:pinned:(?P<page>[0-9]{1,6}):(?P<side>prev|next)"


def vote_button(way: str) -> discord.ui.Button:
    """👍 (`way` "up") or 👎 ("down")."""
    up = way == "up"
    return discord.ui.Button(
        emoji="👍" if up else "👎",
        style=discord.ButtonStyle.secondary,
        custom_id=f"quotebot:vote:{'up' if up else 'down'}",
    )


def pin_button() -> discord.ui.Button:
    return discord.ui.Button(
        emoji="📌", label="Pin", style=discord.ButtonStyle.secondary, custom_id=PIN
    )


def delete_button() -> discord.ui.Button:
    return discord.ui.Button(emoji="🗑️", style=discord.ButtonStyle.secondary, custom_id=DELETE)


def solved_button(done: bool = False) -> discord.ui.Button:
    """✅ Solved, for a forum post's poster and moderators; greyed out once used."""
    return discord.ui.Button(
        emoji="✅",
        label="Solved" if done else "Mark solved",
        style=discord.ButtonStyle.success,
        custom_id=SOLVED,
        disabled=done,
    )


def page_button(page: int, side: str, disabled: bool) -> discord.ui.Button:
    """◀ or ▶ of a paged list; its id carries the page it shows (`side` keeps the two ids of
    one message distinct)."""
    return discord.ui.Button(
        emoji="◀️" if side == "prev" else "▶️",
        style=discord.ButtonStyle.secondary,
        custom_id=f"quotebot:pinned:{max(page, 0)}:{side}",
        disabled=disabled,
    )
