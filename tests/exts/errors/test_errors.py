"""Command and button errors end to end: one friendly ephemeral line, details logged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def test_errors_are_friendly_and_ephemeral(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        def broken(question: str, scope: int) -> Any:
            raise RuntimeError("index exploded")

        bot.service.reply = broken  # type: ignore[method-assign]
        record = await fake.slash("ask", question=QUESTION)
        reply = await fake.answered(record)
        assert ephemeral(reply)
        assert "something went wrong" in reply["content"]
        assert "exploded" not in reply["content"]
        assert any(c.method == "DELETE" and c.path.endswith("/@original") for c in fake.calls)

    run(engine, tmp_path, scenario)


def test_button_errors_are_friendly_and_ephemeral(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        message_id = int((await ask(bot, fake, QUESTION))["id"])

        def broken(*args: Any) -> bool:
            raise RuntimeError("disk full")

        bot.store.vote = broken  # type: ignore[method-assign]
        reply = await fake.answered(await fake.click("quotebot:vote:up", message_id))
        assert ephemeral(reply) and "something went wrong" in reply["content"]

    run(engine, tmp_path, scenario)
