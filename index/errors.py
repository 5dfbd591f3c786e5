"""Errors that name the data file and line at fault, so a user can fix it without a traceback."""

from __future__ import annotations

import re
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


def toml_error_line(exc: Exception) -> int | None:
    """The line tomllib names in its message ("... (at line 3, column 7)")."""
    match = re.search(r"at line (\d+)", str(exc))
    return int(match.group(1)) if match else None


def toml_entry_line(text: str, table: str, index: int, key: str | None = None) -> int | None:
    """Line of the `index`-th `[[table]]` entry, or of its `key = ...` line when there is one.

    The key may be written bare or quoted (`"key" = ...`)."""
    header = re.compile(rf"(?m)^[ \t]*\[\[[ \t]*{re.escape(table)}[ \t]*\]\]")
    headers = [m.start() for m in header.finditer(text)]
    if index >= len(headers):
        return None
    start = headers[index]
    end = headers[index + 1] if index + 1 < len(headers) else len(text)
    if key:
        name = re.escape(key)
        field = re.compile(rf"(?m)^[ \t]*(?:{name}|\"{name}\"|'{name}')[ \t]*=")
        found = field.search(text, start, end)
        if found:
            return line_of_offset(text, found.start())
    return line_of_offset(text, start)


def line_containing(text: str, needle: str, default: int | None = None) -> int | None:
    """1-based line of the first occurrence of `needle` in `text`, for pointing at a bad entry."""
    at = text.find(needle)
    return line_of_offset(text, at) if at >= 0 else default


def read_utf8(path: Path) -> str:
    """The file's text; a byte that is not UTF-8 is reported with its line."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataFileError(path, line, f"not valid UTF-8 (byte {exc.start})") from exc
