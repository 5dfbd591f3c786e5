"""Discord's message limits, and trimming that keeps every message inside them.

discord.py does not check these; Discord rejects the whole message when one is exceeded, so
everything the bot sends passes through `trim` or `fit_embed` and an answer always goes out.
"""

from __future__ import annotations

import re

import discord

CONTENT = 2000
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
EMBED_TOTAL = 6000
BUTTON_LABEL = 80
THREAD_NAME = 100

ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)|\n")


def trim(text: str, limit: int) -> str:
    """`text` if it fits, else its longest prefix ending at a sentence (or failing that a word)
    boundary, plus "…", within `limit` characters."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    room = limit - len(ELLIPSIS)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, room + 1) if m.end() <= room]
    cut = ends[-1] if ends and ends[-1] >= room // 3 else text.rfind(" ", 0, room + 1)
    if cut <= 0:
        cut = room
    return text[:cut].rstrip() + ELLIPSIS


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Trim every part to its own limit, then the description and fields to the total."""
    if embed.title:
        embed.title = trim(embed.title, TITLE)
    if embed.description:
        embed.description = trim(embed.description, DESCRIPTION)
    if embed.author.name:
        embed.set_author(name=trim(embed.author.name, AUTHOR), url=embed.author.url)
    if embed.footer.text:
        embed.set_footer(text=trim(embed.footer.text, FOOTER))
    fields = embed.fields
    embed.clear_fields()
    for field in fields[:FIELDS]:
        embed.add_field(
            name=trim(field.name or "\u200b", FIELD_NAME),
            value=trim(field.value or "\u200b", FIELD_VALUE),
            inline=bool(field.inline),
        )
    # len(embed) counts what Discord counts against the 6,000 total.
    while len(embed) > EMBED_TOTAL and len(embed.fields) > 0:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > EMBED_TOTAL and embed.description:
        over = len(embed) - EMBED_TOTAL
        embed.description = trim(embed.description, max(len(embed.description) - over, 1))
    return embed


def lines_within(lines: list[str], limit: int, more: str = "…and {} more") -> str:
    """Whole lines, as many as fit in `limit` characters with a last line counting those left
    out (`more`, formatted with that count); a first line too long on its own is trimmed."""
    shown: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        tail = 0 if i == len(lines) - 1 else len(more.format(len(lines) - i)) + 1
        if used + len(line) + tail > limit:
            break
        shown.append(line)
        used += len(line) + 1
    if len(shown) < len(lines):
        if not shown:
            shown = [trim(lines[0], max(limit - len(more.format(len(lines))) - 1, 1))]
        shown.append(more.format(len(lines) - len(shown)))
    return trim("\n".join(shown), limit)
