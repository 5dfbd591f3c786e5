"""Chat shorthand and the words it stands for ("ppl" for "people", "diff" for "different",
"msg" for "message"), so that a question typed the way members type it searches the words the
sources write.

A word no source uses weighs most in a question: "whats the diff between == and is" was
declined for want of "diff" over a FAQ that says "different". The table is the slang list of
the `contractions` package (README.md here: source, license, how it is regenerated); the
checksum below is verified when it is first read.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from index.shipped_data import read_checked

TABLE = Path(__file__).with_name("slang.json")
SHA256 = "4fb5131ee396680dc638b5a57484102c3ad2a76455f81fc61f1813f9864734a1"


@functools.cache
def shorthand_table(path: Path = TABLE, sha256: str = SHA256) -> dict[str, str]:
    """Each shorthand word, lowercased, with what it stands for."""
    data = read_checked(path, sha256)
    table = json.loads(data)
    return {word.strip().casefold(): meaning.strip() for word, meaning in table.items()}


def expansion(word: str) -> str | None:
    """What the shorthand `word` stands for ("ppl" → "people"), or None for any other word."""
    return shorthand_table().get(word.casefold().replace("’", "'"))
