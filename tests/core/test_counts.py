"""What a figure counts, and whether a text can answer a "how many" (bot/core/counts.py)."""

from __future__ import annotations

from bot.core.counts import count_problem, counted_figures, counts


def test_a_figure_counts_the_words_after_it_or_those_of_the_figure_it_is_compared_with() -> None:
    text = "ICE sent 15 detainer requests, down from 19, and 100% were refused."
    assert counted_figures(text, "how many detainer requests") == [
        ("detainer", "requests"),
        ("detainer", "requests"),
    ]
    assert counted_figures("Two in 2021.", "how many") == [()]  # a year is no count


def test_a_count_answers_when_it_counts_the_head_of_what_is_asked() -> None:
    assert counts(("detainer", "requests"), ("requets",))  # a typo forgiven
    assert counts(("hit", "points"), ("hp",))  # initials
    assert counts(("tons",), ("gigatons",))  # a unit within a unit
    assert not counts(("embeds",), ("characters",))


def test_a_text_counting_only_something_else_cannot_answer() -> None:
    asked = "how many embeds can a message have"
    assert count_problem(("embeds",), "A footer holds 256 characters.", asked) == (
        "The closest passage counts characters, not embeds."
    )
    assert count_problem(("embeds",), "Nothing is counted here.", asked) == (
        "The sources give no number of embeds."
    )
    assert count_problem(("embeds",), "A message holds 10 embeds.", asked) is None
    assert count_problem(("embeds",), "The total is limited to 6000.", asked) is None
