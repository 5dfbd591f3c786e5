"""Errors that name the data file and line at fault, so a user can fix it without a traceback."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from index.layout import line_breaks, line_of_offset


class DataFileError(Exception):
    """A data file the user edits is wrong; the message says which file, which line and why."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path = Path(path)
        self.line = line
        self.problem = problem
        where = f"{shown_path(self.path)}:{line}" if line else shown_path(self.path)
        super().__init__(f"{where}: {problem}")


def shown_path(path: Path | str) -> str:
    """`path` as text for a message: bytes of a name that are not UTF-8 shown as escapes
    (`caf\\xe9.txt`), so the message can be printed at all."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def toml_error_line(exc: Exception) -> int | None:
    """The line tomllib names in its message ("... (at line 3, column 7)")."""
    match = re.search(r"at line (\d+)", str(exc))
    return int(match.group(1)) if match else None


class TomlEntries:
    """Where each `[[table]]` entry of a TOML text starts, found in one pass over it: a fact
    book of 10,000 entries asks for every entry's line, and finding each from the top of the
    file made loading it quadratic."""

    def __init__(self, text: str, table: str) -> None:
        self.text = text
        header = re.compile(rf"(?m)^[ \t]*\[\[[ \t]*{re.escape(table)}[ \t]*\]\]")
        self.starts = [m.start() for m in header.finditer(text)]
        self.lines: list[int] = []
        line, at = 1, 0
        for start in self.starts:
            line += line_breaks(text, at, start)
            self.lines.append(line)
            at = start

    def line(self, index: int, key: str | None = None) -> int | None:
        """Line of the `index`-th entry, or of its `key = ...` line when there is one; None
        when there is no such entry. The key may be written bare or quoted (`"key" = ...`)."""
        if index >= len(self.starts):
            return None
        start = self.starts[index]
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
        if key:
            name = re.escape(key)
            field = re.compile(rf"(?m)^[ \t]*(?:{name}|\"{name}\"|'{name}')[ \t]*=")
            found = field.search(self.text, start, end)
            if found:
                return self.lines[index] + line_breaks(self.text, start, found.start())
        return self.lines[index]


def line_containing(text: str, needle: str, default: int | None = None) -> int | None:
    """1-based line of the first occurrence of `needle` in `text`, for pointing at a bad entry."""
    at = text.find(needle)
    return line_of_offset(text, at) if at >= 0 else default


def read_utf8(path: Path) -> str:
    """The file's text, decoded without newline translation; a file that cannot be read, or a
    byte that is not UTF-8 (reported with its line), raises DataFileError."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFileError(path, None, f"cannot be read ({exc.strerror or exc})") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8")
        line = line_of_offset(before, len(before))
        raise DataFileError(path, line, f"not valid UTF-8 (byte {exc.start})") from exc


def read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text and its TOML data; any fault is a DataFileError naming the file (and
    the line, where tomllib gives one)."""
    text = read_utf8(path)
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(path, toml_error_line(exc), f"invalid TOML: {exc}") from exc
    except RecursionError as exc:  # tomllib recurses once per level of nested arrays
        raise DataFileError(path, None, "invalid TOML: nested too deeply") from exc
