"""Values as written are read as numbers, with their unit and qualifier."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.expect import NUMBER
from bot.core.number_words import NUMBER_WORDS, VAGUE
from bot.facts.numbers import read_figure, words_to_number
from bot.facts.periods import parse_period


@pytest.mark.parametrize(
    ("value", "number", "unit", "qualifier"),
    [
        ("two", 2, None, None),
        ("100%", 100, "percent", None),
        ("more than 12", 12, None, "more than"),
        ("almost 200", 200, None, "almost"),
        ("57 civil immigration detainer requests", 57, None, None),
        ("up to 48 hours", 48, "hours", "up to"),
        ("a 48-hour hold", 48, "hours", None),
        ("1,250", 1250, None, None),
        ("2.5 percent", 2.5, "percent", None),
        ("twenty-one", 21, None, None),
        ("three hundred", 300, None, None),
    ],
)
def test_read_figure(value: str, number: float, unit: str | None, qualifier: str | None) -> None:
    figure = read_figure(value)
    assert figure is not None
    assert (figure.number, figure.unit, figure.qualifier) == (number, unit, qualifier)


@pytest.mark.parametrize("value", ["Michael Cox", "January 2023", "December 27, 2024", "several"])
def test_names_dates_and_vague_words_have_no_number(value: str) -> None:
    assert read_figure(value) is None


def test_words_to_number_refuses_non_numbers() -> None:
    assert words_to_number("one thousand two hundred") == 1200
    assert words_to_number("many") is None


def test_period_is_split_from_the_query() -> None:
    period = parse_period("detainer requests in 2024")
    assert (period.years, period.relative, period.rest) == (
        frozenset({"2024"}),
        None,
        "detainer requests",
    )
    relative = parse_period("How many requests last year?")
    assert (relative.years, relative.relative, relative.rest) == (
        frozenset(),
        -1,
        "How many requests ?",
    )


def test_every_scale_is_read_up_to_trillions() -> None:
    assert words_to_number("two trillion") == 2_000_000_000_000
    assert words_to_number("one billion five hundred million") == 1_500_000_000
    figure = read_figure("about three trillion")
    assert figure is not None and (figure.number, figure.qualifier) == (3 * 10**12, "about")


def test_every_number_word_found_in_text_is_read_unless_vague() -> None:
    """The words the engine finds as numbers are the words figures are read from."""
    found = NUMBER.findall(" ".join(NUMBER_WORDS.split("|")))
    unread = {w for w in found if words_to_number(w) is None}
    assert unread == set(VAGUE)


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen \
fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _spelt(n: int) -> str:
    """n in words the British way ("one hundred and ninety-eight"): the test's own oracle."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return f"{_ONES[n // 100]} hundred" + (f" and {_spelt(rest)}" if rest else "")
    rest = n % 1000
    joiner = " and " if 0 < rest < 100 else " "
    return f"{_spelt(n // 1000)} thousand" + (f"{joiner}{_spelt(rest)}" if rest else "")


@given(st.integers(min_value=1, max_value=999_999))
def test_number_words_joined_with_and_read_right(n: int) -> None:
    figure = read_figure(_spelt(n))
    assert figure is not None and figure.number == n, _spelt(n)


def test_the_issues_examples() -> None:
    assert read_figure("one hundred and ninety-eight").number == 198  # type: ignore[union-attr]
    assert read_figure("two thousand and five").number == 2005  # type: ignore[union-attr]
