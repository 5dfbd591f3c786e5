"""A user's question, cleaned once and parsed once: every later step reads this object.

Cleaning says what it changed (notes); parsing finds what the rest of the bot asks of a
question: its search terms, the kind of answer it wants, its years and named claimant, what a
"how many" question counts, the names it uses that no source does, and (in semantic mode) its
vector. Nothing downstream cleans or analyzes the question's text again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from pydantic import BaseModel
from rapidfuzz import fuzz, process

from bot.expect import YEAR, Expect, expected
from bot.facts.periods import PeriodQuery, parse_period
from index.analyzer import STOPWORDS, Analyzer, normalize

MAX_QUESTION_CHARS = 500
# A name this close to a word of the sources (rapidfuzz's ratio, 0-100) is that word mistyped.
NAME_TYPO_RATIO = 85.0


class QuestionError(ValueError):
    """The question cannot be asked at all (it is empty once cleaned)."""


class CleanQuestion(BaseModel):
    text: str
    notes: list[str]


class QueryEncoder(Protocol):
    """What parsing needs of the sentence encoder (index.encoder.Encoder)."""

    def encode_query(self, text: str) -> np.ndarray: ...


_SPACES = re.compile(r"\s+")
# The wording of a question's frame, which no answer repeats: "how long" asks for a duration.
_QUESTION_FRAME = re.compile(r"\bhow (?:long|far|old|often|big|large|high|tall|fast)\b", re.I)
# Capitalised words after the first: names and places ("Chicago", "Cox").
_NAME_WORD = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w’'-]*[A-Za-z]")
# What a "how many" question counts: the words after it, up to its verb or a preposition.
_COUNTED = re.compile(
    r"\b(?:how many|^(?:what|which) (?:is |was |were )?(?:the )?number of|^(?:the )?number of)"
    r"\s+(?:of\s+)?(?:the\s+)?((?:[^\W\d_][\w’'-]*\s*){1,4})",
    re.I,
)
_AGE_QUESTION = re.compile(r"\bhow old\b|\bwhat (?:is|was) (?:the |\w+'s |\w+’s )?age\b", re.I)
_PHONE_QUESTION = re.compile(r"\b(?:phone|telephone)(?:\s+number)?\b|\bcall\b.*\bnumber\b", re.I)
_COUNTED_STOP = frozenset(
    """did does do is are was were have has had will would can could should been there in on
    at from to for by with that which who this these those per each a an""".split()
)
# "according to ICE", "did Cox say", "does the agency claim": the party the question asks about.
_CLAIMANT = re.compile(
    r"\baccording to ((?:the )?[\w’'. -]{2,40}?)(?:[,?]|$| how| what| who| when| did| does)"
    r"|\b(?:did|does|do)\s+(?:the\s+)?([A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)\s+"
    r"(?:say|said|claim|report|write|state)\b"
    r"|\b([A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)\s+(?:says|said|claims|reported|wrote)\b",
    re.I,
)


def _is_control(ch: str) -> bool:
    """Control, format, private-use and unassigned characters (Unicode category C*)."""
    return unicodedata.category(ch).startswith("C")


def clean_question(raw: str) -> CleanQuestion:
    """Normalise as the index does (NFKC, invisible format characters such as a soft hyphen
    dropped: "de\u00adtainer" is "detainer"), drop control characters, fold white space, and
    cut over-long questions at a word."""
    notes: list[str] = []
    text = normalize(raw)
    if not text.isprintable():  # else it holds no character of category C*: nothing to drop
        if any(_is_control(ch) and not ch.isspace() for ch in text):
            notes.append("Control characters were removed from the question.")
        text = "".join(" " if _is_control(ch) else ch for ch in text)
    text = _SPACES.sub(" ", text).strip()
    if not text:
        raise QuestionError("The question is empty: please type a question.")
    if len(text) > MAX_QUESTION_CHARS:
        cut = text.rfind(" ", 0, MAX_QUESTION_CHARS)
        text = text[: cut if cut > MAX_QUESTION_CHARS // 2 else MAX_QUESTION_CHARS]
        notes.append(
            f"The question was {len(raw):,} characters long; only its first "
            f"{len(text)} characters were used."
        )
    return CleanQuestion(text=text, notes=notes)


def fold_word(word: str) -> str:
    """A word with case and a plural ending folded: "Detainers" → "detainer". Unlike a stem it
    keeps "immigrants" apart from "immigration", which is what counting needs."""
    word = word.lower().replace("’", "'").removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def counted_words(phrase: str) -> tuple[str, ...]:
    """The words of what a phrase counts, lowercased, up to its first function word or verb:
    "detainer requests did Boston" → ("detainer", "requests"); "requests to detain" →
    ("requests",)."""
    out: list[str] = []
    for raw in phrase.split():
        word = raw.strip("’'-,.;:?!").lower()
        if not word or word in STOPWORDS or word in _COUNTED_STOP:
            break
        out.append(word)
        if raw[-1:] in ",.;:?!":
            break
    return tuple(out)


@dataclass(frozen=True)
class ParsedQuestion:
    """Everything the bot reads from one question, computed once."""

    raw: str
    text: str
    """The cleaned question, as echoed back and logged."""
    notes: tuple[str, ...]
    """What cleaning changed, for the answer's note."""
    terms: tuple[str, ...]
    """Search terms (analyzed, the question's frame such as "how long" removed)."""
    words: str
    """All the question's analyzed words in order: what fuzzy matching compares."""
    key: str
    """Distinct analyzed words, sorted: equal for rewordings (pins, the declined log)."""
    kind: Expect
    years: frozenset[str]
    period: PeriodQuery
    period_words: str
    """The analyzed words without the period ("in 2024", "last year"): fact look-ups."""
    unknown: tuple[str, ...]
    """Capitalised words (names, places) that no source uses."""
    counted: tuple[str, ...]
    """For "how many X": X's content words ("detainer", "requests")."""
    asks_age: bool
    """ "How old is …": only an age answers it."""
    asks_phone: bool
    """ "What is … phone number": only a phone number answers it."""
    claimant: str | None
    """The party the question asks about ("according to ICE"), if it names one."""
    vector: np.ndarray | None
    """The question's sentence vector (semantic mode), else None."""


def parse_question(
    raw: str,
    analyzer: Analyzer,
    vocabulary: Collection[str],
    encoder: QueryEncoder | None = None,
) -> ParsedQuestion:
    """Clean and parse `raw`; QuestionError when nothing is left to ask."""
    cleaned = clean_question(raw)
    text = cleaned.text
    period = parse_period(text)
    all_terms = analyzer.terms(text)
    counted = _COUNTED.search(text)
    claimant = _CLAIMANT.search(text)
    return ParsedQuestion(
        raw=raw,
        text=text,
        notes=tuple(cleaned.notes),
        terms=tuple(analyzer.terms(_QUESTION_FRAME.sub(" ", text))),
        words=" ".join(all_terms),
        key=" ".join(sorted(set(all_terms))),
        kind=expected(text),
        years=frozenset(YEAR.findall(text)),
        period=period,
        period_words=" ".join(analyzer.terms(period.rest)),
        unknown=tuple(_unknown_names(text, analyzer, vocabulary)),
        counted=counted_words(counted.group(1)) if counted else (),
        asks_age=bool(_AGE_QUESTION.search(text)),
        asks_phone=bool(_PHONE_QUESTION.search(text)),
        claimant=next((g for g in claimant.groups() if g), None) if claimant else None,
        vector=encoder.encode_query(text) if encoder is not None else None,
    )


def _unknown_names(text: str, analyzer: Analyzer, vocabulary: Collection[str]) -> list[str]:
    """Capitalised words after the first (names, places) that no source uses, nor a word
    spelt almost like it ("Sheeshanks" for "Sheepshanks" is a typo, not another name)."""
    unknown = []
    for name in dict.fromkeys(_NAME_WORD.findall(text)):
        stems = analyzer.terms(name)
        if not stems or any(s in vocabulary for s in stems):
            continue
        if not any(
            process.extractOne(s, vocabulary, scorer=fuzz.ratio, score_cutoff=NAME_TYPO_RATIO)
            for s in stems
            if len(s) >= 5
        ):
            unknown.append(name)
    return unknown
