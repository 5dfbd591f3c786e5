"""The bot's pages about itself, as Discord messages: /help (what it knows, how to ask,
what it won't do) and /settings (what is in force in a server, and whose choice it is)."""

from __future__ import annotations

from collections.abc import Collection

import discord

from bot.discord import limits
from bot.discord.markdown import escape
from bot.discord.render import OutgoingMessage, counted
from bot.discord.service import SourceInfo
from bot.discord.settings import Effective

WONT = (
    "• Answer from anything but these documents, or from memory.\n"
    "• Paraphrase: every answer is quoted word for word, with its source and line.\n"
    "• Pick a side when the sources disagree: it shows each claim and who makes it.\n"
    "• Guess: when the documents don't say, it says so.\n"
    "• Ping anyone: its messages mention no one."
)


def channels(ids: list[int], here: Collection[int], empty: str) -> str:
    """The listed channels of this server as Discord shows them (`<#id>` names a channel, it
    pings no one); `empty` when none are listed, "none in this server" when all listed ones
    are elsewhere (the defaults list channels of every server)."""
    if not ids:
        return empty
    mine = [i for i in ids if i in here]
    return ", ".join(f"<#{i}>" for i in mine) if mine else "none in this server"


def help_message(
    sources: list[SourceInfo], chosen: Effective, here: Collection[int] | None
) -> OutgoingMessage:
    """/help: the documents, the ways to ask that work here (`here`: this server's channel
    ids; None in direct messages), and the limits."""
    embed = discord.Embed(
        title="quotebot",
        description=(
            f"I answer questions from {len(sources)} documents, only with verbatim quotes, "
            "each cited with its title, publisher, date and line."
        ),
        colour=discord.Colour.blurple(),
    )
    ways = [
        "`/ask question:` — add `private: True` for an answer only you see.",
        "`/fact query:` — a figure, date or name: every claim and who makes it.",
    ]
    if here is not None:
        ways.append("**Apps → Answer with quotebot** on a message: I answer it in a reply.")
        listed = chosen.answer_channel_ids
        if chosen.mention_mode and (not listed or set(listed) & set(here)):
            where = channels(listed, here, "any channel")
            ways.append(f"Mention me with your question in {where}: I answer in a thread.")
        if set(chosen.forum_channel_ids) & set(here):
            forums = channels(chosen.forum_channel_ids, here, "")
            ways.append(
                f"New posts in the forum {forums} are answered when the documents hold an answer."
            )
    ways.append(f"At most {chosen.cooldown_rate} questions per {chosen.cooldown_seconds:g} s each.")
    embed.add_field(name="How to ask", value=limits.lines_within(ways, limits.FIELD_VALUE))
    titles = [f"• {escape(limits.trim(s.title, 150))}" for s in sources]
    embed.add_field(
        name="What I know (/sources lists them in full)",
        value=limits.lines_within(titles, limits.FIELD_VALUE) or "No documents are loaded.",
        inline=False,
    )
    embed.add_field(name="What I won't do", value=WONT, inline=False)
    embed.add_field(
        name="Under every answer",
        value=(
            "👍 / 👎 to rate it · 🗑 to delete it (whoever asked, or a moderator) · 📌 for "
            "moderators to pin it: later questions like it get it first. Moderators review "
            "with `/answers`; server admins choose with `/settings`."
        ),
        inline=False,
    )
    return OutgoingMessage(embed=limits.fit_embed(embed))


def settings_message(
    chosen: Effective, here: Collection[int], saved: bool = False
) -> OutgoingMessage:
    """/settings: each setting in force in the server whose channel ids are `here`, marked
    when it is the server's own choice rather than the bot's default."""

    def whose(name: str) -> str:
        return " *(this server's choice)*" if name in chosen.own else " *(default)*"

    lines = [
        "**Mention mode:** " + ("on" if chosen.mention_mode else "off") + whose("mention_mode"),
        "**Answer channels:** "
        + channels(chosen.answer_channel_ids, here, "every channel")
        + whose("answer_channel_ids"),
        "**Forums answered:** "
        + channels(chosen.forum_channel_ids, here, "none")
        + whose("forum_channel_ids"),
        f"**Cooldown:** {counted(chosen.cooldown_rate, 'question')} per "
        f"{chosen.cooldown_seconds:g} s "
        "per member" + whose("cooldown_rate"),
        f"**Declined questions kept:** {chosen.retention_days:g} days" + whose("retention_days"),
    ]
    embed = discord.Embed(
        title="Settings saved" if saved else "Settings of this server",
        description=limits.lines_within(lines, limits.DESCRIPTION),
        colour=discord.Colour.blurple(),
    )
    embed.set_footer(text="Change one with /settings …; /settings reset goes back to the defaults.")
    return OutgoingMessage(embed=limits.fit_embed(embed))
