"""Answers posted as channel messages rather than interaction responses (mention mode,
"Answer with quotebot", forum posts): which buttons they get where they land, and recording
them once sent."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.discord import render
from bot.discord.render import Controls
from bot.discord.service import Reply

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot


def bot_may(channel: object, permission: str) -> bool:
    """Whether the bot holds `permission` (a `discord.Permissions` flag name) in `channel`;
    False where it cannot tell or there are none (a direct message)."""
    guild = getattr(channel, "guild", None)
    if guild is None or guild.me is None or not hasattr(channel, "permissions_for"):
        return False
    return bool(getattr(channel.permissions_for(guild.me), permission))


def controls_in(channel: object, solved: bool = False) -> Controls:
    """An answer posted in `channel`: 📌 only where the bot may pin, 🗑 always (the message
    is public), ✅ on a forum post's answer."""
    return Controls(pin=bot_may(channel, "manage_messages"), delete=True, solved=solved)


async def post_answer(
    bot: QuoteBot,
    send: Callable[..., Awaitable[discord.Message]],
    reply: Reply,
    where: Controls,
    scope: int,
    asked_by: int,
    **extra: Any,
) -> discord.Message:
    """Send the answer with `send` (a channel's, thread's or message's `send` or `reply`),
    then record it in `scope` as asked by `asked_by` (a failure to record is logged: the
    answer stays)."""
    sent = await send(**render.answer_message(reply, where).send_kwargs(), **extra)
    await bot.remember(sent, reply, scope, asked_by)
    return sent


def message_question(content: str, bot_id: int) -> str:
    """A message's text as a question: without the bot's mentions (what is being asked)."""
    return re.sub(rf"<@!?{bot_id}>", " ", content).strip()
