"""The bot's features, one extension per area, laid out like python-discord/bot's
`bot/exts/<area>/`: each area's package is an extension (its `setup` in `__init__`), whose
cog (`cog.py`) owns the area's commands, buttons, menus and listeners as thin handlers over
plain functions in modules of their own. What the areas share, the Discord infrastructure
(client, store, rendering, limits, escaping, replies), is `bot.discord`.

Buttons never import the code they trigger: a click reaches its area's cog through
`interaction.client.get_cog(...)`, and messages are built from plain buttons
(`bot.discord.controls`), so no import circle runs through rendering.
"""

from __future__ import annotations

import pkgutil


def extensions() -> tuple[str, ...]:
    """Every extension's import name, found by walking this package (no list to forget)."""
    return tuple(f"{__name__}.{m.name}" for m in pkgutil.iter_modules(__path__) if m.ispkg)
