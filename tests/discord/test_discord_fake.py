"""The fake must reject what Discord rejects, or the end-to-end tests would prove nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.engine import Engine
from tests.discord.fake_discord import FakeDiscord, message_problems
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
