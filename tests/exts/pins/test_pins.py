"""Pins end to end: the moderators' menus and the 📌 button, checked on every use."""

from __future__ import annotations

from pathlib import Path

from bot.core.engine import Engine
from bot.discord.client import QuoteBot
from bot.discord.render import PINNED_LABEL
from tests.discord.fake_discord import (
    GUILD_ID,
    FakeDiscord,
)
from tests.discord.harness import (
    MANAGE_MESSAGES,
    QUESTION,
    REWORDED,
    ask,
    description,
    ephemeral,
    refused,
    run,
)


def test_pin_and_unpin_need_manage_messages(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        message_id = int((await ask(bot, fake, QUESTION))["id"])
        original = description(fake.messages[message_id])

        await refused(await fake.menu("Pin answer", message_id), fake, "moderators")
        await refused(await fake.click("quotebot:pin", message_id), fake, "moderators")
        assert fake.pinned == set() and bot.store.pin_keys(GUILD_ID) == {}

        member = await fake.post("not an answer", mention_bot=False)
        record = await fake.menu("Pin answer", member, permissions=MANAGE_MESSAGES)
        await refused(record, fake, "Only the bot's answers")

        record = await fake.menu("Pin answer", message_id, permissions=MANAGE_MESSAGES)
        assert ephemeral(await fake.answered(record))
        assert fake.pinned == {message_id}
        assert list(bot.store.pin_keys(GUILD_ID)) == [message_id]

        pinned = await ask(bot, fake, REWORDED, user_id=7002)
        assert pinned["embeds"][0]["author"]["name"] == PINNED_LABEL
        assert description(pinned) == original

        await refused(await fake.menu("Unpin answer", message_id), fake, "moderators")
        assert fake.pinned == {message_id}
        record = await fake.menu("Unpin answer", message_id, permissions=MANAGE_MESSAGES)
        await fake.answered(record)
        assert fake.pinned == set() and bot.store.pin_keys(GUILD_ID) == {}
        assert "author" not in (await ask(bot, fake, REWORDED, user_id=7003))["embeds"][0]

        record = await fake.click("quotebot:pin", message_id, permissions=MANAGE_MESSAGES)
        await fake.answered(record)
        assert fake.pinned == {message_id}

    run(engine, tmp_path, scenario)
