"""The reStructuredText reader (index/readers/restructured.py): sections are headings whose
labels read as the page shows them, underlines are never content, literal blocks are code,
Sphinx's roles and directives never stop a parse, and blocks are exact spans of the file."""

from __future__ import annotations

import pytest

from index.ingest import ingest_source
from index.readers.restructured import RstReader
from tests.readers.block_checks import (
    assert_no_underline_content,
    assert_passages_avoid,
    assert_well_formed,
    kinds_and_texts,
    shown,
)


def read(text: str):
    doc = RstReader().read(text)
    assert_well_formed(doc)
    assert_no_underline_content(doc)
    return doc


def test_the_document_title_is_the_first_section_title_as_it_reads() -> None:
    doc = read(
        "=============================\nThe :mod:`sqlite3` ``module``\n" + "=" * 29 + "\n\nText.\n"
    )
    assert (doc.info.title.value, doc.info.title.origin) == ("The sqlite3 module", "first heading")
    assert doc.blocks[0].label == "The sqlite3 module"


def test_page_setting_fields_at_the_top_are_not_content_and_give_the_date() -> None:
    doc = read(
        ":tocdepth: 2\n:date: 2021-04-05\n:description: What the FAQ covers\n\n"
        "Title\n=====\n\nText.\n"
    )
    assert kinds_and_texts(doc) == [("heading", "Title"), ("paragraph", "Text.")]
    assert (doc.info.date.value, doc.info.date.origin) == ("2021-04-05", "field list")
    assert doc.info.description.value == "What the FAQ covers"


@pytest.mark.parametrize(
    ("written", "reads"),
    [
        (":class:`User`", "User"),
        (":class:`~discord.User`", "User"),
        (":func:`!len`", "len"),
        (":ref:`the guide <guide-label>`", "the guide"),
        (":madeup:`thing`", "thing"),
        ("``send()``", "send()"),
    ],
)
def test_a_role_in_a_heading_reads_as_its_text(written: str, reads: str) -> None:
    title = f"Using {written} objects"
    doc = read(f"{title}\n{'=' * len(title)}\n\nText.\n")
    heading = doc.blocks[0]
    assert (heading.kind, shown(doc, heading), heading.label) == (
        "heading",
        title,
        f"Using {reads} objects",
    )


def test_a_section_title_that_asks_is_a_question_and_levels_follow_the_sections() -> None:
    text = (
        "FAQ\n===\n\n"
        "How do I send a DM to a user?\n-----------------------------\n\n"
        "Use :meth:`User.send`.\n\n"
        "Details\n~~~~~~~\n\nMore.\n"
    )
    doc = read(text)
    assert [(b.kind, b.level, b.label) for b in doc.blocks if b.level] == [
        ("heading", 1, "FAQ"),
        ("question", 2, "How do I send a DM to a user?"),
        ("heading", 3, "Details"),
    ]
    assert "~~~~" not in " ".join(shown(doc, b) for b in doc.blocks)


def test_every_kind_of_block_is_the_exact_span_of_its_text() -> None:
    text = (
        "Title\n=====\n\n"
        "A paragraph with ``code()`` and :func:`len`\nthat wraps.\n\n"
        "- first item\n- second item\n\n"
        "Run this::\n\n    x = 1\n    print(x)\n\n"
        ">>> 1 + 1\n2\n\n"
        ".. code-block:: python\n\n   import sqlite3\n   conn = sqlite3.connect(':memory:')\n\n"
        ".. note::\n\n   A note's text.\n"
    )
    doc = read(text)
    assert kinds_and_texts(doc) == [
        ("heading", "Title"),
        ("paragraph", "A paragraph with ``code()`` and :func:`len`\nthat wraps."),
        ("item", "first item"),
        ("item", "second item"),
        ("paragraph", "Run this::"),
        ("code", "    x = 1\n    print(x)"),
        ("code", ">>> 1 + 1\n2"),
        ("code", "   import sqlite3\n   conn = sqlite3.connect(':memory:')"),
        ("paragraph", "A note's text."),
    ]
    assert [text[s:e] for s, e in doc.code_spans] == ["``code()``", ":func:`len`"]


def test_code_is_never_a_heading_or_the_title() -> None:
    text = (
        "::\n\n"
        "    # comment that looks like a heading\n"
        "    None\n"
        "    Title\n"
        "    =====\n\n"
        ">>> print(None)\nNone\n"
    )
    doc = read(text)
    assert [b.kind for b in doc.blocks] == ["code", "code"]
    assert doc.info.title is None


def test_unknown_roles_and_directives_never_raise_and_keep_their_text() -> None:
    text = (
        "Intro :unknownrole:`kept` and `unclosed interpreted.\n\n"
        ".. frobnicate:: some argument\n   :option: value\n\n   Body of an unknown directive.\n\n"
        ".. toctree::\n   :maxdepth: 2\n\n   programming\n   design\n\n"
        ".. |name| replace:: substituted\n\n"
        "Malformed *emphasis and ``literal.\n"
    )
    doc = read(text)
    assert kinds_and_texts(doc) == [
        ("paragraph", "Intro :unknownrole:`kept` and `unclosed interpreted."),
        ("paragraph", "Body of an unknown directive."),
        ("paragraph", "Malformed *emphasis and ``literal."),
    ]


def test_markup_errors_and_bad_section_structure_never_raise() -> None:
    for text in (
        "A\n===\n\nB\n---\n\nC\n===\n\nD\n~~~\n\nE\n---\n",
        "x\n===\n===\n",
        "`\n",
        ".. ::",
    ):
        assert_well_formed(RstReader().read(text))


def test_an_author_line_near_the_top_keeps_the_passages() -> None:
    text = (
        "Guide\n=====\n\nAuthor: Jane Doe\n\nThis guide explains how to set the bot up.\n\n"
        "You need a token first. Get it from the portal.\n"
    )
    source, _ = ingest_source("guide.rst", text, None)
    assert source.chrome == []
    assert "Get it from the portal." in " ".join(text[p.start : p.end] for p in source.passages)


def test_three_headings_in_a_row_are_headings_not_a_link_list() -> None:
    text = "Setup\n=====\n\nWindows\n-------\n\nLinux\n-----\n\nmacOS\n-----\n\nInstall Python.\n"
    source, doc = ingest_source("setup.rst", text, None)
    assert source.chrome == []
    assert [b.label for b in doc.blocks if b.kind == "heading"] == [
        "Setup",
        "Windows",
        "Linux",
        "macOS",
    ]


# --- Found by these tests; failing until the reader is fixed ------------------------------


def test_a_directives_code_is_found_at_its_own_lines_not_a_later_copy() -> None:
    """docutils gives a code-block's node the line after the directive, which the reader
    takes as where to start looking: a one-line block is found at the next line with the same
    text (a doctest's output), and every block between them is lost."""
    doc = read(
        "Title\n=====\n\n.. code-block:: python\n\n   None\n\nOther\n=====\n\n>>> f()\nNone\n"
    )
    assert kinds_and_texts(doc) == [
        ("heading", "Title"),
        ("code", "   None"),
        ("heading", "Other"),
        ("code", ">>> f()\nNone"),
    ]


def test_bibliographic_fields_after_the_title_give_the_date_and_are_not_paragraphs() -> None:
    """docutils' docinfo: the field list right after the document title (the spec's place
    for `:Date:`); its values must not be passages of their own ("2020-01-01")."""
    doc = read("Title\n=====\n\n:Date: 2020-01-01\n:Author: Jane\n\nBody.\n")
    assert (doc.info.date and doc.info.date.value) == "2020-01-01"
    assert kinds_and_texts(doc) == [("heading", "Title"), ("paragraph", "Body.")]


def test_a_version_directives_text_on_its_next_line_is_content() -> None:
    """CPython's docs write `.. versionchanged:: 3.3` with the explanation indented on the next
    line, which docutils parses as the directive's second argument, not its content."""
    doc = read("Intro.\n\n.. versionchanged:: 3.3\n   Added the *foo* parameter.\n")
    assert "Added the *foo* parameter." in [shown(doc, b) for b in doc.blocks]


def test_a_definition_lists_term_is_content() -> None:
    doc = read("Options\n=======\n\n``-O``\n   Remove assert statements.\n")
    assert "``-O``" in " ".join(shown(doc, b) for b in doc.blocks)


def test_table_cells_are_content() -> None:
    doc = read(
        "+-------+-------+\n| alpha | beta  |\n+-------+-------+\n\n"
        "=====  =====\ngamma  delta\n=====  =====\n"
    )
    read_text = " ".join(shown(doc, b) for b in doc.blocks)
    for cell in ("alpha", "beta", "gamma", "delta"):
        assert cell in read_text


def test_a_transition_is_never_inside_a_passage() -> None:
    text = (
        "Setup\n=====\n\nSee the reference for every variable.\n\n----------\n\n"
        "While not required, set the fake Redis flag in development.\n"
    )
    assert_passages_avoid("setup.rst", text, "----------")


def test_a_byte_order_mark_does_not_hide_the_title() -> None:
    doc = read("\ufeffTitle\n=====\n\nBody text.\n")
    assert kinds_and_texts(doc) == [("heading", "Title"), ("paragraph", "Body text.")]
    assert doc.info.title is not None and doc.info.title.value == "Title"


def test_a_paragraph_of_substitutions_alone_is_chrome() -> None:
    """A README's row of badges (`|pypi| |versions|`, linked or not, each defined below as an
    image) and a logo show no text to quote, as in Markdown; a substitution inside a
    sentence leaves the sentence."""
    doc = read(
        "Pkg\n===\n\n"
        "|pypi| |versions| |ci|_\n\n"
        "|Logo|\n\n"
        "Pkg parses |format| files quickly.\n\n"
        ".. |pypi| image:: https://img.shields.io/pypi/v/pkg.svg\n"
        ".. |versions| image:: https://img.shields.io/pypi/pyversions/pkg.svg\n"
        ".. |ci| image:: https://example.org/ci.svg\n"
        ".. _ci: https://example.org/ci\n"
        ".. |Logo| image:: https://example.org/logo.png\n"
        ".. |format| replace:: INI\n"
    )
    assert kinds_and_texts(doc) == [
        ("heading", "Pkg"),
        ("paragraph", "Pkg parses |format| files quickly."),
    ]
    assert [c.kind for c in doc.chrome] == ["images", "images"]
