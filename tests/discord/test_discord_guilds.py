"""Nothing crosses servers, end to end: the real client against a fake Discord serving two
servers and direct messages."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from bot.core.engine import Engine
from bot.discord.client import QuoteBot
from bot.discord.render import PINNED_LABEL
from bot.discord.service import AnswerService
from bot.discord.store import DM_SCOPE
from tests.discord.fake_discord import (
    BOT_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    OTHER_GUILD_CHANNEL_ID,
    OTHER_GUILD_ID,
    FakeDiscord,
)
from tests.discord.harness import (
    MANAGE_MESSAGES,
    OFF_TOPIC,
    QUESTION,
    REWORDED,
    answer_in_thread,
    assert_safe,
    running_bot,
)
from tests.discord.test_discord_service import v1_database

SCOPE = {CHANNEL_ID: GUILD_ID, OTHER_GUILD_CHANNEL_ID: OTHER_GUILD_ID, DM_CHANNEL_ID: DM_SCOPE}


async def ask_in(bot: QuoteBot, fake: FakeDiscord, channel: int, question: str) -> dict[str, Any]:
    """Ask in a channel and wait until the answer is on record in that channel's scope."""
    record = await fake.slash(
        "ask", user_id=7100 + len(fake.dispatched), channel_id=channel, question=question
    )
    reply = await fake.answered(record)
    mid = int(reply["id"])
    await fake.wait_until(
        lambda: bot.store.sent_answer(mid, SCOPE[channel]) is not None, what="stored answer"
    )
    return reply


def pinned(reply: dict[str, Any]) -> bool:
    return reply["embeds"][0].get("author", {}).get("name") == PINNED_LABEL


def listed(reply: dict[str, Any]) -> str:
    return reply["embeds"][0]["description"]


def test_pins_answers_votes_and_declined_questions_stay_in_their_server(
    engine: Engine, tmp_path: Path
) -> None:
    async def go() -> None:
        async with running_bot(engine, tmp_path) as (bot, fake):
            moderator = {"permissions": MANAGE_MESSAGES}
            answer_a = int((await ask_in(bot, fake, CHANNEL_ID, QUESTION))["id"])
            await fake.answered(await fake.menu("Pin answer", answer_a, **moderator))
            assert list(bot.store.pin_keys(GUILD_ID)) == [answer_a]

            # The pin answers in its server only: not in the other, not in a DM.
            assert pinned(await ask_in(bot, fake, CHANNEL_ID, REWORDED))
            in_b = await ask_in(bot, fake, OTHER_GUILD_CHANNEL_ID, REWORDED)
            assert not pinned(in_b)
            assert not pinned(await ask_in(bot, fake, DM_CHANNEL_ID, REWORDED))

            # A's answer cannot be pinned (or unpinned) from B.
            record = await fake.menu(
                "Pin answer", answer_a, channel_id=OTHER_GUILD_CHANNEL_ID, **moderator
            )
            assert "Only the bot's answers" in (await fake.answered(record))["content"]
            record = await fake.menu(
                "Unpin answer", answer_a, channel_id=OTHER_GUILD_CHANNEL_ID, **moderator
            )
            assert "not pinned" in (await fake.answered(record))["content"]
            assert bot.store.pin_keys(OTHER_GUILD_ID) == {}
            assert list(bot.store.pin_keys(GUILD_ID)) == [answer_a]

            # Votes go to the answer's own server.
            vote = await fake.click("quotebot:vote:up", int(in_b["id"]))
            assert "recorded" in (await fake.answered(vote))["content"]
            assert bot.store.tally(int(in_b["id"])).up == 1

            # Each server lists its own declined questions; a DM's are listed nowhere.
            await ask_in(bot, fake, OTHER_GUILD_CHANNEL_ID, OFF_TOPIC)
            await ask_in(bot, fake, CHANNEL_ID, "Who painted the Mona Lisa?")
            await ask_in(bot, fake, DM_CHANNEL_ID, "What is the tallest mountain on Mars?")
            for channel, mine, theirs in (
                (CHANNEL_ID, "Mona Lisa", "mercury"),
                (OTHER_GUILD_CHANNEL_ID, "mercury", "Mona Lisa"),
            ):
                record = await fake.slash("answers unanswered", channel_id=channel, **moderator)
                text = listed(await fake.answered(record))
                assert mine in text and theirs not in text and "Mars" not in text

            # Mention mode records its answer in the server it was asked in.
            await fake.post(f"<@{BOT_ID}> {QUESTION}", channel_id=OTHER_GUILD_CHANNEL_ID)
            await fake.wait_until(lambda: len(fake.threads) == 1, what="a thread")
            (thread,) = fake.threads
            answer = await answer_in_thread(bot, fake, thread, OTHER_GUILD_ID)
            assert not pinned(answer)
            assert_safe(fake)

    asyncio.run(go())


def test_rows_of_a_v1_database_get_their_server_on_connect(engine: Engine, tmp_path: Path) -> None:
    """A database from before scoping: on READY, the pin made in a channel of the first
    server becomes that server's (and serves there only); the declined question, whose
    server cannot be known with two servers connected, is kept but listed nowhere."""
    path = v1_database(tmp_path / "bot.sqlite3")
    key = AnswerService(engine, None).match_key(QUESTION)  # type: ignore[arg-type]
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE pins SET match_key = ?, answer_json = ?",
            (key, engine.ask(QUESTION).model_dump_json()),
        )

    async def go() -> None:
        async with running_bot(engine, tmp_path, declined_retention_days=10_000) as (bot, fake):
            await fake.wait_until(lambda: bot.store.unscoped_rows() == 3, what="adoption")
            assert list(bot.store.pin_keys(GUILD_ID)) == [11]
            assert pinned(await ask_in(bot, fake, CHANNEL_ID, REWORDED))
            assert not pinned(await ask_in(bot, fake, OTHER_GUILD_CHANNEL_ID, REWORDED))
            for channel in (CHANNEL_ID, OTHER_GUILD_CHANNEL_ID):
                record = await fake.slash(
                    "answers unanswered", channel_id=channel, permissions=MANAGE_MESSAGES, days=365
                )
                assert "mercury" not in listed(await fake.answered(record))

    asyncio.run(go())
