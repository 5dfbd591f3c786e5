"""Layer 1: answers, source lists and reports rendered as Discord messages, checked against
Discord's limits (stated independently in the fake) and for verbatim, escaped quotes."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.core.engine import Engine
from bot.discord import limits, pages, render, reports
from bot.discord.service import AnswerService, PinMark, Reply, SourceInfo
from bot.discord.settings import BotSettings, ServerSettings, effective
from bot.discord.store import DM_SCOPE, PinListing, Store, Unanswered
from bot.evaluate import load_eval
from bot.models import Answer, Snippet
from bot.render_text import shown_text
from tests.discord.fake_discord import message_problems
from tests.paths import SOURCES

QUESTIONS = [item.question for item in load_eval(Path(__file__).parents[1] / "questions.jsonl")]
HOSTILE_QUESTIONS = [
    "@everyone how many detainers did <@&123456789012345678> ignore?",
    "**How many** _detainer_ requests did `Boston` ignore? # heading\n> quote",
    "x" * 5000,
    "   ",
    "\x00\x07",
]


def shown_quotes(description: str) -> list[str]:
    """The quotes as a reader sees them: block-quote markers and escapes removed."""
    quotes = []
    for block in description.split("\n\n"):
        lines = [line for line in block.split("\n") if line.startswith(">")]
        if lines:
            text = "\n".join(line[2:] if line.startswith("> ") else line[1:] for line in lines)
            quotes.append(re.sub(r"\\([^A-Za-z0-9\s])", r"\1", text).replace("\u200b", ""))
    return quotes


def assert_verbatim(shown: str, quote: str) -> None:
    """The whole quote, or a prefix of it marked as trimmed."""
    if shown != quote:
        assert shown.endswith(limits.ELLIPSIS), shown[-40:]
        assert quote.startswith(shown[: -len(limits.ELLIPSIS)].rstrip())


def assert_sendable(message: render.OutgoingMessage) -> dict:
    payload = message.payload()
    assert message_problems(payload) == []
    assert payload["allowed_mentions"] == {"parse": []}
    return payload


def test_every_question_renders_within_limits(engine: Engine) -> None:
    service = AnswerService(engine, Store(":memory:"))
    for question in QUESTIONS + HOSTILE_QUESTIONS:
        reply = service.reply(question, DM_SCOPE)
        payload = assert_sendable(render.answer_message(reply))
        description = payload["embeds"][0]["description"]
        shown = shown_quotes(description)
        quoted = [group[0] for group in reply.answer.quotes()]
        assert len(shown) == len(quoted), question
        for text, snippet in zip(shown, quoted, strict=True):
            assert_verbatim(text, shown_text(snippet))
            assert snippet.title.split()[0] in description
            assert f"line {snippet.line}" in description


def test_hostile_question_is_escaped_in_title(engine: Engine) -> None:
    service = AnswerService(engine, Store(":memory:"))
    title = render.answer_embed(service.reply(HOSTILE_QUESTIONS[0], DM_SCOPE)).title or ""
    assert "@everyone" not in title and "@\u200beveryone" in title
    title = render.answer_embed(service.reply(HOSTILE_QUESTIONS[1], DM_SCOPE)).title or ""
    assert "\\*\\*How many\\*\\*" in title


quote_text = st.lists(
    st.sampled_from(
        [*"abc XYZ.!?*_`~|>#@-\n", "everyone", "@here", "<@&1>", "word. ", "12. ", "1) "]
    ),
    min_size=1,
    max_size=2500,
).map("".join)


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    status = draw(st.sampled_from(["answered", "conflict"]))
    snippets = []
    for i in range(draw(st.integers(1, 5))):
        quote = draw(quote_text)
        snippets.append(
            Snippet(
                quote=quote,
                source=f"file-{i}.txt",
                start=0,
                end=len(quote),
                title=draw(st.text(min_size=1, max_size=400)),
                publisher=draw(st.text(max_size=300)),
                date="2026-01-29",
                score=1.0,
                line=draw(st.integers(1, 10**6)),
                claimed_by=draw(st.none() | st.text(min_size=1, max_size=300)),
                url=draw(st.none() | st.just(f"https://example.org/{i}")),
            )
        )
    return Answer(
        question=draw(st.text(min_size=1, max_size=600)),
        status=status,
        snippets=snippets,
        note=draw(st.text(max_size=3000)),
    )


@settings(max_examples=60, deadline=None)
@given(answer=answers(), pinned=st.booleans())
def test_any_answer_fits_and_stays_verbatim(answer: Answer, pinned: bool) -> None:
    mark = PinMark(question="q" * 900, pinned_by_name="mod", pinned_at="2026-01-01", message_id=1)
    reply = Reply(answer=answer, pinned=mark if pinned else None)
    payload = assert_sendable(render.answer_message(reply))
    shown = shown_quotes(payload["embeds"][0]["description"])
    quotes = [s.quote for s in answer.snippets if s.quote.strip()]
    assert len(shown) >= len(quotes) - 1  # a quote of only blank lines shows as ">" lines
    for text, snippet in zip(shown, answer.snippets, strict=False):
        assert_verbatim(text, snippet.quote)


def test_markdown_and_mentions_in_quotes_are_neutralised() -> None:
    quote = "# Big\n**bold** @everyone [link](https://x.test) > not a quote\n- item"
    snippet = Snippet(
        quote=quote,
        source="a.txt",
        start=0,
        end=len(quote),
        title="T",
        publisher="P",
        date="D",
        score=1.0,
        line=3,
    )
    embed = render.answer_embed(
        Reply(answer=Answer(question="q", status="answered", snippets=[snippet]))
    )
    description = embed.description or ""
    assert "> \\# Big" in description
    assert "\\*\\*bold\\*\\*" in description
    assert "@\u200beveryone" in description
    assert "> \\- item" in description
    assert shown_quotes(description) == [quote]


def test_conflict_names_each_claimant_and_source() -> None:
    snippets = [
        Snippet(
            quote=f"We counted {n}.",
            source=f"{who}.txt",
            start=0,
            end=12,
            title=f"Report {who}",
            publisher=who,
            date="2025",
            score=1.0,
            line=1,
            claimed_by=who,
        )
        for n, who in ((15, "Police"), (198, "ICE"))
    ]
    answer = Answer(question="How many?", status="conflict", snippets=snippets)
    description = render.answer_embed(Reply(answer=answer)).description or ""
    assert "disagree" in description
    for who in ("Police", "ICE"):
        assert f"**Claimed by {who}:**" in description
        assert f"“Report {who}”" in description


def test_a_sentence_with_two_claims_is_quoted_once() -> None:
    quote = "Police said they refused 15; the agency says almost 200."
    snippets = [
        Snippet(
            quote=quote,
            source="a.txt",
            start=0,
            end=len(quote),
            title="Report",
            publisher=None,
            date=None,
            score=1.0,
            line=1,
            claimed_by=who,
            value=value,
        )
        for value, who in (("15", "Police"), ("almost 200", "the agency"))
    ]
    answer = Answer(question="How many?", status="conflict", snippets=snippets)
    description = render.answer_embed(Reply(answer=answer)).description or ""
    assert "**15** — Police" in description
    assert "**almost 200** — the agency" in description
    assert shown_quotes(description) == [quote]


def test_no_answer_says_so_and_names_topics(engine: Engine) -> None:
    service = AnswerService(engine, Store(":memory:"))
    reply = service.reply("What is the boiling point of mercury?", DM_SCOPE)
    description = render.answer_embed(reply).description or ""
    assert reply.answer.status == "no_answer"
    assert "don't say" in description
    for document in engine.retriever.corpus.documents:
        assert render.escape(document.meta.title) in description


def test_link_buttons_one_per_source_url() -> None:
    def snippet(url: str | None) -> Snippet:
        return Snippet(
            quote="Q.",
            source="a.txt",
            start=0,
            end=2,
            title="A title " * 20,
            publisher="P",
            date="D",
            score=1.0,
            line=1,
            url=url,
        )

    urls = ["https://a.test/1", "https://a.test/1", None, "ftp://nope", "https://b.test/2"]
    reply = Reply(
        answer=Answer(question="q", status="answered", snippets=[snippet(u) for u in urls])
    )
    payload = assert_sendable(render.answer_message(reply))
    buttons = [c for row in payload["components"] for c in row["components"]]
    links = [b["url"] for b in buttons if b["style"] == 5]
    assert links == ["https://a.test/1", "https://b.test/2"]
    assert {b.get("custom_id") for b in buttons if b["style"] != 5} == {
        "quotebot:vote:up",
        "quotebot:vote:down",
        "quotebot:pin",
        "quotebot:delete",
    }


# Each unique to this test: a URL is warned about once per process.
BAD_URLS = [
    "https://example.org/" + "a" * 493,  # 513 characters: Discord's limit is 512
    "https://example.org/with space",
    "https://example.org/line\nbreak",
    "https://example.org/tab\there",
    "https://example.org/\x7fdel",
    "https:///no-host-render-test",
    "https://?render-test",
    "javascript:alert('render-test')",
    " https://example.org/leading-space",
]


def linked_snippet(i: int, url: str | None) -> Snippet:
    """A short quote of source `i`, whose URL is `url`."""
    return Snippet(
        quote="Q.",
        source=f"{i}.txt",
        start=0,
        end=2,
        title=f"T{i}",
        publisher="P",
        date="D",
        score=1.0,
        line=1,
        url=url,
    )


def test_bad_link_button_urls_are_dropped_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Discord rejects the whole message for one bad link button, so a source URL it would
    refuse gets no button (the answer still goes out), with one warning per URL."""
    good = "https://example.org/" + "a" * 492  # exactly 512

    def reply(urls: list[str]) -> Reply:
        snippets = [linked_snippet(i, url) for i, url in enumerate(urls)]
        return Reply(answer=Answer(question="q", status="answered", snippets=snippets))

    with caplog.at_level(logging.WARNING, logger="bot.discord"):
        for _ in range(3):
            payload = assert_sendable(render.answer_message(reply([*BAD_URLS, good])))
    buttons = [c for row in payload["components"] for c in row["components"]]
    assert [b["url"] for b in buttons if b["style"] == 5] == [good]
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == len(BAD_URLS)
    assert all("Discord would refuse" in w for w in warned)


def test_pinned_reply_is_marked() -> None:
    mark = PinMark(
        question="How many?", pinned_by_name="Mod", pinned_at="2026-02-01T10:00:00", message_id=5
    )
    answer = Answer(question="How many?", status="answered", snippets=[])
    embed = render.answer_embed(Reply(answer=answer, pinned=mark))
    assert embed.author.name == render.PINNED_LABEL
    assert "pinned by Mod on 2026-02-01" in (embed.footer.text or "")


def test_many_sources_fit_in_25_fields() -> None:
    sources = [
        SourceInfo(
            file=f"f{i}.txt",
            title="T" * 300,
            publisher="P" * 2000,
            date="D",
            url=f"https://x.test/{i}",
            passages=i,
        )
        for i in range(40)
    ]
    payload = assert_sendable(render.sources_message(sources))
    fields = payload["embeds"][0]["fields"]
    assert len(fields) <= 25
    assert "more" in fields[-1]["name"]


def test_long_unanswered_list_fits() -> None:
    rows = [
        Unanswered(question="why " * 200, count=100 - i, last_asked="2026-01-01")
        for i in range(100)
    ]
    payload = assert_sendable(reports.unanswered_message(rows, 30))
    assert payload["embeds"][0]["description"].startswith("**100×**")


@given(text=st.text(min_size=0, max_size=3000), limit=st.integers(1, 2500))
def test_trim_fits_and_keeps_a_prefix(text: str, limit: int) -> None:
    trimmed = limits.trim(text, limit)
    assert len(trimmed) <= limit
    if trimmed != text:
        assert trimmed.endswith(limits.ELLIPSIS)
        assert text.startswith(trimmed[: -len(limits.ELLIPSIS)])


def test_trim_prefers_a_sentence_boundary() -> None:
    text = "One short sentence. Another sentence that runs on for quite a while longer."
    assert limits.trim(text, 40) == "One short sentence.…"


def test_cli_prints_the_discord_payload(capsys, tmp_path: Path) -> None:
    question = QUESTIONS[0]
    assert (
        main(
            [
                "--sources",
                str(SOURCES),
                "--cache",
                str(tmp_path),
                "ask",
                "--format",
                "discord",
                question,
            ]
        )
        == 0
    )
    printed = json.loads(capsys.readouterr().out)
    assert message_problems(printed) == []
    assert printed["allowed_mentions"] == {"parse": []}
    assert printed["embeds"][0]["title"] == render.escape(question)
    assert [c["custom_id"] for c in printed["components"][0]["components"]] == [
        "quotebot:vote:up",
        "quotebot:vote:down",
        "quotebot:pin",
        "quotebot:delete",
    ]


def ids_of(payload: dict) -> list[str]:
    return [c.get("custom_id", "link") for row in payload["components"] for c in row["components"]]


def test_an_answer_gets_the_buttons_its_place_allows() -> None:
    answered = Reply(answer=Answer(question="q", status="answered"))
    declined = Reply(answer=Answer(question="q", status="no_answer"))
    mark = PinMark(question="q", pinned_by_name="m", pinned_at="2026-01-01", message_id=1)
    curated = Reply(answer=answered.answer, pinned=mark)
    votes = ["quotebot:vote:up", "quotebot:vote:down"]
    every = render.Controls(pin=True, delete=True, solved=True)

    def ids(reply: Reply, where: render.Controls) -> list[str]:
        return ids_of(assert_sendable(render.answer_message(reply, where)))

    assert ids(answered, every) == [*votes, "quotebot:pin", "quotebot:delete", "quotebot:solved"]
    assert ids(declined, every) == [*votes, "quotebot:delete", "quotebot:solved"]  # no quotes
    assert ids(curated, every) == [*votes, "quotebot:delete", "quotebot:solved"]  # pinned already
    assert ids(answered, render.PRIVATE) == votes
    assert ids(answered, render.Controls(pin=False)) == [*votes, "quotebot:delete"]


def test_link_buttons_start_on_a_row_of_their_own() -> None:
    snippets = [linked_snippet(i, f"https://example.org/{i}") for i in range(25)]
    reply = Reply(answer=Answer(question="q", status="answered", snippets=snippets))
    where = render.Controls(pin=True, delete=True, solved=True)
    rows = assert_sendable(render.answer_message(reply, where))["components"]
    assert next(c.get("custom_id") for c in rows[0]["components"]) == "quotebot:vote:up"
    assert all(c["style"] == 5 for row in rows[1:] for c in row["components"])
    assert sum(len(row["components"]) for row in rows[1:]) == render.MAX_LINK_BUTTONS


def test_a_full_page_of_long_curated_answers_fits() -> None:
    pins = [
        PinListing(
            message_id=i,
            channel_id=1,
            question="why " * 200,
            aliases=["alias " * 30] * 20,
            pinned_by_name="n" * 80,
            pinned_at="2026-01-01",
            edited_by_name="e" * 80,
            edited_at="2026-02-01",
            sources=["title " * 50] * 10,
            readable=True,
        )
        for i in range(reports.PINS_PER_PAGE)
    ]
    payload = assert_sendable(reports.pinned_page(pins, 3, 500))
    assert len(payload["embeds"][0]["fields"]) == reports.PINS_PER_PAGE
    assert payload["embeds"][0]["footer"]["text"].startswith("Page 4 of 63")


def test_an_export_too_big_for_one_file_keeps_the_most_frequent_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [
        Unanswered(question=f"question {i} " * 10, count=100 - i, last_asked="2026-01-01")
        for i in range(100)
    ]
    monkeypatch.setattr(reports, "EXPORT_LIMIT", 4000)
    for fmt in ("csv", "json"):
        message = reports.unanswered_export(rows, 30, 5, fmt)
        (file,) = message.files
        assert len(file.data) <= 4000
        kept = file.data.decode().count("question ") // 10
        assert 0 < kept < 100
        assert message.content and f"The {100 - kept} least frequent did not fit" in message.content
        assert "question 0 " in file.data.decode()  # the most frequent first


def test_spreadsheet_cells_never_start_a_formula() -> None:
    for cell in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert reports.spreadsheet_safe(cell) == "'" + cell
    assert reports.spreadsheet_safe("How many?") == "How many?"


def test_the_settings_page_names_only_this_server_s_channels() -> None:
    defaults = BotSettings(_env_file=None, discord_token="t", answer_channel_ids=[1, 2])  # type: ignore[call-arg]
    chosen = effective(ServerSettings(forum_channel_ids=[3]), defaults)
    text = pages.settings_message(chosen, here={2, 3}).payload()["embeds"][0]["description"]
    assert "<#2> *(default)*" in text and "<#1>" not in text
    assert "<#3> *(this server's choice)*" in text
    elsewhere = pages.settings_message(chosen, here={9}).payload()["embeds"][0]["description"]
    assert "none in this server" in elsewhere
