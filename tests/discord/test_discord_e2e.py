"""End to end across features: the store stays off the event loop, `sync` registers every
command with its permissions, a rejected token is one line."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.core.engine import Engine
from bot.discord.client import QuoteBot
from tests.discord.fake_discord import (
    APP_ID,
    GUILD_ID,
    TOKEN,
    FakeDiscord,
)
from tests.discord.harness import (
    COMMANDS,
    MANAGE_GUILD,
    MANAGE_MESSAGES,
    OFF_TOPIC,
    QUESTION,
    ask,
    cli_against_fake,
    description,
    run,
)


def test_pins_votes_and_listings_use_the_store_off_the_loop(engine: Engine, tmp_path: Path) -> None:
    """A store call on the event loop would stall the heartbeat while SQLite waits for the
    disk or for an answering thread's lock; every one the bot makes runs in a thread."""

    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        message_id = int((await ask(bot, fake, QUESTION))["id"])
        await ask(bot, fake, OFF_TOPIC, user_id=7002)
        loop_thread = threading.get_ident()
        on_loop: list[str] = []
        used: set[str] = set()

        def spy(name: str) -> Callable[..., Any]:
            work = getattr(bot.store, name)

            def call(*args: Any, **kwargs: Any) -> Any:
                used.add(name)
                if threading.get_ident() == loop_thread:
                    on_loop.append(name)
                return work(*args, **kwargs)

            return call

        for name in ("sent_answer", "pin", "unpin", "vote", "unanswered"):
            setattr(bot.store, name, spy(name))
        moderator = {"permissions": MANAGE_MESSAGES}
        await fake.answered(await fake.menu("Pin answer", message_id, **moderator))
        await fake.answered(await fake.click("quotebot:vote:up", message_id))
        await fake.answered(await fake.menu("Unpin answer", message_id, **moderator))
        listing = await fake.answered(await fake.slash("answers unanswered", **moderator))
        assert "mercury" in description(listing)
        assert used == {"sent_answer", "pin", "unpin", "vote", "unanswered"}
        assert on_loop == []

    run(engine, tmp_path, scenario)


def test_rejected_token_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    fake = FakeDiscord()
    code = cli_against_fake(fake, tmp_path, monkeypatch, "run", DISCORD_TOKEN="wrong")
    assert code == 2
    err = capsys.readouterr().err
    assert "rejected DISCORD_TOKEN" in err and "Traceback" not in err


@pytest.mark.parametrize("guild", [None, GUILD_ID])
def test_sync_registers_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, guild: int
) -> None:
    fake = FakeDiscord()
    code = cli_against_fake(
        fake, tmp_path, monkeypatch, "sync", DISCORD_TOKEN=TOKEN, DEV_GUILD_ID=str(guild or "")
    )
    assert code == 0
    scope = str(guild) if guild else "global"
    path = f"/applications/{APP_ID}/guilds/{guild}/commands" if guild else None
    path = path or f"/applications/{APP_ID}/commands"
    assert [c.path for c in fake.calls if c.method == "PUT"] == [path]
    commands = {c["name"]: c for c in fake.commands[scope]}
    assert set(commands) == COMMANDS
    for moderated in ("answers", "Pin answer", "Unpin answer"):
        assert int(commands[moderated]["default_member_permissions"]) == MANAGE_MESSAGES
    assert int(commands["settings"]["default_member_permissions"]) == MANAGE_GUILD
    for everyone in ("ask", "fact", "sources", "help", "Answer with quotebot"):
        assert commands[everyone].get("default_member_permissions") is None
    assert "synced 9 commands" in capsys.readouterr().out
    assert fake.identify is None  # sync never opens the gateway
