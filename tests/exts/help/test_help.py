"""/help end to end: answered at once and privately, true to the server's settings."""

from __future__ import annotations

from pathlib import Path

from bot.core.engine import Engine
from bot.discord.client import QuoteBot
from tests.discord.fake_discord import (
    CHANNEL_ID,
    DM_CHANNEL_ID,
    FORUM_ID,
    OTHER_GUILD_CHANNEL_ID,
    FakeDiscord,
)
from tests.discord.harness import MANAGE_GUILD, ephemeral, run


def fields(message: dict) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message["embeds"][0]["fields"]}


def test_help_says_what_the_bot_knows_and_how_to_ask_here(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        record = await fake.slash("help")
        page = await fake.answered(record)
        assert record.callback_type == 4 and ephemeral(page)  # no store call: answered at once
        shown = fields(page)
        for title in bot.service.topics():
            assert title in shown["What I know (/sources lists them in full)"]
        ways = shown["How to ask"]
        assert "private: True" in ways and "Answer with quotebot" in ways
        assert f"<#{CHANNEL_ID}>" in ways  # mention mode, in the answer channel set
        assert f"<#{FORUM_ID}>" in ways
        assert "Paraphrase" in shown["What I won't do"]

        # The other server's channels are not listed (the defaults name the first's only):
        # neither way applies there.
        elsewhere = await fake.slash("help", channel_id=OTHER_GUILD_CHANNEL_ID)
        other = fields(await fake.answered(elsewhere))["How to ask"]
        assert "Mention me" not in other and "forum" not in other and "<#" not in other
        # Mention mode switched off in the first server: no longer offered there.
        off = await fake.slash("settings mention-mode", permissions=MANAGE_GUILD, on=False)
        await fake.answered(off)
        now = fields(await fake.answered(await fake.slash("help", user_id=7002)))
        assert "Mention me" not in now["How to ask"] and "forum" in now["How to ask"]
        dm = fields(await fake.answered(await fake.slash("help", channel_id=DM_CHANNEL_ID)))
        assert "Answer with quotebot" not in dm["How to ask"]

    run(engine, tmp_path, scenario, answer_channel_ids=[CHANNEL_ID], forum_channel_ids=[FORUM_ID])
