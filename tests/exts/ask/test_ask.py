"""/ask end to end: public and private answers, the cooldown, the 🗑 button, and "Answer
with quotebot" on someone else's message; through the real client and the fake Discord."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from bot.discord.client import QuoteBot
from bot.discord.preview import discord_payload
from bot.engine import Engine
from tests.discord.fake_discord import (
    GUILD_ID,
    MESSAGE_CONTENT_INTENT,
    FakeDiscord,
)
from tests.discord.harness import (
    OFF_TOPIC,
    QUESTION,
    ask,
    description,
    ephemeral,
    refused,
    run,
)


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


def test_ask_cooldown_is_per_user_and_ephemeral(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        await ask(bot, fake, QUESTION, user_id=1)
        again = await fake.slash("ask", user_id=1, question=QUESTION)
        await refused(again, fake, "try again in")
        assert again.callback_type == 4
        await ask(bot, fake, QUESTION, user_id=2)

    run(engine, tmp_path, scenario, ask_cooldown_rate=1, ask_cooldown_seconds=60)


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
