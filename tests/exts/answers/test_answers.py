"""/answers end to end: moderators' review of curated, rated and declined answers."""

from __future__ import annotations

from pathlib import Path

from bot.discord.client import QuoteBot
from bot.engine import Engine
from tests.discord.fake_discord import (
    FakeDiscord,
)
from tests.discord.harness import (
    MANAGE_MESSAGES,
    OFF_TOPIC,
    ask,
    description,
    ephemeral,
    refused,
    run,
)


def test_sources_and_unanswered(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        record = await fake.slash("sources")
        fields = (await fake.answered(record))["embeds"][0]["fields"]
        assert [f["name"] for f in fields] == bot.service.topics()

        for user, question in enumerate([OFF_TOPIC, "Who painted the Mona Lisa?", OFF_TOPIC]):
            await ask(bot, fake, question, user_id=100 + user)
        await refused(await fake.slash("answers unanswered"), fake, "moderators")
        record = await fake.slash("answers unanswered", permissions=MANAGE_MESSAGES)
        listing = await fake.answered(record)
        assert ephemeral(listing)
        lines = description(listing).splitlines()
        assert lines[0].startswith("**2×**") and "mercury" in lines[0]
        assert lines[1].startswith("**1×**") and "Mona Lisa" in lines[1]

    run(engine, tmp_path, scenario)
