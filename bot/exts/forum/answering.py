"""Answering a new forum post, and marking it solved."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.discord.interactions import is_moderator, tell
from bot.discord.posting import controls_in, message_question, post_answer
from bot.discord.service import confident
from bot.exts.forum.posts import is_forum_post, post_question, solved_tags, solved_view

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot

log = logging.getLogger(__name__)
STARTER_WAIT = 5.0  # seconds to wait for a post's first message after its thread
NOT_YOURS = "Only the person who posted this (or a moderator) can mark it solved."
NOT_CLOSED = (
    "Marked solved, but I could not close the post or tag it: I need the Manage Threads "
    "permission in this forum."
)


async def starter_message(bot: QuoteBot, thread: discord.Thread) -> discord.Message | None:
    """A post's first message. Discord sends the thread first and the message just after
    (and refuses posts in the thread until it exists), so: from the cache when it came
    already, else waited for (`STARTER_WAIT` seconds), else fetched; None when it never
    came."""
    cached = thread.starter_message
    if cached is not None:
        return cached
    try:
        return await bot.wait_for(
            "message", check=lambda m: m.id == thread.id, timeout=STARTER_WAIT
        )
    except TimeoutError:
        try:
            return await thread.fetch_message(thread.id)
        except discord.NotFound:
            return None


async def answer_post(bot: QuoteBot, thread: discord.Thread) -> None:
    """Answer a new post in its thread, when the answer is confident; else stay silent (the
    question is logged as declined, for /answers unanswered). Not while stopping, nor when
    another process claimed the post first (two sessions on one shard during a hand-over)."""
    if bot.stopping or not await bot.claimed(thread.id):
        return
    async with bot.job():
        starter = await starter_message(bot, thread)
        if starter is None:
            log.warning("forum post %s: its first message never came; not answered", thread.id)
            return
        me = bot.user
        body = message_question(starter.content, me.id) if me else starter.content
        scope = thread.guild.id
        reply = await bot.reply(post_question(thread.name, body), scope)
        if not confident(reply):
            log.info("forum post %s: no confident answer; staying silent", thread.id)
            return
        where = controls_in(thread, solved=True)
        try:
            await post_answer(bot, thread.send, reply, where, scope, thread.owner_id)
        except discord.HTTPException:
            log.exception("could not answer forum post %s", thread.id)


async def mark_solved(interaction: discord.Interaction) -> None:
    """✅: for the poster or a moderator. The button is greyed out at once (that is the
    response), then the post gets the forum's "Solved" tag, if it has one, and is closed
    (archived: a new message from anyone reopens it)."""
    thread = interaction.channel
    if not isinstance(thread, discord.Thread) or not is_forum_post(thread):
        await tell(interaction, "This only works in a forum post.")
        return
    moderator = is_moderator(interaction) or interaction.permissions.manage_threads
    if interaction.user.id != thread.owner_id and not moderator:
        await tell(interaction, NOT_YOURS)
        return
    if interaction.message is not None:
        await interaction.response.edit_message(view=solved_view(interaction.message))
    forum = thread.parent
    assert isinstance(forum, discord.ForumChannel)
    tags = solved_tags(forum.available_tags, thread.applied_tags)
    try:
        await thread.edit(archived=True, applied_tags=tags, reason=f"solved: {interaction.user}")
    except discord.Forbidden:
        await tell(interaction, NOT_CLOSED)
