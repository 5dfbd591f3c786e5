"""Closing the bot while an answer is in flight: the answer's writes finish before the store
is closed after it (as `launch.with_bot` does), so nothing writes to a closed database, and
the handler waiting for it does not try to answer through the closed connection."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.discord.service import Reply
from bot.discord.store import Store
from tests.discord.fake_discord import EPHEMERAL, GUILD_ID
from tests.discord.harness import running_bot

OFF_TOPIC = "What is the boiling point of mercury?"
QUESTION = "How many detainer requests did Boston police ignore in 2025?"


def test_close_waits_for_the_answer_in_flight(
    engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    started, store_closed, finished = threading.Event(), threading.Event(), threading.Event()
    failures: list[BaseException] = []

    async def go() -> None:
        async with running_bot(engine, tmp_path) as (bot, fake):
            reply, close_store = bot.service.reply, bot.store.close

            def closing_store() -> None:
                store_closed.set()
                close_store()

            def in_flight(question: str, scope: int) -> Reply:
                started.set()
                # Give the store every chance to be closed under this answer: were close()
                # not to wait for it, the store is closed before this wait ends.
                store_closed.wait(0.3)
                try:
                    return reply(question, scope)  # a declined question: it writes the log
                except BaseException as exc:
                    failures.append(exc)
                    raise
                finally:
                    finished.set()

            bot.store.close = closing_store  # type: ignore[method-assign]
            bot.service.reply = in_flight  # type: ignore[method-assign]
            await fake.slash("ask", question=OFF_TOPIC)
            await fake.wait_until(started.is_set, what="an answer in flight")
            await bot.close()
            bot.store.close()  # what `launch.with_bot` does once the bot has closed

    with caplog.at_level(logging.ERROR):
        asyncio.run(go())
    assert finished.wait(5)
    assert failures == []
    store = Store(tmp_path / "bot.sqlite3")
    assert [row.count for row in store.unanswered(GUILD_ID)] in ([], [1])
    store.close()
    # The handler whose answer finished after close() ends quietly: no failed command logged.
    assert [r.getMessage() for r in caplog.records] == []


def test_stopping_lets_answers_finish_and_turns_new_ones_away(
    engine: Engine, tmp_path: Path
) -> None:
    """While closing, an answer in flight is still sent and recorded; a question asked
    meanwhile is told to come back, at once and ephemerally."""
    release = threading.Event()

    async def go() -> None:
        async with running_bot(engine, tmp_path) as (bot, fake):
            reply = bot.service.reply

            def slow(question: str, scope: int) -> Reply:
                release.wait(5)
                return reply(question, scope)

            bot.service.reply = slow  # type: ignore[method-assign]
            first = await fake.slash("ask", question=QUESTION)
            await fake.wait_until(lambda: first.acked_at is not None, what="the defer")
            closing = asyncio.create_task(bot.close())
            await fake.wait_until(lambda: bot.stopping, what="stopping")
            late = await fake.slash("ask", user_id=7002, question=QUESTION)
            note = await fake.answered(late)
            assert note["flags"] & EPHEMERAL and "restarting" in note["content"]
            assert not closing.done()
            release.set()
            await asyncio.wait_for(closing, 10)
            (answer,) = first.messages
            assert answer["embeds"][0]["title"] == QUESTION
            assert bot.store.sent_answer(int(answer["id"]), GUILD_ID) is not None

    asyncio.run(go())
