"""End to end: the real discord.py client against the loopback fake Discord."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from discord.http import Route

from bot.cli import main
from bot.discord import render
from bot.discord.client import QuoteBot
from bot.discord.fact_card import DISAGREE, group_name
from bot.discord.preview import discord_payload
from bot.discord.render import PINNED_LABEL
from bot.engine import Engine
from tests.discord.fake_discord import (
    APP_ID,
    BOT_ID,
    CHANNEL_ID,
    EPHEMERAL,
    GUILD_ID,
    MESSAGE_CONTENT_INTENT,
    OTHER_CHANNEL_ID,
    TOKEN,
    Dispatched,
    FakeDiscord,
)
from tests.discord.harness import MANAGE_GUILD, MANAGE_MESSAGES, running_bot
from tests.paths import SOURCES

QUESTION = "How many detainer requests did Boston police ignore in 2025?"
REWORDED = "In 2025, how many detainer requests did the Boston police ignore?"
OFF_TOPIC = "What is the boiling point of mercury?"
Scenario = Callable[[QuoteBot, FakeDiscord], Awaitable[None]]


def run(engine: Engine, tmp_path: Path, scenario: Scenario, **settings: Any) -> None:
    async def go() -> None:
        async with running_bot(engine, tmp_path, **settings) as (bot, fake):
            await scenario(bot, fake)
            assert_safe(fake)

    asyncio.run(go())


def assert_safe(fake: FakeDiscord) -> None:
    """Every message went out with mentions disabled, and Discord rejected nothing."""
    bodies = fake.message_bodies()
    assert bodies
    for body in bodies:
        assert body["allowed_mentions"] == {"parse": []}, body
    for record in fake.dispatched.values():
        assert record.refused == [], record
    assert [c for c in fake.calls if c.status >= 400] == []


def ephemeral(message: dict[str, Any]) -> bool:
    return bool(message["flags"] & EPHEMERAL)


def description(message: dict[str, Any]) -> str:
    return message["embeds"][0]["description"]


async def ask(
    bot: QuoteBot, fake: FakeDiscord, question: str, user_id: int = 7001
) -> dict[str, Any]:
    """Ask, and wait until the bot has also recorded its answer (just after sending it), so
    that what the test does next cannot race that write."""
    record = await fake.slash("ask", user_id=user_id, question=question)
    reply = await fake.answered(record)
    assert record.callback_type == 5  # deferred at once, answered by a follow-up
    assert record.ack_latency is not None and record.ack_latency < 3
    if reply.get("embeds"):
        await fake.wait_until(
            lambda: bot.store.sent_answer(int(reply["id"]), GUILD_ID) is not None,
            what="stored answer",
        )
    return reply


async def refused(record: Dispatched, fake: FakeDiscord, words: str) -> None:
    reply = await fake.answered(record)
    assert ephemeral(reply)
    assert words in reply["content"]


def test_ask_answers_with_the_payload_the_cli_prints(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        assert fake.identify is not None
        assert not fake.identify["intents"] & MESSAGE_CONTENT_INTENT
        reply = await ask(bot, fake, QUESTION)
        expected = discord_payload(engine, QUESTION)
        followup = next(c.body for c in fake.calls if c.path.startswith("/webhooks/"))
        for key in ("embeds", "components", "allowed_mentions"):
            assert followup[key] == expected[key]
        assert not ephemeral(reply)
        sent = bot.store.sent_answer(int(reply["id"]), GUILD_ID)
        assert sent is not None and sent.answer == engine.ask(QUESTION)

    run(engine, tmp_path, scenario)


def test_no_answer_says_so_and_names_topics(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        text = description(await ask(bot, fake, OFF_TOPIC))
        assert "don't say" in text
        for topic in bot.service.topics():
            assert topic in text

    run(engine, tmp_path, scenario)


def test_mention_mode_answers_in_a_thread(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        asked = await fake.post(f"<@{BOT_ID}> {QUESTION}")
        await fake.wait_until(lambda: len(fake.threads) == 1, what="a thread")
        ((thread_id, thread),) = fake.threads.items()
        assert thread["parent_id"] == str(CHANNEL_ID) and thread["name"] == QUESTION
        assert any(c.path == f"/channels/{CHANNEL_ID}/messages/{asked}/threads" for c in fake.calls)
        path = f"/channels/{thread_id}/messages"
        await fake.wait_until(lambda: any(c.path == path for c in fake.calls), what="answer")
        body = next(c.body for c in fake.calls if c.path == path)
        assert body["embeds"][0]["title"] == QUESTION
        answer = next(m for m in fake.messages.values() if m["channel_id"] == str(thread_id))
        await fake.wait_until(
            lambda: bot.store.sent_answer(int(answer["id"]), GUILD_ID) is not None
        )

        # Elsewhere, or without a mention, or with an empty mention: no thread.
        calls = len(fake.calls)
        await fake.post(f"<@{BOT_ID}> {QUESTION}", channel_id=OTHER_CHANNEL_ID)
        await fake.post(QUESTION, mention_bot=False)
        hint = await fake.post(f"<@{BOT_ID}>")
        await fake.wait_until(lambda: len(fake.calls) > calls, what="the hint")
        await asyncio.sleep(0.3)
        assert len(fake.threads) == 1
        (new,) = fake.calls[calls:]
        assert new.path == f"/channels/{CHANNEL_ID}/messages"
        assert int(new.body["message_reference"]["message_id"]) == hint
        assert "Ask me after the mention" in new.body["content"]

    run(engine, tmp_path, scenario, answer_channel_ids=[CHANNEL_ID])


def test_mention_mode_without_thread_permission_replies_in_channel(
    engine: Engine, tmp_path: Path
) -> None:
    async def go() -> None:
        async with running_bot(engine, tmp_path) as (bot, fake):
            fake.thread_permission = False
            asked = await fake.post(f"<@{BOT_ID}> {QUESTION}")
            path = f"/channels/{CHANNEL_ID}/messages"
            await fake.wait_until(lambda: any(c.path == path for c in fake.calls), what="answer")
            body = next(c.body for c in fake.calls if c.path == path)
            assert int(body["message_reference"]["message_id"]) == asked
            assert body["embeds"][0]["title"] == QUESTION
            assert body["allowed_mentions"] == {"parse": []}
            assert fake.threads == {}
            answer = next(m for m in fake.messages.values() if m["author"]["id"] == str(BOT_ID))
            await fake.wait_until(
                lambda: bot.store.sent_answer(int(answer["id"]), GUILD_ID) is not None
            )

    asyncio.run(go())


def test_mention_mode_has_the_cooldown_too(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        await fake.post(f"<@{BOT_ID}> {QUESTION}")
        await fake.wait_until(lambda: len(fake.threads) == 1, what="a thread")
        await fake.post(f"<@{BOT_ID}> {REWORDED}")
        path = f"/channels/{CHANNEL_ID}/messages"
        await fake.wait_until(lambda: any(c.path == path for c in fake.calls), what="a note")
        note = next(c.body for c in fake.calls if c.path == path)
        assert "try again in" in note["content"]
        assert len(fake.threads) == 1

    run(engine, tmp_path, scenario, ask_cooldown_rate=1, ask_cooldown_seconds=60)


def test_pin_and_unpin_need_manage_messages(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        message_id = int((await ask(bot, fake, QUESTION))["id"])
        original = description(fake.messages[message_id])

        await refused(await fake.menu("Pin answer", message_id), fake, "moderators")
        await refused(await fake.click("quotebot:pin", message_id), fake, "moderators")
        assert fake.pinned == set() and bot.store.pin_keys(GUILD_ID) == {}

        member = await fake.post("not an answer", mention_bot=False)
        record = await fake.menu("Pin answer", member, permissions=MANAGE_MESSAGES)
        await refused(record, fake, "Only the bot's answers")

        record = await fake.menu("Pin answer", message_id, permissions=MANAGE_MESSAGES)
        assert ephemeral(await fake.answered(record))
        assert fake.pinned == {message_id}
        assert list(bot.store.pin_keys(GUILD_ID)) == [message_id]

        pinned = await ask(bot, fake, REWORDED, user_id=7002)
        assert pinned["embeds"][0]["author"]["name"] == PINNED_LABEL
        assert description(pinned) == original

        await refused(await fake.menu("Unpin answer", message_id), fake, "moderators")
        assert fake.pinned == {message_id}
        record = await fake.menu("Unpin answer", message_id, permissions=MANAGE_MESSAGES)
        await fake.answered(record)
        assert fake.pinned == set() and bot.store.pin_keys(GUILD_ID) == {}
        assert "author" not in (await ask(bot, fake, REWORDED, user_id=7003))["embeds"][0]

        record = await fake.click("quotebot:pin", message_id, permissions=MANAGE_MESSAGES)
        await fake.answered(record)
        assert fake.pinned == {message_id}

    run(engine, tmp_path, scenario)


def test_pins_votes_and_listings_use_the_store_off_the_loop(engine: Engine, tmp_path: Path) -> None:
    """A store call on the event loop would stall the heartbeat while SQLite waits for the
    disk or for an answering thread's lock; every one the bot makes runs in a thread."""

    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        message_id = int((await ask(bot, fake, QUESTION))["id"])
        await ask(bot, fake, OFF_TOPIC, user_id=7002)
        loop_thread = threading.get_ident()
        on_loop: list[str] = []
        used: set[str] = set()

        def spy(name: str) -> Callable[..., Any]:
            work = getattr(bot.store, name)

            def call(*args: Any, **kwargs: Any) -> Any:
                used.add(name)
                if threading.get_ident() == loop_thread:
                    on_loop.append(name)
                return work(*args, **kwargs)

            return call

        for name in ("sent_answer", "pin", "unpin", "vote", "unanswered"):
            setattr(bot.store, name, spy(name))
        moderator = {"permissions": MANAGE_MESSAGES}
        await fake.answered(await fake.menu("Pin answer", message_id, **moderator))
        await fake.answered(await fake.click("quotebot:vote:up", message_id))
        await fake.answered(await fake.menu("Unpin answer", message_id, **moderator))
        listing = await fake.answered(await fake.slash("answers unanswered", **moderator))
        assert "mercury" in description(listing)
        assert used == {"sent_answer", "pin", "unpin", "vote", "unanswered"}
        assert on_loop == []

    run(engine, tmp_path, scenario)


def test_feedback_is_one_vote_per_user(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        message_id = int((await ask(bot, fake, QUESTION))["id"])
        for custom_id, user in [("up", 1), ("up", 1), ("down", 1), ("up", 2)]:
            record = await fake.click(f"quotebot:vote:{custom_id}", message_id, user_id=user)
            assert ephemeral(await fake.answered(record))
        assert bot.store.tally(message_id).model_dump() == {"up": 1, "down": 1}

    run(engine, tmp_path, scenario)


def test_ask_cooldown_is_per_user_and_ephemeral(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        await ask(bot, fake, QUESTION, user_id=1)
        again = await fake.slash("ask", user_id=1, question=QUESTION)
        await refused(again, fake, "try again in")
        assert again.callback_type == 4
        await ask(bot, fake, QUESTION, user_id=2)

    run(engine, tmp_path, scenario, ask_cooldown_rate=1, ask_cooldown_seconds=60)


def test_sources_and_unanswered(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        record = await fake.slash("sources")
        fields = (await fake.answered(record))["embeds"][0]["fields"]
        assert [f["name"] for f in fields] == bot.service.topics()

        for user, question in enumerate([OFF_TOPIC, "Who painted the Mona Lisa?", OFF_TOPIC]):
            await ask(bot, fake, question, user_id=100 + user)
        await refused(await fake.slash("answers unanswered"), fake, "moderators")
        record = await fake.slash("answers unanswered", permissions=MANAGE_MESSAGES)
        listing = await fake.answered(record)
        assert ephemeral(listing)
        lines = description(listing).splitlines()
        assert lines[0].startswith("**2×**") and "mercury" in lines[0]
        assert lines[1].startswith("**1×**") and "Mona Lisa" in lines[1]

    run(engine, tmp_path, scenario)


def test_fact_answers_with_the_card_off_the_loop(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        query = "detainer requests received 2024"
        record = await fake.slash("fact", query=query)
        reply = await fake.answered(record)
        assert record.callback_type == 5  # deferred at once, answered by a follow-up
        assert not ephemeral(reply)
        expected = render.fact_message(bot.service.fact(query)).payload()
        assert reply["embeds"][0]["fields"] == expected["embeds"][0]["fields"]
        assert reply["embeds"][0]["fields"][0]["name"].startswith(DISAGREE)

        missing = await fake.answered(await fake.slash("fact", user_id=7002, query=OFF_TOPIC))
        assert "No fact matches" in description(missing)

        def broken(query: str) -> Any:
            raise RuntimeError("facts exploded")

        bot.service.fact = broken  # type: ignore[method-assign]
        failed = await fake.answered(await fake.slash("fact", user_id=7003, query=query))
        assert ephemeral(failed) and "something went wrong" in failed["content"]

        # Mention mode leads with the same card /ask shows.
        await fake.post(f"<@{BOT_ID}> {QUESTION}")
        await fake.wait_until(lambda: len(fake.threads) == 1, what="a thread")
        path = f"/channels/{next(iter(fake.threads))}/messages"
        await fake.wait_until(lambda: any(c.path == path for c in fake.calls), what="answer")
        body = next(c.body for c in fake.calls if c.path == path)
        assert body["embeds"] == discord_payload(engine, QUESTION)["embeds"]
        facts = engine.ask(QUESTION).facts
        assert facts is not None
        assert description(body).startswith(f"**{group_name(facts.groups[0])}")

    run(engine, tmp_path, scenario)


def test_errors_are_friendly_and_ephemeral(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        def broken(question: str, scope: int) -> Any:
            raise RuntimeError("index exploded")

        bot.service.reply = broken  # type: ignore[method-assign]
        record = await fake.slash("ask", question=QUESTION)
        reply = await fake.answered(record)
        assert ephemeral(reply)
        assert "something went wrong" in reply["content"]
        assert "exploded" not in reply["content"]
        assert any(c.method == "DELETE" and c.path.endswith("/@original") for c in fake.calls)

    run(engine, tmp_path, scenario)


def test_an_answer_shown_stays_when_saving_it_fails(engine: Engine, tmp_path: Path) -> None:
    """The answer is sent, then recording it fails: on Discord the first follow-up after the
    defer *is* the original response, so deleting `@original` would delete the answer the
    user just saw. It stays, and an ephemeral note says it could not be saved."""

    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        def broken(*args: Any) -> None:
            raise sqlite3.OperationalError("disk I/O error")

        bot.store.record_answer = broken  # type: ignore[method-assign]
        record = await fake.slash("ask", question=QUESTION)
        await fake.answered(record, messages=2)
        answer, note = record.messages
        assert record.deleted == []
        assert fake.messages[int(answer["id"])]["embeds"][0]["title"] == QUESTION
        assert not ephemeral(answer)
        assert ephemeral(note) and "could not be saved" in note["content"]

    run(engine, tmp_path, scenario)


def cli_against_fake(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, **env: str
) -> int:
    """Run `python -m bot COMMAND` in-process, talking to the fake, with settings from `env`."""
    fake.start()
    try:
        monkeypatch.setattr(Route, "BASE", fake.api_base)
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db.sqlite3"))
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return main(["--sources", str(SOURCES), "--cache", str(tmp_path / "cache"), command])
    finally:
        fake.stop()


def test_rejected_token_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    fake = FakeDiscord()
    code = cli_against_fake(fake, tmp_path, monkeypatch, "run", DISCORD_TOKEN="wrong")
    assert code == 2
    err = capsys.readouterr().err
    assert "rejected DISCORD_TOKEN" in err and "Traceback" not in err


def test_button_errors_are_friendly_and_ephemeral(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        message_id = int((await ask(bot, fake, QUESTION))["id"])

        def broken(*args: Any) -> bool:
            raise RuntimeError("disk full")

        bot.store.vote = broken  # type: ignore[method-assign]
        reply = await fake.answered(await fake.click("quotebot:vote:up", message_id))
        assert ephemeral(reply) and "something went wrong" in reply["content"]

    run(engine, tmp_path, scenario)


@pytest.mark.parametrize("guild", [None, GUILD_ID])
def test_sync_registers_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, guild: int
) -> None:
    fake = FakeDiscord()
    code = cli_against_fake(
        fake, tmp_path, monkeypatch, "sync", DISCORD_TOKEN=TOKEN, DEV_GUILD_ID=str(guild or "")
    )
    assert code == 0
    scope = str(guild) if guild else "global"
    path = f"/applications/{APP_ID}/guilds/{guild}/commands" if guild else None
    path = path or f"/applications/{APP_ID}/commands"
    assert [c.path for c in fake.calls if c.method == "PUT"] == [path]
    commands = {c["name"]: c for c in fake.commands[scope]}
    assert set(commands) == {
        "ask",
        "fact",
        "sources",
        "help",
        "answers",
        "settings",
        "Answer with quotebot",
        "Pin answer",
        "Unpin answer",
    }
    for moderated in ("answers", "Pin answer", "Unpin answer"):
        assert int(commands[moderated]["default_member_permissions"]) == MANAGE_MESSAGES
    assert int(commands["settings"]["default_member_permissions"]) == MANAGE_GUILD
    for everyone in ("ask", "fact", "sources", "help", "Answer with quotebot"):
        assert commands[everyone].get("default_member_permissions") is None
    assert "synced 9 commands" in capsys.readouterr().out
    assert fake.identify is None  # sync never opens the gateway
