"""/sources end to end: the documents answers quote, one field each."""

from __future__ import annotations

from pathlib import Path

from bot.core.engine import Engine
from bot.discord.client import QuoteBot
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import ephemeral, run


def test_sources_lists_every_document(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        listing = await fake.answered(await fake.slash("sources"))
        assert not ephemeral(listing)
        fields = listing["embeds"][0]["fields"]
        assert [f["name"] for f in fields] == bot.service.topics()

    run(engine, tmp_path, scenario)
