"""Fact cards for answers: a how-many / when / who question that matches a fact group well
gets that group's claims (bot/core/compose.py lays them out)."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.expect import DATE, Expect, asks_measure, is_name, names_asked
from bot.core.figures import measures
from bot.core.policy import (
    DEFAULT_POLICY,
    Policy,
    card_facts,
    names_someone,
    names_which,
    role_facts,
)
from bot.core.question import ParsedQuestion
from bot.facts.book import FactBook
from bot.facts.lookup import lookup
from bot.facts.models import Fact, FactLookup

MAX_CARD_GROUPS = 3
# What each kind of question can be answered with: a count, a date (a name: `_someone_else`,
# which reads the question).
_ANSWERS_KIND: dict[Expect, Callable[[Fact], bool]] = {
    Expect.NUMBER: lambda f: (
        f.number is not None and f.unit != "percent" and not DATE.search(f.value)
    ),
    Expect.PERCENT: lambda f: f.unit == "percent",
    Expect.DATE: lambda f: bool(DATE.search(f.value)),
}


def fact_card(
    book: FactBook, question: ParsedQuestion, policy: Policy = DEFAULT_POLICY
) -> FactLookup | None:
    """The best-matching fact groups, for questions that ask for a figure, a date or a name;
    not for "who said …", which asks who made a statement: a card names who holds a role.
    "Who is Mariellen Burns?" gets the roles the facts give that person."""
    if question.role_of is not None:
        return _roles(book, question)
    keep = _ANSWERS_KIND.get(question.kind)
    if asks_measure(question.kind, question.text):
        keep = _measures
    if question.kind is Expect.PERSON:
        keep = _someone_else(question)
    if question.kind is Expect.ANY and question.which:
        keep = names_which(question.which)
    if keep is None or question.asks_speaker:
        return None
    found = lookup(book, question, MAX_CARD_GROUPS, keep=keep, policy=policy)
    if not found.facts or found.score < policy.card_min_score:
        return None
    usable = card_facts(question, found.facts)
    return found.model_copy(update={"facts": usable}) if usable else None


def _measures(fact: Fact) -> bool:
    """A how-long / how-far question is answered by a measure, as its answer line is
    (compose.extract_value): "up to 48 hours", not "MySQL version 3.23.41 does not support
    UNION." for "how long will sqlite be supported"."""
    return bool(measures(fact.value))


def _someone_else(question: ParsedQuestion) -> Callable[[Fact], bool]:
    """A who-question asks for someone, by name (`is_name`: not "by fax", how requests were
    sent), and not for one the question names already ("who took the pic of … yablo" is not
    answered by the card of Issac Yablo's role)."""
    return lambda f: (
        names_someone(f) and is_name(f.value) and not names_asked(f.value, question.text)
    )


def _roles(book: FactBook, question: ParsedQuestion) -> FactLookup | None:
    """The card of the roles held by the person the question names, if the facts give any."""
    facts = role_facts(question.role_of, book.facts)
    if not facts:
        return None
    cited = sorted({f.source for f in facts})
    return FactLookup(
        query=question.text,
        facts=facts,
        score=100.0,
        sources={name: book.metas[name] for name in cited if name in book.metas},
    )
