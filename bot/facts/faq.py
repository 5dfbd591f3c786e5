"""Match a user's question to a source's FAQ question, whose answer then comes first."""

from __future__ import annotations

from rapidfuzz import fuzz

from bot.expect import YEAR
from bot.facts.book import FactBook
from index.models import FaqEntry

MIN_SIMILARITY = 85.0


def faq_match(book: FactBook, question: str) -> FaqEntry | None:
    """The FAQ entry whose question is closest to `question`, if close enough.

    Words are compared as the index sees them, and the years must be the same: "in 2024" must
    not get the answer to the FAQ's "in 2025".
    """
    words = book.normal(question)
    years = frozenset(YEAR.findall(question))
    best: tuple[float, FaqEntry] | None = None
    for asked in book.faq_questions:
        if asked.years != years:
            continue
        similarity = fuzz.token_sort_ratio(words, asked.words)
        if similarity >= MIN_SIMILARITY and (best is None or similarity > best[0]):
            best = (similarity, asked.entry)
    return best[1] if best else None
