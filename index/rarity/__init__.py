"""How common each English word is in general use, so that a question's everyday words
("actually", "going", "thing") count for less than the words that name its topic when the bot
judges whether a passage answers it.

A collection's own IDF cannot tell them apart: in a few dozen passages "actually" may be as
rare as "detainer", and a word no source uses weighs most of all, so a casual "is it fine
to ask …" or "whats the diff between …" looked unanswered. The table is wordfreq's English
list (README.md here: source, license, how it is regenerated); the checksum below is verified
when it is first read.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

from index.shipped_data import read_checked

TABLE = Path(__file__).with_name("english.tsv.gz")
SHA256 = "4b3c68a3d3d08357d188174a431bf0ba6d5f8d9abb03121b5e9b9baa345b7cc1"
ZIPF_CEILING = 8.0
"""Above the commonest English word ("the", 7.73): every word keeps some weight."""


@functools.cache
def zipf_table(path: Path = TABLE, sha256: str = SHA256) -> dict[str, float]:
    """Each listed word's Zipf frequency (log10 of its uses per billion words)."""
    data = read_checked(path, sha256)
    table: dict[str, float] = {}
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        word, zipf = line.split("\t")
        table[word] = float(zipf)
    return table


def rarity(word: str) -> float:
    """From 1 for a word the list does not hold (rarer than any it does) down to 0.03 for
    "the": (ceiling − Zipf frequency) / ceiling."""
    zipf = zipf_table().get(word.casefold().replace("’", "'"), 0.0)
    return (ZIPF_CEILING - zipf) / ZIPF_CEILING
