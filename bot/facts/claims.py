"""Claims of a fact card as one answer states them: when two values are one claim, when two
facts are one, which group of facts leads, and in what order. Shared by the arbiter (which
decides on the leading group) and composition (which lays it out)."""

from __future__ import annotations

from bot.core.attribution import names_party
from bot.core.question import ParsedQuestion
from bot.facts.models import Fact, FactGroup
from bot.facts.numbers import read_figure


def claim_key(value: str) -> tuple[float | str, str | None]:
    """What makes two claims the same claim: the number and unit ("two" and "2" agree), or the
    words of a name, case aside."""
    figure = read_figure(value)
    if figure is not None:
        return (float(figure.number), figure.unit)
    return (" ".join(value.casefold().split()), None)


def merged_group(groups: list[FactGroup]) -> FactGroup:
    """The best group, joined by the other groups of its period that state the very same
    claims (a curated "requests ignored" and a table's "Number of Requests Ignored (2025)"):
    one group, not two saying the same thing."""
    best = groups[0]
    claims = {claim_key(f.value) for f in best.facts}
    facts = list(best.facts)
    for other in groups[1:]:
        same = {claim_key(f.value) for f in other.facts} == claims
        if same and same_period(other.period, best.period):
            facts += other.facts
    return best.model_copy(update={"facts": facts})


def same_period(a: str | None, b: str | None) -> bool:
    """Whether two claims may be about one period: the same one, or one of them undated (a
    table's "Percentage of Requests Ignored | 100%" beside "100% of the time in 2025")."""
    return a == b or a is None or b is None


def distinct_facts(facts: list[Fact]) -> tuple[list[Fact], list[Fact]]:
    """The facts with the same value from the same source for the same period once (the
    first), and the repeats left out (where else the source says it)."""
    kept: list[Fact] = []
    repeats: list[Fact] = []
    for f in facts:
        repeat = any(
            k.source == f.source
            and claim_key(k.value) == claim_key(f.value)
            and same_period(k.period, f.period)
            for k in kept
        )
        (repeats if repeat else kept).append(f)
    return kept, repeats


def ordered(question: ParsedQuestion, facts: list[Fact]) -> list[Fact]:
    """The question's own claimant first, then curated claims (their quotes are sentences)
    before table rows, in the card's order otherwise."""
    return sorted(
        facts,
        key=lambda f: (not names_party(question.claimant, f.claimed_by), f.origin != "curated"),
    )
