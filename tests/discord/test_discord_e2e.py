"""End to end: the real discord.py client against the loopback fake Discord."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.engine import Engine
from tests.discord.fake_discord import MESSAGE_CONTENT_INTENT
from tests.discord.harness import running_bot

QUESTION = "How many detainer requests did Boston police ignore in 2025?"


def test_ask_defers_then_answers_with_quotes(engine: Engine, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(engine, tmp_path) as (_, fake):
            assert fake.identify is not None
            assert not fake.identify["intents"] & MESSAGE_CONTENT_INTENT
            record = await fake.slash("ask", question=QUESTION)
            reply = await fake.answered(record)
            assert record.callback_type == 5
            assert record.ack_latency is not None and record.ack_latency < 3
            print(reply["embeds"][0]["description"][:300])
            assert not record.refused

    asyncio.run(scenario())
