"""index/passages.py: a passage never spans two sections, so no quote holds a heading.

Found by tests/readers/test_generated_quotes.py (a plain-text quote ran from the paragraph
above an underlined heading through the heading, its underline and the paragraph below);
failing until passages are cut at every heading rather than where the heading's text changes.
"""

from __future__ import annotations

import pytest

from index.ingest import ingest_source


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
