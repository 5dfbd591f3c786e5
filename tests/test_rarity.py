"""The table of how common English words are, read as a rarity that puts everyday words below the
words that name a topic (its checksum: tests/test_shipped_data.py)."""

from __future__ import annotations

from index.rarity import rarity


def test_everyday_words_are_less_rare_than_the_words_of_a_topic() -> None:
    assert rarity("the") < rarity("actually") < rarity("detainer")
    assert rarity("going") < rarity("subquery")
    assert rarity("qwzxv") == 1.0  # a word the list does not hold is rarer than any it does
    assert 0.0 < rarity("the") < 0.1


def test_case_and_curly_apostrophes_do_not_change_a_word() -> None:
    assert rarity("Actually") == rarity("actually")
    assert rarity("don’t") == rarity("don't") < 1.0
