"""Data files shipped from elsewhere (index/shipped_data.py): each matches the SHA-256 its
README gives, and a copy that does not is refused in one line naming it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from index import rarity, shorthand
from index.errors import DataFileError

TABLES = [
    (rarity.TABLE, rarity.SHA256, rarity.zipf_table),
    (shorthand.TABLE, shorthand.SHA256, shorthand.shorthand_table),
]


@pytest.mark.parametrize(("table", "sha256", "load"), TABLES)
def test_each_table_matches_the_checksum_its_readme_gives(
    table: Path, sha256: str, load: Callable[..., Any]
) -> None:
    readme = (table.parent / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"`([0-9a-f]{64})`", readme) == [sha256]
    assert len(load()) > 40


@pytest.mark.parametrize(("table", "sha256", "load"), TABLES)
def test_a_table_that_does_not_match_its_checksum_is_refused_naming_it(
    table: Path, sha256: str, load: Callable[..., Any], tmp_path: Path
) -> None:
    copy = tmp_path / table.name
    data = bytearray(table.read_bytes())
    data[-2] ^= 1
    copy.write_bytes(bytes(data))
    with pytest.raises(
        DataFileError, match=rf"{re.escape(table.name)}: does not match its SHA-256"
    ):
        load(copy, sha256)


def test_a_table_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"gone\.json: cannot be read"):
        shorthand.shorthand_table(tmp_path / "gone.json", shorthand.SHA256)
