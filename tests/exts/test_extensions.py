"""Every extension loads on its own into a fresh bot, adds one cog with what it owns, and
unloads cleanly (commands, menus, buttons and handlers gone); all together they make the
bot's whole command set, with every button template handled."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.core.engine import Engine
from bot.discord import controls
from bot.discord.client import QuoteBot
from bot.discord.service import AnswerService
from bot.discord.store import Store
from bot.exts import extensions
from tests.discord.harness import COMMANDS, settings

AREAS = {"answers", "ask", "errors", "facts", "feedback", "forum", "help", "mention", "pins"}
AREAS |= {"settings", "sources"}


def with_bot(engine: Engine, tmp_path: Path, use: Callable[[QuoteBot], Awaitable[None]]) -> None:
    async def go() -> None:
        bot = QuoteBot(settings(tmp_path), AnswerService(engine, Store(":memory:")))
        try:
            await use(bot)
        finally:
            await bot.close()

    asyncio.run(go())


def commands_of(bot: QuoteBot) -> set[str]:
    return {c.name for c in bot.tree.get_commands()} | {
        c.name for c in bot.tree.get_commands(type=discord.AppCommandType.message)
    }


def templates(bot: QuoteBot) -> set[str]:
    return {p.pattern for p in bot._connection._view_store._dynamic_items}


def test_every_area_is_an_extension() -> None:
    assert {name.removeprefix("bot.exts.") for name in extensions()} == AREAS


@pytest.mark.parametrize("name", extensions())
def test_each_extension_loads_alone_and_unloads_cleanly(
    engine: Engine, tmp_path: Path, name: str
) -> None:
    async def use(bot: QuoteBot) -> None:
        before_error = bot.tree.on_error
        await bot.load_extension(name)
        assert len(bot.cogs) == 1
        (cog,) = bot.cogs.values()
        owned = commands_of(bot) | templates(bot) | {n for n, _ in cog.get_listeners()}
        if bot.tree.on_error != before_error:
            owned.add("the tree's error handler")
        assert owned, f"{name} adds nothing"
        await bot.unload_extension(name)
        assert bot.cogs == {} and commands_of(bot) == set() and templates(bot) == set()
        assert bot.tree.on_error == before_error
        await bot.load_extension(name)  # and loads again
        assert len(bot.cogs) == 1

    with_bot(engine, tmp_path, use)


def test_all_extensions_together_make_the_bot(engine: Engine, tmp_path: Path) -> None:
    async def use(bot: QuoteBot) -> None:
        await bot.setup_hook()
        assert commands_of(bot) == COMMANDS
        every = {v for k, v in vars(controls).items() if k.isupper() and isinstance(v, str)}
        assert templates(bot) == every  # every button a message can carry is handled
        errors = bot.get_cog("Errors")
        assert errors is not None and bot.tree.on_error == errors.on_app_command_error  # type: ignore[attr-defined]

    with_bot(engine, tmp_path, use)


def test_each_button_reaches_a_loaded_cog_method(engine: Engine, tmp_path: Path) -> None:
    """A button's callback finds its cog by name: the name and the method must exist."""

    async def use(bot: QuoteBot) -> None:
        await bot.setup_hook()
        for item in bot._connection._view_store._dynamic_items.values():
            cog: Any = bot.get_cog(item.cog)  # type: ignore[attr-defined]
            assert cog is not None, item
            assert callable(getattr(cog, item.handler)), item  # type: ignore[attr-defined]
            assert re.compile(item.__discord_ui_compiled_template__.pattern)

    with_bot(engine, tmp_path, use)
