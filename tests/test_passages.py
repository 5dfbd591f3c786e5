"""index/passages.py: a passage never spans two sections, so no quote holds a heading.

Found by tests/readers/test_generated_quotes.py (a plain-text quote ran from the paragraph
above an underlined heading through the heading, its underline and the paragraph below);
failing until passages are cut at every heading rather than where the heading's text changes.
"""

from __future__ import annotations

import pytest

from index.ingest import ingest_source
from index.readers import read_document


def headings_inside_passages(name: str, text: str, headings: list[str]) -> list[str]:
    """The heading lines some passage runs across."""
    source, _ = ingest_source(name, text, None)
    assert source.passages
    found = []
    for heading in headings:
        at = text.index(heading)
        found += [heading for p in source.passages if p.start < at < p.end]
    return found


@pytest.mark.parametrize(
    ("name", "text", "headings"),
    [
        # Two sections with the same heading: the second's passage starts at its heading.
        (
            "guide.md",
            "# Usage\n\nFirst part text here.\n\n## Example\n\nOne example here.\n\n"
            "## Example\n\nAnother example here.\n",
            ["## Example\n\nAnother"],
        ),
        # Text before the first heading is the title's, and the title is that heading's text.
        (
            "setup.md",
            "Intro line before any heading.\n\n# Setup\n\nSetup text here.\n",
            ["# Setup"],
        ),
        (
            "notes.txt",
            "How do I start?\nRun the installer.\n\nNext Steps\n----------\n\n"
            "Open the app. Sign in.\n",
            ["Next Steps\n---"],
        ),
        (
            "faq.rst",
            "Intro paragraph.\n\nSetup\n=====\n\nSetup text here.\n\nSetup\n-----\n\nMore text.\n",
            ["Setup\n=====", "Setup\n-----"],
        ),
    ],
)
def test_no_passage_runs_across_a_heading(name: str, text: str, headings: list[str]) -> None:
    assert headings_inside_passages(name, text, headings) == []


@pytest.mark.parametrize(
    ("name", "text", "label"),
    [
        (
            "faq.html",
            "<html><body><h1>FAQ</h1><p><b>(23) A compiler error.</b></p>"
            "<blockquote>Build it otherwise.</blockquote>"
            "<p><b>(24) My WHERE clause does not work.</b></p>"
            "<blockquote>Use single quotes around strings.</blockquote></body></html>",
            "(24) My WHERE clause does not work.",
        ),
        ("guide.md", "# Guide\n\nWrite the page.\n\n**Output:**\n\nThe page.\n", "**Output:**"),
        ("guide.rst", "Guide\n=====\n\nWrite it.\n\n**Output:**\n\nThe page.\n", "**Output:**"),
    ],
)
def test_a_paragraph_wholly_in_bold_is_a_labels_sentence(name: str, text: str, label: str) -> None:
    """A run-in label's sentences are of their own kind, which no quote runs into
    (bot/core/evidence.py); the passages are as before (no BM25 statistic moves)."""
    doc = read_document(name, text)
    (at,) = [b.start for b in doc.blocks if b.emphasized][-1:]
    source, _ = ingest_source(name, text, None)
    kinds = {s[0]: s[3] for p in source.passages for s in p.sentences}
    assert kinds[at] == "label" and doc.text[at : at + len(label)] == label
    assert [k for s, k in kinds.items() if s != at and k == "label"] == (
        ["label"] if name.endswith(".html") else []  # the page's other entry title
    )


@pytest.mark.parametrize(
    ("name", "text", "emphasized"),
    [
        ("a.md", "# T\n\n**Output:**\n", True),
        ("b.md", "# T\n\n**Problem**<br>\nDocker is not started.\n", False),  # label and text
        ("c.md", "# T\n\nSome **bold** words.\n", False),
        ("d.md", "# T\n\n**one** and **two**\n", False),
        ("e.html", "<p><b>(24) My WHERE clause does not work.</b></p>", True),
        ("f.html", "<p>Plain with <b>bold</b> inside.</p>", False),
        ("g.rst", "T\n=\n\n**Output:**\n", True),
        ("h.rst", "T\n=\n\nSome **bold** words.\n", False),
    ],
)
def test_which_paragraphs_are_wholly_bold(name: str, text: str, emphasized: bool) -> None:
    doc = read_document(name, text)
    paragraphs = [b for b in doc.blocks if b.kind == "paragraph"]
    assert len(paragraphs) == 1 and paragraphs[0].emphasized is emphasized


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("types.html", "<h1>T</h1><table><tr><td>REAL</td></tr></table>)^<p>^Note this.</p>"),
        ("notes.md", "# T\n\nFirst point.\n\n…\n\nSecond point.\n"),
        ("notes.txt", "First point.\n\n* * *\n\nSecond point.\n"),
    ],
)
def test_a_sentence_without_a_letter_or_digit_is_in_no_passage(name: str, text: str) -> None:
    """SQLite's pages show a stray ")^" after a table: as a sentence it opened a window before
    the one that answers, and no quote is better for holding it."""
    source, _ = ingest_source(name, text, None)
    doc = read_document(name, text)
    sentences = [doc.text[s[0] : s[1]] for p in source.passages for s in p.sentences]
    assert sentences and all(any(ch.isalnum() for ch in s) for s in sentences)
    assert sentences[-1].endswith("point.") or sentences[-1] == "^Note this."
