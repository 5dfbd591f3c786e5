"""Changes to a server's settings as plain functions, and what is in force after them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.discord.settings import BotSettings, ServerSettings, effective
from bot.exts.settings.changes import RESETTABLE, changed, defaults_for, toggle_channel

DEFAULTS = BotSettings(_env_file=None, discord_token="t", answer_channel_ids=[1, 2, 9])  # type: ignore[call-arg]


def test_a_server_s_first_channel_choice_starts_from_its_own_default_channels() -> None:
    assert toggle_channel(None, [1, 2, 9], {1, 2, 3}, 3, True) == [1, 2, 3]
    assert toggle_channel(None, [1, 2, 9], {1, 2, 3}, 1, False) == [2]
    assert toggle_channel([5], [1, 2, 9], {1, 5}, 5, True) == [5]  # no duplicate
    assert toggle_channel([5], [1, 2, 9], {1, 5}, 5, False) == []


def test_changes_are_validated_and_resets_go_back_to_the_defaults() -> None:
    own = changed(ServerSettings(), cooldown_rate=1, cooldown_seconds=60, mention_mode=False)
    with pytest.raises(ValidationError):
        changed(own, cooldown_rate=0)
    assert defaults_for(own, "cooldown") == ServerSettings(mention_mode=False)
    assert defaults_for(own, "all") == ServerSettings()
    assert set(RESETTABLE["all"]) == set(ServerSettings.model_fields)


def test_what_is_in_force_is_the_server_s_choice_else_the_default() -> None:
    chosen = effective(ServerSettings(cooldown_rate=1, forum_channel_ids=[]), DEFAULTS)
    assert chosen.cooldown_rate == 1 and chosen.cooldown_seconds == DEFAULTS.ask_cooldown_seconds
    assert chosen.answer_channel_ids == [1, 2, 9] and chosen.forum_channel_ids == []
    assert chosen.own == {"cooldown_rate", "forum_channel_ids"}
    assert effective(ServerSettings(), DEFAULTS).own == frozenset()
