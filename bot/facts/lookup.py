"""Fuzzy fact look-up: match subject, measure and aliases, filter by period, group the claims.

Words are compared as the index's analyzer sees them (stemmed, stop words dropped), so
"requests" finds "request" and "who is the commissioner" reduces to "commission"; rapidfuzz's
token-set ratio then tolerates extra words and typos. In semantic mode a fact also matches on
meaning ("who speaks for ICE" and "ICE spokeswoman"): its cosine with the question, put on the
same 0-100 scale by `Policy.match_score`, counts when it is the higher of the two and the
two share a word.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from rapidfuzz import fuzz, process

from bot.core.policy import DEFAULT_POLICY, Policy
from bot.core.question import ParsedQuestion
from bot.facts.book import FactBook, FactWords
from bot.facts.models import Fact, FactGroup, FactLookup, group_key
from bot.facts.periods import PeriodQuery, matches

MIN_SCORE = 75.0
GROUP_MARGIN = 10.0
MAX_GROUPS = 5
_VALUE_WEIGHT = 0.9
_SUGGESTIONS = 3


def lookup(
    book: FactBook,
    question: ParsedQuestion,
    max_groups: int = MAX_GROUPS,
    margin: float = GROUP_MARGIN,
    keep: Callable[[Fact], bool] | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> FactLookup:
    """Claims matching the question, best group first (groups within `margin` of the best);
    or, when none match, the closest measures. `keep` narrows the facts considered."""
    query, wanted, words = question.text, question.period, question.period_words
    cosines = _cosines(book, question)
    terms = frozenset(question.terms)
    scored = [
        (
            max(
                score(words, w) if words else 0.0,
                policy.match_score(
                    c, policy.card_min_cosine, policy.card_min_score, bool(w.terms & terms)
                ),
            ),
            f,
        )
        for f, w, c in zip(book.facts, book.fact_words, cosines, strict=True)
        if keep is None or keep(f)
    ]
    hits = [(s, f) for s, f in scored if s >= MIN_SCORE]
    in_period = [(s, f) for s, f in hits if matches(f.period, wanted, book.metas.get(f.source))]
    if not in_period:
        return _no_match(book, query, wanted, hits)
    ranked = _rank_groups(in_period)
    best = ranked[0][0]
    kept = [group for s, group in ranked if s >= best - margin][:max_groups]
    found = [f for group in kept for f in group]
    cited = sorted({f.source for f in found})
    return FactLookup(
        query=query,
        facts=found,
        score=round(best, 1),
        sources={name: book.metas[name] for name in cited if name in book.metas},
    )


def _cosines(book: FactBook, question: ParsedQuestion) -> list[float | None]:
    """Each fact's best cosine with the question (semantic mode), else None for each."""
    if question.vector is None or not book.fact_vectors:
        return [None] * len(book.facts)
    return [float(np.max(v @ question.vector)) for v in book.fact_vectors]


def score(words: str, fact: FactWords) -> float:
    """How well the query's words match the fact's subject and measure, an alias, or its value."""
    best = max(fuzz.token_set_ratio(words, target) for target in fact.targets)
    if fact.value is not None:
        best = max(best, _VALUE_WEIGHT * fuzz.token_set_ratio(words, fact.value))
    return best


def _rank_groups(scored: list[tuple[float, Fact]]) -> list[tuple[float, list[Fact]]]:
    """Claims grouped by measure and period: best match first; among equals, conflicts and then
    the groups with more claims, as they carry more of the story."""
    groups: dict[tuple[str, str | None], tuple[float, list[Fact]]] = {}
    for s, fact in scored:
        best, facts = groups.get(group_key(fact), (0.0, []))
        groups[group_key(fact)] = (max(best, s), [*facts, fact])
    return sorted(
        groups.values(),
        key=lambda g: (
            -g[0],
            not FactGroup(measure="", period=None, facts=g[1]).conflict,
            -len(g[1]),
            g[1][0].period or "",
            g[1][0].measure,
        ),
    )


def _no_match(
    book: FactBook, query: str, wanted: PeriodQuery, hits: list[tuple[float, Fact]]
) -> FactLookup:
    """Say that nothing matched, and what the user might have meant."""
    if hits:
        periods = sorted({f.period for _, f in hits if f.period})
        return FactLookup(
            query=query,
            note=f"No fact for that period matches “{query}”; "
            f"matching facts cover: {', '.join(periods) or 'no stated period'}.",
            suggestions=sorted({f.measure for _, f in hits})[:_SUGGESTIONS],
        )
    closest = process.extract(
        wanted.rest or query, book.measures, scorer=fuzz.WRatio, limit=_SUGGESTIONS
    )
    return FactLookup(
        query=query,
        note=f"No fact matches “{query}”.",
        suggestions=[measure for measure, _, _ in closest],
    )
