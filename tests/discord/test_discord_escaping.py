"""Hostile text stays inert: whatever a user asks or a source says, no message the bot renders
holds a live masked link, a mention, a live URL (outside the /sources list's own addresses)
or an unbalanced code span, and every message stays within Discord's limits. What is "live"
is judged by `discord_markdown`, a reader of Discord's Markdown written apart from the bot's
escaping."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Set
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.engine import Engine
from bot.discord import pages, render, reports
from bot.discord.markdown import escape
from bot.discord.service import AnswerService, PinMark, Reply, SourceInfo
from bot.discord.settings import BotSettings, ServerSettings, effective
from bot.discord.store import DM_SCOPE, Feedback, PinListing, Rated, Store, Unanswered
from bot.facts.models import Fact, FactLookup
from bot.loader import load_engine
from bot.models import Answer, Snippet
from index.models import SourceMeta
from tests.discord.discord_markdown import read, rendered_parts
from tests.discord.fake_discord import message_problems
from tests.discord.harness import MANAGE_MESSAGES, running_bot

PHISH = "[x](y) [Official Boston.gov FAQ](http://evil.example/phish) zorblax?"

# Markdown-ish pieces: every character Discord's Markdown gives meaning to, whole constructs,
# and the words and numbers mentions are made of, so that random joins build real syntax.
PIECES = [
    *"[]()`*_|~>#@<>:/\\!&-+.=\"' \n\t",
    *"abcxyz019",
    "everyone",
    "here",
    "https://",
    "http://evil.example/phish",
    "steam://run/1",
    "[x](http://a.b)",
    "](",
    ")]",
    "<@123456789012345678>",
    "<@!1>",
    "<@&1>",
    "<#1>",
    "</ask:1>",
    "<:e:1>",
    "<t:1:R>",
    "<id:home>",
    "```",
    "||",
    "~~",
    "**",
    "__",
    "1. ",
    "- ",
    "# ",
    "## ",
    "-# ",
    "> ",
    ">>> ",
    "\n\n",
    "word. ",
]
hostile = st.lists(st.sampled_from(PIECES), max_size=400).map("".join) | st.text(max_size=300)
hostile_short = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
some_url = (
    st.none()
    | hostile_short
    | st.sampled_from(
        ["https://example.org/a", "https://example.org/a)b](c", "http://x.test/" + "y" * 600]
    )
)


def assert_inert(payload: dict[str, Any], own_urls: Set[str] = frozenset()) -> None:
    assert message_problems(payload) == [], message_problems(payload)
    assert payload["allowed_mentions"] == {"parse": []}
    for part in rendered_parts(payload):
        live = read(part)
        assert live.masked_links == [], (live.masked_links, part)
        assert live.mentions == [], (live.mentions, part)
        assert live.code_balanced, part
        assert set(live.urls) <= own_urls, (live.urls, part)


@st.composite
def snippets(draw: st.DrawFn, i: int) -> Snippet:
    quote = draw(hostile)
    return Snippet(
        quote=quote,
        source=draw(hostile_short) or f"{i}.txt",
        start=0,
        end=len(quote),
        title=draw(hostile_short),
        publisher=draw(hostile_short),
        date=draw(hostile_short),
        score=1.0,
        line=draw(st.integers(1, 10**6)),
        claimed_by=draw(st.none() | hostile_short),
        url=draw(some_url),
    )


@st.composite
def facts(draw: st.DrawFn) -> FactLookup:
    found = []
    for i in range(draw(st.integers(0, 6))):
        quote = draw(hostile)
        found.append(
            Fact(
                subject=draw(hostile_short) or "s",
                measure=draw(hostile_short) or "m",
                period=draw(st.none() | hostile_short),
                value=draw(hostile_short) or "v",
                claimed_by=draw(hostile_short) or "c",
                source=f"{i % 2}.txt",
                quote=quote,
                start=0,
                end=len(quote),
                line=1,
            )
        )
    metas = {
        f"{i}.txt": SourceMeta(file=f"{i}.txt", title=draw(hostile_short) or "t") for i in (0, 1)
    }
    return FactLookup(
        query=draw(hostile_short),
        facts=found,
        suggestions=draw(st.lists(hostile_short, max_size=5)),
        note=draw(hostile_short),
        sources=metas,
    )


@st.composite
def replies(draw: st.DrawFn) -> Reply:
    status = draw(st.sampled_from(["answered", "conflict", "no_answer"]))
    count = 0 if status == "no_answer" else draw(st.integers(1, 4))
    answer = Answer(
        question=draw(hostile_short),
        status=status,
        snippets=[draw(snippets(i)) for i in range(count)],
        note=draw(hostile_short),
        facts=draw(st.none() | facts()) if status != "no_answer" else None,
    )
    mark = PinMark(
        question=draw(hostile_short),
        pinned_by_name=draw(hostile_short),
        pinned_at="2026-01-01T00:00:00",
        message_id=1,
    )
    return Reply(
        answer=answer,
        pinned=draw(st.none() | st.just(mark)),
        topics=draw(st.lists(hostile_short, max_size=4)) if status == "no_answer" else [],
    )


@settings(max_examples=100, deadline=None)
@given(reply=replies())
def test_any_answer_is_inert(reply: Reply) -> None:
    assert_inert(render.answer_message(reply).payload())


@settings(max_examples=50, deadline=None)
@given(result=facts())
def test_any_fact_card_is_inert(result: FactLookup) -> None:
    assert_inert(render.fact_message(result).payload())


@settings(max_examples=50, deadline=None)
@given(questions=st.lists(hostile, min_size=1, max_size=30))
def test_any_unanswered_list_is_inert(questions: list[str]) -> None:
    rows = [
        Unanswered(question=q, count=i + 1, last_asked="2026-01-01")
        for i, q in enumerate(questions)
    ]
    assert_inert(reports.unanswered_message(rows, 30).payload())


@settings(max_examples=50, deadline=None)
@given(question=hostile, refused=st.booleans())
def test_any_pin_notice_is_inert(question: str, refused: bool) -> None:
    assert_inert(render.pinned_notice(question, refused).payload())


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_any_sources_list_is_inert_but_links_its_own_urls(data: st.DataObject) -> None:
    sources = [
        SourceInfo(
            file=data.draw(hostile_short) or "f.txt",
            title=data.draw(hostile_short) or "t",
            publisher=data.draw(hostile_short),
            date=data.draw(hostile_short),
            url=data.draw(some_url),
            passages=1,
        )
        for _ in range(data.draw(st.integers(1, 30)))
    ]
    assert_inert(render.sources_message(sources).payload(), {s.url for s in sources if s.url})


def test_escape_keeps_the_text_a_reader_sees() -> None:
    """Escaping only inserts: drop each backslash escape and the zero-width spaces, and the
    text is back."""
    for text in [PHISH, *PIECES, "".join(PIECES)]:
        shown = re.sub(r"\\([^A-Za-z0-9\s])", r"\1", escape(text)).replace("\u200b", "")
        assert shown == text


def test_two_masked_links_in_a_question_stay_inert_in_unanswered(
    engine: Engine, tmp_path: Path
) -> None:
    """The reported case, end to end: a declined question with two masked links, listed by
    /answers unanswered."""

    async def go() -> None:
        async with running_bot(engine, tmp_path) as (_, fake):
            await fake.answered(await fake.slash("ask", question=PHISH))
            record = await fake.slash("answers unanswered", permissions=MANAGE_MESSAGES)
            await fake.answered(record)
            listing = fake.message_bodies()[-1]
            assert "zorblax" in listing["embeds"][0]["description"]
            assert_inert(listing)

    asyncio.run(go())


def test_a_source_line_with_two_links_stays_inert_in_ask(
    make_sources: Callable[[dict[str, str | bytes]], Path], tmp_path: Path
) -> None:
    line = (
        "The zorblax office lists its hours in [the FAQ](https://a.example/faq) and "
        "[Official Boston.gov FAQ](http://evil.example/phish) and https://evil.example/bare "
        "for @everyone and <@&123456789012345678>."
    )
    folder = make_sources({"page.md": f"# Zorblax\n\n{line}\n"})
    engine, _ = load_engine(folder, tmp_path / "cache")
    reply = AnswerService(engine, Store(":memory:")).reply(
        "Where are the zorblax office hours?", DM_SCOPE
    )
    assert reply.answer.status == "answered"
    assert "evil.example" in reply.answer.snippets[0].quote
    assert_inert(render.answer_message(reply).payload())


def test_the_reader_sees_what_discord_makes_live() -> None:
    """The judge is not vacuous: it finds live syntax, and honours escapes only as Discord
    does (a backslash before punctuation; an escaped backslash escapes nothing)."""
    assert read("see [a](http://b.c) and [d](e)").masked_links == ["[a](http://b.c)", "[d](e)"]
    assert read("\\[a](http://b.c)").masked_links == []
    assert read("\\\\[a](http://b.c)").masked_links == ["[a](http://b.c)"]
    assert read("[a [b] c](<http://x> 'title')").masked_links
    for mention in ("<@123>", "<@!1>", "<@&1>", "<#1>", "</ask:1>", "<a:e:1>", "<t:1:R>"):
        assert read(f"x {mention} y").mentions == [mention]
        assert read(f"x \\{mention} y").mentions == []
    assert read("hi @everyone").mentions == ["@everyone"]
    assert read("hi @\u200beveryone").mentions == []
    assert read("go xhttps://evil.example/a now").urls == ["xhttps://evil.example/a"]
    assert read("<https://a.b/c>").urls == ["https://a.b/c"]
    assert read("https:\\//evil.example").urls == []
    assert not read("one ` tick").code_balanced
    assert read("`code` and \\`").code_balanced


@st.composite
def listings(draw: st.DrawFn) -> list[PinListing]:
    return [
        PinListing(
            message_id=i,
            channel_id=1,
            question=draw(hostile),
            aliases=draw(st.lists(hostile_short, max_size=5)),
            pinned_by_name=draw(hostile_short),
            pinned_at="2026-01-01T00:00:00",
            edited_by_name=draw(st.none() | hostile_short),
            edited_at=draw(st.none() | st.just("2026-02-01T00:00:00")),
            sources=draw(st.lists(hostile_short, max_size=4)),
            readable=draw(st.booleans()),
        )
        for i in range(draw(st.integers(0, reports.PINS_PER_PAGE)))
    ]


@settings(max_examples=50, deadline=None)
@given(pins=listings(), page=st.integers(0, 3), extra=st.integers(0, 40))
def test_any_page_of_curated_answers_is_inert(
    pins: list[PinListing], page: int, extra: int
) -> None:
    assert_inert(
        reports.pinned_page(pins, page, page * reports.PINS_PER_PAGE + len(pins) + extra).payload()
    )


@settings(max_examples=50, deadline=None)
@given(questions=st.lists(hostile, max_size=25))
def test_any_feedback_report_is_inert(questions: list[str]) -> None:
    rated = [
        Rated(message_id=i, channel_id=1, question=q, up=i, down=30 - i, last_vote="2026-01-01")
        for i, q in enumerate(questions)
    ]
    assert_inert(reports.feedback_message(Feedback(worst=rated, best=rated[::-1])).payload())


@settings(max_examples=50, deadline=None)
@given(text=hostile, aliases=st.lists(hostile_short, max_size=20))
def test_any_notice_echoing_a_user_is_inert(text: str, aliases: list[str]) -> None:
    assert_inert(render.echoing("No curated answer matches “{}”.", text).payload())
    assert_inert(render.edited_notice(text, tuple(aliases)).payload())


@settings(max_examples=50, deadline=None)
@given(titles=st.lists(hostile_short, max_size=30), in_server=st.booleans())
def test_any_help_page_is_inert(titles: list[str], in_server: bool) -> None:
    sources = [
        SourceInfo(file="f", title=t, publisher="p", date="d", url=None, passages=1) for t in titles
    ]
    chosen = effective(ServerSettings(), BotSettings(_env_file=None, discord_token="t"))  # type: ignore[call-arg]
    assert_inert(pages.help_message(sources, chosen, set() if in_server else None).payload())
