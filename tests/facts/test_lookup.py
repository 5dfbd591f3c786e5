"""Fuzzy look-up: claims grouped by measure and period, conflicts side by side, periods filter."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bot.core.engine import Engine
from bot.core.question import ParsedQuestion, parse_question
from bot.facts.book import FactBook
from bot.facts.faq import faq_match
from bot.facts.lookup import lookup
from bot.facts.models import Fact, FactGroup, FactLookup
from bot.loader import load_engine
from index.analyzer import Analyzer
from index.models import FaqEntry

from .corpus import FACTS, MANIFEST, REPORT


def parsed(book: FactBook, query: str) -> ParsedQuestion:
    """The query parsed as the engine parses it (lexical mode, no vocabulary needed here)."""
    return parse_question(query, book.analyzer, ())


def find(engine: Engine, query: str) -> FactLookup:
    assert engine.facts is not None
    return lookup(engine.facts, engine.parse(query))


def values(engine: Engine, query: str) -> list[tuple[str, str | None, str]]:
    return [(f.measure, f.period, f.value) for f in find(engine, query).facts]


def test_competing_claims_are_grouped_as_a_conflict(report_engine: Engine) -> None:
    result = find(report_engine, "detainer requests received 2024")
    group = result.groups[0]
    assert (group.measure, group.period) == ("detainer requests received", "2024")
    assert {(f.value, f.claimed_by) for f in group.facts} == {
        ("15", "Police (Chief Ann Smith)"),
        ("198", "Agency (spokeswoman Jo Lee)"),
    }
    assert group.conflict and result.conflict


def test_agreeing_claims_are_not_a_conflict() -> None:
    base = Fact(
        subject="s", measure="m", value="two", number=2, claimed_by="a",
        source="x", quote="two", start=0, end=3, line=1,
    )  # fmt: skip
    same = base.model_copy(update={"value": "2", "claimed_by": "b"})
    names = [
        base.model_copy(update={"value": v, "number": None}) for v in ("Trust Act", "Trust Act")
    ]
    assert not FactGroup(measure="m", period=None, facts=[base, same]).conflict
    longer = names[1].model_copy(update={"value": "Boston Trust Act"})
    assert not FactGroup(measure="m", period=None, facts=[names[0], longer]).conflict
    other = names[1].model_copy(update={"value": "Municipal Act"})
    assert FactGroup(measure="m", period=None, facts=[names[0], other]).conflict


def test_a_year_in_the_query_filters_the_facts(report_engine: Engine) -> None:
    found = values(report_engine, "detainer requests received in 2023")
    assert found == [("detainer requests received", "2023", "more than 12")]


def test_last_year_is_read_against_each_source_date(make_corpus: Callable[..., Path]) -> None:
    dated = REPORT.replace("2024", "2025")
    facts = FACTS + FACTS.replace("report.txt", "later.txt").replace("2024", "2025")
    manifest = MANIFEST + '\n[[source]]\nfile = "later.txt"\ntitle = "Later"\ndate = "2026-01-29"\n'
    folder = make_corpus(
        facts, {"report.txt": REPORT, "later.txt": dated, "sources.toml": manifest}
    )
    engine, _ = load_engine(folder)
    found = find(engine, "detainer requests received last year").facts
    assert {(f.source, f.period) for f in found} == {("report.txt", "2024"), ("later.txt", "2025")}


def test_fuzzy_match_tolerates_typos_and_aliases(report_engine: Engine) -> None:
    assert values(report_engine, "detainr requsts recieved 2024")[0][1] == "2024"
    assert ("police chief", None, "Ann Smith") in values(report_engine, "who leads the police")


def test_no_match_says_so_and_suggests_measures(report_engine: Engine) -> None:
    result = find(report_engine, "marathon winners")
    assert result.facts == []
    assert result.note == "No fact matches “marathon winners”."
    assert len(result.suggestions) == 3
    assert set(result.suggestions) <= {f.measure for f in report_engine.facts.facts}


def test_no_fact_for_the_period_lists_the_periods_there_are(report_engine: Engine) -> None:
    result = find(report_engine, "detainer requests received 1999")
    assert result.facts == []
    assert "cover: 2023, 2024" in result.note
    assert "detainer requests received" in result.suggestions


def test_json_has_the_documented_shape(report_engine: Engine) -> None:
    data = json.loads(find(report_engine, "detainer requests received 2024").model_dump_json())
    assert {"query", "conflict", "facts"} <= set(data)
    assert data["conflict"] is True
    keys = {"subject", "measure", "period", "value", "number", "claimed_by", "source", "quote"}
    for fact in data["facts"]:
        assert keys | {"start", "end"} <= set(fact)
        assert REPORT[fact["start"] : fact["end"]] == fact["quote"]


def test_among_equal_matches_conflicts_then_bigger_groups_come_first() -> None:
    def fact(measure: str, value: str, who: str) -> Fact:
        return Fact(
            subject="City", measure=measure, period="2024", value=value, number=int(value),
            claimed_by=who, source="x.txt", quote=value, start=0, end=len(value), line=1,
        )  # fmt: skip

    facts = [
        fact("requests sent", "1", "a"),
        fact("requests kept", "2", "a"),
        fact("requests kept", "2", "b"),
        fact("requests lost", "3", "a"),
        fact("requests lost", "4", "b"),
    ]
    book = FactBook(facts=facts, faqs=[], metas={}, texts={}, analyzer=Analyzer({}))
    groups = lookup(book, parsed(book, "requests")).groups
    assert [(g.measure, g.conflict) for g in groups] == [
        ("requests lost", True),
        ("requests kept", False),
        ("requests sent", False),
    ]


class _CountingAnalyzer(Analyzer):
    """Counts the texts it analyzes, to see what a question costs."""

    calls = 0

    def terms(self, text: str) -> list[str]:
        self.calls += 1
        return super().terms(text)


def test_look_ups_analyze_nothing_again(report_engine: Engine) -> None:
    """Facts and FAQ questions are analyzed once, with the book, and a question once, when it
    is parsed: looking it up analyzes no text at all."""
    assert report_engine.facts is not None
    analyzer = _CountingAnalyzer()
    book = dataclasses.replace(report_engine.facts, analyzer=analyzer)
    assert book.facts and book.faqs
    card = parsed(book, "detainer requests received 2024")
    faq = parsed(book, "How many detainer requests did the police receive in 2024?")
    analyzer.calls = 0
    assert lookup(book, card).facts
    assert faq_match(book, faq)
    assert analyzer.calls == 0


def _meaning_only(engine: Engine, query: str) -> tuple[FactLookup, FaqEntry | None]:
    """`query` looked up as if the sentence model put it on every fact and FAQ question
    (cosine 1): what the words alone would not match."""
    book = engine.facts
    assert book is not None
    unit = np.full(2, 0.5**0.5)
    object.__setattr__(book, "fact_vectors", tuple(np.array([unit]) for _ in book.facts))
    object.__setattr__(book, "faq_vectors", np.array([unit for _ in book.faq_questions]))
    question = dataclasses.replace(engine.parse(query), vector=unit)
    return lookup(book, question), faq_match(book, question)


def test_a_match_on_meaning_counts_where_the_question_shares_a_word_with_the_fact(
    report_engine: Engine,
) -> None:
    found, entry = _meaning_only(report_engine, "which boss oversees the police?")
    assert {"polic"} <= set(report_engine.parse("which boss oversees the police?").terms)
    assert found.facts and all(
        "polic" in report_engine.facts.analyzer.terms(f"{f.subject} {f.measure}")
        for f in found.facts
    )
    assert entry is not None
    asked = report_engine.facts.texts[entry.source][entry.question.start : entry.question.end]
    assert "police" in asked.lower()


def test_no_match_on_meaning_alone_without_a_word_in_common(report_engine: Engine) -> None:
    """A sentence model puts a word no source uses near one they do ("governor" near
    "chief"): meaning alone matches no fact or FAQ question that shares no word with the
    question."""
    found, entry = _meaning_only(report_engine, "who is the governor of vermont?")
    assert not found.facts and entry is None
