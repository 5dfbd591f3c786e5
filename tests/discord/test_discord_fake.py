"""The fake must reject what Discord rejects, or the end-to-end tests would prove nothing."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp

from bot.engine import Engine
from tests.discord.fake_discord import (
    APP_ID,
    CHANNEL_ID,
    EPHEMERAL,
    Dispatched,
    FakeDiscord,
    message_problems,
)
from tests.discord.harness import running_bot


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

    fake = FakeDiscord()
    fake.start()
    try:
        asyncio.run(scenario(fake))
    finally:
        fake.stop()


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
