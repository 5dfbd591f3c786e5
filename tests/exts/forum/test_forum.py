"""Forum channels end to end: a new post in a configured forum is answered in its thread
once its first message exists, only when the answer is confident; ✅ Solved is the poster's
and the moderators'; all with the default (unprivileged) intents unless the operator opts in."""

from __future__ import annotations

import asyncio
import importlib
import logging
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.discord.client import QuoteBot
from bot.discord.permissions import invite_permissions
from bot.discord.preview import discord_payload
from tests.discord.fake_discord import (
    BOT_ID,
    FORUM_ID,
    GUILD_ID,
    MANAGE_THREADS,
    MESSAGE_CONTENT_INTENT,
    OTHER_FORUM_ID,
    OTHER_GUILD_ID,
    SOLVED_TAG_ID,
    TOKEN,
    FakeDiscord,
)
from tests.discord.harness import (
    MANAGE_MESSAGES,
    OFF_TOPIC,
    QUESTION,
    answer_in_thread,
    assert_safe,
    bot_messages_in,
    cli_against_fake,
    custom_ids,
    ephemeral,
    refused,
    run,
    running_bot,
)

SOLVED = "quotebot:solved"
FORUMS = {"forum_channel_ids": [FORUM_ID]}


def test_a_new_post_is_answered_in_its_thread_after_its_first_message(
    engine: Engine, tmp_path: Path
) -> None:
    """Discord sends the thread, then (here 0.3 s later) the post's first message, and
    refuses messages in the thread before it: the bot waits for it. Without the Message
    Content intent the post's text is withheld, so the title is the question."""

    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        assert fake.identify is not None
        assert not fake.identify["intents"] & MESSAGE_CONTENT_INTENT
        post = await fake.forum_post(QUESTION, "More detail here.", 7010, starter_delay=0.3)
        answer = await answer_in_thread(bot, fake, post)
        assert answer["embeds"] == discord_payload(engine, QUESTION)["embeds"]
        assert custom_ids(answer) == [
            "quotebot:vote:up",
            "quotebot:vote:down",
            "quotebot:pin",
            "quotebot:delete",
            SOLVED,
        ]
        sent = bot.store.sent_answer(int(answer["id"]), GUILD_ID)
        assert sent is not None and sent.asked_by == 7010  # 🗑 is the poster's

    run(engine, tmp_path, scenario, **FORUMS)


def test_without_a_confident_answer_the_bot_stays_silent(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        post = await fake.forum_post(OFF_TOPIC, "")
        await fake.wait_until(
            lambda: bool(bot.store.unanswered(GUILD_ID)), what="the declined question"
        )
        await asyncio.sleep(0.2)
        assert bot_messages_in(fake, post) == []
        assert [r.question for r in bot.store.unanswered(GUILD_ID)] == [OFF_TOPIC]
        await ask_something(fake)

    run(engine, tmp_path, scenario, **FORUMS)


async def ask_something(fake: FakeDiscord) -> None:
    """One message, so the run has a body whose mentions `assert_safe` can check."""
    await fake.answered(await fake.slash("help"))


def test_posts_in_forums_not_configured_are_left_alone(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        post = await fake.forum_post(QUESTION, "", forum_id=OTHER_FORUM_ID)
        await asyncio.sleep(0.5)
        assert bot_messages_in(fake, post) == []
        assert bot.store.unanswered(OTHER_GUILD_ID) == []  # not even asked
        await ask_something(fake)

    run(engine, tmp_path, scenario, **FORUMS)


def test_a_post_that_mentions_the_bot_is_answered_once_from_its_text_too(
    engine: Engine, tmp_path: Path
) -> None:
    """A mention makes Discord send the post's text: it joins the title in the question,
    and the forum answers it, not mention mode as well."""

    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        post = await fake.forum_post("Detainers", f"<@{BOT_ID}> {QUESTION}", mention_bot=True)
        answer = await answer_in_thread(bot, fake, post)
        asked = f"Detainers {QUESTION}"
        assert answer["embeds"] == discord_payload(engine, asked)["embeds"]
        await asyncio.sleep(0.3)
        assert len(bot_messages_in(fake, post)) == 1

    run(engine, tmp_path, scenario, **FORUMS)


def test_with_the_message_content_intent_the_post_text_is_read(
    engine: Engine, tmp_path: Path
) -> None:
    fake = FakeDiscord(message_content_allowed=True)

    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        assert fake.identify is not None and fake.identify["intents"] & MESSAGE_CONTENT_INTENT
        post = await fake.forum_post("Detainers", QUESTION)
        answer = await answer_in_thread(bot, fake, post)
        assert answer["embeds"] == discord_payload(engine, f"Detainers {QUESTION}")["embeds"]

    run(engine, tmp_path, scenario, fake=fake, message_content_intent=True, **FORUMS)


def test_the_intent_not_granted_stops_run_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    fake = FakeDiscord()
    code = cli_against_fake(
        fake, tmp_path, monkeypatch, "run", DISCORD_TOKEN=TOKEN, MESSAGE_CONTENT_INTENT="true"
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Message Content intent" in err and "Traceback" not in err


def test_a_first_message_that_never_comes_means_no_answer(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        # The module as loaded now: closing a bot unloads its extensions, and the next one
        # imports them afresh.
        answering = importlib.import_module("bot.exts.forum.answering")
        monkeypatch.setattr(answering, "STARTER_WAIT", 0.1)
        post = await fake.forum_post(QUESTION, "", starter_delay=0.5)
        path = f"/channels/{post}/messages/{post}"
        await fake.wait_until(lambda: any(c.path == path for c in fake.calls), what="a fetch")
        await asyncio.sleep(0.6)  # the first message came after all: still no answer
        assert bot_messages_in(fake, post) == []
        assert [c.status for c in fake.calls if c.path == path] == [404]
        fake.calls = [c for c in fake.calls if c.path != path]  # that 404 was the point
        await ask_something(fake)

    with caplog.at_level(logging.WARNING, logger="bot.exts.forum.answering"):
        run(engine, tmp_path, scenario, **FORUMS)
    assert "never came" in caplog.text


def test_solved_is_for_the_poster_or_a_moderator(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        post = await fake.forum_post(QUESTION, "", author_id=7010)
        answer = await answer_in_thread(bot, fake, post)
        await refused(await fake.click(SOLVED, int(answer["id"]), user_id=7011), fake, "posted")
        assert not fake.threads[post]["thread_metadata"]["archived"]

        done = await fake.click(SOLVED, int(answer["id"]), user_id=7010)
        await fake.wait_until(lambda: fake.threads[post]["thread_metadata"]["archived"])
        assert done.callback_type == 7  # the answer updated in place: ✅ greyed out
        solved = next(
            c
            for row in done.messages[0]["components"]
            for c in row["components"]
            if c.get("custom_id") == SOLVED
        )
        assert solved["disabled"] and solved["label"] == "Solved"
        assert custom_ids(done.messages[0])[:2] == ["quotebot:vote:up", "quotebot:vote:down"]
        assert fake.threads[post]["applied_tags"] == [str(SOLVED_TAG_ID)]

        other = await fake.forum_post(QUESTION, "", author_id=7012)
        second = await answer_in_thread(bot, fake, other)
        await fake.click(SOLVED, int(second["id"]), user_id=7013, permissions=MANAGE_THREADS)
        await fake.wait_until(lambda: fake.threads[other]["thread_metadata"]["archived"])
        mod = await forum_answer_solved_by_moderator(bot, fake)
        assert fake.threads[mod]["thread_metadata"]["archived"]

    run(engine, tmp_path, scenario, **FORUMS)


async def forum_answer_solved_by_moderator(bot: QuoteBot, fake: FakeDiscord) -> int:
    post = await fake.forum_post(QUESTION, "", author_id=7014)
    answer = await answer_in_thread(bot, fake, post)
    await fake.click(SOLVED, int(answer["id"]), user_id=7015, permissions=MANAGE_MESSAGES)
    await fake.wait_until(lambda: fake.threads[post]["thread_metadata"]["archived"])
    return post


def test_solved_without_manage_threads_says_so(engine: Engine, tmp_path: Path) -> None:
    fake = FakeDiscord(bot_permissions=invite_permissions().value & ~MANAGE_THREADS)

    async def go() -> None:
        async with running_bot(engine, tmp_path, fake, **FORUMS) as (bot, fake_):
            post = await fake_.forum_post(QUESTION, "", author_id=7010)
            answer = await answer_in_thread(bot, fake_, post)
            done = await fake_.click(SOLVED, int(answer["id"]), user_id=7010)
            note = await fake_.answered(done, messages=2)
            assert ephemeral(note) and "Manage Threads" in note["content"]
            assert not fake_.threads[post]["thread_metadata"]["archived"]

    asyncio.run(go())


def test_each_server_answers_the_forums_its_admins_chose(engine: Engine, tmp_path: Path) -> None:
    """The second server picks its forum with /settings; the first keeps the default."""

    async def go() -> None:
        async with running_bot(engine, tmp_path, **FORUMS) as (bot, fake):
            from tests.discord.fake_discord import OTHER_GUILD_CHANNEL_ID, Channel
            from tests.discord.harness import MANAGE_GUILD

            record = await fake.slash(
                "settings forum",
                channel_id=OTHER_GUILD_CHANNEL_ID,
                permissions=MANAGE_GUILD,
                forum=Channel(OTHER_FORUM_ID),
                answer=True,
            )
            await fake.answered(record)
            post = await fake.forum_post(QUESTION, "", forum_id=OTHER_FORUM_ID, author_id=7020)
            answer = await answer_in_thread(bot, fake, post, OTHER_GUILD_ID)
            # B's forum has no "Solved" tag: solving closes the post and leaves its tags.
            await fake.click(SOLVED, int(answer["id"]), user_id=7020)
            await fake.wait_until(lambda: fake.threads[post]["thread_metadata"]["archived"])
            assert fake.threads[post]["applied_tags"] == []
            first = await fake.forum_post(QUESTION, "")
            await answer_in_thread(bot, fake, first)
            assert_safe(fake)

    asyncio.run(go())
