"""Autocomplete choices within Discord's rules: at most 25, names and string values of 1 to
100 characters. Autocomplete cannot be deferred, so choosing runs on the event loop over data
in memory (a fuzzy match over a few hundred names costs microseconds)."""

from __future__ import annotations

from collections.abc import Sequence

from discord import app_commands
from rapidfuzz import fuzz, process, utils

from bot.discord import limits

MAX_CHOICES = 25
MAX_CHOICE_CHARS = 100
MIN_SCORE = 50.0


def best_choices(
    options: Sequence[tuple[str, str]], typed: str, limit: int = MAX_CHOICES
) -> list[app_commands.Choice[str]]:
    """(name, value) options as choices: the first `limit` when nothing is typed yet, else
    those closest to what is typed, best first. Names are shown to the user; values are what
    the command receives, so a value that would not fit is left out rather than cut."""
    usable = [(n, v) for n, v in options if n.strip() and 0 < len(v) <= MAX_CHOICE_CHARS]
    if typed.strip():
        names = [n for n, _ in usable]
        found = process.extract(
            typed,
            names,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=min(limit, MAX_CHOICES),
            score_cutoff=MIN_SCORE,
        )
        usable = [usable[i] for _, _, i in found]
    return [
        app_commands.Choice(name=limits.trim(" ".join(n.split()), MAX_CHOICE_CHARS), value=v)
        for n, v in usable[: min(limit, MAX_CHOICES)]
    ]
