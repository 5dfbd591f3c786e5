"""HTML (`.html`, `.htm`): saved web pages and generated documentation, read by html.parser.

Why the standard library's `html.parser`: a quote from a page must be its visible text and a
citation must point at the markup it came from, so the reader needs the file offset of every
tag, text run and entity. html.parser reports each one's position as it tokenizes; lxml and
selectolax (faster trees, measured in benchmarks/readers.py) keep no offsets at all (lxml: a
line per element). It is lenient the way browsers are with unclosed and stray tags, and ships
with CPython. This module builds a light tree from its events, with HTML's implied end tags
(`<p>` closed by the next block, `<li>` by the next `<li>`), then reads the page from it.
Text is decoded by html.parser's own `html.unescape` rules (a browser's: `&amp` without its
`;` reads "&", `&db;` reads as written), then split back into its references, so that each
one maps to the characters of the file it came from.

What is not content (chrome): scripts, styles, forms and the page's furniture: `<nav>`,
`<header>`, `<footer>`, `<aside>`, elements whose role or class names say menu, navigation,
breadcrumb, sidebar, banner, search and the like; and any block that is mostly links in short
items (a table of contents, related links; a link inside chrome is not counted), unless the
page has nothing else: a page of links is read. Where a page marks its main content (`<main>`,
`<article>`, `role="main"`), only that is read. Headings, lists, tables, `<pre>` code and FAQ
questions (a paragraph that is all bold and asks, a `<dt>` that asks, a heading that asks)
become blocks (a paragraph all in bold that does not ask is a run-in label: emphasized);
the title is the page's `<title>`, else its first `<h1>`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.entities import html5
from html.parser import HTMLParser

from index.models import Chrome
from index.readers.document import Block, BlockKind, DocumentInfo, Found, ReadDocument
from index.readers.visible_text import VisibleText

_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr basefont frame".split()
)
_BLOCKS = frozenset(
    """address article aside blockquote body caption center dd details dialog div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main
    menu nav ol p pre section summary table tbody td tfoot th thead tr ul""".split()
)
# A start tag of one of these closes an open <p> (HTML's implied end tags).
_CLOSES_P = _BLOCKS - frozenset("body html li dd dt td th tr tbody thead tfoot caption".split())
# Never content, whatever they hold.
_SKIPPED = frozenset(
    """script style noscript template head title nav header footer aside form button select
    option textarea svg math iframe object canvas dialog menu""".split()
)
_CHROME_ROLES = frozenset(
    "navigation banner contentinfo complementary search menu menubar toolbar dialog".split()
)
# Class and id words that name page furniture, in the words web pages commonly use.
_CHROME_NAMES = frozenset(
    """nav navbar navigation menu mainmenu submenu breadcrumb breadcrumbs sidebar footer
    cookie cookies banner share sharing social advert advertisement ads pagination skip
    search searchbox searchmenu tagline logo masthead topbar toolbar""".split()
)
_NAME_WORDS = re.compile(r"[a-z]+")
# A block whose text is at least this share links, in at least this many short items, is
# a list of links: a table of contents, related pages.
_LINK_SHARE = 0.8
_LINK_ITEMS = 3
_LINK_ITEM_WORDS = 12
_ALL_LINKS = 0.95  # ... or whatever their length, when nearly all of it is links
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_RUNS = re.compile(r"\S+|\s+")
_SEPARATOR = "\n\n"


@dataclass
class _Text:
    """A run of text in the file: `(shown, start, end)` pieces, an entity being one piece."""

    pieces: list[tuple[str, int, int]]


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    start: int
    children: list[_Element | _Text] = field(default_factory=list)
    end: int = -1
    chrome: bool = field(init=False)
    """Never content (see `_is_chrome`): asked of every element, over and over, while a page
    is weighed for lists of links."""

    def __post_init__(self) -> None:
        self.chrome = _is_chrome(self.tag, self.attrs)


class _Tokenizer(HTMLParser):
    """html.parser's events as a tree with file offsets."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self._data: tuple[int, str] | None = None  # text read, not yet placed
        self._newlines = [0, *(m.end() for m in re.finditer("\n", text))]
        self.root = _Element("#root", {}, 0)
        self.stack: list[_Element] = [self.root]

    def _at(self) -> int:
        line, column = self.getpos()  # html.parser counts "\n" only, as `_newlines` does
        return self._newlines[line - 1] + column

    # --- tree building -------------------------------------------------------------------

    def _close(self, tag: str, at: int, through: int | None = None) -> bool:
        """Close the innermost open `tag` (and what is open inside it) at `at`; the element
        itself ends `through` its end tag, when it has one."""
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                for element in self.stack[depth:]:
                    element.end = at
                self.stack[depth].end = at if through is None else through
                del self.stack[depth:]
                return True
        return False

    def _close_implied(self, tag: str, at: int) -> None:
        top = self.stack[-1].tag
        if tag in _CLOSES_P and top == "p":
            self._close("p", at)
        elif tag == "li":
            self._close_within("li", ("ul", "ol", "menu"), at)
        elif tag in ("dt", "dd"):
            for name in ("dt", "dd"):
                self._close_within(name, ("dl",), at)
        elif tag in ("td", "th"):
            for name in ("td", "th"):
                self._close_within(name, ("tr", "table"), at)
        elif tag == "tr":
            self._close_within("tr", ("table", "tbody", "thead", "tfoot"), at)
        elif tag in ("tbody", "thead", "tfoot"):
            for name in ("tbody", "thead", "tfoot"):
                self._close_within(name, ("table",), at)

    def _close_within(self, tag: str, bounds: tuple[str, ...], at: int) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            name = self.stack[depth].tag
            if name in bounds:
                return
            if name == tag:
                self._close(tag, at)
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        at = self._at()
        self._close_implied(tag, at)
        element = _Element(tag, {k: v or "" for k, v in attrs}, at)
        self.stack[-1].children.append(element)
        if tag in _VOID:
            element.end = at + len(self.get_starttag_text() or "")
        else:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        at = self._at()
        self._close_implied(tag, at)
        element = _Element(tag, {k: v or "" for k, v in attrs}, at)
        element.end = at + len(self.get_starttag_text() or "")
        self.stack[-1].children.append(element)

    def handle_endtag(self, tag: str) -> None:
        at = self._at()
        if tag == "p" and not any(e.tag == "p" for e in self.stack):
            return
        closing = self.text.find(">", at)
        self._close(tag, at, closing + 1 if closing >= 0 else len(self.text))

    def _append(self, pieces: list[tuple[str, int, int]]) -> None:
        children = self.stack[-1].children
        if children and isinstance(children[-1], _Text):
            children[-1].pieces.extend(pieces)
        elif pieces:
            children.append(_Text(pieces))

    def handle_data(self, data: str) -> None:
        # Where the data ends in the file is known when html.parser steps over it.
        self._data = (self._at(), data)

    def updatepos(self, i: int, j: int) -> int:
        """html.parser steps over `rawdata[i:j]`: after `handle_data`, the file text its data
        was read from (the text with its references decoded, or as written in a script)."""
        if self._data is not None:
            (start, data), self._data = self._data, None
            end = start + j - i
            written = self.text[start:end]
            self._append(
                [(data, start, end)] if data == written else _decoded(self.text, start, end)
            )
        return super().updatepos(i, j)

    def finish(self) -> _Element:
        self.close()
        for element in self.stack:
            element.end = len(self.text)
        self.root.end = len(self.text)
        return self.root


# html.unescape's references: a number, or a name; a name read without its ";" is the longest
# prefix of it that is a legacy reference ("&copyright" reads "©right"), else not a reference.
_REFERENCE = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")


def _decoded(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """`text[start:end]` as `html.unescape` reads it (as browsers do), in pieces: text as
    written, and each reference with what it shows (a reference to no character shows none)."""
    pieces: list[tuple[str, int, int]] = []
    at = start
    for match in _REFERENCE.finditer(text, start, end):
        name = match.group(1)
        if name[0] == "#":
            shown, through = html.unescape(match.group()), match.end()
        else:
            length = next(
                (n for n in (len(name), *range(len(name) - 1, 1, -1)) if name[:n] in html5), 0
            )
            if not length:
                continue
            shown, through = html5[name[:length]], match.start() + 1 + length
        if match.start() > at:
            pieces.append((text[at : match.start()], at, match.start()))
        if shown:
            pieces.append((shown, match.start(), through))
        at = through
    if end > at:
        pieces.append((text[at:end], at, end))
    return pieces


def _parse(text: str) -> _Element:
    tokenizer = _Tokenizer(text)
    tokenizer.feed(text)
    return tokenizer.finish()


# --- what is content ---------------------------------------------------------------------


def _is_chrome(tag: str, attrs: dict[str, str]) -> bool:
    if tag in _SKIPPED:
        return True
    if attrs.get("role", "").lower() in _CHROME_ROLES or "hidden" in attrs:
        return True
    if attrs.get("aria-hidden", "").lower() == "true":
        return True
    names = f"{attrs.get('class', '')} {attrs.get('id', '')}".lower()
    return any(word in _CHROME_NAMES for word in _NAME_WORDS.findall(names))


def _text_of(node: _Element | _Text) -> str:
    if isinstance(node, _Text):
        return "".join(shown for shown, _, _ in node.pieces)
    if node.chrome:
        return ""
    return "".join(_text_of(child) for child in node.children)


def _link_text(node: _Element | _Text, inside: bool = False) -> int:
    if isinstance(node, _Text):
        return len("".join(s for s, _, _ in node.pieces).strip()) if inside else 0
    if node.chrome:
        return 0
    inside = inside or node.tag == "a"
    return sum(_link_text(child, inside) for child in node.children)


def _is_link_list(element: _Element) -> bool:
    """A block that is mostly links, and several of them, each short: a table of contents,
    related pages (or any length of link, when there is next to nothing else)."""
    if element.tag not in _BLOCKS:
        return False
    links = [a for a in _find(element, "a", in_chrome=False) if _text_of(a).strip()]
    if len(links) < _LINK_ITEMS:
        return False
    total = len(_text_of(element).strip())
    linked = _link_text(element)
    if not total or linked < _LINK_SHARE * total:
        return False
    words = sum(len(_text_of(a).split()) for a in links)
    return words <= _LINK_ITEM_WORDS * len(links) or linked >= _ALL_LINKS * total


def _main(root: _Element) -> list[_Element]:
    """The page's main content where it marks it, else the whole page."""
    found: list[_Element] = []

    def visit(element: _Element) -> None:
        for child in element.children:
            if not isinstance(child, _Element) or child.chrome:
                continue
            marked = child.tag == "main" or child.attrs.get("role", "").lower() == "main"
            if marked or (child.tag == "article" and not found):
                found.append(child)
            else:
                visit(child)

    visit(root)
    return found or [root]


# --- reading -----------------------------------------------------------------------------


class _Reader:
    """Walks the content elements, writing visible text and blocks."""

    def __init__(self, text: str, drop_link_lists: bool) -> None:
        self.visible = VisibleText(text)
        self.drop_link_lists = drop_link_lists
        self.blocks: list[Block] = []
        self.chrome: list[Chrome] = []
        self.kind: BlockKind = "paragraph"
        self.level = 0
        self.asks = False  # a question if it ends with "?", bold or not (a heading, a <dt>)
        self.block_start: int | None = None
        # White space not yet shown, as the file span its one space maps to.
        self.space: tuple[int, int] | None = None
        self.joiner: str | None = None  # what goes before the next text: a cell's " | "
        self.bold_only = True
        self.in_row = False
        self.cell_start: int | None = None  # where the row's current cell starts showing

    # --- blocks ----------------------------------------------------------------------------

    def open_block(self, kind: BlockKind, level: int = 0, asks: bool = False) -> None:
        if self.in_row:
            self.word_break()
            return
        self.close_block()
        self.kind, self.level, self.asks = kind, level, asks
        self.bold_only = True

    def close_block(self, cells: tuple[tuple[int, int], ...] = (), header: bool = False) -> None:
        if self.in_row:
            self.word_break()
            return
        visible = self.visible
        if self.block_start is not None:
            visible.trim_end()
            start, end = self.block_start, len(visible)
            if end > start:
                kind = self.kind
                if kind in ("paragraph", "heading") and visible.last() == "?":
                    kind = "question" if self.asks or self.bold_only else kind
                self.blocks.append(
                    Block(
                        kind,
                        start,
                        end,
                        level=self.level,
                        cells=cells,
                        header=header,
                        emphasized=kind == "paragraph" and self.bold_only,
                    )
                )
        self.block_start = None
        self.space = self.joiner = None

    def enclosing(self) -> tuple[BlockKind, int, bool]:
        """The kind of block the element being walked makes, before a child block opens."""
        return self.kind, self.level, self.asks

    def resume(self, outer: tuple[BlockKind, int, bool]) -> None:
        """After a child block: text that follows it in the same element is a block of that
        element's kind ("Example: <pre>…</pre> When …" goes on as a paragraph, not as code)."""
        if not self.in_row:
            self.kind, self.level, self.asks = outer
            self.bold_only = True

    def word_break(self) -> None:
        """A block's edge inside a row's cell (a cell's paragraphs, a nested table): the
        words either side stay apart, by one space that no file character shows."""
        if self.block_start is not None and self.joiner is None and self.space is None:
            at = self.visible.ends[-1]
            self.space = (at, at)

    def removed(self) -> None:
        """Content was left out here: no quote may run across the gap."""
        self.close_block()
        if not self.in_row:
            at = len(self.visible)
            self.chrome.append(Chrome(start=at, end=at, kind="removed"))

    # --- text ------------------------------------------------------------------------------

    def write(self, node: _Text, pre: bool, bold: bool) -> None:
        for shown, start, end in node.pieces:
            entity = end - start != len(shown)
            if pre:
                self._show(shown, start, end if entity else None)
            elif entity and shown.isspace() and shown != "\xa0":
                self.space = self.space or (start, end)
            elif entity:
                self._show(shown, start, end)
                self.bold_only &= bold
            else:
                for run in _RUNS.finditer(shown):
                    if not run.group().isspace():
                        self._show(run.group(), start + run.start(), None)
                        self.bold_only &= bold
                    elif self.space is None:
                        self.space = (start + run.start(), start + run.start() + 1)

    def _show(self, piece: str, start: int, end: int | None) -> None:
        """Show `piece` (see `VisibleText.add`), after the block's separator, a cell's
        joiner or the one space that white space before it shows as. White space that would
        start a block or a cell (a `&nbsp;`) is trimmed like a block's trailing white space,
        but in code, where it is the first line's indentation."""
        visible = self.visible
        starting = self.block_start is None or self.joiner is not None
        if starting and piece.isspace() and self.kind != "code":
            return
        if self.block_start is None:
            if len(visible):
                visible.add_separator(_SEPARATOR)
            self.block_start = len(visible)
        elif self.joiner is not None:
            visible.add_separator(self.joiner)
        elif self.space is not None:
            visible.add(" ", *self.space)
        self.space = self.joiner = None
        if self.in_row and self.cell_start is None:
            self.cell_start = len(visible)
        visible.add(piece, start, end)

    def line_break(self, at: int) -> None:
        if self.block_start is not None and self.joiner is None:
            self.visible.add("\n", at, at)
            self.space = None

    # --- walking ---------------------------------------------------------------------------

    def walk(self, element: _Element, pre: bool = False, bold: bool = False) -> None:
        for child in element.children:
            if isinstance(child, _Text):
                self.write(child, pre, bold)
                continue
            tag = child.tag
            if child.chrome or (tag in _BLOCKS and self.drop_link_lists and _is_link_list(child)):
                if tag in _BLOCKS:
                    self.removed()
                continue
            if tag == "br":
                self.line_break(child.start)
            elif tag == "tr" and not self.in_row:
                self._row(child)
            elif tag == "pre" and not self.in_row:  # in a row: a cell's text, like any other
                outer = self.enclosing()
                self.open_block("code")
                start = len(self.visible)
                self.walk(_without_leading_newline(child), True, bold)
                self.close_block()
                if len(self.visible) > start:  # quoted, the element is quoted whole
                    self.visible.wrap(
                        self.blocks[-1].start, self.blocks[-1].end, child.start, child.end
                    )
                self.resume(outer)
            elif tag in _HEADINGS or tag in _BLOCKS:
                kind: BlockKind = (
                    "heading"
                    if tag in _HEADINGS
                    else "item"
                    if tag in ("li", "dd")
                    else "paragraph"
                )
                outer = self.enclosing()
                self.open_block(kind, _HEADINGS.get(tag, 0), tag in _HEADINGS or tag == "dt")
                self.walk(child, pre, bold)
                self.close_block()
                self.resume(outer)
            else:
                self.walk(child, pre, bold or tag in ("b", "strong"))

    def _row(self, row: _Element) -> None:
        """A table row: one block, its cells joined by " | ", each cell's span its own text
        (a cell of white space only shows nothing, and is no cell)."""
        self.open_block("row")
        self.in_row = True
        cells: list[tuple[int, int]] = []
        header = True
        for cell in row.children:
            if not isinstance(cell, _Element) or cell.tag not in ("td", "th"):
                continue
            header &= cell.tag == "th"
            self.space = self.cell_start = None
            self.joiner = " | " if self.block_start is not None else None
            self.walk(cell)
            if self.cell_start is not None:
                self.visible.trim_end()
                cells.append((self.cell_start, len(self.visible)))
        self.joiner = None
        self.in_row = False
        count = len(self.blocks)
        self.close_block(tuple(cells), header and bool(cells))
        if len(self.blocks) > count:  # quoted, the row is quoted whole
            self.visible.wrap(self.blocks[-1].start, self.blocks[-1].end, row.start, row.end)


def _without_leading_newline(pre: _Element) -> _Element:
    """A `<pre>` as browsers show it: a line break right after its start tag is not shown."""
    first = pre.children[0] if pre.children else None
    if not isinstance(first, _Text) or not first.pieces:
        return pre
    shown, start, end = first.pieces[0]
    for newline in ("\r\n", "\n", "\r"):
        if shown.startswith(newline) and end - start == len(shown):
            cut = len(newline)
            rest = [(shown[cut:], start + cut, end)] if len(shown) > cut else []
            text = _Text(rest + first.pieces[1:])
            return replace(pre, children=[text, *pre.children[1:]])
    return pre


def visible_text(markup: str) -> str:
    """The visible text of a stretch of HTML, as the reader shows it: what a quote from a page
    is, for `file[start:end]` of any quote's span."""
    return HtmlReader().read(markup).text


def _read(root: _Element, text: str, drop_link_lists: bool) -> _Reader:
    reader = _Reader(text, drop_link_lists)
    for part in _main(root):
        reader.walk(part)
        reader.removed()
    reader.close_block()
    return reader


class HtmlReader:
    format = "html"

    def read(self, text: str) -> ReadDocument:
        root = _parse(text)
        reader = _read(root, text, drop_link_lists=True)
        if not reader.blocks:  # nothing but links (an index page): the links are the page
            reader = _read(root, text, drop_link_lists=False)
        visible = reader.visible
        doc = ReadDocument(
            format=self.format,
            text=visible.text,
            blocks=reader.blocks,
            chrome=[c for c in reader.chrome if 0 < c.start < len(visible)],
            reading=visible,
        )
        _info(doc, root)
        return doc


def _info(doc: ReadDocument, root: _Element) -> None:
    info: DocumentInfo = doc.info
    title = next(_find(root, "title"), None)
    if title is not None and _text_of_all(title).strip():
        info.title = Found(" ".join(_text_of_all(title).split()), "<title>")
    else:
        first = next(
            (b for b in doc.blocks if b.kind in ("heading", "question") and b.level == 1), None
        )
        if first is not None:
            info.title = Found(doc.text[first.start : first.end], "first heading")
    for meta in _find(root, "meta"):
        name = (meta.attrs.get("name") or meta.attrs.get("property") or "").lower()
        content = " ".join(meta.attrs.get("content", "").split())
        if not content:
            continue
        if name in ("description", "og:description") and info.description is None:
            info.description = Found(content, f"<meta name={name}>")
        elif (
            name in ("date", "dcterms.date", "article:published_time", "dc.date")
            and info.date is None
        ):
            info.date = Found(content, f"<meta name={name}>")


def _find(element: _Element, tag: str, in_chrome: bool = True) -> Iterator[_Element]:
    """The `tag` elements inside `element`, with or without those inside chrome (a link in
    a `<nav>` is not the content's)."""
    for child in element.children:
        if isinstance(child, _Element) and (in_chrome or not child.chrome):
            if child.tag == tag:
                yield child
            yield from _find(child, tag, in_chrome)


def _text_of_all(element: _Element) -> str:
    return "".join(
        "".join(s for s, _, _ in c.pieces) if isinstance(c, _Text) else _text_of_all(c)
        for c in element.children
    )
