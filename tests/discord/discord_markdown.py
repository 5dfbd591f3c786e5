"""What Discord would make live in a piece of Markdown: masked links, mentions, bare and
angle-bracket URLs, and code spans. Written for the tests, independently of the bot's
escaping (`bot/discord/markdown.py`), after Discord's parser (simple-markdown's rules as
Discord's client uses them):

- A backslash before any character that is not a letter, digit or whitespace makes that
  character literal, and the pair is consumed as one; elsewhere a backslash is itself.
- A masked link starts at a literal `[` and has the form `[text](url)` (simple-markdown's
  `link` rule: brackets may nest once in the text, parentheses once in the URL, the URL may be
  wrapped in `<…>` and followed by a quoted title). Discord shows only http(s) ones as links;
  this reader counts every match, to be safe.
- Mentions and their kin start at a literal `<`: `<@id>`, `<@!id>`, `<@&id>`, `<#id>`,
  `</name:id>`, `<:emoji:id>`, `<a:emoji:id>`, `<t:unix:style>`, `<id:guide>`; and
  `@everyone` / `@here` anywhere (counted even after a backslash: whether Discord honours that
  escape in embeds is not documented, so only a character between `@` and the word counts).
- `<scheme://…>` and a bare `scheme://…` are live links (Discord links http(s); any scheme is
  counted here).
- Backticks open and close code; an odd number of literal backticks leaves one open.

The reader is deliberately stricter than Discord: it never lets a code span hide a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LINK_TEXT = r"(?:\[[^\]]*\]|[^\[\]]|\](?=[^\[]*\]))*"
_LINK_HREF = r"\s*<?((?:\([^)]*\)|[^\s\\]|\\.)*?)>?(?:\s+['\"][\s\S]*?['\"])?\s*"
MASKED_LINK = re.compile(rf"\[({_LINK_TEXT})\]\({_LINK_HREF}\)")
ANGLED = re.compile(
    r"<(?:@!?\d+|@&\d+|#\d+|/[^\s:>]+(?: [^\s:>]+)*:\d+|a?:\w+:\d+|t:-?\d+(?::[tTdDfFR])?"
    r"|id:\w+)>"
)
ANGLED_URL = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*://[^\s>]+)>")
BARE_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s<]+")
EVERYONE = re.compile(r"@(?:everyone|here)")


@dataclass
class Live:
    """Everything live in one piece of text."""

    masked_links: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    backticks: int = 0

    @property
    def code_balanced(self) -> bool:
        return self.backticks % 2 == 0


def read(text: str) -> Live:
    """Scan `text` left to right as Discord's parser would, collecting what is live."""
    live = Live(mentions=EVERYONE.findall(text))
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and not (text[i + 1].isalnum() or text[i + 1].isspace()):
            i += 2
            continue
        if c == "`":
            live.backticks += 1
        elif c == "[" and (m := MASKED_LINK.match(text, i)):
            live.masked_links.append(m.group(0))
        elif c == "<" and (m := ANGLED.match(text, i)):
            live.mentions.append(m.group(0))
            i = m.end()
            continue
        elif c == "<" and (m := ANGLED_URL.match(text, i)):
            live.urls.append(m.group(1))
            i = m.end()  # Discord consumes the whole autolink
            continue
        elif c.isalpha() and (m := BARE_URL.match(text, i)):
            # Discord's text rule stops before any `word:`, so a link may start mid-word.
            live.urls.append(m.group(0))
            i = m.end()
            continue
        i += 1
    return live


def rendered_parts(payload: dict) -> list[str]:
    """The parts of a message payload Discord renders as Markdown: content, and each embed's
    title, description, field names and values. (Footers and author names are plain text on
    Discord: no Markdown, no mentions.)"""
    parts = [payload.get("content") or ""]
    for embed in payload.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for f in embed.get("fields") or []:
            parts += [f.get("name") or "", f.get("value") or ""]
    return [p for p in parts if p]
