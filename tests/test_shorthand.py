"""The table of chat shorthand, read case-blind (its checksum: tests/test_shipped_data.py)."""

from __future__ import annotations

from index.shorthand import expansion


def test_shorthand_reads_as_what_it_stands_for_whatever_its_case() -> None:
    assert expansion("ppl") == expansion("PPL") == "people"
    assert expansion("diff") == "different"
    assert expansion("people") is None and expansion("u") == "you"
