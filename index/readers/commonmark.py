"""Markdown (`.md`): CommonMark with pipe tables and YAML front matter, read by markdown-it-py.

Why markdown-it-py: it is CommonMark-compliant (fences, lazy lines, nested containers are the
spec's, not a guess), and every block token carries its source line range (`token.map`), which
verbatim offsets need; mdit-py-plugins adds front matter the same way. Python-Markdown and
mistune build HTML and keep no line map. Offsets come from the map: a block spans its lines,
from the first character of its content (after any list marker or `>`) to the end of its last
line, so `text[start:end]` is exactly the file's.

Front matter is metadata, never content: `title` (or a nested table's `title`, as Python
Discord's tags write `embed: title:`), `description`, `aliases` and `date` are the document's
own; raw HTML blocks (badges, comments) are markup, and a paragraph of images alone (badges,
a screenshot) is chrome, not prose. A fence is one code block.
"""

from __future__ import annotations

import datetime
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from index.layout import Line, split_lines
from index.models import Chrome
from index.readers.document import (
    BOM,
    Block,
    DocumentInfo,
    Found,
    ReadDocument,
    first_heading_title,
)
from index.readers.pipe_cells import split_cells
from index.sentences import strip_span

_MARKDOWN = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
_FRONT_MATTER = "front matter"


class MarkdownReader:
    format = "markdown"

    def read(self, text: str) -> ReadDocument:
        lines = split_lines(text)
        doc = ReadDocument(format=self.format, text=text, blocks=[])
        tokens = _MARKDOWN.parse(text.removeprefix(BOM))  # a BOM hides a heading, front matter
        containers: list[str] = []
        for i, token in enumerate(tokens):
            if token.nesting == 1 and token.type.endswith("_open"):
                containers.append(token.type)
            elif token.nesting == -1:
                containers.pop()
            _read_token(doc, lines, tokens, i, containers)
        if doc.info.title is None:
            doc.info.title = first_heading_title(doc)
        return doc


def _read_token(
    doc: ReadDocument, lines: list[Line], tokens: list[Token], i: int, containers: list[str]
) -> None:
    """Add what token `i` is to `doc`: a block, chrome or metadata."""
    token = tokens[i]
    if token.map is None:
        return
    first, stop = token.map
    if token.type == "front_matter":
        _front_matter(doc, token.content)
        doc.chrome.append(_chrome(lines, first, stop, "front-matter"))
    elif token.type == "html_block":
        doc.chrome.append(_chrome(lines, first, stop, "markup"))
    elif token.type == "hr":  # `---`: a rule between sections, no text of either
        doc.chrome.append(_chrome(lines, first, stop, "rule"))
    elif token.type in ("fence", "code_block"):
        start, end = _content_span(doc.text, lines, first, stop, None)
        if token.type == "code_block":  # an indented block: every line keeps its indentation
            start = lines[first].start
        if end > start:
            doc.blocks.append(Block("code", start, end))
    elif token.type == "heading_open":
        inline = tokens[i + 1]
        start, end = _content_span(doc.text, lines, first, first + 1, inline.content)
        end = _without_attributes(doc.text, start, end)
        if end > start:
            level = int(token.tag[1])
            kind = "question" if doc.text[end - 1] == "?" else "heading"
            doc.blocks.append(Block(kind, start, end, level=level))
    elif token.type == "paragraph_open":
        inline = tokens[i + 1]
        if _images_only(inline):  # badges, a screenshot: nothing a reader reads as text
            doc.chrome.append(_chrome(lines, first, stop, "images"))
            return
        stop = _before_attributes(doc, lines, first, stop)
        if stop == first:
            return
        start, end = _content_span(doc.text, lines, first, stop, inline.content)
        if end > start:
            kind = "item" if "list_item_open" in containers[-2:-1] else "paragraph"
            doc.blocks.append(Block(kind, start, end, emphasized=_bold(inline)))
            doc.code_spans.extend(_code_spans(doc.text, start, end, inline))
    elif token.type == "tr_open":
        line = lines[first]
        cells = tuple((c.start, c.end) for c in split_cells(line))
        start, end = strip_span(doc.text, line.start, line.end)
        header = "thead_open" in containers
        doc.blocks.append(Block("row", start, end, cells=cells, header=header))


def _before_attributes(doc: ReadDocument, lines: list[Line], first: int, stop: int) -> int:
    """Where a paragraph's lines `[first, stop)` end before an attribute list on a line of its
    own at their end (`{: .notification .is-warning }` styles the paragraph above it in
    Python-Markdown), which is chrome: quoted, it ended a warning with its CSS classes."""
    last = min(stop, len(lines))
    while last > first and not lines[last - 1].stripped:
        last -= 1
    if last > first and _attribute_list(lines[last - 1].text):
        doc.chrome.append(_chrome(lines, last - 1, last, "attributes"))
        return last - 1
    return stop


def _content_span(
    text: str, lines: list[Line], first: int, stop: int, content: str | None
) -> tuple[int, int]:
    """The span of a block's lines `[first, stop)`, from the first character of its content
    (past indentation, list markers and `>`: where `content`'s first line starts, when given)
    to the end of its last non-blank line."""
    stop = min(stop, len(lines))
    while stop > first + 1 and not lines[stop - 1].stripped:
        stop -= 1
    line = lines[first]
    start = line.start + len(line.text) - len(line.text.lstrip())
    if content:
        head = content.split("\n", 1)[0].strip()
        at = line.text.find(head) if head else -1
        if at >= 0:
            start = line.start + at
    return strip_span(text, start, lines[stop - 1].end)


def _without_attributes(text: str, start: int, end: int) -> int:
    """A heading's end before a trailing attribute list (`## Usage { #usage }`, `{ .class }`,
    `{ data-toc-label="…" }`: the attr_list syntax of Python-Markdown, kramdown and Pandoc),
    which a reader never sees."""
    heading = text[start:end]  # (Python-Markdown's documented form opens with "{:")
    if not heading.endswith("}"):
        return end
    opening = heading.rfind(" {")
    if opening > 0 and _attribute_list(heading[opening + 1 :]):
        return start + len(heading[:opening].rstrip())
    return end


def _attribute_list(text: str) -> bool:
    """Whether `text` is an attribute list alone: `{ #usage }`, `{: .notification .is-warning }`,
    `{ data-toc-label="…" }` (Python-Markdown's documented form opens with "{:")."""
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return False
    inside = text[1:-1].strip().removeprefix(":").strip()
    return inside[:1] in ("#", ".") or "=" in inside


def _code_spans(text: str, start: int, end: int, inline: Token) -> list[tuple[int, int]]:
    """Where the paragraph's inline code spans lie: each code span token's backtick run,
    found in order from the previous one (CommonMark: a span closes at the next run of the
    same length)."""
    spans: list[tuple[int, int]] = []
    cursor = start
    for child in inline.children or []:
        if child.type != "code_inline":
            continue
        fence = child.markup
        opening = _backtick_run(text, fence, cursor, end)
        if opening < 0:
            break
        closing = _backtick_run(text, fence, opening + len(fence), end)
        if closing < 0:
            break
        spans.append((opening, closing + len(fence)))
        cursor = closing + len(fence)
    return spans


def _backtick_run(text: str, fence: str, start: int, end: int) -> int:
    """Offset of the next run of exactly `len(fence)` backticks in `text[start:end]`, or -1."""
    at = text.find(fence, start, end)
    while at >= 0:
        after = at + len(fence)
        if (at == 0 or text[at - 1] != "`") and (after >= len(text) or text[after] != "`"):
            return at
        while after < end and text[after] == "`":
            after += 1
        at = text.find(fence, after, end)
    return -1


def _chrome(lines: list[Line], first: int, stop: int, kind: str) -> Chrome:
    last = lines[min(stop, len(lines)) - 1]
    return Chrome(start=lines[first].start, end=last.end, kind=kind)


def _front_matter(doc: ReadDocument, content: str) -> None:
    """The document's title, description, aliases and date from its YAML front matter; front
    matter that is not YAML or not a mapping gives nothing (the file still has its text)."""
    try:
        data = yaml.safe_load(content)
    except yaml.YAMLError:
        return
    if not isinstance(data, dict):
        return
    info: DocumentInfo = doc.info
    nested = [v for v in data.values() if isinstance(v, dict)]
    title = _text(data.get("title")) or next(
        (t for t in (_text(v.get("title")) for v in nested) if t), None
    )
    if title:
        info.title = Found(title, _FRONT_MATTER)
    description = _text(data.get("description")) or next(
        (d for d in (_text(v.get("description")) for v in nested) if d), None
    )
    if description:
        info.description = Found(description, _FRONT_MATTER)
    date = data.get("date")
    if isinstance(date, datetime.date | str) and str(date).strip():
        info.date = Found(
            date.isoformat() if isinstance(date, datetime.date) else date.strip(), _FRONT_MATTER
        )
    aliases = data.get("aliases")
    if isinstance(aliases, str):
        aliases = [aliases]
    if isinstance(aliases, list):
        info.aliases = [a for a in (_text(x) for x in aliases) if a]
        info.aliases_origin = _FRONT_MATTER


def _text(value: Any) -> str | None:
    """A front-matter value as one line of text, or None when it is not a plain value."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        line = " ".join(str(value).split())
        return line or None
    return None


def _shown(inline: Token) -> list[Token]:
    """A paragraph's inline tokens, line breaks and blank text aside."""
    return [
        c
        for c in inline.children or []
        if c.type not in ("softbreak", "hardbreak")
        and not (c.type == "text" and not c.content.strip())
    ]


def _images_only(inline: Token) -> bool:
    """Whether a paragraph shows only images, linked or not: a README's row of badges
    (`[![PyPI](…)](…)`), a guide's screenshot. Their alt text names a picture; quoted, it
    answered nothing (a screenshot's caption led an answer on how to colour text)."""
    kids = _shown(inline)
    return any(k.type == "image" for k in kids) and all(
        k.type in ("image", "link_open", "link_close", "html_inline") for k in kids
    )


def _bold(inline: Token) -> bool:
    """Whether a paragraph is wholly bold, one `**…**` (a line break or `<br>` after it
    aside): "**Output:**", not "**Problem**<br>Your Docker service is …"."""
    kids = _shown(inline)
    while kids and kids[-1].type == "html_inline":
        kids.pop()
    return (
        len(kids) >= 3
        and kids[0].type == "strong_open"
        and kids[-1].type == "strong_close"
        and not any(k.type == "strong_open" for k in kids[1:])
    )
