"""Read a value as written ("more than 12", "two", "100%", "48 hours") as a number.

Conflicts are found by comparing numbers, so "two" and "2" agree and "15" and "198" do not.
"""

from __future__ import annotations

import re

from bot.core.expect import TIME_UNIT_WORDS, TIME_UNITS
from bot.core.figures import DIGITS, WORD_NUMBER
from bot.core.number_words import SCALES, UNITS
from bot.facts.models import Figure
from bot.facts.periods import MONTH

QUALIFIERS = (
    "more than|less than|fewer than|over|under|nearly|almost|about|around|roughly|"
    "approximately|at least|at most|up to|some|all|just over|just under"
)
FIGURE = re.compile(
    rf"(?:\b(?P<qualifier>{QUALIFIERS})\s+)?"
    rf"(?P<amount>(?<![\w.]){DIGITS}(?![\d])|\b{WORD_NUMBER}\b)"
    rf"(?:\s*(?P<percent>%|percent\b|per cent\b)|[\s-]+(?P<unit>{TIME_UNIT_WORDS})\b)?",
    re.IGNORECASE,
)


def words_to_number(words: str) -> int | None:
    """ "two" → 2, "twenty-one" → 21, "three hundred" → 300; None for "several"."""
    total, current = 0, 0
    for word in re.split(r"[\s-]+", words.lower().strip()):
        if word in UNITS:
            current += UNITS[word]
        elif word in SCALES:
            current = max(current, 1) * SCALES[word]
            if SCALES[word] >= 1_000:
                total, current = total + current, 0
        elif word != "and":
            return None
    return total + current


def _amount(text: str) -> int | float | None:
    if text[:1].isdigit():
        number = float(text.replace(",", ""))
        return int(number) if number.is_integer() else number
    return words_to_number(text)


def read_figure(value: str) -> Figure | None:
    """The first figure of `value`, with its unit and qualifier; None for none, or a date."""
    if MONTH.search(value):
        return None
    for match in FIGURE.finditer(value):
        number = _amount(match.group("amount"))
        if number is None:
            continue
        unit = "percent" if match.group("percent") else match.group("unit")
        if unit and unit.lower() != "percent":
            unit = TIME_UNITS[unit.lower()]
        qualifier = match.group("qualifier")
        return Figure(
            number=number,
            unit=unit.lower() if unit else None,
            qualifier=qualifier.lower() if qualifier else None,
        )
    return None


def figure_fields(value: str) -> dict[str, int | float | str | None]:
    """`number`, `unit` and `qualifier` of a Fact whose value is `value`."""
    figure = read_figure(value)
    return figure.model_dump() if figure else {"number": None, "unit": None, "qualifier": None}
