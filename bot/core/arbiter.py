"""The one place that decides what the bot says to a question: which evidence leads (a fact
card, a source's FAQ entry, or the quote windows) and whether the answer is an answer, a
conflict or a decline, with the reason.

Each kind of evidence has already been judged by policy.py (the quote windows' decline
reasons, the card's and the FAQ entry's match thresholds and answer-kind rules); this module
weighs them against each other, so composition (compose.py) only lays out the verdict and
never turns a decline into an answer of its own accord.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.attribution import names_party
from bot.core.question import ParsedQuestion
from bot.facts.claims import distinct_facts, merged_group
from bot.facts.models import FactGroup, FactLookup
from bot.models import CONFLICT_NOTE, Answer, Status
from index.models import FaqEntry

Lead = Literal["card", "faq", "quotes"]


@dataclass(frozen=True)
class Verdict:
    """What the answer leads with, its status and note; for a card, its leading group."""

    lead: Lead
    status: Status
    note: str = ""
    group: FactGroup | None = None


def arbitrate(
    question: ParsedQuestion,
    quoted: Answer,
    card: FactLookup | None,
    faq: FaqEntry | None,
) -> Verdict:
    """A matched fact card leads: its claims are curated or read from a table, and it states
    the very value asked for; it is a conflict when its claimants disagree, and a decline when
    the question asks for a party that states nothing in it. Else a matched FAQ entry leads,
    answering even where the windows declined: it passed a match of the whole question to a
    question the source itself asks. Else the windows' own verdict stands."""
    if card is not None and card.facts:
        group = merged_group(card.groups)
        if question.claimant and not any(
            names_party(question.claimant, f.claimed_by) for f in group.facts
        ):
            return Verdict("card", "no_answer", _silent(question, group), group)
        if group.conflict:
            return Verdict("card", "conflict", CONFLICT_NOTE, group)
        return Verdict("card", "answered", "", group)
    if faq is not None:
        if quoted.status == "no_answer":
            return Verdict("faq", "answered")
        return Verdict("faq", quoted.status, quoted.note)
    return Verdict("quotes", quoted.status, quoted.note)


def _silent(question: ParsedQuestion, group: FactGroup) -> str:
    """Why a question about one party's claim is declined: what the others say instead."""
    period = f" for {group.period}" if group.period else ""
    others = "; ".join(
        dict.fromkeys(f"{f.claimed_by} says {f.value}" for f in distinct_facts(group.facts)[0])
    )
    return f"The sources give no figure from {question.claimant}{period}. {others}."
