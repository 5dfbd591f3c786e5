"""The plain-text reader (index/readers/plain_text.py): structure from the lines themselves,
and the news-page chrome rules that Markdown and reStructuredText are spared."""

from __future__ import annotations

from index.ingest import ingest_source
from index.readers.plain_text import PlainTextReader
from tests.readers.block_checks import (
    assert_cells_in_rows,
    assert_no_underline_content,
    assert_well_formed,
    kinds_and_texts,
)


def read(text: str):
    doc = PlainTextReader().read(text)
    assert_well_formed(doc)
    assert_no_underline_content(doc)
    assert_cells_in_rows(doc)
    return doc


def test_title_from_the_first_heading_and_date_from_a_dateline() -> None:
    doc = read("City Council Votes on Budget\n\nBoston, January 29, 2026\n\nThe council met.\n")
    assert (doc.info.title.value, doc.info.title.origin) == (
        "City Council Votes on Budget",
        "first heading",
    )
    assert (doc.info.date.value, doc.info.date.origin) == ("January 29, 2026", "dateline")


def test_blocks_of_each_kind_are_exact_spans() -> None:
    text = (
        "Budget Report\n\n"
        "The council met on Tuesday. It voted\n"
        "to raise the budget.\n\n"
        "How much did it rise?\n"
        "By four percent.\n\n"
        "| Year | Budget |\n"
        "|------|--------|\n"
        "| 2025 | 4.1 billion |\n"
    )
    doc = read(text)
    assert kinds_and_texts(doc) == [
        ("heading", "Budget Report"),
        ("paragraph", "The council met on Tuesday. It voted\nto raise the budget."),
        ("question", "How much did it rise?"),
        ("paragraph", "By four percent."),
        ("row", "| Year | Budget |"),
        ("row", "| 2025 | 4.1 billion |"),
    ]
    header, row = (b for b in doc.blocks if b.kind == "row")
    assert header.header and not row.header
    assert [text[s:e] for s, e in row.cells] == ["2025", "4.1 billion"]


def test_a_row_of_empty_value_cells_is_kept_and_only_the_separator_dropped() -> None:
    """`| - | - |` is a body row whose cells say "no value"; only a `|---|` line (the rule
    index/layout.py marks as table furniture) is the header's separator."""
    text = "| Year | Count |\n|------|-------|\n| 2024 | - |\n| - | - |\n| 2025 | 57 |\n"
    doc = read(text)
    assert kinds_and_texts(doc) == [
        ("row", "| Year | Count |"),
        ("row", "| 2024 | - |"),
        ("row", "| - | - |"),
        ("row", "| 2025 | 57 |"),
    ]
    (table,) = ingest_source("counts.txt", text, None)[0].tables
    assert table.header == ["Year", "Count"]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["2024", "-"],
        ["-", "-"],
        ["2025", "57"],
    ]


def test_an_underline_is_never_content_and_makes_the_line_above_a_heading() -> None:
    doc = read(
        "how do I send a DM to a user?\n"
        "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n\n"
        "Use the send method of the user.\n\n"
        "=============\n"
        "Other section\n"
        "=============\n"
    )
    assert kinds_and_texts(doc) == [
        ("heading", "how do I send a DM to a user?"),
        ("paragraph", "Use the send method of the user."),
        ("heading", "Other section"),
    ]


def test_news_page_chrome_rules_apply_to_plain_text() -> None:
    """The rules Markdown and reStructuredText are spared (tests/readers/test_commonmark.py)
    are plain text's: a run of headline links and an author bio at the end are chrome."""
    text = (
        "Main Headline Here\n\n"
        "The story begins. It goes on for a while.\n\n"
        "Related Story One\nRelated Story Two\nRelated Story Three\n\n"
        "Author: Jane Doe\nJane writes about the city.\n"
    )
    doc = read(text)
    assert kinds_and_texts(doc) == [
        ("heading", "Main Headline Here"),
        ("paragraph", "The story begins. It goes on for a while."),
    ]
    assert {c.kind for c in doc.chrome} == {"link-list", "author-bio"}
