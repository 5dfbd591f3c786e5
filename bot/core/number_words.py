"""Number words and their values: the one list that finding numbers in text and reading them use.

`bot.core.expect` builds its patterns from `NUMBER_WORDS`; `bot.facts.numbers` reads
values with `UNITS` and `SCALES`. One list, so a word cannot be found and then not read.
"""

from __future__ import annotations

UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
# Words that speak of an amount without stating one: a number is there, but not its value.
VAGUE = ("dozens", "half", "twice", "several")
NUMBER_WORDS = "|".join([*UNITS, *SCALES, *VAGUE])
