"""What /fact's autocomplete offers: the measures the fact book knows, each with its period
when it has one ("ICE detainer requests received 2024"), as typed queries that find them."""

from __future__ import annotations

from bot.discord import limits
from bot.discord.choices import MAX_CHOICE_CHARS
from bot.facts.book import FactBook


def fact_queries(book: FactBook | None) -> list[str]:
    """Every measure, and every measure with a period it has, sorted; none without facts."""
    if book is None:
        return []
    queries = {f.measure for f in book.facts}
    queries |= {f"{f.measure} {f.period}" for f in book.facts if f.period}
    return sorted(limits.trim(" ".join(q.split()), MAX_CHOICE_CHARS) for q in queries)
