"""Forum posts as plain functions: what a post asks, which tag says it is solved, and the
answer's buttons once it is."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.discord import controls

MAX_APPLIED_TAGS = 5  # Discord's limit on a post's tags
SOLVED_NAMES = {"solved", "resolved", "answered", "done"}
SOLVED_EMOJI = "✅"


def post_question(title: str, body: str) -> str:
    """A post's question: its title, then its text when the bot can read it (Discord sends
    the text without the Message Content intent only when the post mentions the bot)."""
    return " ".join(part for part in (title.strip(), body.strip()) if part)


def is_forum_post(channel: object) -> bool:
    return isinstance(channel, discord.Thread) and isinstance(channel.parent, discord.ForumChannel)


def solved_tags(
    available: Sequence[discord.ForumTag], applied: Sequence[discord.ForumTag]
) -> list[discord.ForumTag]:
    """The post's tags plus the forum's "Solved" tag (by name, or the ✅ emoji) when it has
    one and there is room; the post's tags unchanged otherwise."""
    tags = list(applied)
    solved = next(
        (
            t
            for t in available
            if t.name.strip().casefold() in SOLVED_NAMES or str(t.emoji or "") == SOLVED_EMOJI
        ),
        None,
    )
    if solved is not None and solved not in tags and len(tags) < MAX_APPLIED_TAGS:
        tags.append(solved)
    return tags


def solved_view(message: discord.Message) -> discord.ui.View:
    """The answer's buttons as they were, with ✅ greyed out and saying "Solved"."""
    view = discord.ui.View.from_message(message, timeout=None)
    for item in list(view.children):
        if isinstance(item, discord.ui.Button) and item.custom_id == controls.SOLVED:
            done = controls.solved_button(done=True)
            done.row = item.row
            view.remove_item(item)
            view.add_item(done)
    return view
