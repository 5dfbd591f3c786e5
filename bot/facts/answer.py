"""Fact cards in answers: a how-many / when / who question that matches a fact group gets the
card first, then its supporting quotes; a question close to a source's FAQ question gets that
FAQ's answer quoted first."""

from __future__ import annotations

from collections.abc import Callable

from bot.expect import DATE, Expect
from bot.facts.book import FactBook
from bot.facts.faq import faq_match
from bot.facts.lookup import lookup
from bot.facts.models import Fact, FactLookup
from bot.models import CONFLICT_NOTE, Answer, Snippet, quote_snippet
from bot.policy import DEFAULT_POLICY, Policy, card_facts
from bot.question import ParsedQuestion

MAX_CARD_GROUPS = 3
FAQ_SCORE = 100.0
# What each kind of question can be answered with: a count, a date, a name.
_ANSWERS_KIND: dict[Expect, Callable[[Fact], bool]] = {
    Expect.NUMBER: lambda f: (
        f.number is not None and f.unit != "percent" and not DATE.search(f.value)
    ),
    Expect.PERCENT: lambda f: f.unit == "percent",
    Expect.DATE: lambda f: bool(DATE.search(f.value)),
    Expect.PERSON: lambda f: f.number is None and not DATE.search(f.value),
}


def with_facts(
    book: FactBook, question: ParsedQuestion, answer: Answer, policy: Policy = DEFAULT_POLICY
) -> Answer:
    """`answer` led by the FAQ answer and the fact card's quotes.

    With a card, its quotes are the answer's quotes: the engine's own may be about another
    period or measure. Without one, an FAQ answer goes before the engine's quotes."""
    first: list[Snippet] = []
    card = _card(book, question, policy)
    faq = faq_match(book, question, policy)
    if faq is not None:
        first.append(snippet(book, faq.source, faq.answer.start, faq.answer.end, FAQ_SCORE))
    if card is not None:
        first += [
            snippet(book, f.source, f.start, f.end, card.score, f.claimed_by) for f in card.facts
        ]
    if not first:
        return answer
    if card is not None:
        status = "conflict" if card.conflict else "answered"
        note = CONFLICT_NOTE if card.conflict else ""
        quotes = first
    else:
        status = "answered" if answer.status == "no_answer" else answer.status
        note = "" if answer.status == "no_answer" else answer.note
        quotes = [*first, *answer.snippets]
    shown: list[Snippet] = []
    for s in quotes:
        if not any(s.source == t.source and s.start < t.end and t.start < s.end for t in shown):
            shown.append(s)
    return answer.model_copy(
        update={"status": status, "snippets": shown, "facts": card, "note": note}
    )


def _card(book: FactBook, question: ParsedQuestion, policy: Policy) -> FactLookup | None:
    """The best-matching fact groups, for questions that ask for a figure, a date or a name."""
    keep = _ANSWERS_KIND.get(question.kind)
    if keep is None:
        return None
    found = lookup(book, question, MAX_CARD_GROUPS, margin=0.0, keep=keep, policy=policy)
    if not found.facts or found.score < policy.card_min_score:
        return None
    usable = card_facts(question, found.facts)
    return found.model_copy(update={"facts": usable}) if usable else None


def snippet(
    book: FactBook, source: str, start: int, end: int, score: float, claimed_by: str | None = None
) -> Snippet:
    """A cited quote of `source_text[start:end]`."""
    return quote_snippet(book.texts[source], book.metas[source], start, end, score, claimed_by)
