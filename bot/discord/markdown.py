"""Source and user text made literal for Discord Markdown: escaped, block-quoted, trimmed.
Shared by every message builder, so a quote reads the same in /ask, /fact and mentions."""

from __future__ import annotations

import re

import discord

from bot.discord import limits

# Line openings that Discord reads as block structure even after `escape_markdown`.
_LINE_MARKUP = re.compile(r"^(?=#{1,3} |-# |>|[-*+] )", re.M)
_ORDERED_ITEM = re.compile(r"^(\d+)(?=[.)] )", re.M)
# `escape_markdown` escapes " - item" as "\ - item", which Discord shows with the backslash.
_MISPLACED_ESCAPE = re.compile(r"^\\(\s+)-", re.M)


def escape(text: str) -> str:
    """Text from a source or a user, shown literally: no Markdown, no mentions, no headings."""
    escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    escaped = _MISPLACED_ESCAPE.sub(r"\1\\-", escaped)
    escaped = _ORDERED_ITEM.sub(r"\1\\", escaped)  # "1. x" → "1\. x"
    return _LINE_MARKUP.sub("\\\\", escaped)


def block_quote(quote: str, limit: int) -> str:
    """The quote as an escaped Markdown block quote of at most `limit` characters, trimmed at a
    sentence boundary when it is too long (escaping makes the text longer, hence the loop)."""
    budget = limit
    while True:
        shown = limits.trim(quote, max(budget, 1))
        lines = escape(shown).split("\n")
        rendered = "\n".join(f"> {line}" if line else ">" for line in lines)
        if len(rendered) <= limit or budget <= 1:
            return rendered[:limit]
        budget -= len(rendered) - limit
