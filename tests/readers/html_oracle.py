"""The visible text of HTML as lxml (libxml2's HTML parser) sees it, written for the tests
apart from the reader's html.parser tree (index/readers/html_page.py): the oracle the property
tests hold the reader's visible text and its file spans to.

What counts as shown is what a browser shows with styles off: the text of every element but
scripts, styles and the title; entities decoded; a block element's edges and `<br>` separate
words; a `<pre>` keeps its white space but for one line break right after its start tag."""

from __future__ import annotations

import lxml.html
from lxml import etree

BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption dd details div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary
    table tbody td tfoot th thead tr ul""".split()
)
UNSHOWN_TAGS = frozenset({"script", "style", "title", "noscript", "template"})


def _text(element: etree._Element, out: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag and tag not in UNSHOWN_TAGS:
        block = tag in BLOCK_TAGS
        if block or tag == "br":
            out.append(" ")
        out.append(element.text or "")
        for child in element:
            _text(child, out)
        if block:
            out.append(" ")
    out.append(element.tail or "")


def shown_text(element: etree._Element) -> str:
    """An element's visible text, its white space folded to single spaces."""
    out: list[str] = [element.text or ""] if isinstance(element.tag, str) else []
    for child in element:
        _text(child, out)
    return " ".join("".join(out).split())


def page_words(markup: str) -> list[str]:
    """The words of a whole page outside scripts, styles and its title. (Not "outside the
    head": libxml2 knows no HTML5 element, and puts a `<main>` after a `<script>` in the head.)"""
    return shown_text(lxml.html.document_fromstring(markup)).split()


def span_text(markup: str) -> str:
    """The visible text of a stretch of a page (a block's file span): a `<pre>` alone with its
    white space kept, a table row alone as its non-empty cells joined by " | ", anything else
    (several blocks: a quote) with its white space folded and cells apart."""
    head = markup.lstrip()[:4].lower()
    parts = lxml.html.fragments_fromstring(markup) if head == "<pre" else []
    if len(parts) == 1 and not isinstance(parts[0], str):
        text = parts[0].text_content()
        for newline in ("\r\n", "\n", "\r"):
            if text.startswith(newline):
                text = text[len(newline) :]
                break
        return text.rstrip()
    rows = (
        list(lxml.html.fragment_fromstring(f"<table>{markup}</table>").iter("tr"))
        if head[:3] == "<tr"
        else []
    )
    if len(rows) == 1:
        cells = [shown_text(cell) for cell in rows[0] if cell.tag in ("td", "th")]
        return " | ".join(cell for cell in cells if cell)
    return shown_text(lxml.html.fragment_fromstring(markup, create_parent="div"))


def folded(text: str) -> str:
    """White space folded to single spaces, as `span_text` gives text outside a `<pre>`."""
    return " ".join(text.split())


def words_of(text: str) -> list[str]:
    """The words of visible text, less the "|" that joins a row's cells: how a quote of
    several blocks or rows is compared with `span_text` of its file span."""
    return [word for word in text.split() if word != "|"]
