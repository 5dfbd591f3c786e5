"""The permissions the bot needs in a server, feature by feature: the invite link asks for
all of them (README, "Create the Discord application"); a feature that lacks its own in a
channel leaves out what needs it (📌 is shown only where the bot may pin)."""

from __future__ import annotations

import discord

FEATURES: dict[str, discord.Permissions] = {
    "every answer (/ask, mentions, replies, forum posts)": discord.Permissions(
        view_channel=True, send_messages=True, embed_links=True, read_message_history=True
    ),
    "mention mode's threads, and answers inside threads and forum posts": discord.Permissions(
        create_public_threads=True, send_messages_in_threads=True
    ),
    "📌 pins (Pin answer, /answers remove unpins too)": discord.Permissions(manage_messages=True),
    "✅ Solved on a forum post (tagging and closing it)": discord.Permissions(manage_threads=True),
    "/answers unanswered exported as a file": discord.Permissions(attach_files=True),
}


def invite_permissions() -> discord.Permissions:
    """Every feature's permissions together: what the invite link asks for."""
    needed = discord.Permissions.none()
    for permissions in FEATURES.values():
        needed |= permissions
    return needed
