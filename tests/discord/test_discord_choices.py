"""Autocomplete choices stay within Discord's rules and put the closest first."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.discord.choices import MAX_CHOICES, best_choices
from tests.discord.fake_discord import choices_problems

MEASURES = [
    (m, m)
    for m in (
        "detainer requests received",
        "detainer requests ignored",
        "police commissioner",
        "ICE agents",
        "communications chief",
    )
]


def test_nothing_typed_offers_the_first_ones_in_order() -> None:
    assert [c.value for c in best_choices(MEASURES, "")] == [v for _, v in MEASURES]
    assert len(best_choices([(f"m{i}", f"m{i}") for i in range(60)], "")) == MAX_CHOICES


def test_what_is_typed_finds_the_closest_first_and_drops_the_unrelated() -> None:
    found = [c.value for c in best_choices(MEASURES, "comissioner")]
    assert found[0] == "police commissioner"
    assert "ICE agents" not in found
    assert best_choices(MEASURES, "zzzzqqqq") == []


@settings(max_examples=100, deadline=None)
@given(
    options=st.lists(st.tuples(st.text(max_size=300), st.text(max_size=150)), max_size=60),
    typed=st.text(max_size=50),
)
def test_any_choices_are_ones_discord_accepts(options: list[tuple[str, str]], typed: str) -> None:
    offered = best_choices(options, typed)
    payload = [{"name": c.name, "value": c.value} for c in offered]
    assert choices_problems(payload) == []
    assert {c.value for c in offered} <= {v for _, v in options}
