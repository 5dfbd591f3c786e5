"""Errors that name the data file and line at fault, so a user can fix it without a traceback."""

from __future__ import annotations

from pathlib import Path


class DataFileError(Exception):
    """A data file the user edits is wrong; the message says which file, which line and why."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path = Path(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {problem}")


def line_of_offset(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1


def line_containing(text: str, needle: str, default: int | None = None) -> int | None:
    """1-based line of the first occurrence of `needle` in `text`, for pointing at a bad entry."""
    at = text.find(needle)
    return line_of_offset(text, at) if at >= 0 else default
