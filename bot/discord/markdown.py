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
from bot.quote_markup import Piece

_ANYWHERE = re.compile(r"[\\*_~`|\[\]<]")
_SCHEME_SLASH = re.compile(r"(?<=:)/")
_EVERYONE = re.compile(r"@(?=everyone|here)")
_LINE_MARKUP = re.compile(r"^([ \t]*)(?=>|#{1,3}[ \t]|-#[ \t]|[-+][ \t])", re.M)
_ORDERED_ITEM = re.compile(r"^([ \t]*\d+)(?=[.)][ \t])", re.M)
_SAFE_CODE = re.compile(r"[\w .\-]+")
_LANGUAGE = re.compile(r"[\w+#-]{1,20}")
_FENCE = "```"
CODE_CUT = "(code cut short: the whole block is in the source)"


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


# A backtick followed by another: where a zero-width space keeps them from being a fence.
_BACKTICK_RUN = re.compile(r"`(?=`)")


def rich_quote(parts: list[Piece], limit: int) -> str:
    """A quote read into pieces (bot/quote_markup.py) as a Discord block quote of at most
    `limit` characters: text escaped as `escape` does, inline code and code blocks shown as
    code (fences balanced, a long block cut at a line with a note), a link as its text and
    its target, never clickable. Too long, it ends at a sentence or a line with "…"."""
    parts = _text_runs(parts)
    if all(piece.kind == "text" for piece in parts):
        return block_quote(_plain(parts), limit)
    budget = limit
    while True:
        lines = _pieces_markdown(parts, max(budget, 1)).split("\n")
        rendered = "\n".join(f"> {line}" if line else ">" for line in lines)
        if len(rendered) <= limit or budget <= 1:
            return rendered if len(rendered) <= limit else block_quote(_plain(parts), limit)
        budget -= len(rendered) - limit


def _text_runs(parts: list[Piece]) -> list[Piece]:
    """The pieces with each run of those shown as text (text, a link as its text and target,
    code that no code span can hold) joined into one text piece, escaped as one: escaped
    apart, "@" and "everyone", or "https:" and "//evil.example", would meet live."""
    out: list[Piece] = []
    for piece in parts:
        shown = _as_text(piece)
        if shown is None:
            out.append(piece)
        elif out and out[-1].kind == "text":
            out[-1] = Piece("text", out[-1].text + shown)
        else:
            out.append(Piece("text", shown))
    return out


def _as_text(piece: Piece) -> str | None:
    """What a piece shows as plain text, or None for code shown as code."""
    if piece.kind == "text":
        return piece.text
    if piece.kind == "link":
        text, target = piece.text.strip(), (piece.target or "").strip()
        return target if not text or text == target else f"{text} ({target})"
    if piece.kind == "code" and "``" in " ".join(piece.text.split()):
        return " ".join(piece.text.split())  # Discord has no longer delimiter: shown as text
    return None


def _plain(parts: list[Piece]) -> str:
    return "".join(p.text for p in parts)


def _pieces_markdown(parts: list[Piece], budget: int) -> str:
    """The pieces as Discord Markdown in about `budget` characters (block-quote marks not
    counted): whole pieces while they fit, then the one that does not, cut."""
    out: list[str] = []
    used = 0
    for piece in parts:
        shown = _piece_markdown(piece)
        if out and out[-1].endswith("`") and shown.startswith("`"):
            shown = "\u200b" + shown  # two code spans in a row stay two spans
        if used + len(shown) <= budget:
            out.append(shown)
            used += len(shown)
            continue
        room = budget - used
        if piece.kind == "text":
            out.append(escape(limits.trim(piece.text, max(room, 1))))
        elif piece.kind == "block":
            out.append(_code_block(piece, room))
        else:
            out.append(limits.ELLIPSIS)
        break
    shown = "".join(out)
    return shown[1:] if parts[0].kind == "block" else shown  # no empty line before a block


def _piece_markdown(piece: Piece) -> str:
    if piece.kind == "text":
        return escape(piece.text)
    if piece.kind == "code":
        return _inline_code(piece.text)
    return _code_block(piece, None)


def _inline_code(text: str) -> str:
    """Inline code that no backtick in it can end early: double backticks around one (code
    with two in a row is shown as text: `_as_text`)."""
    text = " ".join(text.split())
    if not text:
        return ""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _code_block(piece: Piece, room: int | None) -> str:
    """A fenced block on lines of its own; every run of backticks inside it is broken by
    zero-width spaces, so no fence of any length can close the block. With `room`, only the
    lines that fit, then "…" and a note."""
    language = piece.target if piece.target and _LANGUAGE.fullmatch(piece.target) else ""
    body = _BACKTICK_RUN.sub("`\u200b", piece.text).rstrip("\n")  # no "```" of any length
    lines = body.split("\n")
    if room is not None:
        frame = len(_FENCE) * 2 + len(language) + 4 + len(CODE_CUT) + 2
        kept: list[str] = []
        for line in lines:
            if sum(len(k) + 1 for k in kept) + len(line) + 1 > room - frame:
                break
            kept.append(line)
        if len(kept) < len(lines):
            body = "\n".join([*kept, limits.ELLIPSIS])
            return f"\n{_FENCE}{language}\n{body}\n{_FENCE}\n{CODE_CUT}"
    return f"\n{_FENCE}{language}\n{body}\n{_FENCE}\n"
