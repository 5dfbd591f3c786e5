"""Command and button errors end to end: one friendly ephemeral line, details logged."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from bot.core.engine import Engine
from bot.discord.client import QuoteBot
from tests.discord.fake_discord import (
    GUILD_ID,
    FakeDiscord,
)
from tests.discord.harness import (
    MANAGE_GUILD,
    MANAGE_MESSAGES,
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


FORGED: list[tuple[str, int, dict[str, Any], str]] = [
    ("answers unanswered", MANAGE_MESSAGES, {"days": 10**12}, "`days` must be from 1 to 365"),
    ("answers unanswered", MANAGE_MESSAGES, {"days": -5}, "`days` must be from 1 to 365"),
    ("settings retention", MANAGE_GUILD, {"days": 10**9}, "`days` must be from 1 to 3650"),
    (
        "settings cooldown",
        MANAGE_GUILD,
        {"questions": 2, "seconds": 10**9},
        "`seconds` must be from 1 to 3600",
    ),
    ("ask", 0, {"question": "x" * 5000}, "`question` must be 1 to"),
]


@pytest.mark.parametrize(
    ("name", "permissions", "options", "words"),
    FORGED,
    ids=["days 10**12", "days -5", "retention", "cooldown", "question"],
)
def test_out_of_range_options_are_told_what_is_allowed(
    engine: Engine,
    tmp_path: Path,
    database: str,
    caplog: pytest.LogCaptureFixture,
    name: str,
    permissions: int,
    options: dict[str, Any],
    words: str,
) -> None:
    """Discord's own client keeps options inside their declared range; a forged payload
    does not. `days: 10**12` ended in "something went wrong" with a logged traceback (a date
    overflowed), `days: -5` was accepted ("the last -5 days"); now each is refused with what
    is allowed, and nothing is saved (on both backends)."""

    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        await ask(bot, fake, QUESTION)  # a message, so the run has one to check
        record = await fake.slash(name, permissions=permissions, **options)
        reply = await fake.answered(record)
        assert ephemeral(reply) and words in reply["content"], reply["content"]
        assert bot.store.server_settings(GUILD_ID).model_dump(exclude_none=True) == {}

    run(engine, tmp_path, scenario, database=database)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
