"""Forum posts' plain functions: the question a post asks, the "Solved" tag, the buttons
once solved."""

from __future__ import annotations

from typing import Any

import discord
from discord.components import ActionRow

from bot.discord import controls
from bot.discord.render import Controls, answer_view
from bot.discord.service import Reply
from bot.exts.forum.posts import MAX_APPLIED_TAGS, post_question, solved_tags, solved_view
from bot.models import Answer


def tag(tag_id: int, name: str, emoji: str | None = None) -> discord.ForumTag:
    data: dict[str, Any] = {"id": tag_id, "name": name, "moderated": False, "emoji_id": None}
    data["emoji_name"] = emoji
    return discord.ForumTag.from_data(state=None, data=data)  # type: ignore[arg-type]


def test_the_question_is_the_title_then_the_text_when_readable() -> None:
    assert post_question("  Detainers?  ", "") == "Detainers?"
    assert post_question("Detainers?", " How many in 2025? ") == "Detainers? How many in 2025?"


def test_solved_is_found_by_name_or_emoji_and_added_once_within_the_limit() -> None:
    question, solved, tick = tag(1, "Question"), tag(2, "  SOLVED "), tag(3, "Fixed", "✅")
    assert solved_tags([question, solved], [question]) == [question, solved]
    assert solved_tags([question, solved], [question, solved]) == [question, solved]
    assert solved_tags([tick], []) == [tick]
    assert solved_tags([question], [question]) == [question]  # no such tag: unchanged
    full = [tag(10 + i, f"t{i}") for i in range(MAX_APPLIED_TAGS)]
    assert solved_tags([*full, solved], full) == full  # no room: unchanged


def test_once_solved_the_button_is_greyed_out_and_the_rest_kept() -> None:
    reply = Reply(answer=Answer(question="q", status="answered"))
    view = answer_view(reply, Controls(pin=True, delete=True, solved=True))
    message = discord.Message.__new__(discord.Message)
    message.components = [ActionRow(row) for row in view.to_components()]  # type: ignore[arg-type]
    after = solved_view(message).to_components()
    buttons = [c for row in after for c in row["components"]]
    assert [b["custom_id"] for b in buttons] == [
        "quotebot:vote:up",
        "quotebot:vote:down",
        "quotebot:pin",
        "quotebot:delete",
        controls.SOLVED,
    ]
    assert buttons[-1]["disabled"] and buttons[-1]["label"] == "Solved"
    assert not any(b.get("disabled") for b in buttons[:-1])
