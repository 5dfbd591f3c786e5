"""Changes to a server's settings, as plain functions over `ServerSettings`."""

from __future__ import annotations

from collections.abc import Collection

from bot.discord.settings import ServerSettings

RESETTABLE = {
    "all": (
        "answer_channel_ids",
        "forum_channel_ids",
        "cooldown_rate",
        "cooldown_seconds",
        "mention_mode",
        "retention_days",
    ),
    "answer_channels": ("answer_channel_ids",),
    "forums": ("forum_channel_ids",),
    "cooldown": ("cooldown_rate", "cooldown_seconds"),
    "mention_mode": ("mention_mode",),
    "retention": ("retention_days",),
}


def changed(current: ServerSettings, **fields: object) -> ServerSettings:
    """`current` with `fields` set, validated (a value out of range raises)."""
    return ServerSettings.model_validate({**current.model_dump(), **fields})


def toggle_channel(
    own: list[int] | None, defaults: list[int], here: Collection[int], channel_id: int, on: bool
) -> list[int]:
    """A server's channel list with `channel_id` added (`on`) or removed. A server without
    its own list starts from the defaults that are its channels (`here`)."""
    base = own if own is not None else [c for c in defaults if c in here]
    kept = [c for c in base if c != channel_id]
    return [*kept, channel_id] if on else kept


def defaults_for(current: ServerSettings, what: str) -> ServerSettings:
    """`current` with the settings `what` names back to the defaults."""
    return changed(current, **dict.fromkeys(RESETTABLE[what]))
