"""Figures in text and what each counts: "57 civil immigration detainer requests", "two in
2021". The one place that finds figures for answering, for conflicts and for fact values.

A figure is digits ("1,000", "2.5") or number words ("one hundred and ninety-eight"); the
words after it say what it counts. Years are not figures, and neither are the numbers of a
date ("December 27").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.expect import MONTHS, YEAR
from bot.core.number_words import NUMBER_WORDS

DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# Number words, joined by spaces, hyphens or "and": "two thousand and five".
WORD_NUMBER = rf"(?:{NUMBER_WORDS})(?:(?:[\s-]+|\s+and\s+)(?:{NUMBER_WORDS}))*"
# A figure, and (looked ahead, not consumed) up to five words after it: a figure among those
# words is found again as a figure of its own.
_FIGURE = re.compile(
    rf"(?<![\w.,])({DIGITS}|{WORD_NUMBER})(?![\w])(?=((?:\s+[\w’'-]+){{0,5}}))", re.IGNORECASE
)
_DATE_NUMBER = re.compile(rf"\b(?:{MONTHS})\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{MONTHS})\b")
# What makes a figure a share, not a count: "100%", "40 percent".
_SHARE = re.compile(r"\s*(?:%|per ?cent\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """A figure as written, where it starts, the words after it, and whether it is a share."""

    text: str
    start: int
    after: str
    share: bool


def find_figures(text: str) -> list[Figure]:
    """Every figure of `text` that is not a year or part of a date, in order."""
    dates = [m.span() for m in _DATE_NUMBER.finditer(text)]
    return [
        Figure(m.group(1), m.start(1), m.group(2), bool(_SHARE.match(text, m.end(1))))
        for m in _FIGURE.finditer(text)
        if not YEAR.fullmatch(m.group(1)) and not any(a <= m.start(1) < b for a, b in dates)
    ]
