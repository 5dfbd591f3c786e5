"""The one verdict per question (bot/core/arbiter.py): which evidence leads, with what
status."""

from __future__ import annotations

import pytest

from bot.core.arbiter import arbitrate
from bot.core.question import ParsedQuestion, parse_question
from bot.facts.models import Fact, FactLookup
from bot.models import Answer
from index.analyzer import Analyzer
from index.models import FaqEntry, Span


def parsed(text: str) -> ParsedQuestion:
    return parse_question(text, Analyzer({}), ())


def fact(value: str, claimed_by: str) -> Fact:
    quote = f"{claimed_by} counted {value} requests in 2024."
    return Fact(
        subject="the department", measure="requests", period="2024", value=value,
        claimed_by=claimed_by, source="a.txt", quote=quote, start=0, end=len(quote), line=1,
    )  # fmt: skip


DECLINED = Answer(question="q", status="no_answer", note="The sources do not answer this.")
ANSWERED = Answer(question="q", status="answered")
FAQ = FaqEntry(
    source="faq.md", question=Span(start=0, end=5), answer=Span(start=6, end=9), line=1,
    answer_line=2,
)  # fmt: skip


@pytest.mark.parametrize("quoted", [DECLINED, ANSWERED])
def test_the_windows_verdict_stands_without_a_card_or_faq(quoted: Answer) -> None:
    verdict = arbitrate(parsed("how many requests?"), quoted, None, None)
    assert (verdict.lead, verdict.status, verdict.note) == ("quotes", quoted.status, quoted.note)


def test_a_matched_faq_entry_answers_even_where_the_windows_declined() -> None:
    verdict = arbitrate(parsed("how do i reset it?"), DECLINED, None, FAQ)
    assert (verdict.lead, verdict.status, verdict.note) == ("faq", "answered", "")


def test_a_card_leads_and_its_claimants_disagreeing_is_a_conflict() -> None:
    agreed = FactLookup(query="q", facts=[fact("15", "Police"), fact("15", "ICE")])
    assert arbitrate(parsed("how many requests?"), DECLINED, agreed, FAQ).status == "answered"
    disputed = FactLookup(query="q", facts=[fact("15", "Police"), fact("198", "ICE")])
    verdict = arbitrate(parsed("how many requests?"), DECLINED, disputed, FAQ)
    assert (verdict.lead, verdict.status) == ("card", "conflict")
    assert verdict.group is not None and len(verdict.group.facts) == 2


def test_a_party_the_card_has_nothing_from_is_declined_with_what_the_others_say() -> None:
    card = FactLookup(query="q", facts=[fact("15", "Police")])
    verdict = arbitrate(parsed("how many requests according to the Mayor?"), ANSWERED, card, None)
    assert verdict.status == "no_answer"
    assert "the Mayor" in verdict.note and "Police says 15" in verdict.note
