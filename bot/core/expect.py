"""What kind of answer a question asks for, and whether a sentence carries one.

"How many" wants a number, "when" a date, "who" a name, "why" a reason. A sentence that has
the question's words *and* something of the wanted kind that the question does not already
hold is far likelier to answer it.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.core.number_words import NUMBER_WORDS
from index.analyzer import STOPWORDS


class Expect(StrEnum):
    DEFINITION = "definition"
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
# "what is a detainer?", "what's the trust act?", "what does the Trust Act do?": the thing
# asked about, a few words, whose definition or description answers the question.
DEFINED = re.compile(
    r"^what(?:'s|’s|s|\s+is|\s+are|\s+was|\s+were)\s+(?:an?\s+|the\s+)?"
    r"(?P<thing>(?:(?!of\b)[\w’'.-]+\s*){1,4}?)\s*\??$"
    r"|^who(?:'s|’s|\s+is|\s+was)\s+(?P<name>(?-i:[A-Z])[\w’'.-]*(?:\s+(?-i:[A-Z])[\w’'.-]*){0,3})\s*\??$"
    r"|^what\s+(?:does|do|did)\s+(?:an?\s+|the\s+)?(?P<doer>(?:[\w’'.-]+\s*){1,4}?)\s+"
    r"(?:do|mean|stand for)\s*\??$",
    re.I,
)
# The how-questions that ask for a measure, which a figure answers only with its unit
# ("several years", not the "two" of "two deputy ministers"): part of the number rule below,
# and `_MEASURED`. Not "how old": ages are written bare ("Cox, 58,"); not "how many" and "how
# much", which count.
_MEASURES = "long|far|large|big|tall|high|often|fast"
# "When would I need one", "when do I use which", "when to pick a tuple": when to choose or
# use something asks in which case, not on which date.
_CHOOSING = (
    r"\s+(?:(?:do|does|would|should|could|can|might|must)\s+)?(?:(?:i|you|we|one|people)\s+)?"
    r"(?:to\s+)?(?:ever\s+|actually\s+|really\s+)?(?:use|need|pick|choose|prefer|want)\b"
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
            rf"\b(?P<count>how (?:many|much|old|{_MEASURES}))\b|"
            r"\b(?:what (?:number|percentage|percent|proportion|amount|share))\b|"
            # "number of" asks for one where the question opens with it ("number of ICE
            # holds in 2021", "what's the max number of columns"), not inside another question
            # ("how do I call a function with a variable number of arguments", "who was
            # Count of Melfi").
            r"^(?:(?:what|which)(?:'s|’s|s|\s+is|\s+was|\s+are|\s+were)?\s+)?(?:the\s+)?"
            r"(?:(?:max(?:imum)?|min(?:imum)?|total|average|exact)\s+)?(?:number|count)\s+of\b",
            re.I,
        ),
        Expect.NUMBER,
    ),
    (
        re.compile(
            rf"\b(?:(?P<ask>when)(?!{_CHOOSING})|"
            r"what (?:year|date|day|month|time|century|decade|era|period)|"
            r"which (?:year|date|day|month|century|decade))\b",
            re.I,
        ),
        Expect.DATE,
    ),
    (DEFINED, Expect.DEFINITION),
    (re.compile(r"\b(?P<ask>who|whom|whose)\b", re.I), Expect.PERSON),
    (
        re.compile(
            r"\b(?P<ask>where)\b|\b(?:what|which) (?:city|country|state|place|region|town)\b",
            re.I,
        ),
        Expect.PLACE,
    ),
    (re.compile(r"\b(?P<ask>why)\b|\bwhat (?:reason|cause)|\breason\b", re.I), Expect.REASON),
]
# "When", "who", "where" and "why" ask only where they open a question: at its start, after
# punctuation, a conjunction or a preposition ("and when did …", "since when"), or after a
# verb that embeds a question ("does anyone know when …"). Elsewhere they join clauses: "a
# TypeError when I use a list as a key" asks no date, "the user who left" no name.
_OPENS_AFTER = frozenset(
    "and but so or then also ok okay hey hi in on at by since until till for from to of with "
    "about know knows tell me us wonder wondering ask asking sure idea explain remember out "
    "say says guess".split()
)
_CLAUSE_ENDS = frozenset(".?!;:,(—–-")
# A question opened by a question word that asks for no thing asks that, not the number a
# clause of it names: "why does bpd even need to count how many detainers come in" asks why,
# "How was it determined how many …" how. "how many" asks wherever else it stands
# ("Approximately how many works …", "What is the estimate of how many physicians …").
_OTHER_OPENER = re.compile(
    r"\s*(?:why|when|where|how\s+(?:is|was|are|were|do|does|did|can|could|should|would|will))\b",
    re.I,
)
_LAST_WORD = re.compile(r"(\w+)\W*$")
_WORD = re.compile(r"\w+")

_MEASURED = re.compile(rf"\bhow (?:{_MEASURES})\b", re.I)
# Units of time as English writes them after a figure, each form with its plural: what a
# fact's duration is counted in ("48 hours"), what an age may be given in ("a thousand
# years"), and part of MEASURE_UNITS.
_TIME_WORDS = """second seconds minute minutes hour hours day days week weeks month months year
    years decade decades century centuries millennium millennia""".split()
TIME_UNITS = {
    form: plural
    for one, plural in zip(_TIME_WORDS[::2], _TIME_WORDS[1::2], strict=True)
    for form in (one, plural)
}
# TIME_UNITS as a regex alternation, longest first ("seconds" before "second").
TIME_UNIT_WORDS = "|".join(sorted(TIME_UNITS, key=len, reverse=True))
# The units English writes after a figure of time, length, area, mass, size, speed, heat or
# frequency, as one word each: the measure a figure answers "how long" or "how far" with.
MEASURE_UNITS = frozenset(TIME_UNITS) | frozenset(
    """inch inches foot feet yard yards mile miles metre metres meter meters kilometre
    kilometres kilometer kilometers centimetre centimetres centimeter centimeters millimetre
    millimetres millimeter millimeters km cm mm ft acre acres hectare hectares gram grams
    kilogram kilograms kg pound pounds lb lbs ton tons tonne tonnes ounce ounces oz byte bytes
    kilobyte kilobytes megabyte megabytes gigabyte gigabytes terabyte terabytes kb mb gb tb
    kib mib gib tib character characters mph kph knots degree degrees times""".split()
)
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
# A month only as a name, capitalised: "you may", "march on" and "an august body" are words.
DATE = re.compile(
    # "22,000 years ago", "a billion years ago": a time counted back from the writing.
    rf"\b(?:\d[\d,.]*|an?|{NUMBER_WORDS})(?:[\s-]+(?:{NUMBER_WORDS}))*\s+"
    rf"(?:{TIME_UNIT_WORDS})\s+ago\b|"
    rf"\b(?:1\d{{3}}|20\d{{2}})s?\b|\b(?-i:{MONTHS})\b|\b\d{{1,2}}(?:st|nd|rd|th) century\b|"
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
        if any(_asks(question, m) for m in pattern.finditer(question)):
            return kind
    return Expect.ANY


def asks_measure(kind: Expect, question: str) -> bool:
    """Whether a question of `kind` asks "how long", "how far" and the like (`_MEASURES`):
    its answer line and its fact card must be a figure with its unit (figures.measures)."""
    return kind is Expect.NUMBER and _MEASURED.search(question) is not None


def _asks(question: str, match: re.Match[str]) -> bool:
    """Whether `match` asks: a wording of its own ("what year"), a question word that opens
    a question (`_OPENS_AFTER`), or "how many" where no other question word opens the
    question before it (`_OTHER_OPENER`)."""
    if "count" in match.re.groupindex and match.group("count") is not None:
        return match.start() == 0 or not _OTHER_OPENER.match(question)
    if "ask" not in match.re.groupindex or match.group("ask") is None:
        return True
    before = question[: match.start()].rstrip()
    if not before or before[-1] in _CLAUSE_ENDS:
        return True
    last = _LAST_WORD.search(before)
    return last is not None and last.group(1).lower() in _OPENS_AFTER


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
        return bool(new_names(sentence, question))
    if kind is Expect.PLACE:
        return any(m.group(0).split()[-1].lower() not in q for m in _PLACE.finditer(sentence))
    if kind is Expect.REASON:
        return bool(REASON.search(sentence))
    if kind is Expect.DEFINITION:
        return defines(sentence, question)
    return False


def defines(sentence: str, question: str) -> bool:
    """True when `sentence` says what the question's thing is: "the Boston Trust Act, which
    restricts …", "detainer requests are …", "Immigration and Customs Enforcement (ICE)"."""
    words = defined_thing(question).split()
    if not words:
        return False
    head = re.escape(words[-1].rstrip("?.’'s").rstrip("s"))
    cue = (
        rf"\b{head}\w*(?:\s*,\s*(?:which|who|a|an|the)\b|\s+(?:\w+\s+)?"
        rf"(?:is|are|was|were|refers?|means?)\b|\s*\([A-Z]{{2,}}\))"
        rf"|\b(?:so-called|known as|called)\s+(?:the\s+)?(?:\w+\s+){{0,3}}{head}"
        rf"|\({head}\)"
    )
    return bool(re.search(cue, sentence, re.I))


def defined_thing(question: str) -> str:
    """What a "what is X" / "who is X" / "what does X do" question asks about ("" if none)."""
    found = DEFINED.search(question.strip())
    if not found:
        return ""
    return found.group("thing") or found.group("name") or found.group("doer") or ""


def name_runs(text: str) -> list[str]:
    """Runs of capitalised words that are not a sentence's first word: names, places, titles.
    A run of function words alone is no name: a list item's "(a) For some operations" opens a
    clause ("No Child Left Behind" is a name)."""
    return [
        match.group(0)
        for match in _NAME.finditer(text)
        if any(word.casefold() not in STOPWORDS for word in match.group(0).split())
    ]


def is_name(value: str) -> bool:
    """Whether a value, whole, is a name: capitalised in every word of four letters or more
    ("Boston Police Department", "City of Boston", "ICE"), not a description that opens a
    table cell ("Civil immigration detainer requests from ICE") nor a phrase ("by fax")."""
    long = [word for word in _WORD.findall(value) if len(word) >= 4]
    capitalised = [word for word in _WORD.findall(value) if word[:1].isupper()]
    return bool(capitalised) and all(word[:1].isupper() for word in long)


def new_names(text: str, question: str) -> list[str]:
    """The name runs of `text` the question does not already name. A run ends with the name
    proper, after any titles ("Boston Mayor Michelle Wu"): one whose last word the question
    holds is the person it asks about ("who took the pic of … yablo" is not answered by
    "Issac Yablo"), while a question may hold a title ("who is the mayor") and ask the name."""
    return [run for run in name_runs(text) if not names_asked(run, question)]


def names_asked(name: str, question: str) -> bool:
    """Whether the question already names the person `name` (by the name's last word)."""
    return name.split()[-1].casefold() in _WORD.findall(question.casefold())
