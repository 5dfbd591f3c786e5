"""The table of chat shorthand: checked against its checksum, read case-blind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.errors import DataFileError
from index.shorthand import SHA256, TABLE, expansion, shorthand_table


def test_the_table_matches_the_checksum_its_readme_gives() -> None:
    readme = (TABLE.parent / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"`([0-9a-f]{64})`", readme) == [SHA256]
    assert len(shorthand_table()) > 40


def test_a_table_that_does_not_match_its_checksum_is_refused_naming_it(tmp_path: Path) -> None:
    copy = tmp_path / "slang.json"
    copy.write_bytes(TABLE.read_bytes().replace(b"people", b"peeple"))
    with pytest.raises(DataFileError, match=r"slang\.json: does not match its SHA-256"):
        shorthand_table(copy, SHA256)


def test_shorthand_reads_as_what_it_stands_for_whatever_its_case() -> None:
    assert expansion("ppl") == expansion("PPL") == "people"
    assert expansion("diff") == "different"
    assert expansion("people") is None and expansion("u") == "you"
