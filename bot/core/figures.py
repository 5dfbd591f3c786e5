"""Figures in text and what each counts: "57 civil immigration detainer requests", "two in
2021". The one place that finds figures for answering, for conflicts and for fact values.

A figure is digits ("1,000", "2.5") or number words ("one hundred and ninety-eight"); the
words after it say what it counts. Years are not figures, and neither are the numbers of a
date ("December 27").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.expect import MEASURE_UNITS, MONTHS, YEAR
from bot.core.number_words import NUMBER_WORDS

DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# Number words, joined by spaces, hyphens or "and": "two thousand and five".
WORD_NUMBER = rf"(?:{NUMBER_WORDS})(?:(?:[\s-]+|\s+and\s+)(?:{NUMBER_WORDS}))*"
# A figure, and (looked ahead, not consumed) up to five words after it: a figure among those
# words is found again as a figure of its own.
_FIGURE = re.compile(
    rf"(?<![\w.,])({DIGITS}|{WORD_NUMBER})(?![\w])(?=((?:\s+[\w’'-]+){{0,5}}))", re.IGNORECASE
)
# A range's first figure, just before its last: "five to ten (years)", "2-3 (days)".
_RANGE_START = re.compile(rf"(?<![\w.,])(?:{DIGITS}|{WORD_NUMBER})\s*(?:to|or|-|–)\s*$", re.I)
# The word a figure is joined to ("three-year", not the age "45-year-old") or, else, the next
# word ("three years").
_JOINED_WORD = re.compile(r"-([^\W\d_]+)(?![\w-])")
_NEXT_WORD = re.compile(r"\s+([\w’'-]+)")
_DATE_NUMBER = re.compile(rf"\b(?:{MONTHS})\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{MONTHS})\b")
# What follows a list item's number: "5. ", "2) ", "(19) ".
_ITEM_END = re.compile(r"[.)](?:\s|$)")
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
    """Every figure of `text` that is not a year, part of a date or a list's numbering, in
    order."""
    dates = [m.span() for m in _DATE_NUMBER.finditer(text)]
    return [
        Figure(m.group(1), m.start(1), m.group(2), bool(_SHARE.match(text, m.end(1))))
        for m in _FIGURE.finditer(text)
        if not YEAR.fullmatch(m.group(1))
        and not any(a <= m.start(1) < b for a, b in dates)
        and not _numbers_an_item(text, m.start(1), m.end(1))
    ]


def _numbers_an_item(text: str, start: int, end: int) -> bool:
    """Whether the figure at `start:end` numbers a list item or an FAQ entry: first on its
    line, then "." or ")" and a space ("5. Note down the IDs", "(19) INSERT is really
    slow"). It counts nothing: "how many helpers" is not answered by the fifth step."""
    before = text[text.rfind("\n", 0, start) + 1 : start].strip()
    return before in ("", "(") and _ITEM_END.match(text, end) is not None


def measure(text: str, figure: Figure) -> str | None:
    """`figure` of `text` with the unit written after it, one of MEASURE_UNITS ("several
    years", "a three-year term"), from the start of the range it ends ("five to ten years");
    None when no unit follows ("two deputy ministers")."""
    end = figure.start + len(figure.text)
    unit = _JOINED_WORD.match(text, end) or _NEXT_WORD.match(text, end)
    if unit is None or unit.group(1).casefold() not in MEASURE_UNITS:
        return None
    start = figure.start
    if found := _RANGE_START.search(text, max(0, start - 60), start):
        start = found.start()
    return text[start : unit.end()]


def measures(text: str) -> list[str]:
    """Every figure of `text` written with its unit (`measure`), in order."""
    return [m for f in find_figures(text) if (m := measure(text, f)) is not None]
