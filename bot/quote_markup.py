"""What a quote's markup means, for faces that can show it: inline code, code blocks, links.

A quote is the source's text as written, so a quote from a Markdown or reStructuredText page
holds that format's markup (`` `x.split()` ``, ``[the docs](https://…)``, ``:func:`len` ``).
A face that showed it escaped would print the backticks and brackets; one that passed it on
would let a source decide what a message does. Instead the quote is read into pieces (plain
text, inline code, a link and its target, a code block and its language) by the format's own
parser, and each face lays the pieces out safely (bot/discord/render.py). The quote itself
is never changed: this is only how it is shown.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

PieceKind = Literal["text", "code", "link", "block"]
# A line break written as HTML inside Markdown (`**Solution**<br>`): shown as one.
_BR = re.compile(r"<br\s*/?>", re.I)


@dataclass(frozen=True)
class Piece:
    """Part of a quote: `text` to show; a link's `target`, or a code block's language."""

    kind: PieceKind
    text: str
    target: str | None = None


def pieces(quote: str, fmt: str, code: list[tuple[int, int]]) -> list[Piece]:
    """The quote as pieces: its code blocks (`code`: spans of the quote) as blocks, the rest
    read by its format's inline markup (plain text for text and HTML, whose quotes are the
    page's visible text)."""
    out: list[Piece] = []
    cursor = 0
    for start, end in sorted(code):
        out.extend(_inline(quote[cursor:start], fmt))
        out.append(_block(quote[start:end], fmt))
        cursor = end
    out.extend(_inline(quote[cursor:], fmt))
    return [p for p in out if p.text]


def _inline(text: str, fmt: str) -> list[Piece]:
    if not text.strip():
        return [Piece("text", text)] if text else []
    if fmt == "markdown":
        return _markdown_inline(text)
    if fmt == "rst":
        return _rst_inline(text)
    return [Piece("text", text)]


def _block(text: str, fmt: str) -> Piece:
    """A code block's content and language: a Markdown fence's lines without its fences."""
    lines = text.split("\n")
    fence = lines[0].lstrip()[:3]
    if fmt == "markdown" and fence in ("```", "~~~"):
        language = lines[0].lstrip().lstrip(fence[0]).strip().split(" ")[0] or None
        body = lines[1:]
        if body and body[-1].strip().startswith(fence):
            body = body[:-1]
        return Piece("block", textwrap.dedent("\n".join(body)), language)
    return Piece("block", textwrap.dedent(text).strip("\n"))


@cache
def _inline_parser() -> MarkdownIt:
    """One CommonMark parser for every quote (building one costs more than a parse), made on
    the first quote from a Markdown source."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def _markdown_inline(text: str) -> list[Piece]:
    parsed = _inline_parser().parseInline(text)
    children = parsed[0].children if parsed and parsed[0].children else []
    out: list[Piece] = []
    link: list[str] | None = None  # the text of the link being read
    target = ""
    for token in children:
        kind = token.type
        if kind == "link_open":
            link, target = [], str(token.attrs.get("href", ""))
        elif kind == "link_close" and link is not None:
            # A link with no text ("[](https://x.test)") shows its address, as an autolink does.
            out.append(Piece("link", "".join(link) or target, target))
            link = None
        elif kind in ("code_inline", "text", "html_inline", "image", "softbreak", "hardbreak"):
            line_break = kind.endswith("break") or _BR.fullmatch(token.content) is not None
            shown = "\n" if line_break else token.content
            if link is not None:
                link.append(" " if shown == "\n" else shown)
            else:
                out.append(Piece("code" if kind == "code_inline" else "text", shown))
    return out


def _rst_inline(text: str) -> list[Piece]:
    from docutils import nodes

    from index.readers.restructured import parse_rst

    out: list[Piece] = []

    def walk(node: nodes.Node) -> None:
        if isinstance(node, nodes.Text):
            out.append(Piece("text", str(node)))
        elif isinstance(node, nodes.literal):
            out.append(Piece("code", node.astext()))
        elif isinstance(node, nodes.reference) and node.get("refuri"):
            out.append(Piece("link", node.astext(), node["refuri"]))
        elif isinstance(node, nodes.literal_block):
            out.append(Piece("block", node.astext()))
        elif isinstance(node, nodes.system_message | nodes.target | nodes.comment):
            return
        else:
            if isinstance(node, nodes.paragraph) and out:
                out.append(Piece("text", "\n\n"))
            for child in node.children:
                walk(child)

    walk(parse_rst(text))
    return out or [Piece("text", text)]
