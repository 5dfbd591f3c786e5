"""Mention mode end to end: "@quotebot question" answered in a thread, or a reply."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.core.engine import Engine
from bot.discord.client import QuoteBot
from tests.discord.fake_discord import (
    BOT_ID,
    CHANNEL_ID,
    GUILD_ID,
    OTHER_CHANNEL_ID,
    FakeDiscord,
)
from tests.discord.harness import (
    QUESTION,
    REWORDED,
    answer_in_thread,
    custom_ids,
    gone,
    refused,
    run,
    running_bot,
)


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


def test_a_mention_answer_is_the_asker_s_to_delete(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        await fake.post(f"<@{BOT_ID}> {QUESTION}", author_id=7030)
        await fake.wait_until(lambda: len(fake.threads) == 1, what="a thread")
        (thread,) = fake.threads
        answer = await answer_in_thread(bot, fake, thread)
        mid = int(answer["id"])
        sent = bot.store.sent_answer(mid, GUILD_ID)
        assert sent is not None and sent.asked_by == 7030
        assert custom_ids(answer)[-2:] == ["quotebot:pin", "quotebot:delete"]
        await refused(await fake.click("quotebot:delete", mid, user_id=7031), fake, "asked")
        await fake.click("quotebot:delete", mid, user_id=7030)
        await gone(fake, mid)

    run(engine, tmp_path, scenario)
