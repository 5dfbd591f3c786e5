"""reStructuredText (`.rst`): Sphinx documentation pages, read by docutils.

Why docutils: it is the reference implementation of the format (Sphinx itself parses with
it), so sections, literal blocks, field lists, lists and directives are the spec's. Sphinx adds
roles (`:func:`, `:class:`) and directives (`code-block`, `versionadded`, `toctree`) that plain
docutils does not know: while this reader parses, an unknown role reads as literal text and an
unknown directive as a block of body text (or of code, or nothing, by its kind), instead of an
error. No report is printed and no error stops a parse: a page always keeps its text.

docutils gives each paragraph its first line and its raw source, not offsets: a block is found
in the file by its raw source's first and last lines, searched from where the previous block
ended, so `text[start:end]` is exactly the file's text (markup and all; faces show roles as
code). A section title asks a question ("How do I …?") is an FAQ question: the Python FAQ is
written that way.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, ClassVar

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Directive, Parser, directives, roles
from docutils.statemachine import StringList
from docutils.utils import new_document

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

# Sphinx directives by what their content is: code, nothing a reader quotes, or body text.
_CODE_DIRECTIVES = frozenset(
    "code-block sourcecode code testcode doctest testoutput productionlist".split()
)
_SKIPPED_DIRECTIVES = frozenset(
    """toctree index highlight contents literalinclude tabularcolumns currentmodule module
    testsetup testcleanup autosummary automodule autoclass autofunction automethod
    autoattribute autodata autoexception include raw image figure sectionauthor
    moduleauthor codeauthor""".split()
)
_PARSE_LOCK = threading.Lock()  # the lookups below are patched while one parse runs


class RstReader:
    format = "rst"

    def read(self, text: str) -> ReadDocument:
        doc = ReadDocument(format=self.format, text=text, blocks=[])
        tree = parse_rst(text.removeprefix(BOM))  # a BOM would hide the title
        locator = _Locator(doc, split_lines(text))
        locator.walk(tree)
        _info(doc, tree, locator.docinfo)
        return doc


def parse_rst(text: str) -> nodes.document:
    """The doctree of `text`, parsed leniently (see the module's note); never raises for bad
    markup."""
    settings = get_default_settings(Parser)
    settings.report_level = 5  # nothing is printed: problems are the reader's to absorb
    settings.halt_level = 5
    settings.warning_stream = False
    settings.file_insertion_enabled = False  # `.. include::` never reads another file
    settings.raw_enabled = False
    tree = new_document("<source>", settings)
    with _PARSE_LOCK, _lenient():
        Parser().parse(text, tree)
    return tree


class _lenient:
    """While parsing: an unknown role is literal text, an unknown directive a generic one."""

    def __enter__(self) -> None:
        self.role, self.directive = roles.role, directives.directive
        known_role, known_directive = roles.role, directives.directive

        def role(name: str, language: Any, lineno: int, reporter: Any) -> tuple[Any, list]:
            found, _ = known_role(name, language, lineno, reporter)
            return (found or _literal_role), []

        def directive(name: str, language: Any, document: Any) -> tuple[Any, list]:
            if name in _CODE_DIRECTIVES or name in _SKIPPED_DIRECTIVES:
                return _generic(name), []
            found, _ = known_directive(name, language, document)
            return (found or _generic(name)), []

        roles.role, directives.directive = role, directive

    def __exit__(self, *exc: object) -> None:
        roles.role, directives.directive = self.role, self.directive


def _literal_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,
    options: Any = None,
    content: Any = None,
) -> tuple[list[nodes.Node], list]:
    """A Sphinx role as the text it shows: `:class:`~discord.User`` is `User`,
    `:ref:`the docs <target>`` is "the docs"."""
    shown = text.split(" <", 1)[0] if text.endswith(">") and " <" in text else text
    if shown.startswith("~"):
        shown = shown[1:].rsplit(".", 1)[-1]
    return [nodes.literal(rawtext, shown.lstrip("!"))], []


def _generic(name: str) -> type[Directive]:
    """A directive docutils does not know: its content as code, as nothing, or as body text."""

    class Generic(Directive):
        has_content = True
        optional_arguments = 50
        final_argument_whitespace = True
        option_spec: ClassVar = defaultdict(lambda: directives.unchanged)

        def run(self) -> list[nodes.Node]:
            content, offset = self.content, self.content_offset
            if not content and self.arguments:
                # Text on the lines right after the directive's own ("..
                # versionchanged:: 3.3" then its explanation) parses as arguments: it is
                # the directive's content, which Sphinx shows.
                rest = [
                    line.strip()
                    for line in self.block_text.split("\n")[1:]
                    if line.strip() and not line.strip().startswith(":")  # an option
                ]
                content, offset = StringList(rest, "<source>"), self.lineno
            if name in _SKIPPED_DIRECTIVES or not content:
                return []
            if name in _CODE_DIRECTIVES:
                code = "\n".join(content)
                block = nodes.literal_block(code, code)
                block.line = offset + 1  # its first line, not the line docutils gives it
                return [block]
            box = nodes.container("\n".join(content))
            self.state.nested_parse(content, offset, box)
            return [box]

    return Generic


class _Locator:
    """Walks the tree in document order and finds each block's span in the file, searching
    forward from where the previous block ended."""

    def __init__(self, doc: ReadDocument, lines: list[Line]) -> None:
        self.doc = doc
        self.lines = lines
        self.cursor = 0  # index into `lines` of the first line not yet taken
        self.docinfo: nodes.field_list | None = None

    def _after_title(self) -> bool:
        """Whether nothing but the document's title has been read yet."""
        blocks = self.doc.blocks
        return len(blocks) == 1 and blocks[0].level == 1 and self.docinfo is None

    def walk(self, tree: nodes.Node, depth: int = 0) -> None:
        for node in tree.children:
            if isinstance(node, nodes.section):
                self.walk(node, depth + 1)
            elif isinstance(node, nodes.title) and isinstance(tree, nodes.section):
                self._title(node, depth)
            elif isinstance(node, nodes.field_list) and self._after_title():
                self.docinfo = node  # bibliographic fields (`:Date:`): what the page says of itself
            elif isinstance(node, nodes.row):
                self._row(node)
            elif isinstance(node, nodes.transition):
                self._rule()
            elif isinstance(node, nodes.term):
                span = self._add("item", node.rawsource, node.line)
                if span is not None:
                    self._inline_code(node, *span)
            elif isinstance(node, nodes.paragraph) and _substitutions_only(node):
                self._chrome(node, "images")
            elif isinstance(node, nodes.paragraph):
                kind = "item" if isinstance(tree, nodes.list_item) else "paragraph"
                bold = len(node.children) == 1 and isinstance(node.children[0], nodes.strong)
                span = self._add(kind, node.rawsource, node.line, emphasized=bold)
                if span is not None:
                    self._inline_code(node, *span)
            elif isinstance(node, nodes.literal_block | nodes.doctest_block):
                self._add("code", node.rawsource, node.line, whole_lines=True)
            elif isinstance(
                node,
                nodes.comment | nodes.system_message | nodes.target | nodes.substitution_definition,
            ):
                continue
            elif isinstance(node, nodes.field_list) and not self.doc.blocks:
                continue  # `:tocdepth: 2` and the like before any content: page settings
            elif isinstance(node, nodes.Element):
                self.walk(node, depth)

    def _title(self, node: nodes.title, depth: int) -> None:
        span = self._find(node.rawsource, None)
        if span is None:
            return
        start, end = span
        kind = "question" if self.doc.text[end - 1] == "?" else "heading"
        self.doc.blocks.append(Block(kind, start, end, level=depth, label=node.astext()))

    def _add(
        self,
        kind: str,
        raw: str,
        line: int | None,
        whole_lines: bool = False,
        emphasized: bool = False,
    ) -> tuple[int, int] | None:
        """Add the block found for `raw`; a code block takes its first line's indentation
        too, so that every line of it keeps its own."""
        span = self._find(raw, line)
        if span is not None:
            start, end = span
            if whole_lines:
                while start > 0 and self.doc.text[start - 1] in " \t":
                    start -= 1
            self.doc.blocks.append(Block(kind, start, end, emphasized=emphasized))  # type: ignore[arg-type]
        return span

    def _chrome(self, node: nodes.Element, kind: str) -> None:
        """The block `node` is, as chrome: never indexed nor quoted."""
        span = self._find(node.rawsource, node.line)
        if span is not None:
            self.doc.chrome.append(Chrome(start=span[0], end=span[1], kind=kind))

    def _rule(self) -> None:
        """A transition (a line of four or more punctuation marks between paragraphs): chrome,
        so no passage runs across it."""
        for at in range(self.cursor, len(self.lines)):
            line = self.lines[at]
            mark = line.text.strip()
            if len(mark) >= 4 and len(set(mark)) == 1 and not mark[0].isalnum():
                self.doc.chrome.append(Chrome(start=line.start, end=line.end, kind="rule"))
                self.cursor = at + 1
                return

    def _row(self, row: nodes.row) -> None:
        """A table row: the first line at or after the cursor holding each cell's first line
        in order (a cell's text, not its borders); a cell spanning lines keeps its first."""
        texts = [entry.astext().strip().split("\n")[0] for entry in row.children]
        text = self.doc.text
        for at in range(self.cursor, len(self.lines)):
            line = self.lines[at]
            cells: list[tuple[int, int]] = []
            cursor = line.start
            for cell in texts:
                found = text.find(cell, cursor, line.start + len(line.text)) if cell else cursor
                if found < 0:
                    break
                cells.append((found, found + len(cell)))
                cursor = found + len(cell)
            else:
                if not any(cell for cell in texts):
                    return
                filled = [c for c, t in zip(cells, texts, strict=True) if t]
                self.doc.blocks.append(
                    Block("row", filled[0][0], filled[-1][1], cells=tuple(filled))
                )
                self.cursor = at + 1
                return

    def _inline_code(self, paragraph: nodes.Element, start: int, end: int) -> None:
        """Where the paragraph's inline literals and roles lie (their raw text, in order)."""
        text, cursor = self.doc.text, start
        for literal in paragraph.findall(nodes.literal):
            raw = literal.rawsource
            at = text.find(raw, cursor, end) if raw else -1
            if at >= 0:
                self.doc.code_spans.append((at, at + len(raw)))
                cursor = at + len(raw)

    def _find(self, raw: str, line: int | None) -> tuple[int, int] | None:
        """The span of the block whose raw source is `raw`: its first line found at or after
        the cursor (and not before `line`, docutils' own idea of where it starts), its last
        line as many lines on. None when the file does not hold it (text a directive made)."""
        rows = [r.strip() for r in raw.strip("\n").split("\n")]
        if not rows or not rows[0]:
            return None
        lines = self.lines
        begin = max(self.cursor, (line or 1) - 1) if line else self.cursor
        for at in _candidates(begin, self.cursor, len(lines)):
            first = lines[at]
            if not first.text.rstrip().endswith(rows[0]):
                continue
            last_at = at + len(rows) - 1
            if last_at >= len(lines) or not lines[last_at].text.rstrip().endswith(rows[-1]):
                continue
            last = lines[last_at]
            start = first.start + len(first.text.rstrip()) - len(rows[0])
            end = last.start + len(last.text.rstrip())
            self.cursor = last_at + 1
            return start, end
        return None


def _candidates(preferred: int, cursor: int, stop: int) -> Iterator[int]:
    """Line indexes to try: from docutils' line on, then from the cursor up to it."""
    yield from range(preferred, stop)
    yield from range(cursor, min(preferred, stop))


def _info(doc: ReadDocument, tree: nodes.document, docinfo: nodes.field_list | None) -> None:
    """The title is the first section's; a `:date:` field at the top, or right after the
    title (the bibliographic fields), is the date."""
    info: DocumentInfo = doc.info
    title = first_heading_title(doc)
    if title is not None:
        info.title = title
    after_title = [f for f in docinfo.children if isinstance(f, nodes.field)] if docinfo else []
    for field in [*_top_fields(tree), *after_title]:
        name, body = field[0].astext().strip().lower(), field[1].astext().strip()
        if name == "date" and body:
            info.date = Found(body, "field list")
        elif name in ("description", "abstract", "summary") and body:
            info.description = Found(" ".join(body.split()), "field list")


def _top_fields(tree: nodes.document) -> Iterator[nodes.field]:
    for node in tree.children:
        if isinstance(node, nodes.field_list):
            yield from (f for f in node.children if isinstance(f, nodes.field))
        elif not isinstance(node, nodes.comment | nodes.target):
            return


def _substitutions_only(paragraph: nodes.paragraph) -> bool:
    """Whether a paragraph is only substitutions, linked or not: a README's row of badges
    (`|pypi| |versions| |codecov|`, each defined below as an image), a logo (`|Logo|`). Their
    names are no text a reader reads, as a Markdown paragraph of images alone is not."""
    kids = [
        kid.children[0] if isinstance(kid, nodes.reference) and len(kid.children) == 1 else kid
        for kid in paragraph.children
        if not (isinstance(kid, nodes.Text) and not kid.strip())
    ]
    return bool(kids) and all(isinstance(kid, nodes.substitution_reference) for kid in kids)
