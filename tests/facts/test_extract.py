"""Pipe tables and FAQ blocks are read from sources with exact offsets, and become facts."""

from __future__ import annotations

from bot.facts.from_tables import table_facts
from index.ingest import ingest_text
from index.models import Document, SourceMeta

from .corpus import REPORT

SERIES = """Yearly counts

| Year | Requests | Declined |
|:---|---:|---:|
| 2023 | 19 | 19 |
| 2024 | 15 | all 15 |

Author: Staff
| Not | a table of the article |
|---|---|
| x | y |
"""


def _ingest(name: str, text: str, meta: SourceMeta | None = None) -> Document:
    """Tables and FAQs are found at ingestion, from the lines it has already classified."""
    return ingest_text(name, text, meta)


def test_table_rows_and_cells_are_verbatim_with_caption_and_header() -> None:
    text = "Intro.\nKey Figures\n| A | B \\| C |\n|---|---|\n|  one  | two \\| three |\n"
    (table,) = _ingest("t.txt", text).tables
    assert table.caption == "Key Figures"
    assert table.header == ["A", "B \\| C"]
    (row,) = table.rows
    assert text[row.start : row.end] == "|  one  | two \\| three |"
    assert [c.text for c in row.cells] == ["one", "two \\| three"]
    assert all(text[c.start : c.end] == c.text for c in row.cells)
    assert row.line == 5


def test_tables_in_page_chrome_are_ignored() -> None:
    tables = _ingest("s.txt", SERIES).tables
    assert [t.caption for t in tables] == ["Yearly counts"]


def test_feature_table_becomes_facts_with_period_and_figure() -> None:
    meta = SourceMeta(file="r.txt", title="Report", publisher="City Desk")
    facts = {f.measure: f for f in table_facts(_ingest("r.txt", REPORT, meta).tables, REPORT, meta)}
    declined = facts["Requests Declined"]
    assert (declined.period, declined.value, declined.number) == ("2024", "15", 15)
    assert declined.subject == "Key Figures"
    assert declined.claimed_by == "City Desk"
    assert facts["Share Declined"].unit == "percent"
    assert facts["Official in Charge"].value == "Chief Ann Smith"
    assert facts["Official in Charge"].number is None
    for fact in facts.values():
        assert REPORT[fact.start : fact.end] == fact.quote
        assert fact.origin == "table"


def test_series_table_gives_one_fact_per_year_and_column() -> None:
    meta = SourceMeta(file="s.txt", title="Series")
    facts = table_facts(_ingest("s.txt", SERIES, meta).tables, SERIES, meta)
    cells = {(f.measure, f.period): f.value for f in facts}
    assert cells == {
        ("Requests", "2023"): "19",
        ("Declined", "2023"): "19",
        ("Requests", "2024"): "15",
        ("Declined", "2024"): "all 15",
    }
    assert all(f.claimed_by == "Series" for f in facts)


def test_faq_pairs_are_question_lines_followed_by_their_answer() -> None:
    entries = _ingest("r.txt", REPORT).faqs
    pairs = [
        (REPORT[e.question.start : e.question.end], REPORT[e.answer.start : e.answer.end])
        for e in entries
    ]
    assert pairs == [
        (
            "How many detainer requests did the police receive in 2024?",
            "The police department received 15 detainer requests in 2024.",
        ),
        ("Who leads the police department?", "Chief Ann Smith leads the police department."),
    ]
    assert [e.line for e in entries] == [8, 10]


def test_a_question_inside_a_paragraph_or_before_another_question_is_not_an_faq() -> None:
    text = (
        "Why does it matter? Because it does.\n"
        "What comes next?\n"
        "Who decides?\n"
        "The council decides.\n"
    )
    entries = _ingest("x.txt", text).faqs
    assert [text[e.question.start : e.question.end] for e in entries] == ["Who decides?"]


def test_empty_and_placeholder_cells_state_no_fact() -> None:
    text = (
        "Officials\n| Role | Name |\n|---|---|\n"
        "| Commissioner | |\n| Mayor | — |\n| Chief | n/a |\n| Advisor | N/A |\n"
        "| Czar | none |\n| Deputy | - |\n| Clerk | Jo Lee |\n"
    )
    meta = SourceMeta(file="o.txt", title="Officials")
    facts = table_facts(_ingest("o.txt", text, meta).tables, text, meta)
    assert [(f.measure, f.value) for f in facts] == [("Clerk", "Jo Lee")]


def test_an_empty_cell_of_a_series_skips_only_that_year() -> None:
    text = "Yearly counts\n| Year | Requests |\n|---|---|\n| 2023 | |\n| 2024 | 15 |\n"
    meta = SourceMeta(file="s.txt", title="Series")
    facts = table_facts(_ingest("s.txt", text, meta).tables, text, meta)
    assert [(f.period, f.value) for f in facts] == [("2024", "15")]


EMBEDS = """# Embed Limits

| **Element** | **Characters** |
| -------------- | ---------------------- |
| Title | 256 |
| **Entire Embed** | **6000**

| **Element** | **Count** |
| -------------- | ---------------------- |
| Fields | 25 |

| Token | Description |
|---|---|
| `TOKENS_GITHUB` | Raises rate limits from 60 to 5000 requests per hour. |
| `TOKENS_TMDB` | Required. [Docs](https://example.test/3/getting-started) |
"""


def test_two_tables_apart_by_a_blank_line_are_two_tables() -> None:
    """The second table's header was dropped and its rows joined the first: "Fields | 25"
    read as a count of characters."""
    tables = _ingest("embeds.md", EMBEDS).tables
    assert [t.header for t in tables] == [
        ["**Element**", "**Characters**"],
        ["**Element**", "**Count**"],
        ["Token", "Description"],
    ]
    assert [[r.cells[0].text for r in t.rows] for t in tables][:2] == [
        ["Title", "**Entire Embed**"],
        ["Fields"],
    ]


def test_a_cell_states_a_figure_only_when_it_opens_with_one() -> None:
    """A cell of prose states no figure ("60" of "rate limits from 60 to 5000", "3" of a
    link); emphasis around a figure ("**6000**") hides none. A plural value header names what
    a two-column table's figures count; "Count" names none."""
    meta = SourceMeta(file="embeds.md", title="Embeds")
    facts = {
        f.measure: f for f in table_facts(_ingest("embeds.md", EMBEDS, meta).tables, EMBEDS, meta)
    }
    assert {m: (f.number, f.counts) for m, f in facts.items()} == {
        "Title": (256, "Characters"),
        "**Entire Embed**": (6000, "Characters"),
        "Fields": (25, None),
        "`TOKENS_GITHUB`": (None, None),
        "`TOKENS_TMDB`": (None, None),
    }
    assert facts["**Entire Embed**"].value == "6000"
    for fact in facts.values():
        assert EMBEDS[fact.start : fact.end] == fact.quote and fact.value in fact.quote
