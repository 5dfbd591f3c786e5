"""Property tests of every reader over generated documents (tests/readers/
generated_documents.py): blocks are exact, stripped spans of the reading text, found in the
order and of the kinds the document was written with; code is never a heading or the title;
underlines and front matter are never content. For HTML, an independent parser (lxml) is the
oracle: the visible text of each block's file span is the block's text, and the page's words
are the words lxml sees outside scripts and styles, less the chrome's."""

from __future__ import annotations

import re

import lxml.html
from hypothesis import example, given, settings

from index.readers import read_document
from tests.readers.block_checks import (
    assert_cells_in_rows,
    assert_no_underline_content,
    assert_well_formed,
    kinds_and_texts,
    shown,
)
from tests.readers.generated_documents import (
    CHROME_WORDS,
    Generated,
    html_documents,
    markdown_documents,
    rst_documents,
    text_documents,
)
from tests.readers.html_oracle import folded, page_words, shown_text, span_text

_SETTINGS = settings(max_examples=150, deadline=None)


def _pinned_rst(text: str, blocks: list[tuple[str, str]]) -> Generated:
    """A generated rST document written out by hand: the failing case hypothesis found."""
    code = [(text.index(t), text.index(t) + len(t)) for kind, t in blocks if kind == "code"]
    labels = [t for kind, t in blocks if kind == "heading"]
    underlines = [m.span() for m in re.finditer(r"^([=~-])\1+$", text, re.M)]
    return Generated(text, blocks, labels[0], "first heading", labels, code, underlines)


# Found by these tests and pinned, so they fail until the readers are fixed (the unit tests
# of each bug are in the reader's own test module).
_RST_CODE_BLOCK_FOUND_LATER = _pinned_rst(
    "=====\nApple\n=====\n\nApple\n-----\n\n.. code-block:: python\n\n   None\n\n"
    "Apple\n-----\n\n>>> apple(1)\nNone\n",
    [
        ("heading", "Apple"),
        ("heading", "Apple"),
        ("code", "   None"),
        ("heading", "Apple"),
        ("code", ">>> apple(1)\nNone"),
    ],
)
_HTML_LEADING_NBSP = Generated("<p>&nbsp; apple</p>")
_HTML_FIRST_CELL = Generated("<p>apple</p><table><tr><td>apple</td><td>fig</td></tr></table>")
_HTML_BLANK_H1 = Generated("<p>apple</p><h1>&nbsp;</h1>")
_HTML_SHORTER_THAN_NAV = Generated(
    "<html><body><p>apple</p><nav><ul><li><a href=/a>Navzorp</a> <a href=/b>Navzorp</a>"
    " <a href=/c>Navzorp</a></li></ul></nav></body></html>"
)


def assert_code_apart(generated: Generated, doc) -> None:
    """Each generated code block is exactly one code block, and no other block overlaps it."""
    code_blocks = [(b.start, b.end) for b in doc.blocks if b.kind == "code"]
    for start, end in generated.code:
        holding = [(s, e) for s, e in code_blocks if s <= start and end <= e]
        assert len(holding) == 1, (generated.text[start:end], code_blocks)
        for block in doc.blocks:
            if block.kind != "code":
                assert block.end <= start or block.start >= end, block


def assert_underlines_apart(generated: Generated, doc) -> None:
    for start, end in generated.underlines:
        assert all(b.end <= start or b.start >= end for b in doc.blocks), generated.text[start:end]


@_SETTINGS
@given(markdown_documents())
def test_markdown_reads_as_written(generated: Generated) -> None:
    doc = read_document("doc.md", generated.text)
    assert doc.text == generated.text and doc.reading is None
    assert_well_formed(doc)
    assert_cells_in_rows(doc)
    assert_no_underline_content(doc)
    assert kinds_and_texts(doc) == generated.blocks
    assert_code_apart(generated, doc)
    assert_underlines_apart(generated, doc)
    title = doc.info.title
    assert (title and (title.value, title.origin)) == (
        generated.title and (generated.title, generated.title_origin)
    )
    assert doc.info.aliases == generated.info.get("aliases", [])
    assert (doc.info.date and doc.info.date.value) == generated.info.get("date")
    description = generated.info.get("description")
    assert (doc.info.description and doc.info.description.value) == description


@_SETTINGS
@given(rst_documents())
@example(_RST_CODE_BLOCK_FOUND_LATER)
def test_rst_reads_as_written(generated: Generated) -> None:
    doc = read_document("doc.rst", generated.text)
    assert doc.text == generated.text and doc.reading is None
    assert_well_formed(doc)
    assert_cells_in_rows(doc)
    assert_no_underline_content(doc)
    assert kinds_and_texts(doc) == generated.blocks
    headings = [b for b in doc.blocks if b.kind in ("heading", "question")]
    assert [b.label or shown(doc, b) for b in headings] == generated.labels
    assert_code_apart(generated, doc)
    assert_underlines_apart(generated, doc)
    assert (doc.info.title.value, doc.info.title.origin) == (
        generated.title,
        generated.title_origin,
    )
    assert (doc.info.date and doc.info.date.value) == generated.info.get("date")


@_SETTINGS
@given(text_documents())
def test_plain_text_blocks_are_exact_spans_and_underlines_never_content(
    generated: Generated,
) -> None:
    doc = read_document("doc.txt", generated.text)
    assert doc.text == generated.text and doc.reading is None
    assert_well_formed(doc)
    assert_cells_in_rows(doc)
    assert_no_underline_content(doc)
    assert_underlines_apart(generated, doc)
    headings = [shown(doc, b) for b in doc.blocks if b.kind == "heading"]
    for start, _ in generated.underlines:
        # The line above is a heading, unless a news-page rule made it chrome (three
        # heading-like lines in a row are a list of links in a plain-text page).
        title_start = generated.text.rfind("\n", 0, start - 1) + 1
        in_chrome = any(c.start <= title_start < c.end for c in doc.chrome)
        assert in_chrome or generated.text[title_start : start - 1] in headings


@_SETTINGS
@given(html_documents())
@example(_HTML_LEADING_NBSP)
@example(_HTML_FIRST_CELL)
def test_html_block_is_the_visible_text_of_its_file_span(generated: Generated) -> None:
    doc = read_document("doc.html", generated.text)
    assert doc.reading is not None and str(doc.reading) == doc.text
    assert_well_formed(doc)
    assert_cells_in_rows(doc)
    for block in doc.blocks:
        start, end = doc.reading.file_span(block.start, block.end)
        text = shown(doc, block)
        oracle = span_text(generated.text[start:end])
        if block.kind == "code":
            assert oracle == text, (block, generated.text[start:end])
        else:
            assert oracle == folded(text), (block, generated.text[start:end])


@_SETTINGS
@given(html_documents())
@example(_HTML_SHORTER_THAN_NAV)
def test_html_reads_every_content_word_and_no_chrome(generated: Generated) -> None:
    doc = read_document("doc.html", generated.text)
    chrome = set(CHROME_WORDS)
    read = [w for w in doc.text.split() if w != "|"]
    assert not chrome & set(read)
    assert read == [w for w in page_words(generated.text) if w not in chrome]


@_SETTINGS
@given(html_documents())
@example(_HTML_BLANK_H1)
def test_html_title_and_description(generated: Generated) -> None:
    doc = read_document("doc.html", generated.text)
    title = doc.info.title
    if generated.title is not None:
        assert (title.value, title.origin) == (generated.title, "<title>")
        assert doc.info.description.value == generated.info["description"]
        return
    # The first <h1> that shows something: one of white space alone ("&nbsp;") is no block,
    # and titles nothing.
    h1s = lxml.html.document_fromstring(generated.text).iter("h1")
    first_h1 = next((h1 for h1 in h1s if shown_text(h1)), None)
    if first_h1 is None:
        assert title is None
    else:
        assert (folded(title.value), title.origin) == (shown_text(first_h1), "first heading")
