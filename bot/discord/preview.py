"""`python -m bot ask --format discord`: the message /ask would send, as discord.py sends it."""

from __future__ import annotations

from typing import Any

from bot.discord.render import answer_message
from bot.discord.service import AnswerService
from bot.discord.store import DM_SCOPE, Store
from bot.engine import Engine


def discord_payload(engine: Engine, question: str) -> dict[str, Any]:
    """What /ask would send for `question`, without curated answers (an empty, in-memory store,
    so previewing logs nothing)."""
    service = AnswerService(engine, Store(":memory:"))
    return answer_message(service.reply(question, DM_SCOPE)).payload()
