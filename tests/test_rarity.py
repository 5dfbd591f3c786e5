"""The table of how common English words are: checked against its checksum, and read as a
rarity that puts everyday words below the words that name a topic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.errors import DataFileError
from index.rarity import SHA256, TABLE, rarity, zipf_table


def test_the_table_matches_the_checksum_its_readme_gives() -> None:
    readme = (TABLE.parent / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"`([0-9a-f]{64})`", readme) == [SHA256]
    assert len(zipf_table()) > 20_000


def test_a_table_that_does_not_match_its_checksum_is_refused_naming_it(tmp_path: Path) -> None:
    copy = tmp_path / "english.tsv.gz"
    data = bytearray(TABLE.read_bytes())
    data[-1] ^= 1
    copy.write_bytes(bytes(data))
    with pytest.raises(DataFileError, match=r"english\.tsv\.gz: does not match its SHA-256"):
        zipf_table(copy, SHA256)


def test_everyday_words_are_less_rare_than_the_words_of_a_topic() -> None:
    assert rarity("the") < rarity("actually") < rarity("detainer")
    assert rarity("going") < rarity("subquery")
    assert rarity("qwzxv") == 1.0  # a word the list does not hold is rarer than any it does
    assert 0.0 < rarity("the") < 0.1


def test_case_and_curly_apostrophes_do_not_change_a_word() -> None:
    assert rarity("Actually") == rarity("actually")
    assert rarity("don’t") == rarity("don't") < 1.0
