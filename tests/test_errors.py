"""Data-file errors point at the right line: TOML entries and their keys, and bad bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import DataFileError, TomlEntries, read_utf8

TOML = '# sources\n\n[[source]]\nfile = "a.txt"\n\n\n[[source]]\n"file" = "b.txt"\ntitle = "B"\n'
ENTRIES = TomlEntries(TOML, "source")


def test_an_entry_after_blank_lines_is_found_on_its_header_line() -> None:
    assert ENTRIES.line(0) == 3
    assert ENTRIES.line(1) == 7
    assert ENTRIES.line(2) is None


def test_a_key_is_found_in_its_own_entry_bare_or_quoted() -> None:
    assert ENTRIES.line(0, "file") == 4
    assert ENTRIES.line(1, "file") == 8
    assert ENTRIES.line(0, "title") == 3  # not in entry 1: its header
    assert ENTRIES.line(1, "title") == 9


def test_read_utf8_names_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "data.toml"
    path.write_bytes("a = 1\nb = 'é'\nc = '".encode() + b"\xe9'\n")
    with pytest.raises(DataFileError) as caught:
        read_utf8(path)
    assert (caught.value.path, caught.value.line) == (path, 3)
    assert "UTF-8" in caught.value.problem
    path.write_bytes("b = 'é'\n".encode())
    assert read_utf8(path) == "b = 'é'\n"
