"""/ask end to end: public and private answers, the cooldown, the 🗑 button, and "Answer
with quotebot" on someone else's message; through the real client and the fake Discord."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from bot.core.engine import Engine
from bot.discord.client import QuoteBot
from bot.discord.permissions import invite_permissions
from bot.discord.preview import discord_payload
from bot.discord.render import PINNED_LABEL
from tests.discord.fake_discord import (
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    MESSAGE_CONTENT_INTENT,
    SEND_MESSAGES,
    FakeDiscord,
)
from tests.discord.harness import (
    MANAGE_MESSAGES,
    OFF_TOPIC,
    QUESTION,
    REWORDED,
    ask,
    custom_ids,
    description,
    ephemeral,
    gone,
    refused,
    run,
    running_bot,
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


VOTES = ["quotebot:vote:up", "quotebot:vote:down"]
PIN, DELETE = "quotebot:pin", "quotebot:delete"


def test_a_private_answer_is_seen_by_the_asker_only_and_can_be_rated(
    engine: Engine, tmp_path: Path
) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        reply = await ask(bot, fake, QUESTION, private=True)
        assert ephemeral(reply)
        assert custom_ids(reply) == VOTES  # nothing to pin or delete in a private answer
        assert reply["embeds"] == discord_payload(engine, QUESTION)["embeds"]
        sent = bot.store.sent_answer(int(reply["id"]), GUILD_ID)
        assert sent is not None and sent.asked_by == 7001
        vote = await fake.answered(await fake.click(VOTES[0], int(reply["id"])))
        assert "recorded" in vote["content"]

    run(engine, tmp_path, scenario)


def test_the_pin_button_is_shown_only_where_it_can_be_used(engine: Engine, tmp_path: Path) -> None:
    """📌 needs a public answer with quotes, in a server, where the bot may pin, that is not
    already a curated one; 🗑 is on every public answer."""

    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        answer = await ask(bot, fake, QUESTION)
        assert custom_ids(answer) == [*VOTES, PIN, DELETE]
        assert custom_ids(await ask(bot, fake, OFF_TOPIC, user_id=2)) == [*VOTES, DELETE]
        in_dm = await ask(bot, fake, QUESTION, user_id=3, channel_id=DM_CHANNEL_ID)
        assert custom_ids(in_dm) == [*VOTES, DELETE]
        pin = await fake.menu("Pin answer", int(answer["id"]), permissions=MANAGE_MESSAGES)
        await fake.answered(pin)
        curated = await ask(bot, fake, REWORDED, user_id=4)
        assert curated["embeds"][0]["author"]["name"] == PINNED_LABEL
        assert custom_ids(curated) == [*VOTES, DELETE]

    run(engine, tmp_path, scenario)


def test_no_pin_button_where_the_bot_may_not_pin(engine: Engine, tmp_path: Path) -> None:
    without = invite_permissions().value & ~MANAGE_MESSAGES
    fake = FakeDiscord(bot_permissions=without)

    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        assert custom_ids(await ask(bot, fake, QUESTION)) == [*VOTES, DELETE]

    run(engine, tmp_path, scenario, fake=fake)


def test_delete_is_for_the_asker_or_a_moderator(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        mine = int((await ask(bot, fake, QUESTION, user_id=7001))["id"])
        other = await fake.click(DELETE, mine, user_id=7002)
        await refused(other, fake, "Only the person who asked")
        assert other.callback_type == 6  # acknowledged as an update: nothing shown meanwhile
        assert mine in fake.messages and bot.store.sent_answer(mine, GUILD_ID) is not None

        await fake.click(VOTES[0], mine, user_id=7002)
        deleted = await fake.click(DELETE, mine, user_id=7001)
        await gone(fake, mine)
        assert deleted.deleted == [mine] and deleted.messages == []
        await fake.wait_until(lambda: bot.store.sent_answer(mine, GUILD_ID) is None)
        assert bot.store.tally(mine).up == 0

        theirs = int((await ask(bot, fake, OFF_TOPIC, user_id=7003))["id"])
        await fake.click(DELETE, theirs, user_id=7004, permissions=MANAGE_MESSAGES)
        await gone(fake, theirs)

    run(engine, tmp_path, scenario)


def test_answer_with_quotebot_replies_to_the_message_mentioning_no_one(
    engine: Engine, tmp_path: Path
) -> None:
    """A member asks without mentioning the bot (its text never reaches the bot: no Message
    Content intent); a helper uses the message menu, and the answer is a reply to the
    member's message that pings nobody, 🗑 being the helper's."""

    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        asked = await fake.post(QUESTION, author_id=7005, mention_bot=False)
        await asyncio.sleep(0.2)
        assert [c for c in fake.calls if c.method == "POST"] == []  # the bot saw nothing
        record = await fake.menu("Answer with quotebot", asked, user_id=7006)
        told = await fake.answered(record)
        assert record.ack_latency is not None and record.ack_latency < 3
        assert ephemeral(told) and "Answered in a reply" in told["content"]
        (reply,) = [c for c in fake.calls if c.path == f"/channels/{CHANNEL_ID}/messages"]
        assert int(reply.body["message_reference"]["message_id"]) == asked
        assert reply.body["allowed_mentions"] == {"parse": [], "replied_user": False}
        assert reply.body["embeds"] == discord_payload(engine, QUESTION)["embeds"]
        answer = next(m for m in fake.messages.values() if m.get("message_reference"))
        sent = bot.store.sent_answer(int(answer["id"]), GUILD_ID)
        assert sent is not None and sent.asked_by == 7006
        await refused(await fake.click(DELETE, int(answer["id"]), user_id=7005), fake, "asked")
        await fake.click(DELETE, int(answer["id"]), user_id=7006)
        await gone(fake, int(answer["id"]))

        # Not on the bot's own messages, nor on a message without text.
        public = await ask(bot, fake, QUESTION, user_id=7007)
        own = await fake.menu("Answer with quotebot", int(public["id"]), user_id=7006)
        await refused(own, fake, "one of my own messages")
        empty = await fake.post("", author_id=7005, mention_bot=False)
        await refused(await fake.menu("Answer with quotebot", empty), fake, "no text")

    run(engine, tmp_path, scenario)


def test_answer_with_quotebot_says_so_where_it_may_not_reply(
    engine: Engine, tmp_path: Path
) -> None:
    fake = FakeDiscord(bot_permissions=invite_permissions().value & ~SEND_MESSAGES)

    async def go() -> None:
        async with running_bot(engine, tmp_path, fake) as (_, fake_):
            asked = await fake_.post(QUESTION, mention_bot=False)
            told = await fake_.answered(await fake_.menu("Answer with quotebot", asked))
            assert ephemeral(told) and "Send Messages" in told["content"]

    asyncio.run(go())
