"""How every face cites a source in plain text: title, publisher, date, file and line."""

from __future__ import annotations

from index.models import NOT_STATED


def cite(title: str, publisher: str | None, date: str | None, source: str, line: int) -> str:
    """“Title”, publisher, date (file, line N); what the source does not state is left out."""
    known = [p for p in (publisher, date) if p and p != NOT_STATED]
    return ", ".join([f"“{title}”", *known]) + f" ({source}, line {line})"
