"""Fact cards as Discord embeds: /fact's fields and the card above /ask's quotes, checked against
Discord's limits (as the fake states them), for escaping, and for verbatim quotes."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.engine import Engine
from bot.discord import limits, render
from bot.discord.fact_card import CLOSEST, DISAGREE
from bot.discord.markdown import escape
from bot.discord.preview import discord_payload
from bot.discord.service import AnswerService, Reply
from bot.discord.store import Store
from bot.facts.models import Fact, FactLookup
from bot.models import Answer
from bot.render_text import shown_text
from index.models import SourceMeta
from tests.discord.test_discord_render import (
    HOSTILE_QUESTIONS,
    QUESTIONS,
    assert_sendable,
    assert_verbatim,
    shown_quotes,
)

HOW_MANY = "How many detainer requests did Boston police receive in 2024?"
NO_MATCH = "boiling point of mercury"


def field_quotes(value: str) -> list[str]:
    """The quotes in a field, as a reader sees them (each claim line starts a new block)."""
    return shown_quotes(value.replace("\n**", "\n\n**"))


def fact_queries(engine: Engine) -> list[str]:
    """Every measure, with and without its subject and period, and questions of every kind."""
    assert engine.facts is not None
    queries = {NO_MATCH, "", "2024", "who", "how many in 1999"}
    for f in engine.facts.facts:
        queries |= {f.measure, f"{f.subject} {f.measure} {f.period or ''}", f.value, *f.aliases}
    return sorted(queries) + QUESTIONS + HOSTILE_QUESTIONS


def assert_card_fields(result: FactLookup, embed: dict[str, Any]) -> None:
    """A field per group, conflicts marked first, each claim's value, claimant and line shown,
    and every quote shown verbatim (or as a trimmed prefix)."""
    groups = result.groups
    fields = embed["fields"]
    assert len(fields) == min(len(groups), limits.FIELDS)
    for field, group in zip(fields, groups, strict=False):
        assert field["name"].startswith(DISAGREE) == group.conflict, field["name"]
        quotes = field_quotes(field["value"])
        if "more claims" in field["value"]:
            continue
        for fact in group.facts:
            assert f"**{escape(limits.trim(fact.value, 100))}** — " in field["value"]
            assert f", line {fact.line}" in field["value"]
        assert len(quotes) in (0, len(group.facts))
        for shown, fact in zip(quotes, group.facts, strict=False):
            assert_verbatim(shown, fact.quote)


def test_every_fact_query_fits_and_shows_each_claim(engine: Engine) -> None:
    service = AnswerService(engine, Store(":memory:"))
    for query in fact_queries(engine):
        result = service.fact(query)
        embed = assert_sendable(render.fact_message(result))["embeds"][0]
        if result.facts:
            assert_card_fields(result, embed)
            colour = render.COLOURS["conflict" if result.conflict else "answered"]
            assert embed["color"] == colour.value
        else:
            assert "fields" not in embed or embed["fields"] == []
            assert embed["description"].startswith("**")


def test_conflict_is_side_by_side_and_marked(engine: Engine) -> None:
    service = AnswerService(engine, Store(":memory:"))
    result = service.fact("detainer requests received 2024")
    assert result.groups[0].conflict
    embed = render.fact_embed(result)
    assert "disagree" in (embed.description or "")
    first = embed.fields[0]
    assert (first.name or "").startswith(DISAGREE)
    lines = [line for line in (first.value or "").split("\n") if line.startswith("**")]
    values = {f.value for f in result.groups[0].facts}
    assert len(values) > 1
    assert len(lines) == len(result.groups[0].facts)
    for line, fact in zip(lines, result.groups[0].facts, strict=True):
        assert line.startswith(f"**{fact.value}** — {escape(fact.claimed_by)} · “")


def test_agreeing_claims_are_not_marked() -> None:
    facts = [fact(value="57", number=57, claimed_by=who) for who in ("Police", "Paper")]
    embed = render.fact_embed(lookup_of(facts))
    assert embed.colour == render.COLOURS["answered"]
    assert not (embed.fields[0].name or "").startswith(DISAGREE)
    assert "disagree" not in (embed.description or "")


def test_no_match_says_so_and_suggests_measures(engine: Engine) -> None:
    service = AnswerService(engine, Store(":memory:"))
    result = service.fact(NO_MATCH)
    assert result.facts == [] and result.suggestions
    embed = render.fact_embed(result)
    description = embed.description or ""
    assert f"No fact matches “{NO_MATCH}”" in description
    assert CLOSEST in description
    for measure in result.suggestions:
        assert f"• {escape(measure)}" in description
    assert embed.colour == render.COLOURS["no_answer"]


def test_a_query_that_cannot_be_asked_is_answered_with_the_reason(engine: Engine) -> None:
    result = AnswerService(engine, Store(":memory:")).fact(" \x00 ")
    description = render.fact_embed(result).description or ""
    assert "empty" in description


def test_values_and_claimants_are_escaped() -> None:
    hostile = fact(value="**98** @everyone", claimed_by="<@&1> _the_ agency")
    value = render.fact_embed(lookup_of([hostile])).fields[0].value or ""
    assert "\\*\\*98\\*\\* @\u200beveryone" in value
    assert "— \\<@&1> \\_the\\_ agency ·" in value  # a role shown as text, not a mention


def fact(**overrides: Any) -> Fact:
    values: dict[str, Any] = {
        "subject": "Boston Police Department",
        "measure": "ICE detainer requests received",
        "period": "2024",
        "value": "15",
        "number": 15,
        "claimed_by": "Police",
        "source": "a.txt",
        "quote": "Police said they received 15 requests.",
        "start": 0,
        "end": 38,
        "line": 3,
    }
    return Fact(**{**values, **overrides})


def lookup_of(facts: list[Fact], title: str = "A report") -> FactLookup:
    metas = {
        f.source: SourceMeta(file=f.source, title=title, publisher="P", date="2025-01-01")
        for f in facts
    }
    return FactLookup(query="q", facts=facts, sources=metas)


long_text = st.lists(
    st.sampled_from([*"abc XYZ.!?*_`~|>#@-\n", "everyone", "@here", "<@&1>", "word. "]),
    min_size=1,
    max_size=300,
).map("".join)


@st.composite
def big_lookups(draw: st.DrawFn) -> FactLookup:
    """Many groups of many long, hostile claims: more than any embed can hold."""
    facts = []
    for g in range(draw(st.integers(1, 30))):
        for i in range(draw(st.integers(1, 8))):
            quote = draw(long_text)
            facts.append(
                fact(
                    measure=f"measure {g} " + draw(st.text(max_size=100)),
                    value=draw(long_text),
                    number=draw(st.sampled_from([None, 1, 2])),
                    claimed_by=draw(long_text),
                    quote=quote,
                    end=len(quote),
                    source=f"s{i}.txt",
                    line=draw(st.integers(1, 10**6)),
                )
            )
    return lookup_of(facts, title=draw(st.text(min_size=1, max_size=400)))


@settings(max_examples=25, deadline=None)
@given(result=big_lookups())
def test_any_lookup_fits_and_stays_verbatim(result: FactLookup) -> None:
    embed = assert_sendable(render.fact_message(result))["embeds"][0]
    groups = result.groups
    fields = embed["fields"]
    assert len(fields) == min(len(groups), limits.FIELDS)
    if len(groups) > limits.FIELDS:
        assert fields.pop()["name"] == f"…and {len(groups) - limits.FIELDS + 1} more"
    for field, group in zip(fields, groups, strict=False):
        assert field["name"].startswith(DISAGREE) == group.conflict
        for shown, f in zip(field_quotes(field["value"]), group.facts, strict=False):
            assert_verbatim(shown, f.quote)


def test_more_groups_than_fields_are_named_in_the_last() -> None:
    long = "of requests that were sent by fax and by email " * 6
    facts = [
        fact(measure=f"measure {g} {long}", value=str(n), number=n, claimed_by=claimant)
        for g in range(40)
        for n, claimant in ((g, "Police"), (g + 1000, "ICE"))
    ]
    embed = assert_sendable(render.fact_message(lookup_of(facts)))["embeds"][0]
    fields = embed["fields"]
    assert len(fields) == limits.FIELDS
    for g, field in enumerate(fields[:-1]):
        assert field["name"].startswith(f"{DISAGREE} measure {g} of requests")
        assert field["value"].startswith(f"**{g}** — Police")
    assert fields[-1]["name"] == "…and 16 more"
    assert fields[-1]["value"].startswith("measure 24 of requests")


def test_a_group_too_big_for_its_field_counts_what_it_leaves_out() -> None:
    quote = "A long sentence about the requests. " * 40
    facts = [fact(value=str(n), number=n, quote=quote, end=len(quote)) for n in range(30)]
    embed = assert_sendable(render.fact_message(lookup_of(facts)))["embeds"][0]
    (field,) = embed["fields"]
    assert len(field["value"]) <= limits.FIELD_VALUE
    shown = field["value"].count("\n**") + 1
    assert shown < 30
    assert field["value"].endswith(f"…and {30 - shown} more claims")


def test_ask_leads_with_the_answer_then_one_quote_per_claim(engine: Engine) -> None:
    payload = discord_payload(engine, HOW_MANY)  # what `python -m bot ask --format discord` prints
    answer = engine.ask(HOW_MANY)
    assert answer.facts is not None and answer.answer
    description = payload["embeds"][0]["description"]
    assert description.startswith(f"**{escape(answer.answer)}**")
    for snippet in answer.snippets:
        assert f"**{escape(snippet.value or '')}** — {escape(snippet.claimed_by or '')}" in (
            description
        )
    shown = shown_quotes(description)
    assert len(shown) == len(answer.snippets)
    for text, snippet in zip(shown, answer.snippets, strict=True):
        assert_verbatim(text, shown_text(snippet))


@settings(max_examples=10, deadline=None)
@given(result=big_lookups())
def test_ask_with_a_huge_card_still_fits(result: FactLookup) -> None:
    answer = Answer(question="How many?", status="conflict", facts=result)
    payload = assert_sendable(render.answer_message(Reply(answer=answer)))
    assert payload["embeds"][0]["description"].startswith("**")
