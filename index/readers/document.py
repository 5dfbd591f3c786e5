"""What every reader hands to the rest of the build: one format-blind structure per file.

A reader knows its format (Markdown's fences, reStructuredText's sections, an HTML page's
menus); nothing after it does. It returns the document's reading text, the blocks of content
in it (each a span of that text), the spans that are page furniture, and what the document
says of itself (title, aliases, description, date), each with where it was found.

The reading text is the file's own text for every format but HTML, where it is the page's
visible text, each character mapped back to the file (index/readers/visible_text.py): quotes
and offsets downstream are spans of the reading text, and a citation turns them into offsets
and lines of the file.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from index.layout import LINE_BREAK
from index.models import Chrome

# A byte order mark: no text of the document, but the first character of its reading text
# (offsets index the file as it is); a parser must not see it, or the first line is not
# what it is (a heading, front matter).
BOM = "\ufeff"

BlockKind = Literal["heading", "paragraph", "item", "row", "code", "question"]
"""heading: a section title (`level` 1 is the document's own title); paragraph: running text;
item: a list item's text; row: a table row (`cells` are its cells, `header` marks the row of
column names); code: a code block, quoted whole and never split; question: an FAQ question
(a heading or a line that asks), answered by the blocks after it."""


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of content: `text[start:end]` of the reading text, white space stripped."""

    kind: BlockKind
    start: int
    end: int
    level: int = 0
    cells: tuple[tuple[int, int], ...] = ()
    header: bool = False
    label: str | None = None
    """A heading's text as it reads, where markup makes it differ from its source
    (":class:`User`" reads "User")."""
    emphasized: bool = False
    """A paragraph wholly in bold: a run-in label ("**Output:**", "<p><b>(24) My WHERE clause
    … does not work.</b>", an FAQ entry stated as a problem), which no quote runs into."""


@dataclass(frozen=True, slots=True)
class Found:
    """A value the document states of itself, and where it was found ("front matter",
    "<title>", "first heading", ...), so `sources --json` can say why a title is what it is."""

    value: str
    origin: str


@dataclass
class DocumentInfo:
    """What the document says of itself; a field it does not state is None."""

    title: Found | None = None
    description: Found | None = None
    date: Found | None = None
    aliases: list[str] = field(default_factory=list)
    aliases_origin: str | None = None


class ReadingText(Protocol):
    """The text offsets index, when it is not the file's own (HTML): sliced like a `str`, with
    the file's line of an offset and the file span of a span."""

    def __len__(self) -> int: ...
    def __getitem__(self, index: slice) -> str: ...
    def __str__(self) -> str: ...
    def line_of(self, offset: int) -> int: ...
    def file_span(self, start: int, end: int) -> tuple[int, int]: ...


@dataclass
class ReadDocument:
    """One file as its reader understood it: blocks in reading order, chrome, metadata."""

    format: str
    text: str
    """The reading text: the file's text, or (HTML) its visible text."""
    blocks: list[Block]
    chrome: list[Chrome] = field(default_factory=list)
    info: DocumentInfo = field(default_factory=DocumentInfo)
    reading: ReadingText | None = None
    """For HTML, `text` with its map back to the file; None where `text` is the file's."""
    code_spans: list[tuple[int, int]] = field(default_factory=list)
    """Inline code (`x.split()`): no sentence ends inside one."""

    @property
    def quotable(self) -> str | ReadingText:
        """What quotes are sliced from: the reading text, with its map where it has one."""
        return self.text if self.reading is None else self.reading


class Reader(Protocol):
    """One format's reader: `read(text)` of a file decoded as UTF-8, never raising for bad
    markup (a parser's complaint is the reader's to absorb: a page still has its text)."""

    format: str

    def read(self, text: str) -> ReadDocument: ...


def line_finder(doc: ReadDocument) -> Callable[[int], int]:
    """The file's 1-based line of a reading-text offset: through the reading text's map for
    HTML, else from the text's line breaks (found once, then a binary search per offset)."""
    if doc.reading is not None:
        return doc.reading.line_of
    starts = [0, *(m.end() for m in LINE_BREAK.finditer(doc.text))]
    return lambda offset: bisect_right(starts, offset)


def heading_text(text: str, block: Block) -> str:
    """A heading block's text as it reads."""
    return block.label or text[block.start : block.end]


def first_heading_title(doc: ReadDocument) -> Found | None:
    """The document's title where its first heading (or heading-like question) has level 1,
    the document's own title; None otherwise."""
    first = next((b for b in doc.blocks if b.kind in ("heading", "question")), None)
    if first is None or first.level != 1:
        return None
    return Found(heading_text(doc.text, first), "first heading")


def is_heading(block: Block) -> bool:
    """A section title: a heading, or an FAQ question that is one (`level` > 0)."""
    return block.kind == "heading" or (block.kind == "question" and block.level > 0)
