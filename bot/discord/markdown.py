"""Source and user text made literal for Discord Markdown: escaped, block-quoted, trimmed.
Shared by every message builder, so a quote reads the same in /ask, /fact and mentions.

`escape` is the one place text from a user or a source is made inert. It does not use
`discord.utils.escape_markdown`, which escapes only the first `[` of a `[..](..)…)` match and
leaves a second masked link on the line clickable. Instead every character that can open
Markdown anywhere on a line is escaped wherever it is, and those that open it only at the
start of a line are escaped there:

- `\\ * _ ~ ` | [ ] <` always: emphasis, underline, strike-through, code, spoilers, masked
  links (no `[` is left to open one), and every `<…>` form (mentions `<@id>` `<@&id>` `<#id>`,
  `</command:id>`, emoji, timestamps, `<url>` links);
- the first `/` after a `:`, so no `scheme://` is left to auto-link (or to embed a preview);
- `@everyone` and `@here` get a zero-width space after the `@` (mentions are off anyway);
- at the start of a line (after spaces): `>` (quotes), `#`, `##`, `###` and `-#` (headings
  and subtext), `-` and `+` items, and `1.` / `1)` items.

A backslash before such a character is shown as the character alone, so readers see the
text as written. Escaping only ever inserts characters: the text a reader sees is the input.
"""

from __future__ import annotations

import re

from bot.discord import limits

_ANYWHERE = re.compile(r"[\\*_~`|\[\]<]")
_SCHEME_SLASH = re.compile(r"(?<=:)/")
_EVERYONE = re.compile(r"@(?=everyone|here)")
_LINE_MARKUP = re.compile(r"^([ \t]*)(?=>|#{1,3}[ \t]|-#[ \t]|[-+][ \t])", re.M)
_ORDERED_ITEM = re.compile(r"^([ \t]*\d+)(?=[.)][ \t])", re.M)
_SAFE_CODE = re.compile(r"[\w .\-]+")


def escape(text: str) -> str:
    """Text from a source or a user, shown literally: no Markdown, no links, no mentions."""
    escaped = _ANYWHERE.sub(r"\\\g<0>", text)
    escaped = _SCHEME_SLASH.sub(r"\\/", escaped)
    escaped = _EVERYONE.sub("@\u200b", escaped)
    escaped = _ORDERED_ITEM.sub(r"\1\\", escaped)  # "1. x" → "1\. x"
    return _LINE_MARKUP.sub(r"\1\\", escaped)


def code(text: str) -> str:
    """`text` in inline code when it is a plain name (letters, digits, spaces, `.`, `-`,
    `_`), else escaped: a backtick in it would end the code span early."""
    return f"`{text}`" if _SAFE_CODE.fullmatch(text) else escape(text)


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


def one_line(text: str, limit: int) -> str:
    """User or source text on one line (white space folded), trimmed to `limit`, escaped."""
    return escape(limits.trim(" ".join(text.split()), limit))
