"""Figures in text: what `find_figures` counts as one."""

from __future__ import annotations

import pytest

from bot.core.figures import find_figures, measure


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("5. Note down the IDs for your server", []),  # a list item's number
        ("(19) INSERT is really slow", []),  # an FAQ entry's number
        ("  2) Restart the bot", []),
        ("12. That is all", []),
        ("The police received 57 requests.", ["57"]),
        ("The total was 12.", ["12"]),  # a sentence's end, not a list
        ("3.5 million people", ["3.5", "million"]),
        ("Step 3. comes next", ["3"]),  # not first on its line
    ],
)
def test_a_list_items_number_is_no_figure(text: str, figures: list[str]) -> None:
    """A list item's or an FAQ entry's numbering counts nothing: "how many helpers are there"
    was answered "5" from "5. Note down the IDs …" (a setup guide's fifth step)."""
    assert [f.text for f in find_figures(text)] == figures


@pytest.mark.parametrize(
    ("text", "measures"),
    [
        ("A licence lasts five years.", ["five years"]),
        ("Repairs take three to four weeks.", [None, "three to four weeks"]),
        ("It took 2 – 3 hours.", [None, "2 – 3 hours"]),
        ("Each member serves a three-year term.", ["three-year"]),
        ("A 45-year-old pilot named two deputies.", [None, None]),
    ],
)
def test_a_measure_is_a_figure_with_its_unit_from_its_ranges_start(
    text: str, measures: list[str | None]
) -> None:
    """What "how long" is answered with: a figure and the unit after it, or joined to it;
    a range whole; an age or a count of things is no measure."""
    assert [measure(text, f) for f in find_figures(text)] == measures
