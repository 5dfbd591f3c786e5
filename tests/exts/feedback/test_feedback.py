"""Votes end to end: 👍 / 👎, one per user per answer."""

from __future__ import annotations

from pathlib import Path

from bot.core.engine import Engine
from bot.discord.client import QuoteBot
from tests.discord.fake_discord import (
    FakeDiscord,
)
from tests.discord.harness import (
    QUESTION,
    ask,
    ephemeral,
    run,
)


def test_feedback_is_one_vote_per_user(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        message_id = int((await ask(bot, fake, QUESTION))["id"])
        told = []
        for custom_id, user in [("up", 1), ("up", 1), ("down", 1), ("up", 2)]:
            record = await fake.click(f"quotebot:vote:{custom_id}", message_id, user_id=user)
            reply = await fake.answered(record)
            assert ephemeral(reply)
            told.append(reply["content"])
        assert bot.store.tally(message_id).model_dump() == {"up": 1, "down": 1}
        # Each voter is told where the answer stands (the store's tally, read back).
        assert told == [
            "Thanks: your 👍 is recorded. This answer has 1 👍 and 0 👎.",
            "Thanks: your 👍 is recorded. This answer has 1 👍 and 0 👎.",
            "Your vote is now 👎. This answer has 0 👍 and 1 👎.",
            "Thanks: your 👍 is recorded. This answer has 1 👍 and 1 👎.",
        ]

    run(engine, tmp_path, scenario)
