"""Command options bounded by `app_commands.Range` and checked when they arrive.

discord.py declares a Range's bounds to Discord (which keeps its own client within them) but
does not check the value it receives: a forged payload's `days: -5` was accepted and
`days: 10**12` overflowed a date. `InRange[int, 1, 365]` declares exactly what
`app_commands.Range[int, 1, 365]` declares, and refuses a value outside it with
`OutOfRange`, which the error handler tells the user as what is allowed.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.app_commands.transformers import RangeTransformer


class OutOfRange(app_commands.AppCommandError):
    """An option's value outside its declared range; the message says what is allowed."""


class _CheckedRange(RangeTransformer):
    """A Range's transformer that also checks the value (a string's length)."""

    def __init__(self, declared: RangeTransformer) -> None:
        super().__init__(declared.type, min=declared.min_value, max=declared.max_value)

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> Any:
        size = len(value) if isinstance(value, str) else value
        low, high = self.min_value, self.max_value
        if (low is not None and size < low) or (high is not None and size > high):
            option = _option_named(interaction, value)
            if isinstance(value, str):
                raise OutOfRange(f"{option} must be {low} to {high} characters long.")
            raise OutOfRange(f"{option} must be from {low} to {high}.")
        return value


def _option_named(interaction: discord.Interaction, value: Any) -> str:
    """The name of the option that holds `value` (for the message), else "This option"."""
    for name, given in interaction.namespace:
        if given == value:
            return f"`{name}`"
    return "This option"


class InRange:
    """`app_commands.Range`, checked on arrival: `InRange[int, 1, 365]`."""

    def __class_getitem__(cls, spec: tuple[Any, ...]) -> _CheckedRange:
        return _CheckedRange(app_commands.Range[spec])  # type: ignore[misc]
