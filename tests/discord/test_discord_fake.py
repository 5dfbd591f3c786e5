"""The fake must reject what Discord rejects, or the end-to-end tests would prove nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import discord

from bot.core.engine import Engine
from tests.discord.fake_discord import (
    APP_ID,
    BOT_ID,
    CHANNEL_ID,
    EPHEMERAL,
    FORUM_ID,
    MANAGE_THREADS,
    OTHER_TAG_ID,
    SOLVED_TAG_ID,
    TOKEN,
    Dispatched,
    FakeDiscord,
    Upload,
    choices_problems,
    command_problems,
    message_problems,
)
from tests.discord.harness import running_bot


def with_fake(scenario: Callable[[FakeDiscord], Awaitable[None]]) -> None:
    """Run `scenario` against a fake Discord with no bot connected (raw HTTP only)."""
    fake = FakeDiscord()
    fake.start()
    try:
        asyncio.run(scenario(fake))
    finally:
        fake.stop()


def test_late_interaction_responses_are_refused(engine: Engine, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(engine, tmp_path, FakeDiscord(interaction_deadline=0.0)) as (
            _,
            fake,
        ):
            record = await fake.slash("ask", question="How many detainers?")
            await fake.wait_until(lambda: len(record.refused) >= 1, what="a refusal")
            assert "deadline" in record.refused[0]
            assert record.acked_at is None and record.messages == []

    asyncio.run(scenario())


def test_late_autocomplete_answers_are_refused(engine: Engine, tmp_path: Path) -> None:
    """Autocomplete cannot be deferred: its choices too must come within 3 seconds."""

    async def scenario() -> None:
        late = FakeDiscord(interaction_deadline=0.0)
        async with running_bot(engine, tmp_path, late) as (_, fake):
            record = await fake.autocomplete("fact", "query", query="detainer")
            await fake.wait_until(lambda: len(record.refused) >= 1, what="a refusal")
            assert "deadline" in record.refused[0] and record.choices is None

    asyncio.run(scenario())


def test_over_long_messages_are_refused() -> None:
    ok = {"embeds": [{"title": "t", "description": "d" * 4096}]}
    assert message_problems(ok) == []
    assert message_problems({"content": "x" * 2001})
    assert message_problems({"embeds": [{"description": "d" * 4097}]})
    assert message_problems({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]})
    assert message_problems({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]})
    many = [{"name": "n" * 256, "value": "v" * 1000} for _ in range(5)]
    assert any("6000" in p for p in message_problems({"embeds": [{"fields": many}]}))
    assert message_problems({}) == ["Cannot send an empty message"]
    row = {"type": 1, "components": [{"type": 2, "style": 2, "custom_id": "a", "label": "x"}] * 6}
    assert message_problems({"content": "c", "components": [row]})


def test_the_first_followup_after_a_defer_is_the_original_response() -> None:
    """As on Discord: a deferred response is a "thinking…" message, the first follow-up
    replaces it (same id, the defer's ephemerality), and deleting `@original` afterwards
    deletes what that follow-up showed; later follow-ups are messages of their own."""

    async def scenario(fake: FakeDiscord) -> None:
        record = Dispatched(1, "tok", "ask", 7001, CHANNEL_ID, time.perf_counter())
        fake.dispatched[1] = record
        base = f"{fake.api_base}"
        async with aiohttp.ClientSession() as http:
            await http.post(f"{base}/interactions/1/tok/callback", json={"type": 5})
            assert record.original_id in fake.messages and record.thinking
            first = await (
                await http.post(
                    f"{base}/webhooks/{APP_ID}/tok?wait=true",
                    json={"content": "answer", "flags": EPHEMERAL},
                )
            ).json()
            assert int(first["id"]) == record.original_id
            assert first["flags"] & EPHEMERAL == 0  # the defer was public
            second = await (
                await http.post(
                    f"{base}/webhooks/{APP_ID}/tok?wait=true",
                    json={"content": "note", "flags": EPHEMERAL},
                )
            ).json()
            assert int(second["id"]) != record.original_id and second["flags"] & EPHEMERAL
            await http.delete(f"{base}/webhooks/{APP_ID}/tok/messages/@original")
            assert int(first["id"]) not in fake.messages
            assert record.deleted == [int(first["id"])]

    with_fake(scenario)


def test_bad_link_buttons_are_refused() -> None:
    def body(url: str) -> dict:
        button = {"type": 2, "style": 5, "label": "Source", "url": url}
        return {"content": "c", "components": [{"type": 1, "components": [button]}]}

    assert message_problems(body("https://example.org/" + "a" * 492)) == []
    for url in (
        "https://example.org/" + "a" * 493,  # 513 characters
        "https://example.org/a b",
        "https://example.org/a\nb",
        "javascript:alert(1)",
        "ftp://example.org/x",
        "https://",
        "",
    ):
        assert message_problems(body(url)), url


def test_autocomplete_answers_discord_would_refuse_are_refused() -> None:
    choice = {"name": "n", "value": "v"}
    assert choices_problems([choice] * 25) == []
    assert choices_problems([choice] * 26)
    assert choices_problems([{"name": "", "value": "v"}])
    assert choices_problems([{"name": "n" * 101, "value": "v"}])
    assert choices_problems([{"name": "n", "value": "v" * 101}])
    assert choices_problems([{"name": "n" * 100, "value": "v" * 100}]) == []


def test_uploads_discord_would_refuse_are_refused() -> None:
    declared = {"content": "c", "attachments": [{"id": 0, "filename": "a.csv"}]}
    ok = [Upload("files[0]", "a.csv", b"x")]
    assert message_problems(declared, ok) == []
    assert message_problems({"attachments": declared["attachments"]}, ok) == []  # file only
    assert message_problems({"content": "c"}, ok)  # not declared
    assert message_problems(declared, [Upload("files[0]", "b.csv", b"x")])  # another name
    assert message_problems(declared, [Upload("files[0]", "a.csv", b"x" * (10 * 2**20 + 1))])
    many = {"content": "c", "attachments": [{"id": i, "filename": "f"} for i in range(11)]}
    assert message_problems(many, [Upload(f"files[{i}]", "f", b"") for i in range(11)])


def test_command_definitions_discord_would_refuse_are_refused() -> None:
    good = {"name": "ask", "description": "Ask.", "type": 1}
    assert command_problems([good]) == []
    assert command_problems([{**good, "name": "Ask"}])
    assert command_problems([{**good, "description": ""}])
    assert command_problems([good, good])
    menus = [{"name": f"Menu {i}", "type": 3} for i in range(6)]
    assert command_problems(menus)
    option = {"name": "q", "description": "d", "type": 3, "autocomplete": True}
    assert command_problems([{**good, "options": [{**option, "choices": [{"name": "a"}]}]}])


def test_forums_threads_and_message_text_behave_as_on_discord(
    engine: Engine, tmp_path: Path
) -> None:
    """Without the intent, text reaches the bot only where Discord sends it; a forum takes
    no message itself, a post none before its first message; tags must be the forum's."""

    async def go() -> None:
        async with running_bot(engine, tmp_path) as (bot, fake):
            headers = {"Authorization": f"Bot {TOKEN}"}
            seen: list[str] = []

            async def record(message: discord.Message) -> None:
                if not message.author.bot and message.channel.id == CHANNEL_ID:
                    seen.append(message.content)

            bot.add_listener(record, "on_message")
            await fake.post("not for the bot", mention_bot=False)
            await fake.post(f"<@{BOT_ID}> for the bot")
            await fake.wait_until(lambda: len(seen) == 2, what="both messages")
            assert seen == ["", f"<@{BOT_ID}> for the bot"]

            post = await fake.forum_post("Title", "the text", starter_delay=0.3)
            base = fake.api_base
            async with aiohttp.ClientSession(headers=headers) as http:
                body = {"content": "hello"}
                early = await http.post(f"{base}/channels/{post}/messages", json=body)
                assert early.status == 403 and (await early.json())["code"] == 40058
                forum = await http.post(f"{base}/channels/{FORUM_ID}/messages", json=body)
                assert forum.status == 400 and (await forum.json())["code"] == 50008
                await fake.wait_until(lambda: post not in fake.waiting_posts, what="starter")
                fetched = await (await http.get(f"{base}/channels/{post}/messages/{post}")).json()
                assert fetched["content"] == ""  # withheld on fetch too
                late = await http.post(f"{base}/channels/{post}/messages", json=body)
                assert late.status == 200
                stray = {"content": "r", "message_reference": {"message_id": "1"}}
                reply = await http.post(f"{base}/channels/{CHANNEL_ID}/messages", json=stray)
                assert reply.status == 400
                for tags in ([str(OTHER_TAG_ID)], [str(SOLVED_TAG_ID)] * 6):
                    edit = await http.patch(f"{base}/channels/{post}", json={"applied_tags": tags})
                    assert edit.status == 400, tags
                ok = {"applied_tags": [str(SOLVED_TAG_ID)], "archived": True}
                assert (await http.patch(f"{base}/channels/{post}", json=ok)).status == 200
                assert fake.threads[post]["thread_metadata"]["archived"]
                fake.bot_permissions &= ~MANAGE_THREADS
                denied = await http.patch(f"{base}/channels/{post}", json={"archived": False})
                assert denied.status == 403

    asyncio.run(go())


def test_responses_of_the_wrong_kind_are_refused() -> None:
    """Choices answer autocomplete only; autocomplete takes nothing else."""

    async def scenario(fake: FakeDiscord) -> None:
        base = fake.api_base
        command = Dispatched(1, "a", "ask", 7001, CHANNEL_ID, time.perf_counter())
        typed = Dispatched(2, "b", "fact", 7001, CHANNEL_ID, time.perf_counter(), itype=4)
        fake.dispatched |= {1: command, 2: typed}
        async with aiohttp.ClientSession() as http:
            wrong = {"type": 8, "data": {"choices": []}}
            assert (await http.post(f"{base}/interactions/1/a/callback", json=wrong)).status == 400
            reply = {"type": 4, "data": {"content": "x"}}
            assert (await http.post(f"{base}/interactions/2/b/callback", json=reply)).status == 400
            many = {"type": 8, "data": {"choices": [{"name": "n", "value": "v"}] * 26}}
            assert (await http.post(f"{base}/interactions/2/b/callback", json=many)).status == 400
        assert command.refused and len(typed.refused) == 2

    with_fake(scenario)
