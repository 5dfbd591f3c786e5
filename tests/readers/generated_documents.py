"""Hypothesis strategies for documents of each format, each with what a correct reader must
find in it, known from how it was written (not from any reader): the blocks in order, the
title, the spans of code and of heading underlines.

The vocabularies are disjoint on purpose: content words, code words and chrome words (HTML
navigation, scripts, footers) never share a word, so "no chrome in a block" and "every
content word is read" are word checks."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from hypothesis import strategies as st

WORDS = (
    "apple banana cherry damson elder fig grape hazel iris juniper kiwi lemon mango nutmeg "
    "olive pepper quince rhubarb sage thyme umber vanilla walnut yarrow zest café naïve"
).split()
CODE_LINES = [
    "# comment that looks like a heading",
    ">>> print(None)",
    "None",
    "True",
    "x = compute(1, 2)",
    "def handler(ctx):",
    "    return ctx.reply()",
    "=====",
    "Title Case Line",
    "TOKEN=a00418c85bff087b49f23923efe40aa5",
]
# Chrome words are capitalised coinages no content or code line holds.
CHROME_WORDS = "Navzorp Menuquax Footbrim Scriptolo Stylewex Sidegrub Headmorn Asidoon".split()


@dataclass
class Generated:
    """A generated file and what a correct reader finds in it."""

    text: str
    blocks: list[tuple[str, str]] = field(default_factory=list)
    """(kind, text) of each block in order; for HTML, left empty (the oracle checks it)."""
    title: str | None = None
    title_origin: str | None = None
    labels: list[str] = field(default_factory=list)
    """Each heading's text as it reads (roles shown as their text), in order."""
    code: list[tuple[int, int]] = field(default_factory=list)
    """File spans of the code blocks."""
    underlines: list[tuple[int, int]] = field(default_factory=list)
    """File spans of heading underlines (and overlines)."""
    info: dict[str, object] = field(default_factory=dict)


class _Writer:
    """Appends a document's parts, keeping each one's file offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.at = 0

    def write(self, piece: str) -> tuple[int, int]:
        start = self.at
        self.parts.append(piece)
        self.at += len(piece)
        return start, self.at

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _capitalised(words: list[str]) -> str:
    text = " ".join(words)
    return text[:1].upper() + text[1:]


words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6)
title_words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(
    lambda ws: " ".join(w.capitalize() for w in ws)
)
code_lines = st.lists(st.sampled_from(CODE_LINES), min_size=1, max_size=5)


# --- Markdown ----------------------------------------------------------------------------

_MD_INLINE = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS).map(lambda w: f"`{w}()`"),
    st.sampled_from(WORDS).map(lambda w: f"**{w}**"),
    st.sampled_from(WORDS).map(lambda w: f"*{w}*"),
    st.sampled_from(WORDS).map(lambda w: f"[{w}](https://example.org/{w})"),
    st.sampled_from(WORDS).map(lambda w: f"{w}_{w}"),
)
_md_sentence = st.lists(_MD_INLINE, min_size=1, max_size=7).map(lambda ws: _capitalised(ws) + ".")
_md_paragraph = st.lists(_md_sentence, min_size=1, max_size=3).map("\n".join)


@st.composite
def _md_block(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]], int, str]:
    """(markdown, expected blocks, heading level or 0, kind of part)."""
    kind = draw(
        st.sampled_from(
            ["atx", "setext", "paragraph", "fence", "list", "table", "quote", "comment"]
        )
    )
    if kind in ("atx", "setext"):
        text = draw(title_words) + draw(st.sampled_from(["", "?"]))
        block = "question" if text.endswith("?") else "heading"
        if kind == "atx":
            level = draw(st.integers(1, 4))
            return f"{'#' * level} {text}", [(block, text)], level, kind
        level = draw(st.integers(1, 2))
        underline = ("=" if level == 1 else "-") * draw(st.integers(3, len(text) + 3))
        return f"{text}\n{underline}", [(block, text)], level, kind
    if kind == "paragraph":
        text = draw(_md_paragraph)
        return text, [("paragraph", text)], 0, kind
    if kind == "fence":
        fence = draw(st.sampled_from(["```", "~~~", "````"]))
        language = draw(st.sampled_from(["", "python", "py", "sh"]))
        text = "\n".join([fence + language, *draw(code_lines), fence])
        return text, [("code", text)], 0, kind
    if kind == "list":
        items = draw(st.lists(_md_sentence, min_size=1, max_size=4))
        marker = draw(st.sampled_from(["- ", "* ", "+ ", "1. "]))
        if marker == "1. ":
            lines = [f"{n}. {item}" for n, item in enumerate(items, start=1)]
        else:
            lines = [marker + item for item in items]
        return "\n".join(lines), [("item", item) for item in items], 0, kind
    if kind == "table":
        columns = draw(st.integers(1, 3))
        cells = st.lists(st.sampled_from(WORDS), min_size=columns, max_size=columns)
        rows = [draw(cells) for _ in range(draw(st.integers(2, 4)))]
        lines = ["| " + " | ".join(row) + " |" for row in rows]
        separator = "|" + "|".join(["---"] * columns) + "|"
        text = "\n".join([lines[0], separator, *lines[1:]])
        return text, [("row", line) for line in lines], 0, kind
    if kind == "quote":
        text = draw(_md_sentence)
        return f"> {text}", [("paragraph", text)], 0, kind
    return f"<!-- {' '.join(draw(words))} -->", [], 0, kind


@st.composite
def markdown_documents(draw: st.DrawFn) -> Generated:
    """Markdown with optional YAML front matter, ATX and setext headings (some asking),
    paragraphs with inline code, emphasis and links, fences of code that looks like headings,
    lists, pipe tables, block quotes and HTML comments."""
    out = _Writer()
    doc = Generated(text="")
    if draw(st.booleans()):
        keys = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "title": title_words,
                    "nested": title_words,
                    "description": st.lists(st.sampled_from(WORDS), min_size=1, max_size=5),
                    "date": st.dates().map(lambda d: d.isoformat()),
                    "aliases": st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
                },
            )
        )
        lines = ["---"]
        if "title" in keys:
            lines.append(f'title: "{keys["title"]}"')
        if "nested" in keys:
            lines += ["embed:", f'    title: "{keys["nested"]}"']
        if "description" in keys:
            lines.append(f"description: {' '.join(keys['description'])}")
        if "date" in keys:
            lines.append(f"date: {keys['date']}")
        if "aliases" in keys:
            lines.append(f"aliases: [{', '.join(keys['aliases'])}]")
        lines.append("---")
        out.write("\n".join(lines) + "\n\n")
        title = keys.get("title") or keys.get("nested")
        if title:
            doc.title, doc.title_origin = str(title), "front matter"
        if "description" in keys:
            doc.info["description"] = " ".join(keys["description"])
        if "date" in keys:
            doc.info["date"] = keys["date"]
        if "aliases" in keys:
            doc.info["aliases"] = keys["aliases"]
    first_heading: tuple[str, int] | None = None
    parts = draw(st.lists(_md_block(), min_size=1, max_size=8))
    previous = ""
    for i, (markdown, blocks, level, kind) in enumerate(parts):
        if i:
            # Two lists in a row with the same marker would be one list whose items are
            # paragraphs: a paragraph between them keeps the generated structure plain.
            out.write("\n\nSeparate text.\n\n" if kind == previous == "list" else "\n\n")
            if kind == previous == "list":
                doc.blocks.append(("paragraph", "Separate text."))
        start, end = out.write(markdown)
        doc.blocks += blocks
        if level and first_heading is None:
            first_heading = (blocks[0][1], level)
        if kind == "fence":
            doc.code.append((start, end))
        if kind == "setext":
            doc.underlines.append((markdown.rindex("\n") + 1 + start, end))
        previous = kind
    out.write(draw(st.sampled_from(["", "\n", "\n\n"])))
    doc.text = out.text
    doc.labels = [text for kind, text in doc.blocks if kind in ("heading", "question")]
    if doc.title is None and first_heading is not None and first_heading[1] == 1:
        doc.title, doc.title_origin = first_heading[0], "first heading"
    return doc


# --- reStructuredText --------------------------------------------------------------------

_RST_ROLES = st.one_of(
    st.sampled_from(WORDS).map(lambda w: (f":class:`{w.capitalize()}`", w.capitalize())),
    st.sampled_from(WORDS).map(lambda w: (f":func:`~module.{w}`", w)),
    st.sampled_from(WORDS).map(lambda w: (f":ref:`the {w} <{w}-label>`", f"the {w}")),
    st.sampled_from(WORDS).map(lambda w: (f":unknownrole:`{w}`", w)),
    st.sampled_from(WORDS).map(lambda w: (f"``{w}()``", f"{w}()")),
    st.sampled_from(WORDS).map(lambda w: (f"*{w}*", w)),
)
_RST_TOKEN = st.one_of(st.sampled_from(WORDS).map(lambda w: (w, w)), _RST_ROLES)


@st.composite
def _rst_title(draw: st.DrawFn) -> tuple[str, str]:
    """A section title as written and as it reads."""
    first = draw(st.sampled_from(WORDS)).capitalize()
    tokens = [(first, first), *draw(st.lists(_RST_TOKEN, max_size=4))]
    ending = draw(st.sampled_from(["", "?"]))
    return (
        " ".join(raw for raw, _ in tokens) + ending,
        " ".join(shown for _, shown in tokens) + ending,
    )


_rst_sentence = st.lists(_RST_TOKEN, min_size=1, max_size=7).map(
    lambda ts: _capitalised([raw for raw, _ in ts]) + "."
)


@st.composite
def _rst_block(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]], list[int]]:
    """(rst, expected blocks, indexes of the blocks that are code)."""
    kind = draw(
        st.sampled_from(
            ["paragraph", "literal", "doctest", "code-block", "list", "directive", "comment"]
        )
    )
    if kind == "paragraph":
        text = "\n".join(draw(st.lists(_rst_sentence, min_size=1, max_size=3)))
        return text, [("paragraph", text)], []
    if kind == "literal":
        intro = _capitalised(draw(words)) + "::"
        code = "\n".join("    " + line for line in draw(code_lines))
        return f"{intro}\n\n{code}", [("paragraph", intro), ("code", code)], [1]
    if kind == "doctest":
        text = f">>> {draw(st.sampled_from(WORDS))}(1)\n{draw(st.sampled_from(['None', '2']))}"
        return text, [("code", text)], [0]
    if kind == "code-block":
        code = "\n".join("   " + line for line in draw(code_lines))
        return f".. code-block:: python\n\n{code}", [("code", code)], [0]
    if kind == "list":
        items = draw(st.lists(_rst_sentence, min_size=1, max_size=4))
        return "\n".join("- " + item for item in items), [("item", i) for i in items], []
    if kind == "directive":
        name = draw(st.sampled_from(["note", "warning", "seealso", "frobnicate", "tip"]))
        body = draw(_rst_sentence)
        return f".. {name}::\n\n   {body}", [("paragraph", body)], []
    return f".. {' '.join(draw(words))}", [], []


@st.composite
def rst_documents(draw: st.DrawFn) -> Generated:
    """reStructuredText: page-setting fields at the top, a document title with overline,
    sections and subsections whose titles hold roles and literals (some asking), paragraphs,
    literal blocks of code that looks like headings and underlines, doctest blocks,
    code-block, known and unknown directives, lists and comments."""
    out = _Writer()
    doc = Generated(text="")
    fields = draw(
        st.fixed_dictionaries(
            {},
            optional={"tocdepth": st.just("2"), "date": st.dates().map(lambda d: d.isoformat())},
        )
    )
    if fields:
        out.write("\n".join(f":{k}: {v}" for k, v in fields.items()) + "\n\n")
        if "date" in fields:
            doc.info["date"] = fields["date"]
    has_title = draw(st.booleans())
    # The document title (overlined), then sections ("-") and subsections ("~", only under a
    # section): docutils gives levels by the order styles first appear.
    base = 2 if has_title else 1
    levels = [1] * has_title
    for sub in draw(st.lists(st.booleans(), min_size=1, max_size=5)):
        levels.append(base + 1 if sub and levels and levels[-1] >= base else base)
    for n, level in enumerate(levels):
        style = "=" if level < base else "-~"[level - base]
        raw, label = draw(_rst_title())
        if n:
            out.write("\n\n")
        line = style * (len(raw) + draw(st.integers(0, 3)))
        kind = "question" if raw.endswith("?") else "heading"
        if level < base:
            doc.underlines.append(out.write(line))
            out.write("\n")
            out.write(raw)
            out.write("\n")
            doc.underlines.append(out.write(line))
        else:
            out.write(raw + "\n")
            doc.underlines.append(out.write(line))
        doc.blocks.append((kind, raw))
        doc.labels.append(label)
        if n == 0:
            doc.title, doc.title_origin = label, "first heading"
        for rst, blocks, code in draw(st.lists(_rst_block(), max_size=4)):
            out.write("\n\n")
            start, _ = out.write(rst)
            for index in code:
                text = blocks[index][1]
                at = rst.index(text) + start
                doc.code.append((at, at + len(text)))
            doc.blocks += blocks
    out.write("\n")
    doc.text = out.text
    return doc


# --- plain text --------------------------------------------------------------------------


@st.composite
def text_documents(draw: st.DrawFn) -> Generated:
    """Plain text: headings (some underlined), hard-wrapped and one-line paragraphs, questions
    on a line of their own with their answer after, and pipe tables."""
    out = _Writer()
    doc = Generated(text="")
    parts = draw(
        st.lists(
            st.sampled_from(["heading", "underlined", "paragraph", "question", "table"]),
            min_size=1,
            max_size=8,
        )
    )
    for n, kind in enumerate(parts):
        if n:
            out.write("\n\n")
        if kind == "heading":
            out.write(draw(title_words))
        elif kind == "underlined":
            title = draw(title_words)
            out.write(title + "\n")
            doc.underlines.append(out.write(draw(st.sampled_from("=-~")) * len(title)))
        elif kind == "paragraph":
            sentences = draw(st.lists(words.map(_capitalised), min_size=1, max_size=3))
            out.write("\n".join(s + "." for s in sentences))
        elif kind == "question":
            out.write(f"How do I {' '.join(draw(words))}?\n{_capitalised(draw(words))}.")
        else:
            rows = draw(
                st.lists(
                    st.lists(st.sampled_from(WORDS), min_size=2, max_size=2), min_size=1, max_size=3
                )
            )
            out.write("\n".join(f"| {a} | {b} |" for a, b in rows))
    out.write("\n")
    doc.text = out.text
    return doc


# --- HTML --------------------------------------------------------------------------------

# Entities as written and as shown; only well-formed references here (a bare `&` and a
# reference without its `;` have unit tests of their own).
ENTITIES = {
    "&amp;": "&",
    "&lt;": "<",
    "&gt;": ">",
    "&quot;": '"',
    "&#39;": "'",
    "&#169;": "©",
    "&#x263A;": "☺",
    "&eacute;": "é",
    "&nbsp;": "\xa0",
    "&mdash;": "—",
    "&hellip;": "…",
}
_SPACE = st.sampled_from([" ", " ", "\n", "\n    ", "\t ", "  "])
_GAP = st.sampled_from(["", "\n", " ", "\n  "])


_HTML_TOKEN = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(sorted(ENTITIES)),
    st.tuples(st.sampled_from(WORDS), st.sampled_from(sorted(ENTITIES))).map("".join),
)
# Words and entities, some glued to a word (`AT&amp;T`), separated by white space.
_html_text = st.lists(st.tuples(_HTML_TOKEN, _SPACE), min_size=1, max_size=5).map(
    lambda pairs: "".join(token + space for token, space in pairs[:-1]) + pairs[-1][0]
)


@st.composite
def _html_inline(draw: st.DrawFn, links: bool = True) -> str:
    """Text with inline elements; at most one link, among at least three words, so that no
    block is mostly links (a table of contents, which the reader rightly drops)."""
    pieces = [draw(_html_text)]
    linked = False
    for _ in range(draw(st.integers(0, 2))):
        tag = draw(st.sampled_from(["b", "strong", "i", "em", "code", "span", "a", "br"]))
        if tag == "br":
            pieces.append(draw(st.sampled_from(["<br>", "<br/>", "<br />"])))
        elif tag == "a":
            if linked or not links:
                continue
            linked = True
            word = draw(st.sampled_from(WORDS))
            pieces.append(f'<a href="https://example.org/{word}?a=1&amp;b=2">{word}</a>')
        else:
            pieces.append(f"<{tag}>{draw(_html_text)}</{tag}>")
        pieces.append(draw(_GAP))
        pieces.append(" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=4))))
    return "".join(pieces)


def _chrome_words(draw: st.DrawFn) -> str:
    return " ".join(draw(st.lists(st.sampled_from(CHROME_WORDS), min_size=1, max_size=3)))


@st.composite
def _html_chrome(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["nav", "header", "footer", "aside", "script", "style", "div"]))
    text = _chrome_words(draw)
    if kind == "nav":
        links = " ".join(f'<a href="/{w}">{w}</a>' for w in text.split())
        return f"<nav><ul><li>{links}</li></ul></nav>"
    if kind == "script":
        return f"<script>var {text.split()[0]} = 1; if (a < b && c > d) {{ go('<p>'); }}</script>"
    if kind == "style":
        return f"<style>.{text.split()[0]} > p {{ color: red; }}</style>"
    if kind == "div":
        name = draw(st.sampled_from(['class="sidebar"', 'role="navigation"', 'id="footer"']))
        return f"<div {name}><p>{text}</p></div>"
    return f"<{kind}><p>{text}</p></{kind}>"


@st.composite
def _html_block(draw: st.DrawFn, depth: int = 0) -> str:
    kinds = ["heading", "p", "p-open", "list", "pre", "table", "chrome"]
    if depth < 2:
        kinds += ["div", "section", "blockquote"]
    kind = draw(st.sampled_from(kinds))
    if kind == "heading":
        level = draw(st.integers(1, 4))
        return f"<h{level}>{draw(_html_inline())}</h{level}>"
    if kind == "p":
        return f"<p>{draw(_html_inline())}</p>"
    if kind == "p-open":  # an end tag left out: the next block closes it
        return f"<p>{draw(_html_inline())}"
    if kind == "list":
        tag = draw(st.sampled_from(["ul", "ol"]))
        close = draw(st.sampled_from(["</li>", ""]))
        items = draw(st.lists(_html_inline(), min_size=1, max_size=3))
        body = "".join(f"{draw(_GAP)}<li>{item}{close}" for item in items)
        return f"<{tag}>{body}{draw(_GAP)}</{tag}>"
    if kind == "pre":
        lines = [html.escape(line, quote=False) for line in draw(code_lines)]
        lead = draw(st.sampled_from(["", "\n"]))
        return f"<pre>{lead}{chr(10).join(lines)}{draw(st.sampled_from(['', chr(10)]))}</pre>"
    if kind == "table":
        rows = []
        for _ in range(draw(st.integers(1, 3))):
            cell = draw(st.sampled_from(["td", "th"]))
            cells = [
                f"<{cell}>{draw(_html_inline(links=False))}</{cell}>"
                for _ in range(draw(st.integers(1, 3)))
            ]
            rows.append(f"<tr>{''.join(cells)}</tr>")
        body = draw(_GAP).join(rows)
        return f"<table>{draw(st.sampled_from(['', '<tbody>']))}{body}</table>"
    if kind == "chrome":
        return draw(_html_chrome())
    children = draw(st.lists(_html_block(depth + 1), min_size=1, max_size=2))
    return f"<{kind}>{draw(_GAP).join(children)}</{kind}>"


@st.composite
def html_documents(draw: st.DrawFn) -> Generated:
    """HTML: an optional head (title, meta description and date), chrome (nav, header,
    footer, aside, script, style, sidebars) around and between nested blocks (headings,
    paragraphs with and without their end tag, lists, pre, tables, divs, sections, block
    quotes), inline markup, entities and white space of every kind; sometimes in `<main>`."""
    doc = Generated(text="")
    head = ""
    wrapped = draw(st.booleans())
    if wrapped and draw(st.booleans()):
        title = draw(title_words)
        description = " ".join(draw(words))
        head = (
            f"<head><meta charset=utf-8><title>\n  {title}\n</title>"
            f'<meta name="description" content="{description}"></head>'
        )
        doc.title, doc.title_origin = title, "<title>"
        doc.info["description"] = description
    blocks = draw(st.lists(_html_block(), min_size=1, max_size=5))
    body = draw(_GAP).join(blocks)
    if draw(st.booleans()):
        body = f"{draw(_html_chrome())}<main>{body}</main>{draw(_html_chrome())}"
    doc.text = f"<!DOCTYPE html>\n<html>{head}<body>{body}</body></html>\n" if wrapped else body
    return doc
