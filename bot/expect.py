"""What kind of answer a question asks for, and whether a sentence carries one.

"How many" wants a number, "when" a date, "who" a name, "why" a reason. A sentence that has
the question's words *and* something of the wanted kind that the question does not already
hold is far likelier to answer it.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.number_words import NUMBER_WORDS


class Expect(StrEnum):
    MONEY = "money"
    PERCENT = "percent"
    NUMBER = "number"
    DATE = "date"
    PERSON = "person"
    PLACE = "place"
    REASON = "reason"
    ANY = "any"


_MONEY_WORDS = (
    r"cost|costs|price|prices|salary|salaries|wage|wages|pay|paid|earn|earns|earned|budget|"
    r"budgets|spend|spends|spent|fund|funds|funding|worth|money|revenue|income|fine|fines|fee|fees"
)
_RULES: list[tuple[re.Pattern[str], Expect]] = [
    (
        re.compile(
            rf"\bhow much\b(?=.*\b(?:{_MONEY_WORDS})\b)|"
            rf"\bwhat (?:is|was|are|were) (?:the |an? )?(?:\w+'s |\w+’s )?(?:{_MONEY_WORDS})\b",
            re.I,
        ),
        Expect.MONEY,
    ),
    (
        re.compile(r"\b(?:what|which) (?:percentage|percent|share|proportion)\b", re.I),
        Expect.PERCENT,
    ),
    (
        re.compile(
            r"\b(?:how (?:many|much|long|old|far|large|big|tall|high|often|fast)|"
            r"what (?:number|percentage|percent|proportion|amount|share)|"
            r"number of|count of)\b",
            re.I,
        ),
        Expect.NUMBER,
    ),
    (
        re.compile(
            r"\b(?:when|what (?:year|date|day|month|time|century|decade|era|period)|"
            r"which (?:year|date|day|month|century|decade))\b",
            re.I,
        ),
        Expect.DATE,
    ),
    (re.compile(r"\b(?:who|whom|whose)\b", re.I), Expect.PERSON),
    (
        re.compile(r"\bwhere\b|\b(?:what|which) (?:city|country|state|place|region|town)\b", re.I),
        Expect.PLACE,
    ),
    (re.compile(r"\bwhy\b|\bwhat (?:reason|cause)|\breason\b", re.I), Expect.REASON),
]

NUMBER = re.compile(rf"\b\d[\d,.]*\b|\b(?:{NUMBER_WORDS})\b", re.I)
# A year as the sources and questions write one: "2024". The one definition every module uses.
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_PERCENT = re.compile(r"\d\s*%|\bper ?cent\b", re.I)
_MONEY = re.compile(
    r"[$€£¥]\s?\d|\b\d[\d,.]*\s*(?:dollars|euros|pounds|yen|cents|francs|marks)\b|"
    r"\b(?:USD|EUR|GBP)\s?\d",
    re.I,
)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = re.compile(
    rf"\b(?:1\d{{3}}|20\d{{2}})s?\b|\b(?:{MONTHS})\b|\b\d{{1,2}}(?:st|nd|rd|th) century\b|"
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|"
    r"last (?:year|month|week)|this (?:year|month|week))\b",
    re.I,
)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+(?:[A-Z][a-z]+|[A-Z]\.))*")
REASON = re.compile(
    r"\b(?:because|due to|owing to|since|as a result|attributed to|in order to|so that|"
    r"so as to|aims? to|designed to|reason|caused by|led to|thanks to|mandates?)\b",
    re.I,
)
_PLACE = re.compile(r"\b(?:in|at|near|from|to|of)\s+(?:the\s+)?[A-Z][a-z]+")


def expected(question: str) -> Expect:
    """The kind of answer the question's wording asks for; the first rule that fits wins."""
    for pattern, kind in _RULES:
        if pattern.search(question):
            return kind
    return Expect.ANY


def carries(kind: Expect, sentence: str, question: str) -> bool:
    """True when `sentence` holds something of `kind` that the question does not already say."""
    q = question.lower()
    if kind is Expect.MONEY:
        return bool(_MONEY.search(sentence))
    if kind is Expect.PERCENT:
        return bool(_PERCENT.search(sentence))
    if kind is Expect.NUMBER:
        return any(m.group(0).lower() not in q for m in NUMBER.finditer(sentence))
    if kind is Expect.DATE:
        return any(m.group(0).lower() not in q for m in DATE.finditer(sentence))
    if kind is Expect.PERSON:
        return any(m.group(0).lower() not in q for m in _NAME.finditer(sentence))
    if kind is Expect.PLACE:
        return any(m.group(0).split()[-1].lower() not in q for m in _PLACE.finditer(sentence))
    if kind is Expect.REASON:
        return bool(REASON.search(sentence))
    return False
