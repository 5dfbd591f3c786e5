"""Match a user's question to a source's FAQ question, whose answer then comes first."""

from __future__ import annotations

from rapidfuzz import fuzz

from bot.core.policy import DEFAULT_POLICY, Policy, answer_problem
from bot.core.question import ParsedQuestion
from bot.facts.book import FactBook
from index.models import FaqEntry


def faq_match(
    book: FactBook, question: ParsedQuestion, policy: Policy = DEFAULT_POLICY
) -> FaqEntry | None:
    """The FAQ entry whose question is closest to `question`, if close enough.

    Words are compared as the index sees them (token-sort ratio), and in semantic mode the
    questions' meanings too where the two share a word (`Policy.match_score`); the years must
    be the same: "in 2024" must not get the answer to the FAQ's "in 2025", and the answer must
    be of the kind asked for (`answer_problem`: "how many arrests" is not answered by a count
    of requests)."""
    cosines = (
        book.faq_vectors @ question.vector
        if question.vector is not None and book.faq_vectors is not None
        else None
    )
    terms = frozenset(question.terms)
    best: tuple[float, FaqEntry] | None = None
    for i, asked in enumerate(book.faq_questions):
        entry = asked.entry
        answer = book.texts[entry.source][entry.answer.start : entry.answer.end]
        if asked.years != question.years or answer_problem(question, answer):
            continue
        similarity = max(
            fuzz.token_sort_ratio(question.words, asked.words),
            policy.match_score(
                None if cosines is None else float(cosines[i]),
                policy.faq_min_cosine,
                policy.faq_min_similarity,
                bool(asked.terms & terms),
            ),
        )
        if similarity >= policy.faq_min_similarity and (best is None or similarity > best[0]):
            best = (similarity, asked.entry)
    return best[1] if best else None
