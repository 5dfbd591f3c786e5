"""How every face cites a source in plain text: title, publisher, date, file and line."""

from __future__ import annotations


def cite(title: str, publisher: str, date: str, source: str, line: int) -> str:
    """ "Title", publisher, date (file, line N)."""
    return f"“{title}”, {publisher}, {date} ({source}, line {line})"
